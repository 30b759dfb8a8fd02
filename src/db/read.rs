//! The read path: point reads (newest version, newest version ≤ v, version
//! history) and iterators, over the memdbs and the table set captured
//! together at the start of the read, at a snapshot sequence.

use std::cmp::Ordering;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering as AtomicOrdering;
use std::sync::Arc;

use crate::db::core::DbInner;
use crate::db::iter::{DbIter, IterSpec};
use crate::db::level_iter::LevelIter;
use crate::db::stats::Counters;
use crate::error::{Error, Result};
use crate::iter::{KvIter, MergingIter};
use crate::key::{lookup_key, parse_internal_key, Comparator, Kind, MAX_SEQUENCE, MAX_VERSION};
use crate::memdb::MemDb;
use crate::options::ReadOptions;
use crate::table::{BlockReadOptions, Probe};
use crate::version::{TableFile, Version};

/// The newest visible record of a key (at or below a version).
pub(crate) struct Found {
    pub version: u64,
    pub sequence: u64,
    pub kind: Kind,
    pub value: Vec<u8>,
}

/// The sources of one read, captured together.
pub(crate) struct ReadView {
    pub sequence: u64,
    pub mems: Vec<Arc<MemDb>>,
    pub version: Arc<Version>,
}

impl DbInner {
    pub(crate) fn read_sequence(&self, ro: &ReadOptions) -> Result<u64> {
        match &ro.snapshot {
            Some(s) if !s.belongs_to(&self.snapshots) => Err(Error::invalid_argument(
                "the snapshot belongs to another database",
            )),
            Some(s) => Ok(s.sequence()),
            None => Ok(self.last_seq.load(AtomicOrdering::Acquire)),
        }
    }

    pub(crate) fn read_view(&self, ro: &ReadOptions) -> Result<ReadView> {
        // The sequence first: anything the memdbs or tables gained after it
        // is invisible anyway.
        let sequence = self.read_sequence(ro)?;
        let state = self.state.read();
        let mut mems = vec![state.mem.clone()];
        mems.extend(state.frozen.clone());
        Ok(ReadView {
            sequence,
            mems,
            version: state.version.clone(),
        })
    }

    fn block_options(&self, ro: &ReadOptions) -> BlockReadOptions {
        BlockReadOptions {
            verify_checksums: ro.verify_checksums || self.opts.paranoid_checks,
            fill_cache: ro.fill_cache,
        }
    }

    /// Looks at one record of a point read: `Break` with the record when it
    /// is the first visible one of `user_key`, `Continue` past a record
    /// newer than the read sequence, `Break(None)` once past `user_key`.
    /// Records of `user_key` come version desc, sequence desc, from the
    /// read's seek target on.
    fn visible_record(
        &self,
        ikey: &[u8],
        value: &[u8],
        user_key: &[u8],
        sequence: u64,
    ) -> ControlFlow<Result<Option<Found>>> {
        let parsed = match parse_internal_key(ikey) {
            Ok(p) => p,
            Err(e) => return ControlFlow::Break(Err(e)),
        };
        if self.icmp.compare_user(parsed.user_key, user_key) != Ordering::Equal {
            return ControlFlow::Break(Ok(None));
        }
        if parsed.sequence > sequence {
            return ControlFlow::Continue(());
        }
        ControlFlow::Break(Ok(Some(Found {
            version: parsed.version,
            sequence: parsed.sequence,
            kind: parsed.kind,
            value: value.to_vec(),
        })))
    }

    /// The first visible record of `user_key` at or after `target` in a
    /// memdb.
    fn first_visible_in_mem(
        &self,
        mem: &Arc<MemDb>,
        target: &[u8],
        user_key: &[u8],
        sequence: u64,
    ) -> Result<Option<Found>> {
        let mut iter = mem.iter();
        iter.seek(target);
        while iter.valid() {
            match self.visible_record(iter.key(), iter.value(), user_key, sequence) {
                ControlFlow::Break(r) => return r,
                ControlFlow::Continue(()) => iter.next(),
            }
        }
        Ok(None)
    }

    /// The record of `user_key` with the highest version ≤ `max_version`
    /// (the newest write of that version) visible at the read sequence.
    pub(crate) fn get_record(
        &self,
        user_key: &[u8],
        max_version: u64,
        ro: &ReadOptions,
    ) -> Result<Option<Found>> {
        let view = self.read_view(ro)?;
        let target = lookup_key(user_key, max_version, view.sequence);
        let mut best: Option<Found> = None;
        let better = |best: &Option<Found>, f: &Found| {
            best.as_ref()
                .is_none_or(|b| (f.version, f.sequence) > (b.version, b.sequence))
        };
        // The memdbs hold the newest writes: once one answers with the
        // highest version possible, nothing older can beat it.
        for mem in &view.mems {
            if let Some(f) = self.first_visible_in_mem(mem, &target, user_key, view.sequence)? {
                if better(&best, &f) {
                    best = Some(f);
                }
            }
            if best.as_ref().is_some_and(|b| b.version == max_version) {
                return Ok(best);
            }
        }
        let bro = self.block_options(ro);
        let mut first_miss: Option<(usize, &Arc<TableFile>)> = None;
        let mut searched = 0;
        for (level, t) in view.version.tables_for_key_iter(user_key) {
            // The manifest knows each table's largest (version, sequence):
            // once a record is found, tables that cannot hold a newer one
            // are not read at all.
            if best
                .as_ref()
                .is_some_and(|b| t.meta.cannot_beat(b.version, b.sequence))
            {
                continue;
            }
            let table = self.table_cache.get(t.meta.number, t.meta.size)?;
            // One index seek for the filter and the data block; a table
            // whose filter excludes the key is not searched.
            let probe = table.probe(&target, &bro, |k, v| {
                self.visible_record(k, v, user_key, view.sequence)
            })?;
            let found = match probe {
                Probe::Filtered => continue,
                Probe::Missed => None,
                Probe::Hit(r) => r?,
            };
            searched += 1;
            match found {
                Some(f) => {
                    if better(&best, &f) {
                        best = Some(f);
                    }
                }
                None => {
                    if searched == 1 {
                        first_miss = Some((level, t));
                    }
                }
            }
        }
        if searched >= 2 {
            if let Some((level, t)) = first_miss {
                if t.charge_seek() {
                    *self.seek_candidate.lock() = Some((level, t.clone()));
                    self.trigger_table();
                }
            }
        }
        Ok(best)
    }

    /// Every version of `user_key` in `[min, max]` visible at the read
    /// sequence, newest first, as (version, value); versions whose newest
    /// record is a tombstone are left out.
    pub(crate) fn version_history(
        &self,
        user_key: &[u8],
        min: u64,
        max: u64,
        ro: &ReadOptions,
    ) -> Result<Vec<(u64, Vec<u8>)>> {
        if min > max {
            return Ok(Vec::new());
        }
        let view = self.read_view(ro)?;
        let mut merged = self.merged_iter(&view, self.block_options(ro), Some(user_key))?;
        let ucmp = self.icmp.user_comparator().clone();
        let mut out = Vec::new();
        let mut last_version: Option<u64> = None;
        merged.seek(&lookup_key(user_key, max, MAX_SEQUENCE));
        while merged.valid() {
            let p = parse_internal_key(merged.key())?;
            if ucmp.compare(p.user_key, user_key) != Ordering::Equal || p.version < min {
                break;
            }
            if p.sequence <= view.sequence && last_version != Some(p.version) {
                last_version = Some(p.version);
                if p.kind == Kind::Value {
                    out.push((p.version, merged.value().to_vec()));
                }
            }
            merged.next();
        }
        merged.status()?;
        Ok(out)
    }

    /// One cursor over every source of `view`. With `only_key`, tables that
    /// cannot hold it are left out.
    pub(crate) fn merged_iter(
        &self,
        view: &ReadView,
        bro: BlockReadOptions,
        only_key: Option<&[u8]>,
    ) -> Result<MergingIter> {
        let mut children: Vec<Box<dyn KvIter + Send>> = Vec::new();
        for mem in &view.mems {
            children.push(Box::new(mem.iter()));
        }
        match only_key {
            Some(key) => {
                for (_, t) in view.version.tables_for_key(key) {
                    let table = self.table_cache.get(t.meta.number, t.meta.size)?;
                    children.push(Box::new(table.iter(bro)));
                }
            }
            None => {
                for t in view.version.tables(0) {
                    let table = self.table_cache.get(t.meta.number, t.meta.size)?;
                    children.push(Box::new(table.iter(bro)));
                }
                for level in 1..crate::version::NUM_LEVELS {
                    let tables = view.version.tables(level);
                    if !tables.is_empty() {
                        children.push(Box::new(LevelIter::new(
                            tables.to_vec(),
                            self.table_cache.clone(),
                            self.icmp.clone(),
                            bro,
                        )));
                    }
                }
            }
        }
        Ok(MergingIter::new(children, Arc::new(self.icmp.clone())))
    }

    pub(crate) fn new_iter(self: &Arc<Self>, ro: &ReadOptions) -> Result<Iter> {
        let view = self.read_view(ro)?;
        let merged = self.merged_iter(&view, self.block_options(ro), None)?;
        let spec = IterSpec {
            all_versions: ro.all_versions,
            lower_bound: ro.lower_bound.clone(),
            upper_bound: ro.upper_bound.clone(),
            include_tombstones: ro.include_tombstones,
        };
        Counters::add(&self.counters.alive_iterators, 1);
        Ok(Iter {
            inner: DbIter::new(
                Box::new(merged),
                self.icmp.user_comparator().clone(),
                view.sequence,
                spec,
            ),
            _version: view.version,
            db: self.clone(),
        })
    }

    /// Approximate bytes of table data for user keys in `[start, limit)`.
    pub(crate) fn approximate_size(&self, start: &[u8], limit: &[u8]) -> Result<u64> {
        let version = self.current_version();
        let a = self.approximate_offset(&version, &lookup_key(start, MAX_VERSION, MAX_SEQUENCE))?;
        let b = self.approximate_offset(&version, &lookup_key(limit, MAX_VERSION, MAX_SEQUENCE))?;
        Ok(b.saturating_sub(a))
    }

    fn approximate_offset(&self, version: &Version, ikey: &[u8]) -> Result<u64> {
        let mut total = 0;
        for level in 0..crate::version::NUM_LEVELS {
            for t in version.tables(level) {
                if self.icmp.compare(&t.meta.largest, ikey) != Ordering::Greater {
                    total += t.meta.size;
                } else if self.icmp.compare(&t.meta.smallest, ikey) == Ordering::Greater {
                    if level > 0 {
                        break;
                    }
                } else {
                    let table = self.table_cache.get(t.meta.number, t.meta.size)?;
                    total += table.approximate_offset_of(ikey);
                }
            }
        }
        Ok(total)
    }
}

/// An iterator over the database at one sequence: each user key once with
/// its newest visible version (or every version, with
/// `ReadOptions::all_versions`), within the read options' bounds. It keeps
/// the tables it reads alive; it does not see later writes.
pub struct Iter {
    inner: DbIter,
    _version: Arc<Version>,
    db: Arc<DbInner>,
}

impl Iter {
    pub fn valid(&self) -> bool {
        self.inner.valid()
    }
    pub fn seek_to_first(&mut self) {
        self.inner.seek_to_first()
    }
    pub fn seek_to_last(&mut self) {
        self.inner.seek_to_last()
    }
    /// Positions at the first user key ≥ `key`.
    pub fn seek(&mut self, key: &[u8]) {
        self.inner.seek(key)
    }
    pub fn next(&mut self) {
        if self.inner.valid() {
            self.inner.next()
        }
    }
    pub fn prev(&mut self) {
        if self.inner.valid() {
            self.inner.prev()
        }
    }
    /// The current user key (empty when not valid).
    pub fn key(&self) -> &[u8] {
        self.inner.key()
    }
    /// The current value (empty when not valid).
    pub fn value(&self) -> &[u8] {
        self.inner.value()
    }
    /// The version of the current record.
    pub fn version(&self) -> u64 {
        self.inner.version()
    }
    /// True when the current record is a tombstone (only ever with
    /// `ReadOptions::include_tombstones`).
    pub fn is_deletion(&self) -> bool {
        self.inner.is_deletion()
    }
    /// The first error met, if any.
    pub fn status(&self) -> Result<()> {
        self.inner.status()
    }
}

impl Drop for Iter {
    fn drop(&mut self) {
        self.db
            .counters
            .alive_iterators
            .fetch_sub(1, AtomicOrdering::Relaxed);
    }
}

impl std::fmt::Debug for Iter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter")
            .field("valid", &self.valid())
            .finish_non_exhaustive()
    }
}
