//! `TableWriter`: one table file being written by a flush, a compaction or
//! a transaction — its number reserved against deletion, its key range
//! tracked, and the file synced before it is described to the manifest.

use std::io::BufWriter;

use crate::db::core::DbInner;
use crate::error::{Error, Result};
use crate::key::parse_internal_key;
use crate::storage::names::table_file_name;
use crate::storage::WritableFile;
use crate::table::TableBuilder;
use crate::version::FileMeta;

pub(crate) struct TableWriter {
    number: u64,
    builder: Option<TableBuilder<BufWriter<WritableFile>>>,
    smallest: Vec<u8>,
    largest: Vec<u8>,
    max_version: u64,
    max_sequence: u64,
}

impl TableWriter {
    /// Creates a new table file; its number stays in `pending_outputs`
    /// until the caller installs it (or abandons it) and calls `release`.
    pub(crate) fn create(db: &DbInner) -> Result<TableWriter> {
        // Numbered and reserved in one step under the manifest lock, so
        // that obsolete-file deletion never sees it unreserved.
        let number = {
            let mut versions = db.versions.lock();
            let number = versions.new_file_number();
            db.pending_outputs.lock().insert(number);
            number
        };
        let path = table_file_name(&db.dir, number);
        let file = match db.opts.env.create(&path) {
            Ok(f) => f,
            Err(e) => {
                db.pending_outputs.lock().remove(&number);
                return Err(Error::Io(e));
            }
        };
        Ok(TableWriter {
            number,
            builder: Some(TableBuilder::new(
                db.table_options.clone(),
                BufWriter::with_capacity(256 << 10, file),
            )),
            smallest: Vec::new(),
            largest: Vec::new(),
            max_version: 0,
            max_sequence: 0,
        })
    }

    pub(crate) fn add(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        let builder = self.builder.as_mut().ok_or(Error::Closed)?;
        if builder.num_entries() == 0 {
            self.smallest.clear();
            self.smallest.extend_from_slice(key);
        }
        self.largest.clear();
        self.largest.extend_from_slice(key);
        let parsed = parse_internal_key(key)?;
        self.max_version = self.max_version.max(parsed.version);
        self.max_sequence = self.max_sequence.max(parsed.sequence);
        builder.add(key, value)
    }

    pub(crate) fn file_size(&self) -> u64 {
        self.builder.as_ref().map_or(0, |b| b.file_size())
    }

    /// Finishes and fsyncs the table; None when it holds no entry (the file
    /// is then removed).
    pub(crate) fn finish(mut self, db: &DbInner) -> Result<Option<FileMeta>> {
        let builder = self.builder.take().ok_or(Error::Closed)?;
        if builder.num_entries() == 0 {
            builder.abandon();
            self.discard(db);
            return Ok(None);
        }
        let finished = (|| -> Result<(u64, Option<[u8; 32]>)> {
            let (writer, size, root) = builder.finish_with_root()?;
            let mut file = writer.into_inner().map_err(|e| Error::Io(e.into_error()))?;
            file.sync()?;
            Ok((size, root))
        })();
        match finished {
            Ok((size, root)) => Ok(Some(FileMeta {
                max_version: self.max_version,
                max_sequence: self.max_sequence,
                merkle_root: root,
                ..FileMeta::new(
                    self.number,
                    size,
                    std::mem::take(&mut self.smallest),
                    std::mem::take(&mut self.largest),
                )
            })),
            Err(e) => {
                self.discard(db);
                Err(e)
            }
        }
    }

    /// Removes the file and its reservation.
    pub(crate) fn discard(&mut self, db: &DbInner) {
        if let Some(b) = self.builder.take() {
            b.abandon();
        }
        let _ = db
            .opts
            .env
            .remove_file(&table_file_name(&db.dir, self.number));
        db.pending_outputs.lock().remove(&self.number);
    }
}

/// Drops the reservations of tables now installed in a version.
pub(crate) fn release_outputs(db: &DbInner, numbers: impl IntoIterator<Item = u64>) {
    let mut pending = db.pending_outputs.lock();
    for n in numbers {
        pending.remove(&n);
    }
}
