//! Tables written and read back through the public API: internal keys with
//! many versions, every shape option, iteration both ways, seeks, gets,
//! meta blocks, the block cache, real files and concurrent readers.

use std::cmp::Ordering;
use std::sync::Arc;

use avccdb::cache::Cache;
use avccdb::iter::KvIter;
use avccdb::key::{lookup_key, make_internal_key, Comparator, InternalKeyComparator, Kind};
use avccdb::storage::RandomRead;
use avccdb::table::{
    Block, BlockReadOptions, BloomFilterPolicy, Compression, FilterPolicy, InternalFilterPolicy,
    Table, TableBuilder, TableIter, TableOptions, TableReadOptions,
};
use avccdb::util::random::Rng;
use avccdb::Error;

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

fn internal_filter(bits: usize) -> Arc<dyn FilterPolicy> {
    Arc::new(InternalFilterPolicy::new(Arc::new(BloomFilterPolicy::new(
        bits,
    ))))
}

/// `n` internal-key entries over a small user-key space, so many user keys
/// have several versions; sorted by the internal key order.
fn internal_entries(rng: &mut Rng, n: usize) -> Entries {
    let cmp = InternalKeyComparator::default();
    let users = (n / 4).max(1) as u64;
    let mut entries: Entries = (0..n as u64)
        .map(|seq| {
            let user = format!("user{:08}", rng.below(users));
            let version = rng.below(20);
            let kind = if rng.one_in(5) {
                Kind::Deletion
            } else {
                Kind::Value
            };
            let key = make_internal_key(user.as_bytes(), version, seq, kind);
            let len = rng.range(0, 12) as usize;
            (key, rng.bytes(len))
        })
        .collect();
    entries.sort_by(|a, b| cmp.compare(&a.0, &b.0));
    entries
}

fn build(opts: &TableOptions, entries: &Entries) -> Vec<u8> {
    let mut b = TableBuilder::new(opts.clone(), Vec::new());
    for (k, v) in entries {
        b.add(k, v).unwrap();
    }
    assert_eq!(b.num_entries(), entries.len() as u64);
    let (out, size) = b.finish().unwrap();
    assert_eq!(out.len() as u64, size);
    out
}

fn read_opts(w: &TableOptions, cache: Option<Arc<Cache<Block>>>) -> TableReadOptions {
    TableReadOptions {
        comparator: Arc::clone(&w.comparator),
        filter_policy: w.filter_policy.clone(),
        cache,
        verify_checksums: true,
        ..TableReadOptions::default()
    }
}

fn open(bytes: Vec<u8>, ro: TableReadOptions) -> Arc<Table> {
    let size = bytes.len() as u64;
    Table::open(Arc::new(bytes), size, ro, "000042.ldb").unwrap()
}

/// Full scans both ways, random seeks with a step either way, and gets.
fn check(t: &Arc<Table>, entries: &Entries, rng: &mut Rng, seeks: usize) {
    let cmp = InternalKeyComparator::default();
    let ro = BlockReadOptions::default();
    let mut it = t.iter(ro);
    it.seek_to_first();
    for (k, v) in entries {
        assert!(it.valid());
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
    it.status().unwrap();
    let users = (entries.len() / 4).max(1) as u64 + 2;
    for _ in 0..seeks {
        let user = format!("user{:08}", rng.below(users));
        let target = lookup_key(
            user.as_bytes(),
            rng.below(22),
            rng.below(entries.len() as u64 + 1),
        );
        let pos = entries.partition_point(|(k, _)| cmp.compare(k, &target) == Ordering::Less);
        it.seek(&target);
        match entries.get(pos) {
            Some((k, v)) => {
                assert_eq!((it.key(), it.value()), (&k[..], &v[..]));
                it.prev();
                match pos.checked_sub(1) {
                    Some(p) => assert_eq!(it.key(), &entries[p].0[..]),
                    None => assert!(!it.valid()),
                }
            }
            None => assert!(!it.valid()),
        }
        let got = t.get(&target, &ro).unwrap();
        match (entries.get(pos), got) {
            (Some((k, v)), Some((gk, gv))) => assert_eq!((&gk, &gv), (k, v)),
            (Some((k, _)), None) => assert_ne!(
                avccdb::key::extract_user_key(k),
                user.as_bytes(),
                "the filter excluded a user key the table holds"
            ),
            (None, got) => assert!(got.is_none()),
        }
    }
    it.status().unwrap();
}

#[test]
fn hundred_thousand_entries_with_filter_and_compression() {
    let mut rng = Rng::new(100_000);
    let entries = internal_entries(&mut rng, 100_000);
    let opts = TableOptions {
        filter_policy: Some(internal_filter(10)),
        ..TableOptions::default()
    };
    let t = open(build(&opts, &entries), read_opts(&opts, None));
    assert!(t.num_data_blocks() > 100);
    check(&t, &entries, &mut rng, 2000);
    for (k, v) in entries.iter().step_by(97) {
        assert!(t.key_may_match(k));
        assert_eq!(
            t.get(k, &BlockReadOptions::default()).unwrap(),
            Some((k.clone(), v.clone()))
        );
    }
}

#[test]
fn every_shape_and_size() {
    let mut rng = Rng::new(2);
    for &n in &[1usize, 10, 1000] {
        for &(block_size, interval) in
            &[(1, 1), (100, 2), (1024, 16), (4096, 64), (1 << 16, 1 << 10)]
        {
            for compression in [Compression::None, Compression::Snappy] {
                for filter in [None, Some(internal_filter(10))] {
                    let entries = internal_entries(&mut rng, n);
                    let opts = TableOptions {
                        block_size,
                        block_restart_interval: interval,
                        compression,
                        filter_policy: filter,
                        ..TableOptions::default()
                    };
                    let t = open(build(&opts, &entries), read_opts(&opts, None));
                    check(&t, &entries, &mut rng, 50);
                }
            }
        }
    }
}

#[test]
fn one_user_key_with_thousands_of_versions() {
    let entries: Entries = (0..5000u64)
        .rev()
        .map(|v| {
            (
                make_internal_key(b"hot", v, v + 1, Kind::Value),
                v.to_le_bytes().to_vec(),
            )
        })
        .collect();
    let opts = TableOptions {
        block_size: 512,
        filter_policy: Some(internal_filter(10)),
        ..TableOptions::default()
    };
    let t = open(build(&opts, &entries), read_opts(&opts, None));
    let ro = BlockReadOptions::default();
    for v in (0..5000u64).step_by(37) {
        let (k, val) = t
            .get(&lookup_key(b"hot", v, u64::MAX >> 8), &ro)
            .unwrap()
            .unwrap();
        assert_eq!(val, v.to_le_bytes());
        assert_eq!(avccdb::key::parse_internal_key(&k).unwrap().version, v);
    }
    assert_eq!(t.get(&lookup_key(b"hou", 1, 1), &ro).unwrap(), None);
    check(&t, &entries, &mut Rng::new(1), 0);
}

#[test]
fn keys_out_of_order_are_rejected() {
    let mut b = TableBuilder::new(TableOptions::default(), Vec::new());
    b.add(&make_internal_key(b"k", 5, 10, Kind::Value), b"new")
        .unwrap();
    // Higher version of the same user key sorts first: out of order.
    let err = b
        .add(&make_internal_key(b"k", 6, 1, Kind::Value), b"x")
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    let dup = b
        .add(&make_internal_key(b"k", 5, 10, Kind::Value), b"x")
        .unwrap_err();
    assert!(matches!(dup, Error::InvalidArgument(_)));
    b.add(&make_internal_key(b"k", 5, 9, Kind::Value), b"older")
        .unwrap();
    b.add(&make_internal_key(b"a", 0, 0, Kind::Value), b"x")
        .unwrap_err();
    assert_eq!(b.num_entries(), 2);
    let (bytes, _) = b.finish().unwrap();
    let t = open(bytes, TableReadOptions::default());
    let mut it = t.iter(BlockReadOptions::default());
    it.seek_to_first();
    assert_eq!(it.value(), b"new");
    it.next();
    assert_eq!(it.value(), b"older");
}

#[test]
fn meta_blocks_and_offsets() {
    let mut rng = Rng::new(8);
    let entries = internal_entries(&mut rng, 3000);
    let opts = TableOptions {
        block_size: 1024,
        filter_policy: Some(internal_filter(10)),
        ..TableOptions::default()
    };
    let mut b = TableBuilder::new(opts.clone(), Vec::new());
    for (i, (k, v)) in entries.iter().enumerate() {
        b.add(k, v).unwrap();
        if i == 1500 {
            b.add_meta_block("mid", b"written between data blocks")
                .unwrap();
        }
    }
    let merkle = rng.bytes(4000);
    b.add_meta_block("merkle", &merkle).unwrap();
    let (bytes, size) = b.finish().unwrap();
    let t = open(bytes, read_opts(&opts, None));
    assert_eq!(t.size(), size);
    assert_eq!(t.name(), "000042.ldb");
    assert_eq!(t.read_meta_block("merkle").unwrap(), Some(merkle));
    assert_eq!(
        t.read_meta_block("mid").unwrap().unwrap(),
        b"written between data blocks"
    );
    assert_eq!(t.read_meta_block("nope").unwrap(), None);
    check(&t, &entries, &mut rng, 300);
    let mut last = 0;
    for (k, _) in &entries {
        let off = t.approximate_offset_of(k);
        assert!(off >= last && off < size);
        last = off;
    }
    assert!(last > size / 2);
}

#[test]
fn block_cache_shared_by_tables_and_threads() {
    let mut rng = Rng::new(21);
    let entries = Arc::new(internal_entries(&mut rng, 5000));
    let opts = TableOptions {
        block_size: 512,
        ..TableOptions::default()
    };
    let bytes = build(&opts, &entries);
    let cache = Arc::new(Cache::new(64 << 10));
    let tables: Vec<Arc<Table>> = (0..2)
        .map(|_| open(bytes.clone(), read_opts(&opts, Some(Arc::clone(&cache)))))
        .collect();
    std::thread::scope(|s| {
        for (i, t) in tables.iter().enumerate() {
            for seed in 0..2u64 {
                let entries = Arc::clone(&entries);
                s.spawn(move || check(t, &entries, &mut Rng::new(seed * 10 + i as u64), 300));
            }
        }
    });
}

#[test]
fn iterator_outlives_its_table_handle_and_is_send() {
    fn assert_send_static<T: Send + 'static>(_: &T) {}
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<Table>();
    let mut rng = Rng::new(4);
    let entries = internal_entries(&mut rng, 500);
    let opts = TableOptions::default();
    let t = open(build(&opts, &entries), read_opts(&opts, None));
    let mut it: TableIter = t.iter(BlockReadOptions::default());
    assert_send_static(&it);
    drop(t);
    let handle = std::thread::spawn(move || {
        it.seek_to_first();
        let mut n = 0;
        while it.valid() {
            n += 1;
            it.next();
        }
        n
    });
    assert_eq!(handle.join().unwrap(), entries.len());
}

#[test]
fn real_file_round_trip() {
    let path = std::env::temp_dir().join(format!("avccdb-table-rt-{}.ldb", std::process::id()));
    let mut rng = Rng::new(6);
    let entries = internal_entries(&mut rng, 2000);
    let opts = TableOptions {
        filter_policy: Some(internal_filter(10)),
        ..TableOptions::default()
    };
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut b = TableBuilder::new(opts.clone(), file);
    for (k, v) in &entries {
        b.add(k, v).unwrap();
    }
    let (w, size) = b.finish().unwrap();
    w.into_inner().unwrap().sync_all().unwrap();
    let f = std::fs::File::open(&path).unwrap();
    assert_eq!(RandomRead::size(&f).unwrap(), size);
    let t = Table::open(Arc::new(f), size, read_opts(&opts, None), "rt.ldb").unwrap();
    check(&t, &entries, &mut rng, 200);
    std::fs::remove_file(&path).unwrap();
}
