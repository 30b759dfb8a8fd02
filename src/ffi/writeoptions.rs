//! `avccdb_writeoptions_t`: how one write is made durable.

use std::ffi::c_uchar;

use crate::error::Result;
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{free_handle, handle_mut, handle_ref, into_handle};
use crate::options::WriteOptions;

/// Options for writes. Created by `avccdb_writeoptions_create`, freed by
/// `avccdb_writeoptions_destroy`.
///
/// Thread safety: one thread at a time while it is being changed; any
/// number of threads may pass the same unchanging object to writes.
#[derive(Debug)]
pub struct avccdb_writeoptions_t {
    pub(crate) wo: WriteOptions,
}

fn set(
    wo: *mut avccdb_writeoptions_t,
    name: &str,
    f: impl FnOnce(&mut WriteOptions) -> Result<()>,
) {
    ffi_guard_silent(name, (), || {
        // SAFETY: `wo` is NULL or a live handle used by this thread only.
        f(&mut unsafe { handle_mut(wo, "write options") }?.wo)
    })
}

fn get(
    wo: *const avccdb_writeoptions_t,
    name: &str,
    f: impl FnOnce(&WriteOptions) -> bool,
) -> c_uchar {
    ffi_guard_silent(name, 0, || {
        // SAFETY: `wo` is NULL or a live handle.
        Ok(c_uchar::from(f(&unsafe {
            handle_ref(wo, "write options")
        }?
        .wo)))
    })
}

/// New write options: no sync, merging allowed.
#[no_mangle]
pub extern "C" fn avccdb_writeoptions_create() -> *mut avccdb_writeoptions_t {
    ffi_guard_silent("avccdb_writeoptions_create", std::ptr::null_mut(), || {
        Ok(into_handle(avccdb_writeoptions_t {
            wo: WriteOptions::default(),
        }))
    })
}

/// Frees write options. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writeoptions_destroy(wo: *mut avccdb_writeoptions_t) {
    ffi_guard_silent("avccdb_writeoptions_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(wo) };
        Ok(())
    })
}

/// fsync the journal before the write returns (unless the database was
/// opened with `no_sync`). Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writeoptions_set_sync(wo: *mut avccdb_writeoptions_t, v: c_uchar) {
    set(wo, "avccdb_writeoptions_set_sync", |w| {
        w.sync = v != 0;
        Ok(())
    })
}

/// Whether writes are synced.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writeoptions_get_sync(wo: *const avccdb_writeoptions_t) -> c_uchar {
    get(wo, "avccdb_writeoptions_get_sync", |w| w.sync)
}

/// Do not merge this write with concurrent ones. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writeoptions_set_no_write_merge(
    wo: *mut avccdb_writeoptions_t,
    v: c_uchar,
) {
    set(wo, "avccdb_writeoptions_set_no_write_merge", |w| {
        w.no_write_merge = v != 0;
        Ok(())
    })
}

/// Whether this write refuses merging.
#[no_mangle]
pub unsafe extern "C" fn avccdb_writeoptions_get_no_write_merge(
    wo: *const avccdb_writeoptions_t,
) -> c_uchar {
    get(wo, "avccdb_writeoptions_get_no_write_merge", |w| {
        w.no_write_merge
    })
}
