//! Write merging on a real database, with the queue order made
//! deterministic: the test holds the write lock, queues writers one at a
//! time (waiting until each is queued), then releases the lock and checks
//! which groups formed — the seeds' 128 KiB / 1 MiB limits, the hand-off
//! to the writer that did not fit, and sync as the OR of the group.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::batch::Batch;
use crate::options::{Options, ReadOptions, WriteOptions};
use crate::storage::{FaultEnv, FileOp};
use crate::Db;

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avccdb-wmerge-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A batch of one record whose memdb budget is about `kib` KiB.
fn sized_batch(tag: usize, kib: usize) -> Batch {
    let mut b = Batch::new();
    b.put(
        format!("key{tag:03}").as_bytes(),
        &vec![b'a' + tag as u8 % 26; kib << 10],
    );
    b
}

fn open(tag: &str, env: Option<FaultEnv>) -> (Arc<Db>, PathBuf) {
    let dir = temp_dir(tag);
    let mut opts = Options {
        write_buffer: 16 << 20,
        ..Options::default()
    };
    if let Some(env) = env {
        opts.env = Arc::new(env);
    }
    (Arc::new(Db::open(&dir, opts).unwrap()), dir)
}

/// Queues `batches` behind the held write lock, in order; each thread
/// returns its write's result.
fn queue_writers(db: &Arc<Db>, batches: Vec<(Batch, bool)>) -> Vec<JoinHandle<crate::Result<()>>> {
    let mut threads = Vec::new();
    for (batch, sync) in batches {
        let before = db.inner.write.queued();
        let db2 = db.clone();
        threads.push(std::thread::spawn(move || {
            let wo = WriteOptions {
                sync,
                ..WriteOptions::default()
            };
            db2.write(&batch, &wo)
        }));
        while db.inner.write.queued() == before {
            std::thread::yield_now();
        }
    }
    threads
}

fn run_queued(db: &Arc<Db>, batches: Vec<(Batch, bool)>) -> (u64, u64) {
    let before = db.stats();
    db.inner.lock_write().unwrap();
    let threads = queue_writers(db, batches);
    db.inner.unlock_write_plain();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let after = db.stats();
    (
        after.write_groups - before.write_groups,
        after.writes_merged - before.writes_merged,
    )
}

#[test]
fn a_small_leader_merges_up_to_128_kib_and_hands_off_the_rest() {
    let (db, dir) = open("small", None);
    // Leader 1 KiB, then 40 KiB each: 3 fit in 128 KiB, the 4th leads a
    // second group that takes the 5th.
    let batches: Vec<_> = (0..6)
        .map(|i| (sized_batch(i, if i == 0 { 1 } else { 40 }), false))
        .collect();
    assert_eq!(run_queued(&db, batches), (2, 4));
    for i in 0..6 {
        let got = db
            .get(format!("key{i:03}").as_bytes(), &ReadOptions::default())
            .unwrap();
        assert_eq!(
            got.map(|v| v.len()),
            Some(if i == 0 { 1 } else { 40 } << 10)
        );
    }
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_large_leader_merges_up_to_1_mib() {
    let (db, dir) = open("large", None);
    // Leader 200 KiB: its group may carry 1 MiB, so four more of 200 KiB
    // join it; the fifth does not fit and leads its own group.
    let batches: Vec<_> = (0..6).map(|i| (sized_batch(i, 200), false)).collect();
    assert_eq!(run_queued(&db, batches), (2, 4));
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_group_syncs_once_when_any_member_asks() {
    let env = FaultEnv::new();
    let (db, dir) = open("sync", Some(env.clone()));
    let syncs = env.calls(FileOp::Sync);
    // An unsynced leader with two synced followers: one group, one fsync.
    let batches = vec![
        (sized_batch(0, 1), false),
        (sized_batch(1, 1), true),
        (sized_batch(2, 1), true),
    ];
    assert_eq!(run_queued(&db, batches), (1, 2));
    assert_eq!(env.calls(FileOp::Sync) - syncs, 1);
    // Unsynced writers alone: no fsync.
    let batches = vec![(sized_batch(3, 1), false), (sized_batch(4, 1), false)];
    assert_eq!(run_queued(&db, batches), (1, 1));
    assert_eq!(env.calls(FileOp::Sync) - syncs, 1);
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_writer_without_merging_writes_alone() {
    let (db, dir) = open("nomerge", None);
    db.inner.lock_write().unwrap();
    let mut threads = queue_writers(&db, vec![(sized_batch(0, 1), false)]);
    // The second writer disables merging: it leads its own group, and
    // the third, queued behind it, joins neither the first group nor its.
    let before = db.inner.write.queued();
    let db2 = db.clone();
    threads.push(std::thread::spawn(move || {
        let wo = WriteOptions {
            no_write_merge: true,
            ..WriteOptions::default()
        };
        db2.write(&sized_batch(1, 1), &wo)
    }));
    while db.inner.write.queued() == before {
        std::thread::yield_now();
    }
    threads.extend(queue_writers(&db, vec![(sized_batch(2, 1), false)]));
    let stats = db.stats();
    db.inner.unlock_write_plain();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let after = db.stats();
    assert_eq!(after.write_groups - stats.write_groups, 3);
    assert_eq!(after.writes_merged - stats.writes_merged, 0);
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}
