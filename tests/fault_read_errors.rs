//! Read errors on table files: `get` and iterators report the error —
//! never a wrong value, and never "not found" without an error — and reads
//! work again once the device does.

mod common;

use avccdb::storage::names::FileType;
use avccdb::storage::{FaultEnv, FileOp, Injection};
use avccdb::{Db, ReadOptions, WriteOptions};
use common::faults::{assert_holds, fault_options, scripted_batch, Plain};
use common::TempDir;

/// A database whose data sits in tables only (memdb flushed), reopened
/// through `env` so that no table is open or cached yet.
fn tables_only(tag: &str, env: &FaultEnv) -> (TempDir, Db, Plain) {
    let dir = TempDir::new(tag);
    let mut model = Plain::new();
    {
        let db = Db::open(dir.path(), fault_options(env)).unwrap();
        for n in 0..400 {
            db.write(&scripted_batch(n, &mut model), &WriteOptions::default())
                .unwrap();
        }
        db.compact_range(None, None).unwrap();
    }
    let db = Db::open(dir.path(), fault_options(env)).unwrap();
    (dir, db, model)
}

fn checked() -> ReadOptions {
    ReadOptions {
        verify_checksums: true,
        ..ReadOptions::default()
    }
}

#[test]
fn every_get_fails_while_table_reads_fail() {
    let env = FaultEnv::new();
    let (_dir, db, model) = tables_only("rget", &env);
    env.inject(Injection::from_nth(FileOp::Read, 1).on(FileType::Table));
    for (k, _) in model.iter().step_by(7) {
        match db.get(k, &checked()) {
            Err(e) => assert!(e.to_string().contains(".ldb"), "{e}"),
            Ok(v) => panic!(
                "get {} returned {:?} while every table read fails",
                String::from_utf8_lossy(k),
                v.map(|v| String::from_utf8_lossy(&v).into_owned())
            ),
        }
    }
    env.clear();
    assert_holds(&db, &model, "after the device recovers");
}

#[test]
fn table_open_failure_is_an_error_not_a_miss() {
    let env = FaultEnv::new();
    let (_dir, db, model) = tables_only("ropen", &env);
    env.inject(Injection::from_nth(FileOp::Open, 1).on(FileType::Table));
    let (k, _) = model.iter().next().unwrap();
    assert!(db.get(k, &checked()).is_err());
    env.clear();
    assert_holds(&db, &model, "after the open succeeds");
}

/// A read failing at each position of a full scan: the iterator yields
/// correct entries, then stops with the error; it never skips entries
/// silently.
#[test]
fn iteration_stops_with_the_error_at_any_read() {
    let env = FaultEnv::new();
    let (_dir, db, model) = tables_only("riter", &env);
    let expected: Vec<_> = model.iter().collect();
    let mut failed_scans = 0;
    for nth in 1..=12 {
        env.clear();
        // A fresh iterator; the table cache keeps index blocks, so count
        // data-block reads only from here.
        let mut it = db.iter(&checked()).unwrap();
        env.inject(Injection::nth(FileOp::Read, nth).on(FileType::Table));
        it.seek_to_first();
        let mut seen = 0;
        while it.valid() {
            let (k, v) = expected[seen];
            assert_eq!((it.key(), it.value()), (&k[..], &v[..]), "entry {seen}");
            seen += 1;
            it.next();
        }
        match it.status() {
            Ok(()) => assert_eq!(
                seen,
                expected.len(),
                "read {nth}: scan ended early without an error"
            ),
            Err(e) => {
                assert!(seen < expected.len());
                assert!(e.to_string().contains(".ldb"), "{e}");
                failed_scans += 1;
            }
        }
    }
    assert!(failed_scans > 0, "no scan met the injected read error");
}
