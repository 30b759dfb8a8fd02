//! Level-0 flow control: with table compaction held, writers slow down at
//! the slowdown trigger and stop at the pause trigger; once compaction may
//! run again they resume, and the delay counters show it.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use avccdb::{Db, Options};
use common::{ro, wo, TempDir};

fn options() -> Options {
    Options {
        write_buffer: 16 << 10,
        write_l0_slowdown_trigger: 2,
        write_l0_pause_trigger: 3,
        compaction_l0_trigger: 2,
        ..Options::default()
    }
}

/// Polls `cond` (a state that another thread reaches and then holds) for
/// up to a minute.
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::yield_now();
    }
}

#[test]
fn writers_pause_at_the_trigger_and_resume_after_compaction() {
    let dir = TempDir::new("flow");
    let db = Arc::new(Db::open(dir.path(), options()).unwrap());
    let held = db.pause_compactions();
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let db = db.clone();
        let done = done.clone();
        thread::spawn(move || {
            for i in 0..4000u64 {
                db.put(format!("k{i:06}").as_bytes(), &[b'v'; 100], &wo())
                    .unwrap();
            }
            done.store(true, Ordering::Release);
        })
    };
    // The writer fills memdbs; they become level-0 tables until the pause
    // trigger, where it must wait for a compaction that is held.
    wait_for("writes to pause", || db.stats().write_paused);
    let l0: usize = db
        .property("avccdb.num-files-at-level0")
        .unwrap()
        .parse()
        .unwrap();
    assert!(l0 >= 3, "paused with only {l0} level-0 tables");
    assert!(
        !done.load(Ordering::Acquire),
        "the writer finished while paused"
    );
    assert_eq!(
        db.stats().levels[1].tables,
        0,
        "a compaction ran while held"
    );

    drop(held);
    writer.join().unwrap();
    let stats = db.stats();
    assert!(!stats.write_paused);
    assert!(stats.write_delay_count > 0, "{stats:?}");
    // The writer was seen paused: the pause is counted.
    assert!(stats.write_pause_count > 0, "{stats:?}");
    assert!(stats.write_delay_duration > Duration::ZERO);
    assert!(stats.level0_compactions > 0);
    for i in (0..4000u64).step_by(111) {
        assert_eq!(
            db.get(format!("k{i:06}").as_bytes(), &ro()).unwrap(),
            Some(vec![b'v'; 100])
        );
    }
    // The LOG tells the story: flushes, compactions, and the delays (logged
    // by the first write that is not delayed).
    db.compact_range(None, None).unwrap();
    db.put(b"after", b"v", &wo()).unwrap();
    let log = std::fs::read_to_string(dir.path().join("LOG")).unwrap();
    for line in [
        "memdb flushed",
        "compacted",
        "writes were delayed by level 0",
    ] {
        assert!(log.contains(line), "LOG lacks {line:?}:\n{log}");
    }
}

#[test]
fn slowdown_alone_delays_writes_once_each() {
    let dir = TempDir::new("slowdown");
    let opts = Options {
        write_buffer: 16 << 10,
        write_l0_slowdown_trigger: 1,
        write_l0_pause_trigger: 100,
        compaction_l0_trigger: 100,
        ..Options::default()
    };
    let db = Db::open(dir.path(), opts).unwrap();
    // Until the first memdb flush there is no level-0 table: no delay.
    db.put(b"first", b"v", &wo()).unwrap();
    assert_eq!(db.stats().write_delay_count, 0);
    db.compact_range(None, None).unwrap();
    // compact_range moved everything below level 0; force one L0 table.
    for i in 0..400u64 {
        db.put(format!("k{i:04}").as_bytes(), &[b'x'; 100], &wo())
            .unwrap();
    }
    wait_for("a level-0 table", || {
        db.property("avccdb.num-files-at-level0").unwrap() != "0"
    });
    let before = db.stats().write_delay_count;
    for i in 0..10u64 {
        db.put(format!("late{i}").as_bytes(), b"v", &wo()).unwrap();
    }
    let after = db.stats().write_delay_count;
    assert_eq!(after - before, 10, "each write delayed exactly once");
}
