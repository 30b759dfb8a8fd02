//! Library version numbers, for callers that check what they loaded.

use crate::ffi::guard::ffi_guard_silent;

/// Major version of the loaded library. It changes only with an
/// incompatible ABI change and is the number in the SONAME
/// (`libavccdb.so.<major>`).
#[no_mangle]
pub extern "C" fn avccdb_major_version() -> i32 {
    ffi_guard_silent("avccdb_major_version", 0, || Ok(crate::VERSION_MAJOR))
}

/// Minor version of the loaded library: grows with each release that adds
/// functions while keeping every existing signature.
#[no_mangle]
pub extern "C" fn avccdb_minor_version() -> i32 {
    ffi_guard_silent("avccdb_minor_version", 0, || Ok(crate::VERSION_MINOR))
}
