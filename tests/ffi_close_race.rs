//! `avccdb_close` while other threads call in on the same handle: each of
//! their calls completes or fails with `AVCCDB_ERR_CLOSED`, and a closed
//! handle keeps answering `AVCCDB_ERR_CLOSED` instead of being freed
//! memory (docs/C_API.md, "Handles and ownership"). The C program
//! c-tests/close_race_test.c checks the same under ASan and valgrind.

mod ffi_support;

use std::sync::Barrier;

use avccdb::ffi::db::*;
use avccdb::ffi::error::{avccdb_last_error_code, AVCCDB_ERR_CLOSED};
use avccdb::ffi::options::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::writeoptions::*;
use ffi_support::{ptr, take_buf, take_err, TempDir};

const CALLERS: usize = 4;
const WARM_ROUNDS: u64 = 20;

/// A raw handle that threads may share (the header's rule for `avccdb_t`).
#[derive(Clone, Copy)]
struct Handle(*mut avccdb_t);
// SAFETY: an avccdb_t is shared freely between threads.
unsafe impl Send for Handle {}
// SAFETY: as above.
unsafe impl Sync for Handle {}

fn open(dir: &TempDir) -> Handle {
    let mut err = std::ptr::null_mut();
    // SAFETY: live option handle, NUL-terminated path, valid errptr.
    let db = unsafe {
        let o = avccdb_options_create();
        avccdb_options_set_create_if_missing(o, 1);
        let db = avccdb_open(o, dir.c_path().as_ptr(), &mut err);
        avccdb_options_destroy(o);
        db
    };
    assert_eq!(take_err(&mut err), None);
    Handle(db)
}

/// Puts then gets `key`; false once a call failed, which must be because
/// the database is closed.
fn put_get(db: Handle, key: &[u8]) -> bool {
    let mut err = std::ptr::null_mut();
    let mut len = 0usize;
    // SAFETY: a handle from avccdb_open (possibly closed meanwhile, which
    // the API allows); fresh option handles; valid buffers.
    let value = unsafe {
        let (wo, ro) = (avccdb_writeoptions_create(), avccdb_readoptions_create());
        avccdb_put(db.0, wo, ptr(key), key.len(), ptr(key), key.len(), &mut err);
        let value = if err.is_null() {
            avccdb_get(db.0, ro, ptr(key), key.len(), &mut len, &mut err)
        } else {
            std::ptr::null_mut()
        };
        avccdb_writeoptions_destroy(wo);
        avccdb_readoptions_destroy(ro);
        value
    };
    if let Some(e) = take_err(&mut err) {
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_CLOSED, "{e}");
        return false;
    }
    assert_eq!(take_buf(value, len).as_deref(), Some(key));
    true
}

/// `avccdb_get` of `key` on an open handle.
fn get(db: Handle, key: &[u8]) -> Option<Vec<u8>> {
    let mut err = std::ptr::null_mut();
    let mut len = 0usize;
    // SAFETY: an open handle, a fresh read options handle, valid buffers.
    let value = unsafe {
        let ro = avccdb_readoptions_create();
        let value = avccdb_get(db.0, ro, ptr(key), key.len(), &mut len, &mut err);
        avccdb_readoptions_destroy(ro);
        value
    };
    assert_eq!(take_err(&mut err), None);
    take_buf(value, len)
}

#[test]
fn calls_racing_with_close_complete_or_fail_closed() {
    let dir = TempDir::new("close-race");
    let db = open(&dir);
    let warm = Barrier::new(CALLERS + 1);
    let acked: Vec<u64> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..CALLERS)
            .map(|t| {
                let warm = &warm;
                s.spawn(move || {
                    let mut round = 0u64;
                    while put_get(db, format!("t{t}/{round:06}").as_bytes()) {
                        round += 1;
                        if round == WARM_ROUNDS {
                            warm.wait();
                        }
                    }
                    round
                })
            })
            .collect();
        // Every caller is past its warm-up and still calling: close now.
        warm.wait();
        // SAFETY: the handle from avccdb_open, closed once here.
        unsafe { avccdb_close(db.0) };
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    // The closed handle still answers, with AVCCDB_ERR_CLOSED.
    assert!(!put_get(db, b"after"));
    // SAFETY: closing a closed handle is reported, not a double free.
    unsafe { avccdb_close(db.0) };
    assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_CLOSED);

    // Every write acknowledged before the close is there after reopening.
    let db = open(&dir);
    for (t, &rounds) in acked.iter().enumerate() {
        assert!(rounds >= WARM_ROUNDS);
        for round in 0..rounds {
            let key = format!("t{t}/{round:06}").into_bytes();
            assert_eq!(get(db, &key), Some(key));
        }
    }
    // SAFETY: the handle from avccdb_open, closed once.
    unsafe { avccdb_close(db.0) };
}
