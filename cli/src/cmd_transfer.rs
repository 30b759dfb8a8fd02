//! Bulk transfer: `export` writes every record (all versions and
//! tombstones) in the record format, `load` writes such records back
//! through batches — so `load` of an `export` reproduces the records.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::time::Instant;

use avccdb::{Batch, ReadOptions, WriteOptions};

use crate::error::{CliError, CliResult};
use crate::open::{open_read, open_write};
use crate::progress::bytes_bar;
use crate::records::Record;
use crate::text::{human_bytes, human_duration};

pub fn export(out: &mut dyn Write, db: &Path, tsv: bool) -> CliResult {
    let handle = open_read(db)?;
    let ro = ReadOptions {
        all_versions: true,
        include_tombstones: true,
        fill_cache: false,
        ..ReadOptions::default()
    };
    let mut it = handle
        .iter(&ro)
        .map_err(|e| CliError::engine(db.display(), e))?;
    it.seek_to_first();
    while it.valid() {
        let record = Record {
            key: it.key().to_vec(),
            version: it.version(),
            value: (!it.is_deletion()).then(|| it.value().to_vec()),
        };
        let line = if tsv {
            record.to_tsv()
        } else {
            record.to_json()
        };
        writeln!(out, "{line}")?;
        it.next();
    }
    it.status().map_err(|e| CliError::engine(db.display(), e))
}

/// Counts of what `load` wrote.
#[derive(Default)]
struct Loaded {
    puts: u64,
    deletes: u64,
}

pub fn load(db: &Path, file: &Path, batch_records: usize) -> CliResult {
    let name = file.display().to_string();
    let (input, size): (Box<dyn Read>, u64) = if file.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let f = File::open(file).map_err(|e| CliError::io(&name, e))?;
        let size = f.metadata().map_err(|e| CliError::io(&name, e))?.len();
        (Box::new(f), size)
    };
    let handle = open_write(db, true)?;
    let started = Instant::now();
    let bar = bytes_bar(size, "loading");
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut line = String::new();
    let mut batch = Batch::new();
    let mut loaded = Loaded::default();
    let mut line_no = 0u64;
    let write = |batch: &mut Batch| -> CliResult {
        handle
            .write(batch, &WriteOptions::default())
            .map_err(|e| CliError::engine(db.display(), e))?;
        batch.reset();
        Ok(())
    };
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| CliError::io(format!("{name} line {}", line_no + 1), e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        bar.inc(n as u64);
        let text = line.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            continue;
        }
        let record = Record::parse(text)
            .map_err(|e| CliError::new(e.kind, format!("{name} line {line_no}: {e}")))?;
        match &record.value {
            Some(v) => {
                batch.put_with_version(&record.key, record.version, v);
                loaded.puts += 1;
            }
            None => {
                batch.delete_with_version(&record.key, record.version);
                loaded.deletes += 1;
            }
        }
        if batch.len() >= batch_records.max(1) {
            write(&mut batch)?;
        }
    }
    if !batch.is_empty() {
        write(&mut batch)?;
    }
    handle
        .close()
        .map_err(|e| CliError::engine(db.display(), e))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let total = loaded.puts + loaded.deletes;
    let rate = total as f64 / elapsed.as_secs_f64().max(1e-6);
    eprintln!(
        "loaded {total} records ({} puts, {} deletes, {} read) in {}: {rate:.0} records/s",
        loaded.puts,
        loaded.deletes,
        human_bytes(bar.position()),
        human_duration(elapsed)
    );
    Ok(())
}
