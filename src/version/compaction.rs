//! Choosing what to compact: level scores, input selection with L0 and
//! range expansion, grandparent limits, trivial moves, and where to split
//! compaction output.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::key::Comparator;
use crate::version::{TableFile, Version, VersionEdit, NUM_LEVELS};

/// Size limits of the level structure (from the database options).
#[derive(Clone, Copy, Debug)]
pub struct LevelLimits {
    /// L0 table count that makes L0's score 1.
    pub l0_trigger: usize,
    /// Target size of one output table.
    pub table_size: u64,
    /// Target size of level 1.
    pub total_size: u64,
    /// Each level ≥ 2 may be this many times larger than the previous.
    pub multiplier: f64,
}

impl LevelLimits {
    /// Target bytes of `level` (≥ 1).
    pub fn max_bytes(&self, level: usize) -> f64 {
        self.total_size as f64 * self.multiplier.powi(level.saturating_sub(1) as i32)
    }

    /// Stop an output table once it overlaps this many grandparent bytes, so
    /// that a later compaction of it stays cheap.
    pub fn max_grandparent_overlap(&self) -> u64 {
        10 * self.table_size
    }

    /// A compaction never pulls in more input than this by expansion.
    fn expanded_limit(&self) -> u64 {
        25 * self.table_size
    }
}

/// Why a compaction was chosen (counted in the stats).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompactionReason {
    /// Level 0 reached its table-count trigger.
    Level0,
    /// A level ≥ 1 outgrew its size target.
    Size,
    /// A table was read past too often without answering.
    Seek,
    /// `compact_range` asked for it.
    Manual,
}

/// One unit of compaction work: merge `inputs[0]` (at `level`) with the
/// overlapping `inputs[1]` (at `level + 1`) into new tables at `level + 1`.
#[derive(Debug)]
pub struct Compaction {
    pub level: usize,
    pub inputs: [Vec<Arc<TableFile>>; 2],
    /// Tables at `level + 2` overlapping the output's range.
    pub grandparents: Vec<Arc<TableFile>>,
    pub reason: CompactionReason,
    pub limits: LevelLimits,
}

impl Compaction {
    /// One input table, nothing to merge with, and few grandparents: the
    /// table can move down a level without being rewritten.
    pub fn is_trivial_move(&self) -> bool {
        self.inputs[0].len() == 1
            && self.inputs[1].is_empty()
            && total_bytes(&self.grandparents) <= self.limits.max_grandparent_overlap()
    }

    /// Records the removal of every input table in `edit`.
    pub fn add_input_deletions(&self, edit: &mut VersionEdit) {
        for (which, tables) in self.inputs.iter().enumerate() {
            for t in tables {
                edit.delete_table(self.level + which, t.meta.number);
            }
        }
    }

    pub fn input_bytes(&self) -> u64 {
        total_bytes(&self.inputs[0]) + total_bytes(&self.inputs[1])
    }

    /// The largest internal key of the inputs: the next compaction of this
    /// level starts after it.
    pub fn largest_input_key(&self, ucmp_internal: &dyn Comparator) -> Option<Vec<u8>> {
        self.inputs
            .iter()
            .flatten()
            .map(|t| &t.meta.largest)
            .max_by(|a, b| ucmp_internal.compare(a, b))
            .cloned()
    }

    pub fn output_splitter(&self) -> OutputSplitter<'_> {
        OutputSplitter {
            grandparents: &self.grandparents,
            index: 0,
            seen_key: false,
            overlapped_bytes: 0,
            limit: self.limits.max_grandparent_overlap(),
        }
    }
}

/// Decides, key by key, when a compaction should start a new output table
/// because the current one already overlaps too much of the grandparents.
pub struct OutputSplitter<'a> {
    grandparents: &'a [Arc<TableFile>],
    index: usize,
    seen_key: bool,
    overlapped_bytes: u64,
    limit: u64,
}

impl OutputSplitter<'_> {
    /// Call with each output key in order; true means "finish the current
    /// table before adding this key".
    pub fn should_stop_before(&mut self, ikey: &[u8], icmp: &dyn Comparator) -> bool {
        while let Some(gp) = self.grandparents.get(self.index) {
            if icmp.compare(ikey, &gp.meta.largest) != Ordering::Greater {
                break;
            }
            if self.seen_key {
                self.overlapped_bytes += gp.meta.size;
            }
            self.index += 1;
        }
        self.seen_key = true;
        if self.overlapped_bytes > self.limit {
            self.overlapped_bytes = 0;
            return true;
        }
        false
    }
}

fn total_bytes(tables: &[Arc<TableFile>]) -> u64 {
    tables.iter().map(|t| t.meta.size).sum()
}

/// The level most in need of compaction and its score (≥ 1 means needed).
pub fn best_score(version: &Version, limits: &LevelLimits) -> (usize, f64) {
    let mut best = (
        0,
        version.num_tables(0) as f64 / limits.l0_trigger.max(1) as f64,
    );
    for level in 1..NUM_LEVELS - 1 {
        let score = version.level_bytes(level) as f64 / limits.max_bytes(level);
        if score > best.1 {
            best = (level, score);
        }
    }
    best
}

/// Picks the next automatic compaction: by score first, then a table whose
/// seek budget ran out. `compact_pointers[level]` is where the previous
/// compaction of that level ended (round-robin through the key space).
pub fn pick_compaction(
    version: &Version,
    limits: &LevelLimits,
    compact_pointers: &[Option<Vec<u8>>; NUM_LEVELS],
    seek_candidate: Option<(usize, Arc<TableFile>)>,
) -> Option<Compaction> {
    let icmp = version.comparator();
    let (level, score) = best_score(version, limits);
    let (level, first, reason) = if score >= 1.0 {
        let tables = version.tables(level);
        let start = match (&compact_pointers[level], level) {
            // L0 tables overlap; start with the oldest, which holds the data
            // that has waited longest.
            (_, 0) => tables.last()?.clone(),
            (Some(ptr), _) => tables
                .iter()
                .find(|t| icmp.compare(&t.meta.largest, ptr) == Ordering::Greater)
                .or_else(|| tables.first())?
                .clone(),
            (None, _) => tables.first()?.clone(),
        };
        let reason = if level == 0 {
            CompactionReason::Level0
        } else {
            CompactionReason::Size
        };
        (level, start, reason)
    } else {
        let (level, table) = seek_candidate.filter(|(l, _)| *l < NUM_LEVELS - 1)?;
        (level, table, CompactionReason::Seek)
    };
    Some(setup_inputs(version, limits, level, vec![first], reason))
}

/// A compaction of `level` limited to user keys in `[begin, end]`, or None
/// when the level holds nothing there. Used by `compact_range`.
pub fn range_compaction(
    version: &Version,
    limits: &LevelLimits,
    level: usize,
    begin: Option<&[u8]>,
    end: Option<&[u8]>,
) -> Option<Compaction> {
    if level + 1 >= NUM_LEVELS {
        return None;
    }
    let mut inputs = version.overlapping_tables(level, begin, end);
    if inputs.is_empty() {
        return None;
    }
    // Bound the work of one round above level 0 (L0 must go all at once,
    // since its tables overlap); the caller loops until the range is done.
    if level > 0 {
        let mut total = 0;
        let keep = inputs
            .iter()
            .position(|t| {
                total += t.meta.size;
                total >= limits.table_size
            })
            .map_or(inputs.len(), |i| i + 1);
        inputs.truncate(keep);
    }
    Some(setup_inputs(
        version,
        limits,
        level,
        inputs,
        CompactionReason::Manual,
    ))
}

fn user_range(tables: &[Arc<TableFile>], ucmp: &dyn Comparator) -> (Vec<u8>, Vec<u8>) {
    let mut smallest = tables[0].smallest_user_key();
    let mut largest = tables[0].largest_user_key();
    for t in &tables[1..] {
        if ucmp.compare(t.smallest_user_key(), smallest) == Ordering::Less {
            smallest = t.smallest_user_key();
        }
        if ucmp.compare(t.largest_user_key(), largest) == Ordering::Greater {
            largest = t.largest_user_key();
        }
    }
    (smallest.to_vec(), largest.to_vec())
}

fn setup_inputs(
    version: &Version,
    limits: &LevelLimits,
    level: usize,
    mut level_inputs: Vec<Arc<TableFile>>,
    reason: CompactionReason,
) -> Compaction {
    let ucmp = version.comparator().user_comparator().clone();
    let ucmp = ucmp.as_ref();
    if level == 0 {
        let (lo, hi) = user_range(&level_inputs, ucmp);
        level_inputs = version.overlapping_tables(0, Some(&lo), Some(&hi));
    }
    let (lo, hi) = user_range(&level_inputs, ucmp);
    let mut next_inputs = version.overlapping_tables(level + 1, Some(&lo), Some(&hi));

    // Grow the level's inputs when that does not pull in more of the next
    // level: the same rewrite then retires more data.
    if !next_inputs.is_empty() {
        let mut all = level_inputs.clone();
        all.extend(next_inputs.iter().cloned());
        let (all_lo, all_hi) = user_range(&all, ucmp);
        let expanded = version.overlapping_tables(level, Some(&all_lo), Some(&all_hi));
        if expanded.len() > level_inputs.len()
            && total_bytes(&expanded) + total_bytes(&next_inputs) < limits.expanded_limit()
        {
            let (ex_lo, ex_hi) = user_range(&expanded, ucmp);
            let expanded_next = version.overlapping_tables(level + 1, Some(&ex_lo), Some(&ex_hi));
            if expanded_next.len() == next_inputs.len() {
                level_inputs = expanded;
                next_inputs = expanded_next;
            }
        }
    }

    let grandparents = if level + 2 < NUM_LEVELS {
        let mut all = level_inputs.clone();
        all.extend(next_inputs.iter().cloned());
        let (all_lo, all_hi) = user_range(&all, ucmp);
        version.overlapping_tables(level + 2, Some(&all_lo), Some(&all_hi))
    } else {
        Vec::new()
    };
    Compaction {
        level,
        inputs: [level_inputs, next_inputs],
        grandparents,
        reason,
        limits: *limits,
    }
}

/// True when `user_key` has no records in any level deeper than
/// `output_level` of `version` (so nothing below can be shadowed by, or
/// resurface from under, the compaction's output).
pub fn is_base_level_for_key(version: &Version, output_level: usize, user_key: &[u8]) -> bool {
    let ucmp = version.comparator().user_comparator();
    (output_level + 1..NUM_LEVELS).all(|level| {
        version.tables(level).iter().all(|t| {
            ucmp.compare(user_key, t.smallest_user_key()) == Ordering::Less
                || ucmp.compare(user_key, t.largest_user_key()) == Ordering::Greater
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{make_internal_key, InternalKeyComparator, Kind};
    use crate::version::FileMeta;

    const LIMITS: LevelLimits = LevelLimits {
        l0_trigger: 4,
        table_size: 1000,
        total_size: 10_000,
        multiplier: 10.0,
    };

    fn meta(number: u64, size: u64, smallest: &str, largest: &str) -> FileMeta {
        FileMeta::new(
            number,
            size,
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

    fn numbers(tables: &[Arc<TableFile>]) -> Vec<u64> {
        let mut v: Vec<u64> = tables.iter().map(|t| t.meta.number).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn no_compaction_below_the_triggers() {
        let v = version_with(&[(0, meta(1, 100, "a", "b")), (1, meta(2, 9_000, "a", "z"))]);
        let pointers = Default::default();
        assert!(pick_compaction(&v, &LIMITS, &pointers, None).is_none());
        assert!(best_score(&v, &LIMITS).1 < 1.0);
    }

    #[test]
    fn level0_trigger_takes_every_overlapping_l0_table() {
        let v = version_with(&[
            (0, meta(1, 100, "a", "c")),
            (0, meta(2, 100, "b", "d")),
            (0, meta(3, 100, "x", "y")),
            (0, meta(4, 100, "c", "e")),
            (1, meta(5, 100, "d", "f")),
            (1, meta(6, 100, "g", "h")),
            (2, meta(7, 100, "a", "e")),
        ]);
        let c = pick_compaction(&v, &LIMITS, &Default::default(), None).unwrap();
        assert_eq!(c.level, 0);
        assert_eq!(c.reason, CompactionReason::Level0);
        assert_eq!(
            numbers(&c.inputs[0]),
            [1, 2, 4],
            "oldest table plus its L0 overlap"
        );
        assert_eq!(numbers(&c.inputs[1]), [5]);
        assert_eq!(numbers(&c.grandparents), [7]);
        assert!(!c.is_trivial_move());
        let mut edit = VersionEdit::default();
        c.add_input_deletions(&mut edit);
        edit.deleted_tables.sort_unstable();
        assert_eq!(edit.deleted_tables, [(0, 1), (0, 2), (0, 4), (1, 5)]);
    }

    #[test]
    fn size_trigger_round_robins_from_the_compact_pointer() {
        let v = version_with(&[
            (1, meta(1, 6_000, "a", "b")),
            (1, meta(2, 6_000, "c", "d")),
            (1, meta(3, 6_000, "e", "f")),
        ]);
        let mut pointers: [Option<Vec<u8>>; NUM_LEVELS] = Default::default();
        let c = pick_compaction(&v, &LIMITS, &pointers, None).unwrap();
        assert_eq!((c.level, c.reason), (1, CompactionReason::Size));
        assert_eq!(numbers(&c.inputs[0]), [1]);
        assert!(c.is_trivial_move());
        pointers[1] = c.largest_input_key(v.comparator());
        let c = pick_compaction(&v, &LIMITS, &pointers, None).unwrap();
        assert_eq!(numbers(&c.inputs[0]), [2]);
        pointers[1] = Some(make_internal_key(b"zz", 0, 0, Kind::Value));
        let c = pick_compaction(&v, &LIMITS, &pointers, None).unwrap();
        assert_eq!(numbers(&c.inputs[0]), [1], "wraps around");
    }

    #[test]
    fn seek_candidate_used_when_no_level_is_full() {
        let v = version_with(&[(1, meta(1, 100, "a", "b")), (2, meta(2, 100, "a", "c"))]);
        let candidate = (1, v.tables(1)[0].clone());
        let c = pick_compaction(&v, &LIMITS, &Default::default(), Some(candidate)).unwrap();
        assert_eq!(c.reason, CompactionReason::Seek);
        assert_eq!(numbers(&c.inputs[1]), [2]);
    }

    #[test]
    fn expansion_adds_level_inputs_that_do_not_grow_the_next_level() {
        let v = version_with(&[
            (1, meta(1, 100, "a", "b")),
            (1, meta(2, 100, "c", "d")),
            (2, meta(3, 100, "a", "d")),
        ]);
        let c = range_compaction(&v, &LIMITS, 1, Some(b"a"), Some(b"a")).unwrap();
        assert_eq!(numbers(&c.inputs[0]), [1, 2]);
        assert_eq!(numbers(&c.inputs[1]), [3]);
        assert!(range_compaction(&v, &LIMITS, 1, Some(b"x"), None).is_none());
        assert!(range_compaction(&v, &LIMITS, NUM_LEVELS - 1, None, None).is_none());
    }

    #[test]
    fn output_splits_after_grandparent_overlap_limit() {
        let v = version_with(&[
            (0, meta(1, 100, "a", "z")),
            (2, meta(10, 6_000, "b", "c")),
            (2, meta(11, 6_000, "d", "e")),
            (2, meta(12, 6_000, "f", "g")),
        ]);
        let c = range_compaction(&v, &LIMITS, 0, None, None).unwrap();
        assert_eq!(c.grandparents.len(), 3);
        let icmp = v.comparator();
        let mut split = c.output_splitter();
        let key = |s: &str| make_internal_key(s.as_bytes(), 0, 5, Kind::Value);
        assert!(!split.should_stop_before(&key("a"), icmp));
        assert!(!split.should_stop_before(&key("cc"), icmp)); // passed 6000
        assert!(split.should_stop_before(&key("ee"), icmp)); // passed 12000 > 10000
        assert!(!split.should_stop_before(&key("ef"), icmp));
    }

    #[test]
    fn base_level_detection() {
        let v = version_with(&[(1, meta(1, 100, "a", "c")), (3, meta(2, 100, "m", "p"))]);
        assert!(is_base_level_for_key(&v, 1, b"b"));
        assert!(!is_base_level_for_key(&v, 1, b"n"));
        assert!(is_base_level_for_key(&v, 3, b"n"));
    }
}
