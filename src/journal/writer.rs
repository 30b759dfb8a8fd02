//! The journal writer: cuts each record into fragments that never cross a
//! 32 KiB block boundary and appends them to a [`SyncWrite`] sink.

use super::format::{encode_header, FragmentType, BLOCK_SIZE, HEADER_SIZE};
use crate::error::{Error, Result};
use crate::storage::SyncWrite;

/// Encoded bytes are handed to the sink once a record is complete, or
/// earlier when a large record has produced this much, so memory stays
/// bounded whatever the record size.
const WRITE_CHUNK: usize = 4 * BLOCK_SIZE;

/// Appends records to a journal.
///
/// Each `add_record` hands its encoded bytes to the sink with (usually) one
/// `write_all`, so nothing is held back between calls and
/// [`into_inner`](Writer::into_inner) loses nothing; `flush` and `sync` reach
/// the OS and the disk. After a failed write the sink holds an unknown
/// prefix of the record, so the writer refuses all further work and repeats
/// the first error (the engine treats it as a sticky background error).
#[derive(Debug)]
pub struct Writer<W: SyncWrite> {
    dest: W,
    /// Position inside the current block, `0..=BLOCK_SIZE`.
    block_offset: usize,
    /// Logical size of the file: everything handed to `dest`.
    size: u64,
    /// Reused encoding buffer; empty between calls.
    buf: Vec<u8>,
    failed: Option<Error>,
}

impl<W: SyncWrite> Writer<W> {
    /// A writer at offset 0 of an empty file.
    pub fn new(dest: W) -> Writer<W> {
        Writer::new_at(dest, 0)
    }

    /// A writer appending to a journal that already holds `offset` bytes
    /// (usually a reader's `last_record_end_offset`, after truncating any
    /// torn tail). The block position is derived from `offset`.
    pub fn new_at(dest: W, offset: u64) -> Writer<W> {
        Writer {
            dest,
            block_offset: (offset % BLOCK_SIZE as u64) as usize,
            size: offset,
            buf: Vec::new(),
            failed: None,
        }
    }

    /// Appends one record of any length (including 0). Bytes are handed to
    /// the sink but not flushed or synced.
    pub fn add_record(&mut self, record: &[u8]) -> Result<()> {
        self.check()?;
        let mut left = record;
        let mut begin = true;
        loop {
            let room = BLOCK_SIZE - self.block_offset;
            if room < HEADER_SIZE {
                // Too small for a header: pad with zeros, start a new block.
                self.buf.extend_from_slice(&[0u8; HEADER_SIZE][..room]);
                self.block_offset = 0;
            }
            let avail = BLOCK_SIZE - self.block_offset - HEADER_SIZE;
            let n = left.len().min(avail);
            let end = n == left.len();
            let ty = match (begin, end) {
                (true, true) => FragmentType::Full,
                (true, false) => FragmentType::First,
                (false, false) => FragmentType::Middle,
                (false, true) => FragmentType::Last,
            };
            let (payload, rest) = left.split_at(n);
            self.buf.extend_from_slice(&encode_header(ty, payload));
            self.buf.extend_from_slice(payload);
            self.block_offset += HEADER_SIZE + n;
            left = rest;
            begin = false;
            if end {
                break;
            }
            if self.buf.len() >= WRITE_CHUNK {
                self.write_buf()?;
            }
        }
        self.write_buf()
    }

    /// Hands everything written so far to the OS (`W::flush`).
    pub fn flush(&mut self) -> Result<()> {
        self.check()?;
        let r = self.dest.flush();
        self.note(r)
    }

    /// Flushes, then makes everything written so far durable (`W::sync`,
    /// fdatasync for files).
    pub fn sync(&mut self) -> Result<()> {
        self.flush()?;
        let r = self.dest.sync();
        self.note(r)
    }

    /// Bytes written so far: the journal's logical file size, including the
    /// offset given to [`new_at`](Writer::new_at).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Gives back the sink. Every record added has already been handed to
    /// it; call [`flush`](Writer::flush) / [`sync`](Writer::sync) first for
    /// the usual guarantees.
    pub fn into_inner(self) -> W {
        self.dest
    }

    fn check(&self) -> Result<()> {
        match &self.failed {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn write_buf(&mut self) -> Result<()> {
        let r = self.dest.write_all(&self.buf);
        self.note(r)?;
        self.size += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    fn note(&mut self, r: std::io::Result<()>) -> Result<()> {
        r.map_err(|e| {
            let e = Error::Io(e);
            self.failed = Some(e.clone());
            e
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::format::Header;
    use std::io::{self, Write};

    /// Splits a journal image into (offset, header) fragments, checking padding.
    fn fragments(data: &[u8]) -> Vec<(usize, Header)> {
        let mut out = Vec::new();
        let mut off = 0;
        while off < data.len() {
            let in_block = off % BLOCK_SIZE;
            if BLOCK_SIZE - in_block < HEADER_SIZE {
                assert!(data[off..off + BLOCK_SIZE - in_block]
                    .iter()
                    .all(|&b| b == 0));
                off += BLOCK_SIZE - in_block;
                continue;
            }
            let h = Header::decode(data[off..off + HEADER_SIZE].try_into().unwrap());
            out.push((off, h));
            // A fragment never crosses a block boundary.
            assert!(in_block + HEADER_SIZE + h.len <= BLOCK_SIZE);
            off += HEADER_SIZE + h.len;
        }
        assert_eq!(off, data.len());
        out
    }

    #[test]
    fn fragments_follow_block_layout() {
        let mut w = Writer::new(Vec::new());
        w.add_record(b"").unwrap();
        w.add_record(&[7u8; 100]).unwrap();
        // Spans three blocks: FIRST, MIDDLE, LAST.
        w.add_record(&vec![9u8; 2 * BLOCK_SIZE]).unwrap();
        let size = w.size();
        let data = w.into_inner();
        assert_eq!(size, data.len() as u64);
        let frags = fragments(&data);
        let types: Vec<u8> = frags.iter().map(|(_, h)| h.type_byte).collect();
        assert_eq!(types, [1, 1, 2, 3, 4]);
        assert_eq!(frags[0].1.len, 0);
        assert_eq!(frags[1].1.len, 100);
        // FIRST fills block 0, MIDDLE fills block 1 exactly.
        assert_eq!(frags[2].0 + HEADER_SIZE + frags[2].1.len, BLOCK_SIZE);
        assert_eq!(frags[3].0, BLOCK_SIZE);
        assert_eq!(frags[3].1.len, BLOCK_SIZE - HEADER_SIZE);
        let total: usize = frags[2..].iter().map(|(_, h)| h.len).sum();
        assert_eq!(total, 2 * BLOCK_SIZE);
    }

    #[test]
    fn short_block_tails_are_zero_padded_and_seven_bytes_take_an_empty_first() {
        for tail in 0..=HEADER_SIZE {
            let mut w = Writer::new(Vec::new());
            // Leave exactly `tail` bytes in block 0.
            w.add_record(&vec![1u8; BLOCK_SIZE - HEADER_SIZE - tail])
                .unwrap();
            assert_eq!(w.size() as usize, BLOCK_SIZE - tail);
            w.add_record(b"xyz").unwrap();
            let data = w.into_inner();
            let frags = fragments(&data);
            if tail < HEADER_SIZE {
                assert!(data[BLOCK_SIZE - tail..BLOCK_SIZE].iter().all(|&b| b == 0));
                assert_eq!(frags.len(), 2);
                assert_eq!(frags[1].0, BLOCK_SIZE);
                assert_eq!(frags[1].1.type_byte, FragmentType::Full as u8);
            } else {
                // An empty FIRST fills the last seven bytes.
                assert_eq!(frags.len(), 3);
                assert_eq!((frags[1].1.type_byte, frags[1].1.len), (2, 0));
                assert_eq!((frags[2].0, frags[2].1.type_byte), (BLOCK_SIZE, 4));
            }
        }
    }

    #[test]
    fn new_at_continues_the_block_position() {
        let mut whole = Writer::new(Vec::new());
        let mut first = Writer::new(Vec::new());
        let records: Vec<Vec<u8>> = (0..40).map(|i| vec![i as u8; i * 997]).collect();
        for r in &records[..20] {
            whole.add_record(r).unwrap();
            first.add_record(r).unwrap();
        }
        let offset = first.size();
        let mut second = Writer::new_at(first.into_inner(), offset);
        for r in &records[20..] {
            whole.add_record(r).unwrap();
            second.add_record(r).unwrap();
        }
        assert_eq!(second.size(), whole.size());
        assert_eq!(second.into_inner(), whole.into_inner());
    }

    struct FailingSink {
        written: usize,
        limit: usize,
        syncs: usize,
    }

    impl Write for FailingSink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written >= self.limit {
                return Err(io::Error::other("disk full"));
            }
            let n = buf.len().min(self.limit - self.written);
            self.written += n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl SyncWrite for FailingSink {
        fn sync(&mut self) -> io::Result<()> {
            self.syncs += 1;
            Ok(())
        }
    }

    #[test]
    fn write_errors_are_sticky() {
        let sink = FailingSink {
            written: 0,
            limit: 1000,
            syncs: 0,
        };
        let mut w = Writer::new(sink);
        w.add_record(&[1u8; 500]).unwrap();
        w.sync().unwrap();
        assert_eq!(w.size(), 507);
        let err = w.add_record(&[2u8; 800]).unwrap_err();
        assert!(matches!(err, Error::Io(_)));
        // The failed record does not count and nothing works afterwards.
        assert_eq!(w.size(), 507);
        assert!(matches!(w.add_record(b"").unwrap_err(), Error::Io(_)));
        assert!(w.flush().is_err());
        assert!(w.sync().is_err());
        assert_eq!(w.into_inner().syncs, 1);
    }
}
