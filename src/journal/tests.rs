//! Reader behaviour on hand-made journals: short reads, each kind of
//! corruption, torn tails, zero-filled space, strict mode.

use std::io::{self, Read};

use super::format::encode_header;
use super::*;
use crate::error::Error;

fn journal(records: &[&[u8]]) -> Vec<u8> {
    let mut w = Writer::new(Vec::new());
    for r in records {
        w.add_record(r).unwrap();
    }
    w.into_inner()
}

/// Reads everything, returning the records and the reader.
fn read_all<R: Read, P: Reporter>(mut r: Reader<R, P>) -> (Vec<Vec<u8>>, Reader<R, P>) {
    let mut out = Vec::new();
    let mut rec = Vec::new();
    while r.read_record(&mut rec).unwrap() {
        out.push(rec.clone());
    }
    (out, r)
}

fn logged(data: &[u8], opts: ReaderOptions) -> (Vec<Vec<u8>>, Reader<&[u8], ReportLog>) {
    read_all(Reader::with_reporter(data, opts, ReportLog::default()))
}

/// A source that hands out at most 3 bytes per read and is interrupted
/// every other call.
struct Trickle<'a> {
    data: &'a [u8],
    calls: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(2) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = buf.len().min(3).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn fragment(ty: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&fragment_checksum(ty, payload).to_le_bytes());
    v.extend_from_slice(&(payload.len() as u16).to_le_bytes());
    v.push(ty);
    v.extend_from_slice(payload);
    v
}

#[test]
fn empty_and_small_records_round_trip_and_eof_repeats() {
    let big = vec![5u8; 3 * BLOCK_SIZE + 11];
    let records: Vec<&[u8]> = vec![b"", b"a", b"", &big, b"tail"];
    let data = journal(&records);
    let (got, mut r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, records);
    assert_eq!(r.last_record_end_offset(), data.len() as u64);
    assert_eq!((r.dropped_bytes(), r.torn_tail_bytes()), (0, 0));
    assert_eq!(r.reporter(), &ReportLog::default());
    let mut rec = b"junk".to_vec();
    assert!(!r.read_record(&mut rec).unwrap());
    assert!(rec.is_empty());
    // An empty source is an empty journal.
    let (got, r) = logged(&[], ReaderOptions::default());
    assert!(got.is_empty() && r.torn_tail_bytes() == 0);
}

#[test]
fn short_and_interrupted_reads_see_the_same_records() {
    let big = vec![9u8; BLOCK_SIZE + 100];
    let records: Vec<&[u8]> = vec![b"x", &big, b"", b"yz"];
    let data = journal(&records);
    let src = Trickle {
        data: &data,
        calls: 0,
    };
    let (got, r) = read_all(Reader::new(src, ReaderOptions::default()));
    assert_eq!(got, records);
    assert_eq!(r.last_record_end_offset(), data.len() as u64);
}

#[test]
fn checksum_mismatch_drops_the_rest_of_the_block_only() {
    // Block 0: r0, r1 (damaged), r2; r3 spans into block 1; r4 in block 1.
    let fill = vec![3u8; BLOCK_SIZE];
    let records: Vec<&[u8]> = vec![b"r0", b"r1", b"r2", &fill, b"r4"];
    let mut data = journal(&records);
    let r1_payload = 7 + 2 + 7;
    data[r1_payload] ^= 0x40;
    let (got, r) = logged(&data, ReaderOptions::default());
    // r1..r3 lose their block-0 parts; r3's LAST is an orphan in block 1.
    assert_eq!(got, vec![b"r0".to_vec(), b"r4".to_vec()]);
    let log = r.reporter();
    assert_eq!(log.corruptions[0].offset, 9);
    assert_eq!(log.corruptions[0].bytes, BLOCK_SIZE as u64 - 9);
    assert_eq!(log.corruptions[0].reason, "checksum mismatch");
    assert_eq!(
        log.corruptions[1].reason,
        "fragment without the start of its record"
    );
    assert_eq!(log.corruptions[1].offset, BLOCK_SIZE as u64);
    assert_eq!(r.dropped_bytes(), log.dropped_bytes());
    assert_eq!(log.torn_tail, None);
}

#[test]
fn strict_mode_fails_at_the_first_corruption_naming_file_and_offset() {
    let mut data = journal(&[b"one", b"two", b"three"]);
    data[10 + 7 + 1] ^= 1; // payload of "two"
    let opts = ReaderOptions {
        strict: true,
        ..ReaderOptions::default()
    };
    let mut r = Reader::new(&data[..], opts).named("000042.log");
    let mut rec = Vec::new();
    assert!(r.read_record(&mut rec).unwrap());
    assert_eq!(rec, b"one");
    let err = r.read_record(&mut rec).unwrap_err();
    assert!(rec.is_empty());
    let msg = err.to_string();
    assert!(err.is_corruption(), "{msg}");
    assert!(
        msg.contains("000042.log") && msg.contains("offset 10"),
        "{msg}"
    );
    // Sticky.
    assert!(r.read_record(&mut rec).unwrap_err().is_corruption());
    assert_eq!(r.last_record_end_offset(), 10);
}

#[test]
fn torn_tails_end_reading_cleanly_even_in_strict_mode() {
    let big = vec![1u8; BLOCK_SIZE];
    let records: Vec<&[u8]> = vec![b"aaaa", &big];
    let data = journal(&records);
    let strict = ReaderOptions {
        strict: true,
        ..ReaderOptions::default()
    };
    // Cut inside the second record's FIRST header, its payload, and after
    // its FIRST (LAST missing).
    for cut in [11 + 3, 11 + 7 + 100, BLOCK_SIZE, BLOCK_SIZE + 5] {
        let (got, r) = logged(&data[..cut], strict);
        assert_eq!(got, vec![b"aaaa".to_vec()], "cut {cut}");
        assert_eq!(r.torn_tail_bytes(), cut as u64 - 11);
        assert_eq!(r.reporter().torn_tail, Some((11, cut as u64 - 11)));
        assert_eq!(r.dropped_bytes(), 0);
        assert_eq!(r.last_record_end_offset(), 11);
    }
}

#[test]
fn fragment_crossing_the_block_end_is_corruption_not_a_torn_tail() {
    // The final (short) block claims a fragment longer than a block allows.
    let mut data = journal(&[b"ok"]);
    let mut bad = encode_header(FragmentType::Full, b"").to_vec();
    bad[4..6].copy_from_slice(&(u16::MAX).to_le_bytes());
    data.extend_from_slice(&bad);
    data.extend_from_slice(&[7u8; 40]);
    let (got, r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, vec![b"ok".to_vec()]);
    assert_eq!(r.reporter().corruptions.len(), 1);
    assert_eq!(r.reporter().corruptions[0].bytes, 47);
    assert_eq!(r.torn_tail_bytes(), 0);
}

#[test]
fn zero_filled_space_is_skipped_at_the_end_and_reported_inside() {
    let mut data = journal(&[b"first"]);
    data.resize(2 * BLOCK_SIZE + 100, 0); // preallocated tail
    let (got, r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, vec![b"first".to_vec()]);
    assert_eq!((r.dropped_bytes(), r.torn_tail_bytes()), (0, 0));
    assert_eq!(r.last_record_end_offset(), 12);

    // Data after the zeros: the zeroed span is reported, later data read.
    data.truncate(2 * BLOCK_SIZE);
    data.extend_from_slice(&fragment(1, b"later"));
    let (got, r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, vec![b"first".to_vec(), b"later".to_vec()]);
    assert_eq!(r.reporter().corruptions.len(), 1);
    assert_eq!(r.reporter().corruptions[0].offset, 12);
    assert_eq!(r.dropped_bytes(), 2 * BLOCK_SIZE as u64 - 12);

    // A zero header followed by data in the same block is corruption.
    let mut data = journal(&[b"first"]);
    data.extend_from_slice(&[0u8; 20]);
    data.extend_from_slice(&fragment(1, b"x"));
    let (got, r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, vec![b"first".to_vec()]);
    assert_eq!(r.dropped_bytes(), 20 + 8);
}

#[test]
fn zeroed_middle_of_a_record_never_glues_two_halves() {
    // FIRST in block 0, MIDDLE zeroed, LAST in block 2.
    let big = vec![4u8; 2 * BLOCK_SIZE];
    let mut data = journal(&[&big, b"after"]);
    data[BLOCK_SIZE..2 * BLOCK_SIZE].fill(0);
    let (got, r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, vec![b"after".to_vec()]);
    assert!(r.dropped_bytes() >= BLOCK_SIZE as u64);
    // At the very end the same zeros are a torn tail.
    data.truncate(2 * BLOCK_SIZE);
    let (got, r) = logged(&data, ReaderOptions::default());
    assert!(got.is_empty());
    assert_eq!(r.torn_tail_bytes(), 2 * BLOCK_SIZE as u64);
    assert_eq!(r.dropped_bytes(), 0);
}

#[test]
fn out_of_order_fragments_are_reported_and_skipped() {
    let mut data = Vec::new();
    data.extend(fragment(3, b"orphan-middle")); // no FIRST
    data.extend(fragment(2, b"abandoned")); // FIRST ...
    data.extend(fragment(1, b"full")); // ... interrupted by a FULL
    data.extend(fragment(2, b"he")); // a proper FIRST/MIDDLE/LAST
    data.extend(fragment(3, b"ll"));
    data.extend(fragment(4, b"o"));
    data.extend(fragment(4, b"orphan-last"));
    let (got, r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, vec![b"full".to_vec(), b"hello".to_vec()]);
    let c = &r.reporter().corruptions;
    assert_eq!(c.len(), 3);
    assert_eq!((c[0].offset, c[0].bytes), (0, 20));
    assert_eq!((c[1].offset, c[1].bytes), (20, 16));
    assert_eq!(c[1].reason, "record missing its last fragment");
    assert_eq!(c[2].bytes, 18);
    assert_eq!(r.last_record_end_offset(), data.len() as u64 - 18);
}

#[test]
fn unknown_types_skip_one_fragment_when_checksummed() {
    let mut data = Vec::new();
    data.extend(fragment(1, b"a"));
    data.extend(fragment(9, b"future"));
    data.extend(fragment(1, b"b"));
    let (got, r) = logged(&data, ReaderOptions::default());
    assert_eq!(got, vec![b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(
        r.reporter().corruptions[0].reason,
        "unknown fragment type 9"
    );
    assert_eq!(r.dropped_bytes(), 13);
    // Without checksums the length cannot be trusted: the block goes.
    let opts = ReaderOptions {
        verify_checksums: false,
        strict: false,
    };
    let (got, r) = logged(&data, opts);
    assert_eq!(got, vec![b"a".to_vec()]);
    assert_eq!(r.dropped_bytes(), 13 + 8);
}

#[test]
fn without_verification_damaged_payloads_come_back() {
    let mut data = journal(&[b"hello"]);
    data[7] = b'j';
    let opts = ReaderOptions {
        verify_checksums: false,
        strict: true,
    };
    let (got, _) = logged(&data, opts);
    assert_eq!(got, vec![b"jello".to_vec()]);
    let (got, r) = logged(&data, ReaderOptions::default());
    assert!(got.is_empty());
    assert_eq!(r.dropped_bytes(), 12);
}

#[test]
fn source_errors_are_returned_and_sticky() {
    struct Broken(usize);
    impl Read for Broken {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("bad sector"));
            }
            self.0 -= 1;
            buf[0] = 0;
            Ok(1)
        }
    }
    let mut r = Reader::new(Broken(3), ReaderOptions::default());
    let mut rec = Vec::new();
    assert!(matches!(r.read_record(&mut rec), Err(Error::Io(_))));
    assert!(matches!(r.read_record(&mut rec), Err(Error::Io(_))));
}
