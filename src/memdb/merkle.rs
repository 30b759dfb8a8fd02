//! The Merkle tree of a memdb as of a sequence number: the records visible
//! at that sequence, in order, hashed as leaves. Built when a root or proof
//! asks for it and kept until a newer sequence is asked for; a rebuild
//! starts from the previous tree: the records inserted since (from the
//! skiplist's insertion log, not a walk of the list) are sorted and merged
//! into its record list, their leaves hashed, every other leaf reused, and
//! every inner node whose subtree is unchanged copied
//! (`Levels::build_inserted`). So after `k` writes it costs `k` leaves,
//! `k log n` key comparisons, copying the lists, and the inner nodes whose
//! subtrees changed or shifted (all right of the first new record, but
//! about a third of them, for random keys; none left of it). A memdb that got no record
//! newer than its tree (a frozen memdb, or a live one between writes)
//! keeps the tree for every later sequence.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::node::NodePtr;
use super::MemDb;
use crate::key::{parse_internal_key, Comparator, ParsedKey};
use crate::merkle::hash::{commit_hash, leaf_hash, CommitTag, Hash};
use crate::merkle::tree::Levels;

/// The tree of one memdb at one sequence. Its node pointers belong to the
/// memdb it was built from and are only used through that memdb.
#[derive(Debug)]
pub(super) struct MemTree {
    sequence: u64,
    nodes: Vec<NodePtr>,
    leaves: Levels,
    max_version: u64,
    /// Every node of the insertion log before this position is in the tree
    /// or older than it (a rebuild looks at the log from here on).
    log_pos: usize,
}

/// A memdb's tree with the memdb it indexes (which keeps its nodes alive).
#[derive(Clone, Debug)]
pub struct MemView {
    db: Arc<MemDb>,
    tree: Arc<MemTree>,
}

impl MemDb {
    /// The tree of the records visible at `sequence`: every record of a
    /// sequence ≤ `sequence` must already be in the memdb (the engine
    /// publishes a sequence only after inserting its records).
    pub fn merkle_view(self: &Arc<Self>, sequence: u64) -> MemView {
        let mut cached = self.merkle.lock();
        // The same records are visible at `sequence` as at the tree's when
        // no record newer than the tree's sequence was inserted: every
        // record of a sequence ≤ `sequence` is in already (and counted in
        // `max_sequence`, which is raised after each insert).
        if let Some(t) = cached.as_ref().filter(|t| {
            t.sequence == sequence
                || (t.sequence < sequence
                    && self.max_sequence.load(Ordering::Acquire) <= t.sequence)
        }) {
            return MemView {
                db: Arc::clone(self),
                tree: Arc::clone(t),
            };
        }
        let prev = cached.clone().filter(|t| t.sequence < sequence);
        let tree = Arc::new(self.build_tree(prev.as_deref(), sequence));
        if cached.as_ref().is_none_or(|t| t.sequence < sequence) {
            *cached = Some(Arc::clone(&tree));
        }
        MemView {
            db: Arc::clone(self),
            tree,
        }
    }

    fn build_tree(&self, prev: Option<&MemTree>, sequence: u64) -> MemTree {
        match prev {
            Some(t) => self.extend_tree(t, sequence),
            None => self.walk_tree(sequence),
        }
    }

    /// The leaf hash of node `n`, whose key parsed as `p`.
    fn leaf_of(&self, n: NodePtr, p: &ParsedKey<'_>) -> Hash {
        leaf_hash(p.user_key, p.version, p.kind as u8, self.list.value(n))
    }

    /// The tree at `sequence` from scratch: a walk of the whole list.
    fn walk_tree(&self, sequence: u64) -> MemTree {
        let mut nodes = Vec::with_capacity(self.len());
        let mut leaves = Vec::with_capacity(self.len());
        let mut max_version = 0;
        let mut node = self.list.first();
        while let Some(n) = node {
            node = self.list.successor(n);
            let key = self.list.key(n);
            // Keys in the memdb were encoded by the engine; a key that does
            // not parse cannot be a record.
            let Ok(p) = parse_internal_key(key) else {
                continue;
            };
            if p.sequence > sequence {
                continue;
            }
            max_version = max_version.max(p.version);
            nodes.push(n);
            leaves.push(self.leaf_of(n, &p));
        }
        self.leaves_hashed
            .fetch_add(leaves.len() as u64, std::sync::atomic::Ordering::Relaxed);
        MemTree {
            sequence,
            nodes,
            leaves: Levels::build(leaves),
            max_version,
            // A later rebuild reads the whole log once.
            log_pos: 0,
        }
    }

    /// The tree at `sequence` (> `prev.sequence`) from `prev`: the nodes
    /// logged since it with a sequence in `(prev.sequence, sequence]` are
    /// merged into its list. Every record of a sequence ≤ `sequence` is in
    /// the log already (the engine publishes a sequence only after
    /// inserting its records), and every node before `prev.log_pos` is in
    /// `prev` or older, so these are exactly the new records.
    fn extend_tree(&self, prev: &MemTree, sequence: u64) -> MemTree {
        let log = self.list.inserted_since(prev.log_pos);
        let mut log_pos = None;
        // (node, position in the log): the later insert of two equal keys
        // goes first, as in the list.
        let mut new: Vec<(NodePtr, usize)> = Vec::new();
        for (i, &(n, seq)) in log.iter().enumerate() {
            if seq <= prev.sequence {
                continue;
            }
            if seq <= sequence {
                // (Logged with its sequence, so it parses: `MemDb::insert`
                // logs a key that does not as sequence 0.)
                new.push((n, i));
            } else if log_pos.is_none() {
                log_pos = Some(prev.log_pos + i);
            }
        }
        let log_pos = log_pos.unwrap_or(prev.log_pos + log.len());
        let cmp = self.list.comparator();
        let key = |n: NodePtr| self.list.key(n);
        new.sort_unstable_by(|a, b| cmp.compare(key(a.0), key(b.0)).then(b.1.cmp(&a.1)));

        let total = prev.nodes.len() + new.len();
        let mut nodes = Vec::with_capacity(total);
        let mut leaves = Vec::with_capacity(total);
        let old_leaves = prev.leaves.items();
        let mut max_version = prev.max_version;
        let mut inserted = Vec::with_capacity(new.len());
        let mut at = 0;
        for &(n, _) in &new {
            let k = key(n);
            // Before every old node whose key is ≥ this one (a new node goes
            // before equal old ones: it was inserted later). Galloping from
            // the last position: new records are spread over the list, so
            // the next one is usually near, and every probe is a key read
            // from the arena (a likely cache miss).
            let end = at
                + gallop(&prev.nodes[at..], |&m| {
                    cmp.compare(key(m), k) == std::cmp::Ordering::Less
                });
            nodes.extend_from_slice(&prev.nodes[at..end]);
            leaves.extend_from_slice(&old_leaves[at..end]);
            at = end;
            inserted.push(leaves.len());
            // Logged with a sequence, so the engine encoded it: it parses.
            let p = parse_internal_key(k).expect("a logged record parses");
            max_version = max_version.max(p.version);
            nodes.push(n);
            leaves.push(self.leaf_of(n, &p));
        }
        nodes.extend_from_slice(&prev.nodes[at..]);
        leaves.extend_from_slice(&old_leaves[at..]);
        self.leaves_hashed
            .fetch_add(new.len() as u64, std::sync::atomic::Ordering::Relaxed);
        MemTree {
            sequence,
            nodes,
            leaves: Levels::build_inserted(leaves, &prev.leaves, &inserted),
            max_version,
            log_pos,
        }
    }
}

impl MemDb {
    /// Records hashed by this memdb's Merkle tree builds so far (a rebuild
    /// hashes only the records its previous tree did not have).
    pub fn merkle_leaves_hashed(&self) -> u64 {
        self.leaves_hashed
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// `items.partition_point(pred)` (`pred` true on a prefix) by exponential
/// search from the start: O(log d) probes for an answer at distance d.
fn gallop<T>(items: &[T], mut pred: impl FnMut(&T) -> bool) -> usize {
    let mut lo = 0;
    let mut step = 1;
    while lo + step <= items.len() && pred(&items[lo + step - 1]) {
        lo += step;
        step *= 2;
    }
    // items[..lo] satisfy pred; the boundary lies before lo + step.
    let hi = (lo + step).min(items.len());
    lo + items[lo..hi].partition_point(pred)
}

impl MemView {
    /// Visible records.
    pub fn len(&self) -> usize {
        self.tree.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sequence the view shows.
    pub fn sequence(&self) -> u64 {
        self.tree.sequence
    }

    /// Highest version of a visible record (0 when empty).
    pub fn max_version(&self) -> u64 {
        self.tree.max_version
    }

    /// The leaf tree.
    pub fn leaves(&self) -> &Levels {
        &self.tree.leaves
    }

    /// `commit(memdb, n, tree)`: the memdb's layer root.
    pub fn root(&self) -> Hash {
        commit_hash(
            CommitTag::Memdb,
            self.len() as u64,
            &self.tree.leaves.root(),
        )
    }

    /// Record `i`'s (internal key, value).
    pub fn record(&self, i: usize) -> (&[u8], &[u8]) {
        let n = self.tree.nodes[i];
        (self.db.list.key(n), self.db.list.value(n))
    }

    /// Index of the first visible record with internal key ≥ `target`
    /// (`len()` past the end).
    pub fn locate(&self, target: &[u8]) -> usize {
        let cmp = self.db.list.comparator();
        let nodes = &self.tree.nodes;
        nodes.partition_point(|&n| {
            cmp.compare(self.db.list.key(n), target) == std::cmp::Ordering::Less
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{InternalKeyComparator, Kind};

    impl MemTree {
        fn root_of(&self) -> Hash {
            commit_hash(
                CommitTag::Memdb,
                self.nodes.len() as u64,
                &self.leaves.root(),
            )
        }
    }

    #[test]
    fn gallop_is_partition_point() {
        for n in 0..70usize {
            let v: Vec<usize> = (0..n).collect();
            for cut in 0..=n {
                assert_eq!(gallop(&v, |&x| x < cut), cut, "n {n} cut {cut}");
            }
        }
    }

    #[test]
    fn incremental_rebuild_equals_a_fresh_build() {
        let db = Arc::new(MemDb::new(InternalKeyComparator::default(), 1 << 20));
        let mut seq = 0;
        let mut roots = Vec::new();
        for round in 0..5u64 {
            for i in 0..200u64 {
                seq += 1;
                let key = format!("k{:04}", (i * 7919 + round * 13) % 500);
                let kind = if i % 9 == 0 {
                    Kind::Deletion
                } else {
                    Kind::Value
                };
                db.add(
                    seq,
                    kind,
                    key.as_bytes(),
                    round,
                    format!("v{seq}").as_bytes(),
                );
            }
            let view = db.merkle_view(seq);
            let fresh = db.build_tree(None, seq);
            assert_eq!(view.tree.leaves.root(), fresh.leaves.root());
            assert_eq!(view.len(), fresh.nodes.len());
            assert_eq!(view.max_version(), round);
            roots.push((seq, view.root()));
        }
        // Nothing newer was inserted: a later sequence shows the same tree
        // (without a rebuild), and it is the tree a fresh build gives.
        let later = db.merkle_view(seq + 50);
        assert!(Arc::ptr_eq(&later.tree, &db.merkle_view(seq).tree));
        assert_eq!(later.root(), db.build_tree(None, seq + 50).root_of());
        // An older sequence is rebuilt from scratch and hides newer records.
        let (old_seq, old_root) = roots[1];
        let old = db.merkle_view(old_seq);
        assert_eq!(old.root(), old_root);
        assert_eq!(old.len(), db.build_tree(None, old_seq).nodes.len());
        // Appends (keys after every key so far) reuse the whole old tree.
        for round in 0..4u64 {
            for i in 0..(37 * round + 1) {
                seq += 1;
                let key = format!("z{round}-{i:04}");
                db.add(seq, Kind::Value, key.as_bytes(), 9, b"tail");
            }
            let view = db.merkle_view(seq);
            assert_eq!(view.root(), db.build_tree(None, seq).root_of());
        }
        // Records inserted out of sequence order, some beyond the sequence
        // asked (in flight), and equal internal keys.
        let base = seq;
        for (i, s) in [5u64, 2, 7, 1, 3].into_iter().enumerate() {
            db.add(
                base + s,
                Kind::Value,
                format!("k{:04}", i * 97).as_bytes(),
                8,
                b"x",
            );
        }
        for upto in [2u64, 3, 5, 6, 7] {
            let view = db.merkle_view(base + upto);
            let fresh = db.build_tree(None, base + upto);
            assert_eq!(view.root(), fresh.root_of(), "up to {upto}");
            assert_eq!(view.len(), fresh.nodes.len());
        }
        seq = base + 7;
        let dup = crate::key::make_internal_key(b"k0001", 3, seq + 1, Kind::Value);
        db.insert(&dup, b"first");
        db.insert(&dup, b"second");
        db.insert(b"short", b"not a record");
        seq += 1;
        let view = db.merkle_view(seq);
        assert_eq!(view.root(), db.build_tree(None, seq).root_of());
        let pos = view.locate(&dup);
        assert_eq!(view.record(pos).1, b"second");
        assert_eq!(view.record(pos + 1).1, b"first");
        // locate finds every visible record's own position.
        let view = db.merkle_view(seq);
        for i in (0..view.len()).step_by(17) {
            let key = view.record(i).0.to_vec();
            assert_eq!(view.locate(&key), i);
        }
    }
}
