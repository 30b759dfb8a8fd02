//! Memory handed to C callers: every buffer or string the library returns is
//! allocated with `malloc`, so `avccdb_free` (or plain `free`) releases it.

use std::ffi::{c_char, c_void};

/// Copies `bytes` into a new malloc'd buffer followed by one NUL byte that
/// the returned length does not count: bindings written for libleveldb
/// that read a value as a C string then see it whole. Never NULL for a
/// zero length. Returns NULL only if malloc fails.
pub(crate) fn malloc_copy(bytes: &[u8]) -> *mut c_char {
    let Some(size) = bytes.len().checked_add(1) else {
        return std::ptr::null_mut();
    };
    // SAFETY: malloc of `len + 1` bytes; the result is checked for NULL and
    // written only within its size (the copy, then the terminator).
    unsafe {
        let p = libc::malloc(size).cast::<u8>();
        if !p.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
        p.cast()
    }
}

/// Copies `s` into a malloc'd NUL-terminated string. Interior NULs are
/// replaced by '?' so the C string says everything the Rust one did.
pub(crate) fn malloc_c_string(s: &str) -> *mut c_char {
    let bytes: Vec<u8> = s.bytes().map(|b| if b == 0 { b'?' } else { b }).collect();
    malloc_copy(&bytes)
}

/// Frees a buffer or string returned by any avccdb function (values, error
/// messages, property values). NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or a pointer returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn avccdb_free(ptr: *mut c_void) {
    // SAFETY: every pointer this library returns comes from libc::malloc;
    // free(NULL) is defined as a no-op.
    unsafe { libc::free(ptr) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn copies_are_exact_and_freeable() {
        let p = malloc_copy(b"abc");
        // SAFETY: p holds the 3 bytes copied above and a terminator; freed once.
        unsafe {
            assert_eq!(std::slice::from_raw_parts(p.cast::<u8>(), 4), b"abc\0");
            avccdb_free(p.cast());
        }
        let empty = malloc_copy(b"");
        assert!(!empty.is_null());
        // SAFETY: allocated above, freed once.
        unsafe { avccdb_free(empty.cast()) };
        let s = malloc_c_string("a\0b");
        // SAFETY: NUL-terminated string allocated above; freed once.
        unsafe {
            assert_eq!(CStr::from_ptr(s).to_str().unwrap(), "a?b");
            avccdb_free(s.cast());
            avccdb_free(std::ptr::null_mut());
        }
    }
}
