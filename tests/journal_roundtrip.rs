//! Journal round trips through the public API: seeded random records of
//! 0 B to 100 KiB across block boundaries, boundary and padding cases,
//! real files read through a BufReader, appending with `new_at`, and
//! reusing a journal after a torn tail.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read};
use std::path::PathBuf;

use avccdb::journal::{Reader, ReaderOptions, ReportLog, Writer, BLOCK_SIZE, HEADER_SIZE};
use avccdb::util::random::Rng;

const MAX_RECORD: usize = 100 * 1024;

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("avccdb-journal-{}-{name}", std::process::id()))
}

/// Seeded records, skewed towards small sizes, some of them empty and some
/// near the 100 KiB maximum.
fn random_records(seed: u64, n: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let len = if rng.one_in(20) {
                rng.range(MAX_RECORD as u64 - 1000, MAX_RECORD as u64) as usize
            } else {
                (rng.skewed(17) as usize).min(MAX_RECORD)
            };
            rng.bytes(len)
        })
        .collect()
}

/// Writes `records`, returning the journal and each record's end offset.
fn write_all(records: &[Vec<u8>]) -> (Vec<u8>, Vec<u64>) {
    let mut w = Writer::new(Vec::new());
    let mut ends = Vec::new();
    for r in records {
        w.add_record(r).unwrap();
        ends.push(w.size());
    }
    w.sync().unwrap();
    assert_eq!(w.size(), *ends.last().unwrap_or(&0));
    (w.into_inner(), ends)
}

/// Reads every record, checking each against `expected` and its end offset.
fn check_read<R: Read>(src: R, expected: &[Vec<u8>], ends: &[u64]) {
    let mut r = Reader::with_reporter(src, ReaderOptions::default(), ReportLog::default());
    let mut rec = Vec::new();
    for (i, want) in expected.iter().enumerate() {
        assert!(r.read_record(&mut rec).unwrap(), "record {i} missing");
        assert!(rec == *want, "record {i} differs");
        assert_eq!(r.last_record_end_offset(), ends[i], "record {i} end");
    }
    assert!(!r.read_record(&mut rec).unwrap());
    assert_eq!((r.dropped_bytes(), r.torn_tail_bytes()), (0, 0));
    assert_eq!(r.into_reporter(), ReportLog::default());
}

#[test]
fn random_records_round_trip_across_blocks() {
    for seed in [1, 2, 3, 0xdead_beef] {
        let records = random_records(seed, 300);
        let (data, ends) = write_all(&records);
        assert!(data.len() > 20 * BLOCK_SIZE);
        check_read(&data[..], &records, &ends);
    }
}

#[test]
fn strict_reader_accepts_every_clean_journal() {
    let records = random_records(99, 200);
    let (data, _) = write_all(&records);
    let opts = ReaderOptions {
        verify_checksums: true,
        strict: true,
    };
    let mut r = Reader::new(&data[..], opts);
    let mut rec = Vec::new();
    let mut n = 0;
    while r.read_record(&mut rec).unwrap() {
        assert!(rec == records[n]);
        n += 1;
    }
    assert_eq!(n, records.len());
}

#[test]
fn records_ending_at_and_just_before_block_boundaries() {
    // For every leftover 0..=7 bytes at the end of a block (0 = ends
    // exactly on the boundary; 1..6 = zero padding; 7 = an empty FIRST),
    // once in block 0 and once deep inside the file.
    for leftover in 0..=HEADER_SIZE {
        for lead_blocks in [0usize, 3] {
            let mut records = Vec::new();
            let mut used = 0;
            if lead_blocks > 0 {
                // A record exactly filling `lead_blocks` blocks' worth of
                // fragments: ends on a boundary itself.
                let len = lead_blocks * (BLOCK_SIZE - HEADER_SIZE);
                records.push(vec![0xa5u8; len]);
                used = lead_blocks * BLOCK_SIZE;
            }
            let target = used + BLOCK_SIZE - leftover;
            records.push(vec![leftover as u8; target - used - HEADER_SIZE]);
            records.push(b"after the boundary".to_vec());
            records.push(Vec::new());
            let (data, ends) = write_all(&records);
            assert_eq!(ends[records.len() - 3] as usize, target);
            if (1..HEADER_SIZE).contains(&leftover) {
                assert!(data[target..target + leftover].iter().all(|&b| b == 0));
                assert_eq!(ends[records.len() - 2] as usize, target + leftover + 7 + 18);
            }
            check_read(&data[..], &records, &ends);
        }
    }
}

#[test]
fn file_round_trip_through_bufreader_with_sync_and_size() {
    let path = temp_path("file");
    let records = random_records(7, 150);
    let mut ends = Vec::new();
    {
        let mut w = Writer::new(File::create(&path).unwrap());
        for (i, r) in records.iter().enumerate() {
            w.add_record(r).unwrap();
            ends.push(w.size());
            if i % 10 == 0 {
                w.sync().unwrap();
                assert_eq!(fs::metadata(&path).unwrap().len(), w.size());
            }
        }
        w.flush().unwrap();
        let f = w.into_inner();
        f.sync_all().unwrap();
    }
    assert_eq!(fs::metadata(&path).unwrap().len(), *ends.last().unwrap());
    // An odd buffer size makes every block arrive in several short reads.
    for cap in [1000, 64 * 1024] {
        let src = BufReader::with_capacity(cap, File::open(&path).unwrap());
        check_read(src, &records, &ends);
    }
    fs::remove_file(&path).unwrap();
}

#[test]
fn new_at_appends_to_an_existing_journal_file() {
    let path = temp_path("append");
    let records = random_records(11, 120);
    let (first, rest) = records.split_at(57);
    let mut ends = Vec::new();
    {
        let mut w = Writer::new(File::create(&path).unwrap());
        for r in first {
            w.add_record(r).unwrap();
            ends.push(w.size());
        }
        w.sync().unwrap();
    }
    let len = fs::metadata(&path).unwrap().len();
    let file = OpenOptions::new().append(true).open(&path).unwrap();
    let mut w = Writer::new_at(file, len);
    assert_eq!(w.size(), len);
    for r in rest {
        w.add_record(r).unwrap();
        ends.push(w.size());
    }
    w.sync().unwrap();
    drop(w);
    // Identical to writing everything in one go.
    let (whole, whole_ends) = write_all(&records);
    assert_eq!(fs::read(&path).unwrap(), whole);
    assert_eq!(ends, whole_ends);
    check_read(BufReader::new(File::open(&path).unwrap()), &records, &ends);
    fs::remove_file(&path).unwrap();
}

#[test]
fn journal_is_reusable_after_a_torn_tail() {
    let records = random_records(5, 80);
    let (mut data, ends) = write_all(&records);
    // A crash in the middle of the last record.
    let cut = ends[79] as usize - 1 - records[79].len() / 2;
    data.truncate(cut);
    let mut r = Reader::with_reporter(&data[..], ReaderOptions::default(), ReportLog::default());
    let mut rec = Vec::new();
    let mut n = 0;
    while r.read_record(&mut rec).unwrap() {
        n += 1;
    }
    assert_eq!(n, 79);
    assert_eq!(r.last_record_end_offset(), ends[78]);
    assert!(r.torn_tail_bytes() > 0);
    assert_eq!(r.dropped_bytes(), 0);
    let resume = r.last_record_end_offset();
    // The torn record starts where the last one ended, or after its padding.
    let in_block = resume as usize % BLOCK_SIZE;
    let torn_start = if BLOCK_SIZE - in_block < HEADER_SIZE {
        resume + (BLOCK_SIZE - in_block) as u64
    } else {
        resume
    };
    assert_eq!(
        r.into_reporter().torn_tail,
        Some((torn_start, cut as u64 - torn_start))
    );

    // Cut the torn bytes off and append there.
    data.truncate(resume as usize);
    let mut w = Writer::new_at(data, resume);
    let more = random_records(6, 30);
    let mut all: Vec<Vec<u8>> = records[..79].to_vec();
    let mut all_ends = ends[..79].to_vec();
    for m in &more {
        w.add_record(m).unwrap();
        all.push(m.clone());
        all_ends.push(w.size());
    }
    let data = w.into_inner();
    check_read(&data[..], &all, &all_ends);
}
