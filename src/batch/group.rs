//! The journal encoding of a write group: the batches the write path merged
//! into one journal record.
//!
//! ```text
//! group := first_sequence:u64 LE ‖ count:u32 LE ‖ batch data ‖ batch data ‖ …
//! ```
//!
//! Record `i` of the group (counting across batches) gets sequence
//! `first_sequence + i`. Decoding validates the whole group before it hands
//! out a single record, so a corrupt group is never half-applied.

use super::record::{decode_record, BatchRecord};
use super::Batch;
use crate::error::{Error, Result};
use crate::key::MAX_SEQUENCE;
use crate::util::coding::{decode_fixed32, decode_fixed64};

/// Size of the group header: first sequence (8) and record count (4).
pub const BATCH_HEADER_LEN: usize = 12;

/// True when `count` records numbered from `first_seq` stay within
/// [`MAX_SEQUENCE`] (an empty group still needs a representable `first_seq`).
fn sequences_fit(first_seq: u64, count: u64) -> bool {
    first_seq
        .checked_add(count.saturating_sub(1))
        .is_some_and(|last| last <= MAX_SEQUENCE)
}

/// Writes the group of `batches`, numbered from `first_seq`, into `dst`
/// (cleared first). Errors, leaving `dst` empty, with
/// `Error::InvalidArgument` when the records number more than `u32::MAX`
/// or their sequences would pass [`MAX_SEQUENCE`].
pub fn encode_batches_with_header(
    dst: &mut Vec<u8>,
    first_seq: u64,
    batches: &[&Batch],
) -> Result<()> {
    dst.clear();
    let total: u64 = batches.iter().map(|b| b.len() as u64).sum();
    let count = u32::try_from(total).map_err(|_| {
        Error::invalid_argument(format!(
            "write group of {total} records exceeds the journal limit of {}",
            u32::MAX
        ))
    })?;
    if !sequences_fit(first_seq, total) {
        return Err(Error::invalid_argument(format!(
            "write group of {total} records from sequence {first_seq} passes the largest sequence {MAX_SEQUENCE}"
        )));
    }
    let body: usize = batches.iter().map(|b| b.dump().len()).sum();
    dst.reserve(BATCH_HEADER_LEN + body);
    dst.extend_from_slice(&first_seq.to_le_bytes());
    dst.extend_from_slice(&count.to_le_bytes());
    for batch in batches {
        dst.extend_from_slice(batch.dump());
    }
    Ok(())
}

/// Reads a group's header: `(first sequence, record count)`. Only the
/// length is checked (a record shorter than the header is corruption);
/// [`decode_batches_with_header`] validates the rest.
pub fn decode_batch_header(record: &[u8]) -> Result<(u64, u32)> {
    match (
        decode_fixed64(record),
        record.get(8..).and_then(decode_fixed32),
    ) {
        (Some(seq), Some(count)) => Ok((seq, count)),
        _ => Err(Error::corruption(format!(
            "batch group too short: {} bytes, header needs {BATCH_HEADER_LEN}",
            record.len()
        ))),
    }
}

/// Decodes a group and passes each record with its sequence number to
/// `visitor`, in order. Returns `(first sequence, count)`.
///
/// The group is validated completely first — every record well formed, the
/// header's count equal to the records present, the last sequence within
/// [`MAX_SEQUENCE`] — and only then visited, so on `Error::Corruption`
/// (which names the offset within `record`) the visitor has seen nothing.
/// An error returned by the visitor stops the walk and is returned as is.
pub fn decode_batches_with_header(
    record: &[u8],
    mut visitor: impl FnMut(u64, BatchRecord<'_>) -> Result<()>,
) -> Result<(u64, u32)> {
    let (first_seq, count) = decode_batch_header(record)?;
    let body = &record[BATCH_HEADER_LEN..];

    // Pass 1: validate without visiting.
    let mut found: u64 = 0;
    let mut pos = 0;
    while pos < body.len() {
        let (_, next) = decode_record(body, pos, BATCH_HEADER_LEN)?;
        pos = next;
        found += 1;
    }
    if found != u64::from(count) {
        return Err(Error::corruption(format!(
            "batch group header says {count} records, body holds {found}"
        )));
    }
    if !sequences_fit(first_seq, found) {
        return Err(Error::corruption(format!(
            "batch group of {count} records from sequence {first_seq} passes the largest sequence {MAX_SEQUENCE}"
        )));
    }

    // Pass 2: the body is known good; decoding cannot fail now.
    let mut seq = first_seq;
    let mut pos = 0;
    while pos < body.len() {
        let (entry, next) = decode_record(body, pos, BATCH_HEADER_LEN)?;
        visitor(seq, entry.record(body))?;
        pos = next;
        seq += 1;
    }
    Ok((first_seq, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(n: usize, tag: u8) -> Batch {
        let mut b = Batch::new();
        for i in 0..n {
            b.put_with_version(&[tag, i as u8], i as u64, b"v");
        }
        b
    }

    #[test]
    fn header_layout_and_sequences() {
        let (a, b) = (batch(2, b'a'), batch(3, b'b'));
        let mut out = vec![9; 4];
        encode_batches_with_header(&mut out, 0x0102, &[&a, &b]).unwrap();
        assert_eq!(&out[..12], &[2, 1, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0]);
        assert_eq!(out.len(), 12 + a.dump().len() + b.dump().len());
        assert_eq!(decode_batch_header(&out).unwrap(), (0x0102, 5));
        let mut seen = Vec::new();
        let got = decode_batches_with_header(&out, |seq, r| {
            seen.push((seq, r.key.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!(got, (0x0102, 5));
        let want: Vec<(u64, Vec<u8>)> = a
            .iter()
            .chain(b.iter())
            .enumerate()
            .map(|(i, r)| (0x0102 + i as u64, r.key.to_vec()))
            .collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn sequence_limit_is_enforced_both_ways() {
        let b = batch(3, b'x');
        let mut out = Vec::new();
        encode_batches_with_header(&mut out, MAX_SEQUENCE - 2, &[&b]).unwrap();
        assert!(decode_batches_with_header(&out, |_, _| Ok(())).is_ok());
        let err = encode_batches_with_header(&mut out, MAX_SEQUENCE - 1, &[&b]).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
        assert!(out.is_empty());
        // A header rewritten past the limit is corruption on decode.
        encode_batches_with_header(&mut out, 0, &[&b]).unwrap();
        out[..8].copy_from_slice(&(MAX_SEQUENCE - 1).to_le_bytes());
        let mut visited = 0;
        let err = decode_batches_with_header(&out, |_, _| {
            visited += 1;
            Ok(())
        })
        .unwrap_err();
        assert!(err.is_corruption(), "{err}");
        assert_eq!(visited, 0);
        // Empty groups: fine at MAX_SEQUENCE, not beyond.
        encode_batches_with_header(&mut out, MAX_SEQUENCE, &[]).unwrap();
        assert_eq!(
            decode_batches_with_header(&out, |_, _| Ok(())).unwrap(),
            (MAX_SEQUENCE, 0)
        );
        assert!(encode_batches_with_header(&mut out, MAX_SEQUENCE + 1, &[]).is_err());
    }

    #[test]
    fn visitor_error_stops_the_walk() {
        let b = batch(5, b'x');
        let mut out = Vec::new();
        encode_batches_with_header(&mut out, 10, &[&b]).unwrap();
        let mut seen = Vec::new();
        let err = decode_batches_with_header(&out, |seq, _| {
            seen.push(seq);
            if seq == 12 {
                Err(Error::invalid_argument("memdb full"))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(m) if m == "memdb full"));
        assert_eq!(seen, [10, 11, 12]);
    }

    #[test]
    fn short_headers_are_corruption() {
        for len in 0..BATCH_HEADER_LEN {
            let err = decode_batch_header(&vec![0; len]).unwrap_err();
            assert!(
                err.is_corruption() && err.to_string().contains("too short"),
                "{err}"
            );
        }
    }
}
