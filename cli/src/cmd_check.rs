//! `check`: the integrity scrub. Under a read-only open (so no writer
//! changes the files meanwhile) it reads every live table — every data
//! block with its checksum, its block roots and root recomputed and the
//! root compared with the manifest's — and every journal, record by
//! record. Each problem names the file and, where known, the offset.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use avccdb::batch::decode_batches_with_header;
use avccdb::journal::{Reader, ReaderOptions, Reporter};
use avccdb::key::InternalKeyComparator;
use avccdb::storage::names::{parse_file_name, FileType};
use avccdb::storage::{Env, PosixEnv};
use avccdb::table::{Table, TableReadOptions};
use avccdb::version::{FileMeta, VersionSet, NUM_LEVELS};

use crate::args::Format;
use crate::error::{CliError, CliResult, Kind};
use crate::json::Obj;
use crate::open::open_read;
use crate::progress::bytes_bar;
use crate::text::{hex, human_bytes, human_duration};

/// What the scrub found.
#[derive(Default)]
struct Findings {
    tables: u64,
    blocks: u64,
    records: u64,
    journals: u64,
    journal_records: u64,
    bytes: u64,
    problems: Vec<String>,
}

/// Collects a journal reader's reports as problems naming the file.
struct JournalProblems<'a> {
    name: &'a str,
    problems: &'a mut Vec<String>,
}

impl Reporter for JournalProblems<'_> {
    fn corruption(&mut self, offset: u64, bytes: u64, reason: &str) {
        self.problems.push(format!(
            "{} at offset {offset}: {reason} ({bytes} bytes unreadable)",
            self.name
        ));
    }
}

fn check_table(dir: &Path, level: usize, meta: &FileMeta, f: &mut Findings) {
    let name = format!("{:06}.ldb", meta.number);
    let checked = (|| -> avccdb::Result<(u64, u64, [u8; 32])> {
        let file = PosixEnv.open_random(&dir.join(&name))?;
        let opts = TableReadOptions {
            verify_checksums: true,
            ..TableReadOptions::default()
        };
        let table = Table::open(file, meta.size, opts, &name)?;
        let (blocks, records) = table.verify_merkle()?;
        Ok((blocks, records, table.merkle()?.root))
    })();
    f.tables += 1;
    match checked {
        Ok((blocks, records, root)) => {
            f.blocks += blocks;
            f.records += records;
            if let Some(m) = meta.merkle_root.filter(|m| *m != root) {
                f.problems.push(format!(
                    "{name} (level {level}): the manifest's root {} differs from the table's {}",
                    hex(&m),
                    hex(&root)
                ));
            }
        }
        Err(e) => f.problems.push(format!("{name} (level {level}): {e}")),
    }
}

fn check_journal(dir: &Path, name: &str, f: &mut Findings) {
    f.journals += 1;
    let file = match PosixEnv.open_sequential(&dir.join(name)) {
        Ok(file) => file,
        Err(e) => return f.problems.push(format!("{name}: {e}")),
    };
    let mut problems = Vec::new();
    let reporter = JournalProblems {
        name,
        problems: &mut problems,
    };
    let opts = ReaderOptions {
        verify_checksums: true,
        strict: false,
    };
    let mut reader = Reader::with_reporter(file, opts, reporter).named(name);
    let mut record = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => match decode_batches_with_header(&record, |_, _| Ok(())) {
                Ok((_, count)) => f.journal_records += u64::from(count),
                Err(e) => {
                    let end = reader.last_record_end_offset();
                    f.problems
                        .push(format!("{name}: record ending at offset {end}: {e}"));
                }
            },
            Err(e) => {
                f.problems.push(format!("{name}: {e}"));
                break;
            }
        }
    }
    drop(reader);
    f.problems.extend(problems);
}

pub fn check(out: &mut dyn Write, fmt: Format, db: &Path) -> CliResult {
    let started = Instant::now();
    // Held for the whole scrub: its shared lock keeps writers out.
    let _reader = open_read(db)?;
    let env: Arc<dyn Env> = Arc::new(PosixEnv);
    let versions = VersionSet::recover(env, db, InternalKeyComparator::default(), false)
        .map_err(|e| CliError::engine(db.display(), e))?;
    let version = versions.current();
    let tables: Vec<(usize, FileMeta)> = (0..NUM_LEVELS)
        .flat_map(|l| version.tables(l).iter().map(move |t| (l, t.meta.clone())))
        .collect();
    let mut journals: Vec<(String, u64)> = Vec::new();
    let names = std::fs::read_dir(db).map_err(|e| CliError::io(db.display(), e))?;
    for entry in names.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((FileType::Journal, _)) = parse_file_name(&name) {
            journals.push((name, entry.metadata().map_or(0, |m| m.len())));
        }
    }
    journals.sort();
    let total: u64 = tables.iter().map(|(_, t)| t.size).sum::<u64>()
        + journals.iter().map(|(_, s)| s).sum::<u64>();
    let bar = bytes_bar(total, "checking");
    let mut f = Findings {
        bytes: total,
        ..Findings::default()
    };
    for (level, meta) in &tables {
        check_table(db, *level, meta, &mut f);
        bar.inc(meta.size);
    }
    for (name, size) in &journals {
        check_journal(db, name, &mut f);
        bar.inc(*size);
    }
    bar.finish_and_clear();
    for p in &f.problems {
        if fmt.json {
            writeln!(out, "{}", Obj::new().str("problem", p).render())?;
        } else {
            writeln!(out, "problem: {p}")?;
        }
    }
    let elapsed = started.elapsed();
    if fmt.json {
        let summary = Obj::new()
            .num("tables", f.tables)
            .num("blocks", f.blocks)
            .num("records", f.records)
            .num("journals", f.journals)
            .num("journal_records", f.journal_records)
            .num("bytes", f.bytes)
            .num("problems", f.problems.len() as u64)
            .bool("clean", f.problems.is_empty());
        writeln!(out, "{}", summary.render())?;
    } else {
        writeln!(
            out,
            "checked {} tables ({} blocks, {} records) and {} journals ({} records), {} in {}: {}",
            f.tables,
            f.blocks,
            f.records,
            f.journals,
            f.journal_records,
            human_bytes(f.bytes),
            human_duration(elapsed),
            if f.problems.is_empty() {
                "clean".to_string()
            } else {
                format!("{} problems", f.problems.len())
            }
        )?;
    }
    if f.problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::new(
            Kind::Corruption,
            format!("{}: {} problems found", db.display(), f.problems.len()),
        ))
    }
}
