//! Manual compaction and pausing automatic compaction.

use std::ffi::{c_char, c_int};

use crate::db::CompactionPause;
use crate::error::Error;
use crate::ffi::db::{avccdb_t, db_ref};
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{free_handle, into_handle, optional_bytes_arg};

/// Compacts the keys in `[start_key, limit_key]` through every level
/// (after writing the memdb to a table); NULL for either bound means
/// unbounded on that side. LevelDB's signature: a failure sets only the
/// last error code; `avccdb_compact_range2` reports it through `errptr`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_compact_range(
    db: *mut avccdb_t,
    start_key: *const c_char,
    start_key_len: usize,
    limit_key: *const c_char,
    limit_key_len: usize,
) {
    // SAFETY: forwarded caller contract.
    unsafe {
        avccdb_compact_range2(
            db,
            start_key,
            start_key_len,
            limit_key,
            limit_key_len,
            std::ptr::null_mut(),
        )
    }
}

/// `avccdb_compact_range` with the error reported through `errptr`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_compact_range2(
    db: *mut avccdb_t,
    start_key: *const c_char,
    start_key_len: usize,
    limit_key: *const c_char,
    limit_key_len: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_compact_range2", errptr, (), || {
        // SAFETY: NULL or a live handle; keys hold their lengths.
        let (db, start, limit) = unsafe {
            (
                db_ref(db)?,
                optional_bytes_arg(start_key, start_key_len, "start key")?,
                optional_bytes_arg(limit_key, limit_key_len, "limit key")?,
            )
        };
        db.compact_range(start, limit)
    })
}

/// Compacts the keys in `[start_key, limit_key]` (NULL: unbounded) of
/// `level` into `level + 1`. A level without one below it is
/// `AVCCDB_ERR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_compact_level(
    db: *mut avccdb_t,
    level: c_int,
    start_key: *const c_char,
    start_key_len: usize,
    limit_key: *const c_char,
    limit_key_len: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_compact_level", errptr, (), || {
        let level = usize::try_from(level)
            .map_err(|_| Error::invalid_argument(format!("level {level} is negative")))?;
        // SAFETY: NULL or a live handle; keys hold their lengths.
        let (db, start, limit) = unsafe {
            (
                db_ref(db)?,
                optional_bytes_arg(start_key, start_key_len, "start key")?,
                optional_bytes_arg(limit_key, limit_key_len, "limit key")?,
            )
        };
        db.compact_level(level, start, limit)
    })
}

/// Automatic table compaction held by `avccdb_pause_compactions` until
/// `avccdb_resume_compactions`. Memdb flushes go on, so writes continue
/// until level 0 reaches the pause trigger, then wait.
///
/// Thread safety: one thread at a time; it may be released on any thread.
pub struct avccdb_compaction_pause_t {
    _pause: CompactionPause,
}

/// Holds automatic table compaction (for a consistent file-level backup,
/// say) until the returned token is passed to `avccdb_resume_compactions`.
/// Pauses nest. NULL (last error code set) if `db` is NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_pause_compactions(
    db: *mut avccdb_t,
) -> *mut avccdb_compaction_pause_t {
    ffi_guard_silent("avccdb_pause_compactions", std::ptr::null_mut(), || {
        // SAFETY: NULL or a live handle.
        let db = unsafe { db_ref(db) }?;
        Ok(into_handle(avccdb_compaction_pause_t {
            _pause: db.pause_compactions(),
        }))
    })
}

/// Ends a pause and frees its token. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_resume_compactions(pause: *mut avccdb_compaction_pause_t) {
    ffi_guard_silent("avccdb_resume_compactions", (), || {
        // SAFETY: NULL or a live token, released once.
        unsafe { free_handle(pause) };
        Ok(())
    })
}
