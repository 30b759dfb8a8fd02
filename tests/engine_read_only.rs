//! `Options::read_only`: a read-only open sees tables and unflushed
//! journals, creates, changes and removes no file, refuses writes and
//! compactions, and shares the LOCK only with other readers.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use avccdb::merkle::verify::verify;
use avccdb::merkle::{Answer, Query};
use avccdb::{Batch, Db, Error, Options};
use common::{key, ro, small_options, value, wo, TempDir};

fn read_only() -> Options {
    Options {
        read_only: true,
        ..small_options()
    }
}

/// Every file's name with its size and content, to compare before/after.
fn listing(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A database with tables (several flushes) and records only in the
/// journal (written after the last flush and never flushed).
fn populate(dir: &Path) {
    let db = Db::open(dir, small_options()).unwrap();
    for i in 0..3000 {
        db.put_with_version(&key(i), 1, &value(i, 1), &wo())
            .unwrap();
    }
    db.compact_range(None, None).unwrap();
    for i in 0..50 {
        db.put_with_version(&key(i), 2, &value(i, 2), &wo())
            .unwrap();
    }
    db.delete_with_version(&key(7), 3, &wo()).unwrap();
    db.close().unwrap();
}

#[test]
fn a_read_only_open_reads_everything_and_writes_no_file() {
    let dir = TempDir::new("ro-files");
    populate(dir.path());
    let before = listing(dir.path());
    assert!(before.keys().any(|n| n.ends_with(".log")));
    {
        let db = Db::open(dir.path(), read_only()).unwrap();
        assert_eq!(db.get(&key(3), &ro()).unwrap(), Some(value(3, 2)));
        assert_eq!(db.get(&key(2999), &ro()).unwrap(), Some(value(2999, 1)));
        assert_eq!(db.get(&key(7), &ro()).unwrap(), None);
        let history = db.version_history(&key(7), 0, u64::MAX, &ro()).unwrap();
        assert_eq!(history, vec![(2, value(7, 2)), (1, value(7, 1))]);
        let mut it = db.iter(&ro()).unwrap();
        let mut live = 0;
        it.seek_to_first();
        while it.valid() {
            live += 1;
            it.next();
        }
        assert_eq!(live, 2999);

        let root = db.master_root(&ro()).unwrap();
        let proven = db.get_with_proof(&key(5), u64::MAX, &ro()).unwrap();
        assert_eq!(proven.root, root);
        let answer = verify(
            &root,
            &Query::Get {
                key: &key(5),
                version: u64::MAX,
            },
            &proven.proof,
        )
        .unwrap();
        assert_eq!(
            answer,
            Answer::Found {
                value: value(5, 2),
                version: 2
            }
        );
        assert!(db.check_integrity().unwrap().is_clean());
        db.close().unwrap();
    }
    assert_eq!(
        listing(dir.path()),
        before,
        "a read-only open changed files"
    );
}

#[test]
fn writes_and_compactions_are_refused() {
    let dir = TempDir::new("ro-refuse");
    populate(dir.path());
    let before = listing(dir.path());
    let db = Db::open(dir.path(), read_only()).unwrap();
    let refused = |r: Result<(), Error>, what: &str| match r {
        Err(Error::NotSupported(m)) => assert!(m.contains("read-only"), "{what}: {m}"),
        other => panic!("{what}: expected NotSupported, got {other:?}"),
    };
    refused(db.put(b"k", b"v", &wo()), "put");
    refused(db.delete(&key(1), &wo()), "delete");
    let mut batch = Batch::new();
    batch.put(b"a", b"b");
    refused(db.write(&batch, &wo()), "write");
    refused(db.compact_range(None, None), "compact_range");
    refused(db.compact_level(0, None, None), "compact_level");
    refused(db.open_transaction().map(|_| ()), "transaction");
    assert_eq!(db.get(b"k", &ro()).unwrap(), None);
    drop(db);
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn readers_share_the_lock_and_exclude_a_writer() {
    let dir = TempDir::new("ro-lock");
    populate(dir.path());
    let writer = Db::open(dir.path(), small_options()).unwrap();
    let err = Db::open(dir.path(), read_only()).unwrap_err();
    assert!(matches!(err, Error::Busy(_)), "{err}");
    assert!(err.to_string().contains("open for writing"), "{err}");
    writer.close().unwrap();

    let a = Db::open(dir.path(), read_only()).unwrap();
    let b = Db::open(dir.path(), read_only()).unwrap();
    assert_eq!(b.get(&key(1), &ro()).unwrap(), Some(value(1, 2)));
    let err = Db::open(dir.path(), small_options()).unwrap_err();
    assert!(matches!(err, Error::Busy(_)), "{err}");
    drop((a, b));
    Db::open(dir.path(), small_options())
        .unwrap()
        .close()
        .unwrap();
}

#[test]
fn a_missing_database_is_not_found_and_not_created() {
    let dir = TempDir::new("ro-missing");
    let err = Db::open(dir.path(), read_only()).unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err}");
    assert!(!dir.path().exists());
}
