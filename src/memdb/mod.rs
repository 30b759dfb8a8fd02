//! The memdb: the in-memory table that takes every write before it reaches
//! a level-0 table. An arena skiplist ordered by internal key
//! (`crate::key::InternalKeyComparator`), with one writer at a time and any
//! number of lock-free readers. `docs/MEMDB.md` describes the structure, the
//! concurrency contract and the safety argument for its `unsafe` code, which
//! is confined to `arena.rs` (allocation) and `node.rs` (node layout).

mod arena;
mod iter;
mod merkle;
mod node;
mod skiplist;

#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::key::{pack_tag, parse_internal_key, InternalKeyComparator, Kind};
use skiplist::SkipList;

pub use iter::MemDbIter;
pub use merkle::MemView;

/// An in-memory sorted table of internal keys. `Send + Sync`: share it in an
/// `Arc`; inserts are serialised internally, reads take no lock.
///
/// Equal internal keys are not expected (the write path gives every record
/// its own sequence number). If one is inserted anyway both entries are
/// kept, the later insert ordered immediately before the earlier ones, so
/// seeks find the latest and iteration visits each exactly once.
pub struct MemDb {
    list: SkipList,
    capacity: usize,
    /// The newest Merkle tree built (see `merkle.rs`).
    merkle: Mutex<Option<Arc<merkle::MemTree>>>,
    /// Records hashed by Merkle tree builds so far.
    leaves_hashed: std::sync::atomic::AtomicU64,
    /// The highest sequence number inserted (`u64::MAX` after a key that
    /// does not parse): a tree built at a sequence ≥ it shows every record,
    /// so it stays the tree of every later sequence.
    max_sequence: AtomicU64,
}

impl std::fmt::Debug for MemDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemDb")
            .field("len", &self.len())
            .field("approximate_size", &self.approximate_size())
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl MemDb {
    /// An empty memdb ordered by `cmp`. `capacity` is a soft limit the
    /// engine checks through [`MemDb::free`]; inserts beyond it still work.
    pub fn new(cmp: InternalKeyComparator, capacity: usize) -> MemDb {
        MemDb {
            list: SkipList::new(cmp),
            capacity,
            merkle: Mutex::new(None),
            leaves_hashed: std::sync::atomic::AtomicU64::new(0),
            max_sequence: AtomicU64::new(0),
        }
    }

    /// Inserts one record (internal key = `user_key ‖ version ‖
    /// sequence << 8 | kind`), encoding the key straight into the arena.
    /// Serialised internally by a writer mutex (uncontended in practice: the
    /// engine has a single writer), so misuse cannot cause a data race;
    /// readers take no lock. `sequence` must be ≤ `key::MAX_SEQUENCE`.
    pub fn add(&self, sequence: u64, kind: Kind, user_key: &[u8], version: u64, value: &[u8]) {
        let version = version.to_le_bytes();
        let tag = pack_tag(sequence, kind).to_le_bytes();
        self.list
            .insert(&[user_key, &version, &tag], value, sequence);
        self.max_sequence.fetch_max(sequence, Ordering::Release);
    }

    /// Inserts an already-encoded internal key (used by tests and recovery).
    pub fn insert(&self, internal_key: &[u8], value: &[u8]) {
        // A key that does not parse is no record and never in a Merkle tree:
        // logged as sequence 0 (older than every tree, so never "new"), and
        // `max_sequence` goes to the top (no tree is then kept as is).
        let parsed = parse_internal_key(internal_key).ok().map(|p| p.sequence);
        self.list
            .insert(&[internal_key], value, parsed.unwrap_or(0));
        self.max_sequence
            .fetch_max(parsed.unwrap_or(u64::MAX), Ordering::Release);
    }

    /// The first entry with internal key ≥ `target`, as (internal key,
    /// value) copies; `None` past the end.
    pub fn seek_first_ge(&self, target: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        let node = self.list.seek_ge(target)?;
        Some((self.list.key(node).to_vec(), self.list.value(node).to_vec()))
    }

    /// A cursor over the memdb that keeps it alive. It sees entries inserted
    /// after its creation if it reaches them; `key()`/`value()` borrow arena
    /// memory without copying.
    pub fn iter(self: &Arc<Self>) -> MemDbIter {
        MemDbIter::new(Arc::clone(self))
    }

    /// Entries inserted so far. A reader that sees `n` here can reach at
    /// least `n` entries.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Arena bytes used: keys, values, node headers and towers, alignment
    /// padding, and the head node (so an empty memdb is not quite 0).
    pub fn approximate_size(&self) -> usize {
        self.list.used()
    }

    /// The soft limit given to [`MemDb::new`].
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// `capacity - approximate_size`, or 0 once the memdb is full.
    pub fn free(&self) -> usize {
        self.capacity.saturating_sub(self.approximate_size())
    }

    /// Bytes of all arena chunks, including chunk tails not yet used; takes
    /// the writer lock briefly.
    pub fn reserved_bytes(&self) -> usize {
        self.list.reserved()
    }
}
