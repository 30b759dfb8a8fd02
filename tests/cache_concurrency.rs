//! The cache under concurrent use: many threads inserting, looking up,
//! erasing and holding handles; values always belong to their keys, every
//! value is destroyed exactly once, and the charge settles within capacity.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use avccdb::cache::{Cache, CacheHandle, CacheKey};
use avccdb::util::random::Rng;

/// A value that knows its key and counts its destruction.
struct Block {
    key: CacheKey,
    fill: u8,
    bytes: Vec<u8>,
    drops: Arc<AtomicUsize>,
}

impl Drop for Block {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

fn check(key: &CacheKey, block: &Block) {
    assert_eq!(block.key, *key);
    assert!(block.bytes.iter().all(|&b| b == block.fill));
}

fn hammer(cache: &Cache<Block>, seed: u64, ops: usize, drops: &Arc<AtomicUsize>) -> usize {
    let mut rng = Rng::new(seed);
    let mut held: Vec<(CacheKey, CacheHandle<Block>)> = Vec::new();
    let mut inserted = 0;
    for _ in 0..ops {
        let key = CacheKey {
            id: rng.range(1, 4),
            offset: rng.below(200) * 4096,
        };
        match rng.below(10) {
            0..=2 => {
                let len = rng.range(1, 64) as usize;
                let fill = rng.next_u64() as u8;
                let h = cache.insert(
                    key,
                    Block {
                        key,
                        fill,
                        bytes: vec![fill; len],
                        drops: Arc::clone(drops),
                    },
                    len,
                );
                inserted += 1;
                check(&key, &h);
                if rng.one_in(3) {
                    held.push((key, h));
                }
            }
            3..=6 => {
                if let Some(h) = cache.lookup(&key) {
                    check(&key, &h);
                    if rng.one_in(4) {
                        held.push((key, h.clone()));
                    }
                }
            }
            7 => cache.erase(&key),
            8 if rng.one_in(50) => cache.prune(),
            _ => {
                if !held.is_empty() {
                    let (k, h) = held.swap_remove(rng.below(held.len() as u64) as usize);
                    check(&k, &h);
                }
            }
        }
        if held.len() > 16 {
            held.remove(0);
        }
    }
    for (k, h) in &held {
        check(k, h);
    }
    inserted
}

#[test]
fn concurrent_insert_lookup_erase_keeps_invariants() {
    let drops = Arc::new(AtomicUsize::new(0));
    // A multiple of the 16 shards: per-shard capacities sum to exactly this.
    let capacity = 16 * 256;
    let cache = Cache::new(capacity);
    let inserted: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|t| {
                let (cache, drops) = (&cache, &drops);
                s.spawn(move || hammer(cache, 100 + t, 20_000, drops))
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert!(cache.total_charge() <= capacity, "{cache:?}");
    assert!(cache.len() <= capacity);
    let cached = cache.len();
    assert_eq!(drops.load(Ordering::SeqCst), inserted - cached);
    cache.prune();
    assert_eq!(cache.total_charge(), 0);
    assert_eq!(drops.load(Ordering::SeqCst), inserted);
}

#[test]
fn handles_move_between_threads() {
    let drops = Arc::new(AtomicUsize::new(0));
    let cache = Arc::new(Cache::with_shards(0, 2));
    let key = CacheKey { id: 1, offset: 0 };
    let h = cache.insert(
        key,
        Block {
            key,
            fill: 7,
            bytes: vec![7; 10],
            drops: Arc::clone(&drops),
        },
        10,
    );
    std::thread::scope(|s| {
        for _ in 0..4 {
            let mine = h.clone();
            s.spawn(move || {
                for _ in 0..1000 {
                    let again = mine.clone();
                    check(&key, &again);
                }
            });
        }
    });
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    assert_eq!(cache.total_charge(), 10);
    drop(h);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(cache.total_charge(), 0);
}

#[test]
fn racing_replacements_leave_one_value_per_key() {
    let drops = Arc::new(AtomicUsize::new(0));
    let cache = Cache::with_shards(1 << 20, 1);
    std::thread::scope(|s| {
        for t in 0..4u8 {
            let (cache, drops) = (&cache, &drops);
            s.spawn(move || {
                for round in 0..2000u64 {
                    let key = CacheKey {
                        id: 9,
                        offset: round % 8,
                    };
                    let h = cache.insert(
                        key,
                        Block {
                            key,
                            fill: t,
                            bytes: vec![t; 4],
                            drops: Arc::clone(drops),
                        },
                        4,
                    );
                    check(&key, &h);
                    if let Some(seen) = cache.lookup(&key) {
                        check(&key, &seen);
                    }
                }
            });
        }
    });
    assert_eq!(cache.len(), 8);
    assert_eq!(cache.total_charge(), 32);
    assert_eq!(drops.load(Ordering::SeqCst), 4 * 2000 - 8);
}
