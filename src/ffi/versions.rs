//! Versioned records: writes at an explicit version, reads as of a version
//! (reporting the version found) and the history of a key.

use std::ffi::c_char;

use crate::error::Error;
use crate::ffi::db::{avccdb_t, db_ref};
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{free_handle, handle_ref, into_handle, record_arg, set_out};
use crate::ffi::memory::malloc_copy;
use crate::ffi::readoptions::avccdb_readoptions_t;
use crate::ffi::writeoptions::avccdb_writeoptions_t;

/// The highest version: reads "as of" it see the newest version of a key.
pub const AVCCDB_MAX_VERSION: u64 = u64::MAX;

/// Sets `key` to `val` at `version`. Versions of a key are independent
/// records; a read as of version v sees the highest version ≤ v.
#[no_mangle]
pub unsafe extern "C" fn avccdb_put_with_version(
    db: *mut avccdb_t,
    options: *const avccdb_writeoptions_t,
    key: *const c_char,
    keylen: usize,
    version: u64,
    val: *const c_char,
    vallen: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_put_with_version", errptr, (), || {
        // SAFETY: handles NULL or live; buffers hold their lengths.
        let (db, wo, key, val) = unsafe {
            (
                db_ref(db)?,
                handle_ref(options, "write options")?,
                record_arg(key, keylen, "key")?,
                record_arg(val, vallen, "value")?,
            )
        };
        db.put_with_version(key, version, val, &wo.wo)
    })
}

/// Deletes `key` as of `version`: reads as of versions ≥ it find nothing
/// until a higher version is written.
#[no_mangle]
pub unsafe extern "C" fn avccdb_delete_with_version(
    db: *mut avccdb_t,
    options: *const avccdb_writeoptions_t,
    key: *const c_char,
    keylen: usize,
    version: u64,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_delete_with_version", errptr, (), || {
        // SAFETY: handles NULL or live; the key holds `keylen` bytes.
        let (db, wo, key) = unsafe {
            (
                db_ref(db)?,
                handle_ref(options, "write options")?,
                record_arg(key, keylen, "key")?,
            )
        };
        db.delete_with_version(key, version, &wo.wo)
    })
}

/// The value of the highest version ≤ `version` of `key`, as a malloc'd
/// buffer (free with `avccdb_free`; non-NULL even when empty) with its
/// length in `*vallen` and the version found in `*found_version`. NULL,
/// with `*vallen` = 0 and `*found_version` = 0, when there is none (or it
/// is deleted as of `version`) or on error (`*errptr` set). `vallen` must
/// not be NULL; `found_version` may be. Pass `AVCCDB_MAX_VERSION` for the
/// newest version.
#[no_mangle]
pub unsafe extern "C" fn avccdb_get_with_version(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    version: u64,
    vallen: *mut usize,
    found_version: *mut u64,
    errptr: *mut *mut c_char,
) -> *mut c_char {
    // SAFETY: both are NULL or writable.
    unsafe {
        set_out(vallen, 0);
        set_out(found_version, 0);
    }
    ffi_guard(
        "avccdb_get_with_version",
        errptr,
        std::ptr::null_mut(),
        || {
            if vallen.is_null() {
                return Err(Error::invalid_argument("vallen is NULL"));
            }
            // SAFETY: handles NULL or live; the key holds `keylen` bytes.
            let (db, ro, key) = unsafe {
                (
                    db_ref(db)?,
                    handle_ref(options, "read options")?,
                    record_arg(key, keylen, "key")?,
                )
            };
            match db.get_with_version(key, version, &ro.ro)? {
                Some((v, found)) => {
                    // SAFETY: both are NULL or writable (vallen checked).
                    unsafe {
                        set_out(vallen, v.len());
                        set_out(found_version, found);
                    }
                    Ok(malloc_copy(&v))
                }
                None => Ok(std::ptr::null_mut()),
            }
        },
    )
}

/// The versions of one key, newest first, as returned by
/// `avccdb_version_history`, `avccdb_version_history_with_proof` and
/// `avccdb_verify_history_proof`; freed by
/// `avccdb_version_history_destroy`.
///
/// Thread safety: immutable; shared freely between threads.
#[derive(Debug)]
pub struct avccdb_version_history_t {
    pub(crate) entries: Vec<(u64, Vec<u8>)>,
}

/// Every live version of `key` in `[min_version, max_version]`, newest
/// first (versions deleted as of themselves are left out). NULL on error
/// (`*errptr` set); an empty history (count 0) when there is none.
#[no_mangle]
pub unsafe extern "C" fn avccdb_version_history(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    min_version: u64,
    max_version: u64,
    errptr: *mut *mut c_char,
) -> *mut avccdb_version_history_t {
    ffi_guard(
        "avccdb_version_history",
        errptr,
        std::ptr::null_mut(),
        || {
            // SAFETY: handles NULL or live; the key holds `keylen` bytes.
            let (db, ro, key) = unsafe {
                (
                    db_ref(db)?,
                    handle_ref(options, "read options")?,
                    record_arg(key, keylen, "key")?,
                )
            };
            let entries = db.version_history(key, min_version, max_version, &ro.ro)?;
            Ok(into_handle(avccdb_version_history_t { entries }))
        },
    )
}

/// Number of versions in the history (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_version_history_count(h: *const avccdb_version_history_t) -> usize {
    ffi_guard_silent("avccdb_version_history_count", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { handle_ref(h, "history") }?.entries.len())
    })
}

fn out_of_range(i: usize, n: usize) -> Error {
    Error::invalid_argument(format!("history index {i} is out of range (count {n})"))
}

/// The version of entry `i` (0 = newest). 0, with the last error code set,
/// when `i` is out of range.
#[no_mangle]
pub unsafe extern "C" fn avccdb_version_history_version_at(
    h: *const avccdb_version_history_t,
    i: usize,
) -> u64 {
    ffi_guard_silent("avccdb_version_history_version_at", 0, || {
        // SAFETY: NULL or a live handle.
        let e = &unsafe { handle_ref(h, "history") }?.entries;
        e.get(i)
            .map(|(v, _)| *v)
            .ok_or_else(|| out_of_range(i, e.len()))
    })
}

/// The value of entry `i`, borrowed until the history is destroyed, with
/// its length in `*vallen`. NULL (length 0, last error code set) when `i`
/// is out of range.
#[no_mangle]
pub unsafe extern "C" fn avccdb_version_history_value_at(
    h: *const avccdb_version_history_t,
    i: usize,
    vallen: *mut usize,
) -> *const c_char {
    let (p, n) = ffi_guard_silent(
        "avccdb_version_history_value_at",
        (std::ptr::null(), 0),
        || {
            // SAFETY: NULL or a live handle.
            let e = &unsafe { handle_ref(h, "history") }?.entries;
            e.get(i)
                .map(|(_, v)| (v.as_ptr().cast::<c_char>(), v.len()))
                .ok_or_else(|| out_of_range(i, e.len()))
        },
    );
    // SAFETY: `vallen` is NULL or writable.
    unsafe { set_out(vallen, n) };
    p
}

/// Frees a history. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_version_history_destroy(h: *mut avccdb_version_history_t) {
    ffi_guard_silent("avccdb_version_history_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(h) };
        Ok(())
    })
}
