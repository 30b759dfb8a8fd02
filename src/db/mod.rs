//! The database engine: open/recover/close, the write path, the read path,
//! background compaction, snapshots, transactions and stats.
//! `docs/ARCHITECTURE.md` describes how the parts fit together.

mod api;
mod check;
mod compaction;
mod core;
mod info_log;
mod iter;
mod level_iter;
mod merkle;
mod open;
mod proof;
mod proven;
mod read;
mod repair;
mod snapshot;
mod stats;
mod table_cache;
mod table_writer;
mod transaction;
mod workers;
mod write;
mod write_queue;
#[cfg(test)]
mod write_tests;

pub use api::{CompactionPause, Db};
pub use check::IntegrityReport;
pub use iter::{DbIter, IterSpec};
pub use proven::{ProvenHistory, ProvenValue};
pub use read::Iter;
pub use repair::{destroy_db, repair_db};
pub use snapshot::Snapshot;
pub use stats::{LevelStats, Stats};
pub use transaction::Transaction;
