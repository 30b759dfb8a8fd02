//! Opening a database: the directory and its LOCK, a new or recovered
//! manifest, replay of the journals the manifest does not cover (each
//! becomes level-0 tables), a fresh journal, and the workers; the
//! read-only open, which writes nothing; and close.

use std::io::BufWriter;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::batch::decode_batches_with_header;
use crate::cache::Cache;
use crate::db::core::{DbInner, InnerParts, JournalFile};
use crate::db::info_log::{info, InfoLog};
use crate::db::stats::Counters;
use crate::db::table_cache::TableCache;
use crate::db::table_writer::release_outputs;
use crate::db::workers::spawn_workers;
use crate::error::{Error, Result};
use crate::journal::{Reader, ReaderOptions, Reporter, Writer};
use crate::key::InternalKeyComparator;
use crate::memdb::MemDb;
use crate::options::Options;
use crate::storage::names::{
    current_file_name, journal_file_name, lock_file_name, parse_file_name, FileType,
};
use crate::storage::Env;
use crate::table::{Block, TableReadOptions};
use crate::version::{FileMeta, VersionEdit, VersionSet};

/// Logs damaged journal records to LOG and counts their bytes in the
/// `journal_dropped_bytes` and `journal_torn_bytes` counters.
struct LogReporter<'a> {
    log: &'a InfoLog,
    counters: &'a Counters,
    name: String,
}

impl Reporter for LogReporter<'_> {
    fn corruption(&mut self, offset: u64, bytes: u64, reason: &str) {
        Counters::add(&self.counters.journal_dropped_bytes, bytes);
        info!(
            self.log,
            "{}: dropped {bytes} bytes at offset {offset}: {reason}", self.name
        );
    }

    fn torn_tail(&mut self, offset: u64, bytes: u64) {
        Counters::add(&self.counters.journal_torn_bytes, bytes);
        info!(
            self.log,
            "{}: torn tail of {bytes} bytes at offset {offset} ignored (interrupted write)",
            self.name
        );
    }
}

pub(crate) fn open_inner(path: &Path, opts: Options) -> Result<Arc<DbInner>> {
    opts.validate()?;
    if opts.read_only {
        return open_read_only(path, opts);
    }
    let dir = path.to_path_buf();
    let env = opts.env.clone();
    if !env.is_dir(&dir) {
        if !opts.create_if_missing {
            return Err(Error::invalid_argument(format!(
                "{}: does not exist (create_if_missing is false)",
                dir.display()
            )));
        }
        env.create_dir_all(&dir)?;
    }
    let dir_lock = env.lock(&lock_file_name(&dir))?;
    let icmp = InternalKeyComparator::new(opts.comparator.clone());
    if env.exists(&current_file_name(&dir)) {
        if opts.error_if_exists {
            return Err(Error::invalid_argument(format!(
                "{}: exists (error_if_exists is true)",
                dir.display()
            )));
        }
    } else {
        if !opts.create_if_missing {
            return Err(Error::invalid_argument(format!(
                "{}: does not exist (create_if_missing is false)",
                dir.display()
            )));
        }
        VersionSet::create_new(&*env, &dir, &icmp)?;
    }
    let log = InfoLog::open(&*env, &dir);
    info!(log, "opening {} with {:?}", dir.display(), opts);
    let mut versions = VersionSet::recover(env.clone(), &dir, icmp.clone(), opts.paranoid_checks)?;
    let (block_cache, table_cache) = caches(&opts, &dir, &icmp);
    check_tables_present(&*env, &dir, &versions)?;

    // A temporary engine state for replay: recovered memdbs become level-0
    // tables through the same code as a flush.
    let journals = journals_to_replay(&*env, &dir, versions.journal_number())?;
    for &n in &journals {
        versions.mark_file_number_used(n);
    }
    let journal_number = versions.new_file_number();
    let journal_path = journal_file_name(&dir, journal_number);
    let journal_file = env.create_new(&journal_path)?;
    let mem = Arc::new(MemDb::new(icmp.clone(), opts.write_buffer));
    let last_seq = versions.last_sequence();
    let (inner, channels) = DbInner::new(InnerParts {
        dir: dir.clone(),
        opts,
        icmp,
        table_cache,
        block_cache,
        log,
        versions,
        mem,
        journal: Some(JournalFile {
            writer: Writer::new(BufWriter::with_capacity(64 << 10, journal_file)),
            number: journal_number,
            buf: Vec::new(),
            unsynced: false,
        }),
        last_seq,
        dir_lock: Some(dir_lock),
    });
    let inner = Arc::new(inner);
    let recovered = inner.replay_journals(&journals, Some(journal_number));
    if let Err(e) = recovered {
        let _ = env.remove_file(&journal_path);
        return Err(e);
    }
    env.sync_dir(&dir)?;
    inner.delete_obsolete_files();
    spawn_workers(&inner, channels);
    inner.trigger_table();
    info!(
        inner.log,
        "opened: last sequence {}, journal {journal_number}",
        inner.last_seq.load(Ordering::Acquire)
    );
    Ok(inner)
}

/// A read-only open (`Options::read_only`): the same recovery with no
/// file created, written or removed — journals are replayed into the
/// memdb, and no worker starts, so nothing ever compacts.
fn open_read_only(path: &Path, opts: Options) -> Result<Arc<DbInner>> {
    let dir = path.to_path_buf();
    let env = opts.env.clone();
    if !env.exists(&current_file_name(&dir)) {
        return Err(Error::NotFound(format!(
            "{}: no database here (a read-only open creates none)",
            dir.display()
        )));
    }
    let dir_lock = env.lock_shared(&lock_file_name(&dir))?;
    let icmp = InternalKeyComparator::new(opts.comparator.clone());
    let versions = VersionSet::recover(env.clone(), &dir, icmp.clone(), opts.paranoid_checks)?;
    let (block_cache, table_cache) = caches(&opts, &dir, &icmp);
    check_tables_present(&*env, &dir, &versions)?;
    let journals = journals_to_replay(&*env, &dir, versions.journal_number())?;
    let mem = Arc::new(MemDb::new(icmp.clone(), opts.write_buffer));
    let last_seq = versions.last_sequence();
    // The worker channels are dropped here: with no worker, triggers are
    // no-ops and waits fail (writes and compactions are refused first).
    let (inner, _no_workers) = DbInner::new(InnerParts {
        dir,
        opts,
        icmp,
        table_cache,
        block_cache,
        log: InfoLog::disabled(),
        versions,
        mem,
        journal: None,
        last_seq,
        dir_lock,
    });
    let inner = Arc::new(inner);
    inner.replay_journals(&journals, None)?;
    Ok(inner)
}

/// The block cache (private or shared) and the table cache over it.
fn caches(
    opts: &Options,
    dir: &Path,
    icmp: &InternalKeyComparator,
) -> (Option<Arc<Cache<Block>>>, Arc<TableCache>) {
    let block_cache = match (&opts.block_cache, opts.block_cache_capacity) {
        (Some(c), _) => Some(c.clone()),
        (None, 0) => None,
        (None, cap) => Some(Arc::new(Cache::new(cap))),
    };
    let table_cache = Arc::new(TableCache::new(
        opts.env.clone(),
        dir.to_path_buf(),
        opts.max_open_files.saturating_sub(10).max(10),
        TableReadOptions {
            comparator: Arc::new(icmp.clone()),
            filter_policy: opts
                .effective_filter_policy()
                .map(|p| Arc::new(crate::table::InternalFilterPolicy::new(p)) as _),
            cache: block_cache.clone(),
            verify_checksums: opts.paranoid_checks,
            leaf_hasher: None,
            // Block trees for proofs: a quarter of the block cache's size.
            merkle_cache: block_cache
                .as_ref()
                .map(|c| Arc::new(Cache::new((c.capacity() / 4).max(1 << 20)))),
        },
    ));
    (block_cache, table_cache)
}

/// Every table the manifest names must exist.
fn check_tables_present(env: &dyn Env, dir: &Path, versions: &VersionSet) -> Result<()> {
    let mut present = std::collections::HashSet::new();
    for name in env.list_dir(dir)? {
        if let Some((FileType::Table, n)) = parse_file_name(&name) {
            present.insert(n);
        }
    }
    let missing: Vec<u64> = versions
        .current()
        .live_table_numbers()
        .filter(|n| !present.contains(n))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::corruption(format!(
            "{} table files named by the manifest are missing, e.g. {:06}.ldb",
            missing.len(),
            missing[0]
        )))
    }
}

/// Journals at or above `floor`, oldest first.
fn journals_to_replay(env: &dyn Env, dir: &Path, floor: u64) -> Result<Vec<u64>> {
    let mut numbers: Vec<u64> = env
        .list_dir(dir)?
        .iter()
        .filter_map(|name| match parse_file_name(name) {
            Some((FileType::Journal, n)) if n >= floor => Some(n),
            _ => None,
        })
        .collect();
    numbers.sort_unstable();
    Ok(numbers)
}

impl DbInner {
    /// Replays `journals` into memdbs written out as level-0 tables, then
    /// records the tables, the new journal and the last sequence. With no
    /// new journal (read-only), every record goes into the live memdb and
    /// nothing is written.
    fn replay_journals(&self, journals: &[u64], new_journal: Option<u64>) -> Result<()> {
        let in_memory = new_journal.is_none();
        let mut edit = VersionEdit::default();
        let mut tables: Vec<FileMeta> = Vec::new();
        let mut max_seq = self.last_seq.load(Ordering::Acquire);
        let result = (|| -> Result<()> {
            for &number in journals {
                let path = journal_file_name(&self.dir, number);
                let name = format!("{number:06}.log");
                let file = self.opts.env.open_sequential(&path)?;
                let mut reader = Reader::with_reporter(
                    file,
                    ReaderOptions {
                        verify_checksums: true,
                        strict: self.opts.paranoid_checks,
                    },
                    LogReporter {
                        log: &self.log,
                        counters: &self.counters,
                        name: name.clone(),
                    },
                )
                .named(&name);
                let mut mem = if in_memory {
                    self.state.read().mem.clone()
                } else {
                    Arc::new(MemDb::new(self.icmp.clone(), self.opts.write_buffer))
                };
                let mut record = Vec::new();
                let mut records = 0u64;
                while reader.read_record(&mut record)? {
                    let applied = decode_batches_with_header(&record, |seq, r| {
                        mem.add(seq, r.kind, r.key, r.version, r.value);
                        Ok(())
                    });
                    match applied {
                        Ok((first, count)) => {
                            records += u64::from(count);
                            if count > 0 {
                                max_seq = max_seq.max(first + u64::from(count) - 1);
                            }
                        }
                        Err(e) if !self.opts.paranoid_checks => {
                            info!(self.log, "{name}: skipped an undecodable record: {e}");
                        }
                        Err(e) => return Err(e),
                    }
                    if !in_memory && mem.approximate_size() >= self.opts.write_buffer {
                        tables.extend(self.write_memdb_table(&mem)?);
                        mem = Arc::new(MemDb::new(self.icmp.clone(), self.opts.write_buffer));
                    }
                }
                if !in_memory {
                    tables.extend(self.write_memdb_table(&mem)?);
                }
                info!(
                    self.log,
                    "recovered {records} records from {name} (dropped {} bytes, torn tail {} bytes)",
                    reader.dropped_bytes(),
                    reader.torn_tail_bytes()
                );
            }
            Ok(())
        })();
        if let Err(e) = result {
            for t in &tables {
                let path = crate::storage::names::table_file_name(&self.dir, t.number);
                let _ = self.opts.env.remove_file(&path);
            }
            release_outputs(self, tables.iter().map(|t| t.number));
            return Err(e);
        }
        let Some(new_journal) = new_journal else {
            self.last_seq.store(max_seq, Ordering::Release);
            return Ok(());
        };
        for t in &tables {
            edit.add_table(0, t.clone());
        }
        edit.journal_number = Some(new_journal);
        edit.last_sequence = Some(max_seq);
        self.last_seq.store(max_seq, Ordering::Release);
        let mut versions = self.versions.lock();
        let installed = self.install(&mut versions, edit, false);
        drop(versions);
        release_outputs(self, tables.iter().map(|t| t.number));
        installed.map(|_| ())
    }

    /// Stops the workers, makes the journal durable and releases the LOCK.
    /// Later calls fail with `Error::Closed`.
    pub(crate) fn close(&self) -> Result<()> {
        if self.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        drop(self.close_tx.lock().take());
        self.write.close();
        let workers: Vec<_> = self.workers.lock().drain(..).collect();
        for w in workers {
            let _ = w.join();
        }
        // Taking the journal waits for a write group in flight; writers
        // that come later find none and fail with `Closed`.
        let mut result = Ok(());
        if let Some(mut journal) = self.journal.lock().take() {
            let done = if self.opts.no_sync {
                journal.writer.flush()
            } else {
                journal.writer.sync()
            };
            if let Err(e) = done {
                result = Err(e);
            }
        }
        info!(self.log, "closed");
        drop(self.dir_lock.lock().take());
        result
    }
}
