//! Block cache (temporary stand-in written on branch `table` so the table
//! module compiles; the real sharded LRU lives on branch `cache` and replaces
//! this file). Same public API: keys are `(id, offset)`, values are shared
//! through cloneable handles, every user of the cache takes a fresh id.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Identifies one cached item: the owner's id (from [`Cache::new_id`]) and an
/// offset inside the owner (a block's file offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub id: u64,
    pub offset: u64,
}

/// A shared reference to a cached value; keeps it alive while held.
pub struct CacheHandle<V>(Arc<V>);

impl<V> Clone for CacheHandle<V> {
    fn clone(&self) -> Self {
        CacheHandle(Arc::clone(&self.0))
    }
}

impl<V> Deref for CacheHandle<V> {
    type Target = V;
    fn deref(&self) -> &V {
        &self.0
    }
}

/// Entries with their charge, plus the total charge.
type Slots<V> = (HashMap<CacheKey, (Arc<V>, usize)>, usize);

/// Stand-in cache: an unbounded-by-count map trimmed crudely by charge.
pub struct Cache<V> {
    capacity: usize,
    map: Mutex<Slots<V>>,
    next_id: AtomicU64,
}

impl<V: Send + Sync> Cache<V> {
    /// A cache holding about `capacity` units of charge.
    pub fn new(capacity: usize) -> Self {
        Cache {
            capacity,
            map: Mutex::new((HashMap::new(), 0)),
            next_id: AtomicU64::new(1),
        }
    }

    /// Inserts (replacing any previous value of `key`) and returns a handle.
    pub fn insert(&self, key: CacheKey, value: V, charge: usize) -> CacheHandle<V> {
        let value = Arc::new(value);
        let mut guard = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let (map, usage) = &mut *guard;
        if let Some((_, old)) = map.insert(key, (Arc::clone(&value), charge)) {
            *usage -= old;
        }
        *usage += charge;
        if *usage > self.capacity {
            map.clear();
            *usage = 0;
        }
        CacheHandle(value)
    }

    /// The cached value of `key`, if present.
    pub fn lookup(&self, key: &CacheKey) -> Option<CacheHandle<V>> {
        let guard = self.map.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.get(key).map(|(v, _)| CacheHandle(Arc::clone(v)))
    }

    /// A fresh owner id.
    pub fn new_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}
