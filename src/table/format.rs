//! The table's framing: block handles, the per-block trailer (compression
//! type + masked CRC-32), the fixed-size footer, and reading one block back
//! from a file with its checks. `docs/TABLE_FORMAT.md` specifies the bytes.

use std::io;

use crate::error::{Error, Result};
use crate::storage::RandomRead;
use crate::util::coding::{decode_fixed32, decode_fixed64, get_varint64, put_varint64};
use crate::util::crc::masked_crc32;

/// Bytes after every block: 1 compression-type byte + 4-byte masked CRC.
pub const BLOCK_TRAILER_LEN: usize = 5;
/// Longest encoding of a [`BlockHandle`]: two 10-byte varints.
pub const MAX_HANDLE_LEN: usize = 20;
/// Bytes of the footer region holding the two handles (zero-padded).
const HANDLES_LEN: usize = 2 * MAX_HANDLE_LEN;
/// Footer: handles (40) ‖ masked CRC of those 40 bytes (4) ‖ magic (8).
pub const FOOTER_LEN: usize = HANDLES_LEN + 4 + 8;
/// Last 8 bytes of every table (little-endian): the ASCII of "AVCCDBT1".
pub const TABLE_MAGIC: u64 = 0x4156_4343_4442_5431;

/// Type byte of an uncompressed block.
const TYPE_NONE: u8 = 0;
/// Type byte of a block compressed with raw (unframed) Snappy.
const TYPE_SNAPPY: u8 = 1;

/// How data and meta blocks are compressed when written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Store blocks as built.
    None,
    /// Raw Snappy, kept only when it saves at least 1/8 of the block.
    Snappy,
}

impl Compression {
    /// The trailer's type byte for blocks stored this way.
    pub(crate) fn type_byte(self) -> u8 {
        match self {
            Compression::None => TYPE_NONE,
            Compression::Snappy => TYPE_SNAPPY,
        }
    }
}

/// Where a block lives: its offset and its size without the trailer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockHandle {
    pub offset: u64,
    pub size: u64,
}

impl BlockHandle {
    pub fn new(offset: u64, size: u64) -> BlockHandle {
        BlockHandle { offset, size }
    }

    /// Appends `varint64(offset) ‖ varint64(size)`.
    pub fn encode_to(&self, dst: &mut Vec<u8>) {
        put_varint64(dst, self.offset);
        put_varint64(dst, self.size);
    }

    /// Reads a handle from the front of `src`, advancing it; `None` if
    /// truncated or malformed.
    pub fn decode_from(src: &mut &[u8]) -> Option<BlockHandle> {
        let offset = get_varint64(src)?;
        let size = get_varint64(src)?;
        Some(BlockHandle { offset, size })
    }

    /// Decodes a handle that must fill `src` exactly (an index value).
    pub fn decode_exact(mut src: &[u8]) -> Option<BlockHandle> {
        let h = BlockHandle::decode_from(&mut src)?;
        src.is_empty().then_some(h)
    }

    /// First byte past the block's trailer, if it does not overflow.
    pub fn end_with_trailer(&self) -> Option<u64> {
        self.offset
            .checked_add(self.size)?
            .checked_add(BLOCK_TRAILER_LEN as u64)
    }
}

/// The fixed-size tail of a table: where the metaindex and index blocks are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footer {
    pub metaindex: BlockHandle,
    pub index: BlockHandle,
}

impl Footer {
    /// The footer's exact [`FOOTER_LEN`] bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FOOTER_LEN);
        self.metaindex.encode_to(&mut out);
        self.index.encode_to(&mut out);
        out.resize(HANDLES_LEN, 0);
        let crc = masked_crc32(&[&out]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&TABLE_MAGIC.to_le_bytes());
        out
    }

    /// Parses the last [`FOOTER_LEN`] bytes of table `name`, found at
    /// `offset`.
    pub fn decode(src: &[u8], name: &str, offset: u64) -> Result<Footer> {
        let bad =
            |what: &str| Error::corruption(format!("table {name}: {what} (footer at {offset})"));
        if src.len() != FOOTER_LEN {
            return Err(bad("footer has the wrong size"));
        }
        let magic = decode_fixed64(&src[HANDLES_LEN + 4..]).unwrap_or_default();
        if magic != TABLE_MAGIC {
            return Err(bad("bad magic number, not a table"));
        }
        let stored = decode_fixed32(&src[HANDLES_LEN..]).unwrap_or_default();
        if stored != masked_crc32(&[&src[..HANDLES_LEN]]) {
            return Err(bad("footer checksum mismatch"));
        }
        let mut cursor = &src[..HANDLES_LEN];
        let metaindex =
            BlockHandle::decode_from(&mut cursor).ok_or_else(|| bad("bad metaindex handle"))?;
        let index = BlockHandle::decode_from(&mut cursor).ok_or_else(|| bad("bad index handle"))?;
        Ok(Footer { metaindex, index })
    }
}

/// Appends `type ‖ masked_crc32(contents ‖ type)` for a block.
pub fn put_block_trailer(dst: &mut Vec<u8>, contents: &[u8], type_byte: u8) {
    let crc = masked_crc32(&[contents, &[type_byte]]);
    dst.push(type_byte);
    dst.extend_from_slice(&crc.to_le_bytes());
}

/// Reads the block at `handle` from table `name` and returns its
/// uncompressed contents. `limit` is the end of the block area (the footer's
/// offset): a handle reaching past it is corruption. With `verify` the CRC is
/// checked before anything else is trusted.
pub fn read_block(
    file: &dyn RandomRead,
    name: &str,
    limit: u64,
    handle: BlockHandle,
    verify: bool,
) -> Result<Vec<u8>> {
    let at = handle.offset;
    let bad = |what: &str| Error::corruption(format!("table {name}: {what} (block at {at})"));
    match handle.end_with_trailer() {
        Some(end) if end <= limit => {}
        _ => {
            return Err(bad(&format!(
                "block handle (size {}) points outside the file",
                handle.size
            )))
        }
    }
    let n = usize::try_from(handle.size).map_err(|_| bad("block too large"))?;
    // A compressed block is read into this thread's scratch buffer (no
    // allocation or zero-filling per read) and decompressed from there;
    // an uncompressed one is copied out of it.
    // (`try_with`: during thread teardown a fresh buffer is used instead.)
    let mut scratch = READ_SCRATCH.try_with(|s| s.take()).unwrap_or_default();
    let result = read_block_into(&mut scratch, file, handle, n, verify, &bad);
    if scratch.len() <= MAX_SCRATCH {
        let _ = READ_SCRATCH.try_with(|s| {
            let mut kept = s.borrow_mut();
            if scratch.len() >= kept.len() {
                *kept = scratch;
            }
        });
    }
    result
}

/// Largest read buffer kept per thread between block reads.
const MAX_SCRATCH: usize = 1 << 20;

thread_local! {
    static READ_SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn read_block_into(
    scratch: &mut Vec<u8>,
    file: &dyn RandomRead,
    handle: BlockHandle,
    n: usize,
    verify: bool,
    bad: &dyn Fn(&str) -> Error,
) -> Result<Vec<u8>> {
    let at = handle.offset;
    let total = n + BLOCK_TRAILER_LEN;
    if scratch.len() < total {
        scratch.resize(total, 0);
    }
    let buf = &mut scratch[..total];
    file.read_exact_at(buf, at).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            bad("file truncated inside block")
        } else {
            Error::Io(e)
        }
    })?;
    let type_byte = buf[n];
    if verify {
        let stored = decode_fixed32(&buf[n + 1..]).unwrap_or_default();
        if stored != masked_crc32(&[&buf[..n + 1]]) {
            return Err(bad("block checksum mismatch"));
        }
    }
    match type_byte {
        TYPE_NONE => Ok(buf[..n].to_vec()),
        TYPE_SNAPPY => {
            let compressed = &buf[..n];
            let len = snap::raw::decompress_len(compressed)
                .map_err(|e| bad(&format!("bad snappy header: {e}")))?;
            // Snappy expands at most ~22x; a larger claim is a corrupt
            // header, refused before allocating for it.
            if len > n.saturating_mul(32).saturating_add(64) {
                return Err(bad("snappy length implausible"));
            }
            snap::raw::Decoder::new()
                .decompress_vec(compressed)
                .map_err(|e| bad(&format!("snappy decompression failed: {e}")))
        }
        other => Err(bad(&format!("unknown compression type {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_round_trip_and_truncation() {
        for (o, s) in [(0, 0), (1, 127), (u64::MAX, u64::MAX), (1 << 40, 300)] {
            let h = BlockHandle::new(o, s);
            let mut buf = Vec::new();
            h.encode_to(&mut buf);
            assert!(buf.len() <= MAX_HANDLE_LEN);
            assert_eq!(BlockHandle::decode_exact(&buf), Some(h));
            for cut in 0..buf.len() {
                assert_eq!(BlockHandle::decode_exact(&buf[..cut]), None);
            }
            buf.push(0);
            assert_eq!(BlockHandle::decode_exact(&buf), None, "trailing byte");
        }
    }

    #[test]
    fn footer_round_trip_and_every_flip_detected() {
        let f = Footer {
            metaindex: BlockHandle::new(1000, 50),
            index: BlockHandle::new(1055, 300),
        };
        let enc = f.encode();
        assert_eq!(enc.len(), FOOTER_LEN);
        assert_eq!(Footer::decode(&enc, "t", 0).unwrap(), f);
        for i in 0..enc.len() {
            for bit in 0..8 {
                let mut bad = enc.clone();
                bad[i] ^= 1 << bit;
                let err = Footer::decode(&bad, "t", 7).unwrap_err();
                assert!(
                    err.is_corruption() && err.to_string().contains("at 7"),
                    "{err}"
                );
            }
        }
        assert!(Footer::decode(&enc[1..], "t", 0).is_err());
    }

    #[test]
    fn read_block_checks_bounds_crc_and_type() {
        let contents = b"hello block".to_vec();
        let mut file = contents.clone();
        put_block_trailer(&mut file, &contents, TYPE_NONE);
        let h = BlockHandle::new(0, contents.len() as u64);
        let limit = file.len() as u64;
        assert_eq!(read_block(&file, "t", limit, h, true).unwrap(), contents);
        assert!(read_block(&file, "t", limit - 1, h, true)
            .unwrap_err()
            .is_corruption());
        let huge = BlockHandle::new(u64::MAX - 2, 10);
        assert!(read_block(&file, "t", u64::MAX, huge, true).is_err());
        let mut bad = file.clone();
        bad[3] ^= 1;
        assert!(read_block(&bad, "t", limit, h, true)
            .unwrap_err()
            .is_corruption());
        let mut bad_type = file.clone();
        bad_type[contents.len()] = 9;
        assert!(read_block(&bad_type, "t", limit, h, false)
            .unwrap_err()
            .is_corruption());
    }

    #[test]
    fn read_block_decompresses_snappy_and_rejects_garbage() {
        let raw: Vec<u8> = b"abcabcabc".iter().cycle().take(3000).copied().collect();
        let comp = snap::raw::Encoder::new().compress_vec(&raw).unwrap();
        let mut file = comp.clone();
        put_block_trailer(&mut file, &comp, TYPE_SNAPPY);
        let h = BlockHandle::new(0, comp.len() as u64);
        assert_eq!(
            read_block(&file, "t", file.len() as u64, h, true).unwrap(),
            raw
        );
        let mut garbage = vec![0xffu8; 16];
        put_block_trailer(&mut garbage, &[0xff; 16], TYPE_SNAPPY);
        let h = BlockHandle::new(0, 16);
        let err = read_block(&garbage, "t", garbage.len() as u64, h, true).unwrap_err();
        assert!(err.is_corruption(), "{err}");
    }
}
