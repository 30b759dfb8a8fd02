//! Crash recovery. A child process (this test binary, re-run with an
//! environment variable) writes synced batches and reports each one it
//! got acknowledged; the parent SIGKILLs it at a random point, reopens the
//! database and checks that every acknowledged batch is there and that no
//! batch is there in part. Also: journals cut short at any point recover
//! what was complete before the cut.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use avccdb::util::random::Rng;
use avccdb::{Batch, Db, Options, WriteOptions};
use common::{ro, wo, TempDir};

const CHILD_ENV: &str = "AVCCDB_CRASH_CHILD_DIR";
const PAIRS: u64 = 8;

fn options() -> Options {
    Options {
        write_buffer: 32 << 10,
        compaction_table_size: 32 << 10,
        compaction_total_size: 128 << 10,
        ..Options::default()
    }
}

fn batch_key(round: u64, n: u64, j: u64) -> Vec<u8> {
    format!("r{round:02}-b{n:06}-{j}").into_bytes()
}

/// The child's job: write synced batches forever, printing "ack N" after
/// each returns.
#[test]
fn crash_child_writer() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return; // only meaningful as the parent's child
    };
    let round: u64 = std::env::var("AVCCDB_CRASH_ROUND")
        .unwrap()
        .parse()
        .unwrap();
    let db = Db::open(&dir, options()).unwrap();
    let sync = WriteOptions {
        sync: true,
        ..WriteOptions::default()
    };
    let mut out = std::io::stdout().lock();
    for n in 0.. {
        let mut batch = Batch::new();
        for j in 0..PAIRS {
            batch.put(
                &batch_key(round, n, j),
                format!("{n}:{}", "z".repeat(200)).as_bytes(),
            );
        }
        db.write(&batch, &sync).unwrap();
        writeln!(out, "ack {n}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn sigkill_never_loses_an_acknowledged_synced_write() {
    let dir = TempDir::new("crash");
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng::new(0x5eed_c0de);
    for round in 0..4u64 {
        let kill_after = rng.range(20, 400);
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .env("AVCCDB_CRASH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut acked: Option<u64> = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ack ") {
                let n: u64 = n.trim().parse().unwrap();
                acked = Some(n);
                if n >= kill_after {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acked = acked.expect("the child acknowledged nothing");

        let db = Db::open(dir.path(), options()).unwrap();
        for n in 0..=acked + 50 {
            let present: Vec<bool> = (0..PAIRS)
                .map(|j| db.get(&batch_key(round, n, j), &ro()).unwrap().is_some())
                .collect();
            let all = present.iter().all(|&p| p);
            let none = present.iter().all(|&p| !p);
            assert!(
                all || none,
                "round {round}: batch {n} half-applied: {present:?}"
            );
            if n <= acked {
                assert!(
                    all,
                    "round {round}: acknowledged batch {n} lost (acked {acked})"
                );
            }
        }
        // Earlier rounds survive later crashes too.
        for r in 0..round {
            assert!(db.get(&batch_key(r, 0, 0), &ro()).unwrap().is_some());
        }
        db.close().unwrap();
    }
}

#[test]
fn torn_journal_tail_keeps_every_complete_record() {
    let dir = TempDir::new("torn");
    let opts = Options {
        write_buffer: 1 << 20,
        ..Options::default()
    };
    {
        let db = Db::open(dir.path(), opts.clone()).unwrap();
        for i in 0..300u64 {
            db.put(format!("k{i:04}").as_bytes(), &[b'q'; 150], &wo())
                .unwrap();
        }
        db.close().unwrap();
    }
    // The newest journal holds all 300 writes (the memdb never filled).
    let mut journals: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    journals.sort();
    let journal = journals.last().unwrap().clone();
    let full = std::fs::read(&journal).unwrap();
    let copy = TempDir::new("torn-copy");
    let mut rng = Rng::new(7);
    for _ in 0..12 {
        let cut = rng.below(full.len() as u64) as usize;
        let _ = std::fs::remove_dir_all(copy.path());
        std::fs::create_dir_all(copy.path()).unwrap();
        for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
            std::fs::copy(e.path(), copy.path().join(e.file_name())).unwrap();
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(copy.path().join(journal.file_name().unwrap()))
            .unwrap();
        f.set_len(cut as u64).unwrap();
        f.flush().unwrap();
        drop(f);
        let db = Db::open(copy.path(), opts.clone()).unwrap();
        // A prefix of the writes survives: none missing before the last.
        let present: Vec<bool> = (0..300u64)
            .map(|i| {
                db.get(format!("k{i:04}").as_bytes(), &ro())
                    .unwrap()
                    .is_some()
            })
            .collect();
        let survivors = present.iter().take_while(|&&p| p).count();
        assert!(
            present[survivors..].iter().all(|&p| !p),
            "a hole at cut {cut}"
        );
        // Each record is ~190 bytes of a 32 KiB-block journal: the cut
        // loses at most the record it fell in.
        let expected_min = (cut / 200).saturating_sub(2);
        assert!(
            survivors >= expected_min.min(300),
            "cut {cut}: only {survivors} survived"
        );
        db.close().unwrap();
    }
}
