//! Large batches go through a transaction (straight into level-0 tables,
//! not the journal) and appear all at once; explicit transactions commit
//! atomically or leave no trace.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use avccdb::{Batch, Db, Options, ReadOptions};
use common::{bytes_of, ro, wo, TempDir};

fn options() -> Options {
    Options {
        write_buffer: 64 << 10,
        ..Options::default()
    }
}

fn count_prefix(db: &Db, prefix: &[u8]) -> usize {
    let mut it = db
        .iter(&ReadOptions {
            lower_bound: Some(prefix.to_vec()),
            upper_bound: Some([prefix, b"\xff"].concat()),
            ..ReadOptions::default()
        })
        .unwrap();
    it.seek_to_first();
    let mut n = 0;
    while it.valid() {
        n += 1;
        it.next();
    }
    it.status().unwrap();
    n
}

#[test]
fn a_batch_larger_than_the_write_buffer_lands_atomically_without_the_journal() {
    let dir = TempDir::new("large-batch");
    let db = Arc::new(Db::open(dir.path(), options()).unwrap());
    db.put(b"before", b"1", &wo()).unwrap();
    let journal_before = bytes_of(dir.path(), ".log");

    const N: usize = 3000;
    let mut batch = Batch::new();
    for i in 0..N {
        batch.put(format!("big/{i:05}").as_bytes(), &[b'b'; 100]);
    }
    assert!(batch.internal_len() > options().write_buffer);

    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let db = db.clone();
        let stop = stop.clone();
        thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop.load(Ordering::Acquire) {
                seen.push(count_prefix(&db, b"big/"));
            }
            seen
        })
    };
    db.write(&batch, &wo()).unwrap();
    stop.store(true, Ordering::Release);
    for n in watcher.join().unwrap() {
        assert!(n == 0 || n == N, "a reader saw {n} of {N} records");
    }

    assert_eq!(count_prefix(&db, b"big/"), N);
    assert_eq!(db.get(b"before", &ro()).unwrap(), Some(b"1".to_vec()));
    let journal_after = bytes_of(dir.path(), ".log");
    assert!(
        journal_after < journal_before + 4096,
        "the journal grew from {journal_before} to {journal_after} bytes"
    );
    assert!(db.stats().levels[0].tables > 0 || db.stats().levels[1].tables > 0);

    // And it is durable.
    db.close().unwrap();
    drop(db);
    let db = Db::open(dir.path(), options()).unwrap();
    assert_eq!(count_prefix(&db, b"big/"), N);
}

#[test]
fn disabling_large_batch_transactions_uses_the_journal() {
    let dir = TempDir::new("large-batch-journal");
    let opts = Options {
        disable_large_batch_transaction: true,
        ..options()
    };
    let db = Db::open(dir.path(), opts).unwrap();
    let mut batch = Batch::new();
    for i in 0..3000 {
        batch.put(format!("big/{i:05}").as_bytes(), &[b'b'; 100]);
    }
    db.write(&batch, &wo()).unwrap();
    assert!(bytes_of(dir.path(), ".log") > 300_000);
    assert_eq!(count_prefix(&db, b"big/"), 3000);
}

#[test]
fn explicit_transactions_commit_or_discard_as_a_whole() {
    let dir = TempDir::new("tx");
    let db = Db::open(dir.path(), options()).unwrap();
    db.put(b"keep", b"old", &wo()).unwrap();

    let mut tx = db.open_transaction().unwrap();
    for i in 0..2000u64 {
        tx.put(format!("tx/{i:05}").as_bytes(), &[b't'; 64])
            .unwrap();
    }
    tx.put_with_version(b"keep", 5, b"v5").unwrap();
    tx.delete(b"keep").unwrap();
    assert_eq!(count_prefix(&db, b"tx/"), 0, "visible before commit");
    tx.commit().unwrap();
    assert_eq!(count_prefix(&db, b"tx/"), 2000);
    assert_eq!(db.get(b"keep", &ro()).unwrap(), Some(b"v5".to_vec()));
    assert_eq!(db.get_with_version(b"keep", 0, &ro()).unwrap(), None);

    let mut tx = db.open_transaction().unwrap();
    for i in 0..2000u64 {
        tx.put(format!("gone/{i:05}").as_bytes(), &[b'g'; 64])
            .unwrap();
    }
    tx.discard();
    assert_eq!(count_prefix(&db, b"gone/"), 0);
    // The write lock came back.
    db.put(b"after", b"1", &wo()).unwrap();
    drop(db);

    let db = Db::open(dir.path(), options()).unwrap();
    assert_eq!(count_prefix(&db, b"tx/"), 2000);
    assert_eq!(count_prefix(&db, b"gone/"), 0);
    assert_eq!(db.get(b"after", &ro()).unwrap(), Some(b"1".to_vec()));
}
