//! The crash loop's two halves (`scripts/crash-loop.sh` runs them, see
//! docs/RELIABILITY.md, "Crash loop"):
//!
//! ```sh
//! crash_loop write DIR ACKLOG SEED   # writes synced batches until killed
//! crash_loop reopen DIR              # opens (recovers) and closes
//! crash_loop check DIR ACKLOG SEED   # after the kill: reopens and checks
//! ```
//!
//! The writer's threads continue each from the batch after the one the
//! database holds, appending each acknowledged batch number to ACKLOG;
//! `reopen` is there to be killed in the middle of a recovery; the checker
//! reopens the database, replays the workload up to the batches it holds
//! and compares every read with that model. `check` prints one line
//! `ok acked=A large_acked=L in_flight=F next_large=X held=K0,K1` (summed
//! over the writers, see `check::Summary`) and exits 0, or lists the
//! problems and exits 1.

mod ack_log;
mod check;
mod model;
mod workload;
mod writer;

use std::path::Path;
use std::process::ExitCode;

use avccdb::{Db, Options, ReadOptions};

/// Small buffers, so memdb rotations, level-0 flushes and compactions run
/// all the time; paranoid, so recovery fails on any corruption rather than
/// skipping it (a torn journal tail is not corruption).
pub fn options() -> Options {
    Options {
        write_buffer: 32 << 10,
        compaction_table_size: 32 << 10,
        compaction_total_size: 128 << 10,
        paranoid_checks: true,
        ..Options::default()
    }
}

/// The number of writer `w`'s newest batch the database holds (None: no
/// batch yet).
pub fn read_marker(db: &Db, w: u64) -> Result<Option<u64>, String> {
    let Some(raw) = db
        .get(&workload::marker(w), &ReadOptions::default())
        .map_err(|e| format!("reading writer {w}'s marker: {e}"))?
    else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&raw);
    text.parse()
        .map(Some)
        .map_err(|_| format!("writer {w}'s marker holds {text:?}, not a batch number"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, dir] = args.as_slice() {
        if command == "reopen" {
            return reopen(Path::new(dir));
        }
    }
    let [command, dir, ack_log, seed] = args.as_slice() else {
        eprintln!("usage: crash_loop write|check DIR ACKLOG SEED, or crash_loop reopen DIR");
        return ExitCode::from(2);
    };
    let Ok(seed) = seed.parse::<u64>() else {
        eprintln!("crash_loop: SEED must be a number, not {seed:?}");
        return ExitCode::from(2);
    };
    let (dir, ack_log) = (Path::new(dir), Path::new(ack_log));
    match command.as_str() {
        "write" => {
            // Returns only on an error: the writer's way out is SIGKILL.
            let e = writer::run(dir, ack_log, seed);
            eprintln!("crash_loop write: {e}");
            ExitCode::from(3)
        }
        "check" => match check::run(dir, ack_log, seed) {
            Ok(s) => {
                let held: Vec<String> = s
                    .held
                    .iter()
                    .map(|k| k.map_or("none".to_string(), |k| k.to_string()))
                    .collect();
                println!(
                    "ok acked={} large_acked={} in_flight={} next_large={} held={}",
                    s.acked,
                    s.large_acked,
                    s.in_flight,
                    s.next_large,
                    held.join(",")
                );
                ExitCode::SUCCESS
            }
            Err(problems) => {
                for p in &problems {
                    println!("FAIL {p}");
                }
                ExitCode::from(1)
            }
        },
        other => {
            eprintln!("crash_loop: unknown command {other:?} (write or check)");
            ExitCode::from(2)
        }
    }
}

/// Opens the database (recovering it after a kill) and closes it again.
fn reopen(dir: &Path) -> ExitCode {
    let reopened = Db::open(dir, options()).and_then(|db| {
        for w in 0..workload::WRITERS {
            read_marker(&db, w).map_err(avccdb::Error::Corruption)?;
        }
        db.close()
    });
    match reopened {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash_loop reopen: {e}");
            ExitCode::from(3)
        }
    }
}
