//! `VecIter`: a cursor over an owned, sorted list of entries. Small sources
//! (and tests of the iterators built from cursors) use it.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::error::Result;
use crate::iter::KvIter;
use crate::key::Comparator;

pub struct VecIter {
    entries: Vec<(Vec<u8>, Vec<u8>)>,
    cmp: Arc<dyn Comparator>,
    pos: Option<usize>,
}

impl VecIter {
    /// `entries` must already be sorted by `cmp`.
    pub fn new(entries: Vec<(Vec<u8>, Vec<u8>)>, cmp: Arc<dyn Comparator>) -> VecIter {
        debug_assert!(entries
            .windows(2)
            .all(|w| cmp.compare(&w[0].0, &w[1].0) != Ordering::Greater));
        VecIter {
            entries,
            cmp,
            pos: None,
        }
    }
}

impl KvIter for VecIter {
    fn valid(&self) -> bool {
        self.pos.is_some()
    }
    fn seek_to_first(&mut self) {
        self.pos = (!self.entries.is_empty()).then_some(0);
    }
    fn seek_to_last(&mut self) {
        self.pos = self.entries.len().checked_sub(1);
    }
    fn seek(&mut self, target: &[u8]) {
        let i = self
            .entries
            .partition_point(|(k, _)| self.cmp.compare(k, target) == Ordering::Less);
        self.pos = (i < self.entries.len()).then_some(i);
    }
    fn next(&mut self) {
        self.pos = self.pos.map(|p| p + 1).filter(|&p| p < self.entries.len());
    }
    fn prev(&mut self) {
        self.pos = self.pos.and_then(|p| p.checked_sub(1));
    }
    fn key(&self) -> &[u8] {
        self.pos.map_or(&[], |p| &self.entries[p].0)
    }
    fn value(&self) -> &[u8] {
        self.pos.map_or(&[], |p| &self.entries[p].1)
    }
    fn status(&self) -> Result<()> {
        Ok(())
    }
}
