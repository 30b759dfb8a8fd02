//! Writes proof test vectors (`docs/PROOF_FORMAT.md`, "Test vectors") from
//! SYNTHETIC states built with the public `avccdb::merkle` module alone: a
//! memdb, two level-0 tables and three levels of several tables of several
//! blocks, keys with several versions and tombstones. A small prover here
//! builds get and history proofs (with and without the skips the rules
//! allow); the expected answer comes from the page's definition evaluated
//! on the layers, and must equal what `avccdb::merkle::verify` proves, or
//! this panics. A few deliberately invalid vectors (wrong root, wrong key,
//! another version, wrong kind, forbidden skips) must be rejected by it.
//!
//!     cargo run --example proof_vectors_synthetic -- OUT.jsonl
//!
//! `scripts/verify_proof.py vectors OUT.jsonl` then checks them with the
//! independent Python verifier.

use avccdb::merkle::hash::{
    commit_hash, layer_entry_hash, leaf_hash, table_entry_hash, to_hex, CommitTag, Hash, EMPTY_TREE,
};
use avccdb::merkle::proof::{
    BlockSpan, LayerBody, LayerKind, LayerProof, Proof, ProofKind, RangeProof, Record, TableEntry,
    TableSpan,
};
use avccdb::merkle::tree::Levels;
use avccdb::merkle::{verify_bytes, Answer, Query};
use std::fmt::Write as _;

const LATEST: u64 = u64::MAX;

fn rec(key: &[u8], version: u64, value: Option<&[u8]>) -> Record {
    Record {
        key: key.to_vec(),
        version,
        kind: value.is_some() as u8,
        value: value.unwrap_or_default().to_vec(),
    }
}

fn leaves(recs: &[Record]) -> Vec<Hash> {
    recs.iter()
        .map(|r| leaf_hash(&r.key, r.version, r.kind, &r.value))
        .collect()
}

/// `commit(tag, n, tree(items))`.
fn commit_list(tag: CommitTag, items: Vec<Hash>) -> Hash {
    commit_hash(tag, items.len() as u64, &Levels::build(items).root())
}

/// Items `first .. first + count` of `items`, as a range proof.
fn range(items: &[Hash], first: usize, count: usize) -> RangeProof {
    RangeProof {
        n: items.len() as u64,
        first: first as u64,
        siblings: Levels::build(items.to_vec()).range_siblings(first, count),
    }
}

struct Table {
    blocks: Vec<Vec<Record>>,
}

impl Table {
    fn smallest(&self) -> &[u8] {
        &self.blocks[0][0].key
    }
    fn largest(&self) -> &[u8] {
        &self.blocks.last().unwrap().last().unwrap().key
    }
    fn block_roots(&self) -> Vec<Hash> {
        let root = |b: &Vec<Record>| commit_list(CommitTag::Block, leaves(b));
        self.blocks.iter().map(root).collect()
    }
    fn root(&self) -> Hash {
        commit_list(CommitTag::Table, self.block_roots())
    }
    fn entry_hash(&self) -> Hash {
        table_entry_hash(self.smallest(), self.largest(), &self.root())
    }
    fn opaque(&self) -> TableEntry {
        let (smallest, largest) = (self.smallest().to_vec(), self.largest().to_vec());
        TableEntry::Opaque {
            smallest,
            largest,
            root: self.root(),
        }
    }
}

enum Body {
    Memdb(Vec<Record>),
    Tables(Vec<Table>),
}

struct Layer {
    kind: LayerKind,
    level: u8,
    max_version: u64,
    body: Body,
}

impl Layer {
    fn records(&self) -> Vec<&Record> {
        match &self.body {
            Body::Memdb(r) => r.iter().collect(),
            Body::Tables(t) => t.iter().flat_map(|t| t.blocks.iter().flatten()).collect(),
        }
    }
    fn root(&self) -> Hash {
        match &self.body {
            Body::Memdb(r) => commit_list(CommitTag::Memdb, leaves(r)),
            Body::Tables(t) => {
                commit_list(CommitTag::Tables, t.iter().map(Table::entry_hash).collect())
            }
        }
    }
}

fn master_root(layers: &[Layer]) -> Hash {
    let entries = layers
        .iter()
        .map(|l| layer_entry_hash(l.kind as u8, l.level, l.max_version, &l.root()))
        .collect();
    commit_list(CommitTag::Master, entries)
}

#[derive(Clone, Copy)]
enum Q<'a> {
    Get(&'a [u8], u64),
    History(&'a [u8], u64, u64),
}

impl<'a> Q<'a> {
    fn query(self) -> Query<'a> {
        match self {
            Q::Get(key, version) => Query::Get { key, version },
            Q::History(key, min, max) => Query::History { key, min, max },
        }
    }
    fn bounds(self) -> (&'a [u8], u64, u64, bool) {
        match self {
            Q::Get(k, v) => (k, 0, v, true),
            Q::History(k, a, b) => (k, a, b, false),
        }
    }
}

/// The answer by the page's definition ("The answer to a query").
fn expected(layers: &[Layer], q: Q) -> Answer {
    let (key, lo, hi, get) = q.bounds();
    let mut best: Option<&Record> = None;
    let mut hist: Vec<&Record> = Vec::new();
    for l in layers {
        let recs = l.records();
        let mine = recs
            .iter()
            .filter(|r| r.key == key && (lo..=hi).contains(&r.version));
        if get {
            if let Some(c) = mine.clone().next() {
                if best.is_none_or(|b| c.version > b.version) {
                    best = Some(c);
                }
            }
        } else {
            for r in mine {
                if !hist.iter().any(|h| h.version == r.version) {
                    hist.push(r);
                }
            }
        }
    }
    if !get {
        hist.sort_by_key(|r| std::cmp::Reverse(r.version));
        let live = hist.iter().filter(|r| r.kind == 1);
        return Answer::History(live.map(|r| (r.version, r.value.clone())).collect());
    }
    match best {
        Some(r) if r.kind == 1 => Answer::Found {
            value: r.value.clone(),
            version: r.version,
        },
        _ => Answer::Absent,
    }
}

/// The span `[start, end)` of sorted records the page's span check wants.
fn span_of(recs: &[&Record], q: Q) -> (usize, usize) {
    let (key, lo, hi, get) = q.bounds();
    let class = |r: &Record| {
        if r.key.as_slice() < key || (r.key == key && r.version > hi) {
            0
        } else if r.key.as_slice() > key || r.version < lo {
            2
        } else {
            1
        }
    };
    let i = recs.partition_point(|r| class(r) == 0);
    let j = recs.partition_point(|r| class(r) < 2);
    let end = if get { i + 1 } else { j + 1 };
    (i.saturating_sub(1), end.min(recs.len()))
}

fn tables_body(tables: &[Table], q: Q) -> LayerBody {
    let (key, ..) = q.bounds();
    let hashes: Vec<Hash> = tables.iter().map(Table::entry_hash).collect();
    let covering = tables
        .iter()
        .position(|t| t.smallest() <= key && key <= t.largest());
    let Some(p) = covering else {
        let p = tables.partition_point(|t| t.largest() < key);
        let (first, count) = match p {
            0 => (0, 1),
            p if p == tables.len() => (p - 1, 1),
            p => (p - 1, 2),
        };
        let entries = tables[first..first + count]
            .iter()
            .map(Table::opaque)
            .collect();
        return LayerBody::Tables {
            range: range(&hashes, first, count),
            entries,
        };
    };
    let t = &tables[p];
    // (block, index in block) of every record, in order.
    let at: Vec<(usize, usize)> = t
        .blocks
        .iter()
        .enumerate()
        .flat_map(|(b, blk)| (0..blk.len()).map(move |i| (b, i)))
        .collect();
    let flat: Vec<&Record> = t.blocks.iter().flatten().collect();
    let (s, e) = span_of(&flat, q);
    let ((b0, i0), (b1, i1)) = (at[s], at[e - 1]);
    let spans = (b0..=b1)
        .map(|b| {
            let (from, to) = (
                if b == b0 { i0 } else { 0 },
                if b == b1 { i1 + 1 } else { t.blocks[b].len() },
            );
            let blk = &t.blocks[b];
            BlockSpan {
                range: range(&leaves(blk), from, to - from),
                records: blk[from..to].to_vec(),
            }
        })
        .collect();
    let table = TableSpan {
        blocks: range(&t.block_roots(), b0, b1 - b0 + 1),
        spans,
    };
    let (smallest, largest) = (t.smallest().to_vec(), t.largest().to_vec());
    let entries = vec![TableEntry::Opened {
        smallest,
        largest,
        table,
    }];
    LayerBody::Tables {
        range: range(&hashes, p, 1),
        entries,
    }
}

/// A proof for `q`; with `skip`, every layer the rules let go is skipped.
/// `force_skip` skips layer `i` regardless (for invalid vectors).
fn prove(layers: &[Layer], q: Q, skip: bool, force_skip: Option<usize>) -> Proof {
    let (key, lo, hi, get) = q.bounds();
    let mut best: Option<u64> = None;
    let mut out = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let allowed = if get {
            best.is_some_and(|b| b >= l.max_version.min(hi))
        } else {
            l.max_version < lo
        };
        let body = if (skip && allowed) || force_skip == Some(i) {
            LayerBody::Skipped { root: l.root() }
        } else {
            match &l.body {
                Body::Memdb(recs) => {
                    let refs: Vec<&Record> = recs.iter().collect();
                    let (s, e) = span_of(&refs, q);
                    let records = recs[s..e].to_vec();
                    LayerBody::Memdb {
                        range: range(&leaves(recs), s, e - s),
                        records,
                    }
                }
                Body::Tables(t) => tables_body(t, q),
            }
        };
        if let Some(c) = l.records().iter().find(|r| r.key == key && r.version <= hi) {
            best = best.max(Some(c.version));
        }
        out.push(LayerProof {
            kind: l.kind,
            level: l.level,
            max_version: l.max_version,
            body,
        });
    }
    let kind = if get {
        ProofKind::Get
    } else {
        ProofKind::History
    };
    Proof { kind, layers: out }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Sorts (key ascending, version descending; equal ones keep their order,
/// the first being the newer) and cuts into `tables` tables at key
/// boundaries, each into blocks of `block` records.
fn cut(mut recs: Vec<Record>, tables: usize, block: usize) -> Vec<Table> {
    recs.sort_by(|a, b| a.key.cmp(&b.key).then(b.version.cmp(&a.version)));
    let per = recs.len().div_ceil(tables);
    let mut out: Vec<Vec<Record>> = vec![Vec::new()];
    for r in recs {
        let cur = out.last_mut().unwrap();
        if cur.len() >= per && cur.last().unwrap().key != r.key {
            out.push(Vec::new());
        }
        out.last_mut().unwrap().push(r);
    }
    let blocks = |t: Vec<Record>| Table {
        blocks: t.chunks(block).map(<[Record]>::to_vec).collect(),
    };
    out.into_iter().map(blocks).collect()
}

fn build_state() -> Vec<Layer> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let special: [&[u8]; 5] = [b"k10", b"k20", b"k30", b"k40", b"k50"];
    // (kind, level, lowest version, percent of keys, tables, block size)
    let plan = [
        (LayerKind::Memdb, 0, 500, 30, 0, 0),
        (LayerKind::Level0Table, 0, 400, 30, 1, 3),
        (LayerKind::Level0Table, 0, 300, 30, 1, 2),
        (LayerKind::Level, 1, 200, 50, 3, 3),
        (LayerKind::Level, 2, 1, 80, 4, 4),
        (LayerKind::Level, 3, 1, 20, 2, 3),
    ];
    let mut layers = Vec::new();
    for (li, &(kind, level, low, pct, tables, block)) in plan.iter().enumerate() {
        let mut recs = Vec::new();
        for i in 0..40u64 {
            let key = format!("k{:02}", i * 2).into_bytes();
            if special.contains(&key.as_slice()) || rng.next(100) >= pct {
                continue;
            }
            let mut v = low + rng.next(60);
            for _ in 0..=rng.next(3) {
                let val = format!("v{li}-{v}");
                let live = rng.next(5) != 0;
                recs.push(rec(&key, v, live.then_some(val.as_bytes())));
                v += 1 + rng.next(20);
            }
        }
        match li {
            0 => {
                recs.push(rec(b"k10", 600, None)); // shadows k10@450 below
                recs.push(rec(b"k30", 550, Some(b"newer"))); // same version twice:
                recs.push(rec(b"k30", 550, Some(b"older"))); // the first is newer
                recs.push(rec(b"k40", 100, Some(b"low"))); // older than level 1's
                recs.push(rec(b"k1", 520, Some(b"prefix")));
            }
            1 => recs.push(rec(b"k10", 450, Some(b"under-tombstone"))),
            2 => recs.push(rec(b"k20", 300, Some(b"l0-wins"))),
            3 => {
                recs.push(rec(b"k20", 300, Some(b"level-loses")));
                recs.push(rec(b"k40", 300, Some(b"high")));
            }
            4 => {
                for v in (10..22).rev() {
                    let val = format!("many-{v}");
                    recs.push(rec(b"k50", v, (v % 4 != 0).then_some(val.as_bytes())));
                }
            }
            _ => {}
        }
        let body = if tables == 0 {
            recs.sort_by(|a, b| a.key.cmp(&b.key).then(b.version.cmp(&a.version)));
            Body::Memdb(recs)
        } else {
            Body::Tables(cut(recs, tables, block))
        };
        let mut layer = Layer {
            kind,
            level,
            max_version: 0,
            body,
        };
        let top = layer.records().iter().map(|r| r.version).max().unwrap();
        // The deepest level plays a table written before the format.
        layer.max_version = if li == 5 { LATEST } else { top };
        layers.push(layer);
    }
    layers
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn answer_json(a: &Answer) -> String {
    match a {
        Answer::Found { value, version } => {
            format!(
                r#"{{"found": true, "value": "{}", "version": {version}}}"#,
                hex(value)
            )
        }
        Answer::Absent => r#"{"found": false}"#.into(),
        Answer::History(h) => {
            let items: Vec<String> = h
                .iter()
                .map(|(v, x)| format!(r#"[{v}, "{}"]"#, hex(x)))
                .collect();
            format!(r#"{{"history": [{}]}}"#, items.join(", "))
        }
    }
}

fn query_json(q: Q) -> String {
    match q {
        Q::Get(k, v) => format!(r#"{{"type": "get", "key": "{}", "version": {v}}}"#, hex(k)),
        Q::History(k, a, b) => {
            format!(
                r#"{{"type": "history", "key": "{}", "min": {a}, "max": {b}}}"#,
                hex(k)
            )
        }
    }
}

struct Out {
    lines: Vec<String>,
    seen: std::collections::HashSet<Vec<u8>>,
}

impl Out {
    /// A vector; `want` None: must be invalid. Panics if the Rust verifier
    /// disagrees.
    fn add(&mut self, name: &str, root: &Hash, q: Q, proof: &[u8], want: Option<&Answer>) {
        let mut id = proof.to_vec();
        id.extend_from_slice(query_json(q).as_bytes());
        id.extend_from_slice(root);
        if !self.seen.insert(id) {
            return; // the same vector under another name
        }
        let got = verify_bytes(root, &q.query(), proof);
        let expect = match (want, got) {
            (Some(w), Ok(g)) if *w == g => {
                format!(r#"{{"valid": true, "answer": {}}}"#, answer_json(w))
            }
            (None, Err(_)) => r#"{"valid": false}"#.into(),
            (w, g) => panic!("{name}: the Rust verifier gives {g:?}, expected {w:?}"),
        };
        self.lines.push(format!(
            r#"{{"name": "{name}", "root": "{}", "query": {}, "proof": "{}", "expect": {expect}}}"#,
            to_hex(root),
            query_json(q),
            hex(proof)
        ));
    }

    fn valid(&mut self, name: &str, layers: &[Layer], q: Q, skip: bool) {
        let proof = prove(layers, q, skip, None).encode();
        let want = expected(layers, q);
        self.add(name, &master_root(layers), q, &proof, Some(&want));
    }
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: proof_vectors_synthetic OUT.jsonl");
    let layers = build_state();
    let root = master_root(&layers);
    let mut out = Out {
        lines: Vec::new(),
        seen: Default::default(),
    };

    // First the varied cases (a verifier's --mutate takes the first few).
    #[rustfmt::skip]
    let showcase = [
        ("get tombstone-shadowed k10", Q::Get(b"k10", LATEST), false),
        ("get k50 in a level, skipping", Q::Get(b"k50", LATEST), true),
        ("history k50 across blocks", Q::History(b"k50", 0, LATEST), false),
        ("get absent between tables k01", Q::Get(b"k01", LATEST), false),
        ("get absent past the end z", Q::Get(b"z", LATEST), true),
    ];
    for (name, q, skip) in showcase {
        out.valid(name, &layers, q, skip);
    }

    let mut keys: Vec<Vec<u8>> = (0..80).map(|i| format!("k{i:02}").into_bytes()).collect();
    for k in [&b""[..], b"a", b"k1", b"k10\x00", b"k5", b"z", b"\xff"] {
        keys.push(k.to_vec());
    }
    for key in &keys {
        let k = match key.iter().all(u8::is_ascii_alphanumeric) {
            true => String::from_utf8_lossy(key).to_string(),
            false => format!("0x{}", hex(key)),
        };
        let mut versions: Vec<u64> = layers
            .iter()
            .flat_map(|l| {
                l.records()
                    .into_iter()
                    .filter(|r| &r.key == key)
                    .map(|r| r.version)
            })
            .collect();
        versions.sort_unstable();
        versions.dedup();
        let mut qs = vec![
            Q::Get(key, LATEST),
            Q::Get(key, 0),
            Q::History(key, 0, LATEST),
        ];
        for &v in versions.iter().step_by(2) {
            qs.extend([Q::Get(key, v), Q::Get(key, v - 1), Q::History(key, v, v)]);
            qs.push(Q::History(key, v.saturating_sub(30), v + 5));
        }
        for q in qs {
            let what = match q {
                Q::Get(_, v) => format!("get {k} @{v}"),
                Q::History(_, a, b) => format!("history {k} [{a}, {b}]"),
            };
            out.valid(&what, &layers, q, false);
            out.valid(&format!("{what}, skipping"), &layers, q, true);
        }
    }

    // An empty database and a lone memdb.
    let lone = [Layer {
        kind: LayerKind::Memdb,
        level: 0,
        max_version: 9,
        body: Body::Memdb(vec![rec(b"m", 9, Some(b"x")), rec(b"m", 3, None)]),
    }];
    assert_eq!(
        master_root(&[]),
        commit_hash(CommitTag::Master, 0, &EMPTY_TREE)
    );
    for (name, st) in [("empty db", &[][..]), ("lone memdb", &lone[..])] {
        for key in [&b"m"[..], b"a", b"z"] {
            let k = String::from_utf8_lossy(key).to_string();
            out.valid(&format!("{name}: get {k}"), st, Q::Get(key, LATEST), false);
            out.valid(&format!("{name}: get {k} @5"), st, Q::Get(key, 5), false);
            out.valid(
                &format!("{name}: history {k}"),
                st,
                Q::History(key, 0, LATEST),
                false,
            );
        }
    }

    // Invalid vectors: each must be rejected.
    let (g, h) = (|k, v| Q::Get(k, v), Q::History(b"k50", 0, LATEST));
    let p = |q, skip, force| prove(&layers, q, skip, force).encode();
    let k10 = p(g(b"k10", LATEST), false, None);
    let mut bad_root = root;
    bad_root[7] ^= 0x20;
    #[rustfmt::skip]
    let invalid = [
        ("wrong root", bad_root, g(b"k10", LATEST), k10.clone()),
        ("wrong key", root, g(b"k12", LATEST), k10.clone()),
        ("another version", root, g(b"k40", 299), p(g(b"k40", LATEST), false, None)),
        ("another version (k50)", root, g(b"k50", 17), p(g(b"k50", 15), false, None)),
        ("get proof, history query", root, Q::History(b"k10", 0, 9), k10.clone()),
        ("first layer skipped", root, g(b"k10", LATEST), p(g(b"k10", LATEST), false, Some(0))),
        ("history skips a layer", root, h, p(h, true, Some(4))),
        ("skips a legacy layer", root, g(b"k50", LATEST), p(g(b"k50", LATEST), true, Some(5))),
        ("truncated", root, g(b"k10", LATEST), k10[..k10.len() - 1].to_vec()),
    ];
    for (name, root, q, proof) in invalid {
        out.add(&format!("invalid: {name}"), &root, q, &proof, None);
    }

    let n = out.lines.len();
    std::fs::write(&path, out.lines.join("\n") + "\n").expect("write the vectors");
    println!("{n} vectors written to {path}");
}
