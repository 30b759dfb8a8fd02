//! Damaged tables: every flipped byte and every truncation is reported as
//! corruption (at open or at read, with checksums verified) and never
//! yields a wrong entry or a panic; hand-crafted blocks with valid checksums
//! but bad contents are rejected with the table's name.

use std::sync::Arc;

use avccdb::iter::KvIter;
use avccdb::key::{make_internal_key, Kind};
use avccdb::table::{
    BlockBuilder, BlockHandle, BlockReadOptions, BloomFilterPolicy, Compression, Footer,
    InternalFilterPolicy, Table, TableBuilder, TableOptions, TableReadOptions,
};
use avccdb::util::crc::masked_crc32;
use avccdb::util::random::Rng;
use avccdb::Result;

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

const NAME: &str = "000007.ldb";

fn opts(compression: Compression) -> TableOptions {
    TableOptions {
        block_size: 256,
        block_restart_interval: 4,
        compression,
        filter_policy: Some(Arc::new(InternalFilterPolicy::new(Arc::new(
            BloomFilterPolicy::new(10),
        )))),
        ..TableOptions::default()
    }
}

fn read_opts(verify: bool) -> TableReadOptions {
    let o = opts(Compression::None);
    TableReadOptions {
        comparator: o.comparator,
        filter_policy: o.filter_policy,
        cache: None,
        verify_checksums: verify,
        ..TableReadOptions::default()
    }
}

/// A small table (a few dozen blocks, a filter, a meta block) and its model.
fn small_table(compression: Compression) -> (Vec<u8>, Entries) {
    let entries: Entries = (0..60u32)
        .flat_map(|u| {
            (0..2u64).rev().map(move |v| {
                (
                    make_internal_key(format!("key{u:05}").as_bytes(), v, 7, Kind::Value),
                    format!("value-{u}-{v}-padpadpad").into_bytes(),
                )
            })
        })
        .collect();
    let mut b = TableBuilder::new(opts(compression), Vec::new());
    for (k, v) in &entries {
        b.add(k, v).unwrap();
    }
    b.add_meta_block("merkle", &[0x5a; 64]).unwrap();
    (b.finish().unwrap().0, entries)
}

fn open(bytes: &[u8], size: u64, verify: bool) -> Result<Arc<Table>> {
    Table::open(Arc::new(bytes.to_vec()), size, read_opts(verify), NAME)
}

/// Reads everything; returns how many errors were seen. Panics on a wrong
/// entry: every entry returned must be the model's entry at its position.
fn read_all(t: &Arc<Table>, entries: &Entries) -> usize {
    let mut errors = 0;
    let ro = BlockReadOptions {
        verify_checksums: true,
        fill_cache: true,
    };
    let mut it = t.iter(ro);
    it.seek_to_first();
    let mut i = 0;
    while it.valid() {
        assert_eq!(
            (it.key(), it.value()),
            (&entries[i].0[..], &entries[i].1[..])
        );
        i += 1;
        it.next();
    }
    if let Err(e) = it.status() {
        assert!(e.is_corruption(), "{e}");
        errors += 1;
    } else {
        assert_eq!(i, entries.len(), "scan ended early without an error");
    }
    it.seek_to_last();
    let mut j = entries.len();
    while it.valid() {
        j -= 1;
        assert_eq!(it.key(), &entries[j].0[..]);
        it.prev();
    }
    errors += usize::from(it.status().is_err());
    for (k, v) in entries.iter().step_by(3) {
        match t.get(k, &ro) {
            Ok(Some((gk, gv))) => assert_eq!((&gk, &gv), (k, v)),
            Ok(None) => panic!("present key reported absent"),
            Err(e) => {
                assert!(e.is_corruption(), "{e}");
                assert!(e.to_string().contains(NAME), "{e}");
                errors += 1;
            }
        }
    }
    match t.read_meta_block("merkle") {
        Ok(m) => assert_eq!(m.unwrap(), vec![0x5a; 64]),
        Err(e) => {
            assert!(e.is_corruption(), "{e}");
            errors += 1;
        }
    }
    errors
}

#[test]
fn intact_table_reads_cleanly() {
    for c in [Compression::None, Compression::Snappy] {
        let (bytes, entries) = small_table(c);
        let t = open(&bytes, bytes.len() as u64, true).unwrap();
        assert!(t.has_filter() && t.num_data_blocks() > 10);
        assert_eq!(read_all(&t, &entries), 0);
    }
}

#[test]
fn every_flipped_byte_is_detected() {
    for c in [Compression::None, Compression::Snappy] {
        let (bytes, entries) = small_table(c);
        for i in 0..bytes.len() {
            // A different pattern per offset keeps the test fast while
            // covering low, high and whole-byte damage.
            let mask = [0x01u8, 0x80, 0xff, 0x3c][i % 4];
            let mut bad = bytes.clone();
            bad[i] ^= mask;
            match open(&bad, bad.len() as u64, true) {
                Err(e) => {
                    assert!(e.is_corruption(), "offset {i}: {e}");
                    assert!(e.to_string().contains(NAME), "{e}");
                }
                // Every byte is under some checksum that a full read
                // checks, so a table that opens must fail some read.
                Ok(t) => assert!(read_all(&t, &entries) > 0, "flip at {i} went unnoticed"),
            }
        }
    }
}

#[test]
fn every_truncation_is_corruption() {
    let (bytes, _) = small_table(Compression::Snappy);
    for len in 0..bytes.len() {
        let err = open(&bytes[..len], len as u64, true).unwrap_err();
        assert!(err.is_corruption(), "len {len}: {err}");
        assert!(err.to_string().contains(NAME));
        // Claiming the full size over a shorter file: also corruption.
        let err = open(&bytes[..len], bytes.len() as u64, true).unwrap_err();
        assert!(err.is_corruption(), "len {len}: {err}");
    }
}

#[test]
fn random_damage_without_verification_never_panics() {
    let (bytes, entries) = small_table(Compression::Snappy);
    let mut rng = Rng::new(77);
    for _ in 0..3000 {
        let mut bad = bytes.clone();
        for _ in 0..rng.range(1, 8) {
            let i = rng.below(bad.len() as u64) as usize;
            bad[i] = rng.next_u64() as u8;
        }
        let Ok(t) = open(&bad, bad.len() as u64, false) else {
            continue;
        };
        // Unverified data blocks may decode to other bytes; only the absence
        // of panics and of endless loops is checked here.
        let mut it = t.iter(BlockReadOptions::default());
        it.seek_to_first();
        let mut steps = 0;
        while it.valid() && steps < 10_000 {
            it.next();
            steps += 1;
        }
        it.seek(&entries[100].0);
        if it.valid() {
            it.prev();
        }
        it.seek_to_last();
        while it.valid() && steps < 20_000 {
            it.prev();
            steps += 1;
        }
        let _ = t.get(&entries[7].0, &BlockReadOptions::default());
        let _ = t.approximate_offset_of(&entries[50].0);
        let _ = t.key_may_match(&entries[3].0);
    }
}

/// Assembles a table by hand: `blocks` are raw (type, contents) data blocks
/// indexed under the given keys; checksums are computed so only the
/// contents are wrong.
fn craft(blocks: &[(u8, Vec<u8>)], index_override: Option<BlockHandle>) -> Vec<u8> {
    fn put(file: &mut Vec<u8>, ty: u8, contents: &[u8]) -> BlockHandle {
        let h = BlockHandle::new(file.len() as u64, contents.len() as u64);
        file.extend_from_slice(contents);
        file.push(ty);
        file.extend_from_slice(&masked_crc32(&[contents, &[ty]]).to_le_bytes());
        h
    }
    let mut file = Vec::new();
    let mut index = BlockBuilder::new(1);
    for (i, (ty, contents)) in blocks.iter().enumerate() {
        let h = put(&mut file, *ty, contents);
        let h = index_override.unwrap_or(h);
        let mut enc = Vec::new();
        h.encode_to(&mut enc);
        index.add(
            &make_internal_key(format!("k{i}").as_bytes(), 0, 0, Kind::Value),
            &enc,
        );
    }
    let metaindex = put(&mut file, 0, BlockBuilder::new(1).finish());
    let index = put(&mut file, 0, index.finish());
    file.extend_from_slice(&Footer { metaindex, index }.encode());
    file
}

fn good_block() -> Vec<u8> {
    let mut b = BlockBuilder::new(16);
    b.add(&make_internal_key(b"k0", 0, 0, Kind::Value), b"v");
    b.finish().to_vec()
}

fn first_read_error(file: &[u8]) -> String {
    let t = open(file, file.len() as u64, true).unwrap();
    let err = t.get(
        &make_internal_key(b"k", 0, 0, Kind::Value),
        &BlockReadOptions::default(),
    );
    let err = err.unwrap_err();
    assert!(err.is_corruption(), "{err}");
    let mut it = t.iter(BlockReadOptions::default());
    it.seek_to_first();
    assert!(!it.valid());
    assert!(it.status().unwrap_err().is_corruption());
    err.to_string()
}

#[test]
fn crafted_table_reads_back() {
    let file = craft(&[(0, good_block())], None);
    let t = open(&file, file.len() as u64, true).unwrap();
    let (k, v) = t
        .get(
            &make_internal_key(b"k", 0, 0, Kind::Value),
            &BlockReadOptions::default(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (k, v),
        (make_internal_key(b"k0", 0, 0, Kind::Value), b"v".to_vec())
    );
}

#[test]
fn bad_restart_arrays_are_corruption() {
    // Restart count larger than the block can hold.
    let mut huge = good_block();
    let n = huge.len();
    huge[n - 4..].copy_from_slice(&1000u32.to_le_bytes());
    let msg = first_read_error(&craft(&[(0, huge)], None));
    assert!(msg.contains(NAME) && msg.contains("restart"), "{msg}");
    // Zero restarts, a block too short for its count, a restart past the entries.
    for bad in [vec![0u8; 4], vec![1u8, 0], {
        let mut b = good_block();
        let n = b.len();
        b[n - 8..n - 4].copy_from_slice(&500u32.to_le_bytes());
        b
    }] {
        first_read_error(&craft(&[(0, bad)], None));
    }
    // An entry whose lengths run past the block.
    let mut long = good_block();
    long[1] = 200;
    first_read_error(&craft(&[(0, long)], None));
}

#[test]
fn snappy_failures_and_unknown_types_are_corruption() {
    let msg = first_read_error(&craft(&[(1, vec![0xff; 40])], None));
    assert!(msg.contains("snappy"), "{msg}");
    // Valid snappy that claims an absurd length.
    let mut claim = vec![0xff, 0xff, 0xff, 0xff, 0x0f];
    claim.extend_from_slice(&[0; 8]);
    first_read_error(&craft(&[(1, claim)], None));
    let msg = first_read_error(&craft(&[(9, good_block())], None));
    assert!(msg.contains("compression type"), "{msg}");
}

#[test]
fn index_pointing_outside_the_file_fails_open() {
    for h in [
        BlockHandle::new(1 << 40, 10),
        BlockHandle::new(0, 1 << 40),
        BlockHandle::new(u64::MAX, u64::MAX),
    ] {
        let file = craft(&[(0, good_block())], Some(h));
        let err = open(&file, file.len() as u64, true).unwrap_err();
        assert!(
            err.is_corruption() && err.to_string().contains(NAME),
            "{err}"
        );
    }
}

#[test]
fn bad_magic_and_short_files() {
    let (mut bytes, _) = small_table(Compression::None);
    let n = bytes.len();
    bytes[n - 1] ^= 0x10;
    let err = open(&bytes, n as u64, true).unwrap_err();
    assert!(err.to_string().contains("magic"), "{err}");
    let err = open(b"tiny", 4, true).unwrap_err();
    assert!(
        err.is_corruption() && err.to_string().contains("short"),
        "{err}"
    );
}
