//! `Db`: the safe Rust API of one open database, shared by any number of
//! threads (`Db: Send + Sync`). The C facade wraps exactly this.

use std::path::Path;
use std::sync::Arc;

use crate::batch::Batch;
use crate::db::core::DbInner;
use crate::db::read::Iter;
use crate::db::snapshot::Snapshot;
use crate::db::stats::{LevelStats, Stats};
use crate::db::transaction::Transaction;
use crate::error::{Error, Result};
use crate::key::{Kind, MAX_VERSION};
use crate::options::{Options, ReadOptions, WriteOptions};
use crate::version::NUM_LEVELS;

thread_local! {
    /// Reused by `put`/`delete` and their versioned forms.
    static SINGLE_WRITE: std::cell::RefCell<Batch> = std::cell::RefCell::new(Batch::new());
}

/// A scratch batch that grew past this (one huge value) is not kept.
const SINGLE_WRITE_KEEP: usize = 64 << 10;

/// An open database. Closing happens on `close` or when the handle is
/// dropped; iterators and snapshots taken before stay readable.
pub struct Db {
    pub(super) inner: Arc<DbInner>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("dir", &self.inner.dir).finish()
    }
}

impl Db {
    /// Opens (or creates, per `opts`) the database in directory `path`,
    /// recovering whatever its journals hold.
    pub fn open(path: impl AsRef<Path>, opts: Options) -> Result<Db> {
        Ok(Db {
            inner: crate::db::open::open_inner(path.as_ref(), opts)?,
        })
    }

    /// Stops background work, syncs the journal and releases the directory
    /// lock. Later calls on this handle fail with `Error::Closed`.
    pub fn close(&self) -> Result<()> {
        self.inner.close()
    }

    /// The directory of the database.
    pub fn path(&self) -> &Path {
        &self.inner.dir
    }

    /// The options the database was opened with.
    pub fn options(&self) -> &Options {
        &self.inner.opts
    }

    fn single(
        &self,
        kind: Kind,
        key: &[u8],
        version: Option<u64>,
        value: &[u8],
        wo: &WriteOptions,
    ) -> Result<()> {
        let fill = |batch: &mut Batch| match (kind, version) {
            (Kind::Value, None) => batch.put(key, value),
            (Kind::Value, Some(v)) => batch.put_with_version(key, v, value),
            (Kind::Deletion, None) => batch.delete(key),
            (Kind::Deletion, Some(v)) => batch.delete_with_version(key, v),
        };
        // The thread's scratch batch: a put allocates nothing once it has
        // grown. A nested call on the same thread (a callback writing), or
        // one while the thread's locals are torn down, uses a fresh batch.
        let reused = SINGLE_WRITE.try_with(|scratch| {
            let mut batch = scratch.try_borrow_mut().ok()?;
            batch.reset();
            fill(&mut batch);
            let result = self.inner.write(&batch, wo);
            if batch.capacity() > SINGLE_WRITE_KEEP {
                *batch = Batch::new();
            }
            Some(result)
        });
        match reused {
            Ok(Some(result)) => result,
            _ => {
                let mut batch = Batch::with_capacity(key.len() + value.len() + 32);
                fill(&mut batch);
                self.inner.write(&batch, wo)
            }
        }
    }

    /// Sets `key` to `value` at version 0.
    pub fn put(&self, key: &[u8], value: &[u8], wo: &WriteOptions) -> Result<()> {
        self.single(Kind::Value, key, None, value, wo)
    }

    /// Sets `key` to `value` at `version`.
    pub fn put_with_version(
        &self,
        key: &[u8],
        version: u64,
        value: &[u8],
        wo: &WriteOptions,
    ) -> Result<()> {
        self.single(Kind::Value, key, Some(version), value, wo)
    }

    /// Deletes `key` at version 0.
    pub fn delete(&self, key: &[u8], wo: &WriteOptions) -> Result<()> {
        self.single(Kind::Deletion, key, None, &[], wo)
    }

    /// Deletes `key` as of `version`: reads at versions ≥ it find nothing
    /// until a newer version is written.
    pub fn delete_with_version(&self, key: &[u8], version: u64, wo: &WriteOptions) -> Result<()> {
        self.single(Kind::Deletion, key, Some(version), &[], wo)
    }

    /// Applies `batch` atomically.
    pub fn write(&self, batch: &Batch, wo: &WriteOptions) -> Result<()> {
        self.inner.write(batch, wo)
    }

    /// The value of the newest version of `key` (None if absent or deleted).
    pub fn get(&self, key: &[u8], ro: &ReadOptions) -> Result<Option<Vec<u8>>> {
        Ok(self.get_with_version(key, MAX_VERSION, ro)?.map(|(v, _)| v))
    }

    /// The value of the newest version ≤ `version` of `key`, with the
    /// version found (None if absent, or deleted as of that version).
    pub fn get_with_version(
        &self,
        key: &[u8],
        version: u64,
        ro: &ReadOptions,
    ) -> Result<Option<(Vec<u8>, u64)>> {
        self.check_open()?;
        Ok(self
            .inner
            .get_record(key, version, ro)?
            .filter(|f| f.kind == Kind::Value)
            .map(|f| (f.value, f.version)))
    }

    /// Whether `key` has a live newest version.
    pub fn has(&self, key: &[u8], ro: &ReadOptions) -> Result<bool> {
        Ok(self.get(key, ro)?.is_some())
    }

    /// Every version of `key` in `[min, max]`, newest first, as
    /// (version, value); deleted versions are left out.
    pub fn version_history(
        &self,
        key: &[u8],
        min: u64,
        max: u64,
        ro: &ReadOptions,
    ) -> Result<Vec<(u64, Vec<u8>)>> {
        self.check_open()?;
        self.inner.version_history(key, min, max, ro)
    }

    /// A consistent view of the current state for later reads; it also
    /// pins the state's layout for Merkle roots and proofs (see
    /// [`Snapshot`] for what that keeps alive).
    pub fn snapshot(&self) -> Snapshot {
        let layout = self
            .inner
            .merkle_layout(&ReadOptions::default())
            .unwrap_or_else(|_| self.inner.current_layout());
        Snapshot::new(&self.inner.snapshots, layout)
    }

    /// An iterator over the database (positioned nowhere until a seek).
    pub fn iter(&self, ro: &ReadOptions) -> Result<Iter> {
        self.check_open()?;
        self.inner.new_iter(ro)
    }

    /// Compacts user keys in `[begin, end]` (None = unbounded) through
    /// every level, after flushing the memdb.
    pub fn compact_range(&self, begin: Option<&[u8]>, end: Option<&[u8]>) -> Result<()> {
        self.inner.check_writable()?;
        self.inner.lock_write()?;
        let flushed = if self.inner.state.read().mem.is_empty() {
            Ok(())
        } else {
            self.inner.rotate_mem(0, false).map(|_| ())
        };
        self.inner.unlock_write_plain();
        flushed?;
        self.inner.trigger_mem_wait()?;
        self.inner.trigger_range_wait(None, begin, end)
    }

    /// Compacts user keys in `[begin, end]` of `level` into the next level.
    pub fn compact_level(
        &self,
        level: usize,
        begin: Option<&[u8]>,
        end: Option<&[u8]>,
    ) -> Result<()> {
        if level + 1 >= NUM_LEVELS {
            return Err(Error::invalid_argument(format!(
                "level {level} has no level below it"
            )));
        }
        self.inner.check_writable()?;
        self.inner.trigger_range_wait(Some(level), begin, end)
    }

    /// Holds automatic table compaction until the guard is dropped (for a
    /// consistent file-level backup, say). Memdb flushes go on, so writes
    /// continue until level 0 reaches the pause trigger, then wait.
    pub fn pause_compactions(&self) -> CompactionPause {
        self.inner
            .compaction_pauses
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        CompactionPause {
            inner: self.inner.clone(),
        }
    }

    /// Opens a transaction: it holds the write lock until it commits or is
    /// discarded.
    pub fn open_transaction(&self) -> Result<Transaction> {
        self.inner.open_transaction()
    }

    /// The engine's counters now.
    pub fn stats(&self) -> Stats {
        let version = self.inner.current_version();
        let mut stats = Stats {
            levels: (0..NUM_LEVELS)
                .map(|l| LevelStats {
                    tables: version.num_tables(l),
                    size: version.level_bytes(l),
                    ..LevelStats::default()
                })
                .collect(),
            ..Stats::default()
        };
        self.inner.counters.fill(&mut stats);
        stats.alive_snapshots = self.inner.snapshots.count() as u64;
        stats.block_cache_size = self
            .inner
            .block_cache
            .as_ref()
            .map_or(0, |c| c.total_charge() as u64);
        stats.opened_tables = self.inner.table_cache.open_tables() as u64;
        stats.background_error = self.inner.bg_error().map(|e| e.to_string());
        stats
    }

    /// A named property, as LevelDB's GetProperty: `avccdb.stats`,
    /// `avccdb.num-files-at-level<N>`, `avccdb.sstables`,
    /// `avccdb.approximate-memory-usage` (also under the `leveldb.`
    /// prefix), `avccdb.background-error` (the sticky background error's
    /// message, empty when there is none), and every `Stats::counter` name
    /// as `avccdb.<name>`.
    pub fn property(&self, name: &str) -> Option<String> {
        let rest = name
            .strip_prefix("avccdb.")
            .or_else(|| name.strip_prefix("leveldb."))?;
        if let Some(level) = rest.strip_prefix("num-files-at-level") {
            let level: usize = level.parse().ok()?;
            return (level < NUM_LEVELS)
                .then(|| self.inner.current_version().num_tables(level).to_string());
        }
        match rest {
            "stats" => Some(self.stats().render()),
            "background-error" => Some(
                self.inner
                    .bg_error()
                    .map_or_else(String::new, |e| e.to_string()),
            ),
            "sstables" => {
                let version = self.inner.current_version();
                let mut s = String::new();
                for level in 0..NUM_LEVELS {
                    s.push_str(&format!("--- level {level} ---\n"));
                    for t in version.tables(level) {
                        s.push_str(&format!(
                            " {}:{}[{} .. {}]\n",
                            t.meta.number,
                            t.meta.size,
                            crate::util::escape(&t.meta.smallest),
                            crate::util::escape(&t.meta.largest)
                        ));
                    }
                }
                Some(s)
            }
            "approximate-memory-usage" => {
                let state = self.inner.state.read();
                let mut total = state.mem.approximate_size();
                total += state.frozen.as_ref().map_or(0, |f| f.approximate_size());
                total += self
                    .inner
                    .block_cache
                    .as_ref()
                    .map_or(0, |c| c.total_charge());
                Some(total.to_string())
            }
            counter => self.stats().counter(counter).map(|v| v.to_string()),
        }
    }

    /// Approximate bytes of table data for each user-key range
    /// `[start, limit)`.
    pub fn approximate_sizes(&self, ranges: &[(&[u8], &[u8])]) -> Result<Vec<u64>> {
        self.check_open()?;
        ranges
            .iter()
            .map(|(start, limit)| self.inner.approximate_size(start, limit))
            .collect()
    }

    pub(super) fn check_open(&self) -> Result<()> {
        if self.inner.is_closed() {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = self.inner.close();
    }
}

/// While alive, automatic table compaction is held (`Db::pause_compactions`).
#[must_use = "compactions resume as soon as the guard is dropped"]
pub struct CompactionPause {
    inner: Arc<DbInner>,
}

impl Drop for CompactionPause {
    fn drop(&mut self) {
        self.inner
            .compaction_pauses
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
        self.inner.trigger_table();
    }
}

impl std::fmt::Debug for CompactionPause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompactionPause")
    }
}
