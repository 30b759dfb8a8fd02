//! Snapshots: a registry of the sequence numbers that live readers depend
//! on, so that compaction keeps every record some snapshot can still see.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::db::merkle::{Layout, MerkleState};
use crate::error::Result;

/// The set of live snapshot sequences, with a count per sequence.
#[derive(Debug, Default)]
pub(crate) struct SnapshotList {
    live: Mutex<BTreeMap<u64, usize>>,
}

impl SnapshotList {
    fn acquire(&self, sequence: u64) {
        *self.live.lock().entry(sequence).or_insert(0) += 1;
    }

    fn release(&self, sequence: u64) {
        let mut live = self.live.lock();
        if let Some(count) = live.get_mut(&sequence) {
            *count -= 1;
            if *count == 0 {
                live.remove(&sequence);
            }
        }
    }

    /// The oldest sequence a live snapshot reads at, if any.
    pub(crate) fn oldest(&self) -> Option<u64> {
        self.live.lock().keys().next().copied()
    }

    /// Number of live snapshot handles.
    pub(crate) fn count(&self) -> usize {
        self.live.lock().values().sum()
    }
}

/// A consistent read view of the database at one sequence number. Reads
/// through it see exactly the writes made before it was taken. Cloning is
/// cheap; the view is released when the last clone is dropped.
///
/// A snapshot also pins its *layout* — the memdbs and the table set of the
/// moment it was taken — so that its MasterRoot and every proof taken
/// through it agree however many writes and compactions run meanwhile.
/// The cost, as for an iterator: while it lives, the memdbs it saw stay in
/// memory and the tables it saw stay on disk.
#[derive(Clone)]
pub struct Snapshot {
    inner: Arc<SnapshotInner>,
}

struct SnapshotInner {
    sequence: u64,
    list: Arc<SnapshotList>,
    layout: Layout,
    merkle: OnceLock<Arc<MerkleState>>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("sequence", &self.inner.sequence)
            .finish()
    }
}

impl Snapshot {
    pub(crate) fn new(list: &Arc<SnapshotList>, layout: Layout) -> Snapshot {
        let sequence = layout.sequence;
        list.acquire(sequence);
        Snapshot {
            inner: Arc::new(SnapshotInner {
                sequence,
                list: list.clone(),
                layout,
                merkle: OnceLock::new(),
            }),
        }
    }

    /// The pinned layout.
    pub(crate) fn layout(&self) -> &Layout {
        &self.inner.layout
    }

    /// The Merkle state of the pinned layout, built once.
    pub(crate) fn merkle_state(
        &self,
        build: impl FnOnce() -> Result<MerkleState>,
    ) -> Result<Arc<MerkleState>> {
        if let Some(m) = self.inner.merkle.get() {
            return Ok(m.clone());
        }
        let m = Arc::new(build()?);
        Ok(self.inner.merkle.get_or_init(|| m).clone())
    }

    /// The sequence number this snapshot reads at.
    pub fn sequence(&self) -> u64 {
        self.inner.sequence
    }

    /// True when both handles come from the same database's registry.
    pub(crate) fn belongs_to(&self, list: &Arc<SnapshotList>) -> bool {
        Arc::ptr_eq(&self.inner.list, list)
    }
}

impl Drop for SnapshotInner {
    fn drop(&mut self) {
        self.list.release(self.sequence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::key::InternalKeyComparator;
    use crate::memdb::MemDb;
    use crate::version::Version;

    fn at(sequence: u64) -> Layout {
        Layout {
            sequence,
            mems: vec![Arc::new(MemDb::new(InternalKeyComparator::default(), 1024))],
            version: Arc::new(Version::empty(InternalKeyComparator::default())),
        }
    }

    #[test]
    fn oldest_tracks_live_snapshots() {
        let list = Arc::new(SnapshotList::default());
        assert_eq!(list.oldest(), None);
        let a = Snapshot::new(&list, at(10));
        let b = Snapshot::new(&list, at(5));
        let b2 = b.clone();
        let c = Snapshot::new(&list, at(5));
        assert_eq!(list.oldest(), Some(5));
        assert_eq!(list.count(), 3, "clones share one registration");
        drop(b);
        assert_eq!(list.oldest(), Some(5));
        drop(b2);
        assert_eq!(list.oldest(), Some(5), "c still reads at 5");
        drop(c);
        assert_eq!(list.oldest(), Some(10));
        assert_eq!(a.sequence(), 10);
        assert!(a.belongs_to(&list));
        assert!(!a.belongs_to(&Arc::new(SnapshotList::default())));
        drop(a);
        assert_eq!((list.oldest(), list.count()), (None, 0));
    }
}
