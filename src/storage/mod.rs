//! Files as the database sees them: positional reads of immutable files,
//! appends with explicit sync, the directory's file names, `CURRENT`, and
//! the `LOCK` that keeps a database open in one place at a time.

mod file;
mod lock;
pub mod names;

pub use file::{RandomRead, SyncWrite};
pub use lock::DirLock;
