//! The C ABI: the only `extern "C"` code in the crate.
//!
//! Every exported function runs its body inside [`guard::ffi_guard`] (or one
//! of its variants), so no panic crosses the boundary and every error reaches
//! the caller through LevelDB's `char **errptr` convention plus an integer
//! error code. Handles are Box-allocated opaque structs converted by the
//! helpers in [`handle`]. `include/avccdb.h` is generated from this module by
//! cbindgen (see `tests/ffi_header_drift.rs`); the conventions are stated at
//! the top of that header and in `docs/C_API.md`.

pub mod error;
pub mod guard;
pub mod handle;
pub mod memory;
pub mod version;
