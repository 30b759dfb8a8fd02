//! The journal reader over arbitrary bytes, in all four modes (checksums
//! on/off × strict on/off). It must never panic or hang; offsets and
//! counts stay within the input; strict mode returns a prefix of what the
//! lenient reader returns with the same checksum setting, then the same
//! error on every later call; a source that reads a few bytes at a time
//! gives exactly the records of the whole-slice read. Each record is also
//! handed to the decoders that read journal records in the engine: the
//! write group (`.log`) and the version edit (MANIFEST).
#![no_main]

use std::io::Read;

use avccdb::batch::decode_batches_with_header;
use avccdb::journal::{Reader, ReaderOptions, ReportLog};
use avccdb::version::VersionEdit;
use libfuzzer_sys::fuzz_target;

/// A source that returns at most `step` bytes per read (as a pipe or a
/// buffered file may).
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

struct Outcome {
    records: Vec<Vec<u8>>,
    error: Option<String>,
    log: ReportLog,
    dropped: u64,
    torn: u64,
}

fn read_all<R: Read>(src: R, opts: ReaderOptions, input_len: u64) -> Outcome {
    let mut reader = Reader::with_reporter(src, opts, ReportLog::default()).named("fuzz.log");
    let mut records = Vec::new();
    let mut rec = Vec::new();
    let error = loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {
                assert!(reader.last_record_end_offset() <= input_len);
                records.push(rec.clone());
            }
            Ok(false) => {
                assert!(rec.is_empty());
                // Exhausted stays exhausted.
                assert!(!reader.read_record(&mut rec).unwrap());
                break None;
            }
            Err(e) => {
                assert!(opts.strict, "lenient reading never fails on bytes: {e}");
                assert!(e.is_corruption(), "{e}");
                let again = reader.read_record(&mut rec).unwrap_err();
                assert_eq!(again.to_string(), e.to_string());
                break Some(e.to_string());
            }
        }
    };
    let (dropped, torn) = (reader.dropped_bytes(), reader.torn_tail_bytes());
    Outcome {
        records,
        error,
        log: reader.into_reporter(),
        dropped,
        torn,
    }
}

fuzz_target!(|data: &[u8]| {
    let len = data.len() as u64;
    for verify_checksums in [true, false] {
        let lenient = ReaderOptions {
            verify_checksums,
            strict: false,
        };
        let out = read_all(data, lenient, len);
        assert_eq!(out.dropped, out.log.dropped_bytes());
        assert!(out.dropped + out.torn <= len);
        for d in &out.log.corruptions {
            assert!(d.bytes > 0 && d.offset + d.bytes <= len, "{d:?}");
        }
        if let Some((offset, bytes)) = out.log.torn_tail {
            assert!(bytes > 0 && offset + bytes == len);
        }
        let payload: usize = out.records.iter().map(Vec::len).sum();
        assert!(payload as u64 <= len);

        let strict = read_all(
            data,
            ReaderOptions {
                strict: true,
                ..lenient
            },
            len,
        );
        assert!(strict.records.len() <= out.records.len());
        assert_eq!(strict.records[..], out.records[..strict.records.len()]);
        assert_eq!(strict.error.is_some(), !out.log.corruptions.is_empty());

        let step = 1 + data.first().map_or(0, |&b| b as usize) * 7;
        let trickled = read_all(Trickle { data, step }, lenient, len);
        assert_eq!(trickled.records, out.records);
        assert_eq!(trickled.log, out.log);

        if verify_checksums {
            for rec in &out.records {
                let mut seen = 0u64;
                if let Ok((_, count)) = decode_batches_with_header(rec, |_, _| {
                    seen += 1;
                    Ok(())
                }) {
                    assert_eq!(seen, u64::from(count));
                }
                let _ = VersionEdit::decode(rec);
            }
        }
    }
});
