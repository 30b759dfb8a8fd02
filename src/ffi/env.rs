//! `avccdb_env_t` and `avccdb_logger_t`: placeholders kept for LevelDB
//! parity. Databases opened through the C API always use the operating
//! system's files (`PosixEnv`; the fault-injecting `FaultEnv` is for the
//! Rust tests) and always write their `LOG` file in the database directory.

use std::ffi::c_char;

use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{free_handle, handle_ref, into_handle};
use crate::ffi::memory::malloc_c_string;

/// The default environment: an opaque token with no behaviour of its own,
/// accepted by `avccdb_options_set_env`. Created by
/// `avccdb_create_default_env`, freed by `avccdb_env_destroy`.
///
/// Thread safety: shared freely (it has no state).
pub struct avccdb_env_t {
    _unused: u8,
}

/// An information logger. The API has no constructor; the type exists so
/// that `avccdb_options_set_info_log(options, NULL)` has LevelDB's
/// signature.
///
/// Thread safety: not applicable (never created).
pub struct avccdb_logger_t {
    _unused: u8,
}

/// A new default environment token.
#[no_mangle]
pub extern "C" fn avccdb_create_default_env() -> *mut avccdb_env_t {
    ffi_guard_silent("avccdb_create_default_env", std::ptr::null_mut(), || {
        Ok(into_handle(avccdb_env_t { _unused: 0 }))
    })
}

/// Frees an environment token. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_env_destroy(env: *mut avccdb_env_t) {
    ffi_guard_silent("avccdb_env_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(env) };
        Ok(())
    })
}

/// A directory for tests, malloc'd (free with `avccdb_free`): `$TEST_TMPDIR`
/// if set, else `/tmp/avccdbtest-<effective uid>`. The directory is created
/// if missing. NULL if `env` is NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_env_get_test_directory(env: *mut avccdb_env_t) -> *mut c_char {
    ffi_guard_silent(
        "avccdb_env_get_test_directory",
        std::ptr::null_mut(),
        || {
            // SAFETY: NULL or a live handle.
            unsafe { handle_ref(env, "env") }?;
            let dir = match std::env::var("TEST_TMPDIR") {
                Ok(d) if !d.is_empty() => d,
                // SAFETY: geteuid has no preconditions and cannot fail.
                _ => format!("/tmp/avccdbtest-{}", unsafe { libc::geteuid() }),
            };
            // As LevelDB: an error here shows up when the directory is used.
            let _ = std::fs::create_dir_all(&dir);
            Ok(malloc_c_string(&dir))
        },
    )
}
