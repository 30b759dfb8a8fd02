//! Versions, snapshots and tombstones, before and after compaction.

mod common;

use avccdb::{Db, ReadOptions};
use common::{ro, small_options, wo, TempDir};

fn at(snapshot: &avccdb::Snapshot) -> ReadOptions {
    ReadOptions {
        snapshot: Some(snapshot.clone()),
        ..ReadOptions::default()
    }
}

fn filler(db: &Db, tag: &str, n: u64) {
    for i in 0..n {
        db.put(format!("fill/{tag}/{i:05}").as_bytes(), &[b'f'; 200], &wo())
            .unwrap();
    }
}

#[test]
fn versions_history_and_get_with_version() {
    let dir = TempDir::new("versions");
    let db = Db::open(dir.path(), small_options()).unwrap();
    for v in [10u64, 20, 30, 40] {
        db.put_with_version(b"acct", v, format!("bal@{v}").as_bytes(), &wo())
            .unwrap();
    }
    db.delete_with_version(b"acct", 35, &wo()).unwrap();
    let check = |db: &Db| {
        assert_eq!(db.get(b"acct", &ro()).unwrap(), Some(b"bal@40".to_vec()));
        assert_eq!(
            db.get_with_version(b"acct", 25, &ro()).unwrap(),
            Some((b"bal@20".to_vec(), 20))
        );
        assert_eq!(db.get_with_version(b"acct", 9, &ro()).unwrap(), None);
        assert_eq!(
            db.get_with_version(b"acct", 37, &ro()).unwrap(),
            None,
            "deleted at 35"
        );
        assert_eq!(
            db.get_with_version(b"acct", u64::MAX, &ro()).unwrap(),
            Some((b"bal@40".to_vec(), 40))
        );
        let history = db.version_history(b"acct", 15, 40, &ro()).unwrap();
        let versions: Vec<u64> = history.iter().map(|(v, _)| *v).collect();
        assert_eq!(versions, vec![40, 30, 20]);
        assert_eq!(history[1].1, b"bal@30".to_vec());
        assert!(db
            .version_history(b"acct", 41, 100, &ro())
            .unwrap()
            .is_empty());
        assert!(db
            .version_history(b"nope", 0, u64::MAX, &ro())
            .unwrap()
            .is_empty());
    };
    check(&db);
    filler(&db, "a", 2000);
    db.compact_range(None, None).unwrap();
    check(&db);
    drop(db);
    let db = Db::open(dir.path(), small_options()).unwrap();
    check(&db);
}

#[test]
fn overwrites_of_one_version_keep_the_newest_and_snapshots_keep_theirs() {
    let dir = TempDir::new("snapshots");
    let db = Db::open(dir.path(), small_options()).unwrap();
    db.put(b"k", b"one", &wo()).unwrap();
    let s1 = db.snapshot();
    db.put(b"k", b"two", &wo()).unwrap();
    db.delete(b"gone", &wo()).unwrap();
    db.put(b"gone", b"here", &wo()).unwrap();
    let s2 = db.snapshot();
    db.delete(b"gone", &wo()).unwrap();
    db.put(b"k", b"three", &wo()).unwrap();

    let check = |db: &Db| {
        assert_eq!(db.get(b"k", &at(&s1)).unwrap(), Some(b"one".to_vec()));
        assert_eq!(db.get(b"k", &at(&s2)).unwrap(), Some(b"two".to_vec()));
        assert_eq!(db.get(b"k", &ro()).unwrap(), Some(b"three".to_vec()));
        assert_eq!(db.get(b"gone", &at(&s1)).unwrap(), None);
        assert_eq!(db.get(b"gone", &at(&s2)).unwrap(), Some(b"here".to_vec()));
        assert_eq!(db.get(b"gone", &ro()).unwrap(), None);
        assert!(!db.has(b"gone", &ro()).unwrap());
    };
    check(&db);
    filler(&db, "x", 3000);
    db.compact_range(None, None).unwrap();
    check(&db);
    assert_eq!(db.stats().alive_snapshots, 2);

    // Without snapshots, compaction drops the overwritten records.
    drop((s1, s2));
    assert_eq!(db.stats().alive_snapshots, 0);
    db.put(b"k", b"four", &wo()).unwrap();
    // Ten overwrites of a large value: only the newest may stay.
    let big = avccdb::util::random::Rng::new(1).bytes(100 << 10);
    for _ in 0..10 {
        db.put(b"big", &big, &wo()).unwrap();
    }
    db.compact_range(None, None).unwrap();
    let table_bytes = common::bytes_of(dir.path(), ".ldb");
    assert!(
        table_bytes < 400 << 10,
        "overwritten records survived: {table_bytes} bytes of tables"
    );
    assert_eq!(db.get(b"k", &ro()).unwrap(), Some(b"four".to_vec()));
    assert_eq!(db.get(b"big", &ro()).unwrap(), Some(big));
    assert_eq!(
        db.get(b"gone", &ro()).unwrap(),
        None,
        "a tombstone was lost"
    );
}

#[test]
fn iterators_cover_bounds_directions_and_all_versions() {
    let dir = TempDir::new("iter");
    let db = Db::open(dir.path(), small_options()).unwrap();
    for i in 0..500u64 {
        for v in 1..=3u64 {
            db.put_with_version(
                format!("i{i:04}").as_bytes(),
                v,
                format!("{i}.{v}").as_bytes(),
                &wo(),
            )
            .unwrap();
        }
    }
    db.delete_with_version(b"i0007", 9, &wo()).unwrap();
    filler(&db, "z", 1000);
    db.compact_range(None, Some(b"i0300")).unwrap();

    let mut it = db
        .iter(&ReadOptions {
            lower_bound: Some(b"i0005".to_vec()),
            upper_bound: Some(b"i0010".to_vec()),
            ..ReadOptions::default()
        })
        .unwrap();
    let mut keys = Vec::new();
    it.seek_to_first();
    while it.valid() {
        keys.push((String::from_utf8(it.key().to_vec()).unwrap(), it.version()));
        it.next();
    }
    assert_eq!(
        keys,
        vec![
            ("i0005".into(), 3),
            ("i0006".into(), 3),
            ("i0008".into(), 3),
            ("i0009".into(), 3)
        ]
    );
    let mut back = Vec::new();
    it.seek_to_last();
    while it.valid() {
        back.push(String::from_utf8(it.key().to_vec()).unwrap());
        it.prev();
    }
    assert_eq!(back, vec!["i0009", "i0008", "i0006", "i0005"]);

    let mut all = db
        .iter(&ReadOptions {
            all_versions: true,
            lower_bound: Some(b"i0100".to_vec()),
            upper_bound: Some(b"i0102".to_vec()),
            ..ReadOptions::default()
        })
        .unwrap();
    all.seek_to_first();
    let mut seen = Vec::new();
    while all.valid() {
        seen.push((all.key().to_vec(), all.version(), all.value().to_vec()));
        all.next();
    }
    let expected: Vec<_> = [100u64, 101]
        .iter()
        .flat_map(|i| {
            (1..=3u64).rev().map(move |v| {
                (
                    format!("i{i:04}").into_bytes(),
                    v,
                    format!("{i}.{v}").into_bytes(),
                )
            })
        })
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(db.stats().alive_iterators, 2);
    drop((it, all));
    assert_eq!(db.stats().alive_iterators, 0);
}

#[test]
fn properties_and_approximate_sizes() {
    let dir = TempDir::new("props");
    let opts = avccdb::Options {
        compression: avccdb::table::Compression::None,
        ..small_options()
    };
    let db = Db::open(dir.path(), opts).unwrap();
    filler(&db, "p", 3000);
    db.compact_range(None, None).unwrap();
    let stats = db.property("avccdb.stats").unwrap();
    assert!(stats.contains("Compactions"), "{stats}");
    let tables: usize = (0..7)
        .map(|l| {
            db.property(&format!("avccdb.num-files-at-level{l}"))
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert!(tables > 0);
    assert_eq!(
        db.property("leveldb.num-files-at-level1"),
        db.property("avccdb.num-files-at-level1")
    );
    assert!(db.property("avccdb.sstables").unwrap().contains("level 1"));
    assert!(
        db.property("avccdb.approximate-memory-usage")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    assert_eq!(
        db.property("avccdb.memdb_compactions").unwrap(),
        db.stats().memdb_compactions.to_string()
    );
    assert_eq!(db.property("avccdb.nonsense"), None);
    assert_eq!(db.property("avccdb.num-files-at-level9"), None);

    let sizes = db
        .approximate_sizes(&[
            (b"fill/p/00000", b"fill/p/03000"),
            (b"fill/p/00000", b"fill/p/01000"),
            (b"a", b"b"),
        ])
        .unwrap();
    assert!(sizes[0] > 3000 * 100, "{sizes:?}");
    assert!(sizes[1] < sizes[0] && sizes[1] > 0, "{sizes:?}");
    assert_eq!(sizes[2], 0);
}

/// A newer layer may hold an older version: reads must compare (version,
/// sequence) across every layer, whatever the layers' age, and the
/// per-table maxima the manifest keeps must never hide a better record.
#[test]
fn newest_version_wins_across_layers_whatever_their_age() {
    let dir = TempDir::new("layers");
    let db = Db::open(dir.path(), small_options()).unwrap();
    db.put_with_version(b"k", 5, b"v5-old", &wo()).unwrap();
    filler(&db, "a", 1500);
    db.compact_range(None, None).unwrap(); // v5-old now below level 0
    db.put_with_version(b"k", 3, b"v3", &wo()).unwrap();
    filler(&db, "b", 1500); // v3 reaches a newer table
    let check = |db: &Db, v5: &[u8]| {
        assert_eq!(db.get(b"k", &ro()).unwrap(), Some(v5.to_vec()));
        assert_eq!(
            db.get_with_version(b"k", 4, &ro()).unwrap(),
            Some((b"v3".to_vec(), 3))
        );
        assert_eq!(db.get_with_version(b"k", 2, &ro()).unwrap(), None);
    };
    check(&db, b"v5-old");
    db.put_with_version(b"k", 5, b"v5-new", &wo()).unwrap();
    check(&db, b"v5-new");
    filler(&db, "c", 1500);
    check(&db, b"v5-new");
    db.compact_range(None, None).unwrap();
    check(&db, b"v5-new");
    drop(db);
    let db = Db::open(dir.path(), small_options()).unwrap();
    check(&db, b"v5-new");
}
