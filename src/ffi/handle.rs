//! Opaque handles: how a Rust object becomes a C pointer and back.
//!
//! A handle is a `Box<T>` turned into a raw pointer by [`into_handle`];
//! [`handle_ref`] / [`handle_mut`] borrow it for the duration of one call and
//! answer NULL with `InvalidArgument`; [`free_handle`] takes it back, and
//! does nothing for NULL (so every `_destroy(NULL)` is a no-op). Byte
//! arguments go through [`bytes_arg`], which rejects NULL with a non-zero
//! length.

use std::ffi::{c_char, CStr};

use crate::error::{Error, Result};

/// Hands ownership of `value` to the caller as an opaque pointer.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Borrows the object behind a handle for one call.
///
/// # Safety
/// `ptr` is NULL or a pointer returned by `into_handle::<T>` that has not been
/// freed, and no other thread mutates it during the call (the per-type thread
/// rules of the header).
pub(crate) unsafe fn handle_ref<'a, T>(ptr: *const T, what: &str) -> Result<&'a T> {
    // SAFETY: guaranteed by the caller, as documented above.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::invalid_argument(format!("{what} is NULL")))
}

/// Mutably borrows the object behind a handle for one call.
///
/// # Safety
/// As for [`handle_ref`], and the caller's thread is the only user of it.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T> {
    // SAFETY: guaranteed by the caller, as documented above.
    unsafe { ptr.as_mut() }.ok_or_else(|| Error::invalid_argument(format!("{what} is NULL")))
}

/// Takes back and drops the object behind a handle; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or a live pointer from `into_handle::<T>`, freed only once.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: guaranteed by the caller: created by Box::into_raw, unfreed.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Borrows `len` bytes at `ptr`. NULL is accepted only with `len == 0`.
///
/// # Safety
/// When non-NULL, `ptr` points to `len` readable bytes that stay valid and
/// unmodified for the call.
pub(crate) unsafe fn bytes_arg<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a [u8]> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::invalid_argument(format!(
            "{what} is NULL but its length is {len}"
        )));
    }
    if len > isize::MAX as usize {
        return Err(Error::invalid_argument(format!(
            "{what} length {len} is too large"
        )));
    }
    // SAFETY: non-NULL, length bounded, validity guaranteed by the caller.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Longest key or value a record can hold: the batch encoding stores
/// lengths as 32-bit varints.
pub(crate) const MAX_RECORD_BYTES: usize = u32::MAX as usize - 1;

/// [`bytes_arg`] for a key or value that goes into a batch record: also
/// rejects lengths the record encoding cannot hold (4 GiB and more).
///
/// # Safety
/// As for [`bytes_arg`].
pub(crate) unsafe fn record_arg<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a [u8]> {
    if len > MAX_RECORD_BYTES {
        return Err(Error::invalid_argument(format!(
            "{what} length {len} is above the {MAX_RECORD_BYTES}-byte limit"
        )));
    }
    // SAFETY: forwarded contract.
    unsafe { bytes_arg(ptr, len, what) }
}

/// An optional key bound: NULL means "none" (whatever the length), as in
/// LevelDB's `compact_range`.
///
/// # Safety
/// As for [`bytes_arg`].
pub(crate) unsafe fn optional_bytes_arg<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<Option<&'a [u8]>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { bytes_arg(ptr, len, what) }.map(Some)
}

/// Stores `value` through an optional out-pointer (NULL is skipped).
///
/// # Safety
/// `out` is NULL or valid for one write of `T`.
pub(crate) unsafe fn set_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable by the caller's contract.
        unsafe { out.write(value) }
    }
}

/// Borrows a NUL-terminated string argument as UTF-8 (paths, property
/// names). NULL is `InvalidArgument`.
///
/// # Safety
/// When non-NULL, `ptr` points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, what: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| Error::invalid_argument(format!("{what} is not valid UTF-8")))
}

/// Borrows a NUL-terminated path argument. Paths are bytes on Unix, so any
/// byte string without NUL is accepted; elsewhere it must be UTF-8.
///
/// # Safety
/// When non-NULL, `ptr` points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn path_arg<'a>(ptr: *const c_char, what: &str) -> Result<&'a std::path::Path> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    if bytes.is_empty() {
        return Err(Error::invalid_argument(format!("{what} is empty")));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(std::path::Path::new)
            .map_err(|_| Error::invalid_argument(format!("{what} is not valid UTF-8")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_handles_and_buffers_are_errors() {
        // SAFETY: NULL is an accepted input for all three helpers.
        unsafe {
            assert!(handle_ref::<u32>(std::ptr::null(), "db").is_err());
            assert!(handle_mut::<u32>(std::ptr::null_mut(), "db").is_err());
            free_handle::<u32>(std::ptr::null_mut());
            assert_eq!(bytes_arg(std::ptr::null(), 0, "key").unwrap(), b"");
            let err = bytes_arg(std::ptr::null(), 3, "key").unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)));
            assert!(str_arg(std::ptr::null(), "name").is_err());
        }
    }

    #[test]
    fn handle_round_trip() {
        let h = into_handle(41u32);
        // SAFETY: h is live until free_handle below.
        unsafe {
            *handle_mut(h, "h").unwrap() += 1;
            assert_eq!(*handle_ref(h, "h").unwrap(), 42);
            free_handle(h);
        }
    }

    #[test]
    fn string_arguments() {
        let s = b"path\0";
        let bad = b"\xff\xfe\0";
        // SAFETY: both are NUL-terminated static buffers.
        unsafe {
            assert_eq!(str_arg(s.as_ptr().cast(), "p").unwrap(), "path");
            assert!(str_arg(bad.as_ptr().cast(), "p").is_err());
        }
    }
}
