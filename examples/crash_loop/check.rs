//! The crash loop's checker: after the writer was killed, reopens the
//! database and checks it against the ack log and the workload. Each
//! writer's marker says which of its batches, `k`, the database holds; then
//! * nothing acknowledged is lost: `k` is at least the writer's last
//!   acknowledged batch, and at most one further (its write in flight at
//!   the kill);
//! * nothing is half there and nothing follows a gap: every read — plain
//!   and all-versions iteration both ways, `get`, `get_with_version` at
//!   each version, `version_history` of every key — answers exactly as
//!   each writer's batches `0..=k` applied in full and nothing else would;
//! * the tables are sound: `check_integrity` finds no problem.

use std::path::Path;

use avccdb::{Db, Iter, ReadOptions};

use crate::ack_log;
use crate::model::{Entry, Model};
use crate::workload::{self, is_large, Value, KEYS, MAX_VERSION, WRITERS};
use crate::{options, read_marker};

/// Problems listed in full before the rest are only counted.
const MAX_LISTED: usize = 20;

pub struct Summary {
    /// Batches the writers had acknowledged.
    pub acked: u64,
    /// Of those, large ones (transaction path).
    pub large_acked: u64,
    /// Writers whose batch in flight at the kill reached the database.
    pub in_flight: u64,
    /// Writers whose next batch to acknowledge was a large one.
    pub next_large: u64,
    /// The newest batch of each writer in the database.
    pub held: Vec<Option<u64>>,
}

/// Problems found so far, listed up to `MAX_LISTED`.
#[derive(Default)]
struct Problems {
    listed: Vec<String>,
    more: usize,
}

impl Problems {
    fn add(&mut self, p: String) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(p);
        } else {
            self.more += 1;
        }
    }

    fn into_result<T>(mut self, ok: T) -> Result<T, Vec<String>> {
        if self.listed.is_empty() {
            return Ok(ok);
        }
        if self.more > 0 {
            self.listed.push(format!("... and {} more", self.more));
        }
        Err(self.listed)
    }
}

pub fn run(dir: &Path, ack_path: &Path, seed: u64) -> Result<Summary, Vec<String>> {
    let acks = ack_log::read(ack_path).map_err(|e| vec![e])?;
    let db = Db::open(dir, options()).map_err(|e| vec![format!("reopen: {e}")])?;
    let mut problems = Problems::default();
    let mut summary = Summary {
        acked: 0,
        large_acked: 0,
        in_flight: 0,
        next_large: 0,
        held: Vec::new(),
    };
    for (w, acks) in (0..WRITERS).zip(&acks) {
        let marker = read_marker(&db, w).map_err(|e| vec![e])?;
        // Batch numbers shifted by one, so "no batch" is 0.
        let held = marker.map_or(0, |k| k + 1);
        let floor = acks.next();
        if held < floor {
            problems.add(format!(
                "writer {w}: acknowledged batch {} lost: the database holds its batches up to {marker:?}",
                floor - 1
            ));
        } else if held > floor + 1 {
            problems.add(format!(
                "writer {w}: the database holds its batches up to {marker:?}, more than the \
                 last acknowledged one ({:?}) and the one in flight",
                floor.checked_sub(1)
            ));
        }
        summary.acked += acks.acked.len() as u64;
        summary.large_acked += acks.acked.iter().filter(|&&n| is_large(n)).count() as u64;
        summary.in_flight += u64::from(held == floor + 1);
        summary.next_large += u64::from(is_large(floor));
        summary.held.push(marker);
    }

    let model = Model::replay(seed, &summary.held);
    compare_iterations(&db, &model, &mut problems);
    compare_point_reads(&db, &model, &mut problems);
    match db.check_integrity() {
        Ok(report) => {
            for p in report.problems {
                problems.add(format!("check_integrity: {p}"));
            }
        }
        Err(e) => problems.add(format!("check_integrity: {e}")),
    }
    if let Err(e) = db.close() {
        problems.add(format!("close: {e}"));
    }
    if problems.listed.is_empty() {
        // The next writers must continue right after what was checked.
        let next: Vec<u64> = summary
            .held
            .iter()
            .map(|k| k.map_or(0, |k| k + 1))
            .collect();
        if let Err(e) = ack_log::reset(ack_path, &next) {
            problems.add(e);
        }
    }
    problems.into_result(summary)
}

/// A readable form of one entry: the value's first bytes name the batch
/// and record that wrote it.
fn show(key: &[u8], version: u64, value: &[u8]) -> String {
    format!(
        "{}@{version}={}",
        String::from_utf8_lossy(key),
        show_value(Some(value))
    )
}

fn show_value(value: Option<&[u8]>) -> String {
    value.map_or("not found".into(), |value| {
        let head = &value[..value.len().min(24)];
        format!("{:?}({} bytes)", String::from_utf8_lossy(head), value.len())
    })
}

fn show_expected(e: Option<&Entry>) -> String {
    e.map_or("end".into(), |(k, v, value)| show(k, *v, &value.bytes()))
}

/// One (key, version, value) an iterator yielded.
type Yielded = (Vec<u8>, u64, Vec<u8>);

fn collect(mut it: Iter, backward: bool) -> Result<Vec<Yielded>, String> {
    let mut out = Vec::new();
    if backward {
        it.seek_to_last();
    } else {
        it.seek_to_first();
    }
    while it.valid() {
        out.push((it.key().to_vec(), it.version(), it.value().to_vec()));
        if backward {
            it.prev();
        } else {
            it.next();
        }
    }
    it.status().map_err(|e| e.to_string())?;
    Ok(out)
}

fn compare_iterations(db: &Db, model: &Model, problems: &mut Problems) {
    let newest = model.newest_entries();
    let all = model.all_entries();
    let newest_backward: Vec<Entry> = newest.iter().rev().cloned().collect();
    let all_backward: Vec<Entry> = all.iter().rev().cloned().collect();
    let cases = [
        ("plain forward", false, false, &newest),
        ("plain backward", false, true, &newest_backward),
        ("all-versions forward", true, false, &all),
        ("all-versions backward", true, true, &all_backward),
    ];
    for (name, all_versions, backward, expected) in cases {
        let ro = ReadOptions {
            all_versions,
            ..ReadOptions::default()
        };
        let got = match db.iter(&ro).map_err(|e| e.to_string()) {
            Ok(it) => collect(it, backward),
            Err(e) => Err(e),
        };
        let got = match got {
            Ok(got) => got,
            Err(e) => {
                problems.add(format!("{name} iteration: {e}"));
                continue;
            }
        };
        let differs_at =
            (0..got.len().max(expected.len())).find(|&i| match (got.get(i), expected.get(i)) {
                (Some((k, v, value)), Some((ek, ev, evalue))) => {
                    k != ek || v != ev || *value != evalue.bytes()
                }
                _ => true,
            });
        if let Some(i) = differs_at {
            problems.add(format!(
                "{name} iteration: entry {i} is {}, expected {} ({} entries, expected {})",
                got.get(i)
                    .map_or("end".into(), |(k, v, value)| show(k, *v, value)),
                show_expected(expected.get(i)),
                got.len(),
                expected.len()
            ));
        }
    }
}

fn compare_point_reads(db: &Db, model: &Model, problems: &mut Problems) {
    let ro = ReadOptions::default();
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for w in 0..WRITERS {
        keys.extend((0..KEYS).map(|i| workload::key(w, i)));
        keys.push(workload::marker(w));
    }
    let reads_at: Vec<u64> = (0..=MAX_VERSION + 1).chain([u64::MAX]).collect();
    for key in &keys {
        let name = String::from_utf8_lossy(key);
        for &version in &reads_at {
            let expected = model.get_at(key, version).map(|(v, at)| (v.bytes(), at));
            match db.get_with_version(key, version, &ro) {
                Ok(got) if got == expected => {}
                Ok(got) => problems.add(format!(
                    "get_with_version({name}, {version}) = {}, expected {}",
                    show_found(key, got),
                    show_found(key, expected)
                )),
                Err(e) => problems.add(format!("get_with_version({name}, {version}): {e}")),
            }
        }
        let expected = model.get_at(key, u64::MAX).map(|(v, _)| v.bytes());
        match db.get(key, &ro) {
            Ok(got) if got == expected => {}
            Ok(got) => problems.add(format!(
                "get({name}) = {}, expected {}",
                show_value(got.as_deref()),
                show_value(expected.as_deref())
            )),
            Err(e) => problems.add(format!("get({name}): {e}")),
        }
        let expected: Vec<(u64, Vec<u8>)> = model
            .history(key)
            .into_iter()
            .map(|(v, value): (u64, Value)| (v, value.bytes()))
            .collect();
        match db.version_history(key, 0, u64::MAX, &ro) {
            Ok(got) if got == expected => {}
            Ok(got) => problems.add(format!(
                "version_history({name}) has versions {:?}, expected {:?} (or values differ)",
                got.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
                expected.iter().map(|(v, _)| *v).collect::<Vec<_>>()
            )),
            Err(e) => problems.add(format!("version_history({name}): {e}")),
        }
    }
}

fn show_found(key: &[u8], found: Option<(Vec<u8>, u64)>) -> String {
    found.map_or("not found".into(), |(value, at)| show(key, at, &value))
}
