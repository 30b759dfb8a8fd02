//! `destroy_db` removes a database; `repair_db` rebuilds a manifest from
//! whatever tables and journals survive (journals become tables, unreadable
//! files move to `lost/`), the last resort when the manifest is damaged.

use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

use crate::batch::decode_batches_with_header;
use crate::error::{Error, Result};
use crate::iter::KvIter;
use crate::journal::{Reader, ReaderOptions, Writer};
use crate::key::{parse_internal_key, InternalKeyComparator};
use crate::memdb::MemDb;
use crate::options::Options;
use crate::storage::names::{
    lock_file_name, manifest_file_name, parse_file_name, set_current_file, table_file_name,
    FileType,
};
use crate::storage::{Env, PosixEnv};
use crate::table::{
    BlockReadOptions, InternalFilterPolicy, InternalLeafHasher, Table, TableBuilder, TableOptions,
    TableReadOptions,
};
use crate::version::{FileMeta, VersionEdit};

/// Deletes the database in `path` (every file avccdb recognizes, then the
/// directory if it is empty). Fails with `Error::Busy` while it is open.
pub fn destroy_db(path: impl AsRef<Path>) -> Result<()> {
    destroy_db_in(&PosixEnv, path.as_ref())
}

/// `destroy_db` through `env`.
pub fn destroy_db_in(env: &dyn Env, dir: &Path) -> Result<()> {
    if !env.exists(dir) {
        return Ok(());
    }
    let lock_path = lock_file_name(dir);
    let lock = env.lock(&lock_path)?;
    let mut first_error = None;
    for name in env.list_dir(dir)? {
        let Some((kind, _)) = parse_file_name(&name) else {
            continue;
        };
        if kind == FileType::Lock {
            continue;
        }
        if let Err(e) = env.remove_file(&dir.join(&name)) {
            first_error.get_or_insert(e);
        }
    }
    drop(lock);
    let _ = env.remove_file(&lock_path);
    let _ = env.remove_dir(dir);
    match first_error {
        Some(e) => Err(Error::Io(e)),
        None => Ok(()),
    }
}

struct Repairer<'a> {
    env: &'a dyn Env,
    dir: &'a Path,
    icmp: InternalKeyComparator,
    table_options: TableOptions,
    read_options: TableReadOptions,
    next_number: u64,
    max_sequence: u64,
    tables: Vec<FileMeta>,
    report: Vec<String>,
}

/// Rebuilds the manifest of the database in `path` from its tables and
/// journals. Returns a human-readable report of what was done.
pub fn repair_db(path: impl AsRef<Path>, opts: &Options) -> Result<Vec<String>> {
    let dir = path.as_ref();
    let env = &*opts.env;
    if !env.is_dir(dir) {
        return Err(Error::invalid_argument(format!(
            "{}: no such directory",
            dir.display()
        )));
    }
    let _lock = env.lock(&lock_file_name(dir))?;
    let icmp = InternalKeyComparator::new(opts.comparator.clone());
    let filter = opts
        .effective_filter_policy()
        .map(|p| Arc::new(InternalFilterPolicy::new(p)) as _);
    let mut r = Repairer {
        env,
        dir,
        table_options: TableOptions {
            comparator: Arc::new(icmp.clone()),
            block_size: opts.block_size,
            block_restart_interval: opts.block_restart_interval,
            compression: opts.compression,
            filter_policy: filter.clone(),
            leaf_hasher: Some(Arc::new(InternalLeafHasher)),
        },
        read_options: TableReadOptions {
            comparator: Arc::new(icmp.clone()),
            filter_policy: filter,
            cache: None,
            verify_checksums: true,
            leaf_hasher: None,
            merkle_cache: None,
        },
        icmp,
        next_number: 1,
        max_sequence: 0,
        tables: Vec::new(),
        report: Vec::new(),
    };
    let (mut journals, mut tables, mut manifests) = (Vec::new(), Vec::new(), Vec::new());
    for name in env.list_dir(dir)? {
        let Some((kind, n)) = parse_file_name(&name) else {
            continue;
        };
        r.next_number = r.next_number.max(n + 1);
        match kind {
            FileType::Journal => journals.push(n),
            FileType::Table => tables.push(n),
            FileType::Manifest => manifests.push(n),
            _ => {}
        }
    }
    journals.sort_unstable();
    for n in journals {
        r.convert_journal(n)?;
    }
    tables.sort_unstable();
    for n in tables {
        r.scan_table(n);
    }
    r.write_manifest(&manifests)?;
    Ok(r.report)
}

impl Repairer<'_> {
    fn lose(&mut self, name: &str, why: &str) {
        let lost = self.dir.join("lost");
        let _ = self.env.create_dir_all(&lost);
        let _ = self.env.rename(&self.dir.join(name), &lost.join(name));
        self.report.push(format!("{name}: moved to lost/ ({why})"));
    }

    /// Replays a journal (skipping damaged records) into a new table.
    fn convert_journal(&mut self, number: u64) -> Result<()> {
        let name = format!("{number:06}.log");
        let file = self.env.open_sequential(&self.dir.join(&name))?;
        let mut reader = Reader::new(
            file,
            ReaderOptions {
                verify_checksums: true,
                strict: false,
            },
        )
        .named(&name);
        let mem = Arc::new(MemDb::new(self.icmp.clone(), usize::MAX));
        let mut record = Vec::new();
        let mut records = 0u64;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.report.push(format!("{name}: stopped reading: {e}"));
                    break;
                }
            }
            if let Ok((_, count)) = decode_batches_with_header(&record, |seq, rec| {
                mem.add(seq, rec.kind, rec.key, rec.version, rec.value);
                Ok(())
            }) {
                records += u64::from(count);
            }
        }
        if !mem.is_empty() {
            let table_number = self.next_number;
            self.next_number += 1;
            let path = table_file_name(self.dir, table_number);
            let mut builder = TableBuilder::new(
                self.table_options.clone(),
                BufWriter::new(self.env.create(&path)?),
            );
            let mut iter = mem.iter();
            iter.seek_to_first();
            while iter.valid() {
                builder.add(iter.key(), iter.value())?;
                iter.next();
            }
            let (writer, _) = builder.finish()?;
            writer
                .into_inner()
                .map_err(|e| Error::Io(e.into_error()))?
                .sync()?;
            self.report.push(format!(
                "{name}: {records} records written to table {table_number:06}.ldb"
            ));
            self.scan_table(table_number);
        }
        let lost = self.dir.join("lost");
        self.env.create_dir_all(&lost)?;
        self.env.rename(&self.dir.join(&name), &lost.join(&name))?;
        Ok(())
    }

    /// Reads a table through; keeps it if every entry reads back.
    fn scan_table(&mut self, number: u64) {
        let name = format!("{number:06}.ldb");
        let path = table_file_name(self.dir, number);
        let scanned = (|| -> Result<FileMeta> {
            let file = self.env.open_random(&path)?;
            let size = file.size()?;
            let table = Table::open(file, size, self.read_options.clone(), &name)?;
            let mut iter = table.iter(BlockReadOptions {
                verify_checksums: true,
                fill_cache: false,
            });
            iter.seek_to_first();
            let mut meta = FileMeta {
                max_version: 0,
                max_sequence: 0,
                ..FileMeta::new(number, size, Vec::new(), Vec::new())
            };
            let mut count = 0u64;
            while iter.valid() {
                let parsed = parse_internal_key(iter.key())?;
                self.max_sequence = self.max_sequence.max(parsed.sequence);
                meta.max_version = meta.max_version.max(parsed.version);
                meta.max_sequence = meta.max_sequence.max(parsed.sequence);
                if count == 0 {
                    meta.smallest = iter.key().to_vec();
                }
                meta.largest.clear();
                meta.largest.extend_from_slice(iter.key());
                count += 1;
                iter.next();
            }
            iter.status()?;
            if count == 0 {
                return Err(Error::corruption("holds no entries"));
            }
            // The stored root is checked against the block roots; a table
            // without one gets it computed from its records.
            meta.merkle_root = Some(table.merkle()?.root);
            Ok(meta)
        })();
        match scanned {
            Ok(meta) => self.tables.push(meta),
            Err(e) => self.lose(&name, &e.to_string()),
        }
    }

    /// Writes a manifest listing every good table at level 0.
    fn write_manifest(&mut self, old_manifests: &[u64]) -> Result<()> {
        let number = self.next_number;
        self.next_number += 1;
        let mut edit = VersionEdit {
            comparator: Some(self.icmp.user_comparator().name().to_string()),
            journal_number: Some(0),
            next_file_number: Some(self.next_number),
            last_sequence: Some(self.max_sequence),
            ..Default::default()
        };
        for meta in &self.tables {
            edit.add_table(0, meta.clone());
        }
        let path = manifest_file_name(self.dir, number);
        let mut writer = Writer::new(self.env.create(&path)?);
        let mut record = Vec::new();
        edit.encode(&mut record);
        writer.add_record(&record)?;
        writer.sync()?;
        drop(writer);
        set_current_file(self.env, self.dir, number)?;
        for &old in old_manifests {
            let _ = self.env.remove_file(&manifest_file_name(self.dir, old));
        }
        self.env.sync_dir(self.dir)?;
        self.report.push(format!(
            "new manifest MANIFEST-{number:06}: {} tables, last sequence {}",
            self.tables.len(),
            self.max_sequence
        ));
        Ok(())
    }
}
