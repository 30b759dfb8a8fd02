//! The journal reader: reassembles records from fragments, block by block,
//! telling corruption (reported, skipped or fatal in strict mode) apart from
//! a torn tail (the clean end of a journal whose last write was cut short).

use std::fmt;
use std::io::{self, Read};

use super::format::{fragment_checksum, FragmentType, Header, BLOCK_SIZE, HEADER_SIZE};
use super::report::Reporter;
use crate::error::{Error, Result};
use crate::util::crc::some_prefix_has_masked_crc;

/// How a [`Reader`] treats damaged input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderOptions {
    /// Check each fragment's checksum (default true). Without it a damaged
    /// payload is returned as is; only structural damage is detected.
    pub verify_checksums: bool,
    /// Fail with [`Error::Corruption`] at the first corruption instead of
    /// reporting it and skipping (default false). A torn tail is never an
    /// error.
    pub strict: bool,
}

impl Default for ReaderOptions {
    fn default() -> ReaderOptions {
        ReaderOptions {
            verify_checksums: true,
            strict: false,
        }
    }
}

/// What the block scanner found next.
enum Step {
    /// A well-formed fragment whose payload is `block[start..start + len]`
    /// and whose header is at file offset `offset`.
    Fragment {
        ty: FragmentType,
        start: usize,
        len: usize,
        offset: u64,
    },
    /// Bytes from `offset` on were dropped (already reported): a record in
    /// progress cannot continue across them.
    Broken { offset: u64 },
    /// No more data. `partial` is the offset of an incomplete fragment that
    /// the file ends inside, if any.
    End { partial: Option<u64> },
}

enum State {
    Reading,
    Done,
    Failed(Error),
}

/// Reads records back from a journal, in the order they were written.
///
/// The source is read sequentially in 32 KiB blocks (any `Read` works,
/// including short-reading ones such as `BufReader<File>` or `&[u8]`); the
/// reader allocates one block buffer up front and otherwise only grows the
/// caller's record buffer.
pub struct Reader<R: Read, P: Reporter = ()> {
    src: R,
    opts: ReaderOptions,
    reporter: P,
    name: String,
    block: Box<[u8]>,
    /// Valid bytes in `block`; < BLOCK_SIZE only for the final block.
    len: usize,
    /// Next unread byte in `block`.
    pos: usize,
    /// File offset of `block[0]`.
    block_offset: u64,
    /// The source returned end of file: `block[..len]` is the last data.
    eof: bool,
    /// A zero-filled region not yet known to be the tail: `(offset, bytes)`.
    gap: Option<(u64, u64)>,
    last_end: u64,
    dropped: u64,
    torn: u64,
    state: State,
}

impl<R: Read> Reader<R, ()> {
    /// A reader that only counts what it drops.
    pub fn new(src: R, opts: ReaderOptions) -> Self {
        Reader::with_reporter(src, opts, ())
    }
}

impl<R: Read, P: Reporter> Reader<R, P> {
    /// A reader that tells `reporter` about every corrupt region and the
    /// torn tail.
    pub fn with_reporter(src: R, opts: ReaderOptions, reporter: P) -> Self {
        Reader {
            src,
            opts,
            reporter,
            name: String::from("journal"),
            block: vec![0u8; BLOCK_SIZE].into_boxed_slice(),
            len: 0,
            pos: 0,
            block_offset: 0,
            eof: false,
            gap: None,
            last_end: 0,
            dropped: 0,
            torn: 0,
            state: State::Reading,
        }
    }

    /// Sets the file name used in error messages.
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    /// Reads the next record into `record` (replacing its contents).
    /// Returns `Ok(false)` once the journal is exhausted, including when it
    /// ends in a torn tail; in strict mode the first corruption is an
    /// [`Error::Corruption`] naming the file and offset, returned again by
    /// every later call. I/O errors of the source are returned likewise.
    pub fn read_record(&mut self, record: &mut Vec<u8>) -> Result<bool> {
        record.clear();
        match &self.state {
            State::Reading => {}
            State::Done => return Ok(false),
            State::Failed(e) => return Err(e.clone()),
        }
        let r = self.read_next(record);
        match &r {
            Ok(true) => {}
            Ok(false) => {
                self.state = State::Done;
                record.clear();
            }
            Err(e) => {
                self.state = State::Failed(e.clone());
                record.clear();
            }
        }
        r
    }

    /// File offset just past the last record returned (0 before any): a
    /// journal cut there holds exactly the records read so far.
    pub fn last_record_end_offset(&self) -> u64 {
        self.last_end
    }

    /// Total bytes reported as corrupt so far.
    pub fn dropped_bytes(&self) -> u64 {
        self.dropped
    }

    /// Bytes of the incomplete fragment or record the journal ends with
    /// (0 if it ends cleanly, or has not been read to the end yet).
    pub fn torn_tail_bytes(&self) -> u64 {
        self.torn
    }

    /// The reporter.
    pub fn reporter(&self) -> &P {
        &self.reporter
    }

    /// Consumes the reader, giving back its reporter.
    pub fn into_reporter(self) -> P {
        self.reporter
    }

    /// Assembles one record from fragments.
    fn read_next(&mut self, record: &mut Vec<u8>) -> Result<bool> {
        // File offset of the first fragment of the record being assembled.
        let mut start: Option<u64> = None;
        loop {
            match self.next_step()? {
                Step::Fragment {
                    ty,
                    start: at,
                    len,
                    offset,
                } => {
                    let end = offset + (HEADER_SIZE + len) as u64;
                    match ty {
                        FragmentType::Full | FragmentType::First => {
                            if let Some(s) = start.take() {
                                self.corrupt(s, offset - s, "record missing its last fragment")?;
                            }
                            record.clear();
                            record.extend_from_slice(&self.block[at..at + len]);
                            if ty == FragmentType::Full {
                                self.last_end = end;
                                return Ok(true);
                            }
                            start = Some(offset);
                        }
                        FragmentType::Middle | FragmentType::Last => {
                            if start.is_none() {
                                let reason = "fragment without the start of its record";
                                self.corrupt(offset, end - offset, reason)?;
                                continue;
                            }
                            record.extend_from_slice(&self.block[at..at + len]);
                            if ty == FragmentType::Last {
                                self.last_end = end;
                                return Ok(true);
                            }
                        }
                        // next_step never yields Zero as a fragment.
                        FragmentType::Zero => {}
                    }
                }
                Step::Broken { offset } => {
                    if let Some(s) = start.take() {
                        if offset > s {
                            self.corrupt(s, offset - s, "record interrupted by corruption")?;
                        }
                        record.clear();
                    }
                }
                Step::End { partial } => {
                    if let Some(t) = start.or(partial) {
                        let bytes = self.data_end() - t;
                        if bytes > 0 {
                            self.torn = bytes;
                            self.reporter.torn_tail(t, bytes);
                        }
                    }
                    return Ok(false);
                }
            }
        }
    }

    /// Scans to the next fragment, reporting (and in strict mode failing
    /// on) damage below the record level.
    fn next_step(&mut self) -> Result<Step> {
        loop {
            let avail = self.len - self.pos;
            if avail < HEADER_SIZE {
                if !self.eof {
                    // The rest of a full block is the zero trailer.
                    self.fill()?;
                    continue;
                }
                // Bytes where a header could start are a cut fragment;
                // bytes in the last six of a block are padding.
                let partial = (avail > 0 && self.pos + HEADER_SIZE <= BLOCK_SIZE)
                    .then(|| self.block_offset + self.pos as u64);
                self.pos = self.len;
                // Zero-filled space at the very end is preallocation.
                self.gap = None;
                return Ok(Step::End { partial });
            }
            let offset = self.block_offset + self.pos as u64;
            let mut raw = [0u8; HEADER_SIZE];
            raw.copy_from_slice(&self.block[self.pos..self.pos + HEADER_SIZE]);
            let h = Header::decode(&raw);
            if h.is_zero() && self.block[self.pos..self.len].iter().all(|&b| b == 0) {
                // Zero-filled to the end of the block: harmless if nothing
                // but zeros follows, reported once data turns up after it.
                let bytes = avail as u64;
                self.gap = Some(match self.gap {
                    Some((o, b)) => (o, b + bytes),
                    None => (offset, bytes),
                });
                self.pos = self.len;
                continue;
            }
            if let Some((o, b)) = self.gap.take() {
                self.corrupt(o, b, "zero-filled region inside the journal")?;
                return Ok(Step::Broken { offset: o });
            }
            let start = self.pos + HEADER_SIZE;
            let end = start + h.len;
            if end > self.len {
                if self.eof && end <= BLOCK_SIZE {
                    // A torn write leaves a prefix of its fragment. If the
                    // bytes present already hold a whole payload with the
                    // header's checksum, the length is what was damaged
                    // (a false match needs a 32-bit CRC collision).
                    if self.opts.verify_checksums
                        && some_prefix_has_masked_crc(
                            &[h.type_byte],
                            &self.block[start..self.len],
                            h.crc,
                        )
                    {
                        return self.drop_block(offset, "fragment length damaged");
                    }
                    // The file ends inside this fragment: a torn write.
                    self.pos = self.len;
                    return Ok(Step::End {
                        partial: Some(offset),
                    });
                }
                return self.drop_block(offset, "fragment length beyond the block");
            }
            if self.opts.verify_checksums
                && fragment_checksum(h.type_byte, &self.block[start..end]) != h.crc
            {
                // The length may be what is damaged: nothing later in this
                // block can be trusted.
                return self.drop_block(offset, "checksum mismatch");
            }
            match FragmentType::from_byte(h.type_byte) {
                Some(ty) if ty != FragmentType::Zero => {
                    self.pos = end;
                    return Ok(Step::Fragment {
                        ty,
                        start,
                        len: h.len,
                        offset,
                    });
                }
                _ if self.opts.verify_checksums => {
                    // Checksum-verified, so its length is sound: skip just
                    // this fragment.
                    self.pos = end;
                    let reason = format!("unknown fragment type {}", h.type_byte);
                    self.corrupt(offset, (end - start + HEADER_SIZE) as u64, &reason)?;
                    return Ok(Step::Broken { offset });
                }
                _ => return self.drop_block(offset, "unknown fragment type"),
            }
        }
    }

    /// Reports the rest of the current block, from `offset`, as corrupt.
    fn drop_block(&mut self, offset: u64, reason: &str) -> Result<Step> {
        let bytes = (self.len - self.pos) as u64;
        self.pos = self.len;
        self.corrupt(offset, bytes, reason)?;
        Ok(Step::Broken { offset })
    }

    fn corrupt(&mut self, offset: u64, bytes: u64, reason: &str) -> Result<()> {
        self.dropped += bytes;
        self.reporter.corruption(offset, bytes, reason);
        if self.opts.strict {
            return Err(Error::corruption(format!(
                "{}: {reason} at offset {offset} ({bytes} bytes)",
                self.name
            )));
        }
        Ok(())
    }

    /// File offset just past the data read so far.
    fn data_end(&self) -> u64 {
        self.block_offset + self.len as u64
    }

    /// Reads the next block, looping over short reads; a block shorter than
    /// BLOCK_SIZE means the source is exhausted.
    fn fill(&mut self) -> Result<()> {
        self.block_offset += self.len as u64;
        self.pos = 0;
        self.len = 0;
        while self.len < BLOCK_SIZE {
            match self.src.read(&mut self.block[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                // min(): a misbehaving Read must not make us index past the block.
                Ok(n) => self.len = (self.len + n).min(BLOCK_SIZE),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::Io(e)),
            }
        }
        Ok(())
    }
}

impl<R: Read, P: Reporter> fmt::Debug for Reader<R, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("name", &self.name)
            .field("opts", &self.opts)
            .field("offset", &(self.block_offset + self.pos as u64))
            .field("last_record_end", &self.last_end)
            .field("dropped", &self.dropped)
            .field("torn", &self.torn)
            .finish()
    }
}
