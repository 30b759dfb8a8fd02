//! The table cursor: an index-block cursor choosing data blocks and a
//! data-block cursor within the chosen block, skipping across block
//! boundaries in both directions. It owns its table (`Arc`) and its current
//! block (a cache handle or `Arc`), so it is `'static` and copies nothing
//! per key.

use std::sync::Arc;

use super::block::{Block, BlockIter};
use super::format::BlockHandle;
use super::table::{BlockReadOptions, BlockRef, Table};
use crate::error::{Error, Result};
use crate::iter::KvIter;

/// Cursor over every entry of a [`Table`]. The first error met (I/O or
/// corruption) makes it invalid for good; `status()` reports it.
pub struct TableIter {
    table: Arc<Table>,
    ro: BlockReadOptions,
    index: BlockIter<Arc<Block>>,
    /// Cursor over the loaded data block; kept across blocks so its key
    /// buffer is reused.
    data: Option<BlockIter<BlockRef>>,
    /// Handle of the block `data` reads; `None` when no block is loaded.
    data_handle: Option<BlockHandle>,
    err: Option<Error>,
}

impl TableIter {
    pub(crate) fn new(table: Arc<Table>, ro: BlockReadOptions) -> TableIter {
        let index = BlockIter::new(
            Arc::clone(table.index_block()),
            Arc::clone(table.comparator()),
        );
        TableIter {
            table,
            ro,
            index,
            data: None,
            data_handle: None,
            err: None,
        }
    }

    /// The table read.
    pub fn table(&self) -> &Arc<Table> {
        &self.table
    }

    fn data_valid(&self) -> bool {
        self.data_handle.is_some() && self.data.as_ref().is_some_and(|d| d.valid())
    }

    /// Loads the block the index cursor points at (keeps it if loaded).
    fn init_data_block(&mut self) {
        if !self.index.valid() {
            self.data_handle = None;
            return;
        }
        let handle = match self.table.decode_handle(self.index.value()) {
            Ok(h) => h,
            Err(e) => return self.fail(e),
        };
        if self.data_handle == Some(handle) && self.data.is_some() {
            return;
        }
        match self.table.block(handle, &self.ro) {
            Ok(block) => {
                match &mut self.data {
                    Some(d) => d.reset(block),
                    None => {
                        self.data = Some(BlockIter::new(block, Arc::clone(self.table.comparator())))
                    }
                }
                self.data_handle = Some(handle);
            }
            Err(e) => self.fail(e),
        }
    }

    fn fail(&mut self, e: Error) {
        if self.err.is_none() {
            self.err = Some(e);
        }
        self.data_handle = None;
    }

    /// True if the data cursor stopped on an error (recorded) or is valid;
    /// false if it simply ran off its block.
    fn settled(&mut self) -> bool {
        if self.err.is_some() {
            return true;
        }
        if self.data_handle.is_some() {
            if let Some(d) = &self.data {
                if d.valid() {
                    return true;
                }
                if let Err(e) = d.status() {
                    self.fail(e);
                    return true;
                }
            }
        }
        if !self.index.valid() {
            if let Err(e) = self.index.status() {
                self.fail(e);
            }
            self.data_handle = None;
            return true;
        }
        false
    }

    fn skip_forward(&mut self) {
        while !self.settled() {
            self.index.next();
            self.init_data_block();
            if self.data_handle.is_some() {
                if let Some(d) = &mut self.data {
                    d.seek_to_first();
                }
            }
        }
    }

    fn skip_backward(&mut self) {
        while !self.settled() {
            self.index.prev();
            self.init_data_block();
            if self.data_handle.is_some() {
                if let Some(d) = &mut self.data {
                    d.seek_to_last();
                }
            }
        }
    }

    fn data_mut(&mut self) -> Option<&mut BlockIter<BlockRef>> {
        if self.data_handle.is_some() {
            self.data.as_mut()
        } else {
            None
        }
    }
}

impl KvIter for TableIter {
    fn valid(&self) -> bool {
        self.err.is_none() && self.data_valid()
    }

    fn seek_to_first(&mut self) {
        if self.err.is_some() {
            return;
        }
        self.index.seek_to_first();
        self.init_data_block();
        if let Some(d) = self.data_mut() {
            d.seek_to_first();
        }
        self.skip_forward();
    }

    fn seek_to_last(&mut self) {
        if self.err.is_some() {
            return;
        }
        self.index.seek_to_last();
        self.init_data_block();
        if let Some(d) = self.data_mut() {
            d.seek_to_last();
        }
        self.skip_backward();
    }

    fn seek(&mut self, target: &[u8]) {
        if self.err.is_some() {
            return;
        }
        self.index.seek(target);
        self.init_data_block();
        if let Some(d) = self.data_mut() {
            d.seek(target);
        }
        self.skip_forward();
    }

    fn next(&mut self) {
        debug_assert!(self.valid());
        if let Some(d) = self.data_mut() {
            d.next();
        }
        self.skip_forward();
    }

    fn prev(&mut self) {
        debug_assert!(self.valid());
        if let Some(d) = self.data_mut() {
            d.prev();
        }
        self.skip_backward();
    }

    fn key(&self) -> &[u8] {
        self.data.as_ref().map_or(&[], |d| d.key())
    }

    fn value(&self) -> &[u8] {
        self.data.as_ref().map_or(&[], |d| d.value())
    }

    fn status(&self) -> Result<()> {
        match &self.err {
            Some(e) => Err(e.clone()),
            None => self.index.status(),
        }
    }
}
