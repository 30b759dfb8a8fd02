//! `MemDbIter`: a `KvIter` cursor over a memdb that owns an `Arc` of it, so
//! it is `Send + 'static` and the arena it borrows from outlives it.

use std::sync::Arc;

use super::node::NodePtr;
use super::MemDb;
use crate::error::Result;
use crate::iter::KvIter;

/// A cursor over a [`MemDb`]. Moving never blocks the writer; entries
/// inserted while it runs are seen if the cursor reaches their position.
/// `prev` searches from the top (O(log n)), as in LevelDB.
#[derive(Debug)]
pub struct MemDbIter {
    db: Arc<MemDb>,
    /// A node of `db`'s list (never its head); `None` when not valid.
    node: Option<NodePtr>,
}

impl MemDbIter {
    pub(super) fn new(db: Arc<MemDb>) -> MemDbIter {
        MemDbIter { db, node: None }
    }
}

impl KvIter for MemDbIter {
    fn valid(&self) -> bool {
        self.node.is_some()
    }

    fn seek_to_first(&mut self) {
        self.node = self.db.list.first();
    }

    fn seek_to_last(&mut self) {
        self.node = self.db.list.last();
    }

    fn seek(&mut self, target: &[u8]) {
        self.node = self.db.list.seek_ge(target);
    }

    fn next(&mut self) {
        self.node = self.node.and_then(|n| self.db.list.successor(n));
    }

    fn prev(&mut self) {
        self.node = self.node.and_then(|n| self.db.list.predecessor(n));
    }

    /// The current key (empty when not valid).
    fn key(&self) -> &[u8] {
        self.node.map_or(&[], |n| self.db.list.key(n))
    }

    /// The current value (empty when not valid).
    fn value(&self) -> &[u8] {
        self.node.map_or(&[], |n| self.db.list.value(n))
    }

    fn status(&self) -> Result<()> {
        Ok(())
    }
}
