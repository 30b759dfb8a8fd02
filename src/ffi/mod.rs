//! The C ABI: the only `extern "C"` code in the crate.
//!
//! Every exported function runs its body inside [`guard::ffi_guard`] (or one
//! of its variants), so no panic crosses the boundary and every error reaches
//! the caller through LevelDB's `char **errptr` convention plus an integer
//! error code. Handles are Box-allocated opaque structs converted by the
//! helpers in [`handle`]. `include/avccdb.h` is generated from this module by
//! cbindgen (see `tests/ffi_header_drift.rs`); the conventions are stated at
//! the top of that header and in `docs/C_API.md`.
//!
//! Safety contract of every exported function (stated once here rather
//! than on each): each pointer argument is NULL or what its documentation
//! says (a live handle of the right type from this library, a buffer of the
//! given length, a NUL-terminated string), and handles are used by the
//! threads their type's documentation allows.

// The exported names follow C conventions (`avccdb_t`, `leveldb_t`), and
// the shared safety contract above stands for per-function sections.
#![allow(non_camel_case_types, clippy::missing_safety_doc)]

pub mod batch;
pub mod cache;
pub mod compaction;
pub mod comparator;
pub mod db;
pub mod env;
pub mod error;
pub mod filter;
pub mod guard;
pub mod handle;
pub mod integrity;
pub mod iterator;
/// cbindgen:ignore
pub mod leveldb;
pub mod memory;
pub mod options;
pub mod proof;
pub mod readoptions;
pub mod snapshot;
pub mod stats;
pub mod transaction;
pub mod version;
pub mod versions;
pub mod writeoptions;
