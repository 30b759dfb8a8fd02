//! Error reporting across the boundary: `char **errptr` messages and the
//! integer error codes that let a C caller tell error kinds apart without
//! parsing text.

use std::cell::Cell;
use std::ffi::c_char;

use crate::error::Error;

/// Success.
pub const AVCCDB_OK: i32 = 0;
/// Persistent data is malformed (checksum mismatch, truncated record...).
pub const AVCCDB_ERR_CORRUPTION: i32 = 1;
/// The operating system refused an I/O operation.
pub const AVCCDB_ERR_IO: i32 = 2;
/// An argument is unusable: NULL handle, NULL buffer with a non-zero length,
/// out-of-range option.
pub const AVCCDB_ERR_INVALID_ARGUMENT: i32 = 3;
/// The key or file does not exist.
pub const AVCCDB_ERR_NOT_FOUND: i32 = 4;
/// The operation is not supported by this build or database.
pub const AVCCDB_ERR_NOT_SUPPORTED: i32 = 5;
/// The database or object has been closed.
pub const AVCCDB_ERR_CLOSED: i32 = 6;
/// A resource is held by someone else (for example the database LOCK).
pub const AVCCDB_ERR_BUSY: i32 = 7;
/// A Rust panic was caught at the boundary; the message says where.
pub const AVCCDB_ERR_INTERNAL: i32 = 8;
/// A Merkle proof does not establish an answer against the root it was
/// checked with: malformed bytes, or a proof that does not cover the query
/// (another key, version, query kind or state) (`avccdb_verify_get_proof`,
/// `avccdb_verify_history_proof`). A proof that covers another query too
/// answers it truly: an absence proof also proves absent every key between
/// the same two neighbouring records.
pub const AVCCDB_ERR_INVALID_PROOF: i32 = 9;

thread_local! {
    static LAST_ERROR_CODE: Cell<i32> = const { Cell::new(AVCCDB_OK) };
}

/// Records `code` as this thread's last error code.
pub(crate) fn set_last_error_code(code: i32) {
    LAST_ERROR_CODE.with(|c| c.set(code));
}

/// Stores `msg` in `*errptr` (when `errptr` is not NULL), freeing the message
/// already there, and records `code` as this thread's last error code.
pub(crate) fn report(errptr: *mut *mut c_char, code: i32, msg: &str) {
    set_last_error_code(code);
    if errptr.is_null() {
        return;
    }
    let copy = crate::ffi::memory::malloc_c_string(msg);
    // SAFETY: errptr is non-NULL and, by the documented contract, points to a
    // `char *` that is NULL or a message this library allocated with malloc.
    unsafe {
        let old = *errptr;
        if !old.is_null() {
            libc::free(old.cast());
        }
        *errptr = copy;
    }
}

/// Reports an [`Error`] and returns its code.
pub(crate) fn report_error(errptr: *mut *mut c_char, err: &Error) -> i32 {
    let code = err.code();
    report(errptr, code, &err.to_string());
    code
}

/// The error code of the last avccdb call on this thread that failed, or
/// `AVCCDB_OK` if none has. Successful calls do not reset it; a caller that
/// saw `*errptr` set (or a failing return value) reads it right after.
#[no_mangle]
pub extern "C" fn avccdb_last_error_code() -> i32 {
    LAST_ERROR_CODE.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_error_kinds() {
        let cases = [
            (Error::corruption("x"), AVCCDB_ERR_CORRUPTION),
            (Error::Io(std::io::Error::other("x")), AVCCDB_ERR_IO),
            (Error::invalid_argument("x"), AVCCDB_ERR_INVALID_ARGUMENT),
            (Error::NotFound("x".into()), AVCCDB_ERR_NOT_FOUND),
            (Error::NotSupported("x".into()), AVCCDB_ERR_NOT_SUPPORTED),
            (Error::Closed, AVCCDB_ERR_CLOSED),
            (Error::Busy("x".into()), AVCCDB_ERR_BUSY),
            (Error::InvalidProof("x".into()), AVCCDB_ERR_INVALID_PROOF),
        ];
        for (e, code) in cases {
            assert_eq!(e.code(), code, "{e}");
            let mut msg: *mut c_char = std::ptr::null_mut();
            assert_eq!(report_error(&mut msg, &e), code);
            assert_eq!(avccdb_last_error_code(), code);
            // SAFETY: report_error stored a malloc'd message; freed once.
            unsafe { libc::free(msg.cast()) };
        }
    }
}
