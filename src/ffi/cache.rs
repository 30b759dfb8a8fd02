//! `avccdb_cache_t`: a block cache shared by several databases.

use std::sync::Arc;

use crate::cache::Cache;
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{free_handle, handle_ref, into_handle};
use crate::table::Block;

/// A sharded LRU cache of uncompressed table blocks. Created by
/// `avccdb_cache_create_lru`, released by `avccdb_cache_destroy`.
///
/// Ownership: options and open databases that use it hold their own
/// reference, so destroying the handle while they live is safe; the memory
/// goes when the last user lets go.
///
/// Thread safety: the cache itself is shared freely (it locks
/// internally); the handle is safe to read from any thread.
pub struct avccdb_cache_t {
    pub(crate) cache: Arc<Cache<Block>>,
}

/// A new LRU block cache holding up to `capacity` bytes of blocks.
#[no_mangle]
pub extern "C" fn avccdb_cache_create_lru(capacity: usize) -> *mut avccdb_cache_t {
    ffi_guard_silent("avccdb_cache_create_lru", std::ptr::null_mut(), || {
        Ok(into_handle(avccdb_cache_t {
            cache: Arc::new(Cache::new(capacity)),
        }))
    })
}

/// Releases the handle (see the type's ownership note). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_cache_destroy(cache: *mut avccdb_cache_t) {
    ffi_guard_silent("avccdb_cache_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(cache) };
        Ok(())
    })
}

/// The cache's capacity in bytes (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_cache_get_capacity(cache: *const avccdb_cache_t) -> usize {
    ffi_guard_silent("avccdb_cache_get_capacity", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { handle_ref(cache, "cache") }?.cache.capacity())
    })
}

/// Bytes of blocks the cache holds now (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_cache_get_usage(cache: *const avccdb_cache_t) -> usize {
    ffi_guard_silent("avccdb_cache_get_usage", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { handle_ref(cache, "cache") }?.cache.total_charge())
    })
}
