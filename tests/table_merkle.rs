//! Tables' Merkle trees: the root `finish_with_root` returns is the root
//! the opened table reads from its `avccdb.merkle` block, and the root a
//! table written without a leaf hasher gets computed from its records on
//! open; each block's tree root is the stored block root, and both equal an
//! independent recomputation from the records (`docs/PROOF_FORMAT.md`);
//! `locate` finds the first entry ≥ any target; the meta block costs at
//! most 2% of a table of 16-byte keys and 100-byte values.

mod common;

use std::cmp::Ordering;
use std::sync::Arc;

use avccdb::cache::Cache;
use avccdb::key::{
    lookup_key, make_internal_key, parse_internal_key, Comparator, InternalKeyComparator, Kind,
    MAX_SEQUENCE,
};
use avccdb::merkle::hash::{commit_hash, leaf_hash, CommitTag, Hash};
use avccdb::table::{
    BlockReadOptions, Compression, InternalLeafHasher, Table, TableBuilder, TableOptions,
    TableReadOptions, MERKLE_META_NAME,
};
use avccdb::util::random::Rng;
use common::proofs::tree_root;

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// 16-byte user keys, some with several versions and tombstones, 100-byte
/// values (empty for tombstones), sorted in internal-key order.
fn entries(rng: &mut Rng, users: u64, versions: bool) -> Entries {
    let mut out = Vec::new();
    let mut seq = 1;
    for u in 0..users {
        let user = format!("user{:012}", u * 3);
        assert_eq!(user.len(), 16);
        let n = if versions { 1 + rng.below(3) } else { 1 };
        for v in (0..n).rev() {
            seq += 1;
            let tombstone = versions && rng.one_in(7);
            let kind = if tombstone {
                Kind::Deletion
            } else {
                Kind::Value
            };
            let value = if tombstone {
                Vec::new()
            } else {
                rng.bytes(100)
            };
            out.push((make_internal_key(user.as_bytes(), v * 5, seq, kind), value));
        }
    }
    let cmp = InternalKeyComparator::default();
    out.sort_by(|a, b| cmp.compare(&a.0, &b.0));
    out
}

fn options(hashed: bool, compression: Compression, block_size: usize) -> TableOptions {
    TableOptions {
        compression,
        block_size,
        leaf_hasher: hashed.then(|| Arc::new(InternalLeafHasher) as _),
        ..TableOptions::default()
    }
}

fn build(opts: TableOptions, entries: &Entries) -> (Vec<u8>, Option<Hash>) {
    let mut b = TableBuilder::new(opts, Vec::new());
    for (k, v) in entries {
        b.add(k, v).unwrap();
    }
    let (bytes, size, root) = b.finish_with_root().unwrap();
    assert_eq!(bytes.len() as u64, size);
    (bytes, root)
}

fn open(bytes: Vec<u8>) -> Arc<Table> {
    let size = bytes.len() as u64;
    let ro = TableReadOptions {
        merkle_cache: Some(Arc::new(Cache::new(8 << 20))),
        verify_checksums: true,
        ..TableReadOptions::default()
    };
    Table::open(Arc::new(bytes), size, ro, "000007.ldb").unwrap()
}

fn record_leaf(key: &[u8], value: &[u8]) -> Hash {
    let p = parse_internal_key(key).unwrap();
    leaf_hash(p.user_key, p.version, p.kind as u8, value)
}

/// Checks the table's trees against its entries, recomputing every root
/// from the records; returns the block roots.
fn check_trees(t: &Table, entries: &Entries) -> Vec<Hash> {
    let ro = BlockReadOptions::default();
    let m = t.merkle().unwrap();
    let nb = t.num_data_blocks();
    assert_eq!(m.block_handles.len(), nb);
    assert_eq!(m.blocks.len(), nb);
    let mut seen = 0;
    let mut block_roots = Vec::with_capacity(nb);
    for i in 0..nb {
        let bm = t.block_merkle(i, &ro).unwrap();
        assert!(!bm.is_empty());
        let mut leaves = Vec::with_capacity(bm.len());
        for j in 0..bm.len() {
            let (k, v) = bm.entry(j);
            assert_eq!((k, v), (&entries[seen].0[..], &entries[seen].1[..]));
            leaves.push(record_leaf(k, v));
            seen += 1;
        }
        assert_eq!(bm.leaves.items(), leaves.as_slice());
        let root = commit_hash(CommitTag::Block, leaves.len() as u64, &tree_root(&leaves));
        assert_eq!(bm.root(), root, "block {i}");
        assert_eq!(m.blocks.items()[i], root, "stored root of block {i}");
        block_roots.push(root);
    }
    assert_eq!(seen, entries.len(), "every record in exactly one block");
    let table_root = commit_hash(CommitTag::Table, nb as u64, &tree_root(&block_roots));
    assert_eq!(m.root, table_root);
    let (blocks, records) = t.verify_merkle().unwrap();
    assert_eq!((blocks, records), (nb as u64, entries.len() as u64));
    block_roots
}

#[test]
fn stored_computed_and_recomputed_roots_agree() {
    let mut rng = Rng::new(11);
    for (compression, block_size, users) in [
        (Compression::None, 4096, 5000),
        (Compression::Snappy, 4096, 3000),
        (Compression::None, 256, 800),
        (Compression::None, 4096, 1),
        (Compression::None, 4096, 2),
    ] {
        let entries = entries(&mut rng, users, true);
        let (hashed, root) = build(options(true, compression, block_size), &entries);
        let (plain, none) = build(options(false, compression, block_size), &entries);
        let root = root.expect("a leaf hasher gives a root");
        assert_eq!(none, None, "no leaf hasher, no root");

        let hashed = open(hashed);
        let plain = open(plain);
        assert!(hashed
            .meta_block_names()
            .any(|n| n == MERKLE_META_NAME.as_bytes()));
        assert!(!plain
            .meta_block_names()
            .any(|n| n == MERKLE_META_NAME.as_bytes()));
        assert_eq!(hashed.merkle().unwrap().root, root);
        assert_eq!(plain.merkle().unwrap().root, root, "computed on open");
        assert_eq!(hashed.num_data_blocks(), plain.num_data_blocks());
        let a = check_trees(&hashed, &entries);
        let b = check_trees(&plain, &entries);
        assert_eq!(a, b);
        if users > 100 {
            assert!(a.len() > 10, "{} blocks", a.len());
        }
    }
}

/// Position of the first entry ≥ `target`, as (block, index in block), by
/// a plain search over all entries.
fn expected_position(entries: &Entries, starts: &[usize], target: &[u8]) -> (usize, usize) {
    let cmp = InternalKeyComparator::default();
    let i = entries.partition_point(|(k, _)| cmp.compare(k, target) == Ordering::Less);
    if i == entries.len() {
        return (starts.len(), 0);
    }
    let block = starts.partition_point(|&s| s <= i) - 1;
    (block, i - starts[block])
}

#[test]
fn locate_finds_the_first_entry_at_or_after_every_target() {
    let mut rng = Rng::new(12);
    for block_size in [4096, 300] {
        let entries = entries(&mut rng, 3000, true);
        let (bytes, _) = build(options(true, Compression::None, block_size), &entries);
        let t = open(bytes);
        let ro = BlockReadOptions::default();
        // First entry index of each block.
        let mut starts = Vec::new();
        let mut at = 0;
        for i in 0..t.num_data_blocks() {
            starts.push(at);
            at += t.block_merkle(i, &ro).unwrap().len();
        }
        let mut targets: Vec<Vec<u8>> = Vec::new();
        for (k, _) in &entries {
            let p = parse_internal_key(k).unwrap();
            targets.push(k.clone());
            // Newest record of the key, and of the key at its version.
            targets.push(lookup_key(p.user_key, u64::MAX, MAX_SEQUENCE));
            targets.push(lookup_key(p.user_key, p.version, MAX_SEQUENCE));
            // Just after this record: the next one.
            targets.push(make_internal_key(p.user_key, p.version, 0, Kind::Deletion));
            // A user key between this one and the next.
            let mut between = p.user_key.to_vec();
            between.push(0);
            targets.push(lookup_key(&between, u64::MAX, MAX_SEQUENCE));
        }
        targets.push(lookup_key(b"a", u64::MAX, MAX_SEQUENCE));
        targets.push(lookup_key(b"zzz", u64::MAX, MAX_SEQUENCE));
        targets.push(lookup_key(b"user", 0, 0));
        let mut past_end = 0;
        for target in &targets {
            let want = expected_position(&entries, &starts, target);
            let got = t.locate(target, &ro).unwrap();
            assert_eq!(got, want, "target {target:?}");
            if got.0 < starts.len() {
                let bm = t.block_merkle(got.0, &ro).unwrap();
                let cmp = InternalKeyComparator::default();
                assert_ne!(cmp.compare(bm.entry(got.1).0, target), Ordering::Less);
            } else {
                past_end += 1;
            }
        }
        assert!(past_end >= 2, "past-the-end targets were tried");
        // Every entry's own key finds that entry.
        for (n, (k, _)) in entries.iter().enumerate() {
            let (b, i) = t.locate(k, &ro).unwrap();
            assert_eq!(starts[b] + i, n);
        }
    }
}

#[test]
fn merkle_meta_block_costs_at_most_two_percent() {
    let mut rng = Rng::new(13);
    // 16-byte keys, 100-byte values, one version each: ~4 MiB of table.
    let entries = entries(&mut rng, 30_000, false);
    assert!(entries
        .iter()
        .all(|(k, v)| k.len() == 16 + 16 && v.len() == 100));
    let (hashed, _) = build(options(true, Compression::None, 4096), &entries);
    let (plain, _) = build(options(false, Compression::None, 4096), &entries);
    let t = open(hashed.clone());
    let blocks = t.num_data_blocks() as u64;
    let extra = hashed.len() as u64 - plain.len() as u64;
    // The meta block: format byte, count, a root per block and the table
    // root, a 5-byte trailer; plus its metaindex entry.
    let meta = 1 + 8 + 32 * (blocks + 1) + 5;
    assert!(
        (meta..meta + 64).contains(&extra),
        "extra {extra} bytes, meta block {meta}"
    );
    let overhead = extra as f64 / hashed.len() as f64;
    println!(
        "merkle meta block: {extra} bytes for {blocks} data blocks in a {} byte table: {:.3}%",
        hashed.len(),
        overhead * 100.0
    );
    assert!(overhead <= 0.02, "overhead {:.3}%", overhead * 100.0);
}
