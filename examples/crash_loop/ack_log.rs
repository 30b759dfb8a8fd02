//! The ack log: what the database promised, as the killed writer saw it.
//! Lines are `start W N` (writer W's next batch is N; written by the last
//! check, or absent for a new database: N = 0) and then `W N` (writer W's
//! batch N was acknowledged), appended by the writer threads.
//!
//! The process is killed, the machine is not: what write(2) handed to the
//! page cache survives the kill, so the log needs no fsync. Each line is one
//! write(2) on an O_APPEND file, so lines of the two writers never mix.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::workload::WRITERS;

/// One writer's part of the log.
#[derive(Clone, Debug, Default)]
pub struct WriterAcks {
    /// The first batch it was to write.
    pub start: u64,
    /// The batches it acknowledged: `start`, `start + 1`, ...
    pub acked: Vec<u64>,
}

impl WriterAcks {
    /// The first batch not acknowledged.
    pub fn next(&self) -> u64 {
        self.start + self.acked.len() as u64
    }
}

/// Reads the log, one entry per writer. A last line without its newline
/// was cut by the kill: that acknowledgement never completed, so it does
/// not count.
pub fn read(path: &Path) -> Result<Vec<WriterAcks>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("ack log {}: {e}", path.display()))?;
    let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    let mut writers = vec![WriterAcks::default(); WRITERS as usize];
    for line in complete.lines() {
        let bad = || format!("ack log: bad line {line:?}");
        let (is_start, rest) = match line.strip_prefix("start ") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (w, n) = rest.split_once(' ').ok_or_else(bad)?;
        let (w, n): (u64, u64) = (w.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
        let acks = writers.get_mut(w as usize).ok_or_else(bad)?;
        if is_start {
            if !acks.acked.is_empty() {
                return Err(format!("ack log: {line:?} after acknowledgements"));
            }
            acks.start = n;
        } else if n != acks.next() {
            return Err(format!(
                "ack log: writer {w} acknowledged batch {n} where {} was expected",
                acks.next()
            ));
        } else {
            acks.acked.push(n);
        }
    }
    Ok(writers)
}

/// Starts a new log: writer `w` is to write batch `next[w]` next.
pub fn reset(path: &Path, next: &[u64]) -> Result<(), String> {
    let text: String = next
        .iter()
        .enumerate()
        .map(|(w, n)| format!("start {w} {n}\n"))
        .collect();
    std::fs::write(path, text).map_err(|e| format!("ack log {}: {e}", path.display()))
}

/// A handle that appends acknowledgements.
pub struct Appender(File);

impl Appender {
    pub fn open(path: &Path) -> Result<Appender, String> {
        OpenOptions::new()
            .append(true)
            .open(path)
            .map(Appender)
            .map_err(|e| format!("ack log {}: {e}", path.display()))
    }

    /// Records that writer `w`'s batch `n` was acknowledged: one write(2).
    pub fn ack(&mut self, w: u64, n: u64) -> Result<(), String> {
        self.0
            .write_all(format!("{w} {n}\n").as_bytes())
            .map_err(|e| format!("ack log: {e}"))
    }
}
