//! Files as the lower layers see them: positional reads of immutable files
//! and appends with explicit sync. (Directory layout, names and the LOCK file
//! join this module with the engine.)

mod file;

pub use file::{RandomRead, SyncWrite};
