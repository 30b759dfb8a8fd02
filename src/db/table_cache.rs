//! `TableCache`: open table files, shared by readers and compactions and
//! bounded by `max_open_files` (each open table costs one file descriptor
//! plus its index and filter in memory).

use std::path::PathBuf;
use std::sync::Arc;

use crate::cache::{Cache, CacheKey};
use crate::error::{Error, Result};
use crate::storage::names::table_file_name;
use crate::storage::Env;
use crate::table::{Table, TableReadOptions};

pub(crate) struct TableCache {
    env: Arc<dyn Env>,
    dir: PathBuf,
    tables: Cache<Arc<Table>>,
    read_options: TableReadOptions,
}

impl TableCache {
    /// `capacity` tables stay open at once (each entry is charged 1).
    pub(crate) fn new(
        env: Arc<dyn Env>,
        dir: PathBuf,
        capacity: usize,
        read_options: TableReadOptions,
    ) -> TableCache {
        TableCache {
            env,
            dir,
            tables: Cache::with_shards(capacity, 0),
            read_options,
        }
    }

    fn key(number: u64) -> CacheKey {
        CacheKey {
            id: number,
            offset: 0,
        }
    }

    /// The open table `number` of `size` bytes, opening it if needed.
    pub(crate) fn get(&self, number: u64, size: u64) -> Result<Arc<Table>> {
        // The `Arc<Table>` keeps the table open for the caller; no pin needed.
        if let Some(table) = self.tables.get(&Self::key(number)) {
            return Ok(Arc::clone(&table));
        }
        let path = table_file_name(&self.dir, number);
        let name = path
            .file_name()
            .map_or_else(|| number.to_string(), |n| n.to_string_lossy().into_owned());
        let file = self.env.open_random(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::corruption(format!("table {name} is missing from the database"))
            }
            _ => Error::Io(e),
        })?;
        let table = Table::open(file, size, self.read_options.clone(), &name)?;
        let handle = self.tables.insert(Self::key(number), table, 1);
        Ok(Arc::clone(&handle))
    }

    /// Forgets table `number` (its file is being deleted).
    pub(crate) fn evict(&self, number: u64) {
        self.tables.erase(&Self::key(number));
    }

    /// Tables currently open through the cache.
    pub(crate) fn open_tables(&self) -> usize {
        self.tables.len()
    }
}
