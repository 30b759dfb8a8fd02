//! Transactions (the seeds' OpenTransaction): a writer that holds the write
//! lock, writes into its own memdb and straight into level-0 tables
//! without the journal, and makes everything visible at once when it
//! commits by recording the tables in the manifest. Used for batches too
//! large for the write buffer, and available to callers.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::batch::Batch;
use crate::db::core::DbInner;
use crate::db::info_log::info;
use crate::db::table_writer::release_outputs;
use crate::error::{Error, Result};
use crate::key::{Kind, MAX_SEQUENCE};
use crate::memdb::MemDb;
use crate::storage::names::table_file_name;
use crate::version::{FileMeta, VersionEdit};

/// An open transaction. Writes through it are invisible until `commit`;
/// `discard` (or dropping it) throws them away. Other writers wait while
/// it is open; readers go on.
pub struct Transaction {
    db: Arc<DbInner>,
    mem: Arc<MemDb>,
    sequence: u64,
    tables: Vec<FileMeta>,
    done: bool,
}

impl DbInner {
    pub(crate) fn open_transaction(self: &Arc<Self>) -> Result<Transaction> {
        self.check_writable()?;
        self.lock_write()?;
        let ready = (|| -> Result<()> {
            self.check_writable()?;
            // Everything written before the transaction goes to tables
            // first, so its tables are newer than all of it.
            if self.state.read().mem.is_empty() {
                self.trigger_mem_wait()
            } else {
                self.rotate_mem(0, true).map(|_| ())
            }
        })();
        if let Err(e) = ready {
            self.unlock_write_plain();
            return Err(e);
        }
        Ok(Transaction {
            mem: Arc::new(MemDb::new(self.icmp.clone(), self.opts.write_buffer)),
            sequence: self.last_seq.load(Ordering::Acquire),
            db: self.clone(),
            tables: Vec::new(),
            done: false,
        })
    }
}

impl Transaction {
    fn add(&mut self, kind: Kind, key: &[u8], version: u64, value: &[u8]) -> Result<()> {
        if self.done {
            return Err(Error::Closed);
        }
        self.db.check_writable()?;
        if self.sequence >= MAX_SEQUENCE {
            return Err(Error::NotSupported(
                "the sequence number space is exhausted".into(),
            ));
        }
        self.sequence += 1;
        self.mem.add(self.sequence, kind, key, version, value);
        if self.mem.approximate_size() >= self.db.opts.write_buffer {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the transaction's memdb to a level-0 table, waiting first
    /// while level 0 is at the pause trigger.
    fn flush(&mut self) -> Result<()> {
        if self.mem.is_empty() {
            return Ok(());
        }
        if !self.db.writes_may_resume() {
            self.db.trigger_table_wait()?;
        }
        if let Some(meta) = self.db.write_memdb_table(&self.mem)? {
            self.tables.push(meta);
        }
        self.mem = Arc::new(MemDb::new(self.db.icmp.clone(), self.db.opts.write_buffer));
        Ok(())
    }

    pub fn put(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.add(Kind::Value, key, 0, value)
    }

    pub fn put_with_version(&mut self, key: &[u8], version: u64, value: &[u8]) -> Result<()> {
        self.add(Kind::Value, key, version, value)
    }

    pub fn delete(&mut self, key: &[u8]) -> Result<()> {
        self.add(Kind::Deletion, key, 0, &[])
    }

    pub fn delete_with_version(&mut self, key: &[u8], version: u64) -> Result<()> {
        self.add(Kind::Deletion, key, version, &[])
    }

    /// Adds every record of `batch`, in order.
    pub fn write(&mut self, batch: &Batch) -> Result<()> {
        for r in batch.iter() {
            self.add(r.kind, r.key, r.version, r.value)?;
        }
        Ok(())
    }

    /// Makes every write of the transaction visible at once.
    pub fn commit(mut self) -> Result<()> {
        if self.done {
            return Err(Error::Closed);
        }
        let committed = (|| -> Result<()> {
            self.db.check_writable()?;
            self.flush()?;
            let mut edit = VersionEdit {
                last_sequence: Some(self.sequence),
                ..Default::default()
            };
            for meta in &self.tables {
                edit.add_table(0, meta.clone());
            }
            let mut versions = self.db.versions.lock();
            self.db.install(&mut versions, edit, false)?;
            drop(versions);
            self.db.last_seq.store(self.sequence, Ordering::Release);
            Ok(())
        })();
        match committed {
            Ok(()) => {
                release_outputs(&self.db, self.tables.iter().map(|m| m.number));
                info!(
                    self.db.log,
                    "transaction committed: {} tables at level 0, last sequence {}",
                    self.tables.len(),
                    self.sequence
                );
                self.tables.clear();
                self.done = true;
                self.db.unlock_write_plain();
                self.db.trigger_table();
                Ok(())
            }
            Err(e) => {
                self.abandon();
                Err(e)
            }
        }
    }

    /// Throws every write of the transaction away.
    pub fn discard(mut self) {
        self.abandon();
    }

    fn abandon(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        for meta in self.tables.drain(..) {
            let path = table_file_name(&self.db.dir, meta.number);
            let _ = self.db.opts.env.remove_file(&path);
            release_outputs(&self.db, [meta.number]);
        }
        self.db.unlock_write_plain();
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        self.abandon();
    }
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("sequence", &self.sequence)
            .field("tables", &self.tables.len())
            .finish()
    }
}
