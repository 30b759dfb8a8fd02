//! A journal write or sync that fails: that write reports the error,
//! every later write fails with the same sticky error until reopen, reads
//! keep working, and reopening recovers every acknowledged write. Also the
//! disk-full case: the error is `Error::Io` naming the file, and the
//! database reopens once space is back.

mod common;

use avccdb::storage::names::FileType;
use avccdb::storage::{Fault, FaultEnv, FileOp, Injection};
use avccdb::{Db, Error, WriteOptions};
use common::faults::{assert_holds, clean_options, fault_options, scripted_batch, Plain};
use common::TempDir;

const EIO: i32 = 5;
const ENOSPC: i32 = 28;

fn synced() -> WriteOptions {
    WriteOptions {
        sync: true,
        ..WriteOptions::default()
    }
}

/// Writes scripted batches until one fails; returns the model of the
/// acknowledged ones, the model including the failed one, and the error.
fn write_until_failure(db: &Db, wo: &WriteOptions) -> (Plain, Plain, Error) {
    let mut acked = Plain::new();
    for n in 0..10_000 {
        let mut attempted = acked.clone();
        let batch = scripted_batch(n, &mut attempted);
        match db.write(&batch, wo) {
            Ok(()) => acked = attempted,
            Err(e) => return (acked, attempted, e),
        }
    }
    panic!("the injected fault never fired");
}

/// Runs the journal scenario for one injection and checks everything the
/// issue asks of it.
/// `failed_may_persist`: the failed write's bytes reached the file (its
/// sync failed), so after reopen it may be there; otherwise it must not.
fn journal_fault_scenario(
    tag: &str,
    injection: Injection,
    wo: WriteOptions,
    errno: i32,
    failed_may_persist: bool,
) {
    let dir = TempDir::new(tag);
    let env = FaultEnv::new();
    let db = Db::open(dir.path(), fault_options(&env)).unwrap();
    env.inject(injection);
    let (acked, with_failed, err) = write_until_failure(&db, &wo);
    let Error::Io(io) = &err else {
        panic!("{tag}: expected an I/O error, got {err}");
    };
    assert_eq!(
        io.raw_os_error(),
        None,
        "the error is rewrapped with its path"
    );
    let text = err.to_string();
    assert!(
        text.contains(".log"),
        "{tag}: error names the journal: {text}"
    );
    let expected = std::io::Error::from_raw_os_error(errno).to_string();
    assert!(text.contains(&expected), "{tag}: {text} lacks {expected:?}");

    // Sticky: the fault is gone, but writes keep failing with that error.
    env.clear();
    let mut scratch = acked.clone();
    let later = db.write(&scripted_batch(999_999, &mut scratch), &wo);
    assert_eq!(later.unwrap_err().to_string(), text, "{tag}: sticky error");
    assert_eq!(db.property("avccdb.background-error").unwrap(), text);
    // Reads keep working and show every acknowledged write.
    assert_holds(&db, &acked, &format!("{tag}: reads after the failure"));
    drop(db);

    let db = Db::open(dir.path(), clean_options()).unwrap();
    let recovered = common::faults::contents(&db);
    if failed_may_persist && recovered == with_failed {
        // The failed write reached the journal in full before its sync
        // failed; its outcome was unknown to the caller.
    } else {
        assert_holds(&db, &acked, &format!("{tag}: after reopen"));
    }
    assert_eq!(db.property("avccdb.background-error").unwrap(), "");
    // Writable again.
    let mut model = recovered;
    db.write(&scripted_batch(5_000, &mut model), &synced())
        .unwrap();
    assert_holds(&db, &model, tag);
}

#[test]
fn failing_journal_write_is_sticky_and_loses_nothing_acknowledged() {
    journal_fault_scenario(
        "jwrite",
        Injection::nth(FileOp::Write, 40).on(FileType::Journal),
        WriteOptions::default(),
        EIO,
        false,
    );
}

#[test]
fn failing_journal_sync_is_sticky_and_loses_nothing_acknowledged() {
    journal_fault_scenario(
        "jsync",
        Injection::nth(FileOp::Sync, 25).on(FileType::Journal),
        synced(),
        EIO,
        true,
    );
}

#[test]
fn torn_journal_write_recovers_the_acknowledged_prefix() {
    journal_fault_scenario(
        "jtorn",
        Injection::nth(FileOp::Write, 33)
            .on(FileType::Journal)
            .with(Fault::TornWrite),
        synced(),
        EIO,
        false,
    );
}

#[test]
fn disk_full_on_the_journal_is_a_clear_io_error_and_reopen_works() {
    journal_fault_scenario(
        "jnospc",
        Injection::from_nth(FileOp::Write, 20)
            .on(FileType::Journal)
            .with(Fault::NoSpace),
        WriteOptions::default(),
        ENOSPC,
        false,
    );
}

/// No space for a new journal when the memdb rotates: the write that needed
/// the rotation fails with the journal's path; nothing is broken, so the
/// error is not sticky and the next write (once space is back) succeeds.
#[test]
fn disk_full_creating_a_journal_fails_that_write_only() {
    let dir = TempDir::new("jcreate");
    let env = FaultEnv::new();
    let db = Db::open(dir.path(), fault_options(&env)).unwrap();
    env.inject(
        Injection::nth(FileOp::Create, 1)
            .on(FileType::Journal)
            .with(Fault::NoSpace),
    );
    let (acked, _, err) = write_until_failure(&db, &WriteOptions::default());
    let text = err.to_string();
    assert!(
        text.contains(".log") && text.contains("No space left"),
        "{text}"
    );
    assert_eq!(db.property("avccdb.background-error").unwrap(), "");
    let mut model = acked;
    for n in 20_000..20_300 {
        db.write(&scripted_batch(n, &mut model), &WriteOptions::default())
            .unwrap();
    }
    assert_holds(&db, &model, "after the failed rotation");
    drop(db);
    let db = Db::open(dir.path(), clean_options()).unwrap();
    assert_holds(&db, &model, "after reopen");
}
