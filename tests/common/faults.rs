//! Helpers for the fault-injection tests: options that route every file
//! operation through a `FaultEnv`, a plain key → value model, and checks
//! of a database against it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use avccdb::storage::names::{parse_file_name, FileType};
use avccdb::storage::FaultEnv;
use avccdb::{Batch, Db, Options, ReadOptions};

pub type Plain = BTreeMap<Vec<u8>, Vec<u8>>;

/// Small buffers (many flushes and compactions) over `env`, with no block
/// cache so that reads reach the files.
pub fn fault_options(env: &FaultEnv) -> Options {
    Options {
        write_buffer: 32 << 10,
        compaction_table_size: 32 << 10,
        compaction_total_size: 128 << 10,
        block_cache_capacity: 0,
        env: Arc::new(env.clone()),
        ..Options::default()
    }
}

/// Options for reopening after the faults: the real file system, strict
/// recovery.
pub fn clean_options() -> Options {
    Options {
        paranoid_checks: true,
        ..Options::default()
    }
}

/// Batch `n` of a scripted workload: a few puts, sometimes a delete of an
/// older key, every 40th a large batch (a transaction), plus the marker `__last` = n (so the batch applied last
/// can be read back). Applies the same changes to `model`.
pub fn scripted_batch(n: u64, model: &mut Plain) -> Batch {
    let mut batch = Batch::new();
    for j in 0..4u64 {
        let k = format!("k{:05}", (n * 7 + j * 13) % 600).into_bytes();
        let v = format!("v{n}-{j}-{}", "p".repeat(((n + j) % 50) as usize)).into_bytes();
        batch.put(&k, &v);
        model.insert(k, v);
    }
    if n % 40 == 20 {
        // Larger than the 32 KiB write buffer: the transaction path.
        for j in 0..12u64 {
            let k = format!("big{:03}", (n / 40 + j) % 30).into_bytes();
            let v = format!("{n}-{j}-").repeat(700).into_bytes();
            batch.put(&k, &v);
            model.insert(k, v);
        }
    }
    if n % 3 == 2 {
        let k = format!("k{:05}", (n * 11) % 600).into_bytes();
        batch.delete(&k);
        model.remove(&k);
    }
    let marker = n.to_string().into_bytes();
    batch.put(b"__last", &marker);
    model.insert(b"__last".to_vec(), marker);
    batch
}

/// The model after batches `0..count`.
pub fn model_after(count: u64) -> Plain {
    let mut model = Plain::new();
    for n in 0..count {
        scripted_batch(n, &mut model);
    }
    model
}

/// How many scripted batches the database holds (from its marker).
pub fn batches_present(db: &Db) -> u64 {
    match db.get(b"__last", &ReadOptions::default()).unwrap() {
        Some(v) => std::str::from_utf8(&v).unwrap().parse::<u64>().unwrap() + 1,
        None => 0,
    }
}

/// Everything the database holds, read by a full iteration (errors fail
/// the test).
pub fn contents(db: &Db) -> Plain {
    let mut it = db.iter(&ReadOptions::default()).unwrap();
    it.seek_to_first();
    let mut out = Plain::new();
    while it.valid() {
        out.insert(it.key().to_vec(), it.value().to_vec());
        it.next();
    }
    it.status().unwrap();
    out
}

/// Asserts the database holds exactly `model`, by iteration and by gets.
pub fn assert_holds(db: &Db, model: &Plain, what: &str) {
    let got = contents(db);
    if &got != model {
        let missing: Vec<_> = model.keys().filter(|k| !got.contains_key(*k)).collect();
        let extra: Vec<_> = got.keys().filter(|k| !model.contains_key(*k)).collect();
        let differ = model
            .iter()
            .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
            .count();
        panic!(
            "{what}: database differs from the model: {} missing (e.g. {:?}), {} extra (e.g. {:?}), {differ} differ",
            missing.len(),
            missing.first().map(|k| String::from_utf8_lossy(k)),
            extra.len(),
            extra.first().map(|k| String::from_utf8_lossy(k)),
        );
    }
    for (k, v) in model {
        assert_eq!(
            db.get(k, &ReadOptions::default()).unwrap().as_ref(),
            Some(v),
            "{what}: get {}",
            String::from_utf8_lossy(k)
        );
    }
}

/// Table numbers of the `.ldb` files in `dir`.
pub fn table_files(dir: &Path) -> BTreeSet<u64> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| match parse_file_name(e.file_name().to_str()?) {
            Some((FileType::Table, n)) => Some(n),
            _ => None,
        })
        .collect()
}

/// Table numbers the current version names (from `avccdb.sstables`).
pub fn live_tables(db: &Db) -> BTreeSet<u64> {
    db.property("avccdb.sstables")
        .unwrap()
        .lines()
        .filter_map(|l| l.trim().split(':').next()?.parse().ok())
        .collect()
}
