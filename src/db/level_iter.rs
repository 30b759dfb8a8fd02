//! `LevelIter`: one cursor over all tables of a level ≥ 1, which are sorted
//! and disjoint, opening each table only when the cursor reaches it.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::db::table_cache::TableCache;
use crate::error::{Error, Result};
use crate::iter::KvIter;
use crate::key::{Comparator, InternalKeyComparator};
use crate::table::{BlockReadOptions, TableIter};
use crate::version::TableFile;

pub(crate) struct LevelIter {
    tables: Vec<Arc<TableFile>>,
    cache: Arc<TableCache>,
    icmp: InternalKeyComparator,
    ro: BlockReadOptions,
    index: usize,
    current: Option<TableIter>,
    error: Option<Error>,
}

impl LevelIter {
    pub(crate) fn new(
        tables: Vec<Arc<TableFile>>,
        cache: Arc<TableCache>,
        icmp: InternalKeyComparator,
        ro: BlockReadOptions,
    ) -> LevelIter {
        LevelIter {
            tables,
            cache,
            icmp,
            ro,
            index: 0,
            current: None,
            error: None,
        }
    }

    /// Opens table `index` (or clears the cursor when out of range).
    fn open(&mut self, index: usize) -> bool {
        self.index = index;
        self.current = None;
        let Some(t) = self.tables.get(index) else {
            return false;
        };
        match self.cache.get(t.meta.number, t.meta.size) {
            Ok(table) => {
                self.current = Some(table.iter(self.ro));
                true
            }
            Err(e) => {
                self.error.get_or_insert(e);
                false
            }
        }
    }

    fn current_valid(&self) -> bool {
        self.current.as_ref().is_some_and(|c| c.valid())
    }

    fn note_current_error(&mut self) {
        if let Some(Err(e)) = self.current.as_ref().map(|c| c.status()) {
            self.error.get_or_insert(e);
        }
    }

    fn skip_empty_forward(&mut self) {
        while !self.current_valid() {
            self.note_current_error();
            if self.error.is_some() || !self.open(self.index + 1) {
                self.current = None;
                return;
            }
            if let Some(c) = self.current.as_mut() {
                c.seek_to_first();
            }
        }
    }

    fn skip_empty_backward(&mut self) {
        while !self.current_valid() {
            self.note_current_error();
            if self.error.is_some() || self.index == 0 || !self.open(self.index - 1) {
                self.current = None;
                return;
            }
            if let Some(c) = self.current.as_mut() {
                c.seek_to_last();
            }
        }
    }
}

impl KvIter for LevelIter {
    fn valid(&self) -> bool {
        self.current_valid()
    }

    fn seek_to_first(&mut self) {
        if self.open(0) {
            if let Some(c) = self.current.as_mut() {
                c.seek_to_first();
            }
        }
        self.skip_empty_forward();
    }

    fn seek_to_last(&mut self) {
        if let Some(last) = self.tables.len().checked_sub(1) {
            if self.open(last) {
                if let Some(c) = self.current.as_mut() {
                    c.seek_to_last();
                }
            }
            self.skip_empty_backward();
        } else {
            self.current = None;
        }
    }

    fn seek(&mut self, target: &[u8]) {
        let i = self
            .tables
            .partition_point(|t| self.icmp.compare(&t.meta.largest, target) == Ordering::Less);
        if self.open(i) {
            if let Some(c) = self.current.as_mut() {
                c.seek(target);
            }
        }
        self.skip_empty_forward();
    }

    fn next(&mut self) {
        if let Some(c) = self.current.as_mut() {
            c.next();
        }
        self.skip_empty_forward();
    }

    fn prev(&mut self) {
        if let Some(c) = self.current.as_mut() {
            c.prev();
        }
        self.skip_empty_backward();
    }

    fn key(&self) -> &[u8] {
        self.current.as_ref().map_or(&[], |c| c.key())
    }

    fn value(&self) -> &[u8] {
        self.current.as_ref().map_or(&[], |c| c.value())
    }

    fn status(&self) -> Result<()> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.current.as_ref().map_or(Ok(()), |c| c.status())
    }
}
