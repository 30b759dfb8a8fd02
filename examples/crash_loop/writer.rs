//! The crash loop's writer: `WRITERS` threads, each writing synced batches
//! one after another on its own keys, from the batch after its marker
//! (which must be the `start` the last check wrote in the ack log), until
//! the process is killed. Each batch acknowledged (the write returned Ok)
//! goes to the ack log before the thread's next one starts; now and then a
//! thread compacts a range by hand, on top of the background compactions
//! the small buffers cause.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use avccdb::util::random::Rng;
use avccdb::{Db, WriteOptions};

use crate::ack_log::{self, Appender};
use crate::workload::{self, is_large, KEYS, WRITERS};
use crate::{options, read_marker};

/// A manual `compact_range` after every this many batches of a writer.
const COMPACT_EVERY: u64 = 40;

/// Writes until an error, which it returns (the normal end is SIGKILL).
pub fn run(dir: &Path, ack_path: &Path, seed: u64) -> String {
    let db = match Db::open(dir, options()) {
        Ok(db) => db,
        Err(e) => return format!("open: {e}"),
    };
    let starts = match ack_log::read(ack_path) {
        Ok(acks) => acks,
        Err(e) => return e,
    };
    // Set by the first thread that fails, so the others stop too.
    let stop = AtomicBool::new(false);
    let errors: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (db, stop) = (&db, &stop);
                let start = starts[w as usize].start;
                scope.spawn(move || {
                    let e = write_until_stopped(db, ack_path, seed, w, start, stop);
                    stop.store(true, Ordering::Relaxed);
                    e
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|_| "a writer panicked".into()))
            .collect()
    });
    errors.join("; ")
}

fn write_until_stopped(
    db: &Db,
    ack_path: &Path,
    seed: u64,
    w: u64,
    expected_start: u64,
    stop: &AtomicBool,
) -> String {
    match write_batches(db, ack_path, seed, w, expected_start, stop) {
        Ok(()) => format!("writer {w}: stopped after another writer's error"),
        Err(e) => format!("writer {w}: {e}"),
    }
}

fn write_batches(
    db: &Db,
    ack_path: &Path,
    seed: u64,
    w: u64,
    expected_start: u64,
    stop: &AtomicBool,
) -> Result<(), String> {
    // A database that changed since the last check (in its clean close, or
    // this reopen) would show here.
    let start = read_marker(db, w)?.map_or(0, |k| k + 1);
    if start != expected_start {
        return Err(format!(
            "the database continues at batch {start}, the last check left it at {expected_start}"
        ));
    }
    let mut acks = Appender::open(ack_path)?;
    let write_buffer = db.options().write_buffer;
    let sync = WriteOptions {
        sync: true,
        ..WriteOptions::default()
    };
    for n in start.. {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let batch = workload::batch(seed, w, n);
        // The workload must take the paths it claims to: large batches
        // through a transaction, the others through the journal.
        if is_large(n) != (batch.internal_len() > write_buffer) {
            return Err(format!(
                "batch {n}: {} bytes of memdb room against a {write_buffer}-byte \
                 write buffer contradicts its size class",
                batch.internal_len()
            ));
        }
        db.write(&batch, &sync)
            .map_err(|e| format!("batch {n}: {e}"))?;
        acks.ack(w, n)?;
        if n % COMPACT_EVERY == COMPACT_EVERY / 2 {
            compact_some_range(db, w, n)?;
        }
    }
    unreachable!("u64 batch numbers ran out")
}

/// Compacts a range picked from `n` (sometimes the whole key space).
fn compact_some_range(db: &Db, w: u64, n: u64) -> Result<(), String> {
    let mut rng = Rng::new(n ^ (w << 56));
    let compacted = if rng.one_in(4) {
        db.compact_range(None, None)
    } else {
        let lo = rng.below(KEYS);
        let hi = (lo + rng.range(10, 300)).min(KEYS - 1);
        db.compact_range(Some(&workload::key(w, lo)), Some(&workload::key(w, hi)))
    };
    compacted.map_err(|e| format!("compact_range after batch {n}: {e}"))
}
