//! avccdb: an embedded, persistent, versioned key-value store (an LSM tree)
//! with Merkle-authenticated state, shipped as a C-ABI library.
//!
//! `../shared/DESIGN.md` in the steering repository is the map; `docs/`
//! specifies every on-disk format. Layers, bottom up:
//! * shared vocabulary: [`error`], [`key`], [`iter`], [`storage`], [`util`];
//! * building blocks: [`batch`], [`journal`], [`memdb`], [`table`], [`cache`],
//!   [`merkle`] (hashing, trees, proofs and the verifier);
//! * the C facade: `ffi` (the only `extern "C"` code).

pub mod batch;
pub mod cache;
pub mod db;
pub mod error;
pub mod iter;
pub mod journal;
pub mod key;
pub mod memdb;
pub mod merkle;
pub mod options;
pub mod storage;
pub mod table;
pub mod util;
pub mod version;

pub mod ffi;

pub use batch::Batch;
pub use db::{
    destroy_db, repair_db, CompactionPause, Db, IntegrityReport, Iter, LevelStats, ProvenHistory,
    ProvenValue, Snapshot, Stats, Transaction,
};
pub use error::{Error, Result};
pub use options::{Options, ReadOptions, WriteOptions};

/// Major version of the library (also the SONAME's number).
pub const VERSION_MAJOR: i32 = 0;
/// Minor version of the library.
pub const VERSION_MINOR: i32 = 1;
