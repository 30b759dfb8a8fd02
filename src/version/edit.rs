//! `VersionEdit`: one manifest record — the changes from one version of the
//! table set to the next — and its encoding (docs/MANIFEST_FORMAT.md).

use crate::error::{Error, Result};
use crate::util::coding::{
    get_length_prefixed, get_varint32, get_varint64, put_length_prefixed, put_varint32,
    put_varint64,
};
use crate::version::{FileMeta, NUM_LEVELS};

// Field tags. Never renumber: manifests on disk use them.
const TAG_COMPARATOR: u32 = 1;
const TAG_JOURNAL_NUMBER: u32 = 2;
const TAG_NEXT_FILE_NUMBER: u32 = 3;
const TAG_LAST_SEQUENCE: u32 = 4;
const TAG_COMPACT_POINTER: u32 = 5;
const TAG_DELETED_TABLE: u32 = 6;
const TAG_NEW_TABLE: u32 = 7;
const TAG_NEW_TABLE_WITH_ROOT: u32 = 8;
/// A new table with its largest version and sequence (then, for tag 10,
/// its Merkle root): what avccdb writes since tables carry these.
const TAG_NEW_TABLE_WITH_MAX: u32 = 9;
const TAG_NEW_TABLE_WITH_MAX_AND_ROOT: u32 = 10;

/// A set of changes to the table set plus the counters that must be
/// persisted with them. Absent fields leave the previous value in force.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionEdit {
    /// Name of the user comparator the database was created with.
    pub comparator: Option<String>,
    /// Journals numbered below this are no longer needed for recovery.
    pub journal_number: Option<u64>,
    pub next_file_number: Option<u64>,
    pub last_sequence: Option<u64>,
    /// Where the next compaction of a level starts (round-robin).
    pub compact_pointers: Vec<(usize, Vec<u8>)>,
    /// (level, table number) removed.
    pub deleted_tables: Vec<(usize, u64)>,
    /// (level, table) added.
    pub new_tables: Vec<(usize, FileMeta)>,
}

impl VersionEdit {
    pub fn add_table(&mut self, level: usize, meta: FileMeta) {
        self.new_tables.push((level, meta));
    }

    pub fn delete_table(&mut self, level: usize, number: u64) {
        self.deleted_tables.push((level, number));
    }

    /// Appends the encoding of this edit to `dst`.
    pub fn encode(&self, dst: &mut Vec<u8>) {
        if let Some(name) = &self.comparator {
            put_varint32(dst, TAG_COMPARATOR);
            put_length_prefixed(dst, name.as_bytes());
        }
        for (tag, value) in [
            (TAG_JOURNAL_NUMBER, self.journal_number),
            (TAG_NEXT_FILE_NUMBER, self.next_file_number),
            (TAG_LAST_SEQUENCE, self.last_sequence),
        ] {
            if let Some(v) = value {
                put_varint32(dst, tag);
                put_varint64(dst, v);
            }
        }
        for (level, key) in &self.compact_pointers {
            put_varint32(dst, TAG_COMPACT_POINTER);
            put_varint32(dst, *level as u32);
            put_length_prefixed(dst, key);
        }
        for (level, number) in &self.deleted_tables {
            put_varint32(dst, TAG_DELETED_TABLE);
            put_varint32(dst, *level as u32);
            put_varint64(dst, *number);
        }
        for (level, meta) in &self.new_tables {
            let tag = if meta.merkle_root.is_some() {
                TAG_NEW_TABLE_WITH_MAX_AND_ROOT
            } else {
                TAG_NEW_TABLE_WITH_MAX
            };
            put_varint32(dst, tag);
            put_varint32(dst, *level as u32);
            put_varint64(dst, meta.number);
            put_varint64(dst, meta.size);
            put_length_prefixed(dst, &meta.smallest);
            put_length_prefixed(dst, &meta.largest);
            put_varint64(dst, meta.max_version);
            put_varint64(dst, meta.max_sequence);
            if let Some(root) = &meta.merkle_root {
                dst.extend_from_slice(root);
            }
        }
    }

    /// Parses one encoded edit. Unknown tags, bad levels and truncation are
    /// `Error::Corruption`.
    pub fn decode(src: &[u8]) -> Result<VersionEdit> {
        let mut edit = VersionEdit::default();
        let mut input = src;
        while !input.is_empty() {
            let at = src.len() - input.len();
            let tag = get_varint32(&mut input).ok_or_else(|| bad(at, "tag"))?;
            match tag {
                TAG_COMPARATOR => {
                    let name =
                        get_length_prefixed(&mut input).ok_or_else(|| bad(at, "comparator"))?;
                    let name = std::str::from_utf8(name)
                        .map_err(|_| bad(at, "comparator name is not UTF-8"))?;
                    edit.comparator = Some(name.to_string());
                }
                TAG_JOURNAL_NUMBER => {
                    edit.journal_number = Some(varint64(&mut input, at, "journal number")?);
                }
                TAG_NEXT_FILE_NUMBER => {
                    edit.next_file_number = Some(varint64(&mut input, at, "next file number")?);
                }
                TAG_LAST_SEQUENCE => {
                    edit.last_sequence = Some(varint64(&mut input, at, "last sequence")?);
                }
                TAG_COMPACT_POINTER => {
                    let level = level(&mut input, at)?;
                    let key = get_length_prefixed(&mut input)
                        .ok_or_else(|| bad(at, "compact pointer"))?;
                    edit.compact_pointers.push((level, key.to_vec()));
                }
                TAG_DELETED_TABLE => {
                    let level = level(&mut input, at)?;
                    let number = varint64(&mut input, at, "deleted table number")?;
                    edit.deleted_tables.push((level, number));
                }
                TAG_NEW_TABLE
                | TAG_NEW_TABLE_WITH_ROOT
                | TAG_NEW_TABLE_WITH_MAX
                | TAG_NEW_TABLE_WITH_MAX_AND_ROOT => {
                    let level = level(&mut input, at)?;
                    let number = varint64(&mut input, at, "table number")?;
                    let size = varint64(&mut input, at, "table size")?;
                    let smallest =
                        get_length_prefixed(&mut input).ok_or_else(|| bad(at, "smallest key"))?;
                    let largest =
                        get_length_prefixed(&mut input).ok_or_else(|| bad(at, "largest key"))?;
                    let mut meta = FileMeta::new(number, size, smallest.to_vec(), largest.to_vec());
                    if matches!(
                        tag,
                        TAG_NEW_TABLE_WITH_MAX | TAG_NEW_TABLE_WITH_MAX_AND_ROOT
                    ) {
                        meta.max_version = varint64(&mut input, at, "table max version")?;
                        meta.max_sequence = varint64(&mut input, at, "table max sequence")?;
                    }
                    if matches!(
                        tag,
                        TAG_NEW_TABLE_WITH_ROOT | TAG_NEW_TABLE_WITH_MAX_AND_ROOT
                    ) {
                        let root: [u8; 32] = input
                            .get(..32)
                            .and_then(|r| r.try_into().ok())
                            .ok_or_else(|| bad(at, "merkle root"))?;
                        input = &input[32..];
                        meta.merkle_root = Some(root);
                    }
                    edit.new_tables.push((level, meta));
                }
                other => {
                    return Err(Error::corruption(format!(
                        "version edit: unknown tag {other} at offset {at}"
                    )))
                }
            }
        }
        Ok(edit)
    }
}

fn bad(offset: usize, what: &str) -> Error {
    Error::corruption(format!("version edit: bad {what} at offset {offset}"))
}

fn varint64(input: &mut &[u8], at: usize, what: &str) -> Result<u64> {
    get_varint64(input).ok_or_else(|| bad(at, what))
}

fn level(input: &mut &[u8], at: usize) -> Result<usize> {
    match get_varint32(input) {
        Some(l) if (l as usize) < NUM_LEVELS => Ok(l as usize),
        _ => Err(bad(at, "level")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{make_internal_key, Kind};
    use crate::util::random::Rng;

    fn sample(rng: &mut Rng) -> VersionEdit {
        let mut e = VersionEdit {
            comparator: Some("leveldb.BytewiseComparator".into()),
            journal_number: Some(rng.next_u64()),
            next_file_number: Some(rng.below(1 << 40)),
            last_sequence: Some(rng.below(1 << 56)),
            ..Default::default()
        };
        for i in 0..rng.below(5) {
            e.compact_pointers.push((
                i as usize % NUM_LEVELS,
                make_internal_key(b"cp", i, i, Kind::Value),
            ));
            e.delete_table(rng.below(NUM_LEVELS as u64) as usize, rng.next_u64());
            let mut meta = FileMeta::new(
                rng.next_u64(),
                rng.next_u64(),
                make_internal_key(&rng.bytes(3), 1, 2, Kind::Value),
                make_internal_key(&rng.bytes(9), 0, 7, Kind::Deletion),
            );
            if rng.one_in(2) {
                meta.max_version = rng.next_u64();
                meta.max_sequence = rng.below(1 << 56);
            }
            if rng.one_in(2) {
                let mut root = [0u8; 32];
                rng.fill(&mut root);
                meta.merkle_root = Some(root);
            }
            e.add_table(rng.below(NUM_LEVELS as u64) as usize, meta);
        }
        e
    }

    #[test]
    fn round_trip() {
        let mut rng = Rng::new(11);
        for _ in 0..200 {
            let e = sample(&mut rng);
            let mut buf = Vec::new();
            e.encode(&mut buf);
            assert_eq!(VersionEdit::decode(&buf).unwrap(), e);
        }
        let empty = VersionEdit::default();
        let mut buf = Vec::new();
        empty.encode(&mut buf);
        assert!(buf.is_empty());
        assert_eq!(VersionEdit::decode(&buf).unwrap(), empty);
    }

    #[test]
    fn every_truncation_is_an_error_or_a_prefix_edit() {
        let mut rng = Rng::new(12);
        let e = sample(&mut rng);
        let mut buf = Vec::new();
        e.encode(&mut buf);
        for cut in 0..buf.len() {
            // A cut between two fields decodes to fewer fields; anywhere else
            // it must be corruption. Either way: no panic, never extra data.
            if let Ok(d) = VersionEdit::decode(&buf[..cut]) {
                assert!(d.new_tables.len() <= e.new_tables.len());
                let mut re = Vec::new();
                d.encode(&mut re);
                assert_eq!(re, &buf[..cut], "cut {cut} must be a field boundary");
            }
        }
    }

    #[test]
    fn bad_level_and_unknown_tag_are_corruption() {
        let mut buf = Vec::new();
        put_varint32(&mut buf, TAG_DELETED_TABLE);
        put_varint32(&mut buf, NUM_LEVELS as u32);
        put_varint64(&mut buf, 1);
        assert!(VersionEdit::decode(&buf).unwrap_err().is_corruption());
        assert!(VersionEdit::decode(&[99]).unwrap_err().is_corruption());
        let mut rng = Rng::new(13);
        for _ in 0..2000 {
            let len = rng.below(40) as usize;
            let _ = VersionEdit::decode(&rng.bytes(len)); // must not panic
        }
    }

    #[test]
    fn tables_from_older_records_have_unknown_maxima() {
        let mut buf = Vec::new();
        put_varint32(&mut buf, TAG_NEW_TABLE);
        put_varint32(&mut buf, 1);
        put_varint64(&mut buf, 5);
        put_varint64(&mut buf, 100);
        put_length_prefixed(&mut buf, &make_internal_key(b"a", 0, 1, Kind::Value));
        put_length_prefixed(&mut buf, &make_internal_key(b"z", 0, 2, Kind::Value));
        let e = VersionEdit::decode(&buf).unwrap();
        let m = &e.new_tables[0].1;
        assert_eq!((m.max_version, m.max_sequence), (u64::MAX, u64::MAX));
        assert!(
            !m.cannot_beat(u64::MAX, 0),
            "unknown maxima never skip a table"
        );
        let known = FileMeta {
            max_version: 7,
            max_sequence: 50,
            ..m.clone()
        };
        assert!(known.cannot_beat(8, 0));
        assert!(known.cannot_beat(7, 51));
        assert!(!known.cannot_beat(7, 50));
        assert!(!known.cannot_beat(6, 1000));
    }
}
