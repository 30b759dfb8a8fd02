//! Merkle proofs through the C API: roots, reads with proofs and the
//! verifier (which takes no database handle) round-trip against a model;
//! NULL and garbage arguments are errors of the right kind, never crashes;
//! every single-byte change and every truncation of a proof is rejected;
//! a proof checked for another key, version or root fails with
//! AVCCDB_ERR_INVALID_PROOF; the integrity report and merkle_on_write.

mod ffi_support;

use std::ffi::{c_char, c_int, c_void, CStr};

use avccdb::ffi::compaction::avccdb_compact_range2;
use avccdb::ffi::comparator::*;
use avccdb::ffi::db::*;
use avccdb::ffi::error::*;
use avccdb::ffi::integrity::*;
use avccdb::ffi::options::*;
use avccdb::ffi::proof::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::snapshot::*;
use avccdb::ffi::versions::*;
use avccdb::util::random::Rng;
use ffi_support::model::{model_get, model_history, Model};
use ffi_support::{ptr, take_buf, take_err, take_string, Db, TempDir};

type Root = [u8; 32];

const NULL: *const c_char = std::ptr::null();

fn key(i: u64) -> Vec<u8> {
    format!("key{i:04}").into_bytes()
}

/// Asserts that the last call failed with `code`, and frees its message.
fn expect_err(err: &mut *mut c_char, code: i32) -> String {
    let msg = take_err(err).expect("an error message");
    assert_eq!(avccdb_last_error_code(), code, "{msg}");
    msg
}

fn master_root(db: &Db, ro: *const avccdb_readoptions_t) -> Root {
    let mut root = [0u8; 32];
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; a 32-byte root buffer.
    unsafe { avccdb_master_root(db.db, ro, root.as_mut_ptr(), &mut err) };
    assert_eq!(take_err(&mut err), None);
    root
}

struct ProvenGet {
    value: Option<(Vec<u8>, u64)>,
    root: Root,
    proof: Vec<u8>,
}

fn get_with_proof(db: &Db, ro: *const avccdb_readoptions_t, k: &[u8], version: u64) -> ProvenGet {
    let mut err = std::ptr::null_mut();
    let (mut vallen, mut found, mut prooflen) = (7usize, 7u64, 7usize);
    let mut proof: *mut c_char = std::ptr::null_mut();
    let mut root = [9u8; 32];
    // SAFETY: live handles; valid out-pointers.
    let v = unsafe {
        avccdb_get_with_proof(
            db.db,
            ro,
            ptr(k),
            k.len(),
            version,
            &mut vallen,
            &mut found,
            root.as_mut_ptr(),
            &mut proof,
            &mut prooflen,
            &mut err,
        )
    };
    assert_eq!(take_err(&mut err), None);
    assert!(!proof.is_null(), "a proof even for an absent key");
    let value = take_buf(v, vallen).map(|x| (x, found));
    if value.is_none() {
        assert_eq!((vallen, found), (0, 0));
    }
    ProvenGet {
        value,
        root,
        proof: take_buf(proof, prooflen).unwrap(),
    }
}

/// `avccdb_verify_get_proof`: Ok(answer) or Err(error code).
fn verify_get(
    root: &Root,
    k: &[u8],
    version: u64,
    proof: &[u8],
) -> Result<Option<(Vec<u8>, u64)>, i32> {
    let mut err = std::ptr::null_mut();
    let mut val: *mut c_char = std::ptr::null_mut();
    let (mut vallen, mut found) = (5usize, 5u64);
    // SAFETY: valid buffers and out-pointers.
    let rc = unsafe {
        avccdb_verify_get_proof(
            root.as_ptr(),
            ptr(k),
            k.len(),
            version,
            ptr(proof),
            proof.len(),
            &mut val,
            &mut vallen,
            &mut found,
            &mut err,
        )
    };
    match rc {
        AVCCDB_GET_FOUND => {
            assert!(err.is_null());
            Ok(Some((take_buf(val, vallen).expect("a value"), found)))
        }
        AVCCDB_GET_NOT_FOUND => {
            assert!(err.is_null() && val.is_null());
            assert_eq!((vallen, found), (0, 0));
            Ok(None)
        }
        _ => {
            assert_eq!(rc, AVCCDB_GET_ERROR);
            assert!(val.is_null());
            assert_eq!((vallen, found), (0, 0));
            let code = avccdb_last_error_code();
            take_err(&mut err).expect("an error message");
            Err(code)
        }
    }
}

/// Reads and destroys a history handle.
fn take_history(h: *mut avccdb_version_history_t) -> Vec<(u64, Vec<u8>)> {
    assert!(!h.is_null());
    // SAFETY: a live history, destroyed once at the end.
    unsafe {
        let out = (0..avccdb_version_history_count(h))
            .map(|i| {
                let mut len = 0;
                let v = avccdb_version_history_value_at(h, i, &mut len);
                (
                    avccdb_version_history_version_at(h, i),
                    std::slice::from_raw_parts(v.cast::<u8>(), len).to_vec(),
                )
            })
            .collect();
        avccdb_version_history_destroy(h);
        out
    }
}

struct ProvenHistory {
    versions: Vec<(u64, Vec<u8>)>,
    root: Root,
    proof: Vec<u8>,
}

fn history_with_proof(
    db: &Db,
    ro: *const avccdb_readoptions_t,
    k: &[u8],
    min: u64,
    max: u64,
) -> ProvenHistory {
    let mut err = std::ptr::null_mut();
    let mut proof: *mut c_char = std::ptr::null_mut();
    let mut prooflen = 0usize;
    let mut root = [0u8; 32];
    // SAFETY: live handles; valid out-pointers.
    let h = unsafe {
        avccdb_version_history_with_proof(
            db.db,
            ro,
            ptr(k),
            k.len(),
            min,
            max,
            root.as_mut_ptr(),
            &mut proof,
            &mut prooflen,
            &mut err,
        )
    };
    assert_eq!(take_err(&mut err), None);
    ProvenHistory {
        versions: take_history(h),
        root,
        proof: take_buf(proof, prooflen).unwrap(),
    }
}

fn verify_history(
    root: &Root,
    k: &[u8],
    min: u64,
    max: u64,
    proof: &[u8],
) -> Result<Vec<(u64, Vec<u8>)>, i32> {
    let mut err = std::ptr::null_mut();
    // SAFETY: valid buffers.
    let h = unsafe {
        avccdb_verify_history_proof(
            root.as_ptr(),
            ptr(k),
            k.len(),
            min,
            max,
            ptr(proof),
            proof.len(),
            &mut err,
        )
    };
    if h.is_null() {
        let code = avccdb_last_error_code();
        take_err(&mut err).expect("an error message");
        return Err(code);
    }
    assert!(err.is_null());
    Ok(take_history(h))
}

fn put_v(db: &Db, k: &[u8], version: u64, v: &[u8]) {
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; slices valid for the call.
    unsafe {
        avccdb_put_with_version(
            db.db,
            db.wo,
            ptr(k),
            k.len(),
            version,
            ptr(v),
            v.len(),
            &mut err,
        )
    };
    assert_eq!(take_err(&mut err), None);
}

fn delete_v(db: &Db, k: &[u8], version: u64) {
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; slice valid for the call.
    unsafe { avccdb_delete_with_version(db.db, db.wo, ptr(k), k.len(), version, &mut err) };
    assert_eq!(take_err(&mut err), None);
}

fn compact(db: &Db) {
    let mut err = std::ptr::null_mut();
    // SAFETY: a live handle; NULL bounds mean the whole range.
    unsafe { avccdb_compact_range2(db.db, NULL, 0, NULL, 0, &mut err) };
    assert_eq!(take_err(&mut err), None);
}

fn small(merkle_on_write: bool) -> impl FnOnce(*mut avccdb_options_t) {
    move |o| {
        // SAFETY: a live options handle.
        unsafe {
            avccdb_options_set_write_buffer_size(o, 32 << 10);
            avccdb_options_set_compaction_table_size(o, 32 << 10);
            avccdb_options_set_merkle_on_write(o, u8::from(merkle_on_write));
            assert_eq!(
                avccdb_options_get_merkle_on_write(o),
                u8::from(merkle_on_write)
            );
        }
    }
}

/// Random versioned writes and deletes, with flushes and a compaction.
fn fill(db: &Db, rng: &mut Rng, m: &mut Model, keys: u64, ops: usize, round: usize) {
    for _ in 0..ops {
        let k = key(rng.below(keys));
        let version = rng.below(8);
        if rng.one_in(6) {
            delete_v(db, &k, version);
            m.entry(k).or_default().insert(version, None);
        } else {
            let v = format!("v{round}-{}-{}", rng.below(1 << 20), "x".repeat(40)).into_bytes();
            put_v(db, &k, version, &v);
            m.entry(k).or_default().insert(version, Some(v));
        }
    }
}

/// Every proven answer equals the model, verifies through the C verifier
/// against the root returned with it, and (through the snapshot) against
/// the snapshot's root.
fn check_round_trips(db: &Db, m: &Model, rng: &mut Rng, keys: u64) {
    let snap = {
        // SAFETY: a live database handle.
        let s = unsafe { avccdb_create_snapshot(db.db) };
        assert!(!s.is_null());
        s
    };
    let snap_ro = avccdb_readoptions_create();
    let mut snap_root = [0u8; 32];
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; a 32-byte buffer.
    unsafe {
        avccdb_readoptions_set_snapshot(snap_ro, snap);
        avccdb_snapshot_master_root(db.db, snap, snap_root.as_mut_ptr(), &mut err);
    }
    assert_eq!(take_err(&mut err), None);
    assert_eq!(master_root(db, snap_ro), snap_root);
    for i in 0..120 {
        let ro = if i % 2 == 0 { snap_ro } else { db.ro };
        let k = key(rng.below(keys + 5));
        let version = if rng.one_in(3) {
            AVCCDB_MAX_VERSION
        } else {
            rng.below(8)
        };
        let g = get_with_proof(db, ro, &k, version);
        let want = model_get(m, &k, version);
        assert_eq!(g.value, want, "get {k:?} @ {version}");
        assert_eq!(verify_get(&g.root, &k, version, &g.proof), Ok(want));
        if ro == snap_ro {
            assert_eq!(g.root, snap_root);
        }
        let (a, b) = (rng.below(8), rng.below(8));
        let (min, max) = (a.min(b), a.max(b));
        let h = history_with_proof(db, ro, &k, min, max);
        let want = model_history(m, &k, min, max);
        assert_eq!(h.versions, want, "history {k:?} [{min}, {max}]");
        assert_eq!(verify_history(&h.root, &k, min, max, &h.proof), Ok(want));
        if ro == snap_ro {
            assert_eq!(h.root, snap_root);
        }
    }
    // SAFETY: live handles, released once.
    unsafe {
        avccdb_readoptions_destroy(snap_ro);
        avccdb_release_snapshot(db.db, snap);
    }
}

fn round_trips(merkle_on_write: bool, seed: u64) {
    let dir = TempDir::new("ffi-proofs");
    let db = Db::open_with(&dir, small(merkle_on_write));
    let mut m = Model::new();
    let mut rng = Rng::new(seed);
    let keys = 200;
    for round in 0..4 {
        fill(&db, &mut rng, &mut m, keys, 1500, round);
        check_round_trips(&db, &m, &mut rng, keys);
        if round == 1 {
            compact(&db);
            check_round_trips(&db, &m, &mut rng, keys);
        }
    }
}

#[test]
fn proofs_round_trip_through_the_c_api() {
    round_trips(true, 7);
}

#[test]
fn proofs_round_trip_without_merkle_on_write() {
    round_trips(false, 8);
}

#[test]
fn snapshot_root_is_stable_while_the_current_root_moves() {
    let dir = TempDir::new("ffi-proofs-stable");
    let db = Db::open_with(&dir, small(true));
    for i in 0..50 {
        put_v(&db, &key(i), 1, b"one");
    }
    let r0 = master_root(&db, db.ro);
    assert_eq!(master_root(&db, db.ro), r0, "no write, same root");
    // SAFETY: a live database handle.
    let snap = unsafe { avccdb_create_snapshot(db.db) };
    let mut snap_root = [0u8; 32];
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles; a 32-byte buffer.
    unsafe { avccdb_snapshot_master_root(db.db, snap, snap_root.as_mut_ptr(), &mut err) };
    assert_eq!(take_err(&mut err), None);
    assert_eq!(snap_root, r0);
    let before = get_with_proof(&db, db.ro, &key(3), AVCCDB_MAX_VERSION);
    assert_eq!(before.value, Some((b"one".to_vec(), 1)));

    delete_v(&db, &key(3), 2);
    let r1 = master_root(&db, db.ro);
    assert_ne!(r1, r0, "a write changes the root");
    compact(&db);
    let r2 = master_root(&db, db.ro);
    assert_ne!(r2, r1, "a compaction changes the root");

    // The snapshot's root and proofs stay as they were.
    let snap_ro = avccdb_readoptions_create();
    // SAFETY: live handles.
    unsafe { avccdb_readoptions_set_snapshot(snap_ro, snap) };
    assert_eq!(master_root(&db, snap_ro), r0);
    let through_snap = get_with_proof(&db, snap_ro, &key(3), AVCCDB_MAX_VERSION);
    assert_eq!(through_snap.root, r0);
    assert_eq!(through_snap.value, Some((b"one".to_vec(), 1)));

    // Now: deleted. The old proof of existence does not verify against the
    // new root, and the new proof of absence not against the old one.
    let now = get_with_proof(&db, db.ro, &key(3), AVCCDB_MAX_VERSION);
    assert_eq!(now.value, None);
    assert_eq!(now.root, r2);
    assert_eq!(
        verify_get(&r2, &key(3), AVCCDB_MAX_VERSION, &now.proof),
        Ok(None)
    );
    assert_eq!(
        verify_get(&r2, &key(3), AVCCDB_MAX_VERSION, &before.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    assert_eq!(
        verify_get(&r0, &key(3), AVCCDB_MAX_VERSION, &now.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    assert_eq!(
        verify_get(&r0, &key(3), AVCCDB_MAX_VERSION, &before.proof),
        Ok(Some((b"one".to_vec(), 1)))
    );
    // SAFETY: live handles, released once.
    unsafe {
        avccdb_readoptions_destroy(snap_ro);
        avccdb_release_snapshot(db.db, snap);
    }
}

/// A database with several layers: tables on a level (from a compaction),
/// level-0 tables (from flushes), a memdb; keys overwritten in newer
/// layers, and deletions.
fn layered_db(dir: &TempDir) -> Db {
    let db = Db::open_with(dir, small(true));
    for i in 0..1200 {
        put_v(
            &db,
            &key(i),
            1,
            format!("first-{i}-{}", "p".repeat(60)).as_bytes(),
        );
    }
    compact(&db);
    let filler = "f".repeat(1000);
    for i in (0..1200).step_by(3) {
        put_v(&db, &key(i), 5, format!("second-{i}").as_bytes());
        // Fillers (sorting after every other key) make the memdb flush.
        put_v(&db, format!("zfill{i:04}").as_bytes(), 1, filler.as_bytes());
    }
    for i in (0..1200).step_by(7) {
        delete_v(&db, &key(i), 6);
    }
    put_v(&db, b"mem-only", 3, b"in the memdb");
    db
}

#[test]
fn a_proof_for_another_query_or_root_fails() {
    let dir = TempDir::new("ffi-proofs-other");
    let db = layered_db(&dir);
    let latest = AVCCDB_MAX_VERSION;
    // Through a snapshot: background compactions would otherwise move the
    // root between the reads below.
    // SAFETY: a live database handle.
    let snap = unsafe { avccdb_create_snapshot(db.db) };
    let ro = avccdb_readoptions_create();
    // SAFETY: live handles.
    unsafe { avccdb_readoptions_set_snapshot(ro, snap) };

    // key 3: versions 1 and 5; key 7: version 1, deleted at 6; key 1: 1.
    let k3 = get_with_proof(&db, ro, &key(3), latest);
    assert_eq!(k3.value, Some((b"second-3".to_vec(), 5)));
    let root = k3.root;
    assert_eq!(verify_get(&root, &key(3), latest, &k3.proof), Ok(k3.value));
    // Another key (which has a different answer).
    assert_eq!(
        verify_get(&root, &key(1), latest, &k3.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    assert_eq!(
        verify_get(&root, b"mem-only", latest, &k3.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    // Another version, whose answer is version 1.
    assert_eq!(
        verify_get(&root, &key(3), 4, &k3.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    // Another root.
    let mut other = root;
    other[31] ^= 1;
    assert_eq!(
        verify_get(&other, &key(3), latest, &k3.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    // A get proof is not a history proof, nor the reverse.
    assert_eq!(
        verify_history(&root, &key(3), 0, latest, &k3.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    let h = history_with_proof(&db, ro, &key(3), 0, latest);
    assert_eq!(
        h.versions,
        vec![
            (5, b"second-3".to_vec()),
            (1, format!("first-3-{}", "p".repeat(60)).into_bytes())
        ]
    );
    assert_eq!(
        verify_get(&root, &key(3), latest, &h.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    assert_eq!(
        verify_history(&root, &key(6), 0, latest, &h.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    assert_eq!(
        verify_history(&root, &key(3), 2, latest, &h.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );

    // Older version: found as version 1 at version 4.
    let old = get_with_proof(&db, ro, &key(3), 4);
    assert_eq!(old.value.as_ref().map(|v| v.1), Some(1));
    assert_eq!(verify_get(&root, &key(3), 4, &old.proof), Ok(old.value));
    assert_eq!(
        verify_get(&root, &key(3), latest, &old.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );

    // Deleted: absent now, found at version 5.
    let del = get_with_proof(&db, ro, &key(7), latest);
    assert_eq!(del.value, None);
    assert_eq!(verify_get(&root, &key(7), latest, &del.proof), Ok(None));
    assert_eq!(
        verify_get(&root, &key(7), 5, &del.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    assert_eq!(
        verify_get(&root, &key(1), latest, &del.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    // Never written.
    let never = get_with_proof(&db, ro, b"key0003x", latest);
    assert_eq!(never.value, None);
    assert_eq!(
        verify_get(&root, b"key0003x", latest, &never.proof),
        Ok(None)
    );
    assert_eq!(
        verify_get(&root, &key(3), latest, &never.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
    // SAFETY: live handles, released once.
    unsafe {
        avccdb_readoptions_destroy(ro);
        avccdb_release_snapshot(db.db, snap);
    }
}

/// Every single-byte change (two patterns) and every truncation of a proof
/// is rejected with AVCCDB_ERR_INVALID_PROOF.
fn assert_tamper_proof(proof: &[u8], check: impl Fn(&[u8]) -> Result<(), i32>) {
    assert_eq!(check(proof), Ok(()), "the untouched proof verifies");
    let mut bytes = proof.to_vec();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0xff] {
            bytes[i] ^= mask;
            assert_eq!(
                check(&bytes),
                Err(AVCCDB_ERR_INVALID_PROOF),
                "byte {i} ^ {mask:#x} of {} accepted",
                bytes.len()
            );
            bytes[i] ^= mask;
        }
    }
    for len in 0..proof.len() {
        assert_eq!(
            check(&proof[..len]),
            Err(AVCCDB_ERR_INVALID_PROOF),
            "truncated to {len}"
        );
    }
    let mut longer = proof.to_vec();
    longer.push(0);
    assert_eq!(check(&longer), Err(AVCCDB_ERR_INVALID_PROOF));
}

#[test]
fn every_flipped_byte_is_rejected() {
    let dir = TempDir::new("ffi-proofs-flip");
    let db = layered_db(&dir);
    let latest = AVCCDB_MAX_VERSION;
    let cases: [(&[u8], u64); 5] = [
        (&key(3), latest),     // found, overwritten in a newer layer
        (&key(3), 4),          // an older version
        (&key(7), latest),     // deleted
        (b"key0003x", latest), // never written, between keys
        (b"mem-only", latest), // in the memdb
    ];
    for (k, version) in cases {
        let g = get_with_proof(&db, db.ro, k, version);
        let want = g.value.clone();
        assert_tamper_proof(&g.proof, |p| {
            verify_get(&g.root, k, version, p)
                .map(|a| assert_eq!(a, want, "a changed proof verified to another answer"))
        });
    }
    let h = history_with_proof(&db, db.ro, &key(21), 0, latest);
    assert_eq!(h.versions.len(), 2, "{:?}", h.versions);
    assert_tamper_proof(&h.proof, |p| {
        verify_history(&h.root, &key(21), 0, latest, p).map(|a| assert_eq!(a, h.versions))
    });
}

#[test]
fn null_and_garbage_arguments_are_errors() {
    let dir = TempDir::new("ffi-proofs-null");
    let db = layered_db(&dir);
    let g = get_with_proof(&db, db.ro, &key(3), AVCCDB_MAX_VERSION);
    let root = g.root;
    let k = key(3);
    let mut err = std::ptr::null_mut();
    let mut buf = [7u8; 32];
    let (mut vallen, mut prooflen) = (1usize, 1usize);
    let mut proof: *mut c_char = std::ptr::null_mut();
    let mut val: *mut c_char = std::ptr::null_mut();
    let nul_db: *mut avccdb_t = std::ptr::null_mut();
    let nul_ro: *const avccdb_readoptions_t = std::ptr::null();
    // SAFETY: every pointer is NULL or valid; NULLs are reported, not used.
    unsafe {
        avccdb_master_root(nul_db, db.ro, buf.as_mut_ptr(), &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
        assert_eq!(buf, [0u8; 32], "root_out is zeroed on failure");
        avccdb_master_root(db.db, nul_ro, buf.as_mut_ptr(), &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
        avccdb_master_root(db.db, db.ro, std::ptr::null_mut(), &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
        // errptr may be NULL: the code still tells.
        avccdb_master_root(nul_db, db.ro, buf.as_mut_ptr(), std::ptr::null_mut());
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
        avccdb_snapshot_master_root(db.db, std::ptr::null(), buf.as_mut_ptr(), &mut err);
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);

        // get_with_proof: each required out-pointer NULL in turn.
        let get = |db, ro, key: *const c_char, keylen, vl, rt, pf, pl, err| {
            avccdb_get_with_proof(
                db,
                ro,
                key,
                keylen,
                AVCCDB_MAX_VERSION,
                vl,
                std::ptr::null_mut(),
                rt,
                pf,
                pl,
                err,
            )
        };
        let r = buf.as_mut_ptr();
        for (dbp, ro, kp, kl, vl, rt, pf, pl) in [
            (
                nul_db,
                db.ro.cast_const(),
                ptr(&k),
                k.len(),
                &mut vallen as *mut usize,
                r,
                &mut proof as *mut *mut c_char,
                &mut prooflen as *mut usize,
            ),
            (
                db.db,
                nul_ro,
                ptr(&k),
                k.len(),
                &mut vallen,
                r,
                &mut proof,
                &mut prooflen,
            ),
            (
                db.db,
                db.ro,
                NULL,
                3,
                &mut vallen,
                r,
                &mut proof,
                &mut prooflen,
            ),
            (
                db.db,
                db.ro,
                ptr(&k),
                k.len(),
                std::ptr::null_mut(),
                r,
                &mut proof,
                &mut prooflen,
            ),
            (
                db.db,
                db.ro,
                ptr(&k),
                k.len(),
                &mut vallen,
                std::ptr::null_mut(),
                &mut proof,
                &mut prooflen,
            ),
            (
                db.db,
                db.ro,
                ptr(&k),
                k.len(),
                &mut vallen,
                r,
                std::ptr::null_mut(),
                &mut prooflen,
            ),
            (
                db.db,
                db.ro,
                ptr(&k),
                k.len(),
                &mut vallen,
                r,
                &mut proof,
                std::ptr::null_mut(),
            ),
        ] {
            let v = get(dbp, ro, kp, kl, vl, rt, pf, pl, &mut err);
            assert!(v.is_null());
            expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
            assert!(proof.is_null());
            assert_eq!(prooflen, 0);
        }

        // history with proof: bad range, NULL outputs.
        let h = avccdb_version_history_with_proof(
            db.db,
            db.ro,
            ptr(&k),
            k.len(),
            5,
            2,
            r,
            &mut proof,
            &mut prooflen,
            &mut err,
        );
        assert!(h.is_null() && proof.is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
        let h = avccdb_version_history_with_proof(
            db.db,
            db.ro,
            ptr(&k),
            k.len(),
            0,
            9,
            r,
            std::ptr::null_mut(),
            &mut prooflen,
            &mut err,
        );
        assert!(h.is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
        let h = avccdb_version_history_with_proof(
            nul_db,
            db.ro,
            ptr(&k),
            k.len(),
            0,
            9,
            r,
            &mut proof,
            &mut prooflen,
            &mut err,
        );
        assert!(h.is_null());
        expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);

        // verify_get_proof: NULL root, NULL val/vallen, NULL key or proof
        // with a length.
        let p = &g.proof;
        let vg = |root: *const u8, key, keylen, proof, prooflen, val, vallen, err| {
            avccdb_verify_get_proof(
                root,
                key,
                keylen,
                AVCCDB_MAX_VERSION,
                proof,
                prooflen,
                val,
                vallen,
                std::ptr::null_mut(),
                err,
            )
        };
        for (rt, kp, kl, pp, pl, vp, vl) in [
            (
                std::ptr::null(),
                ptr(&k),
                k.len(),
                ptr(p),
                p.len(),
                &mut val as *mut *mut c_char,
                &mut vallen as *mut usize,
            ),
            (
                root.as_ptr(),
                NULL,
                4,
                ptr(p),
                p.len(),
                &mut val,
                &mut vallen,
            ),
            (
                root.as_ptr(),
                ptr(&k),
                k.len(),
                NULL,
                10,
                &mut val,
                &mut vallen,
            ),
            (
                root.as_ptr(),
                ptr(&k),
                k.len(),
                ptr(p),
                p.len(),
                std::ptr::null_mut(),
                &mut vallen,
            ),
            (
                root.as_ptr(),
                ptr(&k),
                k.len(),
                ptr(p),
                p.len(),
                &mut val,
                std::ptr::null_mut(),
            ),
        ] {
            assert_eq!(vg(rt, kp, kl, pp, pl, vp, vl, &mut err), AVCCDB_GET_ERROR);
            expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
        }
        // found_version may be NULL; errptr may be NULL.
        let rc = avccdb_verify_get_proof(
            root.as_ptr(),
            ptr(&k),
            k.len(),
            AVCCDB_MAX_VERSION,
            ptr(p),
            p.len(),
            &mut val,
            &mut vallen,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        assert_eq!(rc, AVCCDB_GET_FOUND);
        assert_eq!(take_buf(val, vallen).unwrap(), b"second-3");
        let rc = avccdb_verify_get_proof(
            root.as_ptr(),
            ptr(&k),
            k.len(),
            AVCCDB_MAX_VERSION,
            NULL,
            0,
            &mut val,
            &mut vallen,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        assert_eq!(rc, AVCCDB_GET_ERROR);
        assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_PROOF);

        // verify_history_proof: NULL root, bad range (before the proof is
        // looked at), NULL proof with a length.
        for (rt, min, max, pp, pl) in [
            (std::ptr::null(), 0, 9, ptr(p), p.len()),
            (root.as_ptr(), 9, 0, ptr(p), p.len()),
            (root.as_ptr(), 9, 0, ptr(b"garbage"), 7),
            (root.as_ptr(), 0, 9, NULL, 3),
        ] {
            let h = avccdb_verify_history_proof(rt, ptr(&k), k.len(), min, max, pp, pl, &mut err);
            assert!(h.is_null());
            expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
        }
    }

    // Garbage proofs: empty, random bytes, a valid header with nonsense.
    let mut rng = Rng::new(99);
    let mut garbage: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"AVCP".to_vec(),
        b"AVCP\x01\x01\xff\xff\xff\xff".to_vec(),
        b"AVCP\x01\x02\x00\x00\x00\x00".to_vec(),
        b"AVCP\x01\x01\x00\x00\x00\x00".to_vec(),
    ];
    for len in [1usize, 10, 43, 100, 1000, 5000] {
        for _ in 0..20 {
            let mut v: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
            if rng.one_in(2) && len >= 10 {
                v[..6].copy_from_slice(b"AVCP\x01\x01");
            }
            garbage.push(v);
        }
    }
    // Valid proofs with huge counts and lengths patched in.
    for at in (6..g.proof.len().min(200)).step_by(3) {
        let mut v = g.proof.clone();
        v[at..(at + 4).min(g.proof.len())].fill(0xff);
        garbage.push(v);
    }
    for bytes in &garbage {
        assert_eq!(
            verify_get(&root, &k, AVCCDB_MAX_VERSION, bytes),
            Err(AVCCDB_ERR_INVALID_PROOF),
            "{bytes:?}"
        );
        assert_eq!(
            verify_history(&root, &k, 0, AVCCDB_MAX_VERSION, bytes),
            Err(AVCCDB_ERR_INVALID_PROOF)
        );
    }
    // Nor does a valid proof verify against the zero root.
    let empty_root = [0u8; 32];
    assert_eq!(
        verify_get(&empty_root, &k, AVCCDB_MAX_VERSION, &g.proof),
        Err(AVCCDB_ERR_INVALID_PROOF)
    );
}

#[test]
fn empty_database_and_empty_key() {
    let dir = TempDir::new("ffi-proofs-empty");
    let db = Db::open(&dir);
    let root = master_root(&db, db.ro);
    let g = get_with_proof(&db, db.ro, b"", AVCCDB_MAX_VERSION);
    assert_eq!(g.value, None);
    assert_eq!(g.root, root);
    assert_eq!(
        verify_get(&root, b"", AVCCDB_MAX_VERSION, &g.proof),
        Ok(None)
    );
    // A NULL key of length 0 is the empty key.
    let mut err = std::ptr::null_mut();
    let (mut val, mut vallen) = (std::ptr::null_mut(), 0usize);
    // SAFETY: valid buffers; NULL with length 0 is the empty key.
    let rc = unsafe {
        avccdb_verify_get_proof(
            root.as_ptr(),
            NULL,
            0,
            AVCCDB_MAX_VERSION,
            ptr(&g.proof),
            g.proof.len(),
            &mut val,
            &mut vallen,
            std::ptr::null_mut(),
            &mut err,
        )
    };
    assert_eq!(rc, AVCCDB_GET_NOT_FOUND);
    assert!(err.is_null());

    put_v(&db, b"", 4, b"empty key");
    put_v(&db, b"a", 4, b"");
    let g = get_with_proof(&db, db.ro, b"", AVCCDB_MAX_VERSION);
    assert_eq!(g.value, Some((b"empty key".to_vec(), 4)));
    assert_eq!(
        verify_get(&g.root, b"", AVCCDB_MAX_VERSION, &g.proof),
        Ok(g.value.clone())
    );
    // An empty value is found, not absent.
    let g = get_with_proof(&db, db.ro, b"a", AVCCDB_MAX_VERSION);
    assert_eq!(g.value, Some((Vec::new(), 4)));
    assert_eq!(
        verify_get(&g.root, b"a", AVCCDB_MAX_VERSION, &g.proof),
        Ok(Some((Vec::new(), 4)))
    );
    let h = history_with_proof(&db, db.ro, b"zzz", 0, AVCCDB_MAX_VERSION);
    assert!(h.versions.is_empty());
    assert_eq!(
        verify_history(&h.root, b"zzz", 0, AVCCDB_MAX_VERSION, &h.proof),
        Ok(Vec::new())
    );
}

#[test]
fn integrity_report_counts_and_problems() {
    let dir = TempDir::new("ffi-proofs-integrity");
    let mut err = std::ptr::null_mut();
    {
        let db = layered_db(&dir);
        compact(&db);
        // SAFETY: a live handle; the report is read then destroyed.
        unsafe {
            let r = avccdb_check_integrity(db.db, &mut err);
            assert_eq!(take_err(&mut err), None);
            assert!(!r.is_null());
            assert!(avccdb_integrity_report_tables(r) >= 1);
            assert!(avccdb_integrity_report_blocks(r) >= avccdb_integrity_report_tables(r));
            assert!(avccdb_integrity_report_records(r) >= 400);
            assert!(avccdb_integrity_report_bytes(r) > 0);
            assert_eq!(avccdb_integrity_report_problem_count(r), 0);
            let mut len = 9;
            assert!(avccdb_integrity_report_problem_at(r, 0, &mut len).is_null());
            assert_eq!(len, 0);
            assert_eq!(avccdb_last_error_code(), AVCCDB_ERR_INVALID_ARGUMENT);
            let text = take_string(avccdb_integrity_report_text(r)).unwrap();
            assert!(
                text.starts_with("tables ") && text.ends_with("problems 0\n"),
                "{text}"
            );
            avccdb_integrity_report_destroy(r);

            assert!(avccdb_check_integrity(std::ptr::null_mut(), &mut err).is_null());
            expect_err(&mut err, AVCCDB_ERR_INVALID_ARGUMENT);
            let nul: *const avccdb_integrity_report_t = std::ptr::null();
            assert_eq!(avccdb_integrity_report_tables(nul), 0);
            assert_eq!(avccdb_integrity_report_problem_count(nul), 0);
            assert!(avccdb_integrity_report_text(nul).is_null());
            avccdb_integrity_report_destroy(std::ptr::null_mut());
        }
    }
    // Damage one table: the report names it, the check itself succeeds.
    let table = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "ldb"))
        .expect("a table file");
    let mut bytes = std::fs::read(&table).unwrap();
    bytes[20] ^= 0x5a;
    std::fs::write(&table, bytes).unwrap();
    let db = Db::open(&dir);
    // SAFETY: a live handle; the report is read then destroyed.
    unsafe {
        let r = avccdb_check_integrity(db.db, &mut err);
        assert_eq!(take_err(&mut err), None);
        assert_eq!(avccdb_integrity_report_problem_count(r), 1);
        let mut len = 0;
        let line = avccdb_integrity_report_problem_at(r, 0, &mut len);
        let line = CStr::from_ptr(line).to_str().unwrap().to_owned();
        assert_eq!(line.len(), len);
        let name = table.file_name().unwrap().to_str().unwrap();
        assert!(line.contains(name), "{line}");
        let text = take_string(avccdb_integrity_report_text(r)).unwrap();
        assert!(
            text.contains(&line) && text.contains("problems 1\n"),
            "{text}"
        );
        avccdb_integrity_report_destroy(r);
    }
}

extern "C" fn reverse_compare(
    _: *mut c_void,
    a: *const c_char,
    alen: usize,
    b: *const c_char,
    blen: usize,
) -> c_int {
    // SAFETY: the library passes valid slices.
    let (a, b) = unsafe {
        (
            std::slice::from_raw_parts(a.cast::<u8>(), alen),
            std::slice::from_raw_parts(b.cast::<u8>(), blen),
        )
    };
    b.cmp(a) as c_int
}

extern "C" fn reverse_name(_: *mut c_void) -> *const c_char {
    c"test.reverse".as_ptr()
}

#[test]
fn a_custom_comparator_is_not_supported() {
    let dir = TempDir::new("ffi-proofs-cmp");
    let db = Db::open_with(&dir, |o| {
        // SAFETY: valid callbacks; the options keep their own reference.
        unsafe {
            let cmp = avccdb_comparator_create(
                std::ptr::null_mut(),
                None,
                Some(reverse_compare),
                Some(reverse_name),
            );
            avccdb_options_set_comparator(o, cmp);
            avccdb_comparator_destroy(cmp);
        }
    });
    db.put(b"k", b"v");
    let mut err = std::ptr::null_mut();
    let mut root = [0u8; 32];
    let (mut vallen, mut prooflen) = (0usize, 0usize);
    let mut proof = std::ptr::null_mut();
    // SAFETY: live handles; valid out-pointers.
    unsafe {
        avccdb_master_root(db.db, db.ro, root.as_mut_ptr(), &mut err);
        expect_err(&mut err, AVCCDB_ERR_NOT_SUPPORTED);
        let v = avccdb_get_with_proof(
            db.db,
            db.ro,
            ptr(b"k"),
            1,
            AVCCDB_MAX_VERSION,
            &mut vallen,
            std::ptr::null_mut(),
            root.as_mut_ptr(),
            &mut proof,
            &mut prooflen,
            &mut err,
        );
        assert!(v.is_null() && proof.is_null());
        expect_err(&mut err, AVCCDB_ERR_NOT_SUPPORTED);
    }
}

#[test]
fn proofs_after_a_transaction_and_a_reopen() {
    use avccdb::ffi::transaction::*;
    let dir = TempDir::new("ffi-proofs-txn");
    let mut m = Model::new();
    {
        let db = Db::open_with(&dir, small(true));
        for i in 0..100 {
            let v = format!("before-{i}").into_bytes();
            put_v(&db, &key(i), 1, &v);
            m.entry(key(i)).or_default().insert(1, Some(v));
        }
        // Readers take roots and proofs while a transaction writes tables
        // and commits.
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || n == 0 {
                    let g = get_with_proof(&db, db.ro, &key(n % 150), AVCCDB_MAX_VERSION);
                    let verified = verify_get(&g.root, &key(n % 150), AVCCDB_MAX_VERSION, &g.proof);
                    assert_eq!(verified, Ok(g.value));
                    n += 1;
                }
            });
            let mut err = std::ptr::null_mut();
            // SAFETY: a live database handle; the transaction is used by
            // this thread only and destroyed once.
            unsafe {
                let t = avccdb_open_transaction(db.db, &mut err);
                assert_eq!(take_err(&mut err), None);
                for i in 50..150 {
                    let k = key(i);
                    let v = format!("txn-{i}-{}", "t".repeat(500)).into_bytes();
                    avccdb_transaction_put_with_version(
                        t,
                        ptr(&k),
                        k.len(),
                        2,
                        ptr(&v),
                        v.len(),
                        &mut err,
                    );
                    assert_eq!(take_err(&mut err), None);
                    m.entry(k).or_default().insert(2, Some(v));
                }
                avccdb_transaction_commit(t, &mut err);
                assert_eq!(take_err(&mut err), None);
                avccdb_transaction_destroy(t);
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        for i in 0..155 {
            let g = get_with_proof(&db, db.ro, &key(i), AVCCDB_MAX_VERSION);
            let want = model_get(&m, &key(i), AVCCDB_MAX_VERSION);
            assert_eq!(g.value, want);
            assert_eq!(
                verify_get(&g.root, &key(i), AVCCDB_MAX_VERSION, &g.proof),
                Ok(want)
            );
        }
    }
    // Reopened: tables from the manifest, the memdb from the journal.
    let db = Db::open_with(&dir, small(true));
    for i in 0..155 {
        let g = get_with_proof(&db, db.ro, &key(i), AVCCDB_MAX_VERSION);
        let want = model_get(&m, &key(i), AVCCDB_MAX_VERSION);
        assert_eq!(g.value, want);
        assert_eq!(
            verify_get(&g.root, &key(i), AVCCDB_MAX_VERSION, &g.proof),
            Ok(want)
        );
        let h = history_with_proof(&db, db.ro, &key(i), 0, AVCCDB_MAX_VERSION);
        assert_eq!(
            h.versions,
            model_history(&m, &key(i), 0, AVCCDB_MAX_VERSION)
        );
        assert_eq!(
            verify_history(&h.root, &key(i), 0, AVCCDB_MAX_VERSION, &h.proof),
            Ok(h.versions)
        );
    }
    let mut err = std::ptr::null_mut();
    // SAFETY: a live handle; the report is destroyed once.
    unsafe {
        let r = avccdb_check_integrity(db.db, &mut err);
        assert_eq!(take_err(&mut err), None);
        assert_eq!(avccdb_integrity_report_problem_count(r), 0);
        avccdb_integrity_report_destroy(r);
    }
}
