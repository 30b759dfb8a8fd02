//! `avccdb_readoptions_t`: how one read or iterator sees the database.

use std::ffi::{c_char, c_uchar};

use crate::error::Result;
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{bytes_arg, free_handle, handle_mut, handle_ref, into_handle, set_out};
use crate::ffi::snapshot::avccdb_snapshot_t;
use crate::options::ReadOptions;

/// Options for reads and iterators. Created by `avccdb_readoptions_create`,
/// freed by `avccdb_readoptions_destroy`. Reads copy what they need, so the
/// object may be changed or destroyed once a call returns (an iterator
/// keeps its own copy).
///
/// Thread safety: one thread at a time while it is being changed; any
/// number of threads may pass the same unchanging object to reads.
#[derive(Debug)]
pub struct avccdb_readoptions_t {
    pub(crate) ro: ReadOptions,
}

fn set(ro: *mut avccdb_readoptions_t, name: &str, f: impl FnOnce(&mut ReadOptions) -> Result<()>) {
    ffi_guard_silent(name, (), || {
        // SAFETY: `ro` is NULL or a live handle used by this thread only.
        f(&mut unsafe { handle_mut(ro, "read options") }?.ro)
    })
}

fn get<T>(
    ro: *const avccdb_readoptions_t,
    name: &str,
    fallback: T,
    f: impl FnOnce(&ReadOptions) -> T,
) -> T {
    ffi_guard_silent(name, fallback, || {
        // SAFETY: `ro` is NULL or a live handle.
        Ok(f(&unsafe { handle_ref(ro, "read options") }?.ro))
    })
}

/// New read options: latest state, no checksum verification, fill the
/// block cache, no bounds, newest version of each key only.
#[no_mangle]
pub extern "C" fn avccdb_readoptions_create() -> *mut avccdb_readoptions_t {
    ffi_guard_silent("avccdb_readoptions_create", std::ptr::null_mut(), || {
        Ok(into_handle(avccdb_readoptions_t {
            ro: ReadOptions::default(),
        }))
    })
}

/// Frees read options. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_destroy(ro: *mut avccdb_readoptions_t) {
    ffi_guard_silent("avccdb_readoptions_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(ro) };
        Ok(())
    })
}

/// Verify the checksum of every block read. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_set_verify_checksums(
    ro: *mut avccdb_readoptions_t,
    v: c_uchar,
) {
    set(ro, "avccdb_readoptions_set_verify_checksums", |r| {
        r.verify_checksums = v != 0;
        Ok(())
    })
}

/// Whether block checksums are verified.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_get_verify_checksums(
    ro: *const avccdb_readoptions_t,
) -> c_uchar {
    get(ro, "avccdb_readoptions_get_verify_checksums", 0, |r| {
        c_uchar::from(r.verify_checksums)
    })
}

/// Keep blocks read in the block cache. Default: 1.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_set_fill_cache(
    ro: *mut avccdb_readoptions_t,
    v: c_uchar,
) {
    set(ro, "avccdb_readoptions_set_fill_cache", |r| {
        r.fill_cache = v != 0;
        Ok(())
    })
}

/// Whether reads fill the block cache.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_get_fill_cache(
    ro: *const avccdb_readoptions_t,
) -> c_uchar {
    get(ro, "avccdb_readoptions_get_fill_cache", 0, |r| {
        c_uchar::from(r.fill_cache)
    })
}

/// Read at `snap` (NULL: the latest state). The read options hold their
/// own reference to the snapshot: releasing the snapshot handle while they
/// still name it is safe, and its view stays pinned until they are
/// destroyed or set to another snapshot.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_set_snapshot(
    ro: *mut avccdb_readoptions_t,
    snap: *const avccdb_snapshot_t,
) {
    set(ro, "avccdb_readoptions_set_snapshot", |r| {
        // SAFETY: `snap` is NULL or a live snapshot handle.
        r.snapshot = unsafe { snap.as_ref() }.map(|s| s.snap.clone());
        Ok(())
    })
}

/// Whether the read options name a snapshot (1) or read the latest
/// state (0).
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_has_snapshot(
    ro: *const avccdb_readoptions_t,
) -> c_uchar {
    get(ro, "avccdb_readoptions_has_snapshot", 0, |r| {
        c_uchar::from(r.snapshot.is_some())
    })
}

/// Iterators start at this user key (inclusive). The key is copied. NULL
/// removes the bound (a non-NULL key of length 0 is an empty-key bound).
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_set_lower_bound(
    ro: *mut avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
) {
    set(ro, "avccdb_readoptions_set_lower_bound", |r| {
        r.lower_bound = if key.is_null() {
            None
        } else {
            // SAFETY: `key` points to `keylen` readable bytes.
            Some(unsafe { bytes_arg(key, keylen, "lower bound") }?.to_vec())
        };
        Ok(())
    })
}

/// The lower bound, borrowed from the read options (valid until they are
/// changed or destroyed), with its length in `*len`; NULL (and 0) when
/// there is none.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_get_lower_bound(
    ro: *const avccdb_readoptions_t,
    len: *mut usize,
) -> *const c_char {
    let (p, n) = get(
        ro,
        "avccdb_readoptions_get_lower_bound",
        (std::ptr::null(), 0),
        |r| bound_ptr(&r.lower_bound),
    );
    // SAFETY: `len` is NULL or writable.
    unsafe { set_out(len, n) };
    p
}

/// Iterators stop before this user key (exclusive). The key is copied.
/// NULL removes the bound.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_set_upper_bound(
    ro: *mut avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
) {
    set(ro, "avccdb_readoptions_set_upper_bound", |r| {
        r.upper_bound = if key.is_null() {
            None
        } else {
            // SAFETY: `key` points to `keylen` readable bytes.
            Some(unsafe { bytes_arg(key, keylen, "upper bound") }?.to_vec())
        };
        Ok(())
    })
}

/// The upper bound, borrowed as for `avccdb_readoptions_get_lower_bound`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_get_upper_bound(
    ro: *const avccdb_readoptions_t,
    len: *mut usize,
) -> *const c_char {
    let (p, n) = get(
        ro,
        "avccdb_readoptions_get_upper_bound",
        (std::ptr::null(), 0),
        |r| bound_ptr(&r.upper_bound),
    );
    // SAFETY: `len` is NULL or writable.
    unsafe { set_out(len, n) };
    p
}

fn bound_ptr(b: &Option<Vec<u8>>) -> (*const c_char, usize) {
    match b {
        Some(k) => (k.as_ptr().cast(), k.len()),
        None => (std::ptr::null(), 0),
    }
}

/// Iterators yield every version of each key (newest first within a key),
/// not only the newest. Default: 0.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_set_all_versions(
    ro: *mut avccdb_readoptions_t,
    v: c_uchar,
) {
    set(ro, "avccdb_readoptions_set_all_versions", |r| {
        r.all_versions = v != 0;
        Ok(())
    })
}

/// Whether iterators yield every version.
#[no_mangle]
pub unsafe extern "C" fn avccdb_readoptions_get_all_versions(
    ro: *const avccdb_readoptions_t,
) -> c_uchar {
    get(ro, "avccdb_readoptions_get_all_versions", 0, |r| {
        c_uchar::from(r.all_versions)
    })
}
