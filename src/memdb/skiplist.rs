//! The skiplist: nodes in arena memory ordered by the internal key
//! comparator, one writer (serialised by a mutex) and lock-free readers.
//!
//! Publication protocol: the writer fills a node completely, then links it
//! bottom-up with Release stores; readers follow links with Acquire loads.
//! A reader therefore sees either the old list or the list with the node
//! fully initialised, at every level independently, and a node reachable at
//! a level ≥ 1 is always already reachable at level 0. The list height is a
//! hint read Relaxed: a reader that sees a new height before the head's new
//! links just finds null there and descends.

use std::cmp::Ordering as CmpOrdering;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;

use super::arena::Arena;
use super::node::{node_size, NodePtr};
use crate::key::{Comparator, InternalKeyComparator};
use crate::util::random::Rng;

/// Tallest tower. With branching 4 this suits lists of up to 4^12 ≈ 16M
/// entries before searches slow down; memdbs hold far fewer.
pub(super) const MAX_HEIGHT: usize = 12;

/// State only the writer touches.
struct Writer {
    arena: Arena,
    rng: Rng,
    /// Every node inserted, in insertion order, with a tag given by the
    /// caller (the memdb's sequence number): lets the Merkle tree find the
    /// nodes added since it was built without walking the list.
    log: Vec<(NodePtr, u64)>,
    /// The last node at each level (the head where a level is empty): a
    /// key above the last one (ascending inserts, the common bulk load)
    /// is linked after these without a search.
    tail: [NodePtr; MAX_HEIGHT],
}

pub(super) struct SkipList {
    cmp: InternalKeyComparator,
    /// Sentinel with an empty key and a full-height tower; never compared.
    head: NodePtr,
    /// Height of the tallest node linked so far (≥ 1).
    max_height: AtomicUsize,
    /// Nodes linked so far (the head excluded).
    len: AtomicUsize,
    /// Arena bytes used, mirrored from the writer's arena for lock-free reads.
    used: AtomicUsize,
    writer: Mutex<Writer>,
}

impl SkipList {
    pub(super) fn new(cmp: InternalKeyComparator) -> SkipList {
        let mut arena = Arena::new();
        let size = node_size(0, 0, MAX_HEIGHT).unwrap_or(usize::MAX);
        let mem = arena.allocate(size);
        // SAFETY: fresh arena memory of exactly `node_size` bytes, aligned by
        // the arena, not yet shared with anyone.
        let head = unsafe { NodePtr::write(mem, &[], 0, &[], MAX_HEIGHT) };
        SkipList {
            cmp,
            head,
            max_height: AtomicUsize::new(1),
            len: AtomicUsize::new(0),
            used: AtomicUsize::new(arena.used()),
            writer: Mutex::new(Writer {
                arena,
                rng: Rng::new(0x006d_656d_6462),
                log: Vec::new(),
                tail: [head; MAX_HEIGHT],
            }),
        }
    }

    // The three accessors below are the only way the list reads nodes. They
    // are safe because every NodePtr they are given came from this list (its
    // head, its arena or its links; see NodePtr) and the list owns the arena,
    // so the node lives at least as long as the `&self` borrow.

    /// The key of `node`, borrowed for as long as the list.
    pub(super) fn key(&self, node: NodePtr) -> &[u8] {
        // SAFETY: `node` belongs to this list, whose arena outlives `&self`.
        unsafe { node.key() }
    }

    /// The value of `node`, borrowed for as long as the list.
    pub(super) fn value(&self, node: NodePtr) -> &[u8] {
        // SAFETY: as for `key`.
        unsafe { node.value() }
    }

    /// The successor of `node` at `level`, which must be below its height:
    /// callers only descend through a node from a link at ≥ `level`, or from
    /// the head, which has every level.
    fn next(&self, node: NodePtr, level: usize) -> Option<NodePtr> {
        debug_assert!(level < MAX_HEIGHT);
        // SAFETY: the node belongs to this list (alive for `&self`) and is at
        // least `level + 1` tall, as the callers' search discipline ensures.
        unsafe { node.next(level) }
    }

    /// The order of the list.
    pub(super) fn comparator(&self) -> &InternalKeyComparator {
        &self.cmp
    }

    fn less(&self, node: NodePtr, key: &[u8]) -> bool {
        self.cmp.compare(self.key(node), key) == CmpOrdering::Less
    }

    fn height(&self) -> usize {
        self.max_height.load(Ordering::Relaxed)
    }

    pub(super) fn len(&self) -> usize {
        // Acquire pairs with the Release increment after linking: a reader
        // that sees `len == n` can reach all n nodes.
        self.len.load(Ordering::Acquire)
    }

    pub(super) fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// First node with key ≥ `target`; when `prev` is given, also records
    /// the last node < `target` at each level below the current height.
    fn find_ge(
        &self,
        target: &[u8],
        mut prev: Option<&mut [NodePtr; MAX_HEIGHT]>,
    ) -> Option<NodePtr> {
        let mut x = self.head;
        let mut level = self.height() - 1;
        // The node known to be ≥ target from the level above: meeting it
        // again lower down needs no second comparison.
        let mut known_ge: Option<NodePtr> = None;
        loop {
            let next = self.next(x, level);
            match next {
                Some(n) if next != known_ge && self.less(n, target) => x = n,
                _ => {
                    if let Some(p) = prev.as_deref_mut() {
                        p[level] = x;
                    }
                    if level == 0 {
                        return next;
                    }
                    known_ge = next;
                    level -= 1;
                }
            }
        }
    }

    /// First node with key ≥ `target`.
    pub(super) fn seek_ge(&self, target: &[u8]) -> Option<NodePtr> {
        self.find_ge(target, None)
    }

    /// The first node.
    pub(super) fn first(&self) -> Option<NodePtr> {
        self.next(self.head, 0)
    }

    /// The node after `node` (level 0).
    pub(super) fn successor(&self, node: NodePtr) -> Option<NodePtr> {
        self.next(node, 0)
    }

    /// The last node.
    pub(super) fn last(&self) -> Option<NodePtr> {
        let mut x = self.head;
        let mut level = self.height() - 1;
        loop {
            match self.next(x, level) {
                Some(n) => x = n,
                None if level == 0 => break,
                None => level -= 1,
            }
        }
        (x != self.head).then_some(x)
    }

    /// The node just before `node`. It first finds the last node with a
    /// smaller key, then walks level 0 to `node`'s direct predecessor, which
    /// is also correct when equal keys were inserted.
    pub(super) fn predecessor(&self, node: NodePtr) -> Option<NodePtr> {
        let key = self.key(node);
        let mut x = self.head;
        let mut level = self.height() - 1;
        loop {
            match self.next(x, level) {
                Some(n) if self.less(n, key) => x = n,
                _ if level == 0 => break,
                _ => level -= 1,
            }
        }
        // Nodes between x and `node` have keys equal to `node`'s (inserted
        // before it, or concurrently); step over them.
        while let Some(n) = self.next(x, 0) {
            if n == node {
                break;
            }
            x = n;
        }
        (x != self.head).then_some(x)
    }

    /// Inserts a node with key `key_parts` concatenated (`key_len` bytes in
    /// all) and `value`, logged with `tag` (see [`SkipList::inserted_since`]).
    /// An entry whose key equals existing ones is placed before them (so
    /// the latest insert of a key is found first).
    pub(super) fn insert(&self, key_parts: &[&[u8]], value: &[u8], tag: u64) {
        let key_len = key_parts
            .iter()
            .try_fold(0usize, |acc, p| acc.checked_add(p.len()));
        let mut w = self.writer.lock();
        let height = random_height(&mut w.rng);
        let size = key_len
            .and_then(|k| node_size(k, value.len(), height))
            .unwrap_or_else(|| panic!("memdb entry too large"));
        let key_len = key_len.unwrap_or_default();
        let mem: NonNull<u8> = w.arena.allocate(size);
        // SAFETY: `mem` is fresh arena memory of `node_size` bytes for this
        // key length, value length and height, aligned by the arena, and not
        // reachable by any reader until linked below.
        let node = unsafe { NodePtr::write(mem, key_parts, key_len, value, height) };

        let last = w.tail[0];
        let prev = if last != self.head && self.less(last, self.key(node)) {
            // Above every key: the new node goes last at every level.
            w.tail
        } else {
            let mut prev = [self.head; MAX_HEIGHT];
            self.find_ge(self.key(node), Some(&mut prev));
            prev
        };
        if height > self.height() {
            // Levels above the old height have the head as predecessor,
            // which `prev` already holds.
            self.max_height.store(height, Ordering::Relaxed);
        }
        for (level, p) in prev.iter().enumerate().take(height) {
            // SAFETY: `node` is `height` tall and `p` is the head or a node
            // found through a link at `level`, so both have this level; both
            // live in this list's arena.
            let (new_link, prev_link) = unsafe { (node.link(level), p.link(level)) };
            // Only the writer stores links, and it holds the lock: Relaxed
            // reads of the current successor are enough.
            new_link.store(prev_link.load(Ordering::Relaxed), Ordering::Relaxed);
            // Release: the node's bytes and its link at this level become
            // visible to any reader that loads this pointer with Acquire.
            prev_link.store(node.as_ptr(), Ordering::Release);
            if w.tail[level] == *p && self.next(node, level).is_none() {
                w.tail[level] = node;
            }
        }
        w.log.push((node, tag));
        self.used.store(w.arena.used(), Ordering::Relaxed);
        self.len.fetch_add(1, Ordering::Release);
    }

    /// The nodes inserted after the first `from` ones, in insertion order,
    /// with their tags. Every node is linked before it is logged, and the
    /// log is read under the writer lock.
    pub(super) fn inserted_since(&self, from: usize) -> Vec<(NodePtr, u64)> {
        let w = self.writer.lock();
        w.log.get(from..).map_or_else(Vec::new, <[_]>::to_vec)
    }

    /// Bytes of all arena chunks (for diagnostics and tests).
    pub(super) fn reserved(&self) -> usize {
        self.writer.lock().arena.reserved()
    }
}

/// Height 1 with probability 3/4, each further level with probability 1/4,
/// capped at [`MAX_HEIGHT`]; two random bits per level from one draw.
fn random_height(rng: &mut Rng) -> usize {
    let mut bits = rng.next_u64();
    let mut height = 1;
    while height < MAX_HEIGHT && bits & 3 == 0 {
        height += 1;
        bits >>= 2;
    }
    height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore)] // no unsafe code, and too slow under Miri
    fn heights_follow_quarter_branching() {
        let mut rng = Rng::new(5);
        let mut counts = [0usize; MAX_HEIGHT + 1];
        let n = 400_000;
        for _ in 0..n {
            counts[random_height(&mut rng)] += 1;
        }
        assert_eq!(counts[0], 0);
        // P(height ≥ h) = 4^-(h-1): check the first few levels within 5%.
        let mut at_least = n;
        for (h, &c) in counts.iter().enumerate().skip(1).take(5) {
            let expected = n as f64 / 4f64.powi(h as i32 - 1);
            assert!(
                (at_least as f64 - expected).abs() < expected * 0.05,
                "height ≥ {h}: {at_least} vs {expected}"
            );
            at_least -= c;
        }
    }
}
