//! Running compactions: a frozen memdb into a level-0 table, and tables of
//! one level merged into the next — dropping only records shadowed by a
//! newer record of the same (user key, version) that every live snapshot
//! sees, never splitting one user key across two output tables, and
//! yielding to the memdb worker between steps.

use std::cmp::Ordering;
use std::sync::atomic::Ordering as AtomicOrdering;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;

use crate::db::core::DbInner;
use crate::db::info_log::info;
use crate::db::level_iter::LevelIter;
use crate::db::stats::Counters;
use crate::db::table_writer::{release_outputs, TableWriter};
use crate::db::workers::honor_pause;
use crate::error::Result;
use crate::iter::{KvIter, MergingIter};
use crate::key::parse_internal_key;
use crate::memdb::MemDb;
use crate::table::BlockReadOptions;
use crate::version::{
    best_score, pick_compaction, range_compaction, Compaction, CompactionReason, FileMeta,
    VersionEdit, NUM_LEVELS,
};

/// How many entries a compaction merges between checks for a pause.
const PAUSE_CHECK_INTERVAL: u64 = 256;

impl DbInner {
    /// Writes `mem` into one new table (None when it is empty).
    pub(crate) fn write_memdb_table(&self, mem: &Arc<MemDb>) -> Result<Option<FileMeta>> {
        let mut out = TableWriter::create(self)?;
        let mut iter = mem.iter();
        iter.seek_to_first();
        while iter.valid() {
            if let Err(e) = out.add(iter.key(), iter.value()) {
                out.discard(self);
                return Err(e);
            }
            iter.next();
        }
        out.finish(self)
    }

    /// The memdb worker's job: the frozen memdb becomes a level-0 table,
    /// the manifest records it along with the journal now needed, and the
    /// older journals are deleted.
    pub(crate) fn flush_frozen(&self) -> Result<()> {
        let (frozen, mem_journal) = {
            let state = self.state.read();
            match &state.frozen {
                Some(f) => (f.clone(), state.mem_journal),
                None => return Ok(()),
            }
        };
        let start = Instant::now();
        let meta = self.write_memdb_table(&frozen)?;
        let mut edit = VersionEdit {
            journal_number: Some(mem_journal),
            ..Default::default()
        };
        let (number, size) = match meta {
            Some(meta) => {
                let n = (meta.number, meta.size);
                edit.add_table(0, meta);
                n
            }
            None => (0, 0),
        };
        {
            let mut versions = self.versions.lock();
            let result = self.install(&mut versions, edit, true);
            drop(versions);
            release_outputs(self, [number]);
            result?;
        }
        let took = start.elapsed();
        Counters::add(&self.counters.memdb_compactions, 1);
        Counters::add(&self.counters.io_write, size);
        self.counters.record_level(0, 0, size, took);
        info!(
            self.log,
            "memdb flushed: {} entries into table {number} ({size} bytes) in {:?}",
            frozen.len(),
            took
        );
        self.delete_obsolete_files();
        Ok(())
    }

    /// True when some level scores ≥ 1 or a table ran out of seeks.
    pub(crate) fn needs_table_compaction(&self) -> bool {
        if self.compaction_pauses.load(AtomicOrdering::Acquire) > 0 {
            return false;
        }
        let version = self.current_version();
        best_score(&version, &self.limits).1 >= 1.0 || self.seek_candidate.lock().is_some()
    }

    /// Runs one automatic compaction if one is needed.
    pub(crate) fn compact_once(&self, pause: &Receiver<Receiver<()>>) -> Result<()> {
        if self.compaction_pauses.load(AtomicOrdering::Acquire) > 0 {
            return Ok(());
        }
        // The version is released before the compaction runs, so that the
        // files it replaces can be deleted at the end.
        let picked = {
            let version = self.current_version();
            let seek = self.seek_candidate.lock().take().filter(|(level, t)| {
                version
                    .tables(*level)
                    .iter()
                    .any(|v| v.meta.number == t.meta.number)
            });
            let pointers = self.versions.lock().compact_pointers().clone();
            pick_compaction(&version, &self.limits, &pointers, seek)
        };
        match picked {
            Some(c) => self.run_compaction(c, pause),
            None => Ok(()),
        }
    }

    /// Compacts user keys in `[begin, end]` from `level` (or from every
    /// level holding data there, top down) into the level below.
    pub(crate) fn compact_range_levels(
        &self,
        level: Option<usize>,
        begin: Option<&[u8]>,
        end: Option<&[u8]>,
        pause: &Receiver<Receiver<()>>,
    ) -> Result<()> {
        let levels = match level {
            Some(l) => l..l + 1,
            None => {
                let version = self.current_version();
                let deepest = (0..NUM_LEVELS)
                    .rev()
                    .find(|&l| !version.overlapping_tables(l, begin, end).is_empty());
                match deepest {
                    // The deepest level's data has nowhere further to go
                    // unless something above overlaps it.
                    Some(d) => 0..d.max(1),
                    None => return Ok(()),
                }
            }
        };
        for l in levels {
            loop {
                if self.is_closed() {
                    return Err(crate::Error::Closed);
                }
                let picked = range_compaction(&self.current_version(), &self.limits, l, begin, end);
                let Some(c) = picked else {
                    break;
                };
                self.run_compaction(c, pause)?;
            }
        }
        Ok(())
    }

    fn run_compaction(&self, c: Compaction, pause: &Receiver<Receiver<()>>) -> Result<()> {
        let start = Instant::now();
        match c.reason {
            CompactionReason::Level0 => Counters::add(&self.counters.level0_compactions, 1),
            CompactionReason::Seek => Counters::add(&self.counters.seek_compactions, 1),
            CompactionReason::Size | CompactionReason::Manual => {
                if c.level == 0 {
                    Counters::add(&self.counters.level0_compactions, 1)
                } else {
                    Counters::add(&self.counters.non_level0_compactions, 1)
                }
            }
        }
        if c.is_trivial_move() && c.reason != CompactionReason::Manual {
            let table = &c.inputs[0][0];
            let mut edit = VersionEdit::default();
            edit.delete_table(c.level, table.meta.number);
            edit.add_table(c.level + 1, table.meta.clone());
            let mut versions = self.versions.lock();
            if let Some(key) = c.largest_input_key(&self.icmp) {
                versions.set_compact_pointer(c.level, key);
            }
            self.install(&mut versions, edit, false)?;
            drop(versions);
            Counters::add(&self.counters.trivial_moves, 1);
            info!(
                self.log,
                "moved table {} from level {} to {}",
                table.meta.number,
                c.level,
                c.level + 1
            );
            return Ok(());
        }

        let outputs = self.merge_inputs(&c, pause)?;
        let mut edit = VersionEdit::default();
        c.add_input_deletions(&mut edit);
        let written: u64 = outputs.iter().map(|m| m.size).sum();
        let numbers: Vec<u64> = outputs.iter().map(|m| m.number).collect();
        for meta in outputs {
            edit.add_table(c.level + 1, meta);
        }
        let installed = {
            let mut versions = self.versions.lock();
            if let Some(key) = c.largest_input_key(&self.icmp) {
                versions.set_compact_pointer(c.level, key);
            }
            self.install(&mut versions, edit, false)
        };
        release_outputs(self, numbers.iter().copied());
        installed?;
        let took = start.elapsed();
        let read = c.input_bytes();
        Counters::add(&self.counters.io_read, read);
        Counters::add(&self.counters.io_write, written);
        self.counters.record_level(c.level + 1, read, written, took);
        info!(
            self.log,
            "compacted {}@{} + {}@{} ({read} bytes) into {} tables at level {} ({written} bytes) in {:?}",
            c.inputs[0].len(),
            c.level,
            c.inputs[1].len(),
            c.level + 1,
            numbers.len(),
            c.level + 1,
            took
        );
        self.delete_obsolete_files();
        Ok(())
    }

    /// Merges the inputs of `c` into new tables; returns their metadata.
    fn merge_inputs(
        &self,
        c: &Compaction,
        pause: &Receiver<Receiver<()>>,
    ) -> Result<Vec<FileMeta>> {
        let ro = BlockReadOptions {
            verify_checksums: self.opts.paranoid_checks,
            fill_cache: false,
        };
        let mut children: Vec<Box<dyn KvIter + Send>> = Vec::new();
        for (which, tables) in c.inputs.iter().enumerate() {
            if tables.is_empty() {
                continue;
            }
            if c.level + which == 0 {
                for t in tables {
                    let table = self.table_cache.get(t.meta.number, t.meta.size)?;
                    children.push(Box::new(table.iter(ro)));
                }
            } else {
                children.push(Box::new(LevelIter::new(
                    tables.clone(),
                    self.table_cache.clone(),
                    self.icmp.clone(),
                    ro,
                )));
            }
        }
        let mut input = MergingIter::new(children, Arc::new(self.icmp.clone()));
        let smallest_snapshot = self
            .snapshots
            .oldest()
            .unwrap_or_else(|| self.last_seq.load(AtomicOrdering::Acquire));
        let ucmp = self.icmp.user_comparator().clone();

        let mut outputs: Vec<FileMeta> = Vec::new();
        let mut current: Option<TableWriter> = None;
        let mut splitter = c.output_splitter();
        let mut want_split = false;
        let mut last_user_key: Vec<u8> = Vec::new();
        let mut has_last = false;
        let mut last_version = 0u64;
        // Sequence of the previous record of the same (user key, version).
        let mut last_seq_for_key = u64::MAX;
        let mut seen: u64 = 0;

        let result = (|| -> Result<()> {
            input.seek_to_first();
            while input.valid() {
                seen += 1;
                if seen.is_multiple_of(PAUSE_CHECK_INTERVAL) {
                    honor_pause(self, pause);
                    if self.is_closed() {
                        return Err(crate::Error::Closed);
                    }
                }
                let key = input.key();
                let parsed = parse_internal_key(key)?;
                let new_user_key =
                    !has_last || ucmp.compare(parsed.user_key, &last_user_key) != Ordering::Equal;
                want_split |= splitter.should_stop_before(key, &self.icmp);
                if new_user_key {
                    if let Some(out) = &current {
                        if want_split || out.file_size() >= c.limits.table_size {
                            let out = current.take().ok_or(crate::Error::Closed)?;
                            if let Some(meta) = out.finish(self)? {
                                outputs.push(meta);
                            }
                        }
                    }
                    want_split = false;
                    last_user_key.clear();
                    last_user_key.extend_from_slice(parsed.user_key);
                    has_last = true;
                    last_version = parsed.version;
                    last_seq_for_key = u64::MAX;
                } else if parsed.version != last_version {
                    last_version = parsed.version;
                    last_seq_for_key = u64::MAX;
                }
                let shadowed = last_seq_for_key <= smallest_snapshot;
                last_seq_for_key = parsed.sequence;
                if !shadowed {
                    if current.is_none() {
                        current = Some(TableWriter::create(self)?);
                    }
                    if let Some(out) = current.as_mut() {
                        out.add(key, input.value())?;
                    }
                }
                input.next();
            }
            input.status()?;
            if let Some(out) = current.take() {
                if let Some(meta) = out.finish(self)? {
                    outputs.push(meta);
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            if let Some(mut out) = current.take() {
                out.discard(self);
            }
            for meta in &outputs {
                let path = crate::storage::names::table_file_name(&self.dir, meta.number);
                let _ = self.opts.env.remove_file(&path);
            }
            release_outputs(self, outputs.iter().map(|m| m.number));
            return Err(e);
        }
        Ok(outputs)
    }
}
