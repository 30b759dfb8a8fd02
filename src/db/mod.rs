//! The database engine: open/recover/close, the write path, the read path,
//! background compaction, snapshots, transactions and stats.

mod iter;

pub use iter::{DbIter, IterSpec};
