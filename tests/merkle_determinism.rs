//! The MasterRoot is a function of the records and their layout alone: the
//! same layout gives the same root after a reopen and after `repair_db`,
//! two databases fed the same operations give the same root (whether
//! tables store their roots or have them recomputed from their records),
//! and `check_integrity` finds every table's stored root equal to the one
//! recomputed from its records — and names the table when a byte of a data
//! block is damaged on disk, even with its checksum fixed up.

mod common;

use std::path::Path;

use avccdb::merkle::{verify, Answer, Hash, Query};
use avccdb::table::{Compression, Table, TableReadOptions, MERKLE_META_NAME};
use avccdb::util::crc::masked_crc32;
use avccdb::{repair_db, Batch, Db, Error, Options};
use common::proofs::{answer_of, flush_memdb};
use common::{key, ro, value, wo, TempDir};

/// Small buffers (many flushes and tables), level targets so large that no
/// automatic compaction is due once `compact_range` has run, and level-0
/// triggers so high that level-0 tables stay while compactions are paused.
fn options() -> Options {
    Options {
        write_buffer: 64 << 10,
        compaction_table_size: 64 << 10,
        compaction_total_size: 64 << 20,
        compaction_l0_trigger: 100,
        write_l0_slowdown_trigger: 100,
        write_l0_pause_trigger: 100,
        compression: Compression::None,
        ..Options::default()
    }
}

/// The operations every test feeds: versioned puts, overwrites, deletes
/// and a batch.
fn feed(db: &Db, keys: u64) {
    for v in 1..=2 {
        for i in 0..keys {
            db.put_with_version(&key(i), v, &value(i, v), &wo())
                .unwrap();
        }
    }
    for i in (0..keys).step_by(11) {
        db.delete_with_version(&key(i), 2, &wo()).unwrap();
    }
    let mut batch = Batch::new();
    for i in (0..keys).step_by(5) {
        batch.put_with_version(&key(i), 3, &value(i, 3));
    }
    db.write(&batch, &wo()).unwrap();
    // Same key and version written twice: the newer record wins.
    db.put_with_version(&key(1), 3, b"first", &wo()).unwrap();
    db.put_with_version(&key(1), 3, b"second", &wo()).unwrap();
}

fn prove_some(db: &Db, root: &Hash, keys: u64) {
    for i in (0..keys).step_by(37).chain([1]) {
        let k = key(i);
        let p = db.get_with_proof(&k, u64::MAX, &ro()).unwrap();
        assert_eq!(&p.root, root);
        assert_eq!(p.value, db.get_with_version(&k, u64::MAX, &ro()).unwrap());
        let q = Query::Get {
            key: &k,
            version: u64::MAX,
        };
        assert_eq!(verify(root, &q, &p.proof).unwrap(), answer_of(p.value));
    }
    let p = db.get_with_proof(&key(1), u64::MAX, &ro()).unwrap();
    assert_eq!(p.value, Some((b"second".to_vec(), 3)));
}

fn tables_per_level(db: &Db) -> Vec<usize> {
    db.stats().levels.iter().map(|l| l.tables).collect()
}

#[test]
fn same_layout_same_root_across_reopen() {
    let dir = TempDir::new("det-reopen");
    let keys = 12_000;
    let db = Db::open(dir.path(), options()).unwrap();
    feed(&db, keys);
    // Everything into the deepest level; the level targets are far above
    // the data, so no automatic compaction moves anything afterwards, and
    // the memdb is empty (nothing to replay from the journal on reopen).
    db.compact_range(None, None).unwrap();
    let layout = tables_per_level(&db);
    assert_eq!(layout[0], 0);
    assert!(layout.iter().sum::<usize>() > 3, "{layout:?}");
    let root = db.master_root(&ro()).unwrap();
    db.close().unwrap();
    drop(db);

    for _ in 0..2 {
        let db = Db::open(dir.path(), options()).unwrap();
        assert_eq!(db.master_root(&ro()).unwrap(), root);
        assert_eq!(tables_per_level(&db), layout);
        prove_some(&db, &root, keys);
        db.close().unwrap();
    }
}

#[test]
fn same_layout_same_root_across_repair() {
    // Repair lists every table it keeps at level 0 under its own file
    // number, and level 0 is read newest (highest number) first. So a
    // database whose tables all sit at level 0 keeps its layout through a
    // repair: the same tables in the same order, with the same key ranges,
    // max versions and (stored) roots. To get there: automatic compactions
    // paused (and level-0 triggers far above the table count, so nothing
    // is due on reopen either), the memdb flushed by a `compact_range` over
    // a range no table overlaps — it always flushes the memdb first, and
    // then finds nothing to compact — so the journal left is empty and
    // repair makes no table of it.
    let dir = TempDir::new("det-repair");
    let keys = 6_000;
    let db = Db::open(dir.path(), options()).unwrap();
    let pause = db.pause_compactions();
    feed(&db, keys);
    flush_memdb(&db);
    let layout = tables_per_level(&db);
    assert!(layout[0] >= 4, "{layout:?}");
    assert_eq!(layout[1..].iter().sum::<usize>(), 0, "{layout:?}");
    let root = db.master_root(&ro()).unwrap();
    let sstables = db.property("avccdb.sstables").unwrap();
    drop(pause);
    db.close().unwrap();
    drop(db);

    let report = repair_db(dir.path(), &options()).unwrap();
    assert!(
        !report
            .iter()
            .any(|l| l.contains("records written to table")),
        "repair made a table of a journal: {report:?}"
    );
    let db = Db::open(dir.path(), options()).unwrap();
    let _pause = db.pause_compactions();
    assert_eq!(db.property("avccdb.sstables").unwrap(), sstables);
    assert_eq!(db.master_root(&ro()).unwrap(), root, "{report:?}");
    prove_some(&db, &root, keys);
    let integrity = db.check_integrity().unwrap();
    assert!(integrity.is_clean(), "{:?}", integrity.problems);
}

#[test]
fn same_operations_same_root() {
    // Automatic compactions run when a background thread gets to them, so
    // which tables they merge depends on timing; with them paused, every
    // flush happens at the same point of the same operation sequence, and
    // `compact_range` runs its compactions one after another — the layout,
    // so the root, is a function of the operations. The second database
    // writes its tables without roots (`merkle_on_write: false`): its roots
    // are computed from the records when first needed, and must be the
    // same as the roots the first database stored while writing.
    let keys = 5_000;
    let a_dir = TempDir::new("det-same-a");
    let b_dir = TempDir::new("det-same-b");
    let a = Db::open(a_dir.path(), options()).unwrap();
    let b = Db::open(
        b_dir.path(),
        Options {
            merkle_on_write: false,
            ..options()
        },
    )
    .unwrap();
    let _pa = a.pause_compactions();
    let _pb = b.pause_compactions();
    let mut roots = Vec::new();
    for db in [&a, &b] {
        feed(db, keys);
        flush_memdb(db);
        // Some records left in the memdb too: far fewer than the write
        // buffer holds, so no flush can be under way when the root is taken
        // (a memdb being flushed is a memdb layer until its table lands).
        for i in (0..keys).step_by(29) {
            db.put_with_version(&key(i), 4, &value(i, 4), &wo())
                .unwrap();
        }
        let mut r = vec![db.master_root(&ro()).unwrap()];
        db.compact_range(None, None).unwrap();
        r.push(db.master_root(&ro()).unwrap());
        roots.push((r, tables_per_level(db)));
    }
    assert_eq!(roots[0], roots[1]);
    assert_ne!(roots[0].0[0], roots[0].0[1], "compaction changes the root");
    assert!(roots[0].1.iter().sum::<usize>() > 3, "{:?}", roots[0].1);
    for db in [&a, &b] {
        let integrity = db.check_integrity().unwrap();
        assert!(integrity.is_clean(), "{:?}", integrity.problems);
        // The same records give a different root in another layout, and
        // the same answers.
        let root = db.master_root(&ro()).unwrap();
        prove_some(db, &root, keys);
    }
    // The first database's tables store their roots, the second's do not.
    for (dir, stored) in [(a_dir.path(), true), (b_dir.path(), false)] {
        for (size, path) in table_files(dir) {
            let t = Table::open(
                std::sync::Arc::new(std::fs::read(&path).unwrap()),
                size,
                TableReadOptions::default(),
                &file_name(&path),
            )
            .unwrap();
            let has = t
                .meta_block_names()
                .any(|n| n == MERKLE_META_NAME.as_bytes());
            assert_eq!(has, stored, "{}", path.display());
        }
    }
    // Different operations: a different root.
    b.put_with_version(&key(7), 9, b"x", &wo()).unwrap();
    assert_ne!(a.master_root(&ro()).unwrap(), b.master_root(&ro()).unwrap());
}

/// The table files of a closed database, largest first.
fn table_files(dir: &Path) -> Vec<(u64, std::path::PathBuf)> {
    let mut out: Vec<(u64, std::path::PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".ldb"))
        .map(|e| (e.metadata().unwrap().len(), e.path()))
        .collect();
    out.sort();
    out.reverse();
    out
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// A database with tables at several levels and nothing in the memdb.
fn built(dir: &Path, keys: u64) -> Db {
    let db = Db::open(dir, options()).unwrap();
    feed(&db, keys);
    db.compact_range(None, None).unwrap();
    feed(&db, keys / 3);
    flush_memdb(&db);
    db
}

#[test]
fn integrity_check_is_clean_and_detects_a_damaged_block() {
    let dir = TempDir::new("det-integrity");
    let keys = 6_000;
    let db = built(dir.path(), keys);
    let report = db.check_integrity().unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
    let tables: usize = tables_per_level(&db).iter().sum();
    assert_eq!(report.tables, tables as u64);
    assert!(report.records >= 2 * keys, "{report:?}");
    assert!(report.blocks > report.tables && report.bytes > 0);
    db.close().unwrap();
    drop(db);

    // A flipped byte in a data block: the block's checksum catches it.
    let files = table_files(dir.path());
    let (_, path) = &files[0];
    let mut bytes = std::fs::read(path).unwrap();
    bytes[100] ^= 0x01;
    std::fs::write(path, &bytes).unwrap();
    let db = Db::open(dir.path(), options()).unwrap();
    let report = db.check_integrity().unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains(&file_name(path)),
        "{:?}",
        report.problems
    );
    db.close().unwrap();
    drop(db);
    bytes[100] ^= 0x01;
    std::fs::write(path, &bytes).unwrap();

    // A changed value with the block checksum recomputed: only the Merkle
    // roots can tell, and they do.
    let (_, path) = &files[1];
    let damaged = corrupt_value_keep_crc(path);
    let db = Db::open(dir.path(), options()).unwrap();
    let report = db.check_integrity().unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let problem = &report.problems[0];
    assert!(problem.contains(&file_name(path)), "{problem}");
    assert!(problem.contains("Merkle root"), "{problem}");
    // A proof that needs the damaged block cannot be made (a history
    // opens every layer holding the key's versions; a get may not need
    // that table at all when a newer layer shadows the record).
    let k = key(damaged);
    let proven = db.version_history_with_proof(&k, 0, u64::MAX, &ro());
    assert!(
        matches!(proven, Err(Error::Corruption(_))),
        "{:?}",
        proven.map(|p| p.versions)
    );
    // Everything else still proves.
    let root = db.master_root(&ro()).unwrap();
    let other = key(damaged + 1000);
    let p = db.get_with_proof(&other, u64::MAX, &ro()).unwrap();
    let q = Query::Get {
        key: &other,
        version: u64::MAX,
    };
    assert_ne!(verify(&root, &q, &p.proof).unwrap(), Answer::Absent);
}

/// Changes one byte of a version-1 value in the first data block of the
/// table at `path` and recomputes that block's checksum; returns the key
/// number whose value changed.
fn corrupt_value_keep_crc(path: &Path) -> u64 {
    let mut bytes = std::fs::read(path).unwrap();
    let size = bytes.len() as u64;
    let table = Table::open(
        std::sync::Arc::new(bytes.clone()),
        size,
        TableReadOptions::default(),
        "victim",
    )
    .unwrap();
    let handle = table.merkle().unwrap().block_handles[0];
    let (start, end) = (
        handle.offset as usize,
        (handle.offset + handle.size) as usize,
    );
    // Values look like "value-<i>-<version>-xxx" (no compression).
    let block = &bytes[start..end];
    let at = (0..block.len() - 8)
        .find(|&j| {
            block[j..].starts_with(b"value-") && {
                let rest = &block[j + 6..];
                let dash = rest.iter().position(|&c| c == b'-').unwrap();
                rest[dash + 1] == b'1'
            }
        })
        .expect("a version-1 value in the block");
    let rest = &block[at + 6..];
    let dash = rest.iter().position(|&c| c == b'-').unwrap();
    let number: u64 = std::str::from_utf8(&rest[..dash]).unwrap().parse().unwrap();
    // The value's version digit stays; its "value" prefix changes.
    bytes[start + at] ^= 0x20;
    let type_byte = bytes[end];
    let crc = masked_crc32(&[&bytes[start..end], &[type_byte]]);
    bytes[end + 1..end + 5].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(path, &bytes).unwrap();
    number
}
