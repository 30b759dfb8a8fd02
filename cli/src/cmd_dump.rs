//! `dump`: decodes one database file record by record, as `leveldbutil
//! dump` does — a table (`.ldb`/`.sst`) entry by entry, a journal (`.log`)
//! batch by batch, a manifest (`MANIFEST-*`) edit by edit.

use std::io::Write;
use std::path::Path;

use avccdb::batch::decode_batches_with_header;
use avccdb::iter::KvIter;
use avccdb::journal::{Reader, ReaderOptions, Reporter};
use avccdb::key::{parse_internal_key, Kind};
use avccdb::storage::{Env, PosixEnv};
use avccdb::table::{BlockReadOptions, Table, TableReadOptions};
use avccdb::version::VersionEdit;

use crate::error::{CliError, CliResult};
use crate::text::{escape, hex};

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Value => "put",
        Kind::Deletion => "del",
    }
}

/// Prints what a journal reader skips, in line with the records.
struct PrintSkips;

impl Reporter for PrintSkips {
    fn corruption(&mut self, offset: u64, bytes: u64, reason: &str) {
        eprintln!("skipped {bytes} bytes at offset {offset}: {reason}");
    }

    fn torn_tail(&mut self, offset: u64, bytes: u64) {
        eprintln!("torn tail of {bytes} bytes at offset {offset} (an interrupted write)");
    }
}

pub fn dump(out: &mut dyn Write, file: &Path) -> CliResult {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !file.is_file() {
        return Err(CliError::new(
            crate::error::Kind::NotFound,
            format!("{}: no such file", file.display()),
        ));
    }
    let shown = file.display().to_string();
    if name.ends_with(".ldb") || name.ends_with(".sst") {
        dump_table(out, file, &name).map_err(|e| wrap(&shown, e))
    } else if name.ends_with(".log") {
        dump_journal(out, file, &name, false).map_err(|e| wrap(&shown, e))
    } else if name.starts_with("MANIFEST-") {
        dump_journal(out, file, &name, true).map_err(|e| wrap(&shown, e))
    } else {
        Err(CliError::usage(format!(
            "{shown}: not a table (.ldb), journal (.log) or MANIFEST-* file"
        )))
    }
}

/// Engine errors keep their kind; a failed stdout write stays one.
fn wrap(file: &str, e: CliError) -> CliError {
    if e.is_broken_pipe() {
        e
    } else {
        CliError::new(e.kind, format!("{file}: {e}"))
    }
}

fn engine(e: avccdb::Error) -> CliError {
    CliError::engine("dump", e)
}

fn dump_table(out: &mut dyn Write, file: &Path, name: &str) -> CliResult {
    let size = std::fs::metadata(file)
        .map_err(|e| CliError::io(file.display(), e))?
        .len();
    let reader = PosixEnv
        .open_random(file)
        .map_err(|e| CliError::io(file.display(), e))?;
    let opts = TableReadOptions {
        verify_checksums: true,
        ..TableReadOptions::default()
    };
    let table = Table::open(reader, size, opts, name).map_err(engine)?;
    writeln!(
        out,
        "# table {name}: {size} bytes, {} data blocks, filter: {}",
        table.num_data_blocks(),
        if table.has_filter() { "yes" } else { "no" }
    )?;
    let mut it = table.iter(BlockReadOptions {
        verify_checksums: true,
        fill_cache: false,
    });
    it.seek_to_first();
    while it.valid() {
        match parse_internal_key(it.key()) {
            Ok(p) => writeln!(
                out,
                "'{}' @ version {} : seq {} : {} => '{}'",
                escape(p.user_key),
                p.version,
                p.sequence,
                kind_name(p.kind),
                escape(it.value())
            )?,
            Err(e) => writeln!(out, "bad internal key {}: {e}", hex(it.key()))?,
        }
        it.next();
    }
    it.status().map_err(engine)?;
    if let Ok(merkle) = table.merkle() {
        writeln!(out, "# merkle root {}", hex(&merkle.root))?;
    }
    Ok(())
}

fn dump_journal(out: &mut dyn Write, file: &Path, name: &str, manifest: bool) -> CliResult {
    let source = PosixEnv
        .open_sequential(file)
        .map_err(|e| CliError::io(file.display(), e))?;
    let opts = ReaderOptions {
        verify_checksums: true,
        strict: false,
    };
    let mut reader = Reader::with_reporter(source, opts, PrintSkips).named(name);
    let mut record = Vec::new();
    while reader.read_record(&mut record).map_err(engine)? {
        let end = reader.last_record_end_offset();
        let start = end.saturating_sub(record.len() as u64);
        writeln!(out, "--- record at offset ~{start}, {} bytes", record.len())?;
        if manifest {
            match VersionEdit::decode(&record) {
                Ok(edit) => print_edit(out, &edit)?,
                Err(e) => writeln!(out, "  undecodable edit: {e}")?,
            }
            continue;
        }
        let decoded = decode_batches_with_header(&record, |seq, r| {
            let value = match r.kind {
                Kind::Value => format!(" => '{}'", escape(r.value)),
                Kind::Deletion => String::new(),
            };
            writeln!(
                out,
                "  seq {seq}: {} '{}' @ version {}{value}",
                kind_name(r.kind),
                escape(r.key),
                r.version
            )
            .map_err(avccdb::Error::Io)
        });
        if let Err(e) = decoded {
            writeln!(out, "  undecodable batch: {e}")?;
        }
    }
    Ok(())
}

fn print_edit(out: &mut dyn Write, edit: &VersionEdit) -> CliResult {
    if let Some(c) = &edit.comparator {
        writeln!(out, "  comparator: {c}")?;
    }
    if let Some(n) = edit.journal_number {
        writeln!(out, "  journal: {n:06}.log")?;
    }
    if let Some(n) = edit.next_file_number {
        writeln!(out, "  next file number: {n}")?;
    }
    if let Some(n) = edit.last_sequence {
        writeln!(out, "  last sequence: {n}")?;
    }
    for (level, key) in &edit.compact_pointers {
        writeln!(out, "  compact pointer: level {level} at '{}'", escape(key))?;
    }
    for (level, number) in &edit.deleted_tables {
        writeln!(out, "  delete table: level {level} {number:06}.ldb")?;
    }
    for (level, t) in &edit.new_tables {
        let root = t
            .merkle_root
            .map_or_else(|| "none".to_string(), |r| hex(&r));
        writeln!(
            out,
            "  add table: level {level} {:06}.ldb, {} bytes, ['{}' .. '{}'], merkle root {root}",
            t.number,
            t.size,
            escape(&t.smallest),
            escape(&t.largest)
        )?;
    }
    Ok(())
}
