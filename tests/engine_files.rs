//! Files and their lifecycle: LOCK, create/exists options, option
//! validation, comparator check, LOG, obsolete file removal, destroy and
//! repair, and closed handles.

mod common;

use std::cmp::Ordering;
use std::sync::Arc;

use avccdb::key::Comparator;
use avccdb::{destroy_db, repair_db, Db, Error, Options};
use common::{ro, small_options, wo, TempDir};

#[test]
fn a_second_open_of_the_same_directory_fails_clearly() {
    let dir = TempDir::new("lock");
    let db = Db::open(dir.path(), Options::default()).unwrap();
    let err = Db::open(dir.path(), Options::default()).unwrap_err();
    assert!(matches!(err, Error::Busy(_)), "{err}");
    assert!(err.to_string().contains("already open"), "{err}");
    db.close().unwrap();
    // Closed: the lock is free again, and the old handle refuses work.
    assert!(matches!(db.put(b"k", b"v", &wo()), Err(Error::Closed)));
    assert!(matches!(db.get(b"k", &ro()), Err(Error::Closed)));
    let again = Db::open(dir.path(), Options::default()).unwrap();
    drop(again);
}

#[test]
fn create_and_exists_options_are_honoured() {
    let dir = TempDir::new("create");
    let no_create = Options {
        create_if_missing: false,
        ..Options::default()
    };
    let err = Db::open(dir.path(), no_create.clone()).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    Db::open(dir.path(), Options::default())
        .unwrap()
        .close()
        .unwrap();
    Db::open(dir.path(), no_create).unwrap().close().unwrap();
    let err = Db::open(
        dir.path(),
        Options {
            error_if_exists: true,
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    let err = Db::open(
        dir.path(),
        Options {
            write_buffer: 10,
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    assert!(dir.path().join("LOG").exists());
}

struct Reverse;
impl Comparator for Reverse {
    fn name(&self) -> &str {
        "test.Reverse"
    }
    fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
        b.cmp(a)
    }
}

#[test]
fn custom_comparators_order_keys_and_must_match_on_reopen() {
    let dir = TempDir::new("comparator");
    let opts = Options {
        comparator: Arc::new(Reverse),
        ..small_options()
    };
    let db = Db::open(dir.path(), opts.clone()).unwrap();
    for k in ["b", "a", "c"] {
        db.put(k.as_bytes(), b"v", &wo()).unwrap();
    }
    let mut it = db.iter(&ro()).unwrap();
    it.seek_to_first();
    let mut keys = Vec::new();
    while it.valid() {
        keys.push(it.key().to_vec());
        it.next();
    }
    assert_eq!(keys, vec![b"c".to_vec(), b"b".to_vec(), b"a".to_vec()]);
    drop(it);
    db.close().unwrap();
    drop(db);
    let err = Db::open(dir.path(), Options::default()).unwrap_err();
    assert!(err.to_string().contains("test.Reverse"), "{err}");
    Db::open(dir.path(), opts).unwrap();
}

#[test]
fn obsolete_journals_and_tables_are_deleted() {
    let dir = TempDir::new("obsolete");
    let db = Db::open(dir.path(), small_options()).unwrap();
    for i in 0..5000u64 {
        db.put(format!("k{i:05}").as_bytes(), &[b'o'; 100], &wo())
            .unwrap();
    }
    db.compact_range(None, None).unwrap();
    let count = |ext: &str| {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(ext))
            .count()
    };
    let live_tables: usize = db.stats().levels.iter().map(|l| l.tables).sum();
    assert_eq!(count(".ldb"), live_tables);
    assert!(count(".log") <= 2, "{} journals left", count(".log"));
    assert_eq!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("MANIFEST-"))
            .count(),
        1
    );
}

#[test]
fn destroy_removes_the_database_and_refuses_while_open() {
    let dir = TempDir::new("destroy");
    let db = Db::open(dir.path(), small_options()).unwrap();
    db.put(b"k", b"v", &wo()).unwrap();
    assert!(matches!(destroy_db(dir.path()), Err(Error::Busy(_))));
    db.close().unwrap();
    destroy_db(dir.path()).unwrap();
    assert!(!dir.path().exists());
    destroy_db(dir.path()).unwrap(); // nothing there: fine
}

#[test]
fn repair_rebuilds_a_lost_manifest_from_tables_and_journals() {
    let dir = TempDir::new("repair");
    {
        let db = Db::open(dir.path(), small_options()).unwrap();
        for i in 0..3000u64 {
            db.put_with_version(format!("r{i:05}").as_bytes(), i % 3, &[b'r'; 80], &wo())
                .unwrap();
        }
        db.compact_range(None, Some(b"r01000")).unwrap();
        // Some writes stay in the journal only.
        for i in 3000..3100u64 {
            db.put(format!("r{i:05}").as_bytes(), b"late", &wo())
                .unwrap();
        }
        db.close().unwrap();
    }
    for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("MANIFEST-") || name == "CURRENT" {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let report = repair_db(dir.path(), &small_options()).unwrap();
    assert!(
        report.iter().any(|l| l.contains("new manifest")),
        "{report:?}"
    );
    let db = Db::open(dir.path(), small_options()).unwrap();
    for i in (0..3000u64).step_by(37) {
        assert_eq!(
            db.get_with_version(format!("r{i:05}").as_bytes(), u64::MAX, &ro())
                .unwrap(),
            Some((vec![b'r'; 80], i % 3)),
            "key {i}"
        );
    }
    for i in 3000..3100u64 {
        assert_eq!(
            db.get(format!("r{i:05}").as_bytes(), &ro()).unwrap(),
            Some(b"late".to_vec())
        );
    }
    // New writes after repair get sequences above every repaired record.
    db.put(b"r00000", b"new", &wo()).unwrap();
    assert_eq!(db.get(b"r00000", &ro()).unwrap(), Some(b"new".to_vec()));
}

#[test]
fn handles_are_thread_safe_types() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Db>();
    send_sync::<avccdb::Snapshot>();
    send::<avccdb::Iter>();
    send::<avccdb::Transaction>();
}
