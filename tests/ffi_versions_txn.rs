//! Versions, transactions, batches (dump/load, versions, append) and
//! stats through the C API.

mod ffi_support;

use std::collections::BTreeMap;
use std::ffi::{c_char, c_uchar, c_void, CStr};

use avccdb::ffi::batch::*;
use avccdb::ffi::iterator::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::stats::*;
use avccdb::ffi::transaction::*;
use avccdb::ffi::versions::*;
use avccdb::util::random::Rng;
use ffi_support::{ptr, take_buf, take_err, take_string, Db, TempDir};

fn get_v(db: &Db, k: &[u8], version: u64) -> Option<(Vec<u8>, u64)> {
    let mut err = std::ptr::null_mut();
    let (mut len, mut found) = (0usize, 0u64);
    // SAFETY: live handles; valid out-pointers.
    let p = unsafe {
        avccdb_get_with_version(
            db.db,
            db.ro,
            ptr(k),
            k.len(),
            version,
            &mut len,
            &mut found,
            &mut err,
        )
    };
    assert_eq!(take_err(&mut err), None);
    take_buf(p, len).map(|v| (v, found))
}

fn history(db: &Db, k: &[u8], min: u64, max: u64) -> Vec<(u64, Vec<u8>)> {
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; the history is read then destroyed once.
    unsafe {
        let h = avccdb_version_history(db.db, db.ro, ptr(k), k.len(), min, max, &mut err);
        assert_eq!(take_err(&mut err), None);
        let n = avccdb_version_history_count(h);
        let out = (0..n)
            .map(|i| {
                let mut len = 0;
                let v = avccdb_version_history_value_at(h, i, &mut len);
                (
                    avccdb_version_history_version_at(h, i),
                    std::slice::from_raw_parts(v.cast::<u8>(), len).to_vec(),
                )
            })
            .collect();
        let mut len = 5;
        assert!(avccdb_version_history_value_at(h, n, &mut len).is_null());
        assert_eq!(len, 0);
        avccdb_version_history_destroy(h);
        out
    }
}

#[test]
fn versioned_writes_reads_and_history_match_a_model() {
    let dir = TempDir::new("versions");
    let db = Db::open_with(&dir, |o| {
        // SAFETY: a live options handle.
        unsafe { avccdb::ffi::options::avccdb_options_set_write_buffer_size(o, 32 << 10) };
    });
    let mut rng = Rng::new(42);
    // key -> version -> Some(value) | None (deleted as of that version)
    let mut model: BTreeMap<Vec<u8>, BTreeMap<u64, Option<Vec<u8>>>> = BTreeMap::new();
    let mut err = std::ptr::null_mut();
    for _ in 0..3000 {
        let k = format!("key{}", rng.below(40)).into_bytes();
        let version = rng.below(20);
        // SAFETY: live handles; slices valid for the call.
        unsafe {
            if rng.one_in(5) {
                avccdb_delete_with_version(db.db, db.wo, ptr(&k), k.len(), version, &mut err);
                model.entry(k).or_default().insert(version, None);
            } else {
                let n = rng.below(300) as usize;
                let v = rng.bytes(n);
                avccdb_put_with_version(
                    db.db,
                    db.wo,
                    ptr(&k),
                    k.len(),
                    version,
                    ptr(&v),
                    v.len(),
                    &mut err,
                );
                model.entry(k).or_default().insert(version, Some(v));
            }
        }
        assert_eq!(take_err(&mut err), None);
    }
    for (k, versions) in &model {
        for at in [0, 5, 10, 19, AVCCDB_MAX_VERSION] {
            let want = versions
                .range(..=at)
                .next_back()
                .and_then(|(ver, v)| v.clone().map(|v| (v, *ver)));
            assert_eq!(get_v(&db, k, at), want, "{k:?} as of {at}");
        }
        let want: Vec<(u64, Vec<u8>)> = versions
            .range(3..=15)
            .rev()
            .filter_map(|(ver, v)| v.clone().map(|v| (*ver, v)))
            .collect();
        assert_eq!(history(&db, k, 3, 15), want, "history of {k:?}");
        // The plain get reads the highest version.
        let newest = versions.iter().next_back().and_then(|(_, v)| v.clone());
        assert_eq!(db.get(k), newest);
    }
    assert!(history(&db, b"key1", 9, 3).is_empty(), "min > max");

    // An all_versions iterator yields every live version, newest first.
    // SAFETY: live handles; borrowed data copied before the next move.
    unsafe {
        let ro = avccdb_readoptions_create();
        avccdb_readoptions_set_all_versions(ro, 1);
        avccdb_readoptions_set_lower_bound(ro, ptr(b"key7"), 4);
        avccdb_readoptions_set_upper_bound(ro, ptr(b"key8"), 4);
        let it = avccdb_create_iterator(db.db, ro);
        avccdb_iter_seek_to_first(it);
        let mut seen = Vec::new();
        while avccdb_iter_valid(it) != 0 {
            let mut kl = 0;
            let k = avccdb_iter_key(it, &mut kl);
            assert_eq!(std::slice::from_raw_parts(k.cast::<u8>(), kl), b"key7");
            seen.push(avccdb_iter_version(it));
            avccdb_iter_next(it);
        }
        avccdb_iter_destroy(it);
        avccdb_readoptions_destroy(ro);
        let versions = &model[&b"key7".to_vec()];
        let live: Vec<u64> = versions
            .iter()
            .rev()
            .filter(|(_, v)| v.is_some())
            .map(|(ver, _)| *ver)
            .collect();
        assert_eq!(seen, live);
    }
}

#[derive(Default, Debug, PartialEq)]
struct Seen(Vec<Record>);

/// (is_put, key, value, version, versioned)
type Record = (bool, Vec<u8>, Vec<u8>, u64, bool);

unsafe extern "C" fn on_put(
    s: *mut c_void,
    k: *const c_char,
    kl: usize,
    v: *const c_char,
    vl: usize,
    ver: u64,
    versioned: c_uchar,
) {
    // SAFETY: `s` is the &mut Seen passed below; slices valid for the call.
    unsafe {
        let seen = &mut *s.cast::<Seen>();
        seen.0.push((
            true,
            std::slice::from_raw_parts(k.cast::<u8>(), kl).to_vec(),
            std::slice::from_raw_parts(v.cast::<u8>(), vl).to_vec(),
            ver,
            versioned != 0,
        ));
    }
}

unsafe extern "C" fn on_del(
    s: *mut c_void,
    k: *const c_char,
    kl: usize,
    ver: u64,
    versioned: c_uchar,
) {
    // SAFETY: as in `on_put`.
    unsafe {
        let seen = &mut *s.cast::<Seen>();
        seen.0.push((
            false,
            std::slice::from_raw_parts(k.cast::<u8>(), kl).to_vec(),
            Vec::new(),
            ver,
            versioned != 0,
        ));
    }
}

fn records(b: *const avccdb_writebatch_t) -> Seen {
    let mut seen = Seen::default();
    // SAFETY: a live batch; the callbacks only touch `seen`.
    unsafe {
        avccdb_writebatch_iterate_versions(
            b,
            (&mut seen as *mut Seen).cast(),
            Some(on_put),
            Some(on_del),
        )
    };
    seen
}

#[test]
fn batches_dump_load_append_and_versions() {
    let mut rng = Rng::new(7);
    // SAFETY: live batches; slices valid for each call.
    unsafe {
        let b = avccdb_writebatch_create_with_config(1024, 4096);
        let mut want = Seen::default();
        for i in 0..200u64 {
            let k = format!("k{}", rng.below(50)).into_bytes();
            match i % 4 {
                0 => {
                    let n = rng.below(100) as usize;
                    let v = rng.bytes(n);
                    avccdb_writebatch_put(b, ptr(&k), k.len(), ptr(&v), v.len());
                    want.0.push((true, k, v, 0, false));
                }
                1 => {
                    let n = rng.below(100) as usize;
                    let v = rng.bytes(n);
                    avccdb_writebatch_put_with_version(b, ptr(&k), k.len(), i, ptr(&v), v.len());
                    want.0.push((true, k, v, i, true));
                }
                2 => {
                    avccdb_writebatch_delete(b, ptr(&k), k.len());
                    want.0.push((false, k, Vec::new(), 0, false));
                }
                _ => {
                    avccdb_writebatch_delete_with_version(b, ptr(&k), k.len(), i);
                    want.0.push((false, k, Vec::new(), i, true));
                }
            }
        }
        assert_eq!(avccdb_writebatch_count(b), 200);
        assert_eq!(records(b), want);

        // data -> load round trip into another batch, and into itself.
        let mut len = 0;
        let data = avccdb_writebatch_data(b, &mut len);
        let copy = avccdb_writebatch_create();
        let mut err = std::ptr::null_mut();
        avccdb_writebatch_load(copy, data, len, &mut err);
        assert_eq!(take_err(&mut err), None);
        assert_eq!(records(copy), want);
        avccdb_writebatch_load(b, data, len, &mut err);
        assert_eq!(take_err(&mut err), None);
        assert_eq!(records(b), want, "loading a batch's own data");

        // Append, including to itself.
        avccdb_writebatch_append(copy, b);
        assert_eq!(avccdb_writebatch_count(copy), 400);
        avccdb_writebatch_append(b, b);
        let mut len2 = 0;
        let d1 = avccdb_writebatch_data(b, &mut len2);
        let mut len3 = 0;
        let d2 = avccdb_writebatch_data(copy, &mut len3);
        assert_eq!(
            std::slice::from_raw_parts(d1.cast::<u8>(), len2),
            std::slice::from_raw_parts(d2.cast::<u8>(), len3)
        );

        // Truncated dumps are corruption and leave the batch empty.
        let d = std::slice::from_raw_parts(d1.cast::<u8>(), len2).to_vec();
        for cut in [1, 2, 5, d.len() / 3, d.len() - 1] {
            avccdb_writebatch_load(copy, ptr(&d), cut, &mut err);
            let msg = take_err(&mut err);
            if let Some(msg) = msg {
                assert!(msg.starts_with("Corruption"), "{msg}");
                assert_eq!(avccdb_writebatch_count(copy), 0);
            }
        }
        avccdb_writebatch_clear(b);
        assert_eq!(avccdb_writebatch_count(b), 0);
        let mut n = 9;
        assert!(!avccdb_writebatch_data(b, &mut n).is_null());
        assert_eq!(n, 0);
        avccdb_writebatch_destroy(b);
        avccdb_writebatch_destroy(copy);
    }
}

#[test]
fn transactions_commit_atomically_or_vanish() {
    let dir = TempDir::new("txn");
    let db = Db::open(&dir);
    db.put(b"before", b"1");
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles, each freed once.
    unsafe {
        let t = avccdb_open_transaction(db.db, &mut err);
        assert!(!t.is_null());
        for i in 0..1000u32 {
            let k = format!("t{i:04}");
            avccdb_transaction_put(t, ptr(k.as_bytes()), k.len(), ptr(b"x"), 1, &mut err);
        }
        avccdb_transaction_put_with_version(t, ptr(b"v"), 1, 9, ptr(b"nine"), 4, &mut err);
        avccdb_transaction_delete(t, ptr(b"before"), 6, &mut err);
        let b = avccdb_writebatch_create();
        avccdb_writebatch_put(b, ptr(b"from-batch"), 10, ptr(b"y"), 1);
        avccdb_transaction_write(t, b, &mut err);
        avccdb_writebatch_destroy(b);
        avccdb_transaction_delete_with_version(t, ptr(b"v"), 1, 12, &mut err);
        assert_eq!(take_err(&mut err), None);
        // Invisible until commit; readers are not blocked.
        assert_eq!(db.get(b"t0000"), None);
        assert_eq!(db.get(b"before").as_deref(), Some(&b"1"[..]));
        avccdb_transaction_commit(t, &mut err);
        assert_eq!(take_err(&mut err), None);
        avccdb_transaction_destroy(t);
    }
    assert_eq!(db.get(b"t0999").as_deref(), Some(&b"x"[..]));
    assert_eq!(db.get(b"before"), None);
    assert_eq!(db.get(b"from-batch").as_deref(), Some(&b"y"[..]));
    assert_eq!(get_v(&db, b"v", 10), Some((b"nine".to_vec(), 9)));
    assert_eq!(get_v(&db, b"v", 12), None);

    // Discarded and destroyed-while-open transactions leave no trace, and
    // release the write lock for the next writer.
    // SAFETY: live handles, each freed once.
    unsafe {
        let t = avccdb_open_transaction(db.db, &mut err);
        avccdb_transaction_put(t, ptr(b"gone"), 4, ptr(b"1"), 1, &mut err);
        avccdb_transaction_discard(t);
        avccdb_transaction_destroy(t);
        let t = avccdb_open_transaction(db.db, &mut err);
        avccdb_transaction_put(t, ptr(b"gone2"), 5, ptr(b"1"), 1, &mut err);
        avccdb_transaction_destroy(t);
        assert_eq!(take_err(&mut err), None);
    }
    db.put(b"after", b"2");
    assert_eq!(db.get(b"gone"), None);
    assert_eq!(db.get(b"gone2"), None);
    assert_eq!(db.get(b"after").as_deref(), Some(&b"2"[..]));
}

#[test]
fn every_counter_is_reachable_by_name() {
    let dir = TempDir::new("stats");
    let db = Db::open(&dir);
    for i in 0..100u32 {
        db.put(format!("k{i}").as_bytes(), b"v");
    }
    let n = avccdb_stats_counter_count();
    assert!(n > 16);
    // SAFETY: live handle; static names; valid out-pointers.
    unsafe {
        for i in 0..n {
            let name = avccdb_stats_counter_name(i);
            assert!(!name.is_null());
            let mut v = u64::MAX;
            assert_eq!(
                avccdb_property_int(db.db, name, &mut v),
                1,
                "{:?}",
                CStr::from_ptr(name)
            );
            assert_ne!(v, u64::MAX);
            // The same counter as a prefixed text property.
            let prefixed = format!("avccdb.{}\0", CStr::from_ptr(name).to_str().unwrap());
            let text = take_string(avccdb_property_value(db.db, prefixed.as_ptr().cast())).unwrap();
            assert!(text.parse::<u64>().is_ok(), "{prefixed}: {text}");
        }
        assert!(avccdb_stats_counter_name(n).is_null());

        let mut groups = 0;
        assert_eq!(
            avccdb_property_int(db.db, c"write_groups".as_ptr(), &mut groups),
            1
        );
        assert!((1..=100).contains(&groups), "{groups}");
        let mut files = 9;
        assert_eq!(
            avccdb_property_int(db.db, c"leveldb.num-files-at-level0".as_ptr(), &mut files),
            1
        );
        assert_eq!(files, 0, "nothing flushed yet");
        let mut mem = 0;
        assert_eq!(
            avccdb_property_int(db.db, c"avccdb.approximate-memory-usage".as_ptr(), &mut mem),
            1
        );
        assert!(mem > 0);
        let stats = take_string(avccdb_property_value(db.db, c"leveldb.stats".as_ptr())).unwrap();
        assert!(stats.contains("Writes merged"), "{stats}");

        // Iterators and snapshots are counted while alive.
        let it = avccdb_create_iterator(db.db, db.ro);
        let snap = avccdb::ffi::snapshot::avccdb_create_snapshot(db.db);
        let (mut its, mut snaps) = (0, 0);
        avccdb_property_int(db.db, c"alive_iterators".as_ptr(), &mut its);
        avccdb_property_int(db.db, c"alive_snapshots".as_ptr(), &mut snaps);
        assert_eq!((its, snaps), (1, 1));
        avccdb_iter_destroy(it);
        avccdb::ffi::snapshot::avccdb_release_snapshot(db.db, snap);
        avccdb_property_int(db.db, c"alive_iterators".as_ptr(), &mut its);
        avccdb_property_int(db.db, c"alive_snapshots".as_ptr(), &mut snaps);
        assert_eq!((its, snaps), (0, 0));
    }
}
