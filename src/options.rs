//! Options: how a database is opened (`Options`), how one read sees it
//! (`ReadOptions`) and how one write is made durable (`WriteOptions`).
//! Every field has a documented default chosen for a user who sets nothing;
//! `Options::validate` rejects combinations that could not work.

use std::fmt;
use std::sync::Arc;

use crate::cache::Cache;
use crate::db::Snapshot;
use crate::error::{Error, Result};
use crate::key::{BytewiseComparator, Comparator};
use crate::storage::{default_env, Env};
use crate::table::{Block, Compression, FilterPolicy};

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;

/// How a database is opened and run.
#[derive(Clone)]
pub struct Options {
    /// Create the database if the directory holds none. Default: true (as
    /// goleveldb; the LevelDB-compatible C API defaults it to false).
    pub create_if_missing: bool,
    /// Fail if a database already exists. Default: false.
    pub error_if_exists: bool,
    /// Strict checks: fail on any corruption met during recovery (instead
    /// of skipping the damaged journal records) and verify every block
    /// checksum read. Default: false.
    pub paranoid_checks: bool,
    /// Memdb size at which it is frozen and written to a level-0 table;
    /// also the batch size above which a write goes through a transaction.
    /// Default: 4 MiB.
    pub write_buffer: usize,
    /// Level-0 table count at which each write is delayed by 1 ms.
    /// Default: 8.
    pub write_l0_slowdown_trigger: usize,
    /// Level-0 table count at which writes wait for table compaction.
    /// Default: 12.
    pub write_l0_pause_trigger: usize,
    /// Level-0 table count that triggers a level-0 compaction. Default: 4.
    pub compaction_l0_trigger: usize,
    /// Target size of a table written by compaction. Default: 2 MiB.
    pub compaction_table_size: u64,
    /// Target size of level 1. Default: 10 MiB.
    pub compaction_total_size: u64,
    /// Growth factor of the target size per level beyond 1. Default: 10.
    pub compaction_total_size_multiplier: f64,
    /// Uncompressed size of a table data block. Default: 4 KiB.
    pub block_size: usize,
    /// Keys between restart points in a block. Default: 16.
    pub block_restart_interval: usize,
    /// Bytes of uncompressed blocks kept in memory (ignored when
    /// `block_cache` is given). 0 disables the cache. Default: 8 MiB.
    pub block_cache_capacity: usize,
    /// A block cache shared with other databases, instead of a private one.
    pub block_cache: Option<Arc<Cache<Block>>>,
    /// Bits per key of the built-in bloom filter; 0 disables it (unless
    /// `filter_policy` is set). Default: 10 (about 1% false positives).
    pub bloom_bits_per_key: usize,
    /// A caller-supplied filter policy; replaces the built-in bloom filter.
    pub filter_policy: Option<Arc<dyn FilterPolicy>>,
    /// Block compression. Default: Snappy.
    pub compression: Compression,
    /// Table files kept open at once. Default: 500.
    pub max_open_files: usize,
    /// Never fsync the journal, even for `WriteOptions::sync`. Default: false.
    pub no_sync: bool,
    /// Never merge concurrent writes into one group. Default: false.
    pub no_write_merge: bool,
    /// Write batches larger than `write_buffer` through the journal like
    /// any other instead of as a transaction. Default: false.
    pub disable_large_batch_transaction: bool,
    /// User key order. Default: bytewise. It is recorded in the database
    /// and must be the same (by name) on every open.
    pub comparator: Arc<dyn Comparator>,
    /// Hash every record into its table's Merkle tree as the table is
    /// written (block roots and table root stored in the table and the
    /// manifest). Default: true. When false, roots are computed from the
    /// records the first time a root or proof needs them (one full read
    /// of each table) — for write-heavy databases that rarely prove.
    pub merkle_on_write: bool,
    /// Open for reading only: no file is created, written, renamed or
    /// removed (no new journal, manifest, tables or LOG); journals the
    /// manifest does not cover are replayed into memory; no background
    /// compaction runs; the LOCK is taken shared, so any number of
    /// read-only opens coexist while a writable open fails with
    /// `Error::Busy` (and the other way round). Writes, transactions and
    /// compactions fail with `Error::NotSupported`. The database must
    /// exist. Default: false.
    pub read_only: bool,
    /// Where every file operation goes. Default: the operating system
    /// (`PosixEnv`); tests pass a `FaultEnv`.
    pub env: Arc<dyn Env>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            create_if_missing: true,
            error_if_exists: false,
            paranoid_checks: false,
            write_buffer: 4 * MIB,
            write_l0_slowdown_trigger: 8,
            write_l0_pause_trigger: 12,
            compaction_l0_trigger: 4,
            compaction_table_size: 2 * MIB as u64,
            compaction_total_size: 10 * MIB as u64,
            compaction_total_size_multiplier: 10.0,
            block_size: 4 * KIB,
            block_restart_interval: 16,
            block_cache_capacity: 8 * MIB,
            block_cache: None,
            bloom_bits_per_key: 10,
            filter_policy: None,
            compression: Compression::Snappy,
            max_open_files: 500,
            no_sync: false,
            no_write_merge: false,
            disable_large_batch_transaction: false,
            comparator: Arc::new(BytewiseComparator),
            merkle_on_write: true,
            read_only: false,
            env: default_env(),
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("create_if_missing", &self.create_if_missing)
            .field("error_if_exists", &self.error_if_exists)
            .field("paranoid_checks", &self.paranoid_checks)
            .field("write_buffer", &self.write_buffer)
            .field("write_l0_slowdown_trigger", &self.write_l0_slowdown_trigger)
            .field("write_l0_pause_trigger", &self.write_l0_pause_trigger)
            .field("compaction_l0_trigger", &self.compaction_l0_trigger)
            .field("compaction_table_size", &self.compaction_table_size)
            .field("compaction_total_size", &self.compaction_total_size)
            .field(
                "compaction_total_size_multiplier",
                &self.compaction_total_size_multiplier,
            )
            .field("block_size", &self.block_size)
            .field("block_restart_interval", &self.block_restart_interval)
            .field("block_cache_capacity", &self.block_cache_capacity)
            .field("bloom_bits_per_key", &self.bloom_bits_per_key)
            .field(
                "filter_policy",
                &self.filter_policy.as_ref().map(|p| p.name().to_string()),
            )
            .field("compression", &self.compression)
            .field("max_open_files", &self.max_open_files)
            .field("no_sync", &self.no_sync)
            .field("no_write_merge", &self.no_write_merge)
            .field(
                "disable_large_batch_transaction",
                &self.disable_large_batch_transaction,
            )
            .field("comparator", &self.comparator.name())
            .field("merkle_on_write", &self.merkle_on_write)
            .field("read_only", &self.read_only)
            .finish()
    }
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument(what()))
    }
}

impl Options {
    /// Checks that the options can work together; `Db::open` calls it.
    pub fn validate(&self) -> Result<()> {
        check(self.write_buffer >= 4 * KIB, || {
            format!(
                "write_buffer {} is below the 4 KiB minimum",
                self.write_buffer
            )
        })?;
        check(self.write_buffer <= 1 << 30, || {
            format!(
                "write_buffer {} is above the 1 GiB maximum",
                self.write_buffer
            )
        })?;
        check(self.compaction_l0_trigger >= 1, || {
            "compaction_l0_trigger must be at least 1".into()
        })?;
        check(self.write_l0_slowdown_trigger >= 1, || {
            "write_l0_slowdown_trigger must be at least 1".into()
        })?;
        check(
            self.write_l0_pause_trigger >= self.write_l0_slowdown_trigger,
            || {
                format!(
                    "write_l0_pause_trigger {} is below write_l0_slowdown_trigger {}",
                    self.write_l0_pause_trigger, self.write_l0_slowdown_trigger
                )
            },
        )?;
        // A pause waits for a level-0 compaction, which only runs once L0
        // reaches the compaction trigger: above the pause trigger, writes
        // would wait forever.
        check(
            self.compaction_l0_trigger <= self.write_l0_pause_trigger,
            || {
                format!(
                    "compaction_l0_trigger {} is above write_l0_pause_trigger {}",
                    self.compaction_l0_trigger, self.write_l0_pause_trigger
                )
            },
        )?;
        check(self.compaction_table_size >= KIB as u64, || {
            format!(
                "compaction_table_size {} is below 1 KiB",
                self.compaction_table_size
            )
        })?;
        check(self.compaction_total_size >= KIB as u64, || {
            format!(
                "compaction_total_size {} is below 1 KiB",
                self.compaction_total_size
            )
        })?;
        check(
            self.compaction_total_size_multiplier.is_finite()
                && self.compaction_total_size_multiplier >= 1.0,
            || {
                format!(
                    "compaction_total_size_multiplier {} must be a finite number ≥ 1",
                    self.compaction_total_size_multiplier
                )
            },
        )?;
        check((256..=64 * MIB).contains(&self.block_size), || {
            format!("block_size {} is outside [256 B, 64 MiB]", self.block_size)
        })?;
        check(self.block_restart_interval >= 1, || {
            "block_restart_interval must be at least 1".into()
        })?;
        check(self.bloom_bits_per_key <= 1000, || {
            format!(
                "bloom_bits_per_key {} is above 1000",
                self.bloom_bits_per_key
            )
        })?;
        check(self.max_open_files >= 20, || {
            format!("max_open_files {} is below 20", self.max_open_files)
        })?;
        Ok(())
    }

    /// The filter policy tables are built with, if any.
    pub fn effective_filter_policy(&self) -> Option<Arc<dyn FilterPolicy>> {
        match (&self.filter_policy, self.bloom_bits_per_key) {
            (Some(p), _) => Some(p.clone()),
            (None, 0) => None,
            (None, bits) => Some(Arc::new(crate::table::BloomFilterPolicy::new(bits))),
        }
    }
}

/// How one read sees the database.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Read at this snapshot instead of the latest state.
    pub snapshot: Option<Snapshot>,
    /// Verify the checksum of every block read. Default: false.
    pub verify_checksums: bool,
    /// Keep blocks read in the block cache. Default: true (turn off for
    /// bulk scans that should not evict the working set).
    pub fill_cache: bool,
    /// Iterators start at this user key (inclusive).
    pub lower_bound: Option<Vec<u8>>,
    /// Iterators stop before this user key (exclusive).
    pub upper_bound: Option<Vec<u8>>,
    /// Iterators yield every version of each key, not only the newest.
    pub all_versions: bool,
    /// Iterators also yield tombstones (`Iter::is_deletion`): with
    /// `all_versions`, every (key, version) record the database holds —
    /// what an exact export needs. Default: false.
    pub include_tombstones: bool,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            snapshot: None,
            verify_checksums: false,
            fill_cache: true,
            lower_bound: None,
            upper_bound: None,
            all_versions: false,
            include_tombstones: false,
        }
    }
}

/// How one write is made durable.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// fsync the journal before the write returns (unless the database was
    /// opened with `no_sync`). Default: false.
    pub sync: bool,
    /// Do not merge this write with concurrent ones. Default: false.
    pub no_write_merge: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let o = Options::default();
        o.validate().unwrap();
        assert_eq!(o.write_buffer, 4 << 20);
        assert_eq!(
            (
                o.write_l0_slowdown_trigger,
                o.write_l0_pause_trigger,
                o.compaction_l0_trigger
            ),
            (8, 12, 4)
        );
        assert_eq!(o.compaction_table_size, 2 << 20);
        assert_eq!(o.compaction_total_size, 10 << 20);
        assert!(o.effective_filter_policy().is_some());
        assert!(ReadOptions::default().fill_cache);
    }

    #[test]
    fn invalid_combinations_are_rejected() {
        type Mutation = Box<dyn Fn(&mut Options)>;
        let bad: Vec<Mutation> = vec![
            Box::new(|o| o.write_buffer = 100),
            Box::new(|o| o.write_l0_pause_trigger = 4),
            Box::new(|o| o.compaction_l0_trigger = 13),
            Box::new(|o| o.compaction_l0_trigger = 0),
            Box::new(|o| o.compaction_total_size_multiplier = f64::NAN),
            Box::new(|o| o.compaction_total_size_multiplier = 0.5),
            Box::new(|o| o.block_size = 10),
            Box::new(|o| o.block_restart_interval = 0),
            Box::new(|o| o.max_open_files = 3),
            Box::new(|o| o.bloom_bits_per_key = 5000),
        ];
        for (i, mutate) in bad.iter().enumerate() {
            let mut o = Options::default();
            mutate(&mut o);
            let err = o.validate().unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "case {i}: {err}");
        }
        let o = Options {
            bloom_bits_per_key: 0,
            ..Options::default()
        };
        assert!(o.effective_filter_policy().is_none());
    }
}
