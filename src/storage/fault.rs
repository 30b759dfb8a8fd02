//! `FaultEnv`: a `PosixEnv` that fails on command, for reliability tests.
//! It can fail the Nth call of a kind (optionally only on one kind of
//! database file) with `ENOSPC` or `EIO`, fail every call from a point on,
//! write only part of a buffer (a torn write), and simulate power loss:
//! every byte written since a file's last successful sync is forgotten, and
//! files created or renamed since their directory's last sync are undone.
//!
//! Syncs are simulated: a successful sync marks the bytes durable for
//! `power_loss` without calling fsync (the test process never really loses
//! power, and real fsyncs would make loops over every sync point slow).
//!
//! Removals are treated as durable at once (the engine only removes files
//! it no longer needs, and recovery ignores stale journals and unlisted
//! tables, so a resurrected file would change nothing).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::storage::env::{with_path, Env, PosixEnv, SequentialFile, WritableFile};
use crate::storage::names::{parse_file_name, FileType};
use crate::storage::{DirLock, RandomRead, SyncWrite};

/// The kinds of calls `FaultEnv` counts and can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileOp {
    /// Creating or opening a file for writing.
    Create,
    /// One write of bytes to a file.
    Write,
    /// Syncing a file's data.
    Sync,
    /// Opening a file for reading.
    Open,
    /// One read from a file.
    Read,
    Rename,
    Remove,
    /// Syncing a directory (making its entries durable).
    SyncDir,
    /// Listing a directory.
    List,
    CreateDir,
    /// Taking the database `LOCK`.
    Lock,
}

/// What an injected failure looks like to the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `ENOSPC`: the disk is full.
    NoSpace,
    /// `EIO`: the device failed.
    Io,
    /// For writes: half the buffer reaches the file, then `EIO`. Other
    /// calls fail as `Io`.
    TornWrite,
}

/// Which calls fail: matching calls (by kind and, optionally, by the kind
/// of database file they touch) are counted from when the injection is
/// added; the first `skip` succeed, then `count` fail (all when None).
#[derive(Clone, Debug)]
pub struct Injection {
    pub op: Option<FileOp>,
    pub file: Option<FileType>,
    pub skip: u64,
    pub count: Option<u64>,
    pub fault: Fault,
}

impl Injection {
    /// Fails the `n`th (1-based) call of `op` from now, once.
    pub fn nth(op: FileOp, n: u64) -> Injection {
        Injection {
            op: Some(op),
            file: None,
            skip: n.saturating_sub(1),
            count: Some(1),
            fault: Fault::Io,
        }
    }

    /// Fails the `n`th call of `op` from now and every one after it.
    pub fn from_nth(op: FileOp, n: u64) -> Injection {
        Injection {
            count: None,
            ..Injection::nth(op, n)
        }
    }

    /// Fails every call of every kind from now on.
    pub fn everything() -> Injection {
        Injection {
            op: None,
            file: None,
            skip: 0,
            count: None,
            fault: Fault::Io,
        }
    }

    /// Only calls on files of this kind match.
    pub fn on(mut self, file: FileType) -> Injection {
        self.file = Some(file);
        self
    }

    pub fn with(mut self, fault: Fault) -> Injection {
        self.fault = fault;
        self
    }
}

/// What power loss needs to know about one file.
#[derive(Clone, Copy, Debug, Default)]
struct Durability {
    written: u64,
    synced: u64,
    /// Created since the directory was last synced.
    entry_unsynced: bool,
}

/// A rename since the directory was last synced, with what it replaced.
struct PendingRename {
    from: PathBuf,
    to: PathBuf,
    replaced: Option<Vec<u8>>,
}

#[derive(Default)]
struct State {
    injections: Vec<(Injection, u64)>,
    calls: HashMap<FileOp, u64>,
    failures: u64,
    /// After `crash_at_sync`: the sync-like call (file or directory) that
    /// kills the machine, counted from when it was set.
    crash_at: Option<u64>,
    crashed: bool,
    files: HashMap<PathBuf, Durability>,
    renames: Vec<PendingRename>,
}

/// The fault-injecting environment; clones share one state.
#[derive(Clone, Default)]
pub struct FaultEnv {
    state: Arc<Mutex<State>>,
}

fn file_type(path: Option<&Path>) -> Option<FileType> {
    path?
        .file_name()?
        .to_str()
        .and_then(parse_file_name)
        .map(|(t, _)| t)
}

fn fault_error(fault: Fault, op: FileOp, path: &Path) -> io::Error {
    let raw = match fault {
        Fault::NoSpace => libc::ENOSPC,
        Fault::Io | Fault::TornWrite => libc::EIO,
    };
    let name = format!("{op:?} (injected)").to_lowercase();
    with_path(io::Error::from_raw_os_error(raw), &name, path)
}

impl FaultEnv {
    pub fn new() -> FaultEnv {
        FaultEnv::default()
    }

    /// Adds a failure rule; rules are checked in the order added.
    pub fn inject(&self, injection: Injection) {
        self.state.lock().injections.push((injection, 0));
    }

    /// Removes every rule and the pending crash; the machine "is back".
    pub fn clear(&self) {
        let mut s = self.state.lock();
        s.injections.clear();
        s.crash_at = None;
        s.crashed = false;
    }

    /// The `n`th (1-based) sync from now — of a file or a directory — fails,
    /// and so does every call of any kind after it, as if the machine died
    /// just before that sync completed.
    pub fn crash_at_sync(&self, n: u64) {
        let mut s = self.state.lock();
        s.crash_at = Some(n.max(1));
        s.crashed = false;
    }

    /// True once a `crash_at_sync` point was reached.
    pub fn crashed(&self) -> bool {
        self.state.lock().crashed
    }

    /// Calls of `op` seen so far (failed ones included).
    pub fn calls(&self, op: FileOp) -> u64 {
        self.state.lock().calls.get(&op).copied().unwrap_or(0)
    }

    /// File and directory syncs seen so far.
    pub fn sync_points(&self) -> u64 {
        self.calls(FileOp::Sync) + self.calls(FileOp::SyncDir)
    }

    /// Calls failed by injection so far.
    pub fn failures(&self) -> u64 {
        self.state.lock().failures
    }

    /// Counts the call and decides whether it fails.
    fn check(&self, op: FileOp, path: &Path) -> Option<Fault> {
        let mut s = self.state.lock();
        *s.calls.entry(op).or_insert(0) += 1;
        if s.crashed {
            s.failures += 1;
            return Some(Fault::Io);
        }
        if let (Some(n), FileOp::Sync | FileOp::SyncDir) = (s.crash_at, op) {
            if n <= 1 {
                s.crash_at = None;
                s.crashed = true;
                s.failures += 1;
                return Some(Fault::Io);
            }
            s.crash_at = Some(n - 1);
        }
        let is_dir_op = matches!(op, FileOp::SyncDir | FileOp::List | FileOp::CreateDir);
        let kind = if is_dir_op {
            None
        } else {
            file_type(Some(path))
        };
        let mut hit = None;
        for (rule, seen) in s.injections.iter_mut() {
            let op_matches = rule.op.is_none_or(|o| o == op);
            let file_matches = rule.file.is_none() || (rule.file == kind && kind.is_some());
            if !(op_matches && file_matches) {
                continue;
            }
            *seen += 1;
            let failing = *seen > rule.skip && rule.count.is_none_or(|c| *seen <= rule.skip + c);
            if failing && hit.is_none() {
                hit = Some(rule.fault);
            }
        }
        if hit.is_some() {
            s.failures += 1;
        }
        hit
    }

    fn fail(&self, op: FileOp, path: &Path) -> io::Result<()> {
        match self.check(op, path) {
            Some(fault) => Err(fault_error(fault, op, path)),
            None => Ok(()),
        }
    }

    fn track_new(&self, path: &Path, existing: u64, new_entry: bool) {
        let mut s = self.state.lock();
        let entry_unsynced = new_entry || s.files.get(path).is_some_and(|d| d.entry_unsynced);
        s.files.insert(
            path.to_path_buf(),
            Durability {
                written: existing,
                synced: existing,
                entry_unsynced,
            },
        );
    }

    fn writable(&self, path: &Path, inner: WritableFile) -> WritableFile {
        Box::new(FaultWritable {
            env: self.clone(),
            path: path.to_path_buf(),
            inner,
        })
    }

    /// Simulates power loss: files lose every byte written since their last
    /// successful sync; renames and creations not yet made durable by a
    /// directory sync are undone. Call it with the database closed.
    pub fn power_loss(&self) -> io::Result<()> {
        let (files, renames) = {
            let mut s = self.state.lock();
            (std::mem::take(&mut s.files), std::mem::take(&mut s.renames))
        };
        let mut files = files;
        for r in renames.into_iter().rev() {
            if PosixEnv.exists(&r.to) {
                std::fs::rename(&r.to, &r.from)?;
                if let Some(d) = files.remove(&r.to) {
                    files.insert(r.from.clone(), d);
                }
            }
            if let Some(old) = r.replaced {
                std::fs::write(&r.to, old)?;
                files.remove(&r.to);
            }
        }
        for (path, d) in files {
            if !PosixEnv.exists(&path) {
                continue;
            }
            if d.entry_unsynced {
                std::fs::remove_file(&path)?;
            } else if d.written > d.synced {
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)?
                    .set_len(d.synced)?;
            }
        }
        Ok(())
    }
}

/// A file being written through `FaultEnv`.
struct FaultWritable {
    env: FaultEnv,
    path: PathBuf,
    inner: WritableFile,
}

impl Write for FaultWritable {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let fault = self.env.check(FileOp::Write, &self.path);
        let (n, result) = match fault {
            None => match self.inner.write(buf) {
                Ok(n) => (n, Ok(n)),
                Err(e) => (0, Err(e)),
            },
            Some(Fault::TornWrite) => {
                let half = buf.len() / 2;
                let written = self.inner.write_all(&buf[..half]).map(|_| half);
                (
                    written.unwrap_or(0),
                    Err(fault_error(Fault::TornWrite, FileOp::Write, &self.path)),
                )
            }
            Some(f) => (0, Err(fault_error(f, FileOp::Write, &self.path))),
        };
        if n > 0 {
            let mut s = self.env.state.lock();
            if let Some(d) = s.files.get_mut(&self.path) {
                d.written += n as u64;
            }
        }
        result
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl SyncWrite for FaultWritable {
    fn sync(&mut self) -> io::Result<()> {
        self.env.fail(FileOp::Sync, &self.path)?;
        self.inner.flush()?;
        let mut s = self.env.state.lock();
        if let Some(d) = s.files.get_mut(&self.path) {
            d.synced = d.written;
        }
        Ok(())
    }
}

/// A file read sequentially through `FaultEnv`.
struct FaultSequential {
    env: FaultEnv,
    path: PathBuf,
    inner: SequentialFile,
}

impl Read for FaultSequential {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.env.fail(FileOp::Read, &self.path)?;
        self.inner.read(buf)
    }
}

/// A file read at offsets through `FaultEnv`.
struct FaultRandom {
    env: FaultEnv,
    path: PathBuf,
    inner: Arc<dyn RandomRead>,
}

impl RandomRead for FaultRandom {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.env.fail(FileOp::Read, &self.path)?;
        self.inner.read_exact_at(buf, offset)
    }

    fn size(&self) -> io::Result<u64> {
        self.inner.size()
    }
}

impl Env for FaultEnv {
    fn create(&self, path: &Path) -> io::Result<WritableFile> {
        self.fail(FileOp::Create, path)?;
        let existed = PosixEnv.exists(path);
        let file = PosixEnv.create(path)?;
        self.track_new(path, 0, !existed);
        Ok(self.writable(path, file))
    }

    fn create_new(&self, path: &Path) -> io::Result<WritableFile> {
        self.fail(FileOp::Create, path)?;
        let file = PosixEnv.create_new(path)?;
        self.track_new(path, 0, true);
        Ok(self.writable(path, file))
    }

    fn append(&self, path: &Path) -> io::Result<WritableFile> {
        self.fail(FileOp::Create, path)?;
        let existed = PosixEnv.exists(path);
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let file = PosixEnv.append(path)?;
        // A file reopened in this run keeps what is and is not durable.
        let known = self.state.lock().files.contains_key(path);
        if !known {
            self.track_new(path, size, !existed);
        }
        Ok(self.writable(path, file))
    }

    fn open_sequential(&self, path: &Path) -> io::Result<SequentialFile> {
        self.fail(FileOp::Open, path)?;
        Ok(Box::new(FaultSequential {
            env: self.clone(),
            path: path.to_path_buf(),
            inner: PosixEnv.open_sequential(path)?,
        }))
    }

    fn open_random(&self, path: &Path) -> io::Result<Arc<dyn RandomRead>> {
        self.fail(FileOp::Open, path)?;
        Ok(Arc::new(FaultRandom {
            env: self.clone(),
            path: path.to_path_buf(),
            inner: PosixEnv.open_random(path)?,
        }))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.fail(FileOp::Rename, from)?;
        // Small files only are renamed over others (CURRENT); keep what is
        // replaced so power loss can put it back.
        let replaced = std::fs::read(to).ok();
        PosixEnv.rename(from, to)?;
        let mut s = self.state.lock();
        if let Some(d) = s.files.remove(from) {
            s.files.insert(to.to_path_buf(), d);
        }
        s.renames.push(PendingRename {
            from: from.to_path_buf(),
            to: to.to_path_buf(),
            replaced,
        });
        Ok(())
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.fail(FileOp::Remove, path)?;
        PosixEnv.remove_file(path)?;
        self.state.lock().files.remove(path);
        Ok(())
    }

    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        self.fail(FileOp::Remove, path)?;
        PosixEnv.remove_dir(path)
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        self.fail(FileOp::CreateDir, path)?;
        PosixEnv.create_dir_all(path)
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        self.fail(FileOp::List, path)?;
        PosixEnv.list_dir(path)
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        self.fail(FileOp::SyncDir, path)?;
        let mut s = self.state.lock();
        for (file, d) in s.files.iter_mut() {
            if file.parent() == Some(path) {
                d.entry_unsynced = false;
            }
        }
        s.renames.retain(|r| r.to.parent() != Some(path));
        Ok(())
    }

    fn exists(&self, path: &Path) -> bool {
        PosixEnv.exists(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        PosixEnv.is_dir(path)
    }

    fn lock(&self, path: &Path) -> Result<DirLock> {
        self.fail(FileOp::Lock, path).map_err(Error::Io)?;
        PosixEnv.lock(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("avccdb-fault-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn power_loss_keeps_only_synced_bytes_and_synced_entries() {
        let dir = temp_dir("pl");
        let old = dir.join("000001.log");
        std::fs::write(&old, b"durable before").unwrap();
        let env = FaultEnv::new();
        let mut f = env.append(&old).unwrap();
        f.write_all(b"+synced").unwrap();
        f.sync().unwrap();
        f.write_all(b"+lost").unwrap();
        let fresh = dir.join("000002.ldb");
        let mut g = env.create_new(&fresh).unwrap();
        g.write_all(b"synced data, entry not synced").unwrap();
        g.sync().unwrap();
        let kept = dir.join("000003.ldb");
        let mut h = env.create_new(&kept).unwrap();
        h.write_all(b"kept").unwrap();
        h.sync().unwrap();
        std::fs::write(dir.join("CURRENT"), b"old\n").unwrap();
        let temp = dir.join("000004.dbtmp");
        let mut t = env.create(&temp).unwrap();
        t.write_all(b"new\n").unwrap();
        t.sync().unwrap();
        env.sync_dir(&dir).unwrap(); // makes 000002, 000003 and the temp durable
        std::fs::remove_file(&fresh).unwrap(); // behind the env's back: skipped below
        env.rename(&temp, &dir.join("CURRENT")).unwrap(); // not yet durable
        let late = dir.join("000005.log");
        env.create_new(&late).unwrap();
        drop((f, g, h, t));
        env.power_loss().unwrap();
        assert_eq!(std::fs::read(&old).unwrap(), b"durable before+synced");
        assert_eq!(std::fs::read(&kept).unwrap(), b"kept");
        assert_eq!(std::fs::read(dir.join("CURRENT")).unwrap(), b"old\n");
        assert!(
            !late.exists(),
            "a file whose entry was never synced is gone"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn injections_fail_the_chosen_calls_only() {
        let dir = temp_dir("inj");
        let env = FaultEnv::new();
        env.inject(
            Injection::nth(FileOp::Write, 2)
                .on(FileType::Journal)
                .with(Fault::NoSpace),
        );
        let mut table = env.create_new(&dir.join("000007.ldb")).unwrap();
        let mut journal = env.create_new(&dir.join("000008.log")).unwrap();
        table.write_all(b"t").unwrap();
        journal.write_all(b"1").unwrap();
        table.write_all(b"t").unwrap();
        let err = journal.write_all(b"2").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert!(err.to_string().contains("000008.log"), "{err}");
        journal.write_all(b"3").unwrap();
        assert_eq!(env.failures(), 1);
        assert_eq!(env.calls(FileOp::Write), 5);

        env.inject(Injection::nth(FileOp::Write, 1).with(Fault::TornWrite));
        assert!(journal.write_all(b"abcd").is_err());
        assert_eq!(std::fs::read(dir.join("000008.log")).unwrap(), b"13ab");

        env.crash_at_sync(2);
        table.sync().unwrap();
        assert!(journal.sync().is_err() && env.crashed());
        assert!(
            table.write_all(b"x").is_err(),
            "everything fails after the crash"
        );
        env.clear();
        table.write_all(b"x").unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
