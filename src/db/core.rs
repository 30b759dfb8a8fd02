//! `DbInner`: the state one open database shares between its handle, its
//! writers, its readers and its two background workers — and the small
//! operations on that state that every part uses (installing a version,
//! deleting obsolete files, the sticky background error, worker triggers).
//!
//! Locks, in the order they may be taken: the write lock (the head of the
//! write queue: one writer group at a time), `versions` (manifest changes), `state`
//! (what readers see), `journal`. None is held while waiting on a worker.

use std::collections::HashSet;
use std::io::BufWriter;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;

use crossbeam_channel::{bounded, select, Receiver, Sender};
use parking_lot::{Mutex, RwLock};

use crate::cache::Cache;
use crate::db::info_log::{info, InfoLog};
use crate::db::snapshot::SnapshotList;
use crate::db::stats::Counters;
use crate::db::table_cache::TableCache;
use crate::db::write_queue::WriteQueue;
use crate::error::{Error, Result};
use crate::journal::Writer;
use crate::key::InternalKeyComparator;
use crate::memdb::MemDb;
use crate::options::Options;
use crate::storage::names::{parse_file_name, FileType};
use crate::storage::{DirLock, WritableFile};
use crate::table::{Block, TableOptions};
use crate::version::{LevelLimits, TableFile, Version, VersionEdit, VersionSet};

/// What a reader needs to see the whole database: the memdbs and the
/// table set, swapped together so a reader never misses data in flight
/// between a frozen memdb and its level-0 table.
pub(crate) struct ReadState {
    pub mem: Arc<MemDb>,
    /// The journal that holds `mem`'s records.
    pub mem_journal: u64,
    /// The memdb being written to a level-0 table, if any.
    pub frozen: Option<Arc<MemDb>>,
    pub version: Arc<Version>,
}

/// The journal the write path appends to.
pub(crate) struct JournalFile {
    pub writer: Writer<BufWriter<WritableFile>>,
    pub number: u64,
    /// Reused encoding buffer of one write group.
    pub buf: Vec<u8>,
    /// Bytes written since the last fsync.
    pub unsynced: bool,
}

/// Acknowledgement channel of a worker command.
pub(crate) type Ack = Sender<Result<()>>;

pub(crate) enum MemCmd {
    /// Flush the frozen memdb, if any; acknowledge when done.
    Auto(Option<Ack>),
}

pub(crate) enum TableCmd {
    /// Compact as needed; acknowledge once writes may resume (L0 below the
    /// pause trigger).
    Auto(Option<Ack>),
    /// Compact the user-key range through level `level` (every level with
    /// data when None).
    Range {
        level: Option<usize>,
        begin: Option<Vec<u8>>,
        end: Option<Vec<u8>>,
        ack: Ack,
    },
}

/// Receiving ends handed to the workers when they start.
pub(crate) struct WorkerChannels {
    pub mem_rx: Receiver<MemCmd>,
    pub table_rx: Receiver<TableCmd>,
    pub pause_rx: Receiver<Receiver<()>>,
}

pub(crate) struct DbInner {
    pub dir: PathBuf,
    pub opts: Options,
    pub icmp: InternalKeyComparator,
    pub limits: LevelLimits,
    pub table_options: TableOptions,
    pub table_cache: Arc<TableCache>,
    pub block_cache: Option<Arc<Cache<Block>>>,
    pub log: InfoLog,
    pub versions: Mutex<VersionSet>,
    pub state: RwLock<ReadState>,
    /// The last sequence visible to readers.
    pub last_seq: AtomicU64,
    pub journal: Mutex<Option<JournalFile>>,
    pub snapshots: Arc<SnapshotList>,
    /// Versions that readers may still hold; their tables are not deleted.
    pub live_versions: Mutex<Vec<Weak<Version>>>,
    /// Table numbers being written and not yet in a version.
    pub pending_outputs: Mutex<HashSet<u64>>,
    pub counters: Counters,
    pub bg_error: Mutex<Option<Error>>,
    /// Set once `bg_error` holds an error: lets every write check without
    /// taking the mutex.
    pub bg_error_set: AtomicBool,
    pub closed: AtomicBool,
    /// A table whose seek budget ran out, for the table worker.
    pub seek_candidate: Mutex<Option<(usize, Arc<TableFile>)>>,
    /// The Merkle state of the current layout, until it changes.
    pub merkle_current: Mutex<Option<crate::db::merkle::CachedMerkle>>,
    /// Live `CompactionPause` guards: automatic table compaction waits
    /// while this is non-zero.
    pub compaction_pauses: AtomicUsize,
    /// The write lock and the writers queued for it.
    pub write: WriteQueue,
    pub mem_tx: Sender<MemCmd>,
    pub table_tx: Sender<TableCmd>,
    pub pause_tx: Sender<Receiver<()>>,
    /// Dropped on close: every `select!` on `close_rx` then fires.
    pub close_tx: Mutex<Option<Sender<()>>>,
    pub close_rx: Receiver<()>,
    pub workers: Mutex<Vec<JoinHandle<()>>>,
    pub dir_lock: Mutex<Option<DirLock>>,
}

/// Everything `DbInner::new` needs that open computes first.
pub(crate) struct InnerParts {
    pub dir: PathBuf,
    pub opts: Options,
    pub icmp: InternalKeyComparator,
    pub table_cache: Arc<TableCache>,
    pub block_cache: Option<Arc<Cache<Block>>>,
    pub log: InfoLog,
    pub versions: VersionSet,
    pub mem: Arc<MemDb>,
    /// None when read-only.
    pub journal: Option<JournalFile>,
    pub last_seq: u64,
    /// None when read-only and the database has no LOCK file.
    pub dir_lock: Option<DirLock>,
}

impl DbInner {
    pub(crate) fn new(parts: InnerParts) -> (DbInner, WorkerChannels) {
        let opts = parts.opts;
        let limits = LevelLimits {
            l0_trigger: opts.compaction_l0_trigger,
            table_size: opts.compaction_table_size,
            total_size: opts.compaction_total_size,
            multiplier: opts.compaction_total_size_multiplier,
        };
        let table_options = TableOptions {
            comparator: Arc::new(parts.icmp.clone()),
            block_size: opts.block_size,
            block_restart_interval: opts.block_restart_interval,
            compression: opts.compression,
            filter_policy: opts
                .effective_filter_policy()
                .map(|p| Arc::new(crate::table::InternalFilterPolicy::new(p)) as _),
            leaf_hasher: opts
                .merkle_on_write
                .then(|| Arc::new(crate::table::InternalLeafHasher) as _),
        };
        let version = parts.versions.current();
        let (mem_tx, mem_rx) = bounded(1);
        let (table_tx, table_rx) = bounded(1);
        let (pause_tx, pause_rx) = bounded(0);
        let (close_tx, close_rx) = bounded(0);
        let inner = DbInner {
            dir: parts.dir,
            icmp: parts.icmp,
            limits,
            table_options,
            table_cache: parts.table_cache,
            block_cache: parts.block_cache,
            log: parts.log,
            versions: Mutex::new(parts.versions),
            state: RwLock::new(ReadState {
                mem: parts.mem,
                mem_journal: parts.journal.as_ref().map_or(0, |j| j.number),
                frozen: None,
                version: version.clone(),
            }),
            last_seq: AtomicU64::new(parts.last_seq),
            journal: Mutex::new(parts.journal),
            snapshots: Arc::new(SnapshotList::default()),
            live_versions: Mutex::new(vec![Arc::downgrade(&version)]),
            pending_outputs: Mutex::new(HashSet::new()),
            counters: Counters::default(),
            bg_error: Mutex::new(None),
            bg_error_set: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            seek_candidate: Mutex::new(None),
            merkle_current: Mutex::new(None),
            compaction_pauses: AtomicUsize::new(0),
            write: WriteQueue::default(),
            mem_tx,
            table_tx,
            pause_tx,
            close_tx: Mutex::new(Some(close_tx)),
            close_rx,
            workers: Mutex::new(Vec::new()),
            dir_lock: Mutex::new(parts.dir_lock),
            opts,
        };
        (
            inner,
            WorkerChannels {
                mem_rx,
                table_rx,
                pause_rx,
            },
        )
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The sticky background error, if a worker failed.
    pub(crate) fn bg_error(&self) -> Option<Error> {
        if !self.bg_error_set.load(Ordering::Acquire) {
            return None;
        }
        self.bg_error.lock().clone()
    }

    pub(crate) fn set_bg_error(&self, e: &Error) {
        let mut slot = self.bg_error.lock();
        if slot.is_none() {
            info!(
                self.log,
                "background error (writes will fail from now on): {e}"
            );
            *slot = Some(e.clone());
            self.bg_error_set.store(true, Ordering::Release);
        }
    }

    /// Fails when writes can no longer proceed.
    pub(crate) fn check_writable(&self) -> Result<()> {
        if self.is_closed() {
            return Err(Error::Closed);
        }
        if self.opts.read_only {
            return Err(Error::NotSupported(format!(
                "{}: the database is open read-only",
                self.dir.display()
            )));
        }
        match self.bg_error() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub(crate) fn current_version(&self) -> Arc<Version> {
        self.state.read().version.clone()
    }

    /// Records `edit` in the manifest and makes the resulting version the
    /// one readers see. `clear_frozen` also retires the frozen memdb, in
    /// the same step, when the edit holds its level-0 table.
    pub(crate) fn install(
        &self,
        versions: &mut VersionSet,
        mut edit: VersionEdit,
        clear_frozen: bool,
    ) -> Result<Arc<Version>> {
        // Tables may hold records up to the visible sequence; the manifest
        // must never let a reopened database reuse their sequences.
        edit.last_sequence
            .get_or_insert(self.last_seq.load(Ordering::Acquire));
        let version = versions.log_and_apply(edit)?;
        {
            let mut state = self.state.write();
            state.version = version.clone();
            if clear_frozen {
                state.frozen = None;
            }
        }
        let mut live = self.live_versions.lock();
        live.retain(|w| w.strong_count() > 0);
        live.push(Arc::downgrade(&version));
        Ok(version)
    }

    /// Deletes files no live state needs: journals older than the one the
    /// manifest names (and not the live ones), tables in no live version
    /// and not being written, old manifests, temp files.
    pub(crate) fn delete_obsolete_files(&self) {
        // Under the manifest lock, which every new file number is handed
        // out under (tables join `pending_outputs` in the same step): files
        // numbered from `number_limit` on were created after this point
        // and are never touched; older ones not pending are either in a
        // live version read below or obsolete. Pending outputs are read
        // before the versions: an output leaves them only after its
        // version is installed.
        let (journal_floor, manifest_number, number_limit, mut live_tables) = {
            let versions = self.versions.lock();
            let pending: HashSet<u64> = self.pending_outputs.lock().clone();
            (
                versions.journal_number(),
                versions.manifest_number(),
                versions.next_file_number(),
                pending,
            )
        };
        {
            let live = self.live_versions.lock();
            for v in live.iter().filter_map(Weak::upgrade) {
                live_tables.extend(v.live_table_numbers());
            }
        }
        live_tables.extend(self.current_version().live_table_numbers());
        let live_journals: HashSet<u64> = {
            let state = self.state.read();
            [
                Some(state.mem_journal),
                self.journal.lock().as_ref().map(|j| j.number),
            ]
            .into_iter()
            .flatten()
            .collect()
        };
        let Ok(names) = self.opts.env.list_dir(&self.dir) else {
            return;
        };
        for name in &names {
            let Some((kind, number)) = parse_file_name(name) else {
                continue;
            };
            if number >= number_limit && kind != FileType::Manifest {
                continue;
            }
            let obsolete = match kind {
                FileType::Journal => number < journal_floor && !live_journals.contains(&number),
                FileType::Table => !live_tables.contains(&number),
                FileType::Manifest => number < manifest_number,
                FileType::Temp => !live_tables.contains(&number),
                _ => false,
            };
            if obsolete {
                if kind == FileType::Table {
                    self.table_cache.evict(number);
                }
                match self.opts.env.remove_file(&self.dir.join(name)) {
                    Ok(()) => info!(self.log, "deleted obsolete {name}"),
                    Err(e) => info!(self.log, "could not delete {name}: {e}"),
                }
            }
        }
    }

    /// Asks the memdb worker to flush, without waiting.
    pub(crate) fn trigger_mem(&self) {
        let _ = self.mem_tx.try_send(MemCmd::Auto(None));
    }

    /// Asks the table worker to compact as needed, without waiting.
    pub(crate) fn trigger_table(&self) {
        let _ = self.table_tx.try_send(TableCmd::Auto(None));
    }

    /// Sends a command built around a fresh acknowledgement channel and
    /// waits for the acknowledgement (or for close / a worker exit).
    fn send_and_wait<C>(&self, tx: &Sender<C>, make: impl FnOnce(Ack) -> C) -> Result<()> {
        let (ack_tx, ack_rx) = bounded(1);
        let cmd = make(ack_tx);
        select! {
            send(tx, cmd) -> sent => if sent.is_err() { return Err(Error::Closed) },
            recv(self.close_rx) -> _ => return Err(Error::Closed),
        }
        select! {
            recv(ack_rx) -> r => r.unwrap_or(Err(Error::Closed)),
            recv(self.close_rx) -> _ => Err(Error::Closed),
        }
    }

    /// Waits until the memdb worker has flushed any frozen memdb.
    pub(crate) fn trigger_mem_wait(&self) -> Result<()> {
        self.send_and_wait(&self.mem_tx, |ack| MemCmd::Auto(Some(ack)))
    }

    /// Waits until the table worker lets writes resume.
    pub(crate) fn trigger_table_wait(&self) -> Result<()> {
        self.send_and_wait(&self.table_tx, |ack| TableCmd::Auto(Some(ack)))
    }

    /// Runs a range compaction on the table worker and waits for it.
    pub(crate) fn trigger_range_wait(
        &self,
        level: Option<usize>,
        begin: Option<&[u8]>,
        end: Option<&[u8]>,
    ) -> Result<()> {
        self.send_and_wait(&self.table_tx, |ack| TableCmd::Range {
            level,
            begin: begin.map(<[u8]>::to_vec),
            end: end.map(<[u8]>::to_vec),
            ack,
        })
    }
}
