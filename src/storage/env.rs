//! `Env`: the one door through which the engine touches the file system —
//! creating, appending, syncing, reading, renaming and removing files,
//! listing and syncing the directory, and taking the `LOCK`. `PosixEnv` is
//! the real one; `FaultEnv` (tests) wraps it to inject failures and power
//! loss. Every error `PosixEnv` returns names the operation and the path.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Result;
use crate::storage::{DirLock, RandomRead, SyncWrite};

/// A file open for appending; `sync` makes what was written durable.
pub type WritableFile = Box<dyn SyncWrite>;

/// A file read once from start to end (journals, manifests, `CURRENT`).
pub type SequentialFile = Box<dyn Read + Send>;

/// The file-system operations the engine uses. Implementations must be
/// usable from many threads at once.
pub trait Env: Send + Sync {
    /// Creates `path` for writing, truncating an existing file.
    fn create(&self, path: &Path) -> io::Result<WritableFile>;
    /// Creates `path` for writing; fails if it already exists.
    fn create_new(&self, path: &Path) -> io::Result<WritableFile>;
    /// Opens `path` for appending, creating it if missing.
    fn append(&self, path: &Path) -> io::Result<WritableFile>;
    /// Opens `path` to be read from the start.
    fn open_sequential(&self, path: &Path) -> io::Result<SequentialFile>;
    /// Opens `path` for positional reads from any thread.
    fn open_random(&self, path: &Path) -> io::Result<Arc<dyn RandomRead>>;
    /// Renames `from` to `to`, replacing `to` if it exists.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Removes the file `path`.
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    /// Removes the empty directory `path`.
    fn remove_dir(&self, path: &Path) -> io::Result<()>;
    /// Creates `path` and its missing parents.
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    /// The names of the entries of directory `path` (not `.` and `..`);
    /// names that are not UTF-8 are left out, as no database file has one.
    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>>;
    /// Makes entries created, renamed or removed in `path` durable.
    fn sync_dir(&self, path: &Path) -> io::Result<()>;
    /// True when `path` names an existing file or directory.
    fn exists(&self, path: &Path) -> bool;
    /// True when `path` names an existing directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// Takes the exclusive database lock at `path` (created if missing).
    fn lock(&self, path: &Path) -> Result<DirLock>;

    /// Takes the database lock at `path` shared, for a read-only open;
    /// creates nothing (None when there is no LOCK file: no writer has
    /// ever opened the database, so none holds it).
    fn lock_shared(&self, path: &Path) -> Result<Option<DirLock>> {
        DirLock::acquire_shared(path)
    }

    /// The whole content of `path`.
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        let mut data = Vec::new();
        self.open_sequential(path)?
            .read_to_end(&mut data)
            .map_err(|e| with_path(e, "read", path))?;
        Ok(data)
    }
}

/// The default environment: the operating system's files.
pub fn default_env() -> Arc<dyn Env> {
    Arc::new(PosixEnv)
}

/// `Env` over the operating system (std::fs, fdatasync, flock).
#[derive(Clone, Copy, Debug, Default)]
pub struct PosixEnv;

/// Rewraps `e` so its message names the operation and the path; the kind
/// (what callers match on) is kept.
pub fn with_path(e: io::Error, op: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{op} {}: {e}", path.display()))
}

/// A real file that names its path in every error.
struct PosixWritable {
    file: File,
    path: PathBuf,
}

impl Write for PosixWritable {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file
            .write(buf)
            .map_err(|e| with_path(e, "write", &self.path))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SyncWrite for PosixWritable {
    fn sync(&mut self) -> io::Result<()> {
        self.file
            .sync_data()
            .map_err(|e| with_path(e, "sync", &self.path))
    }
}

/// A real file read sequentially, naming its path in errors.
struct PosixSequential {
    file: io::BufReader<File>,
    path: PathBuf,
}

impl Read for PosixSequential {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file
            .read(buf)
            .map_err(|e| with_path(e, "read", &self.path))
    }
}

/// A real file read at offsets, naming its path in errors.
struct PosixRandom {
    file: File,
    path: PathBuf,
}

impl RandomRead for PosixRandom {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, offset)
            .map_err(|e| with_path(e, "read", &self.path))
    }

    fn size(&self) -> io::Result<u64> {
        RandomRead::size(&self.file).map_err(|e| with_path(e, "stat", &self.path))
    }
}

fn open_writable(path: &Path, opts: &mut OpenOptions, op: &str) -> io::Result<WritableFile> {
    let file = opts.open(path).map_err(|e| with_path(e, op, path))?;
    Ok(Box::new(PosixWritable {
        file,
        path: path.to_path_buf(),
    }))
}

impl Env for PosixEnv {
    fn create(&self, path: &Path) -> io::Result<WritableFile> {
        open_writable(
            path,
            OpenOptions::new().write(true).create(true).truncate(true),
            "create",
        )
    }

    fn create_new(&self, path: &Path) -> io::Result<WritableFile> {
        open_writable(
            path,
            OpenOptions::new().write(true).create_new(true),
            "create",
        )
    }

    fn append(&self, path: &Path) -> io::Result<WritableFile> {
        open_writable(path, OpenOptions::new().append(true).create(true), "open")
    }

    fn open_sequential(&self, path: &Path) -> io::Result<SequentialFile> {
        let file = File::open(path).map_err(|e| with_path(e, "open", path))?;
        Ok(Box::new(PosixSequential {
            file: io::BufReader::with_capacity(64 << 10, file),
            path: path.to_path_buf(),
        }))
    }

    fn open_random(&self, path: &Path) -> io::Result<Arc<dyn RandomRead>> {
        let file = File::open(path).map_err(|e| with_path(e, "open", path))?;
        Ok(Arc::new(PosixRandom {
            file,
            path: path.to_path_buf(),
        }))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to).map_err(|e| {
            let what = format!("rename to {}:", to.display());
            with_path(e, &what, from)
        })
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path).map_err(|e| with_path(e, "remove", path))
    }

    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        fs::remove_dir(path).map_err(|e| with_path(e, "remove directory", path))
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        fs::create_dir_all(path).map_err(|e| with_path(e, "create directory", path))
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let entries = fs::read_dir(path).map_err(|e| with_path(e, "list", path))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| with_path(e, "list", path))?;
            if let Ok(name) = entry.file_name().into_string() {
                names.push(name);
            }
        }
        Ok(names)
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        File::open(path)
            .and_then(|d| d.sync_all())
            .map_err(|e| with_path(e, "sync directory", path))
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn lock(&self, path: &Path) -> Result<DirLock> {
        DirLock::acquire(path)
    }
}

/// Boxed files are files: the engine holds `WritableFile`s in generic
/// writers.
impl SyncWrite for Box<dyn SyncWrite> {
    fn sync(&mut self) -> io::Result<()> {
        (**self).sync()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_path_and_keep_the_kind() {
        let env = PosixEnv;
        let missing =
            std::env::temp_dir().join(format!("avccdb-env-missing-{}", std::process::id()));
        let err = env.open_sequential(&missing).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(
            err.to_string().contains(&missing.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn write_sync_read_rename_list_remove() {
        let env = PosixEnv;
        let dir = std::env::temp_dir().join(format!("avccdb-env-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        env.create_dir_all(&dir).unwrap();
        let a = dir.join("a");
        let mut f = env.create_new(&a).unwrap();
        f.write_all(b"hello ").unwrap();
        f.sync().unwrap();
        drop(f);
        assert!(
            env.create_new(&a).is_err(),
            "create_new must refuse an existing file"
        );
        let mut f = env.append(&a).unwrap();
        f.write_all(b"world").unwrap();
        drop(f);
        assert_eq!(env.read_file(&a).unwrap(), b"hello world");
        let r = env.open_random(&a).unwrap();
        let mut buf = [0u8; 5];
        r.read_exact_at(&mut buf, 6).unwrap();
        assert_eq!(&buf, b"world");
        assert_eq!(r.size().unwrap(), 11);
        let b = dir.join("b");
        env.rename(&a, &b).unwrap();
        env.sync_dir(&dir).unwrap();
        assert_eq!(env.list_dir(&dir).unwrap(), vec!["b".to_string()]);
        assert!(!env.exists(&a) && env.exists(&b) && env.is_dir(&dir));
        env.remove_file(&b).unwrap();
        env.remove_dir(&dir).unwrap();
        assert!(!env.exists(&dir));
    }
}
