//! `avccdb_options_t`: how a database is opened. Every setter has a getter.
//!
//! Setters take no `errptr` (as in LevelDB). A value that can never work
//! (a negative count, an unknown compression) is not applied: the setter
//! records `AVCCDB_ERR_INVALID_ARGUMENT` as the thread's last error code and
//! the options object remembers the problem, so that `avccdb_open`,
//! `avccdb_repair_db` and `avccdb_destroy_db` fail with a message naming
//! it. Setting a valid value for that option again forgets the problem.
//! Ranges that depend on other options are checked by `avccdb_open`.

use std::ffi::{c_char, c_double, c_int, c_uchar};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::ffi::cache::avccdb_cache_t;
use crate::ffi::comparator::avccdb_comparator_t;
use crate::ffi::env::{avccdb_env_t, avccdb_logger_t};
use crate::ffi::filter::avccdb_filterpolicy_t;
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{free_handle, handle_mut, handle_ref, into_handle};
use crate::ffi::memory::malloc_c_string;
use crate::key::BytewiseComparator;
use crate::options::Options;
use crate::table::Compression;

/// Block compression off (`avccdb_options_set_compression`).
pub const AVCCDB_NO_COMPRESSION: c_int = 0;
/// Snappy block compression (the default).
pub const AVCCDB_SNAPPY_COMPRESSION: c_int = 1;

/// Options for opening a database. Created by `avccdb_options_create`,
/// freed by `avccdb_options_destroy`; `avccdb_open` copies what it needs,
/// so the object may be destroyed or changed once the call returns.
///
/// Thread safety: one thread at a time (no internal locking); concurrent
/// `avccdb_open` calls that only read the same object are fine.
pub struct avccdb_options_t {
    pub(crate) opts: Options,
    /// Options set to values that can never work, with the reason, in the
    /// order they were set.
    invalid: Vec<(&'static str, String)>,
}

impl avccdb_options_t {
    /// The options with every recorded setter problem turned into an error.
    pub(crate) fn checked(&self) -> Result<&Options> {
        match self.invalid.first() {
            Some((_, msg)) => Err(Error::invalid_argument(msg.clone())),
            None => Ok(&self.opts),
        }
    }
}

impl Clone for avccdb_options_t {
    fn clone(&self) -> Self {
        avccdb_options_t {
            opts: self.opts.clone(),
            invalid: self.invalid.clone(),
        }
    }
}

/// Runs a setter body on the options behind `o`; an `Err` from `value`
/// marks option `name` invalid (and sets the last error code).
fn set<T>(
    o: *mut avccdb_options_t,
    name: &'static str,
    value: Result<T>,
    apply: impl FnOnce(&mut Options, T),
) {
    ffi_guard_silent(name, (), || {
        // SAFETY: `o` is NULL or a live options handle used by this thread.
        let o = unsafe { handle_mut(o, "options") }?;
        match value {
            Ok(v) => {
                o.invalid.retain(|(n, _)| *n != name);
                apply(&mut o.opts, v);
                Ok(())
            }
            Err(e) => {
                let why = match &e {
                    Error::InvalidArgument(m) => m.clone(),
                    other => other.to_string(),
                };
                o.invalid.retain(|(n, _)| *n != name);
                o.invalid.push((name, format!("{name}: {why}")));
                Err(e)
            }
        }
    })
}

/// Runs a getter on the options behind `o`; NULL answers `fallback`.
fn get<T>(o: *const avccdb_options_t, name: &str, fallback: T, f: impl FnOnce(&Options) -> T) -> T {
    ffi_guard_silent(name, fallback, || {
        // SAFETY: `o` is NULL or a live options handle.
        let o = unsafe { handle_ref(o, "options") }?;
        Ok(f(&o.opts))
    })
}

fn non_negative(v: c_int, what: &str) -> Result<usize> {
    usize::try_from(v).map_err(|_| Error::invalid_argument(format!("{what} {v} is negative")))
}

fn to_int(v: usize) -> c_int {
    c_int::try_from(v).unwrap_or(c_int::MAX)
}

/// A new options object with LevelDB's default of `create_if_missing` =
/// false and avccdb's defaults for everything else (bloom filter of 10 bits
/// per key, 8 MiB block cache, Snappy compression, 4 MiB write buffer).
#[no_mangle]
pub extern "C" fn avccdb_options_create() -> *mut avccdb_options_t {
    ffi_guard_silent("avccdb_options_create", std::ptr::null_mut(), || {
        Ok(into_handle(avccdb_options_t {
            opts: Options {
                create_if_missing: false,
                ..Options::default()
            },
            invalid: Vec::new(),
        }))
    })
}

/// Frees an options object. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_destroy(o: *mut avccdb_options_t) {
    ffi_guard_silent("avccdb_options_destroy", (), || {
        // SAFETY: `o` is NULL or a live handle, destroyed once.
        unsafe { free_handle(o) };
        Ok(())
    })
}

/// Sets the key order. The options keep a reference, so the comparator
/// may be destroyed right after. NULL restores the default bytewise order.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_comparator(
    o: *mut avccdb_options_t,
    cmp: *mut avccdb_comparator_t,
) {
    // SAFETY: `cmp` is NULL or a live comparator handle.
    let cmp = unsafe { cmp.as_ref() }.map(|c| c.cmp.clone());
    set(o, "avccdb_options_set_comparator", Ok(cmp), |opts, cmp| {
        opts.comparator = match cmp {
            Some(c) => c,
            None => Arc::new(BytewiseComparator),
        };
    })
}

/// The name of the key order, malloc'd (free with `avccdb_free`); NULL if
/// `o` is NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_comparator_name(
    o: *const avccdb_options_t,
) -> *mut c_char {
    get(
        o,
        "avccdb_options_get_comparator_name",
        std::ptr::null_mut(),
        |opts| malloc_c_string(opts.comparator.name()),
    )
}

/// Sets a filter policy that replaces the built-in bloom filter. The
/// options keep a reference, so the policy may be destroyed right after.
/// NULL removes it: tables then use the built-in bloom filter if
/// `bloom_bits_per_key` is not 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_filter_policy(
    o: *mut avccdb_options_t,
    policy: *mut avccdb_filterpolicy_t,
) {
    // SAFETY: `policy` is NULL or a live filter policy handle.
    let policy = unsafe { policy.as_ref() }.map(|p| p.policy.clone());
    set(
        o,
        "avccdb_options_set_filter_policy",
        Ok(policy),
        |opts, p| {
            opts.filter_policy = p;
        },
    )
}

/// The name of the filter policy tables will be built with (the custom
/// policy, else the built-in bloom filter), malloc'd (free with
/// `avccdb_free`); NULL when tables get no filter or `o` is NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_filter_policy_name(
    o: *const avccdb_options_t,
) -> *mut c_char {
    get(
        o,
        "avccdb_options_get_filter_policy_name",
        std::ptr::null_mut(),
        |opts| match opts.effective_filter_policy() {
            Some(p) => malloc_c_string(p.name()),
            None => std::ptr::null_mut(),
        },
    )
}

/// Create the database if it is missing. Default: 0 (as LevelDB).
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_create_if_missing(
    o: *mut avccdb_options_t,
    v: c_uchar,
) {
    set(
        o,
        "avccdb_options_set_create_if_missing",
        Ok(v != 0),
        |opts, v| opts.create_if_missing = v,
    )
}

/// Whether a missing database is created.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_create_if_missing(
    o: *const avccdb_options_t,
) -> c_uchar {
    get(o, "avccdb_options_get_create_if_missing", 0, |opts| {
        c_uchar::from(opts.create_if_missing)
    })
}

/// Fail to open if the database already exists. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_error_if_exists(o: *mut avccdb_options_t, v: c_uchar) {
    set(
        o,
        "avccdb_options_set_error_if_exists",
        Ok(v != 0),
        |opts, v| opts.error_if_exists = v,
    )
}

/// Whether opening an existing database fails.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_error_if_exists(o: *const avccdb_options_t) -> c_uchar {
    get(o, "avccdb_options_get_error_if_exists", 0, |opts| {
        c_uchar::from(opts.error_if_exists)
    })
}

/// Strict checks: fail on any corruption met during recovery and verify
/// every block checksum read. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_paranoid_checks(o: *mut avccdb_options_t, v: c_uchar) {
    set(
        o,
        "avccdb_options_set_paranoid_checks",
        Ok(v != 0),
        |opts, v| opts.paranoid_checks = v,
    )
}

/// Whether paranoid checks are on.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_paranoid_checks(o: *const avccdb_options_t) -> c_uchar {
    get(o, "avccdb_options_get_paranoid_checks", 0, |opts| {
        c_uchar::from(opts.paranoid_checks)
    })
}

/// Accepted for LevelDB parity and ignored: avccdb always uses the
/// operating system directly. `env` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_env(o: *mut avccdb_options_t, env: *mut avccdb_env_t) {
    let _ = env;
    set(o, "avccdb_options_set_env", Ok(()), |_, _| {})
}

/// Accepted for LevelDB parity and ignored: the engine always writes its
/// `LOG` file in the database directory. `logger` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_info_log(
    o: *mut avccdb_options_t,
    logger: *mut avccdb_logger_t,
) {
    let _ = logger;
    set(o, "avccdb_options_set_info_log", Ok(()), |_, _| {})
}

/// Memdb size at which it is written to a level-0 table (also the batch
/// size above which a write goes through a transaction). Default: 4 MiB;
/// `avccdb_open` accepts 4 KiB to 1 GiB.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_write_buffer_size(o: *mut avccdb_options_t, v: usize) {
    set(
        o,
        "avccdb_options_set_write_buffer_size",
        Ok(v),
        |opts, v| opts.write_buffer = v,
    )
}

/// The write buffer size in bytes.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_write_buffer_size(o: *const avccdb_options_t) -> usize {
    get(o, "avccdb_options_get_write_buffer_size", 0, |opts| {
        opts.write_buffer
    })
}

/// Table files kept open at once. Default: 500; `avccdb_open` requires at
/// least 20.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_max_open_files(o: *mut avccdb_options_t, v: c_int) {
    set(
        o,
        "avccdb_options_set_max_open_files",
        non_negative(v, "max_open_files"),
        |opts, v| opts.max_open_files = v,
    )
}

/// The open table file budget.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_max_open_files(o: *const avccdb_options_t) -> c_int {
    get(o, "avccdb_options_get_max_open_files", 0, |opts| {
        to_int(opts.max_open_files)
    })
}

/// Shares `cache` as the block cache (the options keep a reference, so the
/// cache may be destroyed right after). NULL returns to a private cache of
/// `block_cache_capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_cache(
    o: *mut avccdb_options_t,
    cache: *mut avccdb_cache_t,
) {
    // SAFETY: `cache` is NULL or a live cache handle.
    let cache = unsafe { cache.as_ref() }.map(|c| c.cache.clone());
    set(o, "avccdb_options_set_cache", Ok(cache), |opts, c| {
        opts.block_cache = c
    })
}

/// Capacity in bytes of a private block cache (used when no cache is set
/// with `avccdb_options_set_cache`); 0 disables block caching. Default:
/// 8 MiB.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_block_cache_capacity(
    o: *mut avccdb_options_t,
    v: usize,
) {
    set(
        o,
        "avccdb_options_set_block_cache_capacity",
        Ok(v),
        |opts, v| opts.block_cache_capacity = v,
    )
}

/// The block cache capacity in bytes: the shared cache's if one is set,
/// else the private cache's.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_block_cache_capacity(
    o: *const avccdb_options_t,
) -> usize {
    get(
        o,
        "avccdb_options_get_block_cache_capacity",
        0,
        |opts| match &opts.block_cache {
            Some(c) => c.capacity(),
            None => opts.block_cache_capacity,
        },
    )
}

/// Uncompressed size of a table data block. Default: 4 KiB; `avccdb_open`
/// accepts 256 B to 64 MiB.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_block_size(o: *mut avccdb_options_t, v: usize) {
    set(o, "avccdb_options_set_block_size", Ok(v), |opts, v| {
        opts.block_size = v
    })
}

/// The block size in bytes.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_block_size(o: *const avccdb_options_t) -> usize {
    get(o, "avccdb_options_get_block_size", 0, |opts| {
        opts.block_size
    })
}

/// Keys between restart points in a block. Default: 16; must be ≥ 1.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_block_restart_interval(
    o: *mut avccdb_options_t,
    v: c_int,
) {
    set(
        o,
        "avccdb_options_set_block_restart_interval",
        non_negative(v, "block_restart_interval"),
        |opts, v| opts.block_restart_interval = v,
    )
}

/// The block restart interval.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_block_restart_interval(
    o: *const avccdb_options_t,
) -> c_int {
    get(o, "avccdb_options_get_block_restart_interval", 0, |opts| {
        to_int(opts.block_restart_interval)
    })
}

/// LevelDB's name for the target size of a table written by compaction:
/// the same setting as `avccdb_options_set_compaction_table_size`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_max_file_size(o: *mut avccdb_options_t, v: usize) {
    set(o, "avccdb_options_set_max_file_size", Ok(v), |opts, v| {
        opts.compaction_table_size = v as u64
    })
}

/// The compaction table size in bytes (saturated to `SIZE_MAX`).
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_max_file_size(o: *const avccdb_options_t) -> usize {
    get(o, "avccdb_options_get_max_file_size", 0, |opts| {
        usize::try_from(opts.compaction_table_size).unwrap_or(usize::MAX)
    })
}

/// Block compression: `AVCCDB_NO_COMPRESSION` or
/// `AVCCDB_SNAPPY_COMPRESSION` (the default). Other values are invalid.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_compression(o: *mut avccdb_options_t, v: c_int) {
    let value = match v {
        AVCCDB_NO_COMPRESSION => Ok(Compression::None),
        AVCCDB_SNAPPY_COMPRESSION => Ok(Compression::Snappy),
        _ => Err(Error::invalid_argument(format!("unknown compression {v}"))),
    };
    set(o, "avccdb_options_set_compression", value, |opts, c| {
        opts.compression = c
    })
}

/// The block compression (`AVCCDB_*_COMPRESSION`).
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_compression(o: *const avccdb_options_t) -> c_int {
    get(o, "avccdb_options_get_compression", 0, |opts| {
        match opts.compression {
            Compression::None => AVCCDB_NO_COMPRESSION,
            Compression::Snappy => AVCCDB_SNAPPY_COMPRESSION,
        }
    })
}

/// Level-0 table count at which each write is delayed by 1 ms. Default: 8.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_write_l0_slowdown_trigger(
    o: *mut avccdb_options_t,
    v: c_int,
) {
    set(
        o,
        "avccdb_options_set_write_l0_slowdown_trigger",
        non_negative(v, "write_l0_slowdown_trigger"),
        |opts, v| opts.write_l0_slowdown_trigger = v,
    )
}

/// The level-0 slowdown trigger.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_write_l0_slowdown_trigger(
    o: *const avccdb_options_t,
) -> c_int {
    get(
        o,
        "avccdb_options_get_write_l0_slowdown_trigger",
        0,
        |opts| to_int(opts.write_l0_slowdown_trigger),
    )
}

/// Level-0 table count at which writes wait for table compaction.
/// Default: 12; must be ≥ the slowdown trigger and ≥ the compaction
/// trigger (checked by `avccdb_open`).
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_write_l0_pause_trigger(
    o: *mut avccdb_options_t,
    v: c_int,
) {
    set(
        o,
        "avccdb_options_set_write_l0_pause_trigger",
        non_negative(v, "write_l0_pause_trigger"),
        |opts, v| opts.write_l0_pause_trigger = v,
    )
}

/// The level-0 pause trigger.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_write_l0_pause_trigger(
    o: *const avccdb_options_t,
) -> c_int {
    get(o, "avccdb_options_get_write_l0_pause_trigger", 0, |opts| {
        to_int(opts.write_l0_pause_trigger)
    })
}

/// Level-0 table count that triggers a level-0 compaction. Default: 4.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_compaction_l0_trigger(
    o: *mut avccdb_options_t,
    v: c_int,
) {
    set(
        o,
        "avccdb_options_set_compaction_l0_trigger",
        non_negative(v, "compaction_l0_trigger"),
        |opts, v| opts.compaction_l0_trigger = v,
    )
}

/// The level-0 compaction trigger.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_compaction_l0_trigger(
    o: *const avccdb_options_t,
) -> c_int {
    get(o, "avccdb_options_get_compaction_l0_trigger", 0, |opts| {
        to_int(opts.compaction_l0_trigger)
    })
}

/// Target size of a table written by compaction. Default: 2 MiB; at
/// least 1 KiB.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_compaction_table_size(
    o: *mut avccdb_options_t,
    v: u64,
) {
    set(
        o,
        "avccdb_options_set_compaction_table_size",
        Ok(v),
        |opts, v| opts.compaction_table_size = v,
    )
}

/// The compaction table size in bytes.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_compaction_table_size(
    o: *const avccdb_options_t,
) -> u64 {
    get(o, "avccdb_options_get_compaction_table_size", 0, |opts| {
        opts.compaction_table_size
    })
}

/// Target size of level 1. Default: 10 MiB; at least 1 KiB.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_compaction_total_size(
    o: *mut avccdb_options_t,
    v: u64,
) {
    set(
        o,
        "avccdb_options_set_compaction_total_size",
        Ok(v),
        |opts, v| opts.compaction_total_size = v,
    )
}

/// The level-1 target size in bytes.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_compaction_total_size(
    o: *const avccdb_options_t,
) -> u64 {
    get(o, "avccdb_options_get_compaction_total_size", 0, |opts| {
        opts.compaction_total_size
    })
}

/// Growth factor of the target size per level beyond 1. Default: 10; a
/// finite number ≥ 1 (NaN and infinities are rejected at once).
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_compaction_total_size_multiplier(
    o: *mut avccdb_options_t,
    v: c_double,
) {
    let value = if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::invalid_argument(format!(
            "compaction_total_size_multiplier {v} is not finite"
        )))
    };
    set(
        o,
        "avccdb_options_set_compaction_total_size_multiplier",
        value,
        |opts, v| opts.compaction_total_size_multiplier = v,
    )
}

/// The per-level growth factor.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_compaction_total_size_multiplier(
    o: *const avccdb_options_t,
) -> c_double {
    get(
        o,
        "avccdb_options_get_compaction_total_size_multiplier",
        0.0,
        |opts| opts.compaction_total_size_multiplier,
    )
}

/// Never merge concurrent writes into one group. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_no_write_merge(o: *mut avccdb_options_t, v: c_uchar) {
    set(
        o,
        "avccdb_options_set_no_write_merge",
        Ok(v != 0),
        |opts, v| opts.no_write_merge = v,
    )
}

/// Whether write merging is disabled for the database.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_no_write_merge(o: *const avccdb_options_t) -> c_uchar {
    get(o, "avccdb_options_get_no_write_merge", 0, |opts| {
        c_uchar::from(opts.no_write_merge)
    })
}

/// Never fsync the journal, even for synchronous writes. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_no_sync(o: *mut avccdb_options_t, v: c_uchar) {
    set(o, "avccdb_options_set_no_sync", Ok(v != 0), |opts, v| {
        opts.no_sync = v
    })
}

/// Whether journal syncs are disabled.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_no_sync(o: *const avccdb_options_t) -> c_uchar {
    get(o, "avccdb_options_get_no_sync", 0, |opts| {
        c_uchar::from(opts.no_sync)
    })
}

/// Write batches larger than the write buffer through the journal like
/// any other instead of as a transaction. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_disable_large_batch_transaction(
    o: *mut avccdb_options_t,
    v: c_uchar,
) {
    set(
        o,
        "avccdb_options_set_disable_large_batch_transaction",
        Ok(v != 0),
        |opts, v| opts.disable_large_batch_transaction = v,
    )
}

/// Whether large batches skip the transaction path.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_disable_large_batch_transaction(
    o: *const avccdb_options_t,
) -> c_uchar {
    get(
        o,
        "avccdb_options_get_disable_large_batch_transaction",
        0,
        |opts| c_uchar::from(opts.disable_large_batch_transaction),
    )
}

/// Bits per key of the built-in bloom filter; 0 disables it (a policy set
/// with `avccdb_options_set_filter_policy` takes precedence). Default: 10;
/// at most 1000.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_bloom_bits_per_key(o: *mut avccdb_options_t, v: c_int) {
    set(
        o,
        "avccdb_options_set_bloom_bits_per_key",
        non_negative(v, "bloom_bits_per_key"),
        |opts, v| opts.bloom_bits_per_key = v,
    )
}

/// The built-in bloom filter's bits per key.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_bloom_bits_per_key(
    o: *const avccdb_options_t,
) -> c_int {
    get(o, "avccdb_options_get_bloom_bits_per_key", 0, |opts| {
        to_int(opts.bloom_bits_per_key)
    })
}

/// Hash every record into its table's Merkle tree as the table is written
/// (block roots and table root stored in the table and the manifest).
/// Default: 1. With 0, roots are computed from the records the first time
/// a root or proof needs them (one full read of each table): for
/// write-heavy databases that rarely prove. Proofs and roots are the same
/// either way.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_set_merkle_on_write(o: *mut avccdb_options_t, v: c_uchar) {
    set(
        o,
        "avccdb_options_set_merkle_on_write",
        Ok(v != 0),
        |opts, v| opts.merkle_on_write = v,
    )
}

/// Whether tables are hashed as they are written.
#[no_mangle]
pub unsafe extern "C" fn avccdb_options_get_merkle_on_write(o: *const avccdb_options_t) -> c_uchar {
    get(o, "avccdb_options_get_merkle_on_write", 0, |opts| {
        c_uchar::from(opts.merkle_on_write)
    })
}
