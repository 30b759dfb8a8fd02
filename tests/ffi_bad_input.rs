//! Bad input at the C boundary: NULL handles and buffers, inconsistent
//! lengths, invalid option values, misuse after close. Each gets an error
//! of the right kind (message through errptr, code through
//! avccdb_last_error_code), never a crash.

mod ffi_support;

use std::ffi::{c_char, CString};

use avccdb::ffi::batch::*;
use avccdb::ffi::cache::*;
use avccdb::ffi::compaction::*;
use avccdb::ffi::comparator::*;
use avccdb::ffi::db::*;
use avccdb::ffi::env::*;
use avccdb::ffi::error::*;
use avccdb::ffi::filter::*;
use avccdb::ffi::iterator::*;
use avccdb::ffi::memory::avccdb_free;
use avccdb::ffi::options::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::snapshot::*;
use avccdb::ffi::stats::*;
use avccdb::ffi::transaction::*;
use avccdb::ffi::versions::*;
use avccdb::ffi::writeoptions::*;
use ffi_support::{ptr, take_err, take_string, Db, TempDir};

const NULL: *const c_char = std::ptr::null();

/// Asserts that the last call failed with `code` and a message in `err`
/// containing `needle`.
fn expect_err(err: &mut *mut c_char, code: i32, needle: &str) {
    assert_eq!(avccdb_last_error_code(), code);
    let msg = take_err(err).expect("an error message");
    assert!(msg.contains(needle), "{msg:?} lacks {needle:?}");
}

fn reset_code() {
    // A failing call with a known code, so the next assertion cannot pass
    // on a stale value.
    // SAFETY: NULL batch is an accepted (reported) input.
    unsafe { avccdb_writebatch_load(std::ptr::null_mut(), NULL, 0, std::ptr::null_mut()) };
    assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
    let mut e = std::ptr::null_mut();
    let b = avccdb_writebatch_create();
    // SAFETY: a live batch; 2 bytes of garbage.
    unsafe {
        avccdb_writebatch_load(b, ptr(b"\x09\x09"), 2, &mut e);
        avccdb_writebatch_destroy(b);
    }
    expect_err(&mut e, AVCCDB_ERR_CORRUPTION, "Corruption");
}

#[test]
fn destroying_null_is_a_no_op() {
    // SAFETY: NULL is documented as a no-op for every destructor.
    unsafe {
        avccdb_close(std::ptr::null_mut());
        avccdb_options_destroy(std::ptr::null_mut());
        avccdb_readoptions_destroy(std::ptr::null_mut());
        avccdb_writeoptions_destroy(std::ptr::null_mut());
        avccdb_writebatch_destroy(std::ptr::null_mut());
        avccdb_iter_destroy(std::ptr::null_mut());
        avccdb_release_snapshot(std::ptr::null_mut(), std::ptr::null());
        avccdb_comparator_destroy(std::ptr::null_mut());
        avccdb_filterpolicy_destroy(std::ptr::null_mut());
        avccdb_cache_destroy(std::ptr::null_mut());
        avccdb_env_destroy(std::ptr::null_mut());
        avccdb_transaction_destroy(std::ptr::null_mut());
        avccdb_version_history_destroy(std::ptr::null_mut());
        avccdb_resume_compactions(std::ptr::null_mut());
        avccdb_free(std::ptr::null_mut());
    }
}

#[test]
fn null_handles_are_invalid_arguments() {
    let mut err = std::ptr::null_mut();
    let ro = avccdb_readoptions_create();
    let wo = avccdb_writeoptions_create();
    // SAFETY: every call below accepts NULL handles and reports them.
    unsafe {
        let name = CString::new("/nonexistent/x").unwrap();
        assert!(avccdb_open(std::ptr::null(), name.as_ptr(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "options is NULL");
        let opts = avccdb_options_create();
        assert!(avccdb_open(opts, NULL, &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "name is NULL");
        avccdb_options_destroy(opts);

        avccdb_put(
            std::ptr::null_mut(),
            wo,
            ptr(b"k"),
            1,
            ptr(b"v"),
            1,
            &mut err,
        );
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        avccdb_delete(std::ptr::null_mut(), wo, ptr(b"k"), 1, &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        let b = avccdb_writebatch_create();
        avccdb_write(std::ptr::null_mut(), wo, b, &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        avccdb_writebatch_destroy(b);
        let mut len = 7usize;
        assert!(avccdb_get(std::ptr::null_mut(), ro, ptr(b"k"), 1, &mut len, &mut err).is_null());
        assert_eq!(len, 0);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        let mut val = std::ptr::dangling_mut::<c_char>();
        let rc = avccdb_get2(
            std::ptr::null_mut(),
            ro,
            ptr(b"k"),
            1,
            &mut val,
            &mut len,
            &mut err,
        );
        assert_eq!((rc, val.is_null()), (AVCCDB_GET_ERROR, true));
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        let rc = avccdb_get_into(
            std::ptr::null_mut(),
            ro,
            ptr(b"k"),
            1,
            std::ptr::null_mut(),
            0,
            &mut len,
            &mut err,
        );
        assert_eq!(rc, AVCCDB_GET_ERROR);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        let mut found = 5u64;
        let p = avccdb_get_with_version(
            std::ptr::null_mut(),
            ro,
            ptr(b"k"),
            1,
            3,
            &mut len,
            &mut found,
            &mut err,
        );
        assert!(p.is_null());
        assert_eq!(found, 0);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        assert!(
            avccdb_version_history(std::ptr::null_mut(), ro, ptr(b"k"), 1, 0, 9, &mut err)
                .is_null()
        );
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        assert!(avccdb_open_transaction(std::ptr::null_mut(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
        avccdb_compact_range2(std::ptr::null_mut(), NULL, 0, NULL, 0, &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");

        // Functions without errptr: failure value plus the error code.
        reset_code();
        assert!(avccdb_create_iterator(std::ptr::null_mut(), ro).is_null());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        assert!(avccdb_create_snapshot(std::ptr::null_mut()).is_null());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        assert!(avccdb_property_value(std::ptr::null_mut(), c"avccdb.stats".as_ptr()).is_null());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        assert_eq!(avccdb_iter_valid(std::ptr::null()), 0);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        avccdb_iter_next(std::ptr::null_mut());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        avccdb_writebatch_put(std::ptr::null_mut(), ptr(b"k"), 1, ptr(b"v"), 1);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        assert_eq!(avccdb_options_get_block_size(std::ptr::null()), 0);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        let mut sizes = [9u64; 2];
        avccdb_approximate_sizes(
            std::ptr::null_mut(),
            2,
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            sizes.as_mut_ptr(),
        );
        assert_eq!(sizes, [0, 0]);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        assert!(avccdb_comparator_create(std::ptr::null_mut(), None, None, None).is_null());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        reset_code();
        assert!(avccdb_filterpolicy_create_bloom(-1).is_null());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: live handles, destroyed once.
    unsafe {
        avccdb_readoptions_destroy(ro);
        avccdb_writeoptions_destroy(wo);
    }
}

#[test]
fn null_buffers_with_lengths_and_huge_lengths() {
    let dir = TempDir::new("badlen");
    let db = Db::open(&dir);
    let mut err = std::ptr::null_mut();
    // SAFETY: the library must reject these without reading the buffers.
    unsafe {
        avccdb_put(db.db, db.wo, NULL, 3, ptr(b"v"), 1, &mut err);
        expect_err(
            &mut err,
            AVCCDB_ERR_INVALID_ARGUMENT,
            "key is NULL but its length is 3",
        );
        avccdb_put(db.db, db.wo, ptr(b"k"), 1, NULL, 5, &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "value is NULL");
        avccdb_put(db.db, db.wo, ptr(b"k"), usize::MAX, ptr(b"v"), 1, &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "limit");
        let mut len = 0;
        assert!(avccdb_get(db.db, db.ro, NULL, 2, &mut len, &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "key is NULL");
        assert!(avccdb_get(db.db, db.ro, ptr(b"k"), 1, std::ptr::null_mut(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "vallen is NULL");
        let rc = avccdb_get_into(
            db.db,
            db.ro,
            ptr(b"k"),
            1,
            std::ptr::null_mut(),
            4,
            &mut len,
            &mut err,
        );
        assert_eq!(rc, AVCCDB_GET_ERROR);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "buf is NULL");

        // NULL with length 0 is the empty key: a valid key.
        avccdb_put(db.db, db.wo, NULL, 0, ptr(b"empty-key"), 9, &mut err);
        assert!(err.is_null());
        assert_eq!(db.get(b"").as_deref(), Some(&b"empty-key"[..]));

        // A batch rejects a bad record and stays as it was.
        let b = avccdb_writebatch_create();
        avccdb_writebatch_put(b, ptr(b"a"), 1, ptr(b"1"), 1);
        reset_code();
        avccdb_writebatch_put(b, ptr(b"a"), 1 << 40, ptr(b"1"), 1);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        avccdb_writebatch_delete(b, NULL, 1);
        assert_eq!(avccdb_writebatch_count(b), 1);
        avccdb_writebatch_destroy(b);

        // Iterator seek with a NULL key and a length: the iterator stays.
        let it = avccdb_create_iterator(db.db, db.ro);
        avccdb_iter_seek_to_first(it);
        reset_code();
        avccdb_iter_seek(it, NULL, 4);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        assert_eq!(avccdb_iter_valid(it), 1);
        avccdb_iter_destroy(it);

        let mut sizes = [7u64; 1];
        let lens = [1usize];
        let keys = [NULL];
        reset_code();
        avccdb_approximate_sizes(
            db.db,
            1,
            keys.as_ptr(),
            lens.as_ptr(),
            keys.as_ptr(),
            lens.as_ptr(),
            sizes.as_mut_ptr(),
        );
        assert_eq!(
            (sizes[0], avccdb_last_error_code()),
            (0, AVCCDB_ERR_INVALID_ARGUMENT)
        );
        reset_code();
        avccdb_approximate_sizes(
            db.db,
            -1,
            keys.as_ptr(),
            lens.as_ptr(),
            keys.as_ptr(),
            lens.as_ptr(),
            sizes.as_mut_ptr(),
        );
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
    }
}

#[test]
fn errptr_messages_are_replaced_and_success_leaves_them() {
    let dir = TempDir::new("errptr");
    let db = Db::open(&dir);
    let mut err = std::ptr::null_mut();
    // SAFETY: err holds NULL or a message from the library.
    unsafe {
        avccdb_put(db.db, db.wo, NULL, 1, NULL, 0, &mut err);
        let first = err;
        assert!(!first.is_null());
        // A second failure frees the first message and stores a new one.
        avccdb_delete(std::ptr::null_mut(), db.wo, NULL, 0, &mut err);
        assert!(!err.is_null());
        let msg = take_string(err).unwrap();
        assert_eq!(msg, "Invalid argument: db is NULL");
        err = std::ptr::null_mut();
        // Success leaves an existing message alone.
        avccdb_put(db.db, db.wo, NULL, 1, NULL, 0, &mut err);
        let kept = err;
        avccdb_put(db.db, db.wo, ptr(b"k"), 1, ptr(b"v"), 1, &mut err);
        assert_eq!(err, kept);
        take_err(&mut err);
        // A NULL errptr is allowed: the code still tells what happened.
        reset_code();
        avccdb_put(db.db, db.wo, NULL, 1, NULL, 0, std::ptr::null_mut());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
    }
}

#[test]
fn open_errors_have_their_kinds() {
    let dir = TempDir::new("openerr");
    let opts = avccdb_options_create();
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; err is a valid errptr.
    unsafe {
        assert_eq!(
            avccdb_options_get_create_if_missing(opts),
            0,
            "LevelDB default"
        );
        assert!(avccdb_open(opts, dir.c_path().as_ptr(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "does not exist");

        avccdb_options_set_create_if_missing(opts, 1);
        let db = avccdb_open(opts, dir.c_path().as_ptr(), &mut err);
        assert!(!db.is_null() && err.is_null());
        // The same directory cannot be opened twice, nor destroyed.
        assert!(avccdb_open(opts, dir.c_path().as_ptr(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_BUSY, "Busy");
        avccdb_destroy_db(opts, dir.c_path().as_ptr(), &mut err);
        expect_err(&mut err, AVCCDB_ERR_BUSY, "Busy");
        avccdb_close(db);

        avccdb_options_set_error_if_exists(opts, 1);
        assert!(avccdb_open(opts, dir.c_path().as_ptr(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "exists");
        avccdb_options_set_error_if_exists(opts, 0);

        // A comparator with another name cannot open the database.
        unsafe extern "C" fn cmp(
            _: *mut std::ffi::c_void,
            a: *const c_char,
            al: usize,
            b: *const c_char,
            bl: usize,
        ) -> i32 {
            // SAFETY: the library passes valid slices.
            let (a, b) = unsafe {
                (
                    std::slice::from_raw_parts(a.cast::<u8>(), al),
                    std::slice::from_raw_parts(b.cast::<u8>(), bl),
                )
            };
            a.cmp(b) as i32
        }
        unsafe extern "C" fn name(_: *mut std::ffi::c_void) -> *const c_char {
            c"other.Comparator".as_ptr()
        }
        let c = avccdb_comparator_create(std::ptr::null_mut(), None, Some(cmp), Some(name));
        avccdb_options_set_comparator(opts, c);
        avccdb_comparator_destroy(c);
        assert!(avccdb_open(opts, dir.c_path().as_ptr(), &mut err).is_null());
        let msg = take_err(&mut err).unwrap();
        assert!(msg.contains("other.Comparator"), "{msg}");
        avccdb_options_set_comparator(opts, std::ptr::null_mut());
        let db = avccdb_open(opts, dir.c_path().as_ptr(), &mut err);
        assert!(err.is_null());
        avccdb_close(db);

        avccdb_destroy_db(opts, dir.c_path().as_ptr(), &mut err);
        assert!(err.is_null());
        assert!(!dir.path().exists());
        // Destroying what is not there is fine; repairing it is not.
        avccdb_destroy_db(opts, dir.c_path().as_ptr(), &mut err);
        assert!(err.is_null());
        avccdb_repair_db(opts, dir.c_path().as_ptr(), &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "no such directory");
        avccdb_options_destroy(opts);
    }
}

#[test]
fn invalid_option_values_are_remembered_until_fixed() {
    let dir = TempDir::new("badopts");
    let opts = avccdb_options_create();
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; err is a valid errptr.
    unsafe {
        avccdb_options_set_create_if_missing(opts, 1);
        reset_code();
        avccdb_options_set_max_open_files(opts, -5);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        assert_eq!(avccdb_options_get_max_open_files(opts), 500, "not applied");
        avccdb_options_set_compression(opts, 42);
        avccdb_options_set_compaction_total_size_multiplier(opts, f64::NAN);
        assert!(avccdb_open(opts, dir.c_path().as_ptr(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "max_open_files");
        avccdb_options_set_max_open_files(opts, 100);
        assert!(avccdb_open(opts, dir.c_path().as_ptr(), &mut err).is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT, "compression");
        avccdb_options_set_compression(opts, AVCCDB_NO_COMPRESSION);
        avccdb_options_set_compaction_total_size_multiplier(opts, 4.0);
        // Values out of the engine's ranges are caught at open.
        avccdb_options_set_write_l0_pause_trigger(opts, 2);
        assert!(avccdb_open(opts, dir.c_path().as_ptr(), &mut err).is_null());
        expect_err(
            &mut err,
            AVCCDB_ERR_INVALID_ARGUMENT,
            "write_l0_pause_trigger",
        );
        avccdb_options_set_write_l0_pause_trigger(opts, 20);
        let db = avccdb_open(opts, dir.c_path().as_ptr(), &mut err);
        assert!(!db.is_null(), "{:?}", take_err(&mut err));
        avccdb_close(db);
        avccdb_options_destroy(opts);
    }
}

#[test]
fn misuse_after_end_is_closed() {
    let dir = TempDir::new("closedkind");
    let mut db = Db::open(&dir);
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; each freed once.
    unsafe {
        let t = avccdb_open_transaction(db.db, &mut err);
        assert!(!t.is_null());
        avccdb_transaction_put(t, ptr(b"k"), 1, ptr(b"v"), 1, &mut err);
        assert!(err.is_null());
        avccdb_transaction_commit(t, &mut err);
        assert!(err.is_null());
        avccdb_transaction_put(t, ptr(b"k"), 1, ptr(b"v"), 1, &mut err);
        expect_err(&mut err, AVCCDB_ERR_CLOSED, "Closed");
        avccdb_transaction_commit(t, &mut err);
        expect_err(&mut err, AVCCDB_ERR_CLOSED, "Closed");
        avccdb_transaction_discard(t);
        avccdb_transaction_destroy(t);

        // A transaction left open across close: its writes fail as closed.
        let t = avccdb_open_transaction(db.db, &mut err);
        avccdb_close(db.db);
        db.db = std::ptr::null_mut();
        avccdb_transaction_put(t, ptr(b"x"), 1, ptr(b"y"), 1, &mut err);
        expect_err(&mut err, AVCCDB_ERR_CLOSED, "Closed");
        avccdb_transaction_destroy(t);

        // An unknown property is NOT_FOUND, an unknown counter too.
        let db2 = Db::open(&dir);
        reset_code();
        assert!(avccdb_property_value(db2.db, c"avccdb.nope".as_ptr()).is_null());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_NOT_FOUND);
        let mut v = 3u64;
        assert_eq!(avccdb_property_int(db2.db, c"nope".as_ptr(), &mut v), 0);
        assert_eq!((v, avccdb_last_error_code()), (0, AVCCDB_ERR_NOT_FOUND));
    }
}
