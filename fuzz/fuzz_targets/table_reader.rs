//! A table file's bytes opened through the in-memory `RandomRead`
//! (`Arc<[u8]>`), with options picked by the first byte (comparator,
//! filter policy, block cache, checksum verification), then used every way
//! the engine uses a table: a forward and a backward scan, point lookups
//! and seeks, meta blocks, the Merkle meta block (`merkle`,
//! `block_merkle`, `locate`, `verify_merkle`) and `approximate_offset_of`.
//! Nothing may panic, hang or allocate from an unchecked length; every
//! error is corruption.
#![no_main]

use std::sync::Arc;

use avccdb::cache::Cache;
use avccdb::iter::KvIter;
use avccdb::key::{BytewiseComparator, InternalKeyComparator};
use avccdb::storage::RandomRead;
use avccdb::table::{
    BlockReadOptions, BloomFilterPolicy, InternalFilterPolicy, Table, TableReadOptions,
    MERKLE_META_NAME,
};
use libfuzzer_sys::fuzz_target;

fn corruption<T>(r: avccdb::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(e.is_corruption(), "{e}");
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let mut opts = TableReadOptions::default();
    if selector & 1 != 0 {
        opts.comparator = Arc::new(BytewiseComparator);
    } else {
        opts.comparator = Arc::new(InternalKeyComparator::default());
    }
    if selector & 2 != 0 {
        let bloom = Arc::new(BloomFilterPolicy::new(10));
        opts.filter_policy = Some(if selector & 1 != 0 {
            bloom
        } else {
            Arc::new(InternalFilterPolicy::new(bloom))
        });
    }
    if selector & 4 != 0 {
        opts.cache = Some(Arc::new(Cache::new(64 << 10)));
        opts.merkle_cache = Some(Arc::new(Cache::new(64 << 10)));
    }
    opts.verify_checksums = selector & 8 != 0;
    let ro = BlockReadOptions {
        verify_checksums: selector & 16 != 0,
        fill_cache: true,
    };

    let bytes: Arc<[u8]> = Arc::from(file);
    let size = bytes.size().unwrap();
    let Some(table) = corruption(Table::open(
        Arc::new(bytes) as Arc<dyn RandomRead>,
        size,
        opts,
        "fuzz.ldb",
    )) else {
        return;
    };
    assert_eq!(table.size(), size);

    // Scans. Each entry takes bytes of the file, so counts are bounded.
    let max_entries = file.len();
    let mut it = table.iter(ro);
    it.seek_to_first();
    let mut keys = Vec::new();
    while it.valid() {
        keys.push(it.key().to_vec());
        assert!(keys.len() <= max_entries);
        it.next();
    }
    corruption(it.status());
    it.seek_to_last();
    let mut back = 0;
    while it.valid() {
        back += 1;
        assert!(back <= max_entries);
        it.prev();
    }
    corruption(it.status());

    // Lookups and seeks on keys met and on a few cut from the input.
    let targets = keys
        .iter()
        .take(8)
        .map(Vec::as_slice)
        .chain(file.chunks(17).take(4));
    for target in targets {
        let _ = table.key_may_match(target);
        corruption(table.get(target, &ro));
        let mut it = table.iter(ro);
        it.seek(target);
        if it.valid() {
            it.prev();
        }
        corruption(it.status());
        let at = table.approximate_offset_of(target);
        assert!(at <= size);
        if let Some((block, _)) = corruption(table.locate(target, &ro)) {
            assert!(block <= table.num_data_blocks());
        }
    }

    let names: Vec<Vec<u8>> = table.meta_block_names().map(<[u8]>::to_vec).collect();
    for name in names {
        if let Ok(name) = std::str::from_utf8(&name) {
            corruption(table.read_meta_block(name));
        }
    }
    let _ = table.has_filter();
    corruption(table.read_meta_block(MERKLE_META_NAME));
    if let Some(merkle) = corruption(table.merkle()) {
        assert_eq!(merkle.block_handles.len(), table.num_data_blocks());
        for i in 0..merkle.block_handles.len().min(4) {
            corruption(table.block_merkle(i, &ro));
        }
        if let Some((blocks, entries)) = corruption(table.verify_merkle()) {
            assert_eq!(blocks as usize, table.num_data_blocks());
            assert!(entries as usize <= max_entries);
        }
    }
});
