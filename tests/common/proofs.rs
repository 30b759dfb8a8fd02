//! Helpers for the Merkle proof tests: an independent reading of
//! `docs/PROOF_FORMAT.md` (layer roots and the MasterRoot recomputed from a
//! proof's parts, without the library's verifier), re-proving a shorter run
//! of a range proof (so a test can build a proof that still reaches the
//! right root but leaves a record out), and a database whose records sit in
//! a memdb, a level-0 table and a deeper level at once.

use std::path::Path;

use avccdb::merkle::hash::{
    commit_hash, layer_entry_hash, leaf_hash, node_hash, table_entry_hash, CommitTag, Hash,
    EMPTY_TREE,
};
use avccdb::merkle::proof::{LayerBody, LayerProof, RangeProof, Record, TableEntry, TableSpan};
use avccdb::merkle::tree::range_root;
use avccdb::merkle::{Answer, Proof};
use avccdb::{CompactionPause, Db, Error, Options, Result};

/// The answer a proof of `get_with_version`'s result must establish.
pub fn answer_of(value: Option<(Vec<u8>, u64)>) -> Answer {
    match value {
        Some((value, version)) => Answer::Found { value, version },
        None => Answer::Absent,
    }
}

/// True when `r` is the verifier's rejection (not a panic, not another
/// error kind).
pub fn rejected(r: &Result<Answer>) -> bool {
    matches!(r, Err(Error::InvalidProof(_)))
}

pub fn leaf(r: &Record) -> Hash {
    leaf_hash(&r.key, r.version, r.kind, &r.value)
}

pub fn leaves(records: &[Record]) -> Vec<Hash> {
    records.iter().map(leaf).collect()
}

/// RFC 6962's recursive tree (the spec's definition, written separately
/// from the library's bottom-up builder).
pub fn tree_root(items: &[Hash]) -> Hash {
    match items.len() {
        0 => EMPTY_TREE,
        1 => items[0],
        n => {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            node_hash(&tree_root(&items[..k]), &tree_root(&items[k..]))
        }
    }
}

fn range(r: &RangeProof, items: &[Hash]) -> Option<Hash> {
    range_root(r.n, r.first, items, &r.siblings)
}

fn block_commits(t: &TableSpan) -> Option<Vec<Hash>> {
    t.spans
        .iter()
        .map(|s| {
            let tree = range(&s.range, &leaves(&s.records))?;
            Some(commit_hash(CommitTag::Block, s.range.n, &tree))
        })
        .collect()
}

/// An opened table's root, from its block spans (None when a range proof
/// does not fit).
pub fn try_table_root(t: &TableSpan) -> Option<Hash> {
    let tree = range(&t.blocks, &block_commits(t)?)?;
    Some(commit_hash(CommitTag::Table, t.blocks.n, &tree))
}

pub fn try_entry_hash(e: &TableEntry) -> Option<Hash> {
    Some(match e {
        TableEntry::Opaque {
            smallest,
            largest,
            root,
        } => table_entry_hash(smallest, largest, root),
        TableEntry::Opened {
            smallest,
            largest,
            table,
        } => table_entry_hash(smallest, largest, &try_table_root(table)?),
    })
}

/// A layer's root as the proof shows it.
pub fn try_layer_root(l: &LayerProof) -> Option<Hash> {
    Some(match &l.body {
        LayerBody::Skipped { root } => *root,
        LayerBody::Memdb { range: r, records } => {
            commit_hash(CommitTag::Memdb, r.n, &range(r, &leaves(records))?)
        }
        LayerBody::Tables { range: r, entries } => {
            let hashes: Option<Vec<Hash>> = entries.iter().map(try_entry_hash).collect();
            commit_hash(CommitTag::Tables, r.n, &range(r, &hashes?)?)
        }
    })
}

pub fn layer_root(l: &LayerProof) -> Hash {
    try_layer_root(l).expect("range proofs that fit")
}

/// The MasterRoot a proof's layers lead to (whatever the query), when all
/// its range proofs fit.
pub fn try_master_root(proof: &Proof) -> Option<Hash> {
    let entries: Option<Vec<Hash>> = proof
        .layers
        .iter()
        .map(|l| {
            let root = try_layer_root(l)?;
            Some(layer_entry_hash(
                l.kind as u8,
                l.level,
                l.max_version,
                &root,
            ))
        })
        .collect();
    let entries = entries?;
    Some(commit_hash(
        CommitTag::Master,
        entries.len() as u64,
        &tree_root(&entries),
    ))
}

pub fn master_root(proof: &Proof) -> Hash {
    try_master_root(proof).expect("range proofs that fit")
}

/// Replaces a layer's body by its root alone.
pub fn skip(l: &mut LayerProof) {
    l.body = LayerBody::Skipped {
        root: layer_root(l),
    };
}

fn height(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        64 - (n - 1).leading_zeros()
    }
}

/// From a range proof of items `r.first .. r.first + items.len()`, the
/// range proof of the narrower run `first .. first + count` inside it: the
/// siblings of the new run are the old ones plus the roots of the parts of
/// the old run left out.
pub fn narrow(r: &RangeProof, items: &[Hash], first: u64, count: u64) -> RangeProof {
    let (a, b) = (r.first, r.first + items.len() as u64);
    assert!(
        count >= 1 && a <= first && first + count <= b,
        "narrower run"
    );
    struct Walk<'a> {
        n: u64,
        a: u64,
        b: u64,
        c: u64,
        d: u64,
        items: &'a [Hash],
        old: std::slice::Iter<'a, Hash>,
        out: Vec<Hash>,
    }
    impl Walk<'_> {
        fn node(&mut self, h: u32, j: u64, emit: bool) -> Hash {
            let lo = j << h;
            let hi = self.n.min((j + 1) << h);
            if hi <= self.a || lo >= self.b {
                let s = *self.old.next().expect("enough siblings");
                if emit {
                    self.out.push(s);
                }
                return s;
            }
            if emit && (hi <= self.c || lo >= self.d) {
                let v = self.node(h, j, false);
                self.out.push(v);
                return v;
            }
            if h == 0 {
                return self.items[(j - self.a) as usize];
            }
            let left = self.node(h - 1, 2 * j, emit);
            if ((2 * j + 1) << (h - 1)) >= self.n {
                return left;
            }
            let right = self.node(h - 1, 2 * j + 1, emit);
            node_hash(&left, &right)
        }
    }
    let mut w = Walk {
        n: r.n,
        a,
        b,
        c: first,
        d: first + count,
        items,
        old: r.siblings.iter(),
        out: Vec::new(),
    };
    w.node(height(r.n), 0, true);
    assert!(w.old.next().is_none(), "every old sibling used");
    RangeProof {
        n: r.n,
        first,
        siblings: w.out,
    }
}

/// Leaves out the first (`front`) or last record of a memdb span, keeping
/// the range proof valid for what is left.
pub fn drop_memdb_record(body: &mut LayerBody, front: bool) {
    let LayerBody::Memdb { range: r, records } = body else {
        panic!("not a memdb body");
    };
    assert!(records.len() >= 2, "a record must remain");
    let first = r.first + u64::from(front);
    *r = narrow(r, &leaves(records), first, records.len() as u64 - 1);
    if front {
        records.remove(0);
    } else {
        records.pop();
    }
}

/// Leaves out the first (`front`) or last record of an opened table's span,
/// keeping every block and table path valid (a block span left empty is
/// dropped and the table's block range narrowed).
pub fn drop_table_record(t: &mut TableSpan, front: bool) {
    let total: usize = t.spans.iter().map(|s| s.records.len()).sum();
    assert!(total >= 2, "a record must remain");
    let commits = block_commits(t).expect("range proofs that fit");
    let i = if front { 0 } else { t.spans.len() - 1 };
    if t.spans[i].records.len() == 1 {
        let first = t.blocks.first + u64::from(front);
        t.blocks = narrow(&t.blocks, &commits, first, commits.len() as u64 - 1);
        t.spans.remove(i);
    } else {
        let span = &mut t.spans[i];
        let first = span.range.first + u64::from(front);
        let n = span.records.len() as u64 - 1;
        span.range = narrow(&span.range, &leaves(&span.records), first, n);
        if front {
            span.records.remove(0);
        } else {
            span.records.pop();
        }
    }
}

/// The opened table of a tables layer, if it has one.
pub fn opened_table(l: &mut LayerProof) -> Option<&mut TableSpan> {
    match &mut l.body {
        LayerBody::Tables { entries, .. } => entries.iter_mut().find_map(|e| match e {
            TableEntry::Opened { table, .. } => Some(table),
            TableEntry::Opaque { .. } => None,
        }),
        _ => None,
    }
}

/// Every record a proof shows, mutable (memdb spans and opened tables).
pub fn records_mut(proof: &mut Proof) -> Vec<&mut Record> {
    let mut out = Vec::new();
    for l in &mut proof.layers {
        match &mut l.body {
            LayerBody::Memdb { records, .. } => out.extend(records.iter_mut()),
            LayerBody::Tables { entries, .. } => {
                for e in entries {
                    if let TableEntry::Opened { table, .. } = e {
                        for s in &mut table.spans {
                            out.extend(s.records.iter_mut());
                        }
                    }
                }
            }
            LayerBody::Skipped { .. } => {}
        }
    }
    out
}

/// Keys of the layered database.
pub fn lkey(i: u64) -> Vec<u8> {
    format!("key{i:08}").into_bytes()
}

pub fn lvalue(i: u64, version: u64, tag: &str) -> Vec<u8> {
    format!("{tag}-{i}-v{version}-{}", "p".repeat((i % 23) as usize)).into_bytes()
}

/// Keys of the layered database.
pub const LKEYS: u64 = 3000;

/// Where each key's records sit in [`layered_db`].
///
/// * level ≥ 1: every key at version 1 (compacted down first);
/// * one level-0 table: even keys at version 2, and a tombstone for keys
///   ≡ 7 (mod 10) at version 2;
/// * the memdb: keys divisible by 3 at version 3, and a tombstone for keys
///   ≡ 5 (mod 10) at version 4.
///
/// `lmodel(i, v)` is the answer of get(i, v). Automatic compactions are
/// paused for the returned guard's life, so the layout stays put.
pub fn lmodel(i: u64, version: u64, tag: &str) -> Option<(Vec<u8>, u64)> {
    if i >= LKEYS {
        return None;
    }
    let mut best: Option<(u64, bool)> = None; // (version, is value)
    let mut consider = |v: u64, live: bool| {
        if v <= version && best.is_none_or(|(b, _)| v > b) {
            best = Some((v, live));
        }
    };
    consider(1, true);
    if i.is_multiple_of(2) {
        consider(2, true);
    }
    if i % 10 == 7 {
        consider(2, false);
    }
    if i.is_multiple_of(3) {
        consider(3, true);
    }
    if i % 10 == 5 {
        consider(4, false);
    }
    match best {
        Some((v, true)) => Some((lvalue(i, v, tag), v)),
        _ => None,
    }
}

/// Opens a database in `dir` and writes the layered records (values tagged
/// `tag`) as [`lmodel`] describes.
pub fn layered_db(dir: &Path, tag: &str) -> (Db, CompactionPause) {
    let opts = Options {
        write_buffer: 4 << 20,
        compaction_table_size: 32 << 10,
        ..Options::default()
    };
    let db = Db::open(dir, opts).unwrap();
    let pause = db.pause_compactions();
    let wo = avccdb::WriteOptions::default();
    for i in 0..LKEYS {
        db.put_with_version(&lkey(i), 1, &lvalue(i, 1, tag), &wo)
            .unwrap();
    }
    db.compact_range(None, None).unwrap();
    for i in 0..LKEYS {
        if i.is_multiple_of(2) {
            db.put_with_version(&lkey(i), 2, &lvalue(i, 2, tag), &wo)
                .unwrap();
        }
        if i % 10 == 7 {
            db.delete_with_version(&lkey(i), 2, &wo).unwrap();
        }
    }
    flush_memdb(&db);
    for i in 0..LKEYS {
        if i.is_multiple_of(3) {
            db.put_with_version(&lkey(i), 3, &lvalue(i, 3, tag), &wo)
                .unwrap();
        }
        if i % 10 == 5 {
            db.delete_with_version(&lkey(i), 4, &wo).unwrap();
        }
    }
    let stats = db.stats();
    assert_eq!(stats.levels[0].tables, 1, "{stats:?}");
    assert!(stats.levels[1..].iter().any(|l| l.tables > 1), "{stats:?}");
    (db, pause)
}

/// Writes the memdb to a level-0 table and nothing else: `compact_range`
/// always flushes the memdb first, and a range that no table overlaps
/// leaves every table where it is.
pub fn flush_memdb(db: &Db) {
    db.compact_range(Some(b"\xff\xff\xff-none"), Some(b"\xff\xff\xff-none"))
        .unwrap();
}
