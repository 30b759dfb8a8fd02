//! The verifier: recomputes the MasterRoot from a proof and the query, and
//! returns the answer the proof establishes. It needs nothing but the
//! 32-byte root; it never trusts the prover for anything the root does not
//! bind (`docs/PROOF_FORMAT.md`, "Verification").

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::hash::{commit_hash, layer_entry_hash, leaf_hash, table_entry_hash, CommitTag, Hash};
use super::proof::{LayerBody, LayerKind, Proof, ProofKind, Record, TableEntry, TableSpan};
use super::tree::{range_root, root_in_place};
use crate::error::{Error, Result};

/// Deepest level a database has (levels 0..=6).
const MAX_LEVEL: u8 = 6;

/// What a proof is asked to establish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query<'a> {
    /// The newest record of `key` with version ≤ `version` (`u64::MAX`:
    /// the latest), as `Db::get_with_version` answers.
    Get { key: &'a [u8], version: u64 },
    /// Every version of `key` in `[min, max]`, as `Db::version_history`.
    History { key: &'a [u8], min: u64, max: u64 },
}

/// The answer a valid proof establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The key's newest record (≤ the version asked) is this value.
    Found { value: Vec<u8>, version: u64 },
    /// The key has no live record (never written, or its newest record is
    /// a tombstone).
    Absent,
    /// Every live version in the range, newest first, as (version, value);
    /// versions whose newest record is a tombstone are left out.
    History(Vec<(u64, Vec<u8>)>),
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidProof(msg.into())
}

/// Decodes `proof` and verifies it (see [`verify`]). A bad query is
/// `InvalidArgument` whatever the bytes, as with [`verify`].
pub fn verify_bytes(root: &Hash, query: &Query<'_>, proof: &[u8]) -> Result<Answer> {
    check_query(query)?;
    verify(root, query, &Proof::decode(proof)?)
}

/// `InvalidArgument` for a query no proof can answer (a history range
/// with min > max).
fn check_query(query: &Query<'_>) -> Result<()> {
    match *query {
        Query::History { min, max, .. } if min > max => {
            Err(Error::invalid_argument("history range with min > max"))
        }
        _ => Ok(()),
    }
}

/// Checks `proof` against `root` for `query` and returns the proven answer;
/// `Error::InvalidProof` when it does not prove one.
pub fn verify(root: &Hash, query: &Query<'_>, proof: &Proof) -> Result<Answer> {
    check_query(query)?;
    let (key, lo, hi, kind) = match *query {
        Query::Get { key, version } => (key, 0, version, ProofKind::Get),
        Query::History { key, min, max } => (key, min, max, ProofKind::History),
    };
    if proof.kind != kind {
        return Err(invalid("the proof answers another kind of query"));
    }
    let target = Target { key, lo, hi, kind };
    // Get: the best record so far (highest version; ties go to the layer
    // read first). History: per version, the first layer's record.
    let mut best: Option<&Record> = None;
    let mut history: BTreeMap<u64, &Record> = BTreeMap::new();
    let mut entries = Vec::with_capacity(proof.layers.len());
    // Scratch for the leaf hashes of each span.
    let mut leaves: Vec<Hash> = Vec::new();
    for (i, layer) in proof.layers.iter().enumerate() {
        let level_ok = match layer.kind {
            LayerKind::Memdb | LayerKind::Level0Table => layer.level == 0,
            LayerKind::Level => (1..=MAX_LEVEL).contains(&layer.level),
        };
        if !level_ok {
            return Err(invalid(format!("layer {i}: impossible level")));
        }
        let mut found: Vec<&Record> = Vec::new();
        let layer_root = match &layer.body {
            LayerBody::Skipped { root } => {
                let may_skip = match kind {
                    // Candidates are ≤ hi and ties go to earlier layers.
                    ProofKind::Get => best.is_some_and(|b| layer.max_version.min(hi) <= b.version),
                    ProofKind::History => layer.max_version < lo,
                };
                if !may_skip {
                    return Err(invalid(format!(
                        "layer {i} is skipped but could hold the answer"
                    )));
                }
                *root
            }
            LayerBody::Memdb { range, records } => {
                if layer.kind != LayerKind::Memdb || records.is_empty() {
                    return Err(invalid(format!("layer {i}: malformed memdb body")));
                }
                leaves.clear();
                leaves.extend(records.iter().map(record_leaf));
                let tree = range_root(range.n, range.first, &leaves, &range.siblings)
                    .ok_or_else(|| invalid(format!("layer {i}: memdb path does not fit")))?;
                let at_start = range.first == 0;
                let at_end = range.first + records.len() as u64 == range.n;
                found = target.classify(records.iter(), at_start, at_end, i)?;
                commit_hash(CommitTag::Memdb, range.n, &tree)
            }
            LayerBody::Tables {
                range,
                entries: tables,
            } => {
                if layer.kind == LayerKind::Memdb
                    || (layer.kind == LayerKind::Level0Table && range.n != 1)
                    || tables.is_empty()
                    || tables.len() > 2
                {
                    return Err(invalid(format!("layer {i}: malformed tables body")));
                }
                let mut hashes = Vec::with_capacity(tables.len());
                let mut opened = None;
                for e in tables {
                    match e {
                        TableEntry::Opaque {
                            smallest,
                            largest,
                            root,
                        } => {
                            check_range(smallest, largest, i)?;
                            hashes.push(table_entry_hash(smallest, largest, root));
                        }
                        TableEntry::Opened {
                            smallest,
                            largest,
                            table,
                        } => {
                            check_range(smallest, largest, i)?;
                            let (root, records, at_start, at_end) =
                                table_records(table, &mut leaves, i)?;
                            hashes.push(table_entry_hash(smallest, largest, &root));
                            opened = Some((smallest, largest, records, at_start, at_end));
                        }
                    }
                }
                let tree = range_root(range.n, range.first, &hashes, &range.siblings)
                    .ok_or_else(|| invalid(format!("layer {i}: table path does not fit")))?;
                match opened {
                    Some((smallest, largest, records, at_start, at_end)) => {
                        if tables.len() != 1
                            || key < smallest.as_slice()
                            || key > largest.as_slice()
                        {
                            return Err(invalid(format!(
                                "layer {i}: opened table does not cover the key"
                            )));
                        }
                        found = target.classify(records, at_start, at_end, i)?;
                    }
                    None => {
                        if !key_between_tables(key, tables, range.first, range.n) {
                            return Err(invalid(format!(
                                "layer {i}: the tables shown do not exclude the key"
                            )));
                        }
                    }
                }
                commit_hash(CommitTag::Tables, range.n, &tree)
            }
        };
        for r in &found {
            if r.version > layer.max_version {
                return Err(invalid(format!(
                    "layer {i}: record above the layer's max version"
                )));
            }
            match kind {
                ProofKind::Get => {
                    if best.is_none_or(|b| r.version > b.version) {
                        best = Some(r);
                    }
                }
                ProofKind::History => {
                    history.entry(r.version).or_insert(r);
                }
            }
        }
        entries.push(layer_entry_hash(
            layer.kind as u8,
            layer.level,
            layer.max_version,
            &layer_root,
        ));
    }
    let count = entries.len() as u64;
    let master = commit_hash(CommitTag::Master, count, &root_in_place(&mut entries));
    if &master != root {
        return Err(invalid("the proof does not lead to the root"));
    }
    Ok(match kind {
        ProofKind::Get => match best {
            Some(r) if r.kind == 1 => Answer::Found {
                value: r.value.clone(),
                version: r.version,
            },
            _ => Answer::Absent,
        },
        ProofKind::History => Answer::History(
            history
                .iter()
                .rev()
                .filter(|(_, r)| r.kind == 1)
                .map(|(v, r)| (*v, r.value.clone()))
                .collect(),
        ),
    })
}

fn record_leaf(r: &Record) -> Hash {
    leaf_hash(&r.key, r.version, r.kind, &r.value)
}

fn check_range(smallest: &[u8], largest: &[u8], layer: usize) -> Result<()> {
    if smallest > largest {
        return Err(invalid(format!("layer {layer}: table range reversed")));
    }
    Ok(())
}

/// True when the (one or two adjacent) opaque tables shown prove that no
/// table of the sorted, disjoint list of `n` covers `key`.
fn key_between_tables(key: &[u8], tables: &[TableEntry], first: u64, n: u64) -> bool {
    fn range(e: &TableEntry) -> Option<(&[u8], &[u8])> {
        match e {
            TableEntry::Opaque {
                smallest, largest, ..
            } => Some((smallest.as_slice(), largest.as_slice())),
            TableEntry::Opened { .. } => None,
        }
    }
    match tables {
        [a, b] => match (range(a), range(b)) {
            (Some((_, a_largest)), Some((b_smallest, _))) => a_largest < key && key < b_smallest,
            _ => false,
        },
        [a] => match range(a) {
            Some((smallest, largest)) => {
                (first == 0 && key < smallest) || (first + 1 == n && key > largest)
            }
            None => false,
        },
        _ => false,
    }
}

/// The records of an opened table, in order.
type SpanRecords<'a> = std::iter::FlatMap<
    std::slice::Iter<'a, super::proof::BlockSpan>,
    std::slice::Iter<'a, Record>,
    fn(&'a super::proof::BlockSpan) -> std::slice::Iter<'a, Record>,
>;

/// Recomputes an opened table's root from its span (`leaves` is scratch);
/// returns the records in order and whether they start at the table's
/// first record and end at its last.
fn table_records<'a>(
    table: &'a TableSpan,
    leaves: &mut Vec<Hash>,
    layer: usize,
) -> Result<(Hash, SpanRecords<'a>, bool, bool)> {
    let spans = &table.spans;
    if spans.is_empty() {
        return Err(invalid(format!("layer {layer}: empty table span")));
    }
    // At most a few spans (a proof's table span joins consecutive blocks).
    let mut block_commits = Vec::with_capacity(spans.len());
    for (j, span) in spans.iter().enumerate() {
        if span.records.is_empty() {
            return Err(invalid(format!("layer {layer}: empty block span")));
        }
        leaves.clear();
        leaves.extend(span.records.iter().map(record_leaf));
        let tree = range_root(span.range.n, span.range.first, leaves, &span.range.siblings)
            .ok_or_else(|| invalid(format!("layer {layer}: block path does not fit")))?;
        let ends_block = span.range.first + span.records.len() as u64 == span.range.n;
        // Consecutive blocks: the span must run from one block's last
        // record straight into the next block's first.
        if j + 1 < spans.len() && !ends_block {
            return Err(invalid(format!("layer {layer}: gap between blocks")));
        }
        if j > 0 && span.range.first != 0 {
            return Err(invalid(format!("layer {layer}: gap between blocks")));
        }
        block_commits.push(commit_hash(CommitTag::Block, span.range.n, &tree));
    }
    let span_records: fn(&'a super::proof::BlockSpan) -> std::slice::Iter<'a, Record> =
        |s| s.records.iter();
    let records = spans.iter().flat_map(span_records);
    let blocks = &table.blocks;
    let tree = range_root(blocks.n, blocks.first, &block_commits, &blocks.siblings)
        .ok_or_else(|| invalid(format!("layer {layer}: table path does not fit")))?;
    let root = commit_hash(CommitTag::Table, blocks.n, &tree);
    let last = spans.last().expect("non-empty");
    let at_start = blocks.first == 0 && spans[0].range.first == 0;
    let at_end = blocks.first + spans.len() as u64 == blocks.n
        && last.range.first + last.records.len() as u64 == last.range.n;
    Ok((root, records, at_start, at_end))
}

/// Where a record falls relative to the query, in the layer's order (user
/// key ascending, version descending).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Before,
    Match,
    After,
}

struct Target<'a> {
    key: &'a [u8],
    lo: u64,
    hi: u64,
    kind: ProofKind,
}

impl Target<'_> {
    fn place(&self, r: &Record) -> Place {
        match r.key.as_slice().cmp(self.key) {
            Ordering::Less => Place::Before,
            Ordering::Greater => Place::After,
            Ordering::Equal if r.version > self.hi => Place::Before,
            Ordering::Equal if r.version < self.lo => Place::After,
            Ordering::Equal => Place::Match,
        }
    }

    /// Checks that consecutive `records` (starting at the layer's first
    /// record when `at_start`, ending at its last when `at_end`) bracket the
    /// query exactly, and returns the records that answer it.
    fn classify<'r>(
        &self,
        records: impl Iterator<Item = &'r Record>,
        at_start: bool,
        at_end: bool,
        layer: usize,
    ) -> Result<Vec<&'r Record>> {
        let bad = |what: &str| invalid(format!("layer {layer}: {what}"));
        let (mut before, mut matches, mut after) = (0usize, 0usize, 0usize);
        let mut prev: Option<(&Record, Place)> = None;
        let mut out: Vec<&Record> = Vec::new();
        for r in records {
            let place = self.place(r);
            if let Some((a, a_place)) = prev {
                let order = a.key.cmp(&r.key).then(r.version.cmp(&a.version));
                if order == Ordering::Greater || a_place > place {
                    return Err(bad("records out of order"));
                }
            }
            match place {
                Place::Before => before += 1,
                Place::Match => {
                    matches += 1;
                    // Several records of one version: the first is the newest.
                    if out.last().is_none_or(|l| l.version != r.version) {
                        out.push(r);
                    }
                }
                Place::After => after += 1,
            }
            prev = Some((r, place));
        }
        // The span must start just before the query (or at the layer's
        // start) and end just after what it answers (or at the layer's end),
        // with nothing superfluous.
        let bracket = match self.kind {
            // Only the first record at or below the version answers.
            ProofKind::Get => matches + after <= 1 && (matches + after == 1 || at_end),
            ProofKind::History => after <= 1 && (after == 1 || at_end),
        };
        if before > 1 || (before == 0 && !at_start) || !bracket {
            return Err(bad("the records shown do not bracket the key"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_range_is_an_argument_error_whatever_the_bytes() {
        let q = Query::History {
            key: b"k",
            min: 5,
            max: 2,
        };
        for bytes in [&b""[..], b"garbage", b"AVCP\x01\x02\x00\x00\x00\x00"] {
            let e = verify_bytes(&[0; 32], &q, bytes).unwrap_err();
            assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
        }
        let e = verify_bytes(
            &[0; 32],
            &Query::Get {
                key: b"k",
                version: 1,
            },
            b"x",
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidProof(_)), "{e}");
    }
}
