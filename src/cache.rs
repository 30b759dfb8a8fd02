//! The block cache and table cache: a sharded LRU map from
//! [`CacheKey`] (cache id, offset) to shared values with a capacity in
//! charge units (bytes for blocks, 1 per open table). Entries are pinned
//! while a [`CacheHandle`] to them lives: a pinned entry is never evicted and
//! its value stays valid even after it is erased or replaced.
//!
//! Behaviour follows LevelDB's `ShardedLRUCache`; `docs/CACHE.md` describes
//! it in full.

mod shard;

use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use shard::{Dropped, KeyHasher, ShardState};

/// Shard bits used by [`Cache::new`] (16 shards).
pub const DEFAULT_SHARD_BITS: u32 = 4;

/// Largest accepted `shard_bits` (larger values are clamped).
const MAX_SHARD_BITS: u32 = 16;

/// What a cached value is stored under: the id of its owner (a table's
/// cache id from [`Cache::new_id`], or a file number for the table cache)
/// and an offset within it (a block's offset; 0 for the table cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// Owner id: unique per table sharing the cache, or a file number.
    pub id: u64,
    /// Position within the owner, e.g. a block's file offset.
    pub offset: u64,
}

impl CacheKey {
    /// A key from its parts.
    pub fn new(id: u64, offset: u64) -> CacheKey {
        CacheKey { id, offset }
    }
}

/// 64-bit finaliser (MurmurHash3's fmix64): every input bit affects every
/// output bit, so both the shard choice (top bits) and the map's buckets
/// are well spread even for sequential ids and aligned offsets.
fn mix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

struct Shard<V> {
    state: Mutex<ShardState<V>>,
}

/// A sharded LRU cache of shared values; see the module docs.
///
/// `Send + Sync` when `V` is. Cloning is not offered: share it in an `Arc`.
pub struct Cache<V> {
    shards: Box<[Arc<Shard<V>>]>,
    /// `64 - shard_bits`: the shard is the hash's top bits (0 for one shard).
    shard_shift: u32,
    capacity: usize,
    next_id: AtomicU64,
}

impl<V: Send + Sync + 'static> Cache<V> {
    /// A cache holding up to `capacity` charge over 16 shards.
    pub fn new(capacity: usize) -> Cache<V> {
        Cache::with_shards(capacity, DEFAULT_SHARD_BITS)
    }

    /// A cache over `2^shard_bits` shards (0 → one shard; clamped to 16),
    /// each holding `ceil(capacity / shards)` charge.
    pub fn with_shards(capacity: usize, shard_bits: u32) -> Cache<V> {
        let bits = shard_bits.min(MAX_SHARD_BITS);
        let count = 1usize << bits;
        let per_shard = capacity.div_ceil(count);
        let shards = (0..count)
            .map(|_| {
                Arc::new(Shard {
                    state: Mutex::new(ShardState::new(per_shard)),
                })
            })
            .collect();
        Cache {
            shards,
            shard_shift: 64 - bits,
            capacity,
            next_id: AtomicU64::new(1),
        }
    }

    fn shard(&self, key: &CacheKey) -> &Arc<Shard<V>> {
        let hash = BuildHasherDefault::<KeyHasher>::default().hash_one(key);
        // `checked_shr` turns the one-shard shift of 64 into index 0.
        let idx = hash.checked_shr(self.shard_shift).unwrap_or(0) as usize;
        &self.shards[idx]
    }

    /// Stores `value` under `key` with `charge`, replacing (erasing) any
    /// entry already there, and returns a handle pinning the new entry.
    /// Least-recently-used unpinned entries are evicted while the shard's
    /// charge exceeds its capacity; at capacity 0 nothing is retained once
    /// the handle drops.
    pub fn insert(&self, key: CacheKey, value: V, charge: usize) -> CacheHandle<V> {
        let shard = self.shard(&key);
        let value = Arc::new(value);
        let mut dropped = Dropped::new();
        let slot = shard
            .state
            .lock()
            .insert(key, Arc::clone(&value), charge, &mut dropped);
        drop(dropped);
        CacheHandle {
            shard: Arc::clone(shard),
            slot,
            value,
        }
    }

    /// The entry under `key`, pinned (and made most recently used), if cached.
    pub fn lookup(&self, key: &CacheKey) -> Option<CacheHandle<V>> {
        let shard = self.shard(key);
        let (slot, value) = shard.state.lock().lookup(key)?;
        Some(CacheHandle {
            shard: Arc::clone(shard),
            slot,
            value,
        })
    }

    /// The value under `key`, made most recently used, without pinning the
    /// entry: one lock instead of a handle's two (lookup and release). The
    /// `Arc` keeps the value alive, but the entry may be evicted meanwhile
    /// (its charge then no longer counts), so this suits short uses such as
    /// one point lookup; long-lived readers should hold a [`CacheHandle`].
    pub fn get(&self, key: &CacheKey) -> Option<Arc<V>> {
        self.shard(key).state.lock().touch(key)
    }

    /// Removes the entry under `key` (if any). Handles to it stay valid; its
    /// charge is released when the last of them drops.
    pub fn erase(&self, key: &CacheKey) {
        let mut dropped = Dropped::new();
        self.shard(key).state.lock().erase(key, &mut dropped);
    }

    /// A fresh id (1, 2, …) for an owner sharing this cache, so that several
    /// tables can key their blocks by offset without colliding.
    pub fn new_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The capacity given at construction.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Charge of every entry still held: cached, or erased/replaced but
    /// still pinned by a handle.
    pub fn total_charge(&self) -> usize {
        self.shards.iter().map(|s| s.state.lock().held()).sum()
    }

    /// Number of cached entries (erased-but-pinned ones are not counted).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.state.lock().len()).sum()
    }

    /// True when no entry is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every unpinned entry.
    pub fn prune(&self) {
        for shard in self.shards.iter() {
            let mut dropped = Dropped::new();
            shard.state.lock().prune(&mut dropped);
        }
    }

    /// Checks every shard's internal invariants (tests only).
    #[cfg(test)]
    fn check(&self) {
        for shard in self.shards.iter() {
            shard.state.lock().check();
        }
    }
}

impl<V> fmt::Debug for Cache<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mut len, mut charge) = (0, 0);
        for shard in self.shards.iter() {
            let state = shard.state.lock();
            len += state.len();
            charge += state.held();
        }
        f.debug_struct("Cache")
            .field("capacity", &self.capacity)
            .field("shards", &self.shards.len())
            .field("len", &len)
            .field("total_charge", &charge)
            .finish()
    }
}

/// A pinned reference to a cache entry's value. While any handle to an
/// entry lives, the entry is never evicted, and the value stays valid even
/// after the entry is erased or replaced. Cloning adds a pin.
pub struct CacheHandle<V> {
    shard: Arc<Shard<V>>,
    slot: u32,
    value: Arc<V>,
}

impl<V> Deref for CacheHandle<V> {
    type Target = V;

    fn deref(&self) -> &V {
        &self.value
    }
}

impl<V> CacheHandle<V> {
    /// The value itself, kept alive by the `Arc` after the handle (and its
    /// pin) is dropped.
    pub fn value_arc(&self) -> Arc<V> {
        Arc::clone(&self.value)
    }
}

impl<V> Clone for CacheHandle<V> {
    fn clone(&self) -> CacheHandle<V> {
        self.shard.state.lock().add_ref(self.slot);
        CacheHandle {
            shard: Arc::clone(&self.shard),
            slot: self.slot,
            value: Arc::clone(&self.value),
        }
    }
}

impl<V> Drop for CacheHandle<V> {
    fn drop(&mut self) {
        let mut dropped = Dropped::new();
        self.shard.state.lock().release(self.slot, &mut dropped);
    }
}

impl<V: fmt::Debug> fmt::Debug for CacheHandle<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CacheHandle").field(&*self.value).finish()
    }
}

#[cfg(test)]
mod tests;
