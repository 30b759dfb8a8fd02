//! `export` → `load` reproduces a database's records exactly — every
//! version and every tombstone, from tables and from the journal — in
//! both formats; `load` reports malformed input by line, and imports
//! plain tab-separated key/value files.

mod common;

use std::path::Path;

use avccdb::{Db, ReadOptions, WriteOptions};
use common::{expect, small_options, TempDir};

/// Every (key, version, value-or-tombstone) record, read through the library.
fn records(dir: &Path) -> Vec<(Vec<u8>, u64, Option<Vec<u8>>)> {
    let db = Db::open(
        dir,
        avccdb::Options {
            read_only: true,
            ..avccdb::Options::default()
        },
    )
    .unwrap();
    let ro = ReadOptions {
        all_versions: true,
        include_tombstones: true,
        ..ReadOptions::default()
    };
    let mut it = db.iter(&ro).unwrap();
    let mut out = Vec::new();
    it.seek_to_first();
    while it.valid() {
        let value = (!it.is_deletion()).then(|| it.value().to_vec());
        out.push((it.key().to_vec(), it.version(), value));
        it.next();
    }
    it.status().unwrap();
    out
}

fn populate(dir: &Path) {
    let db = Db::open(dir, small_options()).unwrap();
    let wo = WriteOptions::default();
    for i in 0..2000u64 {
        let key = format!("key{i:05}");
        db.put_with_version(key.as_bytes(), i % 3, format!("v{i}").as_bytes(), &wo)
            .unwrap();
        if i % 7 == 0 {
            db.delete_with_version(key.as_bytes(), 5, &wo).unwrap();
        }
    }
    db.compact_range(None, None).unwrap();
    // Newer records only in the journal, odd bytes included.
    db.put_with_version(&[0xff, 0, b'\n'], 3, &[0x80, b'\t', b'"'], &wo)
        .unwrap();
    db.delete_with_version(b"key00001", 8, &wo).unwrap();
    db.put(b"\xc3\xa9t\xc3\xa9", b"\\back\\slash", &wo).unwrap();
    db.close().unwrap();
}

fn round_trip(tsv: bool) {
    let tmp = TempDir::new(if tsv { "rt-tsv" } else { "rt-json" });
    let (a, b) = (tmp.join("a"), tmp.join("b"));
    populate(&a);
    let mut args = vec!["export", a.to_str().unwrap()];
    if tsv {
        args.push("--tsv");
    }
    let exported = expect(0, &args);
    let want = records(&a);
    assert!(
        want.iter().any(|r| r.2.is_none()),
        "the sample has tombstones"
    );
    assert_eq!(exported.stdout.lines().count(), want.len());
    let file = tmp.join("export.txt");
    std::fs::write(&file, &exported.raw_stdout).unwrap();
    let loaded = expect(0, ["load", b.to_str().unwrap(), file.to_str().unwrap()]);
    assert!(
        loaded
            .stderr
            .contains(&format!("loaded {} records", want.len())),
        "{}",
        loaded.stderr
    );
    assert!(loaded.stderr.contains("records/s"), "{}", loaded.stderr);
    assert_eq!(records(&b), want);
    let again = expect(0, [&args[..1], &[b.to_str().unwrap()], &args[2..]].concat());
    assert_eq!(again.stdout, exported.stdout);
}

#[test]
fn json_export_then_load_reproduces_every_record() {
    let _serial = common::serial();
    round_trip(false);
}

#[test]
fn tsv_export_then_load_reproduces_every_record() {
    let _serial = common::serial();
    round_trip(true);
}

#[test]
fn load_imports_key_value_lines_and_names_the_bad_line() {
    let _serial = common::serial();
    let tmp = TempDir::new("load");
    let db = tmp.join("db");
    let input = tmp.join("in.tsv");
    std::fs::write(
        &input,
        "alpha\tone\nbeta\t4\tfour\n\n{\"key\":\"gamma\",\"value\":\"three\"}\n",
    )
    .unwrap();
    expect(0, ["load", db.to_str().unwrap(), input.to_str().unwrap()]);
    let got = records(&db);
    assert_eq!(
        got,
        vec![
            (b"alpha".to_vec(), 0, Some(b"one".to_vec())),
            (b"beta".to_vec(), 4, Some(b"four".to_vec())),
            (b"gamma".to_vec(), 0, Some(b"three".to_vec())),
        ]
    );
    std::fs::write(&input, "ok\tfine\n{\"key\":1}\n").unwrap();
    let bad = expect(2, ["load", db.to_str().unwrap(), input.to_str().unwrap()]);
    assert!(bad.stderr.contains("line 2"), "{}", bad.stderr);
    let missing = expect(
        3,
        [
            "load",
            db.to_str().unwrap(),
            tmp.join("nope").to_str().unwrap(),
        ],
    );
    assert!(missing.stderr.contains("nope"), "{}", missing.stderr);
}
