//! `check`: clean on a healthy database (exit 0, JSON summary), and a
//! flipped byte in a table or a journal is reported with the file's name
//! (and the journal offset) and exit status 4.

mod common;

use std::path::{Path, PathBuf};

use avccdb::{Db, WriteOptions};
use common::{expect, n, small_options, TempDir};

fn populate(dir: &Path) {
    let db = Db::open(dir, small_options()).unwrap();
    for i in 0..3000u32 {
        let key = format!("key{i:05}");
        db.put(key.as_bytes(), &[b'x'; 40], &WriteOptions::default())
            .unwrap();
    }
    db.compact_range(None, None).unwrap();
    for i in 0..50u32 {
        db.put(
            format!("late{i}").as_bytes(),
            b"in the journal",
            &WriteOptions::default(),
        )
        .unwrap();
    }
    db.close().unwrap();
}

fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn flip(path: &Path, at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[at] ^= 0x40;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_clean_database_checks_clean() {
    let _serial = common::serial();
    let tmp = TempDir::new("check-clean");
    let db = tmp.join("db");
    populate(&db);
    let run = expect(0, ["check", db.to_str().unwrap(), "--json"]);
    let lines = run.json();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert_eq!(lines[0]["clean"], avccdb_cli::json::Value::Bool(true));
    assert!(n(&lines[0]["tables"]) >= 1);
    assert_eq!(n(&lines[0]["records"]), 3000);
    assert_eq!(n(&lines[0]["journal_records"]), 50);
    let plain = expect(0, ["check", db.to_str().unwrap()]);
    assert!(plain.stdout.contains(": clean"), "{}", plain.stdout);
}

#[test]
fn a_flipped_byte_in_a_table_is_found_and_named() {
    let _serial = common::serial();
    let tmp = TempDir::new("check-table");
    let db = tmp.join("db");
    populate(&db);
    let tables = files_ending(&db, ".ldb");
    let victim = &tables[tables.len() / 2];
    flip(victim, 100);
    let run = expect(4, ["check", db.to_str().unwrap()]);
    let name = victim.file_name().unwrap().to_str().unwrap();
    let problems: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("problem:"))
        .collect();
    assert_eq!(problems.len(), 1, "{}", run.stdout);
    assert!(problems[0].contains(name), "{}", problems[0]);
    assert!(
        run.stderr.contains("corruption") && run.stderr.contains("1 problems"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_flipped_byte_in_a_journal_is_found_with_its_offset() {
    let _serial = common::serial();
    let tmp = TempDir::new("check-journal");
    let db = tmp.join("db");
    populate(&db);
    let journal = files_ending(&db, ".log").pop().unwrap();
    flip(&journal, 20);
    let run = expect(4, ["check", db.to_str().unwrap(), "--json"]);
    let name = journal.file_name().unwrap().to_str().unwrap();
    let lines = run.json();
    let problem = common::s(&lines[0]["problem"]);
    assert!(
        problem.contains(name) && problem.contains("offset"),
        "{problem}"
    );
    assert_eq!(
        lines.last().unwrap()["clean"],
        avccdb_cli::json::Value::Bool(false)
    );
}
