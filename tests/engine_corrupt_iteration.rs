//! Iterating over a damaged table never shows what the damage hides. The
//! corruption campaign (bench/corruption_campaign.c) found iterators going
//! on past a table block that failed its checksum: the merge kept yielding
//! the other sources, so keys of the lost block came back with the older
//! values of a deeper level (and the error only surfaced at the end). The
//! iteration must instead stop at the damage and report it.

mod common;

use std::path::{Path, PathBuf};

use avccdb::{Db, Options, ReadOptions};
use common::{wo, TempDir};

const KEYS: u64 = 2000;

fn key(i: u64) -> Vec<u8> {
    format!("key{i:06}").into_bytes()
}

fn options(paranoid_checks: bool) -> Options {
    Options {
        write_buffer: 4 << 20,
        paranoid_checks,
        ..Options::default()
    }
}

fn tables(dir: &Path) -> Vec<PathBuf> {
    let mut t: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ldb"))
        .collect();
    t.sort();
    t
}

/// Every key "old" in a deep level, then every key "new" in a level-0
/// table (the journal replayed at the reopen); returns that table.
fn build(dir: &Path) -> PathBuf {
    let db = Db::open(dir, options(false)).unwrap();
    for i in 0..KEYS {
        db.put(&key(i), b"old", &wo()).unwrap();
    }
    db.compact_range(None, None).unwrap();
    let deep = tables(dir);
    for i in 0..KEYS {
        db.put(&key(i), b"new", &wo()).unwrap();
    }
    db.close().unwrap();
    Db::open(dir, options(false)).unwrap().close().unwrap();
    let newer: Vec<_> = tables(dir)
        .into_iter()
        .filter(|t| !deep.contains(t))
        .collect();
    assert_eq!(newer.len(), 1, "{newer:?}");
    newer[0].clone()
}

fn verified() -> ReadOptions {
    ReadOptions {
        verify_checksums: true,
        ..ReadOptions::default()
    }
}

#[test]
fn iteration_stops_at_a_corrupt_block_instead_of_showing_older_values() {
    let dir = TempDir::new("corrupt-iter");
    let newer = build(dir.path());
    let mut bytes = std::fs::read(&newer).unwrap();
    bytes[6000] ^= 0x04; // a data block past the first (4 KiB blocks)
    std::fs::write(&newer, &bytes).unwrap();

    let db = Db::open(dir.path(), options(true)).unwrap();
    let mut it = db.iter(&verified()).unwrap();
    let mut forward = 0;
    it.seek_to_first();
    while it.valid() {
        assert_eq!(
            it.value(),
            b"new",
            "key {:?}",
            String::from_utf8_lossy(it.key())
        );
        forward += 1;
        it.next();
    }
    assert!(it.status().is_err(), "the damage went unreported");
    assert!(forward > 0 && forward < KEYS, "{forward} entries");

    // A fresh iterator (a failed one stays failed), the other way.
    drop(it);
    let mut it = db.iter(&verified()).unwrap();
    let mut backward = 0;
    it.seek_to_last();
    while it.valid() {
        assert_eq!(
            it.value(),
            b"new",
            "key {:?}",
            String::from_utf8_lossy(it.key())
        );
        backward += 1;
        it.prev();
    }
    assert!(it.status().is_err(), "the damage went unreported");
    assert!(
        backward > 0 && forward + backward < KEYS,
        "{forward} + {backward} entries"
    );
    drop(it);
    db.close().unwrap();
}
