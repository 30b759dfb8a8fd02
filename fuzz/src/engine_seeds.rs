//! Seeds for the decoders of on-disk and caller-supplied bytes, taken from
//! files the engine itself writes: two small databases (Snappy with Merkle
//! roots stored and a Bloom filter; uncompressed without stored roots)
//! give `.ldb` tables, blocks cut from them, `.log` journals, MANIFEST
//! journals and their version-edit records, and write-group bodies; the
//! batch API gives batch encodings of every record type.

use std::path::Path;
use std::sync::Arc;

use avccdb::iter::KvIter;
use avccdb::journal::{Reader, ReaderOptions, Writer, BLOCK_SIZE, HEADER_SIZE};
use avccdb::key::BytewiseComparator;
use avccdb::table::{Block, BlockHandle, BlockIter, Compression, Footer, FOOTER_LEN};
use avccdb::{Batch, Db, Options, WriteOptions};

/// Files written per corpus directory, so a run names what it made.
pub struct Written {
    pub dir: &'static str,
    pub files: usize,
}

/// The targets' selector bytes for an engine table: internal-key order
/// (bit 0 clear), with filter (2), caches (4) and checksums (8, 16).
const TABLE_SELECTORS: [u8; 3] = [0, 2 | 8 | 16, 2 | 4];
/// The block target's selector for internal-key order.
const BLOCK_INTERNAL: u8 = 1;
/// The block target's selector for bytewise order (the metaindex).
const BLOCK_BYTEWISE: u8 = 0;

fn fill(dir: &Path, compression: Compression, merkle_on_write: bool) {
    let _ = std::fs::remove_dir_all(dir);
    let db = Db::open(
        dir,
        Options {
            write_buffer: 8 << 10,
            compaction_table_size: 8 << 10,
            compaction_total_size: 32 << 10,
            block_size: 512,
            block_restart_interval: 4,
            compression,
            merkle_on_write,
            ..Options::default()
        },
    )
    .expect("open");
    let wo = WriteOptions::default();
    for i in 0..1200u64 {
        let key = format!("key{:04}", (i * 13) % 700);
        match i % 9 {
            0 => db.delete(key.as_bytes(), &wo).unwrap(),
            1 => db.delete_with_version(key.as_bytes(), i, &wo).unwrap(),
            2 => {
                let mut b = Batch::new();
                b.put(key.as_bytes(), b"batched");
                b.put_with_version(b"other", i, b"v");
                db.write(&b, &wo).unwrap();
            }
            _ => {
                let value = format!("value-{i}-{}", "x".repeat((i % 40) as usize));
                db.put_with_version(key.as_bytes(), i / 100, value.as_bytes(), &wo)
                    .unwrap();
            }
        }
    }
}

fn write(out: &Path, dir: &str, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(out.join(dir)).unwrap();
    std::fs::write(out.join(dir).join(name), bytes).unwrap();
}

fn with_selector(selector: u8, bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![selector];
    v.extend_from_slice(bytes);
    v
}

/// Every record of a journal file.
fn journal_records(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut reader = Reader::new(bytes, ReaderOptions::default());
    let mut out = Vec::new();
    let mut rec = Vec::new();
    while reader.read_record(&mut rec).unwrap_or(false) {
        out.push(rec.clone());
    }
    out
}

/// The stored bytes of the blocks of an uncompressed table: index,
/// metaindex and each data block (without trailers).
fn blocks_of(table: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let at = table.len() - FOOTER_LEN;
    let footer = Footer::decode(&table[at..], "seed", at as u64).expect("footer");
    let raw = |h: BlockHandle| table[h.offset as usize..(h.offset + h.size) as usize].to_vec();
    let mut out = vec![
        (BLOCK_INTERNAL, raw(footer.index)),
        (BLOCK_BYTEWISE, raw(footer.metaindex)),
    ];
    let index = Block::new(raw(footer.index), Arc::from("seed"), 0).expect("index");
    let mut it = BlockIter::new(&index, Arc::new(BytewiseComparator));
    it.seek_to_first();
    while it.valid() {
        let h = BlockHandle::decode_exact(it.value()).expect("handle");
        out.push((BLOCK_INTERNAL, raw(h)));
        it.next();
    }
    out
}

/// A journal whose records span blocks (the databases' journals stay
/// within one): a record over two blocks, one ending exactly at a block's
/// end, one leaving less than a header's room (the zero trailer).
fn multi_block_journal() -> Vec<u8> {
    let mut w = Writer::new(Vec::new());
    let first = BLOCK_SIZE + 1000;
    for (len, fill) in [
        (10, b'a'),
        (first, b'b'),
        // Ends block 2 exactly: block 1 holds `first + 2 headers - BLOCK_SIZE`.
        (2 * BLOCK_SIZE - first - 4 * HEADER_SIZE - 10, b'c'),
        (BLOCK_SIZE - 2 * HEADER_SIZE - 3, b'd'),
        (5, b'e'),
    ] {
        w.add_record(&vec![fill; len]).unwrap();
    }
    w.flush().unwrap();
    w.into_inner()
}

fn batch_seeds() -> Vec<Batch> {
    let mut all = Batch::new();
    all.put(b"k", b"v");
    all.delete(b"gone");
    all.put_with_version(b"versioned", 7, b"value");
    all.delete_with_version(b"versioned", u64::MAX);
    let mut long = Batch::new();
    long.put(&[b'k'; 200], &[b'v'; 300]);
    let mut empty_parts = Batch::new();
    empty_parts.put(b"", b"");
    empty_parts.delete(b"");
    vec![Batch::new(), all, long, empty_parts]
}

/// Writes the engine seeds under `out/<target>/`.
pub fn write_engine_seeds(out: &Path) -> Vec<Written> {
    let mut counts = std::collections::BTreeMap::<&'static str, usize>::new();
    let mut put = |dir: &'static str, name: String, bytes: &[u8]| {
        write(out, dir, &name, bytes);
        *counts.entry(dir).or_default() += 1;
    };
    for (i, b) in batch_seeds().iter().enumerate() {
        put("batch_load", format!("api-{i}"), b.dump());
    }
    put(
        "journal_reader",
        "multi-block".into(),
        &multi_block_journal(),
    );
    let base = std::env::temp_dir().join(format!("avccdb-seeds-{}", std::process::id()));
    for (tag, compression, merkle) in [
        ("snappy", Compression::Snappy, true),
        ("plain", Compression::None, false),
    ] {
        let dir = base.join(tag);
        fill(&dir, compression, merkle);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let mut tables = 0;
        for name in names {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            if name.ends_with(".ldb") && tables < 3 {
                tables += 1;
                for s in TABLE_SELECTORS {
                    put(
                        "table_reader",
                        format!("{tag}-{name}-{s}"),
                        &with_selector(s, &bytes),
                    );
                }
                if compression == Compression::None {
                    for (j, (s, block)) in blocks_of(&bytes).into_iter().enumerate().take(6) {
                        put(
                            "block",
                            format!("{tag}-{name}-{j}"),
                            &with_selector(s, &block),
                        );
                    }
                }
            } else if name.ends_with(".log") {
                put("journal_reader", format!("{tag}-{name}"), &bytes);
                for (j, rec) in journal_records(&bytes).iter().enumerate().take(8) {
                    // A write group's body is the concatenated batches.
                    let body = rec
                        .get(avccdb::batch::BATCH_HEADER_LEN..)
                        .unwrap_or_default();
                    put("batch_load", format!("{tag}-{name}-{j}"), body);
                }
            } else if name.starts_with("MANIFEST-") {
                put("journal_reader", format!("{tag}-{name}"), &bytes);
                for (j, rec) in journal_records(&bytes).iter().enumerate().take(12) {
                    put("version_edit", format!("{tag}-{name}-{j}"), rec);
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    counts
        .into_iter()
        .map(|(dir, files)| Written { dir, files })
        .collect()
}
