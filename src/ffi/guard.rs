//! The panic boundary: every exported function's body runs inside
//! `ffi_guard`, which turns both `Err` and a caught panic into an error
//! report and a fallback return value.

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::Result;
use crate::ffi::error::{report, report_error, AVCCDB_ERR_INTERNAL};

/// Runs `body`; on `Err` or panic reports through `errptr` and returns
/// `fallback`. `name` is the exported function's name, used in the message
/// of a caught panic.
pub(crate) fn ffi_guard<T>(
    name: &str,
    errptr: *mut *mut c_char,
    fallback: T,
    body: impl FnOnce() -> Result<T>,
) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            report_error(errptr, &e);
            fallback
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            report(
                errptr,
                AVCCDB_ERR_INTERNAL,
                &format!("Internal error: panic in {name}: {what}"),
            );
            fallback
        }
    }
}

/// `ffi_guard` for functions that have no `errptr` (destructors, getters):
/// errors and panics are swallowed into `fallback` and the thread's last
/// error code.
pub(crate) fn ffi_guard_silent<T>(name: &str, fallback: T, body: impl FnOnce() -> Result<T>) -> T {
    ffi_guard(name, std::ptr::null_mut(), fallback, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::ffi::error::{avccdb_last_error_code, AVCCDB_ERR_INVALID_ARGUMENT};
    use crate::ffi::memory::avccdb_free;
    use std::ffi::CStr;

    fn take_message(errptr: &mut *mut c_char) -> String {
        assert!(!errptr.is_null());
        // SAFETY: the guard stored a NUL-terminated malloc'd string.
        let s = unsafe { CStr::from_ptr(*errptr) }
            .to_str()
            .unwrap()
            .to_owned();
        // SAFETY: allocated by this library; freed once.
        unsafe { avccdb_free((*errptr).cast()) };
        *errptr = std::ptr::null_mut();
        s
    }

    #[test]
    fn err_sets_message_code_and_fallback() {
        let mut err: *mut c_char = std::ptr::null_mut();
        let v = ffi_guard("t", &mut err, -1, || {
            Err::<i32, _>(Error::invalid_argument("bad"))
        });
        assert_eq!(v, -1);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        assert_eq!(take_message(&mut err), "Invalid argument: bad");
    }

    #[test]
    fn panic_is_caught_and_old_message_replaced() {
        let mut err: *mut c_char = std::ptr::null_mut();
        ffi_guard("first", &mut err, (), || Err(Error::Closed));
        let v = ffi_guard("boom_fn", &mut err, 7u8, || -> Result<u8> {
            panic!("kaboom")
        });
        assert_eq!(v, 7);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INTERNAL);
        let msg = take_message(&mut err);
        assert!(msg.contains("boom_fn") && msg.contains("kaboom"), "{msg}");
    }

    #[test]
    fn success_leaves_errptr_untouched() {
        let mut err: *mut c_char = std::ptr::null_mut();
        assert_eq!(ffi_guard("ok", &mut err, 0, || Ok(5)), 5);
        assert!(err.is_null());
        assert_eq!(ffi_guard_silent("ok", 0, || Ok(6)), 6);
    }
}
