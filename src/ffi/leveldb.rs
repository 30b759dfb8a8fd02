//! libleveldb drop-in compatibility: every function of LevelDB 1.23's
//! `include/leveldb/c.h`, with its `leveldb_` name and exact signature, as
//! a thin wrapper over the `avccdb_` function of the same meaning.
//!
//! Each `leveldb_*_t` type is an opaque name for the `avccdb_*_t` object
//! behind it: a `leveldb_t *` *is* an `avccdb_t *` (the wrappers only cast),
//! so objects may be mixed freely between the two APIs.
//!
//! Where LevelDB's behaviour differs from the native API, the wrappers
//! follow LevelDB: its option setters clip values into the ranges that
//! LevelDB's `SanitizeOptions` enforces (the native setters keep what they
//! are given and let `avccdb_open` reject what cannot work), and the
//! version functions report the LevelDB API version implemented (1.23).
//!
//! `include/leveldb/c.h` is generated from this file alone by cbindgen
//! (`cbindgen-leveldb.toml`, checked by `tests/ffi_header_drift.rs`).

use std::ffi::{c_char, c_int, c_void};

use crate::ffi::batch::*;
use crate::ffi::cache::*;
use crate::ffi::compaction::avccdb_compact_range;
use crate::ffi::comparator::*;
use crate::ffi::db::*;
use crate::ffi::env::*;
use crate::ffi::filter::*;
use crate::ffi::iterator::*;
use crate::ffi::memory::avccdb_free;
use crate::ffi::options::*;
use crate::ffi::readoptions::*;
use crate::ffi::snapshot::*;
use crate::ffi::stats::*;
use crate::ffi::writeoptions::*;

/// The LevelDB C API major version this library implements.
const LEVELDB_MAJOR: c_int = 1;
/// The LevelDB C API minor version this library implements.
const LEVELDB_MINOR: c_int = 23;

/// A database: the same object as `avccdb_t`.
pub struct leveldb_t {
    _opaque: [u8; 0],
}
/// A block cache: the same object as `avccdb_cache_t`.
pub struct leveldb_cache_t {
    _opaque: [u8; 0],
}
/// A comparator: the same object as `avccdb_comparator_t`.
pub struct leveldb_comparator_t {
    _opaque: [u8; 0],
}
/// An environment token: the same object as `avccdb_env_t`.
pub struct leveldb_env_t {
    _opaque: [u8; 0],
}
/// Declared for source compatibility; no function uses it.
pub struct leveldb_filelock_t {
    _opaque: [u8; 0],
}
/// A filter policy: the same object as `avccdb_filterpolicy_t`.
pub struct leveldb_filterpolicy_t {
    _opaque: [u8; 0],
}
/// An iterator: the same object as `avccdb_iterator_t`.
pub struct leveldb_iterator_t {
    _opaque: [u8; 0],
}
/// A logger: the same (never created) type as `avccdb_logger_t`.
pub struct leveldb_logger_t {
    _opaque: [u8; 0],
}
/// Options: the same object as `avccdb_options_t`.
pub struct leveldb_options_t {
    _opaque: [u8; 0],
}
/// Declared for source compatibility; no function uses it.
pub struct leveldb_randomfile_t {
    _opaque: [u8; 0],
}
/// Read options: the same object as `avccdb_readoptions_t`.
pub struct leveldb_readoptions_t {
    _opaque: [u8; 0],
}
/// Declared for source compatibility; no function uses it.
pub struct leveldb_seqfile_t {
    _opaque: [u8; 0],
}
/// A snapshot: the same object as `avccdb_snapshot_t`.
pub struct leveldb_snapshot_t {
    _opaque: [u8; 0],
}
/// Declared for source compatibility; no function uses it.
pub struct leveldb_writablefile_t {
    _opaque: [u8; 0],
}
/// A write batch: the same object as `avccdb_writebatch_t`.
pub struct leveldb_writebatch_t {
    _opaque: [u8; 0],
}
/// Write options: the same object as `avccdb_writeoptions_t`.
pub struct leveldb_writeoptions_t {
    _opaque: [u8; 0],
}

// ---- DB operations --------------------------------------------------------

/// As `avccdb_open` (`create_if_missing` defaults to false).
#[no_mangle]
pub unsafe extern "C" fn leveldb_open(
    options: *const leveldb_options_t,
    name: *const c_char,
    errptr: *mut *mut c_char,
) -> *mut leveldb_t {
    // SAFETY: leveldb_* handles are avccdb_* handles; contract forwarded.
    unsafe { avccdb_open(options.cast(), name, errptr).cast() }
}

/// As `avccdb_close`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_close(db: *mut leveldb_t) {
    // SAFETY: as above.
    unsafe { avccdb_close(db.cast()) }
}

/// As `avccdb_put`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_put(
    db: *mut leveldb_t,
    options: *const leveldb_writeoptions_t,
    key: *const c_char,
    keylen: usize,
    val: *const c_char,
    vallen: usize,
    errptr: *mut *mut c_char,
) {
    // SAFETY: as above.
    unsafe { avccdb_put(db.cast(), options.cast(), key, keylen, val, vallen, errptr) }
}

/// As `avccdb_delete`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_delete(
    db: *mut leveldb_t,
    options: *const leveldb_writeoptions_t,
    key: *const c_char,
    keylen: usize,
    errptr: *mut *mut c_char,
) {
    // SAFETY: as above.
    unsafe { avccdb_delete(db.cast(), options.cast(), key, keylen, errptr) }
}

/// As `avccdb_write`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_write(
    db: *mut leveldb_t,
    options: *const leveldb_writeoptions_t,
    batch: *mut leveldb_writebatch_t,
    errptr: *mut *mut c_char,
) {
    // SAFETY: as above.
    unsafe { avccdb_write(db.cast(), options.cast(), batch.cast(), errptr) }
}

/// As `avccdb_get`: NULL if not found, else a malloc()ed array whose
/// length is stored in `*vallen`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_get(
    db: *mut leveldb_t,
    options: *const leveldb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    vallen: *mut usize,
    errptr: *mut *mut c_char,
) -> *mut c_char {
    // SAFETY: as above.
    unsafe { avccdb_get(db.cast(), options.cast(), key, keylen, vallen, errptr) }
}

/// As `avccdb_create_iterator`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_create_iterator(
    db: *mut leveldb_t,
    options: *const leveldb_readoptions_t,
) -> *mut leveldb_iterator_t {
    // SAFETY: as above.
    unsafe { avccdb_create_iterator(db.cast(), options.cast()).cast() }
}

/// As `avccdb_create_snapshot`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_create_snapshot(db: *mut leveldb_t) -> *const leveldb_snapshot_t {
    // SAFETY: as above.
    unsafe { avccdb_create_snapshot(db.cast()).cast() }
}

/// As `avccdb_release_snapshot`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_release_snapshot(
    db: *mut leveldb_t,
    snapshot: *const leveldb_snapshot_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_release_snapshot(db.cast(), snapshot.cast()) }
}

/// As `avccdb_property_value`: NULL if the property name is unknown, else
/// a malloc()ed NUL-terminated value. `leveldb.` names are accepted.
#[no_mangle]
pub unsafe extern "C" fn leveldb_property_value(
    db: *mut leveldb_t,
    propname: *const c_char,
) -> *mut c_char {
    // SAFETY: as above.
    unsafe { avccdb_property_value(db.cast(), propname) }
}

/// As `avccdb_approximate_sizes`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_approximate_sizes(
    db: *mut leveldb_t,
    num_ranges: c_int,
    range_start_key: *const *const c_char,
    range_start_key_len: *const usize,
    range_limit_key: *const *const c_char,
    range_limit_key_len: *const usize,
    sizes: *mut u64,
) {
    // SAFETY: as above.
    unsafe {
        avccdb_approximate_sizes(
            db.cast(),
            num_ranges,
            range_start_key,
            range_start_key_len,
            range_limit_key,
            range_limit_key_len,
            sizes,
        )
    }
}

/// As `avccdb_compact_range` (NULL bounds are unbounded).
#[no_mangle]
pub unsafe extern "C" fn leveldb_compact_range(
    db: *mut leveldb_t,
    start_key: *const c_char,
    start_key_len: usize,
    limit_key: *const c_char,
    limit_key_len: usize,
) {
    // SAFETY: as above.
    unsafe {
        avccdb_compact_range(
            db.cast(),
            start_key,
            start_key_len,
            limit_key,
            limit_key_len,
        )
    }
}

// ---- Management operations ------------------------------------------------

/// As `avccdb_destroy_db`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_destroy_db(
    options: *const leveldb_options_t,
    name: *const c_char,
    errptr: *mut *mut c_char,
) {
    // SAFETY: as above.
    unsafe { avccdb_destroy_db(options.cast(), name, errptr) }
}

/// As `avccdb_repair_db`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_repair_db(
    options: *const leveldb_options_t,
    name: *const c_char,
    errptr: *mut *mut c_char,
) {
    // SAFETY: as above.
    unsafe { avccdb_repair_db(options.cast(), name, errptr) }
}

// ---- Iterator -------------------------------------------------------------

/// As `avccdb_iter_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_destroy(it: *mut leveldb_iterator_t) {
    // SAFETY: as above.
    unsafe { avccdb_iter_destroy(it.cast()) }
}

/// As `avccdb_iter_valid`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_valid(it: *const leveldb_iterator_t) -> u8 {
    // SAFETY: as above.
    unsafe { avccdb_iter_valid(it.cast()) }
}

/// As `avccdb_iter_seek_to_first`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_seek_to_first(it: *mut leveldb_iterator_t) {
    // SAFETY: as above.
    unsafe { avccdb_iter_seek_to_first(it.cast()) }
}

/// As `avccdb_iter_seek_to_last`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_seek_to_last(it: *mut leveldb_iterator_t) {
    // SAFETY: as above.
    unsafe { avccdb_iter_seek_to_last(it.cast()) }
}

/// As `avccdb_iter_seek`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_seek(
    it: *mut leveldb_iterator_t,
    k: *const c_char,
    klen: usize,
) {
    // SAFETY: as above.
    unsafe { avccdb_iter_seek(it.cast(), k, klen) }
}

/// As `avccdb_iter_next`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_next(it: *mut leveldb_iterator_t) {
    // SAFETY: as above.
    unsafe { avccdb_iter_next(it.cast()) }
}

/// As `avccdb_iter_prev`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_prev(it: *mut leveldb_iterator_t) {
    // SAFETY: as above.
    unsafe { avccdb_iter_prev(it.cast()) }
}

/// As `avccdb_iter_key`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_key(
    it: *const leveldb_iterator_t,
    klen: *mut usize,
) -> *const c_char {
    // SAFETY: as above.
    unsafe { avccdb_iter_key(it.cast(), klen) }
}

/// As `avccdb_iter_value`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_value(
    it: *const leveldb_iterator_t,
    vlen: *mut usize,
) -> *const c_char {
    // SAFETY: as above.
    unsafe { avccdb_iter_value(it.cast(), vlen) }
}

/// As `avccdb_iter_get_error`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_iter_get_error(
    it: *const leveldb_iterator_t,
    errptr: *mut *mut c_char,
) {
    // SAFETY: as above.
    unsafe { avccdb_iter_get_error(it.cast(), errptr) }
}

// ---- Write batch ----------------------------------------------------------

/// As `avccdb_writebatch_create`.
#[no_mangle]
pub extern "C" fn leveldb_writebatch_create() -> *mut leveldb_writebatch_t {
    avccdb_writebatch_create().cast()
}

/// As `avccdb_writebatch_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writebatch_destroy(b: *mut leveldb_writebatch_t) {
    // SAFETY: as above.
    unsafe { avccdb_writebatch_destroy(b.cast()) }
}

/// As `avccdb_writebatch_clear`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writebatch_clear(b: *mut leveldb_writebatch_t) {
    // SAFETY: as above.
    unsafe { avccdb_writebatch_clear(b.cast()) }
}

/// As `avccdb_writebatch_put`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writebatch_put(
    b: *mut leveldb_writebatch_t,
    key: *const c_char,
    klen: usize,
    val: *const c_char,
    vlen: usize,
) {
    // SAFETY: as above.
    unsafe { avccdb_writebatch_put(b.cast(), key, klen, val, vlen) }
}

/// As `avccdb_writebatch_delete`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writebatch_delete(
    b: *mut leveldb_writebatch_t,
    key: *const c_char,
    klen: usize,
) {
    // SAFETY: as above.
    unsafe { avccdb_writebatch_delete(b.cast(), key, klen) }
}

/// As `avccdb_writebatch_iterate`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writebatch_iterate(
    b: *const leveldb_writebatch_t,
    state: *mut c_void,
    put: Option<
        unsafe extern "C" fn(
            *mut c_void,
            k: *const c_char,
            klen: usize,
            v: *const c_char,
            vlen: usize,
        ),
    >,
    deleted: Option<unsafe extern "C" fn(*mut c_void, k: *const c_char, klen: usize)>,
) {
    // SAFETY: as above.
    unsafe { avccdb_writebatch_iterate(b.cast(), state, put, deleted) }
}

/// As `avccdb_writebatch_append`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writebatch_append(
    destination: *mut leveldb_writebatch_t,
    source: *const leveldb_writebatch_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_writebatch_append(destination.cast(), source.cast()) }
}

// ---- Options --------------------------------------------------------------

/// As `avccdb_options_create`.
#[no_mangle]
pub extern "C" fn leveldb_options_create() -> *mut leveldb_options_t {
    avccdb_options_create().cast()
}

/// As `avccdb_options_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_destroy(o: *mut leveldb_options_t) {
    // SAFETY: as above.
    unsafe { avccdb_options_destroy(o.cast()) }
}

/// As `avccdb_options_set_comparator`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_comparator(
    o: *mut leveldb_options_t,
    cmp: *mut leveldb_comparator_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_comparator(o.cast(), cmp.cast()) }
}

/// As `avccdb_options_set_filter_policy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_filter_policy(
    o: *mut leveldb_options_t,
    policy: *mut leveldb_filterpolicy_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_filter_policy(o.cast(), policy.cast()) }
}

/// As `avccdb_options_set_create_if_missing`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_create_if_missing(o: *mut leveldb_options_t, v: u8) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_create_if_missing(o.cast(), v) }
}

/// As `avccdb_options_set_error_if_exists`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_error_if_exists(o: *mut leveldb_options_t, v: u8) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_error_if_exists(o.cast(), v) }
}

/// As `avccdb_options_set_paranoid_checks`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_paranoid_checks(o: *mut leveldb_options_t, v: u8) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_paranoid_checks(o.cast(), v) }
}

/// As `avccdb_options_set_env` (accepted and ignored).
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_env(
    o: *mut leveldb_options_t,
    env: *mut leveldb_env_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_env(o.cast(), env.cast()) }
}

/// As `avccdb_options_set_info_log` (accepted and ignored).
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_info_log(
    o: *mut leveldb_options_t,
    logger: *mut leveldb_logger_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_info_log(o.cast(), logger.cast()) }
}

/// As `avccdb_options_set_write_buffer_size`, clipped to LevelDB's
/// [64 KiB, 1 GiB].
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_write_buffer_size(
    o: *mut leveldb_options_t,
    v: usize,
) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_write_buffer_size(o.cast(), v.clamp(64 << 10, 1 << 30)) }
}

/// As `avccdb_options_set_max_open_files`, clipped to LevelDB's
/// [74, 50000].
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_max_open_files(o: *mut leveldb_options_t, v: c_int) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_max_open_files(o.cast(), v.clamp(74, 50_000)) }
}

/// As `avccdb_options_set_cache`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_cache(
    o: *mut leveldb_options_t,
    cache: *mut leveldb_cache_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_cache(o.cast(), cache.cast()) }
}

/// As `avccdb_options_set_block_size`, clipped to LevelDB's [1 KiB, 4 MiB].
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_block_size(o: *mut leveldb_options_t, v: usize) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_block_size(o.cast(), v.clamp(1 << 10, 4 << 20)) }
}

/// As `avccdb_options_set_block_restart_interval`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_block_restart_interval(
    o: *mut leveldb_options_t,
    v: c_int,
) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_block_restart_interval(o.cast(), v) }
}

/// As `avccdb_options_set_max_file_size`, clipped to LevelDB's
/// [1 MiB, 1 GiB].
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_max_file_size(o: *mut leveldb_options_t, v: usize) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_max_file_size(o.cast(), v.clamp(1 << 20, 1 << 30)) }
}

/// As `avccdb_options_set_compression`: `leveldb_no_compression` or
/// `leveldb_snappy_compression`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_options_set_compression(o: *mut leveldb_options_t, v: c_int) {
    // SAFETY: as above.
    unsafe { avccdb_options_set_compression(o.cast(), v) }
}

// ---- Comparator -----------------------------------------------------------

/// As `avccdb_comparator_create`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_comparator_create(
    state: *mut c_void,
    destructor: Option<unsafe extern "C" fn(*mut c_void)>,
    compare: Option<
        unsafe extern "C" fn(
            *mut c_void,
            a: *const c_char,
            alen: usize,
            b: *const c_char,
            blen: usize,
        ) -> c_int,
    >,
    name: Option<unsafe extern "C" fn(*mut c_void) -> *const c_char>,
) -> *mut leveldb_comparator_t {
    // SAFETY: as above.
    unsafe { avccdb_comparator_create(state, destructor, compare, name).cast() }
}

/// As `avccdb_comparator_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_comparator_destroy(cmp: *mut leveldb_comparator_t) {
    // SAFETY: as above.
    unsafe { avccdb_comparator_destroy(cmp.cast()) }
}

// ---- Filter policy --------------------------------------------------------

/// As `avccdb_filterpolicy_create`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_filterpolicy_create(
    state: *mut c_void,
    destructor: Option<unsafe extern "C" fn(*mut c_void)>,
    create_filter: Option<
        unsafe extern "C" fn(
            *mut c_void,
            key_array: *const *const c_char,
            key_length_array: *const usize,
            num_keys: c_int,
            filter_length: *mut usize,
        ) -> *mut c_char,
    >,
    key_may_match: Option<
        unsafe extern "C" fn(
            *mut c_void,
            key: *const c_char,
            length: usize,
            filter: *const c_char,
            filter_length: usize,
        ) -> u8,
    >,
    name: Option<unsafe extern "C" fn(*mut c_void) -> *const c_char>,
) -> *mut leveldb_filterpolicy_t {
    // SAFETY: as above.
    unsafe {
        avccdb_filterpolicy_create(state, destructor, create_filter, key_may_match, name).cast()
    }
}

/// As `avccdb_filterpolicy_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_filterpolicy_destroy(policy: *mut leveldb_filterpolicy_t) {
    // SAFETY: as above.
    unsafe { avccdb_filterpolicy_destroy(policy.cast()) }
}

/// As `avccdb_filterpolicy_create_bloom`.
#[no_mangle]
pub extern "C" fn leveldb_filterpolicy_create_bloom(
    bits_per_key: c_int,
) -> *mut leveldb_filterpolicy_t {
    avccdb_filterpolicy_create_bloom(bits_per_key).cast()
}

// ---- Read options ---------------------------------------------------------

/// As `avccdb_readoptions_create`.
#[no_mangle]
pub extern "C" fn leveldb_readoptions_create() -> *mut leveldb_readoptions_t {
    avccdb_readoptions_create().cast()
}

/// As `avccdb_readoptions_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_readoptions_destroy(ro: *mut leveldb_readoptions_t) {
    // SAFETY: as above.
    unsafe { avccdb_readoptions_destroy(ro.cast()) }
}

/// As `avccdb_readoptions_set_verify_checksums`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_readoptions_set_verify_checksums(
    ro: *mut leveldb_readoptions_t,
    v: u8,
) {
    // SAFETY: as above.
    unsafe { avccdb_readoptions_set_verify_checksums(ro.cast(), v) }
}

/// As `avccdb_readoptions_set_fill_cache`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_readoptions_set_fill_cache(ro: *mut leveldb_readoptions_t, v: u8) {
    // SAFETY: as above.
    unsafe { avccdb_readoptions_set_fill_cache(ro.cast(), v) }
}

/// As `avccdb_readoptions_set_snapshot`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_readoptions_set_snapshot(
    ro: *mut leveldb_readoptions_t,
    snap: *const leveldb_snapshot_t,
) {
    // SAFETY: as above.
    unsafe { avccdb_readoptions_set_snapshot(ro.cast(), snap.cast()) }
}

// ---- Write options --------------------------------------------------------

/// As `avccdb_writeoptions_create`.
#[no_mangle]
pub extern "C" fn leveldb_writeoptions_create() -> *mut leveldb_writeoptions_t {
    avccdb_writeoptions_create().cast()
}

/// As `avccdb_writeoptions_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writeoptions_destroy(wo: *mut leveldb_writeoptions_t) {
    // SAFETY: as above.
    unsafe { avccdb_writeoptions_destroy(wo.cast()) }
}

/// As `avccdb_writeoptions_set_sync`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_writeoptions_set_sync(wo: *mut leveldb_writeoptions_t, v: u8) {
    // SAFETY: as above.
    unsafe { avccdb_writeoptions_set_sync(wo.cast(), v) }
}

// ---- Cache ----------------------------------------------------------------

/// As `avccdb_cache_create_lru`.
#[no_mangle]
pub extern "C" fn leveldb_cache_create_lru(capacity: usize) -> *mut leveldb_cache_t {
    avccdb_cache_create_lru(capacity).cast()
}

/// As `avccdb_cache_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_cache_destroy(cache: *mut leveldb_cache_t) {
    // SAFETY: as above.
    unsafe { avccdb_cache_destroy(cache.cast()) }
}

// ---- Env ------------------------------------------------------------------

/// As `avccdb_create_default_env`.
#[no_mangle]
pub extern "C" fn leveldb_create_default_env() -> *mut leveldb_env_t {
    avccdb_create_default_env().cast()
}

/// As `avccdb_env_destroy`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_env_destroy(env: *mut leveldb_env_t) {
    // SAFETY: as above.
    unsafe { avccdb_env_destroy(env.cast()) }
}

/// As `avccdb_env_get_test_directory`; release the result with
/// `leveldb_free`.
#[no_mangle]
pub unsafe extern "C" fn leveldb_env_get_test_directory(env: *mut leveldb_env_t) -> *mut c_char {
    // SAFETY: as above.
    unsafe { avccdb_env_get_test_directory(env.cast()) }
}

// ---- Utility --------------------------------------------------------------

/// Frees memory returned by any function of this header (`free` works
/// too).
#[no_mangle]
pub unsafe extern "C" fn leveldb_free(ptr: *mut c_void) {
    // SAFETY: as above.
    unsafe { avccdb_free(ptr) }
}

/// The LevelDB API major version implemented: 1.
#[no_mangle]
pub extern "C" fn leveldb_major_version() -> c_int {
    LEVELDB_MAJOR
}

/// The LevelDB API minor version implemented: 23.
#[no_mangle]
pub extern "C" fn leveldb_minor_version() -> c_int {
    LEVELDB_MINOR
}
