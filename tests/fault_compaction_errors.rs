//! A table write, table sync, manifest write or sync, or a rename that
//! fails during a memdb flush or a table compaction: the sticky background
//! error is set and reported (property, stats and the next write), no table
//! named by the manifest is partial, nothing acknowledged is lost after
//! reopen, and failed attempts leave no growing pile of orphan files.

mod common;

use avccdb::storage::names::FileType;
use avccdb::storage::{Fault, FaultEnv, FileOp, Injection};
use avccdb::{Db, WriteOptions};
use common::faults::{
    assert_holds, clean_options, contents, fault_options, live_tables, scripted_batch, table_files,
    Plain,
};
use common::TempDir;

/// Writes the small scripted batches among `from..from + count`, all
/// acknowledged.
fn write_small_batches(db: &Db, from: u64, count: u64, model: &mut Plain) {
    let small = (from..from + count).filter(|&n| !is_large(n)).count() as u64;
    assert_eq!(write_until_error(db, from, count, model, false), small);
}

/// Scripted batch `n` is larger than the write buffer: it takes the
/// transaction path and writes its own tables (the scenarios that target a
/// flush or a compaction leave those out so the fault lands where meant).
fn is_large(n: u64) -> bool {
    n % 40 == 20
}

/// Writes the scripted batches `from..from + count` (without the large
/// ones unless `large`), stopping at the first failure (a background error
/// stops writes); `model` gets the acknowledged ones. Returns how many were
/// acknowledged.
fn write_until_error(db: &Db, from: u64, count: u64, model: &mut Plain, large: bool) -> u64 {
    let mut acked = 0;
    for n in from..from + count {
        if is_large(n) && !large {
            continue;
        }
        let mut next = model.clone();
        let batch = scripted_batch(n, &mut next);
        if db.write(&batch, &WriteOptions::default()).is_err() {
            return acked;
        }
        *model = next;
        acked += 1;
    }
    acked
}

/// After a background failure: the error is reported everywhere, writes
/// fail with it, reads still see `model`; then a clean reopen holds
/// `model` and every table scrubs clean.
fn check_after_background_failure(db: Db, dir: &TempDir, model: &Plain, tag: &str) {
    let reported = db.property("avccdb.background-error").unwrap();
    assert!(!reported.is_empty(), "{tag}: no background error reported");
    assert!(reported.starts_with("IO error"), "{tag}: {reported}");
    assert_eq!(db.stats().background_error.as_deref(), Some(&reported[..]));
    assert!(db.property("avccdb.stats").unwrap().contains(&reported));
    let mut scratch = model.clone();
    let err = db
        .write(
            &scripted_batch(900_000, &mut scratch),
            &WriteOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.to_string(), reported, "{tag}: next write");
    assert_holds(&db, model, &format!("{tag}: reads after the failure"));
    drop(db);

    let db = Db::open(dir.path(), clean_options()).unwrap();
    assert_holds(&db, model, &format!("{tag}: after reopen"));
    let report = db.check_integrity().unwrap();
    assert!(
        report.is_clean(),
        "{tag}: integrity after reopen: {report:?}"
    );
    let live = live_tables(&db);
    assert!(
        live.is_subset(&table_files(dir.path())),
        "{tag}: a table named by the manifest is missing"
    );
}

/// The memdb flush fails: `compact_range` waits for it and reports it.
fn flush_failure(tag: &str, injection: Injection) {
    let dir = TempDir::new(tag);
    let env = FaultEnv::new();
    let db = Db::open(dir.path(), fault_options(&env)).unwrap();
    let mut model = Plain::new();
    // Near the write buffer's size in all: the flush that fails is either
    // an automatic one during the writes (later writes then fail with the
    // background error) or the one compact_range asks for.
    write_small_batches(&db, 0, 50, &mut model);
    env.inject(injection);
    write_until_error(&db, 50, 40, &mut model, false);
    let err = db.compact_range(None, None).unwrap_err();
    assert!(env.failures() > 0, "{tag}: the fault never fired");
    assert!(err.to_string().starts_with("IO error"), "{tag}: {err}");
    env.clear();
    check_after_background_failure(db, &dir, &model, tag);
}

/// A table compaction (level 0 into level 1) fails.
fn compaction_failure(tag: &str, injection: Injection) {
    let dir = TempDir::new(tag);
    let env = FaultEnv::new();
    let db = Db::open(dir.path(), fault_options(&env)).unwrap();
    let mut model = Plain::new();
    write_small_batches(&db, 0, 300, &mut model);
    db.compact_range(None, None).unwrap();
    // New versions of the same keys (less than the write buffer) into one
    // level-0 table: compacting an empty key range only flushes the memdb.
    write_small_batches(&db, 300, 80, &mut model);
    db.compact_range(Some(b"zz"), Some(b"zzz")).unwrap();
    let level0: usize = db
        .property("avccdb.num-files-at-level0")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(level0, 1, "level-0 tables waiting");
    env.inject(injection);
    let err = db.compact_range(None, None).unwrap_err();
    assert!(env.failures() > 0, "{tag}: the fault never fired");
    assert!(err.to_string().starts_with("IO error"), "{tag}: {err}");
    env.clear();
    check_after_background_failure(db, &dir, &model, tag);
}

#[test]
fn table_write_failure_during_flush() {
    flush_failure(
        "flush-write",
        Injection::nth(FileOp::Write, 1).on(FileType::Table),
    );
}

#[test]
fn table_sync_failure_during_flush() {
    flush_failure(
        "flush-sync",
        Injection::nth(FileOp::Sync, 1).on(FileType::Table),
    );
}

#[test]
fn table_create_failure_during_flush() {
    flush_failure(
        "flush-create",
        Injection::nth(FileOp::Create, 1).on(FileType::Table),
    );
}

#[test]
fn manifest_write_failure_during_flush() {
    flush_failure(
        "flush-manifest",
        Injection::nth(FileOp::Write, 1).on(FileType::Manifest),
    );
}

#[test]
fn manifest_sync_failure_during_flush() {
    flush_failure(
        "flush-msync",
        Injection::nth(FileOp::Sync, 1).on(FileType::Manifest),
    );
}

#[test]
fn directory_sync_failure_during_flush() {
    // The first directory sync is compact_range's memdb rotation (a new
    // journal; a failure there fails that call only); the second is the
    // flush's, before its manifest edit.
    flush_failure("flush-dirsync", Injection::nth(FileOp::SyncDir, 2));
}

#[test]
fn disk_full_during_flush_names_the_table() {
    let dir = TempDir::new("flush-nospc");
    let env = FaultEnv::new();
    let db = Db::open(dir.path(), fault_options(&env)).unwrap();
    let mut model = Plain::new();
    env.inject(
        Injection::from_nth(FileOp::Write, 1)
            .on(FileType::Table)
            .with(Fault::NoSpace),
    );
    write_until_error(&db, 0, 80, &mut model, false);
    let err = db.compact_range(None, None).unwrap_err().to_string();
    assert!(err.contains(".ldb"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    env.clear();
    check_after_background_failure(db, &dir, &model, "flush-nospc");
}

#[test]
fn table_write_failure_during_compaction() {
    compaction_failure(
        "comp-write",
        Injection::nth(FileOp::Write, 1).on(FileType::Table),
    );
}

#[test]
fn table_sync_failure_during_compaction() {
    compaction_failure(
        "comp-sync",
        Injection::nth(FileOp::Sync, 1).on(FileType::Table),
    );
}

#[test]
fn manifest_write_failure_during_compaction() {
    compaction_failure(
        "comp-manifest",
        Injection::nth(FileOp::Write, 1).on(FileType::Manifest),
    );
}

#[test]
fn rename_failure_at_open_fails_the_open_and_a_retry_succeeds() {
    let dir = TempDir::new("open-rename");
    let mut model = Plain::new();
    {
        let db = Db::open(dir.path(), clean_options()).unwrap();
        write_small_batches(&db, 0, 100, &mut model);
    }
    let env = FaultEnv::new();
    env.inject(Injection::nth(FileOp::Rename, 1).on(FileType::Temp));
    let err = Db::open(dir.path(), fault_options(&env)).err().unwrap();
    assert!(err.to_string().contains("rename"), "{err}");
    assert_eq!(env.failures(), 1);
    let db = Db::open(dir.path(), clean_options()).unwrap();
    assert_holds(&db, &model, "open-rename");
}

/// Flushes that fail again and again (one session each) leave at most the
/// files of the failed attempt behind, never a growing pile.
#[test]
fn repeated_failures_leave_no_growing_orphans() {
    let dir = TempDir::new("orphans");
    let mut model = Plain::new();
    let mut next = 0;
    for round in 0..12 {
        let env = FaultEnv::new();
        let db = Db::open(dir.path(), fault_options(&env)).unwrap();
        // Removals fail too, so a failed table cannot clean itself up.
        env.inject(Injection::from_nth(FileOp::Sync, 1).on(FileType::Table));
        env.inject(Injection::from_nth(FileOp::Remove, 1));
        let acked = write_until_error(&db, next, 60, &mut model, true);
        next += 60;
        // The failure comes from a large batch's transaction (its table),
        // or else from the flush that compact_range waits for.
        assert!(
            acked < 60 || db.compact_range(None, None).is_err(),
            "round {round}: nothing failed"
        );
        drop(db);
        let live = {
            let db = Db::open(dir.path(), clean_options()).unwrap();
            assert_holds(&db, &model, &format!("orphans round {round}"));
            // Waits out the compactions the open started, so that no table
            // is being written while the directory is listed.
            db.compact_range(None, None).unwrap();
            live_tables(&db)
        };
        let orphans: Vec<u64> = table_files(dir.path()).difference(&live).copied().collect();
        assert!(
            orphans.is_empty(),
            "round {round}: orphan tables left after a clean open: {orphans:?}"
        );
    }
    let db = Db::open(dir.path(), clean_options()).unwrap();
    assert_eq!(contents(&db), model);
}
