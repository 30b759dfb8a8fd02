//! `avccdb_t`: opening and closing a database (handles that calls racing
//! with the close can still read), single writes, batches,
//! point reads (three flavours), destroy and repair.

use std::ffi::{c_char, c_int};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use crate::db::{destroy_db, repair_db, Db};
use crate::error::{Error, Result};
use crate::ffi::batch::avccdb_writebatch_t;
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{handle_ref, path_arg, record_arg, set_out};
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

/// An open database. Created by `avccdb_open`, closed by `avccdb_close`.
///
/// Thread safety: shared freely. Any number of threads may call any
/// function on the same handle at once (concurrent writes are merged into
/// groups), `avccdb_close` included: a call that overlaps `avccdb_close`
/// either completes normally or fails with `AVCCDB_ERR_CLOSED` (the value
/// getters return their failure value), never touching freed memory. Once
/// `avccdb_close` has returned the handle must not be used again (its memory
/// may serve a later `avccdb_open`). Iterators, snapshots and transactions
/// taken from it stay usable after it is closed (reads keep working, writes
/// fail with `AVCCDB_ERR_CLOSED`).
pub struct avccdb_t {
    /// The open database, `None` once closed. A call clones the `Arc` for
    /// its duration, so a racing close never drops a `Db` still in use.
    slot: RwLock<Option<Arc<Db>>>,
}

/// Handles whose database was closed, kept for later opens. A handle's
/// memory is never given back to the allocator, so a call racing with
/// `avccdb_close` always reads a live handle (finding it empty) instead of
/// freed memory; reusing handles bounds them to the most ever open at once.
static SPARE_HANDLES: Mutex<Vec<&'static avccdb_t>> = Mutex::new(Vec::new());

/// A handle (spare or new) holding `db`.
fn new_handle(db: Db) -> *mut avccdb_t {
    let handle: &'static avccdb_t = SPARE_HANDLES.lock().pop().unwrap_or_else(|| {
        Box::leak(Box::new(avccdb_t {
            slot: RwLock::new(None),
        }))
    });
    *handle.slot.write() = Some(Arc::new(db));
    std::ptr::from_ref(handle).cast_mut()
}

/// The database behind a handle, held for one call; `Closed` once the
/// handle was closed.
///
/// # Safety
/// `db` is NULL or a handle returned by `avccdb_open`.
pub(crate) unsafe fn db_ref(db: *const avccdb_t) -> Result<Arc<Db>> {
    // SAFETY: forwarded contract; handles are never freed.
    let handle = unsafe { handle_ref(db, "db") }?;
    handle.slot.read().clone().ok_or(Error::Closed)
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
        Ok(new_handle(db))
    })
}

/// Closes the database (stops background work, syncs the journal, releases
/// the directory lock) and retires the handle. NULL is a no-op. Calls
/// running on other threads meanwhile end normally or fail with
/// `AVCCDB_ERR_CLOSED`; the database's memory is released when the last
/// of them returns. A failure to sync, or a handle already closed
/// (`AVCCDB_ERR_CLOSED`), is reported only through
/// `avccdb_last_error_code`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_close(db: *mut avccdb_t) {
    ffi_guard_silent("avccdb_close", (), || {
        if db.is_null() {
            return Ok(());
        }
        // SAFETY: a handle from avccdb_open; handles are never freed.
        let handle: &'static avccdb_t = unsafe { &*db };
        let open = handle.slot.write().take().ok_or(Error::Closed)?;
        let closed = open.close();
        drop(open);
        SPARE_HANDLES.lock().push(handle);
        closed
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
