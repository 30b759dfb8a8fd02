//! The database directory's file names (LevelDB's layout) and the atomic
//! switch of `CURRENT` to a new manifest.
//!
//! `NNNNNN.log` journals, `NNNNNN.ldb` tables, `MANIFEST-NNNNNN`, `CURRENT`
//! (the name of the live manifest plus a newline), `LOCK`, `LOG` and
//! `LOG.old` (the info log), and `NNNNNN.dbtmp` for files being written.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::storage::Env;

/// What a file in the database directory is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Journal,
    Table,
    Manifest,
    Current,
    Lock,
    InfoLog,
    Temp,
}

pub fn journal_file_name(dir: &Path, number: u64) -> PathBuf {
    dir.join(format!("{number:06}.log"))
}

pub fn table_file_name(dir: &Path, number: u64) -> PathBuf {
    dir.join(format!("{number:06}.ldb"))
}

pub fn manifest_file_name(dir: &Path, number: u64) -> PathBuf {
    dir.join(format!("MANIFEST-{number:06}"))
}

pub fn temp_file_name(dir: &Path, number: u64) -> PathBuf {
    dir.join(format!("{number:06}.dbtmp"))
}

pub fn current_file_name(dir: &Path) -> PathBuf {
    dir.join("CURRENT")
}

pub fn lock_file_name(dir: &Path) -> PathBuf {
    dir.join("LOCK")
}

pub fn info_log_file_name(dir: &Path) -> PathBuf {
    dir.join("LOG")
}

pub fn old_info_log_file_name(dir: &Path) -> PathBuf {
    dir.join("LOG.old")
}

/// Classifies a file name (not a path). Numbers are the file numbers the
/// manifest allocates; `CURRENT`, `LOCK` and the info logs carry 0.
pub fn parse_file_name(name: &str) -> Option<(FileType, u64)> {
    match name {
        "CURRENT" => return Some((FileType::Current, 0)),
        "LOCK" => return Some((FileType::Lock, 0)),
        "LOG" | "LOG.old" => return Some((FileType::InfoLog, 0)),
        _ => {}
    }
    if let Some(num) = name.strip_prefix("MANIFEST-") {
        return parse_number(num).map(|n| (FileType::Manifest, n));
    }
    let (num, ext) = name.split_once('.')?;
    let file_type = match ext {
        "log" => FileType::Journal,
        "ldb" | "sst" => FileType::Table,
        "dbtmp" => FileType::Temp,
        _ => return None,
    };
    parse_number(num).map(|n| (file_type, n))
}

fn parse_number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Points `CURRENT` at `MANIFEST-<manifest_number>` atomically: the new
/// content is written to a temp file, synced, renamed over `CURRENT`, and the
/// directory is synced so the rename itself survives a crash.
pub fn set_current_file(env: &dyn Env, dir: &Path, manifest_number: u64) -> Result<()> {
    let temp = temp_file_name(dir, manifest_number);
    let contents = format!("MANIFEST-{manifest_number:06}\n");
    let written = (|| -> Result<()> {
        let mut f = env.create(&temp)?;
        f.write_all(contents.as_bytes())?;
        f.sync()?;
        env.rename(&temp, &current_file_name(dir))?;
        env.sync_dir(dir)?;
        Ok(())
    })();
    if written.is_err() {
        let _ = env.remove_file(&temp);
    }
    written
}

/// Reads `CURRENT` and returns the manifest file name it names.
pub fn read_current_file(env: &dyn Env, dir: &Path) -> Result<String> {
    let raw = env
        .read_file(&current_file_name(dir))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::NotFound(format!("{}: CURRENT does not exist", dir.display()))
            }
            _ => Error::Io(e),
        })?;
    let text =
        std::str::from_utf8(&raw).map_err(|_| Error::corruption("CURRENT is not valid UTF-8"))?;
    let name = text
        .strip_suffix('\n')
        .ok_or_else(|| Error::corruption("CURRENT file does not end with a newline"))?;
    match parse_file_name(name) {
        Some((FileType::Manifest, _)) => Ok(name.to_string()),
        _ => Err(Error::corruption(format!(
            "CURRENT names {name:?}, which is not a manifest"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let dir = Path::new("/db");
        let cases = [
            (journal_file_name(dir, 7), FileType::Journal, 7),
            (
                table_file_name(dir, 123_456_789),
                FileType::Table,
                123_456_789,
            ),
            (manifest_file_name(dir, 2), FileType::Manifest, 2),
            (temp_file_name(dir, 9), FileType::Temp, 9),
            (current_file_name(dir), FileType::Current, 0),
            (lock_file_name(dir), FileType::Lock, 0),
            (info_log_file_name(dir), FileType::InfoLog, 0),
            (old_info_log_file_name(dir), FileType::InfoLog, 0),
        ];
        for (path, ty, n) in cases {
            let name = path.file_name().unwrap().to_str().unwrap();
            assert_eq!(parse_file_name(name), Some((ty, n)), "{name}");
        }
        assert_eq!(journal_file_name(dir, 5), Path::new("/db/000005.log"));
    }

    #[test]
    fn foreign_names_are_ignored() {
        for name in [
            "",
            "foo",
            "MANIFEST-",
            "MANIFEST-x1",
            "1.txt",
            ".log",
            "12a.ldb",
            "-1.log",
            "CURRENTX",
            "99999999999999999999999.log",
        ] {
            assert_eq!(parse_file_name(name), None, "{name}");
        }
        assert_eq!(parse_file_name("000012.sst"), Some((FileType::Table, 12)));
    }

    #[test]
    fn current_file_switch_and_validation() {
        use std::fs;
        let env = &crate::storage::PosixEnv;
        let dir = std::env::temp_dir().join(format!("avccdb-names-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        assert!(read_current_file(env, &dir).unwrap_err().is_not_found());
        set_current_file(env, &dir, 3).unwrap();
        assert_eq!(read_current_file(env, &dir).unwrap(), "MANIFEST-000003");
        set_current_file(env, &dir, 4).unwrap();
        assert_eq!(read_current_file(env, &dir).unwrap(), "MANIFEST-000004");
        assert!(!temp_file_name(&dir, 4).exists());
        for bad in [&b"MANIFEST-000004"[..], b"000004.log\n", b"\xff\n"] {
            fs::write(current_file_name(&dir), bad).unwrap();
            assert!(read_current_file(env, &dir).unwrap_err().is_corruption());
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
