//! Writes a table: sorted entries into data blocks, then the filter block,
//! extra meta blocks, the metaindex, the index and the footer. The writer is
//! handed back unsynced; making it durable is the caller's job.

use std::cmp::Ordering;
use std::io::Write;
use std::sync::Arc;

use super::block_builder::BlockBuilder;
use super::filter::FilterPolicy;
use super::filter_block::FilterBlockBuilder;
use super::format::{put_block_trailer, BlockHandle, Compression, Footer};
use super::merkle::{LeafHasher, MerkleAccumulator, MERKLE_META_NAME};
use crate::error::{Error, Result};
use crate::key::{Comparator, InternalKeyComparator};
use crate::merkle::Hash;

/// Metaindex key prefix of the filter block; the policy name follows.
pub const FILTER_META_PREFIX: &str = "filter.";

/// How a table is laid out. The same comparator must be used to read it.
#[derive(Clone)]
pub struct TableOptions {
    /// Order of the keys (internal keys by default).
    pub comparator: Arc<dyn Comparator>,
    /// Target uncompressed size of a data block; a block is cut once it
    /// reaches this size.
    pub block_size: usize,
    /// Entries between full keys (restart points) in data blocks.
    pub block_restart_interval: usize,
    /// Compression of data, index and meta blocks.
    pub compression: Compression,
    /// Policy of the filter block; `None` writes no filter.
    pub filter_policy: Option<Arc<dyn FilterPolicy>>,
    /// Hashes each entry into the table's Merkle tree (the block roots and
    /// table root go into the `avccdb.merkle` meta block); `None` writes no
    /// tree.
    pub leaf_hasher: Option<Arc<dyn LeafHasher>>,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            comparator: Arc::new(InternalKeyComparator::default()),
            block_size: 4096,
            block_restart_interval: 16,
            compression: Compression::Snappy,
            filter_policy: None,
            leaf_hasher: None,
        }
    }
}

impl std::fmt::Debug for TableOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableOptions")
            .field("comparator", &self.comparator.name())
            .field("block_size", &self.block_size)
            .field("block_restart_interval", &self.block_restart_interval)
            .field("compression", &self.compression)
            .field(
                "filter_policy",
                &self.filter_policy.as_ref().map(|p| p.name().to_owned()),
            )
            .field("merkle", &self.leaf_hasher.is_some())
            .finish()
    }
}

/// Largest key or value accepted (lengths are stored as varint32, block
/// offsets as fixed32).
const MAX_ENTRY_LEN: usize = (u32::MAX / 2) as usize;

/// Streams a table to `W`. Keys must be added in strictly increasing order.
pub struct TableBuilder<W: Write> {
    opts: TableOptions,
    out: BlockWriter<W>,
    data_block: BlockBuilder,
    index_block: BlockBuilder,
    last_key: Vec<u8>,
    num_entries: u64,
    filter: Option<FilterBlockBuilder>,
    /// Handle of the last data block, indexed once the next key is known so
    /// the index key can be a short separator.
    pending_index: Option<BlockHandle>,
    meta: Vec<(String, BlockHandle)>,
    merkle: Option<MerkleAccumulator>,
    /// Reused buffers for index separators and encoded handles.
    sep: Vec<u8>,
    handle_buf: Vec<u8>,
}

/// The output file: writes framed blocks and remembers the first error.
struct BlockWriter<W: Write> {
    dest: W,
    /// Bytes written to `dest`.
    offset: u64,
    /// First write error; the builder refuses further work after it.
    err: Option<Error>,
    encoder: snap::raw::Encoder,
    compressed: Vec<u8>,
}

impl<W: Write> BlockWriter<W> {
    fn check_ok(&self) -> Result<()> {
        match &self.err {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        self.check_ok()?;
        if let Err(e) = self.dest.write_all(bytes) {
            let e = Error::Io(e);
            self.err = Some(e.clone());
            return Err(e);
        }
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Writes `raw ‖ trailer`, compressed when that saves at least 1/8.
    fn write_block(&mut self, raw: &[u8], compression: Compression) -> Result<BlockHandle> {
        self.check_ok()?;
        let mut kind = Compression::None;
        let mut len = raw.len();
        if compression == Compression::Snappy {
            let max = snap::raw::max_compress_len(raw.len());
            if self.compressed.len() < max {
                self.compressed.resize(max, 0);
            }
            if let Ok(n) = self.encoder.compress(raw, &mut self.compressed) {
                if n < raw.len() - raw.len() / 8 {
                    kind = Compression::Snappy;
                    len = n;
                }
            }
        }
        let compressed = std::mem::take(&mut self.compressed);
        let stored = if kind == Compression::Snappy {
            &compressed[..len]
        } else {
            raw
        };
        let handle = BlockHandle::new(self.offset, stored.len() as u64);
        let mut trailer = Vec::with_capacity(5);
        put_block_trailer(&mut trailer, stored, kind.type_byte());
        let result = self
            .write_all(stored)
            .and_then(|()| self.write_all(&trailer));
        self.compressed = compressed;
        result.map(|()| handle)
    }
}

impl<W: Write> TableBuilder<W> {
    /// Starts a table written to `dest` from its current position.
    pub fn new(opts: TableOptions, dest: W) -> Self {
        let filter = opts.filter_policy.clone().map(|p| {
            let mut f = FilterBlockBuilder::new(p);
            f.start_block(0);
            f
        });
        let merkle = opts
            .leaf_hasher
            .as_ref()
            .map(|_| MerkleAccumulator::default());
        TableBuilder {
            data_block: BlockBuilder::new(opts.block_restart_interval),
            index_block: BlockBuilder::new(1),
            opts,
            out: BlockWriter {
                dest,
                offset: 0,
                err: None,
                encoder: snap::raw::Encoder::new(),
                compressed: Vec::new(),
            },
            last_key: Vec::new(),
            num_entries: 0,
            filter,
            pending_index: None,
            meta: Vec::new(),
            merkle,
            sep: Vec::new(),
            handle_buf: Vec::with_capacity(20),
        }
    }

    /// Appends an entry; `key` must sort after every key added before.
    pub fn add(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.out.check_ok()?;
        if key.len() > MAX_ENTRY_LEN || value.len() > MAX_ENTRY_LEN {
            return Err(Error::invalid_argument(format!(
                "table entry too large: key {} bytes, value {} bytes",
                key.len(),
                value.len()
            )));
        }
        if self.num_entries > 0
            && self.opts.comparator.compare(key, &self.last_key) != Ordering::Greater
        {
            return Err(Error::invalid_argument(
                "table keys must be added in strictly increasing order",
            ));
        }
        let leaf = match &self.opts.leaf_hasher {
            Some(h) => Some(h.leaf(key, value)?),
            None => None,
        };
        // Restart offsets are 32-bit: cut early rather than overflow.
        let entry = key.len() + value.len() + 32;
        if self.data_block.current_size_estimate() + entry > u32::MAX as usize {
            self.flush()?;
        }
        if let Some(handle) = self.pending_index.take() {
            self.sep.clear();
            self.sep.extend_from_slice(&self.last_key);
            self.opts
                .comparator
                .find_shortest_separator(&mut self.sep, key);
            self.handle_buf.clear();
            handle.encode_to(&mut self.handle_buf);
            self.index_block.add(&self.sep, &self.handle_buf);
        }
        if let Some(f) = &mut self.filter {
            f.add_key(key);
        }
        if let (Some(m), Some(leaf)) = (&mut self.merkle, leaf) {
            m.add_leaf(leaf);
        }
        self.last_key.clear();
        self.last_key.extend_from_slice(key);
        self.num_entries += 1;
        self.data_block.add(key, value);
        if self.data_block.current_size_estimate() >= self.opts.block_size {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the current data block, if any.
    fn flush(&mut self) -> Result<()> {
        if self.data_block.is_empty() {
            return Ok(());
        }
        let handle = self
            .out
            .write_block(self.data_block.finish(), self.opts.compression);
        self.data_block.reset();
        self.pending_index = Some(handle?);
        if let Some(m) = &mut self.merkle {
            m.end_block();
        }
        if let Some(f) = &mut self.filter {
            f.start_block(self.out.offset);
        }
        Ok(())
    }

    /// Writes `contents` as a named block listed in the metaindex (read back
    /// with `Table::read_meta_block`). Names are unique and may not start
    /// with `filter.`.
    pub fn add_meta_block(&mut self, name: &str, contents: &[u8]) -> Result<()> {
        self.out.check_ok()?;
        if name.is_empty()
            || name.starts_with(FILTER_META_PREFIX)
            || name == MERKLE_META_NAME
            || self.meta.iter().any(|(n, _)| n == name)
        {
            return Err(Error::invalid_argument(format!(
                "meta block name {name:?} is empty, reserved or already used"
            )));
        }
        if contents.len() > MAX_ENTRY_LEN {
            return Err(Error::invalid_argument("meta block too large"));
        }
        // Filters map data-block offsets to keys: finish the block being
        // built so its keys are filed under its real offset, and file later
        // keys under the offset after the meta block.
        self.flush()?;
        let handle = self.out.write_block(contents, self.opts.compression)?;
        self.meta.push((name.to_owned(), handle));
        if let Some(f) = &mut self.filter {
            f.start_block(self.out.offset);
        }
        Ok(())
    }

    /// Entries added so far.
    pub fn num_entries(&self) -> u64 {
        self.num_entries
    }

    /// Bytes written plus the size of the data block being built.
    pub fn file_size(&self) -> u64 {
        if self.data_block.is_empty() {
            self.out.offset
        } else {
            self.out.offset + self.data_block.current_size_estimate() as u64
        }
    }

    /// Drops the table unfinished (the caller deletes the file).
    pub fn abandon(self) {}

    /// Writes the remaining blocks and the footer, flushes `dest` and returns
    /// it with the table's size.
    pub fn finish(self) -> Result<(W, u64)> {
        self.finish_with_root().map(|(w, size, _)| (w, size))
    }

    /// As [`TableBuilder::finish`], also returning the table's Merkle root
    /// when the options have a leaf hasher.
    pub fn finish_with_root(mut self) -> Result<(W, u64, Option<Hash>)> {
        self.out.check_ok()?;
        self.flush()?;
        let mut meta = std::mem::take(&mut self.meta);
        let mut root = None;
        if let Some(m) = self.merkle.take() {
            let (contents, r) = m.finish();
            // Hashes do not compress.
            let handle = self.out.write_block(&contents, Compression::None)?;
            meta.push((MERKLE_META_NAME.to_owned(), handle));
            root = Some(r);
        }
        if let Some(f) = self.filter.take() {
            let name = format!("{FILTER_META_PREFIX}{}", f.policy_name());
            let contents = f.finish();
            // Filters are random bits: compressing them is wasted work.
            let handle = self.out.write_block(&contents, Compression::None)?;
            meta.push((name, handle));
        }
        meta.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut metaindex = BlockBuilder::new(1);
        let mut enc = Vec::with_capacity(20);
        for (name, handle) in &meta {
            enc.clear();
            handle.encode_to(&mut enc);
            metaindex.add(name.as_bytes(), &enc);
        }
        let metaindex_handle = self
            .out
            .write_block(metaindex.finish(), self.opts.compression)?;
        if let Some(handle) = self.pending_index.take() {
            let mut succ = self.last_key.clone();
            self.opts.comparator.find_short_successor(&mut succ);
            enc.clear();
            handle.encode_to(&mut enc);
            self.index_block.add(&succ, &enc);
        }
        let index_handle = self
            .out
            .write_block(self.index_block.finish(), self.opts.compression)?;
        let footer = Footer {
            metaindex: metaindex_handle,
            index: index_handle,
        }
        .encode();
        self.out.write_all(&footer)?;
        self.out.dest.flush()?;
        Ok((self.out.dest, self.out.offset, root))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::BytewiseComparator;

    fn bytewise() -> TableOptions {
        TableOptions {
            comparator: Arc::new(BytewiseComparator),
            ..TableOptions::default()
        }
    }

    #[test]
    fn rejects_unordered_and_duplicate_keys() {
        let mut b = TableBuilder::new(bytewise(), Vec::new());
        b.add(b"b", b"1").unwrap();
        assert!(matches!(b.add(b"a", b"x"), Err(Error::InvalidArgument(_))));
        assert!(matches!(b.add(b"b", b"x"), Err(Error::InvalidArgument(_))));
        b.add(b"c", b"2").unwrap();
        assert_eq!(b.num_entries(), 2);
        let (out, size) = b.finish().unwrap();
        assert_eq!(out.len() as u64, size);
    }

    #[test]
    fn file_size_grows_and_matches_at_finish() {
        let opts = TableOptions {
            block_size: 256,
            compression: Compression::None,
            ..bytewise()
        };
        let mut b = TableBuilder::new(opts, Vec::new());
        assert_eq!(b.file_size(), 0);
        let mut last = 0;
        for i in 0..1000u32 {
            b.add(format!("key{i:06}").as_bytes(), &[7u8; 20]).unwrap();
            assert!(b.file_size() >= last);
            last = b.file_size();
        }
        assert!(last > 1000 * 20);
        let (out, size) = b.finish().unwrap();
        assert_eq!(out.len() as u64, size);
        assert!(size >= last);
    }

    #[test]
    fn meta_block_names_are_checked() {
        let mut b = TableBuilder::new(bytewise(), Vec::new());
        b.add_meta_block("merkle", b"root").unwrap();
        assert!(b.add_meta_block("merkle", b"again").is_err());
        assert!(b.add_meta_block("filter.x", b"no").is_err());
        assert!(b.add_meta_block("", b"no").is_err());
        b.finish().unwrap();
    }

    struct FailingWriter;
    impl Write for FailingWriter {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn write_errors_stick() {
        let opts = TableOptions {
            block_size: 64,
            ..bytewise()
        };
        let mut b = TableBuilder::new(opts, FailingWriter);
        let mut failed = false;
        for i in 0..100u32 {
            if let Err(e) = b.add(&i.to_be_bytes(), &[1u8; 30]) {
                assert!(matches!(e, Error::Io(_)));
                failed = true;
                break;
            }
        }
        assert!(failed);
        assert!(matches!(b.add(&[0xff; 8], b"x"), Err(Error::Io(_))));
        assert!(b.finish().is_err());
    }
}
