//! `Version`: an immutable snapshot of which tables live at which level,
//! built by applying `VersionEdit`s, and the queries the read path and the
//! compaction picker ask of it.
//!
//! Level 0 is kept newest first (descending file number); its tables may
//! overlap. Levels ≥ 1 are sorted by smallest key and never overlap.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering as AtomicOrdering};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::key::{extract_user_key, Comparator, InternalKeyComparator};
use crate::version::{FileMeta, VersionEdit, NUM_LEVELS};

/// A table in a version: its manifest record plus the read-triggered
/// compaction budget (LevelDB's `allowed_seeks`).
#[derive(Debug)]
pub struct TableFile {
    pub meta: FileMeta,
    allowed_seeks: AtomicI64,
}

impl TableFile {
    pub fn new(meta: FileMeta) -> TableFile {
        // One seek costs about as much as compacting 16 KiB (LevelDB's
        // estimate), with a floor of 100 seeks.
        let allowed = (meta.size / 16384).max(100) as i64;
        TableFile {
            meta,
            allowed_seeks: AtomicI64::new(allowed),
        }
    }

    /// Charges one wasted seek; true when the budget just ran out.
    pub fn charge_seek(&self) -> bool {
        self.allowed_seeks.fetch_sub(1, AtomicOrdering::Relaxed) == 1
    }

    pub fn seeks_exhausted(&self) -> bool {
        self.allowed_seeks.load(AtomicOrdering::Relaxed) <= 0
    }

    pub fn smallest_user_key(&self) -> &[u8] {
        extract_user_key(&self.meta.smallest)
    }

    pub fn largest_user_key(&self) -> &[u8] {
        extract_user_key(&self.meta.largest)
    }
}

/// The table set at one point in time. Cheap to share (`Arc<Version>`);
/// never mutated after construction.
#[derive(Clone, Debug)]
pub struct Version {
    levels: [Vec<Arc<TableFile>>; NUM_LEVELS],
    icmp: InternalKeyComparator,
}

impl Version {
    pub fn empty(icmp: InternalKeyComparator) -> Version {
        Version {
            levels: Default::default(),
            icmp,
        }
    }

    pub fn comparator(&self) -> &InternalKeyComparator {
        &self.icmp
    }

    /// Tables of `level` in read order (L0 newest first; others by key).
    pub fn tables(&self, level: usize) -> &[Arc<TableFile>] {
        &self.levels[level]
    }

    pub fn num_tables(&self, level: usize) -> usize {
        self.levels[level].len()
    }

    pub fn level_bytes(&self, level: usize) -> u64 {
        self.levels[level].iter().map(|t| t.meta.size).sum()
    }

    /// Every table number in this version.
    pub fn live_table_numbers(&self) -> impl Iterator<Item = u64> + '_ {
        self.levels.iter().flatten().map(|t| t.meta.number)
    }

    /// The version that results from applying `edit`: deleted tables go,
    /// new tables come (a table both deleted and added by one edit — a
    /// trivial move — ends up at its new level). Fails with `Corruption` if
    /// a level ≥ 1 would overlap or a deleted table does not exist.
    pub fn apply(&self, edit: &VersionEdit) -> Result<Version> {
        let mut levels = self.levels.clone();
        for &(level, number) in &edit.deleted_tables {
            let before = levels[level].len();
            levels[level].retain(|t| t.meta.number != number);
            if levels[level].len() == before {
                return Err(Error::corruption(format!(
                    "version edit deletes table {number} which is not at level {level}"
                )));
            }
        }
        for (level, meta) in &edit.new_tables {
            levels[*level].push(Arc::new(TableFile::new(meta.clone())));
        }
        let icmp = &self.icmp;
        levels[0].sort_by_key(|t| std::cmp::Reverse(t.meta.number));
        for (level, tables) in levels.iter_mut().enumerate().skip(1) {
            tables.sort_by(|a, b| icmp.compare(&a.meta.smallest, &b.meta.smallest));
            for pair in tables.windows(2) {
                if icmp.compare(&pair[0].meta.largest, &pair[1].meta.smallest) != Ordering::Less {
                    return Err(Error::corruption(format!(
                        "tables {} and {} overlap at level {level}",
                        pair[0].meta.number, pair[1].meta.number
                    )));
                }
            }
        }
        let mut seen = HashSet::new();
        for t in levels.iter().flatten() {
            if !seen.insert(t.meta.number) {
                return Err(Error::corruption(format!(
                    "table {} appears twice in the version",
                    t.meta.number
                )));
            }
        }
        Ok(Version {
            levels,
            icmp: self.icmp.clone(),
        })
    }

    /// An edit that recreates this version from nothing (the first record
    /// of a new manifest).
    pub fn snapshot_edit(&self) -> VersionEdit {
        let mut edit = VersionEdit::default();
        for (level, tables) in self.levels.iter().enumerate() {
            for t in tables {
                edit.add_table(level, t.meta.clone());
            }
        }
        edit
    }

    fn user_cmp(&self) -> &dyn Comparator {
        self.icmp.user_comparator().as_ref()
    }

    fn overlaps_user_range(&self, t: &TableFile, begin: Option<&[u8]>, end: Option<&[u8]>) -> bool {
        let ucmp = self.user_cmp();
        let after_end =
            end.is_some_and(|e| ucmp.compare(t.smallest_user_key(), e) == Ordering::Greater);
        let before_begin =
            begin.is_some_and(|b| ucmp.compare(t.largest_user_key(), b) == Ordering::Less);
        !after_end && !before_begin
    }

    /// Tables of `level` whose user-key range meets `[begin, end]` (None =
    /// unbounded). At level 0 the range grows to cover every table it
    /// touches, since L0 tables overlap one another.
    pub fn overlapping_tables(
        &self,
        level: usize,
        begin: Option<&[u8]>,
        end: Option<&[u8]>,
    ) -> Vec<Arc<TableFile>> {
        let ucmp = self.user_cmp();
        let mut begin = begin.map(<[u8]>::to_vec);
        let mut end = end.map(<[u8]>::to_vec);
        'restart: loop {
            let mut out = Vec::new();
            for t in &self.levels[level] {
                if !self.overlaps_user_range(t, begin.as_deref(), end.as_deref()) {
                    continue;
                }
                if level == 0 {
                    if begin
                        .as_deref()
                        .is_some_and(|b| ucmp.compare(t.smallest_user_key(), b) == Ordering::Less)
                    {
                        begin = Some(t.smallest_user_key().to_vec());
                        continue 'restart;
                    }
                    if end
                        .as_deref()
                        .is_some_and(|e| ucmp.compare(t.largest_user_key(), e) == Ordering::Greater)
                    {
                        end = Some(t.largest_user_key().to_vec());
                        continue 'restart;
                    }
                }
                out.push(t.clone());
            }
            return out;
        }
    }

    /// The tables that may hold `user_key`, in read order: every L0 table
    /// whose range covers it (newest first), then at most one per deeper
    /// level.
    pub fn tables_for_key(&self, user_key: &[u8]) -> Vec<(usize, Arc<TableFile>)> {
        self.tables_for_key_iter(user_key)
            .map(|(level, t)| (level, t.clone()))
            .collect()
    }

    /// As [`Version::tables_for_key`], lazily and borrowing (no allocation,
    /// no reference counting): a point read usually stops early.
    pub fn tables_for_key_iter<'a>(
        &'a self,
        user_key: &'a [u8],
    ) -> impl Iterator<Item = (usize, &'a Arc<TableFile>)> + 'a {
        let icmp = &self.icmp;
        let level0 = self.levels[0].iter().filter(move |t| {
            icmp.compare_user(user_key, t.smallest_user_key()) != Ordering::Less
                && icmp.compare_user(user_key, t.largest_user_key()) != Ordering::Greater
        });
        let deeper = self
            .levels
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(move |(level, tables)| {
                // First table whose largest user key ≥ user_key.
                let i = tables.partition_point(|t| {
                    icmp.compare_user(t.largest_user_key(), user_key) == Ordering::Less
                });
                tables
                    .get(i)
                    .filter(|t| {
                        icmp.compare_user(user_key, t.smallest_user_key()) != Ordering::Less
                    })
                    .map(|t| (level, t))
            });
        level0.map(|t| (0, t)).chain(deeper)
    }

    /// The first table at `level` whose largest key is ≥ `ikey` (levels ≥ 1).
    pub fn find_table(&self, level: usize, ikey: &[u8]) -> usize {
        self.levels[level]
            .partition_point(|t| self.icmp.compare(&t.meta.largest, ikey) == Ordering::Less)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{make_internal_key, Kind};

    fn meta(number: u64, smallest: &str, largest: &str) -> FileMeta {
        FileMeta::new(
            number,
            1000 * number,
            make_internal_key(smallest.as_bytes(), 0, 100, Kind::Value),
            make_internal_key(largest.as_bytes(), 0, 1, Kind::Value),
        )
    }

    fn version_with(tables: &[(usize, FileMeta)]) -> Version {
        let mut edit = VersionEdit::default();
        for (level, m) in tables {
            edit.add_table(*level, m.clone());
        }
        Version::empty(InternalKeyComparator::default())
            .apply(&edit)
            .unwrap()
    }

    #[test]
    fn apply_orders_levels_and_rejects_overlap() {
        let v = version_with(&[
            (0, meta(3, "a", "z")),
            (0, meta(7, "c", "d")),
            (1, meta(5, "m", "p")),
            (1, meta(4, "a", "c")),
        ]);
        let l0: Vec<u64> = v.tables(0).iter().map(|t| t.meta.number).collect();
        assert_eq!(l0, [7, 3], "L0 newest first");
        let l1: Vec<u64> = v.tables(1).iter().map(|t| t.meta.number).collect();
        assert_eq!(l1, [4, 5], "L1 by key");
        assert_eq!(v.level_bytes(1), 9000);

        let mut overlap = VersionEdit::default();
        overlap.add_table(1, meta(9, "b", "n"));
        assert!(v.apply(&overlap).unwrap_err().is_corruption());
        let mut missing = VersionEdit::default();
        missing.delete_table(2, 4);
        assert!(v.apply(&missing).unwrap_err().is_corruption());
    }

    #[test]
    fn trivial_move_and_snapshot() {
        let v = version_with(&[(1, meta(4, "a", "c"))]);
        let mut mv = VersionEdit::default();
        mv.delete_table(1, 4);
        mv.add_table(2, meta(4, "a", "c"));
        let moved = v.apply(&mv).unwrap();
        assert_eq!(moved.num_tables(1), 0);
        assert_eq!(moved.num_tables(2), 1);
        let rebuilt = Version::empty(InternalKeyComparator::default())
            .apply(&moved.snapshot_edit())
            .unwrap();
        assert_eq!(rebuilt.live_table_numbers().collect::<Vec<_>>(), [4]);
        let mut dup = VersionEdit::default();
        dup.add_table(3, meta(4, "x", "y"));
        assert!(moved.apply(&dup).unwrap_err().is_corruption());
    }

    #[test]
    fn overlap_queries() {
        let v = version_with(&[
            (0, meta(10, "a", "c")),
            (0, meta(11, "b", "f")),
            (0, meta(12, "x", "z")),
            (1, meta(1, "a", "b")),
            (1, meta(2, "d", "f")),
            (1, meta(3, "g", "k")),
        ]);
        // L0 expansion: "a".."a" touches 10 (a..c), which touches 11 (b..f).
        let l0: Vec<u64> = v
            .overlapping_tables(0, Some(b"a"), Some(b"a"))
            .iter()
            .map(|t| t.meta.number)
            .collect();
        assert_eq!(l0, [11, 10]);
        let l1: Vec<u64> = v
            .overlapping_tables(1, Some(b"c"), Some(b"h"))
            .iter()
            .map(|t| t.meta.number)
            .collect();
        assert_eq!(l1, [2, 3]);
        assert_eq!(v.overlapping_tables(1, None, None).len(), 3);
        assert!(v.overlapping_tables(1, Some(b"l"), None).is_empty());

        let for_key: Vec<(usize, u64)> = v
            .tables_for_key(b"e")
            .iter()
            .map(|(l, t)| (*l, t.meta.number))
            .collect();
        assert_eq!(for_key, [(0, 11), (1, 2)]);
        assert!(v.tables_for_key(b"l").is_empty());
    }

    #[test]
    fn seek_budget_runs_out_once() {
        let t = TableFile::new(meta(1, "a", "b"));
        let mut exhausted = 0;
        for _ in 0..150 {
            if t.charge_seek() {
                exhausted += 1;
            }
        }
        assert_eq!(exhausted, 1);
        assert!(t.seeks_exhausted());
    }
}
