//! The prover: answers a get or a version-history query from a Merkle view
//! and builds the proof of that answer — per layer, the records around the
//! key (or the tables around it), or the layer's root alone where its
//! maximum version shows it cannot matter (`docs/PROOF_FORMAT.md`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::db::core::DbInner;
use crate::db::merkle::{Layer, LayerSource, MerkleState};
use crate::error::Result;
use crate::key::{extract_user_key, lookup_key, parse_internal_key, MAX_SEQUENCE};
use crate::merkle::proof::{
    BlockSpan, LayerBody, LayerProof, RangeProof, Record, TableEntry, TableSpan,
};
use crate::merkle::{Answer, Hash, Proof, ProofKind};
use crate::options::ReadOptions;
use crate::table::{BlockMerkle, BlockReadOptions, Table};
use crate::version::TableFile;

/// A query's bounds in the layers' order.
#[derive(Clone, Copy)]
struct Bounds<'a> {
    key: &'a [u8],
    lo: u64,
    hi: u64,
    kind: ProofKind,
    /// The first internal key that is not before the query.
    seek_target: &'a [u8],
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Before,
    Match,
    After,
}

impl Bounds<'_> {
    fn place(&self, r: &Record) -> Place {
        match r.key.as_slice().cmp(self.key) {
            std::cmp::Ordering::Less => Place::Before,
            std::cmp::Ordering::Greater => Place::After,
            _ if r.version > self.hi => Place::Before,
            _ if r.version < self.lo => Place::After,
            _ => Place::Match,
        }
    }
}

fn to_record(ikey: &[u8], value: &[u8]) -> Result<Record> {
    let p = parse_internal_key(ikey)?;
    Ok(Record {
        key: p.user_key.to_vec(),
        version: p.version,
        kind: p.kind as u8,
        value: value.to_vec(),
    })
}

/// Walks a sorted source from the record just before the query through
/// what answers it: indices are positions in the source's order.
fn span_positions<P: Copy>(
    b: &Bounds<'_>,
    start: Option<P>,
    before_start: Option<P>,
    mut record: impl FnMut(P) -> Result<Record>,
    mut next: impl FnMut(P) -> Result<Option<P>>,
) -> Result<Vec<(P, Record)>> {
    let mut out = Vec::new();
    if let Some(p) = before_start {
        out.push((p, record(p)?));
    }
    let mut cur = start;
    while let Some(p) = cur {
        let r = record(p)?;
        let place = b.place(&r);
        out.push((p, r));
        // Get: the first record not before the query ends the span;
        // history: the first record after it does.
        if b.kind == ProofKind::Get || place == Place::After {
            break;
        }
        cur = next(p)?;
    }
    Ok(out)
}

impl DbInner {
    /// Answers `Get(key, version)` or `History(key, min, max)` from `ro`'s
    /// view, with the proof.
    pub(crate) fn prove(
        &self,
        key: &[u8],
        lo: u64,
        hi: u64,
        kind: ProofKind,
        ro: &ReadOptions,
    ) -> Result<(Answer, Proof, Hash)> {
        let state = self.merkle_state(ro)?;
        let seek_target = lookup_key(key, hi, MAX_SEQUENCE);
        let b = Bounds {
            key,
            lo,
            hi,
            kind,
            seek_target: &seek_target,
        };
        let bro = BlockReadOptions {
            verify_checksums: ro.verify_checksums || self.opts.paranoid_checks,
            fill_cache: ro.fill_cache,
        };
        let mut best: Option<Record> = None;
        let mut history: BTreeMap<u64, Record> = BTreeMap::new();
        let mut layers = Vec::with_capacity(state.layers.len());
        for layer in &state.layers {
            let skip = match kind {
                ProofKind::Get => best
                    .as_ref()
                    .is_some_and(|r| layer.max_version.min(hi) <= r.version),
                ProofKind::History => layer.max_version < lo,
            };
            let (body, matches) = if skip {
                (LayerBody::Skipped { root: layer.root }, Vec::new())
            } else {
                self.prove_layer(&state, layer, &b, &bro)?
            };
            for r in matches {
                match kind {
                    ProofKind::Get => {
                        if best.as_ref().is_none_or(|x| r.version > x.version) {
                            best = Some(r);
                        }
                    }
                    ProofKind::History => {
                        history.entry(r.version).or_insert(r);
                    }
                }
            }
            layers.push(LayerProof {
                kind: layer.kind,
                level: layer.level,
                max_version: layer.max_version,
                body,
            });
        }
        let answer = match kind {
            ProofKind::Get => match best {
                Some(r) if r.kind == 1 => Answer::Found {
                    value: r.value,
                    version: r.version,
                },
                _ => Answer::Absent,
            },
            ProofKind::History => Answer::History(
                history
                    .into_iter()
                    .rev()
                    .filter(|(_, r)| r.kind == 1)
                    .map(|(v, r)| (v, r.value))
                    .collect(),
            ),
        };
        Ok((answer, Proof { kind, layers }, state.root))
    }

    /// The body of one layer and the records in it that answer the query.
    fn prove_layer(
        &self,
        state: &MerkleState,
        layer: &Layer,
        b: &Bounds<'_>,
        bro: &BlockReadOptions,
    ) -> Result<(LayerBody, Vec<Record>)> {
        match &layer.source {
            LayerSource::Mem(i) => {
                let view = &state.mem_views[*i];
                let n = view.len();
                let start = view.locate(b.seek_target);
                let span = span_positions(
                    b,
                    (start < n).then_some(start),
                    start.checked_sub(1),
                    |p| {
                        let (k, v) = view.record(p);
                        to_record(k, v)
                    },
                    |p| Ok((p + 1 < n).then_some(p + 1)),
                )?;
                let first = span.first().map_or(0, |(p, _)| *p);
                let records: Vec<Record> = span.into_iter().map(|(_, r)| r).collect();
                let matches = select_matches(b, records.iter());
                let range = RangeProof {
                    n: n as u64,
                    first: first as u64,
                    siblings: view.leaves().range_siblings(first, records.len()),
                };
                Ok((LayerBody::Memdb { range, records }, matches))
            }
            LayerSource::Tables { tables, entries } => {
                // Tables of a layer are sorted and disjoint by user key: the
                // first whose largest key is ≥ the key is the only candidate.
                let idx = tables.partition_point(|t| extract_user_key(&t.meta.largest) < b.key);
                let covers =
                    idx < tables.len() && extract_user_key(&tables[idx].meta.smallest) <= b.key;
                if covers {
                    let t = &tables[idx];
                    let (span, matches) = self.prove_in_table(t, b, bro)?;
                    let entry = TableEntry::Opened {
                        smallest: extract_user_key(&t.meta.smallest).to_vec(),
                        largest: extract_user_key(&t.meta.largest).to_vec(),
                        table: span,
                    };
                    let range = RangeProof {
                        n: tables.len() as u64,
                        first: idx as u64,
                        siblings: entries.range_siblings(idx, 1),
                    };
                    return Ok((
                        LayerBody::Tables {
                            range,
                            entries: vec![entry],
                        },
                        matches,
                    ));
                }
                // Between two tables, or past either end.
                let first = idx.saturating_sub(1);
                let last = idx.min(tables.len() - 1);
                let mut shown = Vec::new();
                for t in &tables[first..=last] {
                    shown.push(TableEntry::Opaque {
                        smallest: extract_user_key(&t.meta.smallest).to_vec(),
                        largest: extract_user_key(&t.meta.largest).to_vec(),
                        root: self.table_root(t)?,
                    });
                }
                let range = RangeProof {
                    n: tables.len() as u64,
                    first: first as u64,
                    siblings: entries.range_siblings(first, last - first + 1),
                };
                Ok((
                    LayerBody::Tables {
                        range,
                        entries: shown,
                    },
                    Vec::new(),
                ))
            }
        }
    }

    /// The records of table `t` around the query, as a proof span.
    fn prove_in_table(
        &self,
        t: &TableFile,
        b: &Bounds<'_>,
        bro: &BlockReadOptions,
    ) -> Result<(TableSpan, Vec<Record>)> {
        let table: Arc<Table> = self.table_cache.get(t.meta.number, t.meta.size)?;
        let merkle = table.merkle()?;
        let nb = merkle.block_handles.len();
        // The blocks this span has looked at (one or two, rarely more).
        let blocks: RefCell<Vec<(usize, Arc<BlockMerkle>)>> = RefCell::default();
        let block = |i: usize| -> Result<Arc<BlockMerkle>> {
            if let Some((_, bm)) = blocks.borrow().iter().find(|(j, _)| *j == i) {
                return Ok(bm.clone());
            }
            let bm = table.block_merkle(i, bro)?;
            blocks.borrow_mut().push((i, bm.clone()));
            Ok(bm)
        };
        let (sb, si) = table.locate(b.seek_target, bro)?;
        let start = (sb < nb).then_some((sb, si));
        let before = match (sb, si) {
            (0, 0) => None,
            (blk, 0) => Some((blk - 1, block(blk - 1)?.len() - 1)),
            (blk, i) => Some((blk, i - 1)),
        };
        let span = span_positions(
            b,
            start,
            before,
            |(blk, i)| {
                let bm = block(blk)?;
                let (k, v) = bm.entry(i);
                to_record(k, v)
            },
            |(blk, i)| {
                if i + 1 < block(blk)?.len() {
                    Ok(Some((blk, i + 1)))
                } else if blk + 1 < nb {
                    Ok(Some((blk + 1, 0)))
                } else {
                    Ok(None)
                }
            },
        )?;
        let mut spans: Vec<BlockSpan> = Vec::new();
        let mut block_ids: Vec<usize> = Vec::new();
        for ((blk, i), r) in span {
            if block_ids.last() != Some(&blk) {
                block_ids.push(blk);
                spans.push(BlockSpan {
                    range: RangeProof {
                        n: block(blk)?.len() as u64,
                        first: i as u64,
                        siblings: Vec::new(),
                    },
                    records: Vec::new(),
                });
            }
            spans.last_mut().expect("pushed").records.push(r);
        }
        for (span, &blk) in spans.iter_mut().zip(&block_ids) {
            span.range.siblings = block(blk)?
                .leaves
                .range_siblings(span.range.first as usize, span.records.len());
        }
        let first_block = block_ids[0];
        let table_span = TableSpan {
            blocks: RangeProof {
                n: nb as u64,
                first: first_block as u64,
                siblings: merkle.blocks.range_siblings(first_block, block_ids.len()),
            },
            spans,
        };
        let matches = select_matches(b, table_span.spans.iter().flat_map(|s| s.records.iter()));
        Ok((table_span, matches))
    }
}

/// The records of a layer span that answer the query (as the verifier
/// selects them: get, the first match; history, the first record of each
/// version).
fn select_matches<'r>(b: &Bounds<'_>, records: impl Iterator<Item = &'r Record>) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::new();
    for r in records.filter(|r| b.place(r) == Place::Match) {
        if out.last().is_none_or(|l| l.version != r.version) {
            out.push(r.clone());
        }
        if b.kind == ProofKind::Get {
            break;
        }
    }
    out
}
