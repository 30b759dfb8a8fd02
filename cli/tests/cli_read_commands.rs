//! `get`, `history` and `scan` on a real database: plain, `--json` and
//! `--hex` output, bounds, limits, reverse order, non-UTF-8 keys, and the
//! exit status for a missing key or database. Reads change no file.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use avccdb::{Db, WriteOptions};
use avccdb_cli::json::Value;
use common::{expect, listing, n, s, TempDir};

fn sample(dir: &std::path::Path) {
    let db = Db::open(dir, avccdb::Options::default()).unwrap();
    let wo = WriteOptions::default();
    for (k, v) in [
        ("apple", "red"),
        ("apricot", "orange"),
        ("banana", "yellow"),
    ] {
        db.put(k.as_bytes(), v.as_bytes(), &wo).unwrap();
    }
    db.put_with_version(b"apple", 5, b"green", &wo).unwrap();
    db.put_with_version(b"apple", 9, b"gone soon", &wo).unwrap();
    db.delete_with_version(b"apple", 10, &wo).unwrap();
    db.put(&[0xff, 0x00, b'k'], b"tab\there", &wo).unwrap();
    db.close().unwrap();
}

#[test]
fn get_prints_the_value_and_its_version() {
    let _serial = common::serial();
    let tmp = TempDir::new("get");
    let db = tmp.join("db");
    sample(&db);
    let before = listing(&db);
    assert_eq!(
        expect(0, ["get".as_ref(), db.as_os_str(), "banana".as_ref()]).stdout,
        "yellow\n"
    );
    let run = expect(
        0,
        [
            "get".as_ref(),
            db.as_os_str(),
            "apple".as_ref(),
            "--version".as_ref(),
            "7".as_ref(),
            "--json".as_ref(),
        ],
    );
    let lines = run.json();
    assert_eq!(lines.len(), 1);
    assert_eq!(s(&lines[0]["key"]), "apple");
    assert_eq!(n(&lines[0]["version"]), 5);
    assert_eq!(s(&lines[0]["value"]), "green");
    // Deleted as of version 10: not found, exit 3, one line naming the key.
    let gone = expect(3, ["get".as_ref(), db.as_os_str(), "apple".as_ref()]);
    assert!(
        gone.stderr.contains("apple") && gone.stderr.contains("not found"),
        "{}",
        gone.stderr
    );
    // A key that is not UTF-8 (with a NUL: only --hex can pass it).
    let hexed = expect(
        0,
        [
            "--hex".as_ref(),
            "get".as_ref(),
            db.as_os_str(),
            "ff006b".as_ref(),
        ],
    );
    assert_eq!(hexed.stdout, "7461620968657265\n");
    let flag_after = expect(
        0,
        [
            "get".as_ref(),
            db.as_os_str(),
            "--hex".as_ref(),
            "ff006b".as_ref(),
        ],
    );
    assert_eq!(flag_after.stdout, "7461620968657265\n");
    assert!(listing(&db) == before, "reads changed the database's files");
    // Raw non-UTF-8 bytes as arguments round-trip through put and get.
    let raw = OsStr::from_bytes(&[0xfe, b'k']);
    expect(
        0,
        [
            "put".as_ref(),
            db.as_os_str(),
            raw,
            OsStr::from_bytes(&[0x80]),
        ],
    );
    assert_eq!(
        expect(0, ["get".as_ref(), db.as_os_str(), raw]).stdout,
        "\\x80\n"
    );
}

#[test]
fn non_utf8_keys_come_out_as_hex_fields_in_json() {
    let _serial = common::serial();
    let tmp = TempDir::new("non-utf8");
    let db = tmp.join("db");
    sample(&db);
    let run = expect(0, ["scan".as_ref(), db.as_os_str(), "--json".as_ref()]);
    let lines = run.json();
    let last = lines.last().unwrap();
    assert_eq!(s(&last["key_hex"]), "ff006b");
    assert_eq!(s(&last["value"]), "tab\there");
    let plain = expect(0, ["scan".as_ref(), db.as_os_str()]);
    assert!(
        plain.stdout.ends_with("\\xff\\x00k\ttab\\there\n"),
        "{}",
        plain.stdout
    );
    let bad = expect(
        2,
        [
            "--hex".as_ref(),
            "get".as_ref(),
            db.as_os_str(),
            "xyz".as_ref(),
        ],
    );
    assert!(bad.stderr.contains("hex"), "{}", bad.stderr);
}

#[test]
fn history_lists_live_versions_newest_first() {
    let _serial = common::serial();
    let tmp = TempDir::new("history");
    let db = tmp.join("db");
    sample(&db);
    let run = expect(0, ["history".as_ref(), db.as_os_str(), "apple".as_ref()]);
    assert_eq!(run.stdout, "9\tgone soon\n5\tgreen\n0\tred\n");
    let ranged = expect(
        0,
        [
            "history",
            db.to_str().unwrap(),
            "apple",
            "--min",
            "1",
            "--max",
            "8",
            "--json",
        ],
    );
    let lines = ranged.json();
    assert_eq!(lines.len(), 1);
    assert_eq!(n(&lines[0]["version"]), 5);
    expect(
        2,
        [
            "history",
            db.to_str().unwrap(),
            "apple",
            "--min",
            "9",
            "--max",
            "1",
        ],
    );
}

#[test]
fn scan_honours_bounds_prefix_limit_and_order() {
    let _serial = common::serial();
    let tmp = TempDir::new("scan");
    let db = tmp.join("db");
    sample(&db);
    let d = db.to_str().unwrap();
    let keys = |run: common::Run| -> Vec<String> {
        run.json()
            .iter()
            .map(|l| match &l.get("key") {
                Some(Value::Str(k)) => k.clone(),
                _ => "<hex>".to_string(),
            })
            .collect()
    };
    // apple's newest record is a tombstone: the scan leaves it out.
    assert_eq!(
        keys(expect(0, ["scan", d, "--json"])),
        ["apricot", "banana", "<hex>"]
    );
    assert_eq!(
        keys(expect(0, ["scan", d, "--json", "--prefix", "ap"])),
        ["apricot"]
    );
    assert_eq!(
        keys(expect(0, ["scan", d, "--json", "--from", "b", "--to", "c"])),
        ["banana"]
    );
    assert_eq!(
        keys(expect(
            0,
            ["scan", d, "--json", "--reverse", "--limit", "2"]
        )),
        ["<hex>", "banana"]
    );
    let all = expect(
        0,
        ["scan", d, "--json", "--all-versions", "--prefix", "apple"],
    )
    .json();
    let versions: Vec<u64> = all.iter().map(|l| n(&l["version"])).collect();
    assert_eq!(versions, [9, 5, 0]);
}

#[test]
fn a_missing_database_is_not_found_and_not_created() {
    let _serial = common::serial();
    let tmp = TempDir::new("missing");
    let db = tmp.join("nothing-here");
    for args in [
        vec!["get", "k"],
        vec!["scan"],
        vec!["stats"],
        vec!["root"],
        vec!["export"],
        vec!["check"],
    ] {
        let mut full = vec![args[0], db.to_str().unwrap()];
        full.extend(&args[1..]);
        let run = expect(3, &full);
        assert!(run.stderr.contains("nothing-here"), "{}", run.stderr);
    }
    assert!(!db.exists());
    // Usage errors exit 2 (clap's, and ours).
    expect(2, ["get"]);
    expect(2, ["frobnicate"]);
}
