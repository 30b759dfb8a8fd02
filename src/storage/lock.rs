//! The directory `LOCK`: an advisory exclusive lock held for as long as a
//! database is open, so that a second open — from this process or another —
//! fails with `Error::Busy` instead of corrupting the files.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Holds the lock until dropped (the OS also releases it if the process
/// dies, so a crash never leaves a database locked).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    path: PathBuf,
}

impl DirLock {
    /// Creates `path` if needed and takes an exclusive lock on it.
    pub fn acquire(path: &Path) -> Result<DirLock> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        // flock(2) semantics: a second open file description conflicts even
        // inside the same process.
        match file.try_lock() {
            Ok(()) => Ok(DirLock {
                _file: file,
                path: path.to_path_buf(),
            }),
            Err(TryLockError::WouldBlock) => Err(Error::Busy(format!(
                "{}: the database is already open (lock held by this or another process)",
                path.display()
            ))),
            Err(TryLockError::Error(e)) => Err(Error::Io(e)),
        }
    }

    /// Takes a shared lock on an existing `path` without creating or
    /// writing anything: shared holders coexist, an exclusive holder
    /// excludes them. None when `path` does not exist.
    pub fn acquire_shared(path: &Path) -> Result<Option<DirLock>> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Io(e)),
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(DirLock {
                _file: file,
                path: path.to_path_buf(),
            })),
            Err(TryLockError::WouldBlock) => Err(Error::Busy(format!(
                "{}: the database is open for writing (lock held by this or another process)",
                path.display()
            ))),
            Err(TryLockError::Error(e)) => Err(Error::Io(e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_acquire_is_busy_until_release() {
        let path = std::env::temp_dir().join(format!("avccdb-lock-{}", std::process::id()));
        let first = DirLock::acquire(&path).unwrap();
        let err = DirLock::acquire(&path).unwrap_err();
        assert!(matches!(err, Error::Busy(_)), "{err}");
        drop(first);
        let again = DirLock::acquire(&path).unwrap();
        assert_eq!(again.path(), path);
        drop(again);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn shared_holders_coexist_and_exclude_the_writer() {
        let path = std::env::temp_dir().join(format!("avccdb-lock-sh-{}", std::process::id()));
        assert!(DirLock::acquire_shared(&path).unwrap().is_none());
        drop(DirLock::acquire(&path).unwrap());
        let a = DirLock::acquire_shared(&path).unwrap().unwrap();
        let b = DirLock::acquire_shared(&path).unwrap().unwrap();
        assert!(matches!(DirLock::acquire(&path), Err(Error::Busy(_))));
        drop((a, b));
        let writer = DirLock::acquire(&path).unwrap();
        assert!(matches!(
            DirLock::acquire_shared(&path),
            Err(Error::Busy(_))
        ));
        drop(writer);
        std::fs::remove_file(&path).unwrap();
    }
}
