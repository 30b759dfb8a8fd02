//! Helpers for the C API tests: they call the exported functions directly,
//! as a C program would, and convert results back to Rust values.
#![allow(dead_code)]

use std::ffi::{c_char, CStr};

use avccdb::ffi::db::*;
use avccdb::ffi::memory::avccdb_free;
use avccdb::ffi::options::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::writeoptions::*;

#[path = "../common/mod.rs"]
mod common;
#[allow(unused_imports)] // Not every FFI test uses the model.
pub use common::{model, TempDir};

/// The message in `*err` (freed and reset), if any.
pub fn take_err(err: &mut *mut c_char) -> Option<String> {
    if err.is_null() {
        return None;
    }
    // SAFETY: the library stored a NUL-terminated malloc'd string.
    let s = unsafe { CStr::from_ptr(*err) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: allocated by the library, freed once.
    unsafe { avccdb_free((*err).cast()) };
    *err = std::ptr::null_mut();
    Some(s)
}

/// Takes a malloc'd buffer of `len` bytes from the library.
pub fn take_buf(p: *mut c_char, len: usize) -> Option<Vec<u8>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the library returned `len` readable bytes, freed once below.
    let v = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) }.to_vec();
    // SAFETY: as above.
    unsafe { avccdb_free(p.cast()) };
    Some(v)
}

/// Takes a malloc'd NUL-terminated string from the library.
pub fn take_string(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: NUL-terminated, malloc'd by the library, freed once.
    let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    // SAFETY: as above.
    unsafe { avccdb_free(p.cast()) };
    Some(s)
}

pub fn ptr(b: &[u8]) -> *const c_char {
    b.as_ptr().cast()
}

/// An open database with default read/write options, closed on drop.
pub struct Db {
    pub db: *mut avccdb_t,
    pub ro: *mut avccdb_readoptions_t,
    pub wo: *mut avccdb_writeoptions_t,
}

impl Db {
    /// Opens (creating) a database in `dir` with options tuned by `tune`.
    pub fn open_with(dir: &TempDir, tune: impl FnOnce(*mut avccdb_options_t)) -> Db {
        let opts = avccdb_options_create();
        // SAFETY: live handles from the library; `err` is a valid errptr.
        unsafe {
            avccdb_options_set_create_if_missing(opts, 1);
            tune(opts);
            let mut err = std::ptr::null_mut();
            let db = avccdb_open(opts, dir.c_path().as_ptr(), &mut err);
            avccdb_options_destroy(opts);
            if let Some(e) = take_err(&mut err) {
                panic!("open failed: {e}");
            }
            assert!(!db.is_null());
            Db {
                db,
                ro: avccdb_readoptions_create(),
                wo: avccdb_writeoptions_create(),
            }
        }
    }

    pub fn open(dir: &TempDir) -> Db {
        Db::open_with(dir, |_| {})
    }

    pub fn put(&self, k: &[u8], v: &[u8]) {
        let mut err = std::ptr::null_mut();
        // SAFETY: live handles; slices valid for the call.
        unsafe { avccdb_put(self.db, self.wo, ptr(k), k.len(), ptr(v), v.len(), &mut err) };
        assert_eq!(take_err(&mut err), None);
    }

    pub fn delete(&self, k: &[u8]) {
        let mut err = std::ptr::null_mut();
        // SAFETY: live handles; slice valid for the call.
        unsafe { avccdb_delete(self.db, self.wo, ptr(k), k.len(), &mut err) };
        assert_eq!(take_err(&mut err), None);
    }

    /// `avccdb_get` with `self.ro`.
    pub fn get(&self, k: &[u8]) -> Option<Vec<u8>> {
        self.get_ro(self.ro, k)
    }

    pub fn get_ro(&self, ro: *const avccdb_readoptions_t, k: &[u8]) -> Option<Vec<u8>> {
        let mut err = std::ptr::null_mut();
        let mut len = 99usize;
        // SAFETY: live handles; out-pointers valid.
        let p = unsafe { avccdb_get(self.db, ro, ptr(k), k.len(), &mut len, &mut err) };
        assert_eq!(take_err(&mut err), None);
        if p.is_null() {
            assert_eq!(len, 0);
        }
        take_buf(p, len)
    }
}

// SAFETY: a database handle is shared freely between threads, and read and
// write options that nobody changes may be used by several threads at once
// (the thread rules of include/avccdb.h).
unsafe impl Sync for Db {}
// SAFETY: as above; the handles are not tied to the creating thread.
unsafe impl Send for Db {}

impl Drop for Db {
    fn drop(&mut self) {
        // SAFETY: live handles, destroyed once.
        unsafe {
            avccdb_readoptions_destroy(self.ro);
            avccdb_writeoptions_destroy(self.wo);
            avccdb_close(self.db);
        }
    }
}
