//! `avccdb_filterpolicy_t`: table filters, built-in bloom or C callbacks.

use std::ffi::{c_char, c_int, c_uchar, c_void};
use std::sync::Arc;

use crate::error::Error;
use crate::ffi::comparator::{avccdb_destructor_fn, avccdb_name_fn, callback_name};
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{free_handle, into_handle};
use crate::table::{BloomFilterPolicy, FilterPolicy};

/// Builds a filter for `num_keys` keys; returns a malloc'd buffer (which
/// the library frees with `free`) and stores its length in
/// `*filter_length`.
pub type avccdb_create_filter_fn = Option<
    unsafe extern "C" fn(
        state: *mut c_void,
        key_array: *const *const c_char,
        key_length_array: *const usize,
        num_keys: c_int,
        filter_length: *mut usize,
    ) -> *mut c_char,
>;
/// Answers 0 only if `key` was certainly not among the keys `filter` was
/// built from.
pub type avccdb_key_may_match_fn = Option<
    unsafe extern "C" fn(
        state: *mut c_void,
        key: *const c_char,
        length: usize,
        filter: *const c_char,
        filter_length: usize,
    ) -> c_uchar,
>;

/// A filter policy for table files. Created by
/// `avccdb_filterpolicy_create` (C callbacks) or
/// `avccdb_filterpolicy_create_bloom`, released by
/// `avccdb_filterpolicy_destroy`.
///
/// Ownership: as for comparators, options and open databases hold their
/// own reference; the `destructor` callback runs when the last lets go.
///
/// Thread safety: the handle may be used by one thread at a time; the
/// callbacks are called from any thread, concurrently.
pub struct avccdb_filterpolicy_t {
    pub(crate) policy: Arc<dyn FilterPolicy>,
}

type CreateFn = unsafe extern "C" fn(
    *mut c_void,
    *const *const c_char,
    *const usize,
    c_int,
    *mut usize,
) -> *mut c_char;
type MatchFn =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize) -> c_uchar;

struct CFilterPolicy {
    state: *mut c_void,
    destructor: avccdb_destructor_fn,
    create: CreateFn,
    key_may_match: MatchFn,
    name: String,
}

// SAFETY: the documented contract of avccdb_filterpolicy_create requires
// the callbacks to be callable from any thread at once; the struct is never
// mutated after creation.
unsafe impl Send for CFilterPolicy {}
// SAFETY: as above.
unsafe impl Sync for CFilterPolicy {}

impl FilterPolicy for CFilterPolicy {
    fn name(&self) -> &str {
        &self.name
    }

    fn create_filter(&self, keys: &[&[u8]], dst: &mut Vec<u8>) {
        // A filter covers one 2 KiB range of a table, far below c_int::MAX
        // keys; saturating keeps the call well-defined regardless.
        let n = keys.len().min(c_int::MAX as usize);
        let ptrs: Vec<*const c_char> = keys[..n].iter().map(|k| k.as_ptr().cast()).collect();
        let lens: Vec<usize> = keys[..n].iter().map(|k| k.len()).collect();
        let mut len = 0usize;
        // SAFETY: arrays of `n` live key pointers and lengths; `len` is a
        // valid out-pointer.
        let p = unsafe {
            (self.create)(
                self.state,
                ptrs.as_ptr(),
                lens.as_ptr(),
                n as c_int,
                &mut len,
            )
        };
        if p.is_null() {
            return;
        }
        // SAFETY: the callback returned a malloc'd buffer of `len` bytes,
        // which we copy and then free, once.
        unsafe {
            dst.extend_from_slice(std::slice::from_raw_parts(p.cast::<u8>(), len));
            libc::free(p.cast());
        }
    }

    fn key_may_match(&self, key: &[u8], filter: &[u8]) -> bool {
        // SAFETY: both slices are live for the call.
        unsafe {
            (self.key_may_match)(
                self.state,
                key.as_ptr().cast(),
                key.len(),
                filter.as_ptr().cast(),
                filter.len(),
            ) != 0
        }
    }
}

impl Drop for CFilterPolicy {
    fn drop(&mut self) {
        if let Some(d) = self.destructor {
            // SAFETY: the last reference is gone; the state is freed once.
            unsafe { d(self.state) }
        }
    }
}

/// A filter policy from C callbacks. `create_filter`, `key_may_match` and
/// `name` must not be NULL (else NULL is returned with
/// `AVCCDB_ERR_INVALID_ARGUMENT`); `destructor` may be NULL. `name` is
/// called once, here. The keys handed to `create_filter` and
/// `key_may_match` are user keys. Callbacks run on any thread,
/// concurrently, and must not call back into avccdb.
#[no_mangle]
pub unsafe extern "C" fn avccdb_filterpolicy_create(
    state: *mut c_void,
    destructor: avccdb_destructor_fn,
    create_filter: avccdb_create_filter_fn,
    key_may_match: avccdb_key_may_match_fn,
    name: avccdb_name_fn,
) -> *mut avccdb_filterpolicy_t {
    ffi_guard_silent("avccdb_filterpolicy_create", std::ptr::null_mut(), || {
        let (Some(create), Some(key_may_match), Some(name)) = (create_filter, key_may_match, name)
        else {
            return Err(Error::invalid_argument(
                "filter policy create_filter, key_may_match and name callbacks must not be NULL",
            ));
        };
        // SAFETY: a valid callback for `state`, by the caller's contract.
        let name = unsafe { callback_name(name, state) }?;
        Ok(into_handle(avccdb_filterpolicy_t {
            policy: Arc::new(CFilterPolicy {
                state,
                destructor,
                create,
                key_may_match,
                name,
            }),
        }))
    })
}

/// The built-in bloom filter with `bits_per_key` bits per key (10 gives
/// about 1% false positives). Negative values or values above 1000 return
/// NULL with `AVCCDB_ERR_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn avccdb_filterpolicy_create_bloom(
    bits_per_key: c_int,
) -> *mut avccdb_filterpolicy_t {
    ffi_guard_silent(
        "avccdb_filterpolicy_create_bloom",
        std::ptr::null_mut(),
        || {
            let bits = usize::try_from(bits_per_key)
                .ok()
                .filter(|b| *b <= 1000)
                .ok_or_else(|| {
                    Error::invalid_argument(format!(
                        "bloom bits_per_key {bits_per_key} is outside [0, 1000]"
                    ))
                })?;
            Ok(into_handle(avccdb_filterpolicy_t {
                policy: Arc::new(BloomFilterPolicy::new(bits)),
            }))
        },
    )
}

/// Releases the handle (see the type's ownership note). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_filterpolicy_destroy(policy: *mut avccdb_filterpolicy_t) {
    ffi_guard_silent("avccdb_filterpolicy_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(policy) };
        Ok(())
    })
}
