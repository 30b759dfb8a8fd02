//! One shard of the cache: a hash map from key to a slot in a slab, and an
//! intrusive, index-linked LRU list through the slots. All of it lives behind
//! the shard's mutex; every operation is O(1) apart from the evictions it
//! performs.
//!
//! A slot is *cached* while the map points at it and *pinned* while handles
//! reference it. Only cached, unpinned slots are on the LRU list, so eviction
//! never has to skip anything. A slot that is erased or replaced while pinned
//! leaves the map but keeps its place in the slab (and its charge) until its
//! last handle is released.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::CacheKey;

/// End of list / no slot.
const NIL: u32 = u32::MAX;

struct Slot<V> {
    key: CacheKey,
    /// `None` while the slot is on the free list.
    value: Option<Arc<V>>,
    charge: usize,
    /// Live handles on this slot.
    refs: u32,
    /// True while the map points at this slot.
    in_cache: bool,
    /// LRU links (only meaningful while on the LRU list); `next` also
    /// threads the free list.
    prev: u32,
    next: u32,
}

/// The mutable state of a shard (held under its mutex).
pub(crate) struct ShardState<V> {
    map: HashMap<CacheKey, u32, BuildHasherDefault<KeyHasher>>,
    slots: Vec<Slot<V>>,
    free: u32,
    /// Oldest unpinned cached slot (evicted first).
    lru_head: u32,
    /// Newest unpinned cached slot.
    lru_tail: u32,
    capacity: usize,
    /// Charge of cached slots: what eviction keeps at or below `capacity`.
    usage: usize,
    /// Charge of every live slot, cached or only pinned.
    held: usize,
}

impl<V> ShardState<V> {
    pub(crate) fn new(capacity: usize) -> ShardState<V> {
        ShardState {
            map: HashMap::default(),
            slots: Vec::new(),
            free: NIL,
            lru_head: NIL,
            lru_tail: NIL,
            capacity,
            usage: 0,
            held: 0,
        }
    }

    pub(crate) fn held(&self) -> usize {
        self.held
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Inserts `value` pinned once (the caller's new handle), replacing any
    /// cached entry under `key`. Values that leave the shard are pushed to
    /// `dropped` so the caller destroys them after unlocking.
    pub(crate) fn insert(
        &mut self,
        key: CacheKey,
        value: Arc<V>,
        charge: usize,
        dropped: &mut Dropped<V>,
    ) -> u32 {
        let idx = self.alloc(key, value, charge);
        self.held += charge;
        if self.capacity > 0 {
            self.slots[idx as usize].in_cache = true;
            self.usage += charge;
            if let Some(old) = self.map.insert(key, idx) {
                self.uncache(old, dropped);
            }
        }
        // At capacity 0 nothing is cached: the slot lives only while pinned.
        self.evict(dropped);
        idx
    }

    /// Finds `key` and pins it once.
    pub(crate) fn lookup(&mut self, key: &CacheKey) -> Option<(u32, Arc<V>)> {
        let idx = *self.map.get(key)?;
        let slot = &mut self.slots[idx as usize];
        let value = slot.value.clone()?;
        slot.refs += 1;
        if slot.refs == 1 {
            self.lru_unlink(idx);
        }
        Some((idx, value))
    }

    /// Finds `key` and makes it most recently used, without pinning it.
    pub(crate) fn touch(&mut self, key: &CacheKey) -> Option<Arc<V>> {
        let idx = *self.map.get(key)?;
        let slot = &self.slots[idx as usize];
        let value = slot.value.clone()?;
        if slot.refs == 0 {
            self.lru_unlink(idx);
            self.lru_push(idx);
        }
        Some(value)
    }

    /// Adds a pin to a slot the caller already pins.
    pub(crate) fn add_ref(&mut self, idx: u32) {
        self.slots[idx as usize].refs += 1;
    }

    /// Drops one pin; a slot that dies with it hands its value to `dropped`.
    pub(crate) fn release(&mut self, idx: u32, dropped: &mut Dropped<V>) {
        let slot = &mut self.slots[idx as usize];
        debug_assert!(slot.refs > 0);
        slot.refs -= 1;
        if slot.refs > 0 {
            return;
        }
        if slot.in_cache {
            self.lru_push(idx);
            // An insert may have overshot the capacity while everything was
            // pinned; settle it as soon as something becomes evictable.
            self.evict(dropped);
        } else {
            self.free_slot(idx, dropped);
        }
    }

    /// Removes `key` from the cache; a pinned entry lives on until released.
    pub(crate) fn erase(&mut self, key: &CacheKey, dropped: &mut Dropped<V>) {
        if let Some(idx) = self.map.remove(key) {
            self.uncache(idx, dropped);
        }
    }

    /// Drops every cached, unpinned entry.
    pub(crate) fn prune(&mut self, dropped: &mut Dropped<V>) {
        while self.lru_head != NIL {
            let idx = self.lru_head;
            let key = self.slots[idx as usize].key;
            self.map.remove(&key);
            self.uncache(idx, dropped);
        }
    }

    /// Evicts least-recently-used unpinned entries while over capacity.
    fn evict(&mut self, dropped: &mut Dropped<V>) {
        while self.usage > self.capacity && self.lru_head != NIL {
            let idx = self.lru_head;
            let key = self.slots[idx as usize].key;
            self.map.remove(&key);
            self.uncache(idx, dropped);
        }
    }

    /// Takes a slot that was just removed from the map out of the cache.
    fn uncache(&mut self, idx: u32, dropped: &mut Dropped<V>) {
        let slot = &mut self.slots[idx as usize];
        debug_assert!(slot.in_cache);
        slot.in_cache = false;
        self.usage -= slot.charge;
        if slot.refs == 0 {
            self.lru_unlink(idx);
            self.free_slot(idx, dropped);
        }
    }

    fn alloc(&mut self, key: CacheKey, value: Arc<V>, charge: usize) -> u32 {
        let slot = Slot {
            key,
            value: Some(value),
            charge,
            refs: 1,
            in_cache: false,
            prev: NIL,
            next: NIL,
        };
        if self.free != NIL {
            let idx = self.free;
            self.free = self.slots[idx as usize].next;
            self.slots[idx as usize] = slot;
            idx
        } else {
            let idx = u32::try_from(self.slots.len())
                .ok()
                .filter(|&i| i != NIL)
                .expect("cache shard exceeds u32::MAX - 1 live entries");
            self.slots.push(slot);
            idx
        }
    }

    fn free_slot(&mut self, idx: u32, dropped: &mut Dropped<V>) {
        let slot = &mut self.slots[idx as usize];
        self.held -= slot.charge;
        slot.charge = 0;
        if let Some(v) = slot.value.take() {
            dropped.push(v);
        }
        slot.prev = NIL;
        slot.next = self.free;
        self.free = idx;
    }

    fn lru_push(&mut self, idx: u32) {
        let tail = self.lru_tail;
        {
            let slot = &mut self.slots[idx as usize];
            slot.prev = tail;
            slot.next = NIL;
        }
        if tail == NIL {
            self.lru_head = idx;
        } else {
            self.slots[tail as usize].next = idx;
        }
        self.lru_tail = idx;
    }

    fn lru_unlink(&mut self, idx: u32) {
        let (prev, next) = {
            let slot = &mut self.slots[idx as usize];
            let links = (slot.prev, slot.next);
            slot.prev = NIL;
            slot.next = NIL;
            links
        };
        if prev == NIL {
            self.lru_head = next;
        } else {
            self.slots[prev as usize].next = next;
        }
        if next == NIL {
            self.lru_tail = prev;
        } else {
            self.slots[next as usize].prev = prev;
        }
    }

    /// Checks every structural invariant (tests only).
    #[cfg(test)]
    pub(crate) fn check(&self) {
        let mut usage = 0;
        let mut held = 0;
        let mut live = 0;
        for slot in &self.slots {
            if slot.value.is_some() {
                live += 1;
                held += slot.charge;
                assert!(slot.refs > 0 || slot.in_cache, "dead slot not freed");
                if slot.in_cache {
                    usage += slot.charge;
                    assert_eq!(
                        self.map
                            .get(&slot.key)
                            .map(|&i| &self.slots[i as usize].key),
                        Some(&slot.key)
                    );
                }
            }
        }
        assert_eq!(usage, self.usage);
        assert_eq!(held, self.held);
        assert_eq!(
            self.map.len(),
            self.slots.iter().filter(|s| s.in_cache).count()
        );
        let mut on_lru = 0;
        let mut prev = NIL;
        let mut idx = self.lru_head;
        while idx != NIL {
            let slot = &self.slots[idx as usize];
            assert!(slot.in_cache && slot.refs == 0 && slot.value.is_some());
            assert_eq!(slot.prev, prev);
            on_lru += 1;
            prev = idx;
            idx = slot.next;
        }
        assert_eq!(prev, self.lru_tail);
        let unpinned = self
            .slots
            .iter()
            .filter(|s| s.in_cache && s.refs == 0)
            .count();
        assert_eq!(on_lru, unpinned);
        let mut free = 0;
        let mut idx = self.free;
        while idx != NIL {
            free += 1;
            idx = self.slots[idx as usize].next;
        }
        assert_eq!(free + live, self.slots.len());
    }
}

/// Values that left the shard during one operation, destroyed by the caller
/// after the shard's lock is released (a value's destructor may close a file).
/// The common case, at most one, needs no allocation.
pub(crate) struct Dropped<V> {
    first: Option<Arc<V>>,
    rest: Vec<Arc<V>>,
}

impl<V> Dropped<V> {
    pub(crate) fn new() -> Dropped<V> {
        Dropped {
            first: None,
            rest: Vec::new(),
        }
    }

    fn push(&mut self, value: Arc<V>) {
        if self.first.is_none() {
            self.first = Some(value);
        } else {
            self.rest.push(value);
        }
    }
}

/// Hasher for keys: two `write_u64`s folded with multiply-xor, finished with
/// a full avalanche so SwissTable's high and low bits are both good. Much
/// cheaper than SipHash and keys are not attacker-chosen.
#[derive(Default)]
pub(crate) struct KeyHasher {
    state: u64,
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.state = (self.state.rotate_left(23) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        super::mix64(self.state)
    }
}
