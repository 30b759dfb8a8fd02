//! One batch record: its byte encoding inside a batch's data buffer, the
//! index entry that locates it there, and the borrowed view handed out to
//! callers (`BatchRecord`). `docs/BATCH_FORMAT.md` specifies the encoding.
//!
//! ```text
//! record := type:u8 ‖ varint32(key_len) ‖ key
//!           [‖ varint32(value_len) ‖ value]   (type 1 and 3)
//!           [‖ version:u64 LE]                (type 2 and 3)
//! ```

use crate::error::{Error, Result};
use crate::key::Kind;
use crate::util::coding::{decode_fixed64, get_varint32, put_varint32, varint_len};

/// Longest varint32 the decoder accepts (5 bytes carry 35 bits).
const MAX_VARINT32_LEN: usize = 5;

/// Per-record overhead that `internal_len` charges on top of key and value:
/// the 8-byte tag of the internal key, plus 8 more for a version.
const INTERNAL_OVERHEAD: usize = 8;

/// The record type byte: kind and whether a version follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum RecordType {
    Delete = 0,
    Value = 1,
    VersionedDelete = 2,
    VersionedValue = 3,
}

impl RecordType {
    fn from_u8(b: u8) -> Option<RecordType> {
        match b {
            0 => Some(RecordType::Delete),
            1 => Some(RecordType::Value),
            2 => Some(RecordType::VersionedDelete),
            3 => Some(RecordType::VersionedValue),
            _ => None,
        }
    }

    fn kind(self) -> Kind {
        match self {
            RecordType::Delete | RecordType::VersionedDelete => Kind::Deletion,
            RecordType::Value | RecordType::VersionedValue => Kind::Value,
        }
    }

    pub(super) fn has_value(self) -> bool {
        self.kind() == Kind::Value
    }

    fn versioned(self) -> bool {
        matches!(
            self,
            RecordType::VersionedDelete | RecordType::VersionedValue
        )
    }
}

/// One record of a batch, borrowed from the batch's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchRecord<'a> {
    /// Value or deletion.
    pub kind: Kind,
    /// The user key.
    pub key: &'a [u8],
    /// The value; empty for a deletion.
    pub value: &'a [u8],
    /// The explicit version; 0 when `versioned` is false (a plain put or
    /// delete writes version 0).
    pub version: u64,
    /// True for records written by `put_with_version`/`delete_with_version`.
    pub versioned: bool,
}

impl BatchRecord<'_> {
    /// The record's share of [`Batch::internal_len`](super::Batch::internal_len):
    /// `key.len() + value.len() + 8`, plus 8 when versioned.
    pub fn internal_len(&self) -> usize {
        internal_len(self.key.len(), self.value.len(), self.versioned)
    }
}

fn internal_len(key_len: usize, value_len: usize, versioned: bool) -> usize {
    let version = if versioned { INTERNAL_OVERHEAD } else { 0 };
    key_len + value_len + INTERNAL_OVERHEAD + version
}

/// Where one record lives in the data buffer, so that reading a record
/// never re-parses varints. Offsets are absolute in the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Entry {
    key_pos: usize,
    /// For a deletion: `key_pos + key_len` (an empty, in-bounds slice).
    value_pos: usize,
    key_len: u32,
    value_len: u32,
    version: u64,
    rtype: RecordType,
}

impl Entry {
    /// The record this entry locates in `data` (the buffer it was made for).
    pub(super) fn record<'a>(&self, data: &'a [u8]) -> BatchRecord<'a> {
        let key_end = self.key_pos + self.key_len as usize;
        let value_end = self.value_pos + self.value_len as usize;
        BatchRecord {
            kind: self.rtype.kind(),
            key: &data[self.key_pos..key_end],
            value: &data[self.value_pos..value_end],
            version: self.version,
            versioned: self.rtype.versioned(),
        }
    }

    pub(super) fn internal_len(&self) -> usize {
        internal_len(
            self.key_len as usize,
            self.value_len as usize,
            self.rtype.versioned(),
        )
    }

    /// The same entry for its record moved `by` bytes later (after `append`).
    pub(super) fn shifted(self, by: usize) -> Entry {
        Entry {
            key_pos: self.key_pos + by,
            value_pos: self.value_pos + by,
            ..self
        }
    }
}

/// Converts a caller's key or value length to the u32 the encoding carries.
///
/// # Panics
/// On lengths above `u32::MAX`: such records cannot be encoded, and the C
/// facade rejects them before they get here, so reaching this is a bug.
fn len_u32(bytes: &[u8], what: &str) -> u32 {
    u32::try_from(bytes.len())
        .unwrap_or_else(|_| panic!("batch {what} of {} bytes exceeds 4 GiB", bytes.len()))
}

/// Exact encoded size of a record.
pub(super) fn encoded_len(rtype: RecordType, key_len: usize, value_len: usize) -> usize {
    let mut n = 1 + varint_len(key_len as u64) + key_len;
    if rtype.has_value() {
        n += varint_len(value_len as u64) + value_len;
    }
    if rtype.versioned() {
        n += 8;
    }
    n
}

/// Appends one record to `dst` and returns its index entry. `value` is
/// ignored for deletions and `version` for unversioned types. The caller
/// reserves room first (the batch's growth policy decides how much).
pub(super) fn append_record(
    dst: &mut Vec<u8>,
    rtype: RecordType,
    key: &[u8],
    value: &[u8],
    version: u64,
) -> Entry {
    let key_len = len_u32(key, "key");
    dst.push(rtype as u8);
    put_varint32(dst, key_len);
    let key_pos = dst.len();
    dst.extend_from_slice(key);
    let (value_pos, value_len) = if rtype.has_value() {
        let value_len = len_u32(value, "value");
        put_varint32(dst, value_len);
        let pos = dst.len();
        dst.extend_from_slice(value);
        (pos, value_len)
    } else {
        (dst.len(), 0)
    };
    let version = if rtype.versioned() {
        dst.extend_from_slice(&version.to_le_bytes());
        version
    } else {
        0
    };
    Entry {
        key_pos,
        value_pos,
        key_len,
        value_len,
        version,
        rtype,
    }
}

/// Reads a varint32 length at `pos` and checks that that many bytes follow
/// it. Returns the length and the position of the bytes.
fn decode_len(data: &[u8], pos: usize, base: usize, what: &str) -> Result<(u32, usize)> {
    let rest = data.get(pos..).unwrap_or_default();
    let mut cursor = rest;
    let len = get_varint32(&mut cursor)
        .filter(|_| rest.len() - cursor.len() <= MAX_VARINT32_LEN)
        .ok_or_else(|| {
            Error::corruption(format!(
                "batch record: bad {what} length varint at offset {}",
                base + pos
            ))
        })?;
    let start = pos + (rest.len() - cursor.len());
    if (len as usize) > cursor.len() {
        return Err(Error::corruption(format!(
            "batch record: {what} of {len} bytes at offset {} overruns the data ({} bytes left)",
            base + start,
            cursor.len()
        )));
    }
    Ok((len, start))
}

/// Decodes the record starting at `data[pos]` and returns its entry (with
/// offsets into `data`) and the position just past it. Total: any input
/// gives a record or `Error::Corruption` naming offset `base + position`.
pub(super) fn decode_record(data: &[u8], pos: usize, base: usize) -> Result<(Entry, usize)> {
    let type_byte = *data.get(pos).ok_or_else(|| {
        Error::corruption(format!(
            "batch record: missing type at offset {}",
            base + pos
        ))
    })?;
    let rtype = RecordType::from_u8(type_byte).ok_or_else(|| {
        Error::corruption(format!(
            "batch record: unknown record type {type_byte:#04x} at offset {}",
            base + pos
        ))
    })?;
    let (key_len, key_pos) = decode_len(data, pos + 1, base, "key")?;
    let mut end = key_pos + key_len as usize;
    let (value_len, value_pos) = if rtype.has_value() {
        let (len, start) = decode_len(data, end, base, "value")?;
        end = start + len as usize;
        (len, start)
    } else {
        (0, end)
    };
    let version = if rtype.versioned() {
        let v = data.get(end..).and_then(decode_fixed64).ok_or_else(|| {
            Error::corruption(format!(
                "batch record: truncated version at offset {}",
                base + end
            ))
        })?;
        end += 8;
        v
    } else {
        0
    };
    let entry = Entry {
        key_pos,
        value_pos,
        key_len,
        value_len,
        version,
        rtype,
    };
    Ok((entry, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [RecordType; 4] = [
        RecordType::Delete,
        RecordType::Value,
        RecordType::VersionedDelete,
        RecordType::VersionedValue,
    ];

    #[test]
    fn every_type_round_trips_with_exact_length() {
        for rtype in ALL {
            for (klen, vlen) in [(0, 0), (1, 0), (127, 128), (128, 16_384), (300, 5)] {
                let key = vec![b'k'; klen];
                let value = vec![b'v'; vlen];
                let mut buf = b"prefix".to_vec();
                let entry = append_record(&mut buf, rtype, &key, &value, u64::MAX - 1);
                let expect_vlen = if rtype.has_value() { vlen } else { 0 };
                assert_eq!(buf.len() - 6, encoded_len(rtype, klen, expect_vlen));
                let (decoded, end) = decode_record(&buf, 6, 0).unwrap();
                assert_eq!(decoded, entry);
                assert_eq!(end, buf.len());
                let rec = entry.record(&buf);
                assert_eq!(rec.key, &key[..]);
                assert_eq!(rec.value, &value[..expect_vlen]);
                assert_eq!(rec.versioned, rtype.versioned());
                let version = if rtype.versioned() { u64::MAX - 1 } else { 0 };
                assert_eq!(rec.version, version);
                assert_eq!(rec.internal_len(), entry.internal_len());
            }
        }
    }

    #[test]
    fn byte_layout_is_as_documented() {
        let mut buf = Vec::new();
        append_record(&mut buf, RecordType::VersionedValue, b"ab", b"xyz", 0x0102);
        assert_eq!(
            buf,
            [3, 2, b'a', b'b', 3, b'x', b'y', b'z', 2, 1, 0, 0, 0, 0, 0, 0]
        );
        buf.clear();
        append_record(&mut buf, RecordType::Delete, b"k", b"ignored", 9);
        assert_eq!(buf, [0, 1, b'k']);
    }

    #[test]
    fn malformed_records_name_their_offset() {
        let cases: [(&[u8], &str); 6] = [
            (&[7, 0], "unknown record type 0x07 at offset 100"),
            (&[1], "bad key length varint at offset 101"),
            (&[0, 3, b'a'], "key of 3 bytes at offset 102 overruns"),
            (&[1, 1, b'a'], "bad value length varint at offset 103"),
            (&[2, 0, 1, 2, 3], "truncated version at offset 102"),
            (
                &[0, 0x80, 0x80, 0x80, 0x80, 0x80, 0],
                "bad key length varint",
            ),
        ];
        for (bytes, want) in cases {
            let err = decode_record(bytes, 0, 100).unwrap_err();
            assert!(err.is_corruption());
            assert!(err.to_string().contains(want), "{err} lacks {want}");
        }
    }
}
