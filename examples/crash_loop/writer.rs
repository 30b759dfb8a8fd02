//! The crash loop's writer: synced batches, one after another, from the
//! batch after the database's marker (which must be the `start` the last
//! check wrote in the ack log), until the process is killed. Each
//! batch acknowledged (the write returned Ok) is appended to the ack log
//! before the next one starts; now and then a range is compacted by hand
//! on top of the background compactions the small buffers cause.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use avccdb::util::random::Rng;
use avccdb::{Db, WriteOptions};

use crate::check::read_ack_log;
use crate::workload::{self, is_large, KEYS};
use crate::{options, read_marker};

/// A manual `compact_range` after every this many batches.
const COMPACT_EVERY: u64 = 40;

/// Writes until an error, which it returns (the normal end is SIGKILL).
pub fn run(dir: &Path, ack_log: &Path, seed: u64) -> String {
    match write_forever(dir, ack_log, seed) {
        Err(e) => e,
        Ok(never) => match never {},
    }
}

fn write_forever(
    dir: &Path,
    ack_log: &Path,
    seed: u64,
) -> Result<std::convert::Infallible, String> {
    let db = Db::open(dir, options()).map_err(|e| format!("open: {e}"))?;
    let start = read_marker(&db)?.map_or(0, |k| k + 1);
    // The last check left the batch to start from in the ack log: a
    // database that changed since (in its clean close, or this reopen)
    // would show here.
    let expected = read_ack_log(ack_log)?.0;
    if start != expected {
        return Err(format!(
            "the database continues at batch {start}, the last check left it at {expected}"
        ));
    }
    let mut acks = OpenOptions::new()
        .append(true)
        .open(ack_log)
        .map_err(|e| format!("ack log {}: {e}", ack_log.display()))?;
    // One write(2) per line, unbuffered. The process is killed, the machine
    // is not: what write(2) handed to the page cache survives the kill, so
    // the ack log needs no fsync.
    let mut ack = |line: String| {
        acks.write_all(line.as_bytes())
            .map_err(|e| format!("ack log: {e}"))
    };
    let write_buffer = db.options().write_buffer;
    let sync = WriteOptions {
        sync: true,
        ..WriteOptions::default()
    };
    for n in start.. {
        let batch = workload::batch(seed, n);
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
        ack(format!("{n}\n"))?;
        if n % COMPACT_EVERY == COMPACT_EVERY / 2 {
            compact_some_range(&db, n)?;
        }
    }
    unreachable!("u64 batch numbers ran out")
}

/// Compacts a range picked from `n` (sometimes the whole key space).
fn compact_some_range(db: &Db, n: u64) -> Result<(), String> {
    let mut rng = Rng::new(n);
    let compacted = if rng.one_in(4) {
        db.compact_range(None, None)
    } else {
        let lo = rng.below(KEYS);
        let hi = (lo + rng.range(10, 300)).min(KEYS - 1);
        db.compact_range(Some(&workload::key(lo)), Some(&workload::key(hi)))
    };
    compacted.map_err(|e| format!("compact_range after batch {n}: {e}"))
}
