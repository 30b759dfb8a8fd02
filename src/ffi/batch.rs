//! `avccdb_writebatch_t`: an ordered list of puts and deletes applied
//! atomically by `avccdb_write` or `avccdb_transaction_write`.

use std::ffi::{c_char, c_uchar, c_void};

use crate::batch::{Batch, BatchConfig, BatchVisitor};
use crate::error::{Error, Result};
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{
    bytes_arg, free_handle, handle_mut, handle_ref, into_handle, record_arg, set_out,
};

/// A write batch. Created by `avccdb_writebatch_create` (or
/// `_create_with_config`), freed by `avccdb_writebatch_destroy`. Writing it
/// does not consume it: it can be written again, cleared and reused.
///
/// Thread safety: one thread at a time (no internal locking); several
/// threads may write the same unchanging batch at once.
#[derive(Debug)]
pub struct avccdb_writebatch_t {
    pub(crate) batch: Batch,
}

/// Receives a put record in `avccdb_writebatch_iterate`.
pub type avccdb_batch_put_fn = Option<
    unsafe extern "C" fn(
        state: *mut c_void,
        k: *const c_char,
        klen: usize,
        v: *const c_char,
        vlen: usize,
    ),
>;
/// Receives a delete record in `avccdb_writebatch_iterate`.
pub type avccdb_batch_delete_fn =
    Option<unsafe extern "C" fn(state: *mut c_void, k: *const c_char, klen: usize)>;
/// Receives a put record in `avccdb_writebatch_iterate_versions`;
/// `versioned` is 1 for records added with a version (0: version 0).
pub type avccdb_batch_put_version_fn = Option<
    unsafe extern "C" fn(
        state: *mut c_void,
        k: *const c_char,
        klen: usize,
        v: *const c_char,
        vlen: usize,
        version: u64,
        versioned: c_uchar,
    ),
>;
/// Receives a delete record in `avccdb_writebatch_iterate_versions`.
pub type avccdb_batch_delete_version_fn = Option<
    unsafe extern "C" fn(
        state: *mut c_void,
        k: *const c_char,
        klen: usize,
        version: u64,
        versioned: c_uchar,
    ),
>;

/// Runs a mutation on the batch behind `b` (no errptr: failures set the
/// last error code and leave the batch unchanged).
fn mutate(b: *mut avccdb_writebatch_t, name: &str, f: impl FnOnce(&mut Batch) -> Result<()>) {
    ffi_guard_silent(name, (), || {
        // SAFETY: NULL or a live handle used by this thread only.
        f(&mut unsafe { handle_mut(b, "batch") }?.batch)
    })
}

/// A new empty batch.
#[no_mangle]
pub extern "C" fn avccdb_writebatch_create() -> *mut avccdb_writebatch_t {
    ffi_guard_silent("avccdb_writebatch_create", std::ptr::null_mut(), || {
        Ok(into_handle(avccdb_writebatch_t {
            batch: Batch::new(),
        }))
    })
}

/// A new empty batch whose buffer holds `capacity` bytes before it grows;
/// when it must grow it gets at most `grow_limit` bytes of slack at a time
/// (0: the default, 3 MiB). See docs/BATCH_FORMAT.md.
#[no_mangle]
pub extern "C" fn avccdb_writebatch_create_with_config(
    capacity: usize,
    grow_limit: usize,
) -> *mut avccdb_writebatch_t {
    ffi_guard_silent(
        "avccdb_writebatch_create_with_config",
        std::ptr::null_mut(),
        || {
            if capacity > isize::MAX as usize {
                return Err(Error::invalid_argument(format!(
                    "batch capacity {capacity} is too large"
                )));
            }
            Ok(into_handle(avccdb_writebatch_t {
                batch: Batch::with_config(BatchConfig {
                    initial_capacity: capacity,
                    grow_limit,
                }),
            }))
        },
    )
}

/// Frees a batch. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_destroy(b: *mut avccdb_writebatch_t) {
    ffi_guard_silent("avccdb_writebatch_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(b) };
        Ok(())
    })
}

/// Removes every record, keeping the buffer for reuse.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_clear(b: *mut avccdb_writebatch_t) {
    mutate(b, "avccdb_writebatch_clear", |batch| {
        batch.reset();
        Ok(())
    })
}

/// Adds "set `key` to `val`" (version 0). Key and value are copied.
/// Invalid arguments (NULL with a non-zero length, 4 GiB or longer) leave
/// the batch unchanged and set the last error code.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_put(
    b: *mut avccdb_writebatch_t,
    key: *const c_char,
    klen: usize,
    val: *const c_char,
    vlen: usize,
) {
    mutate(b, "avccdb_writebatch_put", |batch| {
        // SAFETY: buffers hold their lengths.
        let (k, v) = unsafe {
            (
                record_arg(key, klen, "key")?,
                record_arg(val, vlen, "value")?,
            )
        };
        batch.put(k, v);
        Ok(())
    })
}

/// Adds "delete `key`" (version 0).
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_delete(
    b: *mut avccdb_writebatch_t,
    key: *const c_char,
    klen: usize,
) {
    mutate(b, "avccdb_writebatch_delete", |batch| {
        // SAFETY: the key holds `klen` bytes.
        batch.delete(unsafe { record_arg(key, klen, "key") }?);
        Ok(())
    })
}

/// Adds "set `key` to `val` at `version`".
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_put_with_version(
    b: *mut avccdb_writebatch_t,
    key: *const c_char,
    klen: usize,
    version: u64,
    val: *const c_char,
    vlen: usize,
) {
    mutate(b, "avccdb_writebatch_put_with_version", |batch| {
        // SAFETY: buffers hold their lengths.
        let (k, v) = unsafe {
            (
                record_arg(key, klen, "key")?,
                record_arg(val, vlen, "value")?,
            )
        };
        batch.put_with_version(k, version, v);
        Ok(())
    })
}

/// Adds "delete `key` as of `version`".
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_delete_with_version(
    b: *mut avccdb_writebatch_t,
    key: *const c_char,
    klen: usize,
    version: u64,
) {
    mutate(b, "avccdb_writebatch_delete_with_version", |batch| {
        // SAFETY: the key holds `klen` bytes.
        batch.delete_with_version(unsafe { record_arg(key, klen, "key") }?, version);
        Ok(())
    })
}

/// Number of records in the batch (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_count(b: *const avccdb_writebatch_t) -> usize {
    ffi_guard_silent("avccdb_writebatch_count", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { handle_ref(b, "batch") }?.batch.len())
    })
}

struct CVisitor {
    state: *mut c_void,
    put: unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize),
    delete: unsafe extern "C" fn(*mut c_void, *const c_char, usize),
}

impl BatchVisitor for CVisitor {
    fn put(&mut self, key: &[u8], value: &[u8], _version: Option<u64>) {
        // SAFETY: the caller's callback, given live slices.
        unsafe {
            (self.put)(
                self.state,
                key.as_ptr().cast(),
                key.len(),
                value.as_ptr().cast(),
                value.len(),
            )
        }
    }
    fn delete(&mut self, key: &[u8], _version: Option<u64>) {
        // SAFETY: as above.
        unsafe { (self.delete)(self.state, key.as_ptr().cast(), key.len()) }
    }
}

/// Calls `put` or `deleted` for each record, in order (versions are not
/// reported: see `avccdb_writebatch_iterate_versions`). The pointers passed
/// are valid during the callback only; the callbacks must not change the
/// batch. NULL callbacks are an error (last error code, nothing called).
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_iterate(
    b: *const avccdb_writebatch_t,
    state: *mut c_void,
    put: avccdb_batch_put_fn,
    deleted: avccdb_batch_delete_fn,
) {
    ffi_guard_silent("avccdb_writebatch_iterate", (), || {
        // SAFETY: NULL or a live handle.
        let batch = &unsafe { handle_ref(b, "batch") }?.batch;
        let (Some(put), Some(delete)) = (put, deleted) else {
            return Err(Error::invalid_argument(
                "batch iterate callbacks must not be NULL",
            ));
        };
        batch.replay(&mut CVisitor { state, put, delete })
    })
}

/// As `avccdb_writebatch_iterate`, also reporting each record's version
/// and whether it was added with one.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_iterate_versions(
    b: *const avccdb_writebatch_t,
    state: *mut c_void,
    put: avccdb_batch_put_version_fn,
    deleted: avccdb_batch_delete_version_fn,
) {
    ffi_guard_silent("avccdb_writebatch_iterate_versions", (), || {
        // SAFETY: NULL or a live handle.
        let batch = &unsafe { handle_ref(b, "batch") }?.batch;
        let (Some(put), Some(delete)) = (put, deleted) else {
            return Err(Error::invalid_argument(
                "batch iterate callbacks must not be NULL",
            ));
        };
        for r in batch.iter() {
            let versioned = c_uchar::from(r.versioned);
            // SAFETY: the caller's callbacks, given live slices.
            unsafe {
                match r.kind {
                    crate::key::Kind::Value => put(
                        state,
                        r.key.as_ptr().cast(),
                        r.key.len(),
                        r.value.as_ptr().cast(),
                        r.value.len(),
                        r.version,
                        versioned,
                    ),
                    crate::key::Kind::Deletion => delete(
                        state,
                        r.key.as_ptr().cast(),
                        r.key.len(),
                        r.version,
                        versioned,
                    ),
                }
            }
        }
        Ok(())
    })
}

/// Appends `source`'s records after `destination`'s, in order. `source`
/// is unchanged; appending a batch to itself doubles it.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_append(
    destination: *mut avccdb_writebatch_t,
    source: *const avccdb_writebatch_t,
) {
    ffi_guard_silent("avccdb_writebatch_append", (), || {
        if destination.is_null() || source.is_null() {
            return Err(Error::invalid_argument("batch append: a batch is NULL"));
        }
        if std::ptr::eq(destination.cast_const(), source) {
            // SAFETY: a live handle used by this thread only; cloned before
            // the mutable borrow.
            let b = &mut unsafe { handle_mut(destination, "destination") }?.batch;
            let copy = b.clone();
            b.append(&copy);
            return Ok(());
        }
        // SAFETY: two distinct live handles.
        let (dst, src) = unsafe {
            (
                handle_mut(destination, "destination")?,
                handle_ref(source, "source")?,
            )
        };
        dst.batch.append(&src.batch);
        Ok(())
    })
}

/// The batch's serialized records (the format of docs/BATCH_FORMAT.md),
/// borrowed: valid until the batch is next changed or destroyed. Its
/// length goes to `*len`. Never NULL for a live batch (an empty batch
/// gives a non-NULL pointer and length 0); NULL for a NULL batch.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_data(
    b: *const avccdb_writebatch_t,
    len: *mut usize,
) -> *const c_char {
    let (p, n) = ffi_guard_silent("avccdb_writebatch_data", (std::ptr::null(), 0), || {
        // SAFETY: NULL or a live handle.
        let data = unsafe { handle_ref(b, "batch") }?.batch.dump();
        Ok((data.as_ptr().cast::<c_char>(), data.len()))
    });
    // SAFETY: `len` is NULL or writable.
    unsafe { set_out(len, n) };
    p
}

/// Replaces the batch's records with those serialized in `data` (as
/// `avccdb_writebatch_data` gives them; copied). Malformed data is
/// `AVCCDB_ERR_CORRUPTION` naming the offset, and leaves the batch empty.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writebatch_load(
    b: *mut avccdb_writebatch_t,
    data: *const c_char,
    len: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_writebatch_load", errptr, (), || {
        // SAFETY: `data` holds `len` bytes, valid for the call.
        let data = unsafe { bytes_arg(data, len, "data") }?;
        // SAFETY: NULL or a live handle.
        let current = unsafe { handle_ref(b.cast_const(), "batch") }?.batch.dump();
        // Data taken from this very batch would be overwritten while it is
        // read: load a copy instead.
        let overlaps = data.as_ptr_range().start < current.as_ptr_range().end
            && current.as_ptr_range().start < data.as_ptr_range().end;
        let owned;
        let data = if overlaps {
            owned = data.to_vec();
            &owned[..]
        } else {
            data
        };
        // SAFETY: a live handle used by this thread only; `data` does not
        // point into it.
        unsafe { handle_mut(b, "batch") }?.batch.load(data)
    })
}
