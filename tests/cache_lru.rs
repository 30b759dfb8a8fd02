//! Block/table cache behaviour through the public API: hits, replacement,
//! LRU eviction, pinning, charge accounting, capacity 0, pruning.

use avccdb::cache::{Cache, CacheHandle, CacheKey};

fn key(id: u64, offset: u64) -> CacheKey {
    CacheKey { id, offset }
}

fn get(cache: &Cache<Vec<u8>>, id: u64, offset: u64) -> Option<Vec<u8>> {
    cache.lookup(&key(id, offset)).map(|h| h.to_vec())
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn cache_and_handle_are_send_sync() {
    assert_send_sync::<Cache<Vec<u8>>>();
    assert_send_sync::<CacheHandle<Vec<u8>>>();
    assert_send_sync::<CacheKey>();
}

#[test]
fn blocks_of_different_tables_do_not_collide() {
    let cache = Cache::new(1 << 20);
    let (a, b) = (cache.new_id(), cache.new_id());
    assert_ne!(a, b);
    drop(cache.insert(key(a, 0), b"block a0".to_vec(), 8));
    drop(cache.insert(key(b, 0), b"block b0".to_vec(), 8));
    assert_eq!(get(&cache, a, 0).as_deref(), Some(&b"block a0"[..]));
    assert_eq!(get(&cache, b, 0).as_deref(), Some(&b"block b0"[..]));
    assert_eq!(cache.total_charge(), 16);
    assert_eq!(cache.len(), 2);
    assert_eq!(cache.capacity(), 1 << 20);
}

#[test]
fn byte_capacity_evicts_oldest_blocks_first() {
    // One shard so that the order is global.
    let cache = Cache::with_shards(4096, 0);
    for i in 0..4u64 {
        drop(cache.insert(key(1, i * 1024), vec![i as u8; 1024], 1024));
    }
    assert_eq!(cache.total_charge(), 4096);
    // Use blocks 0 and 2; 1 and then 3 are the least recently used.
    assert!(get(&cache, 1, 0).is_some());
    assert!(get(&cache, 1, 2048).is_some());
    drop(cache.insert(key(1, 4096), vec![4; 1500], 1500));
    assert_eq!(get(&cache, 1, 1024), None);
    assert_eq!(get(&cache, 1, 3072), None);
    assert_eq!(get(&cache, 1, 0), Some(vec![0; 1024]));
    assert_eq!(get(&cache, 1, 2048), Some(vec![2; 1024]));
    assert_eq!(cache.total_charge(), 1024 + 1024 + 1500);
}

#[test]
fn replaced_value_survives_through_its_handle() {
    let cache = Cache::new(1 << 10);
    let old = cache.insert(key(3, 7), b"old".to_vec(), 3);
    let new = cache.insert(key(3, 7), b"newer".to_vec(), 5);
    assert_eq!(&old[..], b"old");
    assert_eq!(&new[..], b"newer");
    assert_eq!(get(&cache, 3, 7), Some(b"newer".to_vec()));
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.total_charge(), 8);
    drop(old);
    assert_eq!(cache.total_charge(), 5);
    drop(new);
    assert_eq!(cache.total_charge(), 5);
}

#[test]
fn erased_entry_lives_until_last_handle_drops() {
    let cache = Cache::new(1 << 10);
    let h = cache.insert(key(1, 1), b"pinned".to_vec(), 6);
    let clone = h.clone();
    cache.erase(&key(1, 1));
    assert!(cache.lookup(&key(1, 1)).is_none());
    assert!(cache.is_empty());
    assert_eq!(cache.total_charge(), 6);
    drop(h);
    assert_eq!(&clone[..], b"pinned");
    assert_eq!(cache.total_charge(), 6);
    drop(clone);
    assert_eq!(cache.total_charge(), 0);
}

#[test]
fn pinned_blocks_outlive_pressure_then_give_way() {
    let cache = Cache::with_shards(100, 0);
    let pins: Vec<_> = (0..5)
        .map(|i| cache.insert(key(1, i), vec![i as u8; 30], 30))
        .collect();
    // 150 charged against 100: nothing evictable, everything kept.
    assert_eq!(cache.total_charge(), 150);
    for i in 0..5 {
        assert_eq!(get(&cache, 1, i), Some(vec![i as u8; 30]));
    }
    drop(cache.insert(key(2, 0), vec![9; 10], 10));
    // The unpinned newcomer was the only candidate.
    assert_eq!(get(&cache, 2, 0), None);
    drop(pins);
    assert!(cache.total_charge() <= 100);
    // Released in order 0..5, so the survivors are the last released.
    assert_eq!(get(&cache, 1, 4), Some(vec![4; 30]));
    assert_eq!(get(&cache, 1, 0), None);
}

#[test]
fn capacity_zero_still_hands_out_values() {
    let cache = Cache::new(0);
    let h = cache.insert(key(1, 0), b"x".to_vec(), 1);
    assert_eq!(&h[..], b"x");
    assert_eq!(get(&cache, 1, 0), None);
    assert_eq!(cache.total_charge(), 1);
    drop(h);
    assert_eq!(cache.total_charge(), 0);
    assert!(cache.is_empty());
}

#[test]
fn prune_keeps_pinned_and_drops_the_rest() {
    let cache = Cache::new(1 << 20);
    let keep = cache.insert(key(1, 0), b"keep".to_vec(), 4);
    for i in 1..64 {
        drop(cache.insert(key(1, i), b"drop".to_vec(), 4));
    }
    cache.prune();
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.total_charge(), 4);
    assert_eq!(get(&cache, 1, 0), Some(b"keep".to_vec()));
    drop(keep);
    cache.prune();
    assert!(cache.is_empty());
    assert_eq!(cache.total_charge(), 0);
}

#[test]
fn table_cache_usage_charges_one_per_open_file() {
    struct OpenTable {
        number: u64,
    }
    let cache: Cache<OpenTable> = Cache::new(32);
    for number in 0..1000u64 {
        let h = cache
            .lookup(&key(number, 0))
            .unwrap_or_else(|| cache.insert(key(number, 0), OpenTable { number }, 1));
        assert_eq!(h.number, number);
    }
    assert!(cache.len() <= 32);
    assert!(cache.total_charge() <= 32);
    // The most recent files are still open.
    assert_eq!(cache.lookup(&key(999, 0)).map(|h| h.number), Some(999));
}

#[test]
fn debug_output_names_the_totals() {
    let cache = Cache::new(64);
    drop(cache.insert(key(1, 1), b"v".to_vec(), 3));
    let text = format!("{cache:?}");
    assert!(text.contains("capacity: 64"), "{text}");
    assert!(text.contains("total_charge: 3"), "{text}");
}
