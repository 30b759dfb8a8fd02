//! Power loss at every sync point of a scripted workload: the machine dies
//! at the Nth sync (of a file or of the directory) — that sync and every
//! later call fail — then everything not yet durable is forgotten
//! (`FaultEnv::power_loss`). Reopening must succeed and hold exactly the
//! acknowledged synced batches; with unsynced writes, a prefix of the
//! batches with no hole and no half batch.

mod common;

use avccdb::storage::FaultEnv;
use avccdb::{Db, WriteOptions};
use common::faults::{
    assert_holds, batches_present, clean_options, fault_options, model_after, scripted_batch, Plain,
};
use common::TempDir;

const BATCHES: u64 = 160;

/// Runs the workload until a write fails; returns how many batches were
/// acknowledged. A compaction of everything every 50 batches (its errors
/// are expected once the machine is dead).
fn run_workload(db: &Db, wo: &WriteOptions) -> u64 {
    let mut model = Plain::new();
    for n in 0..BATCHES {
        if db.write(&scripted_batch(n, &mut model), wo).is_err() {
            return n;
        }
        if n % 50 == 49 && db.compact_range(None, None).is_err() {
            return n + 1;
        }
    }
    BATCHES
}

/// How many sync points a full run has (background work makes the count
/// vary a little from run to run; the loop goes a bit beyond it).
fn count_sync_points(wo: &WriteOptions) -> u64 {
    let dir = TempDir::new("pl-count");
    let env = FaultEnv::new();
    let db = Db::open(dir.path(), fault_options(&env)).unwrap();
    assert_eq!(run_workload(&db, wo), BATCHES);
    drop(db);
    env.sync_points()
}

/// Crashes at sync point `point`, loses power, reopens; returns (batches
/// acknowledged, batches present after reopen) after checking the
/// database holds exactly the first `present` batches.
fn crash_at(point: u64, wo: &WriteOptions) -> (u64, u64) {
    let dir = TempDir::new("pl");
    let env = FaultEnv::new();
    env.crash_at_sync(point);
    let acked = match Db::open(dir.path(), fault_options(&env)) {
        Ok(db) => {
            let acked = run_workload(&db, wo);
            drop(db);
            acked
        }
        Err(_) => 0, // died while creating the database
    };
    env.power_loss().unwrap();
    if !dir.path().join("CURRENT").exists() {
        // Died before the database existed durably: nothing was acked.
        assert_eq!(acked, 0, "sync point {point}: acked writes but no CURRENT");
        return (0, 0);
    }
    let db = Db::open(dir.path(), clean_options())
        .unwrap_or_else(|e| panic!("sync point {point}: reopen after power loss failed: {e}"));
    let present = batches_present(&db);
    assert_holds(
        &db,
        &model_after(present),
        &format!("sync point {point} (acked {acked}, present {present})"),
    );
    (acked, present)
}

#[test]
fn synced_writes_survive_power_loss_at_every_sync_point() {
    let wo = WriteOptions {
        sync: true,
        ..WriteOptions::default()
    };
    let points = count_sync_points(&wo);
    assert!(
        points > BATCHES,
        "each synced write is a sync point: {points}"
    );
    let mut crashed_mid_run = 0;
    for point in 1..=points + 5 {
        let (acked, present) = crash_at(point, &wo);
        assert_eq!(
            present, acked,
            "sync point {point}: exactly the acknowledged synced batches must survive"
        );
        if acked < BATCHES {
            crashed_mid_run += 1;
        }
    }
    assert!(
        crashed_mid_run as u64 > points / 2,
        "the crash points were reached"
    );
    println!(
        "synced writes: {} crash points ({points} sync points in a full run), \
         {crashed_mid_run} crashed mid-run; every reopen held exactly the acknowledged batches",
        points + 5
    );
}

#[test]
fn unsynced_writes_survive_power_loss_as_a_prefix() {
    let wo = WriteOptions::default();
    let points = count_sync_points(&wo);
    assert!(points > 3, "flushes sync tables and the manifest: {points}");
    let (mut lost_some, mut lost_batches) = (false, 0);
    for point in 1..=points + 3 {
        let (acked, present) = crash_at(point, &wo);
        // The checks in crash_at established "a prefix, no hole, no half
        // batch"; a batch whose write failed is never durable.
        assert!(present <= acked, "sync point {point}: {present} > {acked}");
        lost_batches += acked - present;
        lost_some |= present < acked;
    }
    assert!(
        lost_some,
        "unsynced writes were never lost: the power loss is not simulated"
    );
    println!(
        "unsynced writes: {} crash points; every reopen held a prefix with no hole \
         ({lost_batches} unsynced batches lost in all)",
        points + 3
    );
}
