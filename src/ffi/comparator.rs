//! `avccdb_comparator_t`: a key order implemented by C callbacks.

use std::cmp::Ordering;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::Arc;

use crate::error::Error;
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{free_handle, into_handle};
use crate::key::Comparator;

/// Compares `a[0..alen)` with `b[0..blen)`: negative, zero or positive.
pub type avccdb_compare_fn = Option<
    unsafe extern "C" fn(
        state: *mut c_void,
        a: *const c_char,
        alen: usize,
        b: *const c_char,
        blen: usize,
    ) -> c_int,
>;
/// Returns the comparator's or filter policy's name (a NUL-terminated
/// string owned by the caller's state).
pub type avccdb_name_fn = Option<unsafe extern "C" fn(state: *mut c_void) -> *const c_char>;
/// Frees the caller's state.
pub type avccdb_destructor_fn = Option<unsafe extern "C" fn(state: *mut c_void)>;

/// A key order given by C callbacks. Created by `avccdb_comparator_create`,
/// released by `avccdb_comparator_destroy`.
///
/// Ownership: options and open databases that use the comparator hold
/// their own reference, so the handle may be destroyed as soon as it has
/// been set on the options; the `destructor` callback runs once, when the
/// last of them lets go.
///
/// Thread safety: the handle may be used by one thread at a time; the
/// callbacks are called from any thread, concurrently (readers, writers
/// and background compaction), so they must be thread-safe.
pub struct avccdb_comparator_t {
    pub(crate) cmp: Arc<dyn Comparator>,
}

/// The Rust side of a C comparator.
struct CComparator {
    state: *mut c_void,
    destructor: avccdb_destructor_fn,
    compare: unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize) -> c_int,
    name: String,
}

// SAFETY: the documented contract of avccdb_comparator_create requires the
// callbacks (and the state they use) to be callable from any thread at
// once; the struct itself is never mutated after creation.
unsafe impl Send for CComparator {}
// SAFETY: as above.
unsafe impl Sync for CComparator {}

impl Comparator for CComparator {
    fn name(&self) -> &str {
        &self.name
    }

    fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
        // SAFETY: the callback reads `alen`/`blen` bytes of live slices.
        let r = unsafe {
            (self.compare)(
                self.state,
                a.as_ptr().cast(),
                a.len(),
                b.as_ptr().cast(),
                b.len(),
            )
        };
        r.cmp(&0)
    }
}

impl Drop for CComparator {
    fn drop(&mut self) {
        if let Some(d) = self.destructor {
            // SAFETY: the last reference is gone; the state is freed once.
            unsafe { d(self.state) }
        }
    }
}

/// Reads a callback-provided name once, at creation.
///
/// # Safety
/// `name` is a valid callback for `state`.
pub(crate) unsafe fn callback_name(
    name: unsafe extern "C" fn(*mut c_void) -> *const c_char,
    state: *mut c_void,
) -> crate::error::Result<String> {
    // SAFETY: calling the caller's callback with its own state.
    let p = unsafe { name(state) };
    if p.is_null() {
        return Err(Error::invalid_argument("the name callback returned NULL"));
    }
    // SAFETY: the callback returns a NUL-terminated string.
    Ok(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// A comparator from C callbacks. `compare` and `name` must not be NULL
/// (else NULL is returned and the last error code is
/// `AVCCDB_ERR_INVALID_ARGUMENT`); `destructor` may be NULL. `name` is
/// called once, here: the name is recorded in the database and must
/// always denote the same order. The callbacks are called from any thread,
/// concurrently; they must not call back into avccdb.
#[no_mangle]
pub unsafe extern "C" fn avccdb_comparator_create(
    state: *mut c_void,
    destructor: avccdb_destructor_fn,
    compare: avccdb_compare_fn,
    name: avccdb_name_fn,
) -> *mut avccdb_comparator_t {
    ffi_guard_silent("avccdb_comparator_create", std::ptr::null_mut(), || {
        let (Some(compare), Some(name)) = (compare, name) else {
            return Err(Error::invalid_argument(
                "comparator compare and name callbacks must not be NULL",
            ));
        };
        // SAFETY: a valid callback for `state`, by the caller's contract.
        let name = unsafe { callback_name(name, state) }?;
        Ok(into_handle(avccdb_comparator_t {
            cmp: Arc::new(CComparator {
                state,
                destructor,
                compare,
                name,
            }),
        }))
    })
}

/// Releases the handle (see the type's ownership note). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_comparator_destroy(cmp: *mut avccdb_comparator_t) {
    ffi_guard_silent("avccdb_comparator_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(cmp) };
        Ok(())
    })
}
