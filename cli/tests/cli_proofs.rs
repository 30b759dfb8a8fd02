//! `root`, `prove` and `verify`: the root is the library's MasterRoot, a
//! proof written by `prove` verifies with no database (found and absent
//! answers), and a mutated proof, a wrong root, a wrong key or garbage is
//! rejected with the invalid-proof exit status.

mod common;

use avccdb::{Db, ReadOptions, WriteOptions};
use common::{expect, n, s, small_options, TempDir};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn proofs_verify_without_the_database_and_mutations_are_rejected() {
    let _serial = common::serial();
    let tmp = TempDir::new("proofs");
    let dir = tmp.join("db");
    let db = Db::open(&dir, small_options()).unwrap();
    for i in 0..500u32 {
        let key = format!("k{i:04}");
        db.put_with_version(key.as_bytes(), 1, b"first", &WriteOptions::default())
            .unwrap();
        db.put_with_version(
            key.as_bytes(),
            2,
            format!("v{i}").as_bytes(),
            &WriteOptions::default(),
        )
        .unwrap();
    }
    let root = hex(&db.master_root(&ReadOptions::default()).unwrap());
    db.close().unwrap();
    let d = dir.to_str().unwrap();

    assert_eq!(expect(0, ["root", d]).stdout.trim(), root);
    assert_eq!(s(&expect(0, ["root", d, "--json"]).json()[0]["root"]), root);

    let proof = tmp.join("p.bin");
    let p = proof.to_str().unwrap();
    expect(0, ["prove", d, "k0042", "--out", p]);
    let ok = expect(0, ["verify", "--root", &root, p, "k0042", "--json"]);
    let answer = &ok.json()[0];
    assert_eq!(answer["found"], avccdb_cli::json::Value::Bool(true));
    assert_eq!(n(&answer["version"]), 2);
    assert_eq!(s(&answer["value"]), "v42");
    let older = tmp.join("old.bin");
    expect(
        0,
        [
            "prove",
            d,
            "k0042",
            "--version",
            "1",
            "--out",
            older.to_str().unwrap(),
        ],
    );
    let old = expect(
        0,
        [
            "verify",
            "--root",
            &root,
            older.to_str().unwrap(),
            "k0042",
            "--version",
            "1",
        ],
    );
    assert_eq!(old.stdout, "found: version 1: first\n");

    // Absence, proven through the hex form that prove prints.
    let absent_hex = expect(0, ["prove", d, "nope"]).stdout;
    let absent = tmp.join("absent.hex");
    std::fs::write(&absent, &absent_hex).unwrap();
    let run = expect(
        0,
        ["verify", "--root", &root, absent.to_str().unwrap(), "nope"],
    );
    assert!(run.stdout.starts_with("absent"), "{}", run.stdout);

    // The proof for one key says nothing about another.
    expect(6, ["verify", "--root", &root, p, "k0043"]);
    // A different root.
    let mut other = root.clone().into_bytes();
    other[0] = if other[0] == b'0' { b'1' } else { b'0' };
    expect(
        6,
        [
            "verify",
            "--root",
            std::str::from_utf8(&other).unwrap(),
            p,
            "k0042",
        ],
    );
    // Mutated bytes anywhere in the proof.
    let bytes = std::fs::read(&proof).unwrap();
    let mutated = tmp.join("m.bin");
    for at in [0, 5, bytes.len() / 2, bytes.len() - 1] {
        let mut m = bytes.clone();
        m[at] ^= 0x01;
        std::fs::write(&mutated, &m).unwrap();
        let run = expect(
            6,
            [
                "verify",
                "--root",
                &root,
                mutated.to_str().unwrap(),
                "k0042",
            ],
        );
        assert!(
            run.stderr.contains("invalid proof"),
            "byte {at}: {}",
            run.stderr
        );
    }
    // Truncated and garbage proofs, a malformed root, a missing file.
    std::fs::write(&mutated, &bytes[..bytes.len() / 3]).unwrap();
    expect(
        6,
        [
            "verify",
            "--root",
            &root,
            mutated.to_str().unwrap(),
            "k0042",
        ],
    );
    std::fs::write(&mutated, "this is not a proof\n").unwrap();
    expect(
        6,
        [
            "verify",
            "--root",
            &root,
            mutated.to_str().unwrap(),
            "k0042",
        ],
    );
    expect(2, ["verify", "--root", "abcd", p, "k0042"]);
    expect(
        3,
        [
            "verify",
            "--root",
            &root,
            tmp.join("none").to_str().unwrap(),
            "k0042",
        ],
    );
}
