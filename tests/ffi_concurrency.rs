//! One database handle shared by threads through the C API, as the header
//! promises: writers, point readers, iterators and snapshots at once.
//! Every value is `<writer>:<counter>`, so readers can check that what
//! they see is well formed and never goes back in time.

mod ffi_support;

use std::sync::atomic::{AtomicBool, Ordering};

use avccdb::ffi::batch::*;
use avccdb::ffi::db::*;
use avccdb::ffi::iterator::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::snapshot::*;
use avccdb::util::random::Rng;
use ffi_support::{ptr, take_err, Db, TempDir};

const WRITERS: u64 = 3;
const KEYS: u64 = 50;
const ROUNDS: u64 = 300;

fn key(w: u64, k: u64) -> Vec<u8> {
    format!("w{w}-k{k:03}").into_bytes()
}

fn parse(v: &[u8]) -> (u64, u64) {
    let s = std::str::from_utf8(v).expect("utf-8 value");
    let (w, n) = s.split_once(':').expect("well-formed value");
    (w.parse().unwrap(), n.parse().unwrap())
}

#[test]
fn writers_readers_iterators_and_snapshots_share_one_handle() {
    let dir = TempDir::new("concurrency");
    let db = Db::open_with(&dir, |o| {
        // SAFETY: a live options handle.
        unsafe { avccdb::ffi::options::avccdb_options_set_write_buffer_size(o, 32 << 10) };
    });
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let db = &db;
            writers.push(s.spawn(move || {
                let mut err = std::ptr::null_mut();
                for round in 1..=ROUNDS {
                    // Every key of this writer moves to `round` together,
                    // half through single puts, half through a batch.
                    // SAFETY: live handles shared as the header allows.
                    unsafe {
                        let b = avccdb_writebatch_create();
                        for k in 0..KEYS {
                            let (kk, v) = (key(w, k), format!("{w}:{round}").into_bytes());
                            if k % 2 == 0 {
                                avccdb_put(
                                    db.db,
                                    db.wo,
                                    ptr(&kk),
                                    kk.len(),
                                    ptr(&v),
                                    v.len(),
                                    &mut err,
                                );
                            } else {
                                avccdb_writebatch_put(b, ptr(&kk), kk.len(), ptr(&v), v.len());
                            }
                        }
                        avccdb_write(db.db, db.wo, b, &mut err);
                        avccdb_writebatch_destroy(b);
                    }
                    assert_eq!(take_err(&mut err), None);
                }
            }));
        }
        for r in 0..2u64 {
            let (db, done) = (&db, &done);
            s.spawn(move || {
                let mut rng = Rng::new(r);
                let mut last = vec![0u64; (WRITERS * KEYS) as usize];
                while !done.load(Ordering::Acquire) {
                    let (w, k) = (rng.below(WRITERS), rng.below(KEYS));
                    if let Some(v) = db.get(&key(w, k)) {
                        let (vw, n) = parse(&v);
                        assert_eq!(vw, w);
                        let slot = &mut last[(w * KEYS + k) as usize];
                        assert!(n >= *slot, "a read went back in time");
                        *slot = n;
                    }
                    // A snapshot's iterator sees, per writer, only rounds
                    // that writer had started; batch halves are atomic.
                    // SAFETY: live handles, each freed once.
                    unsafe {
                        let snap = avccdb_create_snapshot(db.db);
                        let ro = avccdb_readoptions_create();
                        avccdb_readoptions_set_snapshot(ro, snap);
                        avccdb_release_snapshot(db.db, snap);
                        let it = avccdb_create_iterator(db.db, ro);
                        let mut odd_round: Vec<Option<u64>> = vec![None; WRITERS as usize];
                        avccdb_iter_seek_to_first(it);
                        while avccdb_iter_valid(it) != 0 {
                            let (mut kl, mut vl) = (0, 0);
                            let kp = avccdb_iter_key(it, &mut kl);
                            let vp = avccdb_iter_value(it, &mut vl);
                            let k = std::slice::from_raw_parts(kp.cast::<u8>(), kl);
                            let (vw, n) = parse(std::slice::from_raw_parts(vp.cast::<u8>(), vl));
                            let kn: u64 = std::str::from_utf8(&k[k.len() - 3..])
                                .unwrap()
                                .parse()
                                .unwrap();
                            if kn % 2 == 1 {
                                // Odd keys come from one batch per round.
                                let seen = odd_round[vw as usize].get_or_insert(n);
                                assert_eq!(*seen, n, "a batch was seen half-applied");
                            }
                            avccdb_iter_next(it);
                        }
                        let mut err = std::ptr::null_mut();
                        avccdb_iter_get_error(it, &mut err);
                        assert_eq!(take_err(&mut err), None);
                        avccdb_iter_destroy(it);
                        avccdb_readoptions_destroy(ro);
                    }
                }
            });
        }
        // Stop the readers once the writers are done.
        for w in writers {
            w.join().unwrap();
        }
        done.store(true, Ordering::Release);
    });
    // Every key ends at the last round.
    for w in 0..WRITERS {
        for k in 0..KEYS {
            assert_eq!(
                db.get(&key(w, k)),
                Some(format!("{w}:{ROUNDS}").into_bytes())
            );
        }
    }
}
