//! `avccdb_t`: opening and closing a database, single writes, batches,
//! point reads (three flavours), destroy and repair.

use std::ffi::{c_char, c_int};

use crate::db::{destroy_db, repair_db, Db};
use crate::error::{Error, Result};
use crate::ffi::batch::avccdb_writebatch_t;
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{handle_ref, into_handle, path_arg, record_arg, set_out};
use crate::ffi::memory::malloc_copy;
use crate::ffi::options::avccdb_options_t;
use crate::ffi::readoptions::avccdb_readoptions_t;
use crate::ffi::writeoptions::avccdb_writeoptions_t;

/// `avccdb_get2` / `avccdb_get_into`: the key has no live value.
pub const AVCCDB_GET_NOT_FOUND: c_int = 0;
/// `avccdb_get2` / `avccdb_get_into`: the value was found (and copied).
pub const AVCCDB_GET_FOUND: c_int = 1;
/// `avccdb_get_into`: the value was found but is longer than the buffer;
/// `*vallen` holds its full length and the buffer its first `buflen` bytes.
pub const AVCCDB_GET_BUFFER_TOO_SMALL: c_int = 2;
/// `avccdb_get2` / `avccdb_get_into`: the read failed (see `errptr`).
pub const AVCCDB_GET_ERROR: c_int = -1;

/// An open database. Created by `avccdb_open`, closed and freed by
/// `avccdb_close`.
///
/// Thread safety: shared freely. Any number of threads may call any
/// function on the same handle at once (concurrent writes are merged into
/// groups), except `avccdb_close`, which must be the handle's last call,
/// made when no other call on it is running. Iterators, snapshots and
/// transactions taken from it stay usable after it is closed (reads keep
/// working, writes fail with `AVCCDB_ERR_CLOSED`).
pub struct avccdb_t {
    pub(crate) db: Db,
}

/// Borrows the database handle.
///
/// # Safety
/// `db` is NULL or a live handle.
pub(crate) unsafe fn db_ref<'a>(db: *const avccdb_t) -> Result<&'a Db> {
    // SAFETY: forwarded contract.
    Ok(&unsafe { handle_ref(db, "db") }?.db)
}

/// Opens (or creates, per `options`) the database in directory `name`.
/// Returns NULL on failure, with the reason in `*errptr`: for example
/// `AVCCDB_ERR_INVALID_ARGUMENT` for a missing database without
/// `create_if_missing`, or out-of-range options; `AVCCDB_ERR_BUSY` when
/// another handle (in this or another process) has it open.
#[no_mangle]
pub unsafe extern "C" fn avccdb_open(
    options: *const avccdb_options_t,
    name: *const c_char,
    errptr: *mut *mut c_char,
) -> *mut avccdb_t {
    ffi_guard("avccdb_open", errptr, std::ptr::null_mut(), || {
        // SAFETY: NULL or live handle / NUL-terminated string.
        let (opts, path) = unsafe { (handle_ref(options, "options")?, path_arg(name, "name")?) };
        let db = Db::open(path, opts.checked()?.clone())?;
        Ok(into_handle(avccdb_t { db }))
    })
}

/// Closes the database (stops background work, syncs the journal, releases
/// the directory lock) and frees the handle. NULL is a no-op. A failure to
/// sync is reported only through `avccdb_last_error_code`; the handle is
/// freed regardless.
#[no_mangle]
pub unsafe extern "C" fn avccdb_close(db: *mut avccdb_t) {
    ffi_guard_silent("avccdb_close", (), || {
        if db.is_null() {
            return Ok(());
        }
        // SAFETY: a live handle from avccdb_open, closed once.
        let handle = unsafe { Box::from_raw(db) };
        handle.db.close()
    })
}

/// Sets `key` to `val` (at version 0).
#[no_mangle]
pub unsafe extern "C" fn avccdb_put(
    db: *mut avccdb_t,
    options: *const avccdb_writeoptions_t,
    key: *const c_char,
    keylen: usize,
    val: *const c_char,
    vallen: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_put", errptr, (), || {
        // SAFETY: handles are NULL or live; buffers hold their lengths.
        let (db, wo, key, val) = unsafe {
            (
                db_ref(db)?,
                handle_ref(options, "write options")?,
                record_arg(key, keylen, "key")?,
                record_arg(val, vallen, "value")?,
            )
        };
        db.put(key, val, &wo.wo)
    })
}

/// Deletes `key` (at version 0). Deleting a missing key is not an error.
#[no_mangle]
pub unsafe extern "C" fn avccdb_delete(
    db: *mut avccdb_t,
    options: *const avccdb_writeoptions_t,
    key: *const c_char,
    keylen: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_delete", errptr, (), || {
        // SAFETY: handles are NULL or live; the key holds `keylen` bytes.
        let (db, wo, key) = unsafe {
            (
                db_ref(db)?,
                handle_ref(options, "write options")?,
                record_arg(key, keylen, "key")?,
            )
        };
        db.delete(key, &wo.wo)
    })
}

/// Applies every record of `batch` atomically. The batch is not changed.
#[no_mangle]
pub unsafe extern "C" fn avccdb_write(
    db: *mut avccdb_t,
    options: *const avccdb_writeoptions_t,
    batch: *mut avccdb_writebatch_t,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_write", errptr, (), || {
        // SAFETY: handles are NULL or live.
        let (db, wo, batch) = unsafe {
            (
                db_ref(db)?,
                handle_ref(options, "write options")?,
                handle_ref(batch, "batch")?,
            )
        };
        db.write(&batch.batch, &wo.wo)
    })
}

/// Reads the newest value of `key` for the get functions.
///
/// # Safety
/// Handles NULL or live; `key` holds `keylen` bytes.
unsafe fn read(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
) -> Result<Option<Vec<u8>>> {
    // SAFETY: forwarded contract.
    let (db, ro, key) = unsafe {
        (
            db_ref(db)?,
            handle_ref(options, "read options")?,
            record_arg(key, keylen, "key")?,
        )
    };
    db.get(key, &ro.ro)
}

fn require<T>(p: *mut T, what: &str) -> Result<()> {
    if p.is_null() {
        Err(Error::invalid_argument(format!("{what} is NULL")))
    } else {
        Ok(())
    }
}

/// LevelDB's get: the newest value of `key` as a malloc'd buffer (free
/// with `avccdb_free`) with its length in `*vallen`, or NULL with
/// `*vallen` = 0 when the key has no live value. On error NULL too, with
/// `*errptr` set. A found empty value is a non-NULL buffer of length 0;
/// `avccdb_get2` makes the three outcomes explicit.
#[no_mangle]
pub unsafe extern "C" fn avccdb_get(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    vallen: *mut usize,
    errptr: *mut *mut c_char,
) -> *mut c_char {
    // SAFETY: `vallen` is NULL or writable.
    unsafe { set_out(vallen, 0) };
    ffi_guard("avccdb_get", errptr, std::ptr::null_mut(), || {
        require(vallen, "vallen")?;
        // SAFETY: forwarded caller contract.
        match unsafe { read(db, options, key, keylen) }? {
            Some(v) => {
                // SAFETY: checked non-NULL above.
                unsafe { set_out(vallen, v.len()) };
                Ok(malloc_copy(&v))
            }
            None => Ok(std::ptr::null_mut()),
        }
    })
}

/// The newest value of `key`, telling "not found" from "empty value".
/// Returns `AVCCDB_GET_FOUND` with a malloc'd buffer in `*val` (never NULL,
/// even for an empty value; free with `avccdb_free`) and its length in
/// `*vallen`; `AVCCDB_GET_NOT_FOUND` with `*val` = NULL, `*vallen` = 0; or
/// `AVCCDB_GET_ERROR` with `*val` = NULL and `*errptr` set. `val` and
/// `vallen` must not be NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_get2(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    val: *mut *mut c_char,
    vallen: *mut usize,
    errptr: *mut *mut c_char,
) -> c_int {
    // SAFETY: both are NULL or writable.
    unsafe {
        set_out(val, std::ptr::null_mut());
        set_out(vallen, 0);
    }
    ffi_guard("avccdb_get2", errptr, AVCCDB_GET_ERROR, || {
        require(val, "val")?;
        require(vallen, "vallen")?;
        // SAFETY: forwarded caller contract.
        match unsafe { read(db, options, key, keylen) }? {
            Some(v) => {
                let p = malloc_copy(&v);
                if p.is_null() {
                    return Err(Error::Io(std::io::Error::from(
                        std::io::ErrorKind::OutOfMemory,
                    )));
                }
                // SAFETY: both checked non-NULL above.
                unsafe {
                    set_out(val, p);
                    set_out(vallen, v.len());
                }
                Ok(AVCCDB_GET_FOUND)
            }
            None => Ok(AVCCDB_GET_NOT_FOUND),
        }
    })
}

/// The newest value of `key`, copied into the caller's buffer `buf` of
/// `buflen` bytes: nothing to free. Returns `AVCCDB_GET_FOUND` (value
/// copied, length in `*vallen`), `AVCCDB_GET_NOT_FOUND` (`*vallen` = 0),
/// `AVCCDB_GET_BUFFER_TOO_SMALL` (`*vallen` = the value's full length, the
/// first `buflen` bytes copied: retry with a buffer that large) or
/// `AVCCDB_GET_ERROR` (`*errptr` set). `buf` may be NULL only when
/// `buflen` is 0 (a length query); `vallen` must not be NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_get_into(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    buf: *mut c_char,
    buflen: usize,
    vallen: *mut usize,
    errptr: *mut *mut c_char,
) -> c_int {
    // SAFETY: `vallen` is NULL or writable.
    unsafe { set_out(vallen, 0) };
    ffi_guard("avccdb_get_into", errptr, AVCCDB_GET_ERROR, || {
        require(vallen, "vallen")?;
        if buf.is_null() && buflen != 0 {
            return Err(Error::invalid_argument(format!(
                "buf is NULL but buflen is {buflen}"
            )));
        }
        // SAFETY: forwarded caller contract.
        let Some(v) = unsafe { read(db, options, key, keylen) }? else {
            return Ok(AVCCDB_GET_NOT_FOUND);
        };
        let n = v.len().min(buflen);
        if n > 0 {
            // SAFETY: `buf` holds `buflen` ≥ n writable bytes (non-NULL
            // since buflen > 0), disjoint from the fresh Vec.
            unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), buf.cast::<u8>(), n) };
        }
        // SAFETY: checked non-NULL above.
        unsafe { set_out(vallen, v.len()) };
        Ok(if v.len() > buflen {
            AVCCDB_GET_BUFFER_TOO_SMALL
        } else {
            AVCCDB_GET_FOUND
        })
    })
}

/// Deletes the database in directory `name`: every file avccdb recognizes,
/// then the directory if it is empty. A missing directory is not an error;
/// an open database is (`AVCCDB_ERR_BUSY`). `options` must not be NULL
/// (none of its settings matter today).
#[no_mangle]
pub unsafe extern "C" fn avccdb_destroy_db(
    options: *const avccdb_options_t,
    name: *const c_char,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_destroy_db", errptr, (), || {
        // SAFETY: NULL or live handle / NUL-terminated string.
        let (_, path) = unsafe { (handle_ref(options, "options")?, path_arg(name, "name")?) };
        destroy_db(path)
    })
}

/// Rebuilds the manifest of the database in `name` from the tables and
/// journals that survive (unreadable files move to `lost/`). `options`
/// must name the comparator the database was created with.
#[no_mangle]
pub unsafe extern "C" fn avccdb_repair_db(
    options: *const avccdb_options_t,
    name: *const c_char,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_repair_db", errptr, (), || {
        // SAFETY: NULL or live handle / NUL-terminated string.
        let (opts, path) = unsafe { (handle_ref(options, "options")?, path_arg(name, "name")?) };
        repair_db(path, opts.checked()?).map(|_| ())
    })
}
