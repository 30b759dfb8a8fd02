//! The shape of the database on disk: which tables exist at which level.
//! A `VersionEdit` is one change to that shape, as recorded in the manifest.

pub mod compaction;
mod edit;
mod file_meta;
mod set;
#[allow(clippy::module_inception)]
mod version;

pub use compaction::{
    best_score, is_base_level_for_key, pick_compaction, range_compaction, Compaction,
    CompactionReason, LevelLimits,
};
pub use edit::VersionEdit;
pub use file_meta::FileMeta;
pub use set::VersionSet;
pub use version::{TableFile, Version};

/// Number of levels: level 0 holds freshly flushed, possibly overlapping
/// tables; levels 1.. hold disjoint, sorted runs.
pub const NUM_LEVELS: usize = 7;
