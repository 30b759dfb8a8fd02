//! Table-level unit tests: build in memory, open, read back against a model.

use std::sync::Arc;

use super::*;
use crate::cache::Cache;
use crate::iter::KvIter;
use crate::key::{make_internal_key, BytewiseComparator, Comparator, Kind};
use crate::storage::RandomRead;
use crate::util::random::Rng;

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

fn bytewise_opts(block_size: usize, interval: usize, compression: Compression) -> TableOptions {
    TableOptions {
        comparator: Arc::new(BytewiseComparator),
        block_size,
        block_restart_interval: interval,
        compression,
        filter_policy: Some(Arc::new(BloomFilterPolicy::new(10))),
        leaf_hasher: None,
    }
}

fn read_opts(w: &TableOptions, cache: Option<Arc<Cache<Block>>>) -> TableReadOptions {
    TableReadOptions {
        comparator: Arc::clone(&w.comparator),
        filter_policy: w.filter_policy.clone(),
        cache,
        verify_checksums: true,
        leaf_hasher: None,
        merkle_cache: None,
    }
}

fn build(opts: &TableOptions, entries: &Entries) -> Vec<u8> {
    let mut b = TableBuilder::new(opts.clone(), Vec::new());
    for (k, v) in entries {
        b.add(k, v).unwrap();
    }
    let (out, size) = b.finish().unwrap();
    assert_eq!(out.len() as u64, size);
    out
}

fn open(bytes: Vec<u8>, ro: TableReadOptions) -> Arc<Table> {
    let size = bytes.len() as u64;
    let file: Arc<dyn RandomRead> = Arc::new(bytes);
    Table::open(file, size, ro, "test.ldb").unwrap()
}

fn sorted_entries(rng: &mut Rng, n: usize) -> Entries {
    let mut keys: Vec<Vec<u8>> = (0..n)
        .map(|_| {
            let len = rng.range(1, 16) as usize;
            rng.bytes(len).iter().map(|b| b'a' + b % 6).collect()
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let len = rng.skewed(8) as usize;
            (k, rng.bytes(len))
        })
        .collect()
}

fn check_against_model(t: &Arc<Table>, entries: &Entries, rng: &mut Rng) {
    let mut it = t.iter(BlockReadOptions::default());
    it.seek_to_first();
    for (k, v) in entries {
        assert!(it.valid(), "missing {k:?}");
        assert_eq!((it.key(), it.value()), (&k[..], &v[..]));
        it.next();
    }
    assert!(!it.valid());
    it.seek_to_last();
    for (k, v) in entries.iter().rev() {
        assert!(it.valid());
        assert_eq!((it.key(), it.value()), (&k[..], &v[..]));
        it.prev();
    }
    assert!(!it.valid());
    for _ in 0..300 {
        let len = rng.range(0, 16) as usize;
        let target: Vec<u8> = rng.bytes(len).iter().map(|b| b'a' + b % 6).collect();
        let pos = entries.partition_point(|(k, _)| k < &target);
        it.seek(&target);
        match entries.get(pos) {
            Some((k, v)) => {
                assert_eq!((it.key(), it.value()), (&k[..], &v[..]));
                // Step both ways from a seek position.
                if rng.one_in(2) {
                    it.prev();
                    match pos.checked_sub(1) {
                        Some(p) => assert_eq!(it.key(), &entries[p].0[..]),
                        None => assert!(!it.valid()),
                    }
                } else {
                    it.next();
                    match entries.get(pos + 1) {
                        Some((k, _)) => assert_eq!(it.key(), &k[..]),
                        None => assert!(!it.valid()),
                    }
                }
            }
            None => assert!(!it.valid()),
        }
        // get: exact keys always come back; other targets answer the first
        // entry ≥ target unless the filter excluded them.
        let got = t.get(&target, &BlockReadOptions::default()).unwrap();
        match (entries.get(pos), got) {
            (Some((k, v)), Some((gk, gv))) => assert_eq!((&gk, &gv), (k, v)),
            (Some((k, _)), None) => assert_ne!(k, &target, "filter excluded a present key"),
            (None, got) => assert!(got.is_none()),
        }
    }
    for _ in 0..300 {
        let len = rng.range(0, 16) as usize;
        let target: Vec<u8> = rng.bytes(len).iter().map(|b| b'a' + b % 6).collect();
        check_probe(t, entries, &target, rng.range(1, 40) as usize);
    }
    for (k, _) in entries.iter().step_by(5) {
        check_probe(t, entries, k, 3);
    }
    for (k, v) in entries.iter().step_by(7) {
        assert!(t.key_may_match(k));
        let (gk, gv) = t.get(k, &BlockReadOptions::default()).unwrap().unwrap();
        assert_eq!((&gk, &gv), (k, v));
    }
    it.status().unwrap();
}

/// `Table::probe` visiting up to `take` entries must see exactly the
/// model's entries from the first one ≥ `target` (across block boundaries),
/// and may only report `Filtered` for a target that is not a stored key.
fn check_probe(t: &Arc<Table>, entries: &Entries, target: &[u8], take: usize) {
    let pos = entries.partition_point(|(k, _)| k.as_slice() < target);
    let want: Entries = entries.iter().skip(pos).take(take).cloned().collect();
    let mut seen: Entries = Vec::new();
    let probe = t
        .probe(target, &BlockReadOptions::default(), |k, v| {
            seen.push((k.to_vec(), v.to_vec()));
            if seen.len() == take {
                std::ops::ControlFlow::Break(seen.len())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        })
        .unwrap();
    match probe {
        Probe::Filtered => {
            assert!(seen.is_empty());
            assert!(
                entries.get(pos).is_none_or(|(k, _)| k.as_slice() != target),
                "filter excluded a present key"
            );
        }
        Probe::Missed => {
            assert!(want.len() < take, "probe ended early");
            assert_eq!(seen, want);
        }
        Probe::Hit(n) => {
            assert_eq!(n, take);
            assert_eq!(seen, want);
        }
    }
}

#[test]
fn probe_through_a_block_cache() {
    let mut rng = Rng::new(5);
    let cache = Arc::new(Cache::new(16 * 1024));
    for &(bs, ri) in &[(64, 1), (256, 4), (4096, 16)] {
        let entries = sorted_entries(&mut rng, 2000);
        let opts = bytewise_opts(bs, ri, Compression::Snappy);
        let t = open(
            build(&opts, &entries),
            read_opts(&opts, Some(cache.clone())),
        );
        // Twice: the second round finds blocks in the cache.
        for _ in 0..2 {
            check_against_model(&t, &entries, &mut rng);
        }
    }
}

#[test]
fn round_trip_across_shapes() {
    let mut rng = Rng::new(1);
    for &n in &[0usize, 1, 10, 1000] {
        for &(bs, ri) in &[(64, 1), (256, 4), (4096, 16), (1 << 20, 1000)] {
            for comp in [Compression::None, Compression::Snappy] {
                let entries = sorted_entries(&mut rng, n);
                let opts = bytewise_opts(bs, ri, comp);
                let t = open(build(&opts, &entries), read_opts(&opts, None));
                check_against_model(&t, &entries, &mut rng);
            }
        }
    }
}

#[test]
fn empty_table_is_valid() {
    let opts = bytewise_opts(4096, 16, Compression::Snappy);
    let t = open(build(&opts, &Vec::new()), read_opts(&opts, None));
    assert_eq!(t.num_data_blocks(), 0);
    let mut it = t.iter(BlockReadOptions::default());
    it.seek_to_first();
    assert!(!it.valid());
    it.seek_to_last();
    assert!(!it.valid());
    it.seek(b"x");
    assert!(!it.valid());
    it.status().unwrap();
    assert_eq!(t.get(b"x", &BlockReadOptions::default()).unwrap(), None);
}

#[test]
fn internal_keys_with_many_versions() {
    let cmp = crate::key::InternalKeyComparator::default();
    let mut entries: Entries = Vec::new();
    for u in 0..50u32 {
        let user = format!("user{u:04}");
        let versions = if u == 7 { 500 } else { 3 };
        for v in (0..versions).rev() {
            entries.push((
                make_internal_key(user.as_bytes(), v, 1000 - v, Kind::Value),
                format!("{user}@{v}").into_bytes(),
            ));
        }
    }
    entries.sort_by(|a, b| cmp.compare(&a.0, &b.0));
    let user_policy: Arc<dyn FilterPolicy> = Arc::new(BloomFilterPolicy::new(10));
    let opts = TableOptions {
        block_size: 256,
        filter_policy: Some(Arc::new(InternalFilterPolicy::new(user_policy))),
        ..TableOptions::default()
    };
    let t = open(build(&opts, &entries), read_opts(&opts, None));
    assert!(t.has_filter());
    // Every version is found by a lookup at exactly its version.
    for (k, v) in &entries {
        let (gk, gv) = t.get(k, &BlockReadOptions::default()).unwrap().unwrap();
        assert_eq!((&gk, &gv), (k, v));
    }
    // A lookup at a version between two stored ones lands on the older one.
    let target = crate::key::lookup_key(b"user0007", 250, u64::from(u32::MAX));
    let (gk, gv) = t
        .get(&target, &BlockReadOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(gv, b"user0007@250");
    assert_eq!(crate::key::extract_user_key(&gk), b"user0007");
    // Absent user keys are (almost always) filtered out.
    let absent = (0..200)
        .filter(|i| t.key_may_match(&crate::key::lookup_key(format!("nope{i}").as_bytes(), 1, 1)))
        .count();
    assert!(absent < 20, "{absent} of 200 absent keys passed the filter");
}

#[test]
fn block_cache_is_used_and_shared() {
    let mut rng = Rng::new(5);
    let entries = sorted_entries(&mut rng, 500);
    let opts = bytewise_opts(512, 16, Compression::Snappy);
    let cache = Arc::new(Cache::new(1 << 20));
    let bytes = build(&opts, &entries);
    let t1 = open(bytes.clone(), read_opts(&opts, Some(Arc::clone(&cache))));
    let t2 = open(bytes, read_opts(&opts, Some(Arc::clone(&cache))));
    check_against_model(&t1, &entries, &mut rng);
    check_against_model(&t2, &entries, &mut rng);
    // Without fill_cache the reads still succeed.
    let ro = BlockReadOptions {
        verify_checksums: true,
        fill_cache: false,
    };
    let mut it = t1.iter(ro);
    it.seek_to_first();
    let n = std::iter::from_fn(|| it.valid().then(|| it.next())).count();
    assert_eq!(n, entries.len());
}

#[test]
fn meta_blocks_round_trip() {
    let opts = bytewise_opts(128, 4, Compression::Snappy);
    let mut b = TableBuilder::new(opts.clone(), Vec::new());
    b.add(b"a", b"1").unwrap();
    b.add_meta_block("merkle.root", &[0xab; 32]).unwrap();
    b.add(b"b", b"2").unwrap();
    b.add_meta_block("big", &vec![b'z'; 10_000]).unwrap();
    b.add(b"c", b"3").unwrap();
    let (bytes, _) = b.finish().unwrap();
    let t = open(bytes, read_opts(&opts, None));
    assert_eq!(
        t.read_meta_block("merkle.root").unwrap().unwrap(),
        vec![0xab; 32]
    );
    assert_eq!(
        t.read_meta_block("big").unwrap().unwrap(),
        vec![b'z'; 10_000]
    );
    assert_eq!(t.read_meta_block("missing").unwrap(), None);
    let names: Vec<&[u8]> = t.meta_block_names().collect();
    assert_eq!(
        names,
        [&b"big"[..], b"filter.avccdb.BloomFilter", b"merkle.root"]
    );
    for k in [&b"a"[..], b"b", b"c"] {
        assert!(t.key_may_match(k), "filter offsets survive meta blocks");
        assert_eq!(
            t.get(k, &BlockReadOptions::default()).unwrap().unwrap().0,
            k
        );
    }
}

#[test]
fn approximate_offsets_are_monotone() {
    let mut rng = Rng::new(9);
    let entries: Entries = (0..2000u32)
        .map(|i| (format!("k{i:06}").into_bytes(), rng.bytes(100)))
        .collect();
    let opts = bytewise_opts(1024, 16, Compression::None);
    let bytes = build(&opts, &entries);
    let size = bytes.len() as u64;
    let t = open(bytes, read_opts(&opts, None));
    let mut last = 0;
    for (k, _) in &entries {
        let off = t.approximate_offset_of(k);
        assert!(off >= last);
        last = off;
    }
    assert_eq!(t.approximate_offset_of(b"a"), 0);
    let end = t.approximate_offset_of(b"z");
    assert!(end >= last && end < size);
    let mid = t.approximate_offset_of(b"k001000");
    assert!(mid > size / 3 && mid < size * 2 / 3, "{mid} of {size}");
}

#[test]
fn compression_rule_keeps_incompressible_blocks_raw() {
    let mut rng = Rng::new(3);
    let random: Entries = (0..200u32)
        .map(|i| (format!("k{i:05}").into_bytes(), rng.bytes(200)))
        .collect();
    let repetitive: Entries = (0..200u32)
        .map(|i| (format!("k{i:05}").into_bytes(), vec![b'x'; 200]))
        .collect();
    // The type byte of every data block, read through the index.
    let types = |entries: &Entries| -> Vec<u8> {
        let opts = bytewise_opts(4096, 16, Compression::Snappy);
        let bytes = build(&opts, entries);
        let t = open(bytes.clone(), read_opts(&opts, None));
        let mut it = BlockIter::new(&**t.index_block(), Arc::clone(&opts.comparator));
        it.seek_to_first();
        let mut out = Vec::new();
        while it.valid() {
            let h = BlockHandle::decode_exact(it.value()).unwrap();
            out.push(bytes[(h.offset + h.size) as usize]);
            it.next();
        }
        check_against_model(&t, entries, &mut Rng::new(4));
        out
    };
    let raw = types(&random);
    assert!(raw.len() > 5 && raw.iter().all(|&t| t == 0), "{raw:?}");
    let compressed = types(&repetitive);
    assert!(compressed.iter().all(|&t| t == 1), "{compressed:?}");
}

#[test]
fn cache_charges_blocks_only_when_asked_and_survives_eviction() {
    let mut rng = Rng::new(12);
    let entries = sorted_entries(&mut rng, 2000);
    let opts = bytewise_opts(256, 16, Compression::Snappy);
    let bytes = build(&opts, &entries);
    // One shard with room for a handful of blocks: scans evict while
    // handles pin.
    let cache = Arc::new(Cache::with_shards(2048, 0));
    let t = open(bytes, read_opts(&opts, Some(Arc::clone(&cache))));
    let no_fill = BlockReadOptions {
        verify_checksums: false,
        fill_cache: false,
    };
    let mut it = t.iter(no_fill);
    it.seek_to_first();
    while it.valid() {
        it.next();
    }
    assert_eq!(
        cache.total_charge(),
        0,
        "fill_cache = false must not insert"
    );
    let (k, v) = &entries[entries.len() / 2];
    assert_eq!(
        t.get(k, &BlockReadOptions::default()).unwrap(),
        Some((k.clone(), v.clone()))
    );
    assert!(cache.total_charge() > 0);
    check_against_model(&t, &entries, &mut rng);
    assert!(cache.total_charge() <= 2048, "unpinned blocks are evicted");
}
