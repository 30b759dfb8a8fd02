//! Proof values and their byte format (`docs/PROOF_FORMAT.md`). Decoding
//! is strict: every count and length is checked against the bytes left
//! before anything is allocated, unknown tags and trailing bytes are
//! errors, and nothing recurses.

use super::hash::Hash;
use super::tree::MAX_ITEMS;
use crate::error::{Error, Result};

/// Leading bytes of an encoded proof.
pub const MAGIC: &[u8; 4] = b"AVCP";
/// The format this code writes and reads.
pub const FORMAT_VERSION: u8 = 1;

/// Most layers a proof may carry (a database has memdbs, level-0 tables
/// and at most six deeper levels; this is far above any real count).
pub const MAX_LAYERS: usize = 4096;
/// Most siblings one range proof can need (two per tree level, 48 levels).
pub const MAX_SIBLINGS: usize = 96;
/// Largest key or value a record may carry (as in tables).
pub const MAX_FIELD_LEN: usize = (u32::MAX / 2) as usize;

/// Which question a proof answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ProofKind {
    /// The newest record of a key at or below a version (or its absence).
    Get = 1,
    /// Every version of a key in a range, with completeness.
    History = 2,
}

/// Where a layer sits in the read order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum LayerKind {
    /// A memdb (the live one, then the one being flushed).
    Memdb = 1,
    /// One level-0 table.
    Level0Table = 2,
    /// A level ≥ 1: its tables in key order.
    Level = 3,
}

impl LayerKind {
    fn from_u8(b: u8) -> Option<LayerKind> {
        match b {
            1 => Some(LayerKind::Memdb),
            2 => Some(LayerKind::Level0Table),
            3 => Some(LayerKind::Level),
            _ => None,
        }
    }
}

/// One record as the tree sees it (sequence numbers are not authenticated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub key: Vec<u8>,
    pub version: u64,
    /// 0 = deletion (tombstone, empty value), 1 = value.
    pub kind: u8,
    pub value: Vec<u8>,
}

/// Items `first ..` of a list of `n`, with the siblings that connect them
/// to the list's tree root (`tree::range_root`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeProof {
    pub n: u64,
    pub first: u64,
    pub siblings: Vec<Hash>,
}

/// Consecutive records of one data block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockSpan {
    pub range: RangeProof,
    pub records: Vec<Record>,
}

/// Consecutive records of a table: consecutive blocks, each with a span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSpan {
    pub blocks: RangeProof,
    pub spans: Vec<BlockSpan>,
}

/// A table of a level (or the one table of a level-0 layer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableEntry {
    /// Only its user-key range and root: shows the key is outside it.
    Opaque {
        smallest: Vec<u8>,
        largest: Vec<u8>,
        root: Hash,
    },
    /// Its range and the records around the key inside it.
    Opened {
        smallest: Vec<u8>,
        largest: Vec<u8>,
        table: TableSpan,
    },
}

/// What a proof shows of one layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerBody {
    /// Nothing but its root: allowed only where its `max_version` shows it
    /// cannot change the answer.
    Skipped { root: Hash },
    /// Consecutive records of a memdb.
    Memdb {
        range: RangeProof,
        records: Vec<Record>,
    },
    /// Consecutive tables of a level-0 table or a level.
    Tables {
        range: RangeProof,
        entries: Vec<TableEntry>,
    },
}

/// One layer of the database as of the proof's view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerProof {
    pub kind: LayerKind,
    /// 0 for memdbs and level-0 tables, else the level.
    pub level: u8,
    /// No record of the layer has a higher version.
    pub max_version: u64,
    pub body: LayerBody,
}

/// A proof: every layer of one view, in read order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub kind: ProofKind,
    pub layers: Vec<LayerProof>,
}

impl Proof {
    /// The byte form (`docs/PROOF_FORMAT.md`).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(MAGIC);
        out.push(FORMAT_VERSION);
        out.push(self.kind as u8);
        out.extend_from_slice(&(self.layers.len() as u32).to_be_bytes());
        for layer in &self.layers {
            out.push(layer.kind as u8);
            out.push(layer.level);
            out.extend_from_slice(&layer.max_version.to_be_bytes());
            match &layer.body {
                LayerBody::Skipped { root } => {
                    out.push(0);
                    out.extend_from_slice(root);
                }
                LayerBody::Memdb { range, records } => {
                    out.push(1);
                    put_range(&mut out, range);
                    put_records(&mut out, records);
                }
                LayerBody::Tables { range, entries } => {
                    out.push(2);
                    put_range(&mut out, range);
                    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
                    for e in entries {
                        put_entry(&mut out, e);
                    }
                }
            }
        }
        out
    }

    /// Parses `bytes`; `Error::InvalidProof` for anything malformed.
    pub fn decode(bytes: &[u8]) -> Result<Proof> {
        let mut r = Reader { buf: bytes, pos: 0 };
        if r.take(4)? != MAGIC {
            return Err(r.bad("bad magic"));
        }
        if r.u8()? != FORMAT_VERSION {
            return Err(r.bad("unknown format version"));
        }
        let kind = match r.u8()? {
            1 => ProofKind::Get,
            2 => ProofKind::History,
            _ => return Err(r.bad("unknown proof kind")),
        };
        // A layer takes at least 43 bytes (its header and a root).
        let count = r.count(MAX_LAYERS, 43)?;
        let mut layers = Vec::with_capacity(count);
        for _ in 0..count {
            let kind = LayerKind::from_u8(r.u8()?).ok_or_else(|| r.bad("unknown layer kind"))?;
            let level = r.u8()?;
            let max_version = r.u64()?;
            let body = match r.u8()? {
                0 => LayerBody::Skipped { root: r.hash()? },
                1 => {
                    let range = r.range()?;
                    let records = r.records()?;
                    LayerBody::Memdb { range, records }
                }
                2 => {
                    let range = r.range()?;
                    // An entry takes at least 9 bytes.
                    let n = r.count(usize::MAX, 9)?;
                    let mut entries = Vec::with_capacity(n);
                    for _ in 0..n {
                        entries.push(r.entry()?);
                    }
                    LayerBody::Tables { range, entries }
                }
                _ => return Err(r.bad("unknown layer body")),
            };
            layers.push(LayerProof {
                kind,
                level,
                max_version,
                body,
            });
        }
        if r.pos != bytes.len() {
            return Err(r.bad("trailing bytes"));
        }
        Ok(Proof { kind, layers })
    }
}

fn put_range(out: &mut Vec<u8>, range: &RangeProof) {
    out.extend_from_slice(&range.n.to_be_bytes());
    out.extend_from_slice(&range.first.to_be_bytes());
    out.push(range.siblings.len() as u8);
    for s in &range.siblings {
        out.extend_from_slice(s);
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_be_bytes());
    out.extend_from_slice(b);
}

fn put_records(out: &mut Vec<u8>, records: &[Record]) {
    out.extend_from_slice(&(records.len() as u32).to_be_bytes());
    for rec in records {
        put_bytes(out, &rec.key);
        out.extend_from_slice(&rec.version.to_be_bytes());
        out.push(rec.kind);
        put_bytes(out, &rec.value);
    }
}

fn put_entry(out: &mut Vec<u8>, e: &TableEntry) {
    match e {
        TableEntry::Opaque {
            smallest,
            largest,
            root,
        } => {
            out.push(0);
            put_bytes(out, smallest);
            put_bytes(out, largest);
            out.extend_from_slice(root);
        }
        TableEntry::Opened {
            smallest,
            largest,
            table,
        } => {
            out.push(1);
            put_bytes(out, smallest);
            put_bytes(out, largest);
            put_range(out, &table.blocks);
            out.extend_from_slice(&(table.spans.len() as u32).to_be_bytes());
            for span in &table.spans {
                put_range(out, &span.range);
                put_records(out, &span.records);
            }
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn bad(&self, what: &str) -> Error {
        Error::InvalidProof(format!("{what} at byte {}", self.pos))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.buf.len() - self.pos < n {
            return Err(self.bad("truncated"));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn hash(&mut self) -> Result<Hash> {
        Ok(self.take(32)?.try_into().expect("32 bytes"))
    }

    /// A u32 count of elements of at least `min_size` bytes each, checked
    /// against `max` and the bytes left (so allocation stays bounded).
    fn count(&mut self, max: usize, min_size: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        let left = self.buf.len() - self.pos;
        if n > max || n.saturating_mul(min_size) > left {
            return Err(self.bad("count larger than the proof"));
        }
        Ok(n)
    }

    fn bytes(&mut self) -> Result<Vec<u8>> {
        let n = self.u32()? as usize;
        if n > MAX_FIELD_LEN {
            return Err(self.bad("field too long"));
        }
        Ok(self.take(n)?.to_vec())
    }

    fn range(&mut self) -> Result<RangeProof> {
        let n = self.u64()?;
        let first = self.u64()?;
        if n == 0 || n > MAX_ITEMS || first >= n {
            return Err(self.bad("range outside its list"));
        }
        let count = self.u8()? as usize;
        if count > MAX_SIBLINGS || count * 32 > self.buf.len() - self.pos {
            return Err(self.bad("too many siblings"));
        }
        let mut siblings = Vec::with_capacity(count);
        for _ in 0..count {
            siblings.push(self.hash()?);
        }
        Ok(RangeProof { n, first, siblings })
    }

    fn records(&mut self) -> Result<Vec<Record>> {
        // A record takes at least 17 bytes.
        let n = self.count(usize::MAX, 17)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let key = self.bytes()?;
            let version = self.u64()?;
            let kind = self.u8()?;
            if kind > 1 {
                return Err(self.bad("unknown record kind"));
            }
            let value = self.bytes()?;
            if kind == 0 && !value.is_empty() {
                return Err(self.bad("tombstone with a value"));
            }
            out.push(Record {
                key,
                version,
                kind,
                value,
            });
        }
        Ok(out)
    }

    fn entry(&mut self) -> Result<TableEntry> {
        let tag = self.u8()?;
        let smallest = self.bytes()?;
        let largest = self.bytes()?;
        match tag {
            0 => Ok(TableEntry::Opaque {
                smallest,
                largest,
                root: self.hash()?,
            }),
            1 => {
                let blocks = self.range()?;
                // A block span takes at least 21 bytes.
                let n = self.count(usize::MAX, 21)?;
                let mut spans = Vec::with_capacity(n);
                for _ in 0..n {
                    let range = self.range()?;
                    let records = self.records()?;
                    spans.push(BlockSpan { range, records });
                }
                Ok(TableEntry::Opened {
                    smallest,
                    largest,
                    table: TableSpan { blocks, spans },
                })
            }
            _ => Err(self.bad("unknown table entry")),
        }
    }
}
