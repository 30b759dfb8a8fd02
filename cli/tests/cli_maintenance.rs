//! `stats`, `put`/`delete`, `compact`, `repair`, `destroy`, `dump` of each
//! file kind, shell completions, and a database held by another writer.

mod common;

use std::path::{Path, PathBuf};

use avccdb::{Db, WriteOptions};
use common::{expect, small_options, TempDir};

fn populate(dir: &Path) {
    let db = Db::open(dir, small_options()).unwrap();
    for i in 0..2000u32 {
        let key = format!("key{i:05}");
        db.put(key.as_bytes(), &[b'v'; 30], &WriteOptions::default())
            .unwrap();
    }
    db.compact_range(None, None).unwrap();
    db.put_with_version(b"journal-only", 4, b"jv", &WriteOptions::default())
        .unwrap();
    db.delete(b"key00003", &WriteOptions::default()).unwrap();
    db.close().unwrap();
}

fn first(dir: &Path, pred: impl Fn(&str) -> bool) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| pred(p.file_name().unwrap().to_str().unwrap()))
        .collect();
    files.sort();
    files.remove(0)
}

#[test]
fn put_delete_stats_compact_repair_destroy() {
    let _serial = common::serial();
    let tmp = TempDir::new("maint");
    let db = tmp.join("db");
    let d = db.to_str().unwrap();
    populate(&db);
    expect(0, ["put", d, "new", "value", "--version", "3", "--sync"]);
    assert_eq!(expect(0, ["get", d, "new"]).stdout, "value\n");
    expect(0, ["delete", d, "new", "--version", "4"]);
    expect(3, ["get", d, "new"]);
    assert_eq!(
        expect(0, ["get", d, "new", "--version", "3"]).stdout,
        "value\n"
    );

    let stats = expect(0, ["stats", d]);
    assert!(
        stats.stdout.contains("tables:") && stats.stdout.contains("KiB"),
        "{}",
        stats.stdout
    );
    // The JSON counters agree with the table files on disk.
    let json = expect(0, ["stats", d, "--json"]).json();
    let (mut tables, mut bytes) = (0, 0);
    for level in 0..7 {
        tables += common::n(&json[0][&format!("level{level}.tables")]);
        bytes += common::n(&json[0][&format!("level{level}.size")]);
    }
    let ldb: Vec<std::fs::Metadata> = std::fs::read_dir(&db)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_str().unwrap().ends_with(".ldb"))
        .map(|e| e.metadata().unwrap())
        .collect();
    assert_eq!(tables, ldb.len() as u64);
    assert_eq!(bytes, ldb.iter().map(|m| m.len()).sum::<u64>());
    assert_eq!(common::n(&json[0]["memdb_compactions"]), 0);

    let compacted = expect(0, ["compact", d, "--from", "key00000", "--to", "key00999"]);
    assert!(
        compacted.stdout.contains("compacted:") && compacted.stdout.contains("tables"),
        "{}",
        compacted.stdout
    );
    let repaired = expect(0, ["repair", d]);
    assert!(repaired.stdout.contains("repaired:"), "{}", repaired.stdout);
    assert_eq!(expect(0, ["get", d, "journal-only"]).stdout, "jv\n");
    assert_eq!(expect(0, ["scan", d]).stdout.lines().count(), 2000);

    let refused = expect(2, ["destroy", d]);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(db.exists());
    let destroyed = expect(0, ["destroy", d, "--yes"]);
    assert!(
        destroyed.stdout.contains("destroyed:"),
        "{}",
        destroyed.stdout
    );
    // Every database file is gone (repair's lost/ directory may stay).
    assert!(!db.join("CURRENT").exists());
    expect(3, ["get", d, "key00001"]);
    expect(3, ["destroy", d, "--yes"]);
}

#[test]
fn dump_decodes_tables_journals_and_manifests() {
    let _serial = common::serial();
    let tmp = TempDir::new("dump");
    let db = tmp.join("db");
    populate(&db);
    let table = first(&db, |n| n.ends_with(".ldb"));
    let out = expect(0, ["dump", table.to_str().unwrap()]).stdout;
    assert!(out.starts_with("# table"), "{out}");
    assert!(out.contains("'key00000' @ version 0 : seq"), "{out}");
    assert!(out.contains("# merkle root "), "{out}");

    let journal = first(&db, |n| n.ends_with(".log"));
    let out = expect(0, ["dump", journal.to_str().unwrap()]).stdout;
    assert!(
        out.contains("put 'journal-only' @ version 4 => 'jv'"),
        "{out}"
    );
    assert!(out.contains("del 'key00003' @ version 0"), "{out}");

    let manifest = first(&db, |n| n.starts_with("MANIFEST-"));
    let out = expect(0, ["dump", manifest.to_str().unwrap()]).stdout;
    assert!(
        out.contains("comparator: leveldb.BytewiseComparator"),
        "{out}"
    );
    assert!(out.contains("add table: level"), "{out}");

    expect(2, ["dump", db.join("CURRENT").to_str().unwrap()]);
    expect(3, ["dump", db.join("000999.ldb").to_str().unwrap()]);
    let garbage = tmp.join("000001.ldb");
    std::fs::write(&garbage, b"not a table").unwrap();
    let bad = expect(4, ["dump", garbage.to_str().unwrap()]);
    assert!(bad.stderr.contains("000001.ldb"), "{}", bad.stderr);
}

#[test]
fn reads_and_writes_say_when_another_process_holds_the_database() {
    let _serial = common::serial();
    let tmp = TempDir::new("busy");
    let db = tmp.join("db");
    populate(&db);
    let d = db.to_str().unwrap();
    let holder = Db::open(&db, small_options()).unwrap();
    for args in [
        vec!["get", d, "key00001"],
        vec!["put", d, "k", "v"],
        vec!["check", d],
    ] {
        let run = expect(7, &args);
        assert!(
            run.stderr.contains("busy") && run.stderr.contains("LOCK"),
            "{}",
            run.stderr
        );
    }
    holder.close().unwrap();
    expect(0, ["get", d, "key00001"]);
}

#[test]
fn completions_are_generated_for_each_shell() {
    let _serial = common::serial();
    for shell in ["bash", "zsh", "fish"] {
        let run = expect(0, ["completions", shell]);
        assert!(
            run.stdout.contains("verify") && run.stdout.contains("export"),
            "{shell}"
        );
    }
    expect(2, ["completions", "cmd.exe"]);
}
