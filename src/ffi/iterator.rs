//! `avccdb_iterator_t`: a cursor over the database at one point in time.

use std::ffi::{c_char, c_uchar};

use crate::db::Iter;
use crate::error::{Error, Result};
use crate::ffi::db::{avccdb_t, db_ref};
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{bytes_arg, free_handle, handle_mut, handle_ref, into_handle, set_out};
use crate::ffi::readoptions::avccdb_readoptions_t;

/// An iterator. Created by `avccdb_create_iterator`, freed by
/// `avccdb_iter_destroy`. It reads the state at its creation (or its read
/// options' snapshot) and never sees later writes; it stays readable after
/// its database is closed. Positioned nowhere until a seek.
///
/// If creating it failed (for example on a closed database) it is valid
/// never and `avccdb_iter_get_error` reports why, as in LevelDB.
///
/// Thread safety: one thread at a time.
pub struct avccdb_iterator_t {
    iter: std::result::Result<Iter, Error>,
}

fn with_iter<T>(
    it: *const avccdb_iterator_t,
    name: &str,
    fallback: T,
    f: impl FnOnce(&Iter) -> Result<T>,
) -> T {
    ffi_guard_silent(name, fallback, || {
        // SAFETY: NULL or a live handle.
        match &unsafe { handle_ref(it, "iterator") }?.iter {
            Ok(i) => f(i),
            Err(_) => Err(Error::invalid_argument("the iterator failed to open")),
        }
    })
}

fn move_iter(it: *mut avccdb_iterator_t, name: &str, f: impl FnOnce(&mut Iter) -> Result<()>) {
    ffi_guard_silent(name, (), || {
        // SAFETY: NULL or a live handle used by this thread only.
        match &mut unsafe { handle_mut(it, "iterator") }?.iter {
            Ok(i) => f(i),
            // An iterator that failed to open is simply never valid.
            Err(_) => Ok(()),
        }
    })
}

/// A new iterator over `db` as `options` describe (snapshot, bounds,
/// all_versions...). NULL only if `db` or `options` is NULL (last error
/// code set); other failures give an iterator that reports them through
/// `avccdb_iter_get_error`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_create_iterator(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
) -> *mut avccdb_iterator_t {
    ffi_guard_silent("avccdb_create_iterator", std::ptr::null_mut(), || {
        // SAFETY: NULL or live handles.
        let (db, ro) = unsafe { (db_ref(db)?, handle_ref(options, "read options")?) };
        Ok(into_handle(avccdb_iterator_t {
            iter: db.iter(&ro.ro),
        }))
    })
}

/// Frees an iterator. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_destroy(it: *mut avccdb_iterator_t) {
    ffi_guard_silent("avccdb_iter_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(it) };
        Ok(())
    })
}

/// 1 when the iterator is positioned at a record.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_valid(it: *const avccdb_iterator_t) -> c_uchar {
    ffi_guard_silent("avccdb_iter_valid", 0, || {
        // SAFETY: NULL or a live handle.
        let h = unsafe { handle_ref(it, "iterator") }?;
        Ok(c_uchar::from(h.iter.as_ref().is_ok_and(Iter::valid)))
    })
}

/// Positions at the first record.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_seek_to_first(it: *mut avccdb_iterator_t) {
    move_iter(it, "avccdb_iter_seek_to_first", |i| {
        i.seek_to_first();
        Ok(())
    })
}

/// Positions at the last record.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_seek_to_last(it: *mut avccdb_iterator_t) {
    move_iter(it, "avccdb_iter_seek_to_last", |i| {
        i.seek_to_last();
        Ok(())
    })
}

/// Positions at the first key ≥ `k`. A NULL `k` with a non-zero length
/// leaves the iterator where it was and sets the last error code.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_seek(
    it: *mut avccdb_iterator_t,
    k: *const c_char,
    klen: usize,
) {
    move_iter(it, "avccdb_iter_seek", |i| {
        // SAFETY: `k` holds `klen` bytes.
        i.seek(unsafe { bytes_arg(k, klen, "key") }?);
        Ok(())
    })
}

/// Moves to the next record (no-op when not valid).
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_next(it: *mut avccdb_iterator_t) {
    move_iter(it, "avccdb_iter_next", |i| {
        i.next();
        Ok(())
    })
}

/// Moves to the previous record (no-op when not valid).
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_prev(it: *mut avccdb_iterator_t) {
    move_iter(it, "avccdb_iter_prev", |i| {
        i.prev();
        Ok(())
    })
}

fn not_valid() -> Error {
    Error::invalid_argument("the iterator is not positioned at a record")
}

/// The current key, borrowed: valid until the iterator next moves or is
/// destroyed. Its length goes to `*klen`. NULL (length 0, last error code
/// set) when the iterator is not valid.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_key(
    it: *const avccdb_iterator_t,
    klen: *mut usize,
) -> *const c_char {
    let (p, n) = with_iter(it, "avccdb_iter_key", (std::ptr::null(), 0), |i| {
        if !i.valid() {
            return Err(not_valid());
        }
        let key = i.key();
        Ok((key.as_ptr().cast::<c_char>(), key.len()))
    });
    // SAFETY: `klen` is NULL or writable.
    unsafe { set_out(klen, n) };
    p
}

/// The current value, borrowed as `avccdb_iter_key`'s key is.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_value(
    it: *const avccdb_iterator_t,
    vlen: *mut usize,
) -> *const c_char {
    let (p, n) = with_iter(it, "avccdb_iter_value", (std::ptr::null(), 0), |i| {
        if !i.valid() {
            return Err(not_valid());
        }
        let value = i.value();
        Ok((value.as_ptr().cast::<c_char>(), value.len()))
    });
    // SAFETY: `vlen` is NULL or writable.
    unsafe { set_out(vlen, n) };
    p
}

/// The version of the current record (0, last error code set, when the
/// iterator is not valid).
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_version(it: *const avccdb_iterator_t) -> u64 {
    with_iter(it, "avccdb_iter_version", 0, |i| {
        if !i.valid() {
            return Err(not_valid());
        }
        Ok(i.version())
    })
}

/// Reports the first error the iterator met (or the reason it could not
/// be created) through `errptr`; leaves `*errptr` untouched if none.
#[no_mangle]
pub unsafe extern "C" fn avccdb_iter_get_error(
    it: *const avccdb_iterator_t,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_iter_get_error", errptr, (), || {
        // SAFETY: NULL or a live handle.
        match &unsafe { handle_ref(it, "iterator") }?.iter {
            Ok(i) => i.status(),
            Err(e) => Err(e.clone()),
        }
    })
}
