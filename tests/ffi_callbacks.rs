//! Comparators and filter policies made of C callbacks: the engine orders
//! keys by them, consults them on reads, and runs their destructors once,
//! when the last user (options, open database) lets go.

mod ffi_support;

use std::ffi::{c_char, c_int, c_uchar, c_void};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use avccdb::ffi::compaction::*;
use avccdb::ffi::comparator::*;
use avccdb::ffi::filter::*;
use avccdb::ffi::iterator::*;
use avccdb::ffi::options::*;
use ffi_support::{take_err, Db, TempDir};

/// State shared with the callbacks (they run on any thread).
#[derive(Default)]
struct State {
    destroyed: AtomicUsize,
    compares: AtomicUsize,
    filters_built: AtomicUsize,
    probes: AtomicUsize,
    reject: AtomicBool,
}

unsafe fn state<'a>(p: *mut c_void) -> &'a State {
    // SAFETY: every callback below gets the &State given at creation,
    // which outlives the database in each test.
    unsafe { &*p.cast::<State>() }
}

unsafe fn slice<'a>(p: *const c_char, n: usize) -> &'a [u8] {
    // SAFETY: the library passes valid (pointer, length) pairs.
    unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n) }
}

unsafe extern "C" fn destroy(s: *mut c_void) {
    // SAFETY: see `state`.
    unsafe { state(s) }.destroyed.fetch_add(1, Ordering::SeqCst);
}

/// Reverse bytewise order.
unsafe extern "C" fn reverse(
    s: *mut c_void,
    a: *const c_char,
    al: usize,
    b: *const c_char,
    bl: usize,
) -> c_int {
    // SAFETY: see `state` and `slice`.
    unsafe {
        state(s).compares.fetch_add(1, Ordering::Relaxed);
        slice(b, bl).cmp(slice(a, al)) as c_int
    }
}

unsafe extern "C" fn reverse_name(_: *mut c_void) -> *const c_char {
    c"test.Reverse".as_ptr()
}

/// A filter that stores the first byte of every key.
unsafe extern "C" fn create_filter(
    s: *mut c_void,
    keys: *const *const c_char,
    lens: *const usize,
    n: c_int,
    out_len: *mut usize,
) -> *mut c_char {
    // SAFETY: arrays of `n` keys; the result is malloc'd as required.
    unsafe {
        state(s).filters_built.fetch_add(1, Ordering::Relaxed);
        let n = n as usize;
        let buf = libc::malloc(n.max(1)).cast::<u8>();
        for i in 0..n {
            let k = slice(*keys.add(i), *lens.add(i));
            *buf.add(i) = k.first().copied().unwrap_or(0);
        }
        *out_len = n;
        buf.cast()
    }
}

unsafe extern "C" fn may_match(
    s: *mut c_void,
    k: *const c_char,
    kl: usize,
    f: *const c_char,
    fl: usize,
) -> c_uchar {
    // SAFETY: see `state` and `slice`.
    unsafe {
        let st = state(s);
        st.probes.fetch_add(1, Ordering::Relaxed);
        if st.reject.load(Ordering::Relaxed) {
            return 0;
        }
        let first = slice(k, kl).first().copied().unwrap_or(0);
        c_uchar::from(slice(f, fl).contains(&first))
    }
}

unsafe extern "C" fn filter_name(_: *mut c_void) -> *const c_char {
    c"test.FirstByte".as_ptr()
}

#[test]
fn custom_comparator_orders_keys_and_is_destroyed_once() {
    let dir = TempDir::new("cmp");
    let st = State::default();
    let sp = (&st as *const State).cast_mut().cast::<c_void>();
    {
        // SAFETY: valid callbacks; `st` outlives every user of them.
        let cmp = unsafe {
            avccdb_comparator_create(sp, Some(destroy), Some(reverse), Some(reverse_name))
        };
        assert!(!cmp.is_null());
        let db = Db::open_with(&dir, |o| {
            // SAFETY: live handles; the options keep their own reference.
            unsafe {
                avccdb_options_set_comparator(o, cmp);
                avccdb_options_set_write_buffer_size(o, 8 << 10);
            }
        });
        // SAFETY: the handle is released once; users keep the comparator.
        unsafe { avccdb_comparator_destroy(cmp) };
        assert_eq!(
            st.destroyed.load(Ordering::SeqCst),
            0,
            "the database still uses it"
        );
        for i in 0..300u32 {
            db.put(format!("{i:04}").as_bytes(), &[b'v'; 100]);
        }
        let mut err = std::ptr::null_mut();
        // SAFETY: live handles.
        unsafe { avccdb_compact_range2(db.db, std::ptr::null(), 0, std::ptr::null(), 0, &mut err) };
        assert_eq!(take_err(&mut err), None);
        assert_eq!(db.get(b"0123").as_deref(), Some(&[b'v'; 100][..]));
        // SAFETY: live handles; borrowed keys copied before moving.
        let keys: Vec<Vec<u8>> = unsafe {
            let it = avccdb_create_iterator(db.db, db.ro);
            avccdb_iter_seek_to_first(it);
            let mut keys = Vec::new();
            while avccdb_iter_valid(it) != 0 {
                let mut kl = 0;
                keys.push(slice(avccdb_iter_key(it, &mut kl), kl).to_vec());
                avccdb_iter_next(it);
            }
            avccdb_iter_destroy(it);
            keys
        };
        assert_eq!(keys.len(), 300);
        assert_eq!(keys[0], b"0299", "reverse order");
        assert!(keys.windows(2).all(|w| w[0] > w[1]));
        assert!(st.compares.load(Ordering::Relaxed) > 0);
    }
    assert_eq!(
        st.destroyed.load(Ordering::SeqCst),
        1,
        "destroyed once, after close"
    );
}

#[test]
fn custom_filter_is_built_and_consulted() {
    let dir = TempDir::new("filter");
    let st = State::default();
    let sp = (&st as *const State).cast_mut().cast::<c_void>();
    {
        // SAFETY: valid callbacks; `st` outlives every user of them.
        let policy = unsafe {
            avccdb_filterpolicy_create(
                sp,
                Some(destroy),
                Some(create_filter),
                Some(may_match),
                Some(filter_name),
            )
        };
        let db = Db::open_with(&dir, |o| {
            // SAFETY: live handles.
            unsafe {
                avccdb_options_set_filter_policy(o, policy);
                let name = avccdb_options_get_filter_policy_name(o);
                assert_eq!(
                    ffi_support::take_string(name).as_deref(),
                    Some("test.FirstByte")
                );
            }
        });
        // SAFETY: released once; the database keeps the policy.
        unsafe { avccdb_filterpolicy_destroy(policy) };
        for k in ["apple", "cherry", "date"] {
            db.put(k.as_bytes(), b"fruit");
        }
        let mut err = std::ptr::null_mut();
        // SAFETY: live handles.
        unsafe { avccdb_compact_range2(db.db, std::ptr::null(), 0, std::ptr::null(), 0, &mut err) };
        assert_eq!(take_err(&mut err), None);
        assert!(st.filters_built.load(Ordering::Relaxed) > 0);

        assert_eq!(db.get(b"cherry").as_deref(), Some(&b"fruit"[..]));
        let probes = st.probes.load(Ordering::Relaxed);
        assert!(probes > 0, "the filter is consulted");
        // A key inside the table's range whose first byte is in no filter
        // is excluded by it.
        assert_eq!(db.get(b"banana"), None);
        assert!(st.probes.load(Ordering::Relaxed) > probes);
        // A filter that says "no" hides keys that are there: proof that the
        // engine trusts it instead of reading the block.
        st.reject.store(true, Ordering::Relaxed);
        assert_eq!(db.get(b"apple"), None);
        st.reject.store(false, Ordering::Relaxed);
        assert_eq!(db.get(b"apple").as_deref(), Some(&b"fruit"[..]));
    }
    assert_eq!(st.destroyed.load(Ordering::SeqCst), 1);
}

#[test]
fn options_drop_their_reference_on_replace_and_destroy() {
    let st = State::default();
    let sp = (&st as *const State).cast_mut().cast::<c_void>();
    // SAFETY: valid callbacks; `st` outlives them.
    unsafe {
        let o = avccdb_options_create();
        let cmp = avccdb_comparator_create(sp, Some(destroy), Some(reverse), Some(reverse_name));
        avccdb_options_set_comparator(o, cmp);
        let o2 = avccdb_options_create();
        avccdb_options_set_comparator(o2, cmp);
        avccdb_comparator_destroy(cmp);
        avccdb_options_set_comparator(o, std::ptr::null_mut());
        assert_eq!(st.destroyed.load(Ordering::SeqCst), 0);
        avccdb_options_destroy(o2);
        assert_eq!(st.destroyed.load(Ordering::SeqCst), 1);
        avccdb_options_destroy(o);
        // A NULL destructor is allowed.
        let cmp = avccdb_comparator_create(sp, None, Some(reverse), Some(reverse_name));
        avccdb_comparator_destroy(cmp);
    }
    assert_eq!(st.destroyed.load(Ordering::SeqCst), 1);
}
