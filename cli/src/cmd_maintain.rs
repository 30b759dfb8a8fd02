//! Maintenance: `repair`, `compact` and `destroy`, each with a spinner
//! while it runs and a summary (files, bytes, time) when it is done.

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use avccdb::{destroy_db, repair_db, Db, Options};

use crate::args::Format;
use crate::error::{CliError, CliResult};
use crate::json::Obj;
use crate::open::{open_write, require_db};
use crate::output::arg_bytes;
use crate::progress::spinner;
use crate::text::{human_bytes, human_duration};

/// (files, bytes) in directory `dir`.
fn dir_usage(dir: &Path) -> CliResult<(u64, u64)> {
    let entries = std::fs::read_dir(dir).map_err(|e| CliError::io(dir.display(), e))?;
    let mut usage = (0, 0);
    for entry in entries.flatten() {
        if let Some(m) = entry.metadata().ok().filter(|m| m.is_file()) {
            usage.0 += 1;
            usage.1 += m.len();
        }
    }
    Ok(usage)
}

fn summary(
    out: &mut dyn Write,
    fmt: Format,
    what: &str,
    (files, bytes): (u64, u64),
    noun: &str,
    started: Instant,
) -> CliResult {
    let elapsed = started.elapsed();
    if fmt.json {
        let obj = Obj::new()
            .str("done", what)
            .num(noun, files)
            .num("bytes", bytes)
            .num("micros", elapsed.as_micros() as u64);
        writeln!(out, "{}", obj.render())?;
    } else {
        let (size, time) = (human_bytes(bytes), human_duration(elapsed));
        writeln!(out, "{what}: {files} {noun}, {size}, in {time}")?;
    }
    Ok(())
}

pub fn repair(out: &mut dyn Write, fmt: Format, db: &Path) -> CliResult {
    if !db.is_dir() {
        return Err(CliError::new(
            crate::error::Kind::NotFound,
            format!("{}: no such database directory", db.display()),
        ));
    }
    let started = Instant::now();
    let bar = spinner("repairing");
    let report = repair_db(db, &Options::default());
    bar.finish_and_clear();
    let report = report.map_err(|e| CliError::engine(db.display(), e))?;
    if !fmt.json {
        for line in &report {
            writeln!(out, "{line}")?;
        }
    }
    summary(out, fmt, "repaired", dir_usage(db)?, "files", started)
}

/// (tables, bytes) of every level.
fn table_usage(db: &Db) -> (u64, u64) {
    let stats = db.stats();
    stats
        .levels
        .iter()
        .fold((0, 0), |(t, b), l| (t + l.tables as u64, b + l.size))
}

pub fn compact(
    out: &mut dyn Write,
    fmt: Format,
    db: &Path,
    from: Option<&OsStr>,
    to: Option<&OsStr>,
) -> CliResult {
    let from = from.map(|k| arg_bytes(k, fmt, "--from")).transpose()?;
    let to = to.map(|k| arg_bytes(k, fmt, "--to")).transpose()?;
    let handle = open_write(db, false)?;
    let started = Instant::now();
    let (tables_before, bytes_before) = table_usage(&handle);
    let bar = spinner("compacting");
    let done = handle.compact_range(from.as_deref(), to.as_deref());
    bar.finish_and_clear();
    done.map_err(|e| CliError::engine(db.display(), e))?;
    let after = table_usage(&handle);
    handle
        .close()
        .map_err(|e| CliError::engine(db.display(), e))?;
    if !fmt.json {
        writeln!(
            out,
            "tables: {tables_before} ({}) before, {} ({}) after",
            human_bytes(bytes_before),
            after.0,
            human_bytes(after.1)
        )?;
    }
    summary(out, fmt, "compacted", after, "tables", started)
}

pub fn destroy(out: &mut dyn Write, fmt: Format, db: &Path, yes: bool) -> CliResult {
    if !yes {
        return Err(CliError::usage(format!(
            "destroy deletes {} for good: add --yes to confirm",
            db.display()
        )));
    }
    require_db(db)?;
    let started = Instant::now();
    let usage = dir_usage(db)?;
    let bar = spinner("destroying");
    let done = destroy_db(db);
    bar.finish_and_clear();
    done.map_err(|e| CliError::engine(db.display(), e))?;
    summary(out, fmt, "destroyed", usage, "files", started)
}
