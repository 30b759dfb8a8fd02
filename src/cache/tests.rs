//! Unit tests for the cache, with access to the shards' invariant checks.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;
use crate::util::random::Rng;

fn key(id: u64, offset: u64) -> CacheKey {
    CacheKey { id, offset }
}

fn get(cache: &Cache<u64>, id: u64, offset: u64) -> Option<u64> {
    cache.lookup(&key(id, offset)).map(|h| *h)
}

/// A value that counts its destructions.
struct Counted {
    id: u64,
    drops: Arc<AtomicUsize>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn hit_and_miss() {
    let cache = Cache::with_shards(1000, 0);
    assert_eq!(get(&cache, 1, 100), None);
    drop(cache.insert(key(1, 100), 101, 1));
    assert_eq!(get(&cache, 1, 100), Some(101));
    assert_eq!(get(&cache, 2, 100), None);
    assert_eq!(get(&cache, 1, 101), None);
    drop(cache.insert(key(2, 100), 201, 1));
    assert_eq!(get(&cache, 1, 100), Some(101));
    assert_eq!(get(&cache, 2, 100), Some(201));
    assert_eq!(cache.len(), 2);
    cache.check();
}

#[test]
fn replace_releases_old_value_once_unpinned() {
    let drops = Arc::new(AtomicUsize::new(0));
    let cache = Cache::new(1000);
    let mk = |id| Counted {
        id,
        drops: Arc::clone(&drops),
    };
    let old = cache.insert(key(1, 1), mk(1), 10);
    drop(cache.insert(key(1, 1), mk(2), 20));
    assert_eq!(cache.lookup(&key(1, 1)).map(|h| h.id), Some(2));
    // The old value is still pinned by `old`: alive and still charged.
    assert_eq!(old.id, 1);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    assert_eq!(cache.total_charge(), 30);
    assert_eq!(cache.len(), 1);
    drop(old);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(cache.total_charge(), 20);
    cache.check();
    drop(cache);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn erase_while_pinned_keeps_value() {
    let cache = Cache::new(1000);
    let h = cache.insert(key(5, 0), 55u64, 7);
    let h2 = h.clone();
    cache.erase(&key(5, 0));
    assert_eq!(get(&cache, 5, 0), None);
    assert!(cache.is_empty());
    assert_eq!(*h, 55);
    assert_eq!(cache.total_charge(), 7);
    drop(h);
    assert_eq!(*h2, 55);
    assert_eq!(cache.total_charge(), 7);
    drop(h2);
    assert_eq!(cache.total_charge(), 0);
    // Erasing a missing key is a no-op.
    cache.erase(&key(5, 0));
    cache.check();
}

#[test]
fn evicts_least_recently_used() {
    let cache = Cache::with_shards(3, 0);
    for i in 0..3 {
        drop(cache.insert(key(1, i), i, 1));
    }
    // Touch 0 so that 1 becomes the oldest.
    assert_eq!(get(&cache, 1, 0), Some(0));
    drop(cache.insert(key(1, 3), 3, 1));
    assert_eq!(get(&cache, 1, 1), None);
    assert_eq!(get(&cache, 1, 0), Some(0));
    assert_eq!(get(&cache, 1, 2), Some(2));
    assert_eq!(get(&cache, 1, 3), Some(3));
    // A heavy entry pushes out as many old ones as it must.
    drop(cache.insert(key(1, 4), 4, 2));
    assert_eq!(cache.len(), 2);
    assert_eq!(get(&cache, 1, 3), Some(3));
    assert_eq!(get(&cache, 1, 4), Some(4));
    assert_eq!(cache.total_charge(), 3);
    cache.check();
}

#[test]
fn pinned_entries_are_not_evicted() {
    let cache = Cache::with_shards(2, 0);
    let pinned = cache.insert(key(1, 0), 10u64, 1);
    for i in 1..50 {
        drop(cache.insert(key(1, i), i, 1));
        cache.check();
    }
    assert_eq!(get(&cache, 1, 0), Some(10));
    assert_eq!(*pinned, 10);
    // Over-capacity while everything is pinned; settled on release.
    let a = cache.insert(key(2, 0), 20, 2);
    let b = cache.insert(key(2, 1), 21, 2);
    assert!(cache.total_charge() >= 5);
    drop((a, b, pinned));
    assert!(cache.total_charge() <= 2, "{cache:?}");
    cache.check();
}

#[test]
fn capacity_zero_retains_nothing() {
    let cache = Cache::with_shards(0, 2);
    let h = cache.insert(key(1, 1), 11u64, 5);
    assert_eq!(*h, 11);
    assert_eq!(cache.total_charge(), 5);
    assert_eq!(get(&cache, 1, 1), None);
    let h2 = h.clone();
    drop(h);
    assert_eq!(*h2, 11);
    drop(h2);
    assert_eq!(cache.total_charge(), 0);
    assert!(cache.is_empty());
    cache.check();
}

#[test]
fn prune_drops_only_unpinned() {
    let cache = Cache::new(1 << 20);
    let pinned: Vec<_> = (0..10).map(|i| cache.insert(key(1, i), i, 3)).collect();
    for i in 10..100 {
        drop(cache.insert(key(1, i), i, 3));
    }
    cache.prune();
    assert_eq!(cache.len(), 10);
    assert_eq!(cache.total_charge(), 30);
    for i in 0..100 {
        assert_eq!(get(&cache, 1, i), (i < 10).then_some(i));
    }
    drop(pinned);
    assert_eq!(cache.len(), 10);
    cache.prune();
    assert!(cache.is_empty());
    assert_eq!(cache.total_charge(), 0);
    cache.check();
}

#[test]
fn new_id_is_unique_and_starts_at_one() {
    let cache: Cache<u64> = Cache::new(0);
    assert_eq!(cache.new_id(), 1);
    assert_eq!(cache.new_id(), 2);
    let cache = Arc::new(cache);
    let ids: Vec<Vec<u64>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| s.spawn(|| (0..1000).map(|_| cache.new_id()).collect()))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut all: Vec<u64> = ids.into_iter().flatten().collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 4000);
    assert_eq!(all[0], 3);
}

#[test]
fn values_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let cache = Cache::with_shards(10, 1);
    let mut rng = Rng::new(9);
    let mut held = Vec::new();
    let n = 2000;
    for i in 0..n {
        let k = key(rng.below(3), rng.below(40));
        let h = cache.insert(
            k,
            Counted {
                id: i,
                drops: Arc::clone(&drops),
            },
            1 + rng.below(3) as usize,
        );
        if rng.one_in(4) {
            held.push(h);
        }
        if rng.one_in(5) {
            cache.erase(&key(rng.below(3), rng.below(40)));
        }
        if rng.one_in(3) && !held.is_empty() {
            held.swap_remove(rng.below(held.len() as u64) as usize);
        }
        cache.check();
    }
    drop(held);
    drop(cache);
    assert_eq!(drops.load(Ordering::SeqCst), n as usize);
}

#[test]
fn shards_spread_sequential_keys() {
    let cache = Cache::with_shards(1 << 20, 4);
    for i in 0..1600 {
        drop(cache.insert(key(1 + i / 100, (i % 100) * 4096), i, 1));
    }
    for shard in cache.shards.iter() {
        let n = shard.state.lock().len();
        assert!((50..=150).contains(&n), "unbalanced shard: {n}");
    }
}

/// The reference: a plain LRU over a single shard, with pins. Values are
/// unique per insert, so (key, value) names one entry.
struct ModelLru {
    capacity: usize,
    /// (key, value, charge), least recently used first; pinned ones included.
    entries: VecDeque<(CacheKey, u64, usize)>,
    /// One (key, value, charge) per live handle.
    pins: Vec<(CacheKey, u64, usize)>,
}

impl ModelLru {
    fn pinned(&self, k: &CacheKey, v: u64) -> bool {
        self.pins.iter().any(|p| p.0 == *k && p.1 == v)
    }

    fn usage(&self) -> usize {
        self.entries.iter().map(|e| e.2).sum()
    }

    /// Cached charge plus the charge of pinned entries no longer cached.
    fn held(&self) -> usize {
        let mut gone: Vec<(CacheKey, u64, usize)> = Vec::new();
        for p in &self.pins {
            let cached = self.entries.iter().any(|e| e.0 == p.0 && e.1 == p.1);
            if !cached && !gone.iter().any(|g| g.0 == p.0 && g.1 == p.1) {
                gone.push(*p);
            }
        }
        self.usage() + gone.iter().map(|g| g.2).sum::<usize>()
    }

    fn evict(&mut self) {
        while self.usage() > self.capacity {
            let Some(pos) = self.entries.iter().position(|e| !self.pinned(&e.0, e.1)) else {
                break;
            };
            self.entries.remove(pos);
        }
    }

    /// Mirrors dropping a handle to value `v` (already dropped by the caller).
    fn release(&mut self, v: u64) {
        let p = self.pins.iter().position(|p| p.1 == v).unwrap();
        let (k, _, _) = self.pins.swap_remove(p);
        if !self.pinned(&k, v) {
            // Last pin gone: it becomes the most recently used.
            self.touch(&k, Some(v));
        }
        self.evict();
    }

    /// Moves an entry to the most-recently-used end.
    fn touch(&mut self, k: &CacheKey, v: Option<u64>) -> Option<(u64, usize)> {
        let pos = self
            .entries
            .iter()
            .position(|e| e.0 == *k && v.is_none_or(|v| e.1 == v))?;
        let e = self.entries.remove(pos)?;
        self.entries.push_back(e);
        Some((e.1, e.2))
    }
}

#[test]
fn matches_reference_lru() {
    for seed in 0..20 {
        let mut rng = Rng::new(seed);
        let capacity = rng.range(0, 30) as usize;
        let cache = Cache::with_shards(capacity, 0);
        let mut model = ModelLru {
            capacity,
            entries: VecDeque::new(),
            pins: Vec::new(),
        };
        let mut handles: Vec<CacheHandle<u64>> = Vec::new();
        for step in 0..3000u64 {
            let k = key(rng.below(2), rng.below(25));
            // Keep the number of live handles small so pins come and go.
            let op = if handles.len() > 40 { 9 } else { rng.below(10) };
            match op {
                0..=3 => {
                    let charge = rng.range(0, 6) as usize;
                    handles.push(cache.insert(k, step, charge));
                    model.entries.retain(|e| e.0 != k);
                    if capacity > 0 {
                        model.entries.push_back((k, step, charge));
                    }
                    model.pins.push((k, step, charge));
                    model.evict();
                }
                4..=6 => {
                    let got = cache.lookup(&k);
                    let want = model.touch(&k, None);
                    assert_eq!(
                        got.as_deref().copied(),
                        want.map(|w| w.0),
                        "seed {seed} step {step}"
                    );
                    if let (Some(h), Some((v, charge))) = (got, want) {
                        model.pins.push((k, v, charge));
                        handles.push(h);
                    }
                }
                7 => {
                    cache.erase(&k);
                    model.entries.retain(|e| e.0 != k);
                }
                8 if rng.one_in(20) => {
                    cache.prune();
                    let pins = &model.pins;
                    model
                        .entries
                        .retain(|e| pins.iter().any(|p| p.0 == e.0 && p.1 == e.1));
                }
                _ => {
                    if !handles.is_empty() {
                        let i = rng.below(handles.len() as u64) as usize;
                        model.release(*handles.swap_remove(i));
                    }
                }
            }
            assert_eq!(cache.len(), model.entries.len(), "seed {seed} step {step}");
            assert_eq!(
                cache.total_charge(),
                model.held(),
                "seed {seed} step {step}"
            );
            cache.check();
        }
        while let Some(h) = handles.pop() {
            model.release(*h);
        }
        assert_eq!(cache.total_charge(), model.usage(), "seed {seed}");
        assert!(cache.total_charge() <= capacity);
        for e in &model.entries {
            assert_eq!(get(&cache, e.0.id, e.0.offset), Some(e.1));
        }
    }
}

#[test]
fn get_refreshes_recency_without_pinning() {
    let cache = Cache::with_shards(3, 0);
    for i in 0..3 {
        drop(cache.insert(key(i, 0), i, 1));
    }
    // `get` makes 0 the most recently used: inserting 3 evicts 1 instead.
    let held = cache.get(&key(0, 0)).unwrap();
    assert_eq!(*held, 0);
    cache.check();
    drop(cache.insert(key(3, 0), 3, 1));
    assert_eq!(cache.get(&key(0, 0)).as_deref(), Some(&0));
    assert_eq!(cache.get(&key(1, 0)), None);
    assert_eq!(cache.get(&key(9, 0)), None);
    cache.check();
    // Not pinned: the entry can be evicted while its value is held, and the
    // value stays readable through the Arc.
    for i in 10..14 {
        drop(cache.insert(key(i, 0), i, 1));
    }
    assert_eq!(cache.get(&key(0, 0)), None);
    assert_eq!(*held, 0);
    assert_eq!(cache.total_charge(), 3);
    cache.check();
    // A pinned entry found by `get` stays pinned and off the LRU list.
    let pinned = cache.lookup(&key(13, 0)).unwrap();
    assert_eq!(cache.get(&key(13, 0)).as_deref(), Some(&13));
    cache.check();
    drop(pinned);
    cache.check();
}
