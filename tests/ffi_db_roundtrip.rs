//! The C API against a model: random puts, deletes and batches through the
//! exported functions, checked by every get flavour, iterators in both
//! directions, snapshots, and a reopen.

mod ffi_support;

use std::collections::BTreeMap;

use avccdb::ffi::batch::*;
use avccdb::ffi::db::*;
use avccdb::ffi::iterator::*;
use avccdb::ffi::options::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::snapshot::*;
use avccdb::util::random::Rng;
use ffi_support::{ptr, take_buf, take_err, Db, TempDir};

fn small(o: *mut avccdb_options_t) {
    // SAFETY: a live options handle.
    unsafe {
        avccdb_options_set_write_buffer_size(o, 64 << 10);
        avccdb_options_set_max_file_size(o, 64 << 10);
    }
}

fn rand_key(rng: &mut Rng) -> Vec<u8> {
    format!("k{:05}", rng.below(400)).into_bytes()
}

fn rand_value(rng: &mut Rng) -> Vec<u8> {
    // Empty values are frequent on purpose: they must read back as found.
    let len = if rng.one_in(8) {
        0
    } else {
        rng.skewed(10) as usize
    };
    rng.bytes(len)
}

/// Every (key, value) an iterator yields, forwards or backwards.
fn scan(db: &Db, ro: *const avccdb_readoptions_t, backwards: bool) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    // SAFETY: live handles; borrowed key/value copied before the next move.
    unsafe {
        let it = avccdb_create_iterator(db.db, ro);
        assert!(!it.is_null());
        assert_eq!(avccdb_iter_valid(it), 0, "positioned nowhere until a seek");
        if backwards {
            avccdb_iter_seek_to_last(it);
        } else {
            avccdb_iter_seek_to_first(it);
        }
        while avccdb_iter_valid(it) != 0 {
            let (mut kl, mut vl) = (0, 0);
            let k = avccdb_iter_key(it, &mut kl);
            let v = avccdb_iter_value(it, &mut vl);
            out.push((
                std::slice::from_raw_parts(k.cast::<u8>(), kl).to_vec(),
                std::slice::from_raw_parts(v.cast::<u8>(), vl).to_vec(),
            ));
            if backwards {
                avccdb_iter_prev(it);
            } else {
                avccdb_iter_next(it);
            }
        }
        let mut err = std::ptr::null_mut();
        avccdb_iter_get_error(it, &mut err);
        assert_eq!(take_err(&mut err), None);
        avccdb_iter_destroy(it);
    }
    if backwards {
        out.reverse();
    }
    out
}

fn check_all_gets(db: &Db, model: &BTreeMap<Vec<u8>, Vec<u8>>, rng: &mut Rng) {
    let mut buf = [0u8; 64];
    for _ in 0..60 {
        let k = rand_key(rng);
        let want = model.get(&k);
        assert_eq!(db.get(&k).as_ref(), want, "avccdb_get {k:?}");
        // SAFETY: live handles; out-pointers valid; buf holds 64 bytes.
        unsafe {
            let mut err = std::ptr::null_mut();
            let (mut val, mut len) = (std::ptr::null_mut(), 0usize);
            let rc = avccdb_get2(db.db, db.ro, ptr(&k), k.len(), &mut val, &mut len, &mut err);
            assert_eq!(take_err(&mut err), None);
            match want {
                Some(w) => {
                    assert_eq!(rc, AVCCDB_GET_FOUND);
                    assert!(!val.is_null(), "found values are never NULL");
                    assert_eq!(take_buf(val, len).as_ref(), Some(w));
                }
                None => {
                    assert_eq!((rc, val.is_null(), len), (AVCCDB_GET_NOT_FOUND, true, 0));
                }
            }
            let mut len = 0usize;
            let rc = avccdb_get_into(
                db.db,
                db.ro,
                ptr(&k),
                k.len(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut len,
                &mut err,
            );
            assert_eq!(take_err(&mut err), None);
            match want {
                None => assert_eq!((rc, len), (AVCCDB_GET_NOT_FOUND, 0)),
                Some(w) if w.len() <= buf.len() => {
                    assert_eq!(rc, AVCCDB_GET_FOUND);
                    assert_eq!(&buf[..len], &w[..]);
                }
                Some(w) => {
                    assert_eq!((rc, len), (AVCCDB_GET_BUFFER_TOO_SMALL, w.len()));
                    assert_eq!(&buf[..], &w[..buf.len()], "prefix copied");
                    let mut big = vec![0u8; len];
                    let mut len2 = 0;
                    let rc = avccdb_get_into(
                        db.db,
                        db.ro,
                        ptr(&k),
                        k.len(),
                        big.as_mut_ptr().cast(),
                        big.len(),
                        &mut len2,
                        &mut err,
                    );
                    assert_eq!((rc, len2), (AVCCDB_GET_FOUND, w.len()));
                    assert_eq!(&big, w);
                }
            }
        }
    }
}

#[test]
fn random_operations_match_a_model() {
    let dir = TempDir::new("model");
    let mut rng = Rng::new(0xc0ffee);
    let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    {
        let db = Db::open_with(&dir, small);
        let mut snapshots = Vec::new();
        for round in 0..30 {
            for _ in 0..150 {
                let k = rand_key(&mut rng);
                match rng.below(10) {
                    0..=5 => {
                        let v = rand_value(&mut rng);
                        db.put(&k, &v);
                        model.insert(k, v);
                    }
                    6 | 7 => {
                        db.delete(&k);
                        model.remove(&k);
                    }
                    _ => {
                        // A batch of several records, applied atomically.
                        // SAFETY: live handles; slices valid for each call.
                        unsafe {
                            let b = avccdb_writebatch_create();
                            for _ in 0..rng.range(1, 8) {
                                let k = rand_key(&mut rng);
                                if rng.one_in(3) {
                                    avccdb_writebatch_delete(b, ptr(&k), k.len());
                                    model.remove(&k);
                                } else {
                                    let v = rand_value(&mut rng);
                                    avccdb_writebatch_put(b, ptr(&k), k.len(), ptr(&v), v.len());
                                    model.insert(k, v);
                                }
                            }
                            let mut err = std::ptr::null_mut();
                            avccdb_write(db.db, db.wo, b, &mut err);
                            assert_eq!(take_err(&mut err), None);
                            avccdb_writebatch_destroy(b);
                        }
                    }
                }
            }
            check_all_gets(&db, &model, &mut rng);
            let want: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            assert_eq!(scan(&db, db.ro, round % 2 == 1), want, "round {round}");
            if round % 7 == 0 {
                // SAFETY: a live db handle.
                snapshots.push((unsafe { avccdb_create_snapshot(db.db) }, want));
            }
        }
        // Every snapshot still reads what it saw.
        for (snap, want) in snapshots {
            // SAFETY: live handles; each snapshot released once.
            unsafe {
                let ro = avccdb_readoptions_create();
                avccdb_readoptions_set_snapshot(ro, snap);
                avccdb_release_snapshot(db.db, snap);
                assert_eq!(scan(&db, ro, false), want);
                avccdb_readoptions_destroy(ro);
            }
        }
    }
    // Everything survives a close and reopen.
    let db = Db::open(&dir);
    let want: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert_eq!(scan(&db, db.ro, false), want);
}

#[test]
fn iterator_seek_bounds_and_closed_database() {
    let dir = TempDir::new("iter");
    let db = Db::open(&dir);
    for i in 0..50u32 {
        db.put(format!("key{i:03}").as_bytes(), format!("v{i}").as_bytes());
    }
    // SAFETY: live handles; borrowed key read before the next move.
    unsafe {
        let ro = avccdb_readoptions_create();
        avccdb_readoptions_set_lower_bound(ro, ptr(b"key010"), 6);
        avccdb_readoptions_set_upper_bound(ro, ptr(b"key020"), 6);
        let mut n = 0;
        let bound = avccdb_readoptions_get_upper_bound(ro, &mut n);
        assert_eq!(std::slice::from_raw_parts(bound.cast::<u8>(), n), b"key020");
        let keys: Vec<_> = scan(&db, ro, false).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys.len(), 10);
        assert_eq!(keys[0], b"key010");
        assert_eq!(keys[9], b"key019");

        let it = avccdb_create_iterator(db.db, ro);
        avccdb_iter_seek(it, ptr(b"key0155"), 7);
        let mut kl = 0;
        let k = avccdb_iter_key(it, &mut kl);
        assert_eq!(std::slice::from_raw_parts(k.cast::<u8>(), kl), b"key016");
        avccdb_iter_seek(it, ptr(b"key999"), 6);
        assert_eq!(avccdb_iter_valid(it), 0);
        assert!(avccdb_iter_key(it, &mut kl).is_null());
        assert_eq!(kl, 0);
        avccdb_iter_destroy(it);

        avccdb_readoptions_set_lower_bound(ro, std::ptr::null(), 0);
        assert!(avccdb_readoptions_get_lower_bound(ro, &mut n).is_null());
        assert_eq!(n, 0);
        avccdb_readoptions_destroy(ro);
    }
}

#[test]
fn iterator_outlives_close_and_reports_closed() {
    let dir = TempDir::new("closed");
    let mut db = Db::open(&dir);
    db.put(b"a", b"1");
    // SAFETY: live handles; the db handle is closed once and replaced.
    unsafe {
        let it = avccdb_create_iterator(db.db, db.ro);
        avccdb_close(db.db);
        db.db = std::ptr::null_mut();
        avccdb_iter_seek_to_first(it);
        assert_eq!(
            avccdb_iter_valid(it),
            1,
            "iterators stay readable after close"
        );
        let mut vl = 0;
        let v = avccdb_iter_value(it, &mut vl);
        assert_eq!(std::slice::from_raw_parts(v.cast::<u8>(), vl), b"1");
        avccdb_iter_destroy(it);
    }
    // The data is still there for the next open.
    let db2 = Db::open(&dir);
    assert_eq!(db2.get(b"a").as_deref(), Some(&b"1"[..]));
}

/// The key and value the iterator is at, if valid.
fn at(it: *const avccdb_iterator_t) -> Option<(Vec<u8>, Vec<u8>)> {
    // SAFETY: a live iterator; borrowed data copied at once.
    unsafe {
        if avccdb_iter_valid(it) == 0 {
            return None;
        }
        let (mut kl, mut vl) = (0, 0);
        let k = avccdb_iter_key(it, &mut kl);
        let v = avccdb_iter_value(it, &mut vl);
        Some((
            std::slice::from_raw_parts(k.cast::<u8>(), kl).to_vec(),
            std::slice::from_raw_parts(v.cast::<u8>(), vl).to_vec(),
        ))
    }
}

#[test]
fn random_iterator_walks_match_a_model() {
    let dir = TempDir::new("walk");
    let db = Db::open_with(&dir, small);
    let mut rng = Rng::new(99);
    let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    for round in 0..6 {
        // Data spread over tables (older rounds) and the memdb.
        for _ in 0..800 {
            let k = rand_key(&mut rng);
            if rng.one_in(4) {
                db.delete(&k);
                model.remove(&k);
            } else {
                let v = rand_value(&mut rng);
                db.put(&k, &v);
                model.insert(k, v);
            }
        }
        if round % 2 == 0 {
            let mut err = std::ptr::null_mut();
            // SAFETY: a live handle; NULL bounds compact everything.
            unsafe {
                avccdb::ffi::compaction::avccdb_compact_range2(
                    db.db,
                    std::ptr::null(),
                    0,
                    std::ptr::null(),
                    0,
                    &mut err,
                )
            };
            assert_eq!(take_err(&mut err), None);
        }
        // Bounds on odd rounds.
        let (lo, hi) = if round % 2 == 1 {
            let a = rand_key(&mut rng);
            let b = rand_key(&mut rng);
            (Some(a.clone().min(b.clone())), Some(a.max(b)))
        } else {
            (None, None)
        };
        let visible: Vec<(Vec<u8>, Vec<u8>)> = model
            .iter()
            .filter(|(k, _)| {
                lo.as_ref().is_none_or(|l| *k >= l) && hi.as_ref().is_none_or(|h| *k < h)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // SAFETY: live handles; the iterator and options are freed below.
        unsafe {
            let ro = avccdb_readoptions_create();
            if let (Some(l), Some(h)) = (&lo, &hi) {
                avccdb_readoptions_set_lower_bound(ro, ptr(l), l.len());
                avccdb_readoptions_set_upper_bound(ro, ptr(h), h.len());
            }
            let it = avccdb_create_iterator(db.db, ro);
            let mut pos: Option<usize> = None;
            for step in 0..2000 {
                match rng.below(10) {
                    0 => {
                        avccdb_iter_seek_to_first(it);
                        pos = (!visible.is_empty()).then_some(0);
                    }
                    1 => {
                        avccdb_iter_seek_to_last(it);
                        pos = visible.len().checked_sub(1);
                    }
                    2 | 3 => {
                        let k = rand_key(&mut rng);
                        avccdb_iter_seek(it, ptr(&k), k.len());
                        let i = visible.partition_point(|(vk, _)| *vk < k);
                        pos = (i < visible.len()).then_some(i);
                    }
                    4..=6 => {
                        avccdb_iter_next(it);
                        pos = pos.and_then(|p| (p + 1 < visible.len()).then_some(p + 1));
                    }
                    _ => {
                        avccdb_iter_prev(it);
                        pos = pos.and_then(|p| p.checked_sub(1));
                    }
                }
                assert_eq!(
                    at(it),
                    pos.map(|p| visible[p].clone()),
                    "round {round} step {step} bounds {lo:?}..{hi:?}"
                );
            }
            let mut err = std::ptr::null_mut();
            avccdb_iter_get_error(it, &mut err);
            assert_eq!(take_err(&mut err), None);
            avccdb_iter_destroy(it);
            avccdb_readoptions_destroy(ro);
        }
    }
}

#[test]
fn random_all_versions_walks_match_a_model() {
    let dir = TempDir::new("walkv");
    let db = Db::open_with(&dir, small);
    let mut rng = Rng::new(1234);
    // key -> version -> live value (None: deleted as of that version)
    let mut model: BTreeMap<Vec<u8>, BTreeMap<u64, Option<Vec<u8>>>> = BTreeMap::new();
    let mut err = std::ptr::null_mut();
    for round in 0..4 {
        for _ in 0..1500 {
            let k = format!("k{:03}", rng.below(120)).into_bytes();
            let ver = rng.below(8);
            // SAFETY: live handles; slices valid for the call.
            unsafe {
                if rng.one_in(4) {
                    avccdb::ffi::versions::avccdb_delete_with_version(
                        db.db,
                        db.wo,
                        ptr(&k),
                        k.len(),
                        ver,
                        &mut err,
                    );
                    model.entry(k).or_default().insert(ver, None);
                } else {
                    let v = rand_value(&mut rng);
                    avccdb::ffi::versions::avccdb_put_with_version(
                        db.db,
                        db.wo,
                        ptr(&k),
                        k.len(),
                        ver,
                        ptr(&v),
                        v.len(),
                        &mut err,
                    );
                    model.entry(k).or_default().insert(ver, Some(v));
                }
            }
            assert_eq!(take_err(&mut err), None);
        }
        if round % 2 == 0 {
            // SAFETY: a live handle.
            unsafe {
                avccdb::ffi::compaction::avccdb_compact_range2(
                    db.db,
                    std::ptr::null(),
                    0,
                    std::ptr::null(),
                    0,
                    &mut err,
                )
            };
            assert_eq!(take_err(&mut err), None);
        }
        // (key, version desc) order of every live version.
        let visible: Vec<(Vec<u8>, u64, Vec<u8>)> = model
            .iter()
            .flat_map(|(k, vs)| {
                vs.iter()
                    .rev()
                    .filter_map(move |(ver, v)| v.clone().map(|v| (k.clone(), *ver, v)))
            })
            .collect();
        // SAFETY: live handles, freed below.
        unsafe {
            let ro = avccdb_readoptions_create();
            avccdb_readoptions_set_all_versions(ro, 1);
            let it = avccdb_create_iterator(db.db, ro);
            let mut pos: Option<usize> = None;
            for step in 0..3000 {
                match rng.below(8) {
                    0 => {
                        avccdb_iter_seek_to_first(it);
                        pos = (!visible.is_empty()).then_some(0);
                    }
                    1 => {
                        avccdb_iter_seek_to_last(it);
                        pos = visible.len().checked_sub(1);
                    }
                    2 => {
                        let k = format!("k{:03}", rng.below(125)).into_bytes();
                        avccdb_iter_seek(it, ptr(&k), k.len());
                        let i = visible.partition_point(|(vk, _, _)| *vk < k);
                        pos = (i < visible.len()).then_some(i);
                    }
                    3..=5 => {
                        avccdb_iter_next(it);
                        pos = pos.and_then(|p| (p + 1 < visible.len()).then_some(p + 1));
                    }
                    _ => {
                        avccdb_iter_prev(it);
                        pos = pos.and_then(|p| p.checked_sub(1));
                    }
                }
                let got = at(it).map(|(k, v)| (k, avccdb_iter_version(it), v));
                assert_eq!(
                    got,
                    pos.map(|p| visible[p].clone()),
                    "round {round} step {step}"
                );
            }
            avccdb_iter_destroy(it);
            avccdb_readoptions_destroy(ro);
        }
    }
}
