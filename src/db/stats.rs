//! Counters the engine keeps while it runs, and the `Stats` snapshot that
//! `Db::stats` returns. Counters are atomics so that writers and workers
//! update them without a lock.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::version::NUM_LEVELS;

/// Activity of one level since the database was opened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LevelStats {
    /// Tables in the level now.
    pub tables: usize,
    /// Bytes of the level's tables now.
    pub size: u64,
    /// Bytes read by compactions whose output went to this level.
    pub read: u64,
    /// Bytes written into this level (flushes and compaction outputs).
    pub written: u64,
    /// Time spent on compactions whose output went to this level.
    pub duration: Duration,
}

/// A snapshot of the engine's counters (`Db::stats`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Writes slowed down or paused by level-0 flow control.
    pub write_delay_count: u64,
    /// Total time writes spent in those delays.
    pub write_delay_duration: Duration,
    /// Writes are paused right now, waiting for table compaction.
    pub write_paused: bool,
    /// Waits for table compaction at the pause trigger (level 0 full and
    /// the memdb too); the writes that waited are in `write_delay_count`.
    pub write_pause_count: u64,
    /// Writes that were merged into another writer's group.
    pub writes_merged: u64,
    /// Write groups committed (journal records written).
    pub write_groups: u64,
    /// Snapshots not yet released.
    pub alive_snapshots: u64,
    /// Iterators not yet dropped.
    pub alive_iterators: u64,
    /// Bytes read from table files by compactions.
    pub io_read: u64,
    /// Bytes written to journals and tables.
    pub io_write: u64,
    /// Bytes held by the block cache.
    pub block_cache_size: u64,
    /// Tables open in the table cache.
    pub opened_tables: u64,
    /// One entry per level.
    pub levels: Vec<LevelStats>,
    /// Memdbs written to level-0 tables.
    pub memdb_compactions: u64,
    /// Compactions out of level 0.
    pub level0_compactions: u64,
    /// Compactions out of levels ≥ 1 (size-triggered or manual).
    pub non_level0_compactions: u64,
    /// Compactions triggered by reads that went past a table.
    pub seek_compactions: u64,
    /// Compactions that moved a table down without rewriting it.
    pub trivial_moves: u64,
    /// Records hashed into memdb Merkle trees (roots and proofs; a tree
    /// rebuilt for a later sequence reuses the leaves it had).
    pub merkle_leaves_hashed: u64,
    /// Journal bytes that recovery (open) dropped as corrupt and skipped
    /// (only possible without `paranoid_checks`, which fails the open).
    pub journal_dropped_bytes: u64,
    /// Journal bytes that recovery ignored as a torn tail: a last record
    /// cut short, as an interrupted write leaves it.
    pub journal_torn_bytes: u64,
    /// The sticky background error, if one stopped writes and compactions
    /// (cleared only by reopening).
    pub background_error: Option<String>,
}

#[derive(Default)]
pub(crate) struct LevelCounters {
    pub read: AtomicU64,
    pub written: AtomicU64,
    pub nanos: AtomicU64,
}

/// The live counters behind `Stats`.
#[derive(Default)]
pub(crate) struct Counters {
    pub write_delay_count: AtomicU64,
    pub write_delay_nanos: AtomicU64,
    pub write_paused: AtomicBool,
    pub write_pause_count: AtomicU64,
    /// Delays since the last one logged (the write lock holder's; logged
    /// as one line when a write goes through undelayed, as the seeds do).
    pub unlogged_delay_count: AtomicU64,
    pub unlogged_delay_nanos: AtomicU64,
    pub writes_merged: AtomicU64,
    pub write_groups: AtomicU64,
    pub alive_iterators: AtomicU64,
    pub io_read: AtomicU64,
    pub io_write: AtomicU64,
    pub levels: [LevelCounters; NUM_LEVELS],
    pub memdb_compactions: AtomicU64,
    pub level0_compactions: AtomicU64,
    pub non_level0_compactions: AtomicU64,
    pub seek_compactions: AtomicU64,
    pub trivial_moves: AtomicU64,
    pub merkle_leaves_hashed: AtomicU64,
    pub journal_dropped_bytes: AtomicU64,
    pub journal_torn_bytes: AtomicU64,
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    pub(crate) fn record_level(&self, level: usize, read: u64, written: u64, took: Duration) {
        if let Some(c) = self.levels.get(level) {
            c.read.fetch_add(read, Relaxed);
            c.written.fetch_add(written, Relaxed);
            c.nanos
                .fetch_add(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX), Relaxed);
        }
    }

    /// Fills every counter field of `stats` (level shapes come from the
    /// caller, who holds the current version).
    pub(crate) fn fill(&self, stats: &mut Stats) {
        stats.write_delay_count = self.write_delay_count.load(Relaxed);
        stats.write_delay_duration = Duration::from_nanos(self.write_delay_nanos.load(Relaxed));
        stats.write_paused = self.write_paused.load(Relaxed);
        stats.write_pause_count = self.write_pause_count.load(Relaxed);
        stats.writes_merged = self.writes_merged.load(Relaxed);
        stats.write_groups = self.write_groups.load(Relaxed);
        stats.alive_iterators = self.alive_iterators.load(Relaxed);
        stats.io_read = self.io_read.load(Relaxed);
        stats.io_write = self.io_write.load(Relaxed);
        stats.memdb_compactions = self.memdb_compactions.load(Relaxed);
        stats.level0_compactions = self.level0_compactions.load(Relaxed);
        stats.non_level0_compactions = self.non_level0_compactions.load(Relaxed);
        stats.seek_compactions = self.seek_compactions.load(Relaxed);
        stats.trivial_moves = self.trivial_moves.load(Relaxed);
        stats.merkle_leaves_hashed = self.merkle_leaves_hashed.load(Relaxed);
        stats.journal_dropped_bytes = self.journal_dropped_bytes.load(Relaxed);
        stats.journal_torn_bytes = self.journal_torn_bytes.load(Relaxed);
        for (level, out) in stats.levels.iter_mut().enumerate() {
            let c = &self.levels[level];
            out.read = c.read.load(Relaxed);
            out.written = c.written.load(Relaxed);
            out.duration = Duration::from_nanos(c.nanos.load(Relaxed));
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// The database-wide counters `Stats::counter` answers, by name.
type Getter<T> = fn(&T) -> u64;
const COUNTERS: [(&str, Getter<Stats>); 20] = [
    ("write_delay_count", |s| s.write_delay_count),
    ("write_delay_duration_us", |s| {
        micros(s.write_delay_duration)
    }),
    ("write_paused", |s| u64::from(s.write_paused)),
    ("write_pause_count", |s| s.write_pause_count),
    ("writes_merged", |s| s.writes_merged),
    ("write_groups", |s| s.write_groups),
    ("alive_snapshots", |s| s.alive_snapshots),
    ("alive_iterators", |s| s.alive_iterators),
    ("io_read", |s| s.io_read),
    ("io_write", |s| s.io_write),
    ("block_cache_size", |s| s.block_cache_size),
    ("opened_tables", |s| s.opened_tables),
    ("memdb_compactions", |s| s.memdb_compactions),
    ("level0_compactions", |s| s.level0_compactions),
    ("non_level0_compactions", |s| s.non_level0_compactions),
    ("seek_compactions", |s| s.seek_compactions),
    ("trivial_moves", |s| s.trivial_moves),
    ("merkle_leaves_hashed", |s| s.merkle_leaves_hashed),
    ("journal_dropped_bytes", |s| s.journal_dropped_bytes),
    ("journal_torn_bytes", |s| s.journal_torn_bytes),
];

/// The per-level counters, answered as `level<N>.<name>`.
const LEVEL_COUNTERS: [(&str, Getter<LevelStats>); 5] = [
    ("tables", |l| l.tables as u64),
    ("size", |l| l.size),
    ("read", |l| l.read),
    ("written", |l| l.written),
    ("duration_us", |l| micros(l.duration)),
];

impl Stats {
    /// The counter called `name` as an integer (the names of `Stats`
    /// fields; durations in microseconds; per level `level<N>.<field>`).
    /// Used by the C API's `property_int`.
    pub fn counter(&self, name: &str) -> Option<u64> {
        if let Some((_, get)) = COUNTERS.iter().find(|(n, _)| *n == name) {
            return Some(get(self));
        }
        let (level, field) = name.strip_prefix("level")?.split_once('.')?;
        let l = self.levels.get(level.parse::<usize>().ok()?)?;
        let (_, get) = LEVEL_COUNTERS.iter().find(|(n, _)| *n == field)?;
        Some(get(l))
    }

    /// Every name `counter` answers, in a stable order.
    pub fn counter_names() -> Vec<String> {
        let mut names: Vec<String> = COUNTERS.iter().map(|(n, _)| n.to_string()).collect();
        for level in 0..NUM_LEVELS {
            for (field, _) in LEVEL_COUNTERS {
                names.push(format!("level{level}.{field}"));
            }
        }
        names
    }

    /// The human-readable table of `property("avccdb.stats")`.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "Compactions");
        let _ = writeln!(
            s,
            " Level |   Tables   |    Size(MB)   |    Time(sec)  |    Read(MB)   |   Write(MB)"
        );
        let _ = writeln!(
            s,
            "-------+------------+---------------+---------------+---------------+---------------"
        );
        let mb = |b: u64| b as f64 / 1048576.0;
        for (level, l) in self.levels.iter().enumerate() {
            if l.tables == 0 && l.written == 0 && l.read == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                " {:>5} | {:>10} | {:>13.5} | {:>13.5} | {:>13.5} | {:>13.5}",
                level,
                l.tables,
                mb(l.size),
                l.duration.as_secs_f64(),
                mb(l.read),
                mb(l.written)
            );
        }
        let _ = writeln!(
            s,
            "Write delays: {} totalling {:.3} s, {} of them pauses (paused now: {})",
            self.write_delay_count,
            self.write_delay_duration.as_secs_f64(),
            self.write_pause_count,
            self.write_paused
        );
        if let Some(e) = &self.background_error {
            let _ = writeln!(s, "Background error: {e}");
        }
        let _ = writeln!(
            s,
            "Writes merged: {} in {} groups",
            self.writes_merged, self.write_groups
        );
        let _ = writeln!(
            s,
            "Compactions: memdb {}, level-0 {}, non-level-0 {}, seek {}, trivial moves {}",
            self.memdb_compactions,
            self.level0_compactions,
            self.non_level0_compactions,
            self.seek_compactions,
            self.trivial_moves
        );
        let _ = writeln!(
            s,
            "Alive snapshots: {}, iterators: {}",
            self.alive_snapshots, self.alive_iterators
        );
        let _ = writeln!(
            s,
            "IO read: {:.3} MB, IO write: {:.3} MB, block cache: {:.3} MB, open tables: {}",
            mb(self.io_read),
            mb(self.io_write),
            mb(self.block_cache_size),
            self.opened_tables
        );
        let _ = writeln!(
            s,
            "Journal recovery: {} bytes dropped as corrupt, {} bytes of torn tail ignored",
            self.journal_dropped_bytes, self.journal_torn_bytes
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counter_name_resolves() {
        let stats = Stats {
            levels: vec![LevelStats::default(); NUM_LEVELS],
            writes_merged: 7,
            ..Stats::default()
        };
        for name in Stats::counter_names() {
            assert!(stats.counter(&name).is_some(), "{name}");
        }
        assert_eq!(stats.counter("writes_merged"), Some(7));
        assert_eq!(stats.counter("level9.tables"), None);
        assert_eq!(stats.counter("nope"), None);
        assert!(stats.render().contains("Writes merged: 7"));
    }
}
