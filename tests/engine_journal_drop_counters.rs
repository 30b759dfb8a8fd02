//! What recovery drops from a journal is counted and logged: a torn tail in
//! `journal_torn_bytes`, a corrupt record skipped (no paranoid checks) in
//! `journal_dropped_bytes`, each also a line in LOG; with paranoid checks a
//! corrupt record fails the open instead. The corruption campaign
//! (bench/corruption_campaign.c) relies on these to tell a reported drop
//! from a silent loss.

mod common;

use std::path::{Path, PathBuf};

use avccdb::{Db, Options};
use common::{ro, wo, TempDir};

const RECORDS: u64 = 300;

fn options(paranoid_checks: bool) -> Options {
    Options {
        write_buffer: 1 << 20,
        paranoid_checks,
        ..Options::default()
    }
}

fn key(i: u64) -> Vec<u8> {
    format!("k{i:04}").into_bytes()
}

/// A database whose only data is RECORDS writes in its (unflushed) journal;
/// returns the journal's path.
fn build(dir: &Path) -> PathBuf {
    let db = Db::open(dir, options(false)).unwrap();
    for i in 0..RECORDS {
        db.put(&key(i), &[b'q'; 150], &wo()).unwrap();
    }
    db.close().unwrap();
    let mut journals: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    journals.sort();
    journals.pop().unwrap()
}

fn log_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("LOG")).unwrap()
}

fn present(db: &Db) -> u64 {
    (0..RECORDS)
        .filter(|&i| db.get(&key(i), &ro()).unwrap().is_some())
        .count() as u64
}

#[test]
fn a_clean_journal_counts_nothing() {
    let dir = TempDir::new("drop-clean");
    build(dir.path());
    let db = Db::open(dir.path(), options(true)).unwrap();
    let stats = db.stats();
    assert_eq!(
        (stats.journal_dropped_bytes, stats.journal_torn_bytes),
        (0, 0)
    );
    assert_eq!(present(&db), RECORDS);
    db.close().unwrap();
}

#[test]
fn a_torn_tail_is_counted_and_logged() {
    let dir = TempDir::new("drop-torn");
    let journal = build(dir.path());
    let len = std::fs::metadata(&journal).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&journal)
        .unwrap();
    f.set_len(len - 50).unwrap();
    drop(f);
    // A torn tail is what an interrupted write leaves: not an error, even
    // with paranoid checks, but counted and logged.
    let db = Db::open(dir.path(), options(true)).unwrap();
    let stats = db.stats();
    assert_eq!(stats.journal_dropped_bytes, 0);
    assert!(stats.journal_torn_bytes > 0 && stats.journal_torn_bytes < 200);
    assert_eq!(
        db.stats().counter("journal_torn_bytes"),
        Some(stats.journal_torn_bytes)
    );
    assert!(db
        .property("avccdb.stats")
        .unwrap()
        .contains("bytes of torn tail ignored"));
    assert_eq!(present(&db), RECORDS - 1);
    db.close().unwrap();
    assert!(log_text(dir.path()).contains("torn tail of"));
}

#[test]
fn a_corrupt_record_fails_a_paranoid_open_and_is_counted_otherwise() {
    let dir = TempDir::new("drop-corrupt");
    let journal = build(dir.path());
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes[1000] ^= 0x10; // inside a record of the first block
    std::fs::write(&journal, &bytes).unwrap();

    let err = Db::open(dir.path(), options(true)).err().unwrap();
    assert!(err.to_string().contains("checksum mismatch"), "{err}");

    let db = Db::open(dir.path(), options(false)).unwrap();
    let stats = db.stats();
    assert!(stats.journal_dropped_bytes > 0);
    assert_eq!(stats.journal_torn_bytes, 0);
    let kept = present(&db);
    assert!(kept > 0 && kept < RECORDS, "{kept} of {RECORDS} kept");
    db.close().unwrap();
    assert!(log_text(dir.path()).contains("checksum mismatch"));
}
