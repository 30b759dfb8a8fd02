//! Many writers, with write merging on and off, and readers that must see
//! consistent snapshots while writes, flushes and compactions run.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use avccdb::{Batch, Db, ReadOptions, WriteOptions};
use common::{ro, small_options, TempDir};

const THREADS: u64 = 8;
const PER_THREAD: u64 = 2_000;

fn thread_key(t: u64, i: u64) -> Vec<u8> {
    format!("t{t}-{i:06}").into_bytes()
}

fn run_writers(db: &Arc<Db>, wo: WriteOptions) {
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let db = db.clone();
            thread::spawn(move || {
                for i in 0..PER_THREAD {
                    db.put(&thread_key(t, i), format!("{t}:{i}").as_bytes(), &wo)
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

fn check_all(db: &Db) {
    for t in 0..THREADS {
        for i in 0..PER_THREAD {
            assert_eq!(
                db.get(&thread_key(t, i), &ro()).unwrap(),
                Some(format!("{t}:{i}").into_bytes()),
                "thread {t} write {i}"
            );
        }
    }
}

#[test]
fn concurrent_writers_with_merging_lose_nothing_and_merge() {
    let dir = TempDir::new("merge-on");
    let db = Arc::new(Db::open(dir.path(), small_options()).unwrap());
    // Synced writes keep the lock holder busy long enough for the others
    // to queue up behind it and be merged.
    run_writers(
        &db,
        WriteOptions {
            sync: true,
            ..WriteOptions::default()
        },
    );
    check_all(&db);
    let stats = db.stats();
    assert!(stats.writes_merged > 0, "{stats:?}");
    assert!(stats.write_groups < THREADS * PER_THREAD);
}

#[test]
fn concurrent_writers_without_merging_lose_nothing() {
    let dir = TempDir::new("merge-off");
    let opts = avccdb::Options {
        no_write_merge: true,
        ..small_options()
    };
    let db = Arc::new(Db::open(dir.path(), opts).unwrap());
    run_writers(&db, WriteOptions::default());
    check_all(&db);
    assert_eq!(db.stats().writes_merged, 0);
    assert_eq!(db.stats().write_groups, THREADS * PER_THREAD);

    // Per-write opt-out on a merging database.
    let dir2 = TempDir::new("merge-off-per-write");
    let db2 = Arc::new(Db::open(dir2.path(), small_options()).unwrap());
    run_writers(
        &db2,
        WriteOptions {
            no_write_merge: true,
            ..WriteOptions::default()
        },
    );
    check_all(&db2);
    assert_eq!(db2.stats().writes_merged, 0);
}

/// Writers commit pairs (a_i, b_i) with equal values in one batch and bump
/// a per-writer round; readers check every snapshot they take shows each
/// pair whole and that a snapshot reads the same twice.
#[test]
fn readers_see_consistent_snapshots_during_writes_and_compactions() {
    let dir = TempDir::new("readers");
    let db = Arc::new(Db::open(dir.path(), small_options()).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3u64)
        .map(|w| {
            let db = db.clone();
            thread::spawn(move || {
                for round in 0..400u64 {
                    let mut batch = Batch::new();
                    for i in 0..20u64 {
                        let v = format!("{w}-{round}-{}", "p".repeat(40));
                        batch.put(format!("a/{w}/{i:03}").as_bytes(), v.as_bytes());
                        batch.put(format!("b/{w}/{i:03}").as_bytes(), v.as_bytes());
                    }
                    db.write(&batch, &WriteOptions::default()).unwrap();
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let db = db.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                let mut checks = 0u64;
                while !stop.load(Ordering::Acquire) || checks < 5 {
                    let snap = db.snapshot();
                    let ro = ReadOptions {
                        snapshot: Some(snap.clone()),
                        ..ReadOptions::default()
                    };
                    let collect = |prefix: &[u8]| {
                        let mut it = db
                            .iter(&ReadOptions {
                                lower_bound: Some(prefix.to_vec()),
                                upper_bound: Some([prefix, b"\xff"].concat()),
                                ..ro.clone()
                            })
                            .unwrap();
                        let mut out = Vec::new();
                        it.seek_to_first();
                        while it.valid() {
                            out.push((it.key()[1..].to_vec(), it.value().to_vec()));
                            it.next();
                        }
                        it.status().unwrap();
                        out
                    };
                    let a = collect(b"a");
                    let b = collect(b"b");
                    assert_eq!(a, b, "a pair was split across a snapshot");
                    assert_eq!(a, collect(b"a"), "a snapshot changed under a reader");
                    // Point reads agree with the iterator at the snapshot.
                    for (k, v) in a.iter().step_by(7) {
                        let full = [b"a".as_slice(), k].concat();
                        assert_eq!(db.get(&full, &ro).unwrap().as_ref(), Some(v));
                    }
                    checks += 1;
                }
                checks
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Release);
    for r in readers {
        assert!(r.join().unwrap() >= 5);
    }
    assert!(db.stats().memdb_compactions > 0);
}
