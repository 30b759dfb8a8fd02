//! Reading a table: open checks the footer and loads the index, metaindex
//! and filter (always checksum-verified); point lookups and iterators load
//! data blocks on demand, through the block cache when one is configured.

use std::ops::{ControlFlow, Deref};
use std::sync::{Arc, OnceLock};

use super::block::{Block, BlockIter};
use super::builder::FILTER_META_PREFIX;
use super::filter::FilterPolicy;
use super::filter_block::FilterBlockReader;
use super::format::{read_block, BlockHandle, Footer, FOOTER_LEN};
use super::merkle::{
    block_root, decode_meta, BlockMerkle, BlockMerkleBuilder, InternalLeafHasher, LeafHasher,
    TableMerkle, MERKLE_META_NAME,
};
use super::two_level::TableIter;
use crate::cache::{Cache, CacheHandle, CacheKey};
use crate::error::{Error, Result};
use crate::iter::KvIter;
use crate::key::{BytewiseComparator, Comparator, InternalKeyComparator};
use crate::merkle::Hash;
use crate::storage::RandomRead;

/// How a table is read. `comparator` and `filter_policy` must match the
/// ones it was written with (a filter under another name is ignored).
#[derive(Clone)]
pub struct TableReadOptions {
    pub comparator: Arc<dyn Comparator>,
    pub filter_policy: Option<Arc<dyn FilterPolicy>>,
    /// Shared cache of uncompressed data blocks.
    pub cache: Option<Arc<Cache<Block>>>,
    /// Verify the checksum of every data block read (index, metaindex and
    /// filter are always verified).
    pub verify_checksums: bool,
    /// Leaf hashes of entries, for Merkle proofs and for tables written
    /// without stored roots (internal keys when `None`).
    pub leaf_hasher: Option<Arc<dyn LeafHasher>>,
    /// Shared cache of data blocks' Merkle trees (for proofs).
    pub merkle_cache: Option<Arc<Cache<BlockMerkle>>>,
}

impl Default for TableReadOptions {
    fn default() -> Self {
        TableReadOptions {
            comparator: Arc::new(InternalKeyComparator::default()),
            filter_policy: None,
            cache: None,
            verify_checksums: false,
            leaf_hasher: None,
            merkle_cache: None,
        }
    }
}

/// Per-read options.
#[derive(Clone, Copy, Debug)]
pub struct BlockReadOptions {
    /// Verify data-block checksums for this read (in addition to the
    /// table-wide setting).
    pub verify_checksums: bool,
    /// Put blocks read into the block cache (off for scans that should not
    /// evict the working set).
    pub fill_cache: bool,
}

impl Default for BlockReadOptions {
    fn default() -> Self {
        BlockReadOptions {
            verify_checksums: false,
            fill_cache: true,
        }
    }
}

/// What [`Table::probe`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Probe<R> {
    /// The filter excludes the key, or it is past the table's last key: no
    /// data block was read.
    Filtered,
    /// Data blocks were searched and `visit` never stopped.
    Missed,
    /// What `visit` stopped with.
    Hit(R),
}

/// Key buffers of [`Table::probe`] (index cursor, data cursor), kept per
/// thread between lookups; larger ones than this are dropped.
const MAX_PROBE_SCRATCH: usize = 64 * 1024;

thread_local! {
    static PROBE_SCRATCH: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// A data block held either through the cache or privately.
pub(crate) enum BlockRef {
    Cached(CacheHandle<Block>),
    Owned(Arc<Block>),
}

impl Deref for BlockRef {
    type Target = Block;
    fn deref(&self) -> &Block {
        match self {
            BlockRef::Cached(h) => h,
            BlockRef::Owned(b) => b,
        }
    }
}

/// An open, immutable table; shared between threads.
pub struct Table {
    file: Arc<dyn RandomRead>,
    name: Arc<str>,
    size: u64,
    opts: TableReadOptions,
    cache_id: u64,
    footer: Footer,
    index: Arc<Block>,
    filter: Option<FilterBlockReader>,
    /// Metaindex entries (name → handle), sorted by name.
    meta: Vec<(Vec<u8>, BlockHandle)>,
    num_data_blocks: usize,
    merkle: OnceLock<Arc<TableMerkle>>,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("name", &self.name)
            .field("size", &self.size)
            .field("num_data_blocks", &self.num_data_blocks)
            .finish()
    }
}

impl Table {
    /// Opens the table `name` of `size` bytes held by `file`.
    pub fn open(
        file: Arc<dyn RandomRead>,
        size: u64,
        opts: TableReadOptions,
        name: &str,
    ) -> Result<Arc<Table>> {
        let name: Arc<str> = Arc::from(name);
        let footer_at = size.checked_sub(FOOTER_LEN as u64).ok_or_else(|| {
            Error::corruption(format!(
                "table {name}: file too short ({size} bytes) to be a table"
            ))
        })?;
        let mut buf = [0u8; FOOTER_LEN];
        file.read_exact_at(&mut buf, footer_at).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                Error::corruption(format!(
                    "table {name}: file shorter than its stated size {size}"
                ))
            } else {
                Error::Io(e)
            }
        })?;
        let footer = Footer::decode(&buf, &name, footer_at)?;
        let load = |h: BlockHandle| -> Result<Block> {
            let contents = read_block(&*file, &name, footer_at, h, true)?;
            Block::new(contents, Arc::clone(&name), h.offset)
        };
        let index = Arc::new(load(footer.index)?);
        let metaindex = load(footer.metaindex)?;
        let mut meta = Vec::new();
        let mut it = BlockIter::new(&metaindex, Arc::new(BytewiseComparator));
        it.seek_to_first();
        while it.valid() {
            let handle = BlockHandle::decode_exact(it.value()).ok_or_else(|| {
                Error::corruption(format!(
                    "table {name}: bad handle in metaindex (block at {})",
                    footer.metaindex.offset
                ))
            })?;
            meta.push((it.key().to_vec(), handle));
            it.next();
        }
        it.status()?;
        let num_data_blocks = check_index(&index, &opts.comparator, &name, footer_at)?;
        let mut table = Table {
            cache_id: opts.cache.as_ref().map_or(0, |c| c.new_id()),
            file,
            name,
            size,
            opts,
            footer,
            index,
            filter: None,
            meta,
            num_data_blocks,
            merkle: OnceLock::new(),
        };
        if let Some(policy) = table.opts.filter_policy.clone() {
            let key = format!("{FILTER_META_PREFIX}{}", policy.name());
            if let Some(h) = table.meta_handle(&key) {
                let contents = read_block(&*table.file, &table.name, footer_at, h, true)?;
                let reader = FilterBlockReader::new(policy, contents).map_err(|what| {
                    Error::corruption(format!(
                        "table {}: {what} (block at {})",
                        table.name, h.offset
                    ))
                })?;
                table.filter = Some(reader);
            }
        }
        Ok(Arc::new(table))
    }

    fn meta_handle(&self, name: &str) -> Option<BlockHandle> {
        self.meta
            .binary_search_by(|(n, _)| n.as_slice().cmp(name.as_bytes()))
            .ok()
            .map(|i| self.meta[i].1)
    }

    /// The table's name (as given to `open`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The table's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Number of data blocks (index entries).
    pub fn num_data_blocks(&self) -> usize {
        self.num_data_blocks
    }

    /// True if the table has a filter readable by the configured policy.
    pub fn has_filter(&self) -> bool {
        self.filter.is_some()
    }

    /// Names of the meta blocks listed in the metaindex (including the
    /// filter's `filter.<policy>`).
    pub fn meta_block_names(&self) -> impl Iterator<Item = &[u8]> {
        self.meta.iter().map(|(n, _)| n.as_slice())
    }

    pub(crate) fn comparator(&self) -> &Arc<dyn Comparator> {
        &self.opts.comparator
    }

    pub(crate) fn index_block(&self) -> &Arc<Block> {
        &self.index
    }

    /// Decodes an index entry's value.
    pub(crate) fn decode_handle(&self, value: &[u8]) -> Result<BlockHandle> {
        BlockHandle::decode_exact(value).ok_or_else(|| {
            Error::corruption(format!(
                "table {}: bad block handle in index (block at {})",
                self.name, self.footer.index.offset
            ))
        })
    }

    /// Loads the data block at `handle`: from the cache, else from the file
    /// (then cached if `ro.fill_cache`).
    pub(crate) fn block(&self, handle: BlockHandle, ro: &BlockReadOptions) -> Result<BlockRef> {
        self.load_block(handle, ro, true)
    }

    /// As [`Table::block`]; without `pin` a cached block is held by its
    /// `Arc` alone (one cache lock instead of two; for point lookups).
    fn load_block(
        &self,
        handle: BlockHandle,
        ro: &BlockReadOptions,
        pin: bool,
    ) -> Result<BlockRef> {
        let key = CacheKey {
            id: self.cache_id,
            offset: handle.offset,
        };
        if let Some(cache) = &self.opts.cache {
            if pin {
                if let Some(h) = cache.lookup(&key) {
                    return Ok(BlockRef::Cached(h));
                }
            } else if let Some(b) = cache.get(&key) {
                return Ok(BlockRef::Owned(b));
            }
        }
        let verify = ro.verify_checksums || self.opts.verify_checksums;
        let contents = read_block(&*self.file, &self.name, self.footer_at(), handle, verify)?;
        let block = Block::new(contents, Arc::clone(&self.name), handle.offset)?;
        match &self.opts.cache {
            Some(cache) if ro.fill_cache => {
                let charge = block.size();
                Ok(BlockRef::Cached(cache.insert(key, block, charge)))
            }
            _ => Ok(BlockRef::Owned(Arc::new(block))),
        }
    }

    fn footer_at(&self) -> u64 {
        self.size - FOOTER_LEN as u64
    }

    /// The index entry covering `key`: the handle of the first data block
    /// whose separator is ≥ `key`, with the index cursor left there.
    fn index_seek(&self, key: &[u8]) -> Result<Option<(BlockIter<&Block>, BlockHandle)>> {
        let mut index = BlockIter::new(&*self.index, Arc::clone(&self.opts.comparator));
        index.seek(key);
        if !index.valid() {
            index.status()?;
            return Ok(None);
        }
        let handle = self.decode_handle(index.value())?;
        Ok(Some((index, handle)))
    }

    /// Filter check for the internal key `key`: false only if the filter of
    /// the data block that would hold `key` excludes it (or `key` is past
    /// the table's last key). True when the table has no filter.
    ///
    /// Filters cover 2 KiB ranges of data-block offsets (LevelDB's scheme),
    /// so the check first finds the block through the in-memory index.
    pub fn key_may_match(&self, key: &[u8]) -> bool {
        let Some(filter) = &self.filter else {
            return true;
        };
        match self.index_seek(key) {
            Ok(Some((_, handle))) => filter.key_may_match(handle.offset, key),
            Ok(None) => false,
            Err(_) => true,
        }
    }

    /// Point lookup: positions at the first entry ≥ `target` and calls
    /// `visit(key, value)` on it and the entries after it, in order and
    /// across data blocks, until `visit` breaks. One index seek serves both
    /// the filter check and the data-block choice, and nothing is allocated
    /// per call (key buffers are reused per thread). `Probe::Filtered` when
    /// the filter excludes `target` or it is past the table's last key (no
    /// data block read).
    pub(crate) fn probe<R>(
        &self,
        target: &[u8],
        ro: &BlockReadOptions,
        visit: impl FnMut(&[u8], &[u8]) -> ControlFlow<R>,
    ) -> Result<Probe<R>> {
        let (index_buf, data_buf) = PROBE_SCRATCH.try_with(|s| s.take()).unwrap_or_default();
        let mut bufs = (index_buf, data_buf);
        let result = self.probe_with(target, ro, visit, &mut bufs);
        let _ = PROBE_SCRATCH.try_with(|s| {
            if bufs.0.capacity() + bufs.1.capacity() <= MAX_PROBE_SCRATCH {
                *s.borrow_mut() = bufs;
            }
        });
        result
    }

    fn probe_with<R>(
        &self,
        target: &[u8],
        ro: &BlockReadOptions,
        mut visit: impl FnMut(&[u8], &[u8]) -> ControlFlow<R>,
        bufs: &mut (Vec<u8>, Vec<u8>),
    ) -> Result<Probe<R>> {
        let cmp: &dyn Comparator = &*self.opts.comparator;
        let mut index = BlockIter::with_key_buffer(&*self.index, cmp, std::mem::take(&mut bufs.0));
        index.seek(target);
        let found = if index.valid() {
            Some(self.decode_handle(index.value()))
        } else {
            None
        };
        let Some(handle) = found else {
            let status = index.status();
            bufs.0 = index.into_key_buffer();
            status?;
            return Ok(match self.filter {
                Some(_) => Probe::Filtered,
                None => Probe::Missed,
            });
        };
        let mut handle = match handle {
            Ok(h) => h,
            Err(e) => {
                bufs.0 = index.into_key_buffer();
                return Err(e);
            }
        };
        if let Some(filter) = &self.filter {
            if !filter.key_may_match(handle.offset, target) {
                bufs.0 = index.into_key_buffer();
                return Ok(Probe::Filtered);
            }
        }
        let mut first = true;
        let outcome = loop {
            let block = match self.load_block(handle, ro, false) {
                Ok(b) => b,
                Err(e) => break Err(e),
            };
            let mut it = BlockIter::with_key_buffer(block, cmp, std::mem::take(&mut bufs.1));
            if first {
                it.seek(target);
                first = false;
            } else {
                it.seek_to_first();
            }
            let mut hit = None;
            while it.valid() {
                if let ControlFlow::Break(r) = visit(it.key(), it.value()) {
                    hit = Some(r);
                    break;
                }
                it.next();
            }
            let status = it.status();
            bufs.1 = it.into_key_buffer();
            if let Some(r) = hit {
                break Ok(Probe::Hit(r));
            }
            if let Err(e) = status {
                break Err(e);
            }
            // The rest of the answer, if any, starts in the next block.
            index.next();
            if !index.valid() {
                break index.status().map(|()| Probe::Missed);
            }
            match self.decode_handle(index.value()) {
                Ok(h) => handle = h,
                Err(e) => break Err(e),
            }
        };
        bufs.0 = index.into_key_buffer();
        outcome
    }

    /// The first entry with key ≥ `target`, unless the filter says the
    /// table has no entry for `target`'s user key (then `None`, as when
    /// `target` is past the end).
    pub fn get(&self, target: &[u8], ro: &BlockReadOptions) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        let Some((mut index, mut handle)) = self.index_seek(target)? else {
            return Ok(None);
        };
        if let Some(filter) = &self.filter {
            if !filter.key_may_match(handle.offset, target) {
                return Ok(None);
            }
        }
        loop {
            let mut it = BlockIter::new(self.block(handle, ro)?, Arc::clone(&self.opts.comparator));
            it.seek(target);
            if it.valid() {
                return Ok(Some((it.key().to_vec(), it.value().to_vec())));
            }
            it.status()?;
            // `target` is past this block's last key but not its separator:
            // the answer is the next block's first entry.
            index.next();
            if !index.valid() {
                index.status()?;
                return Ok(None);
            }
            handle = self.decode_handle(index.value())?;
        }
    }

    /// A cursor over the whole table.
    pub fn iter(self: &Arc<Self>, ro: BlockReadOptions) -> TableIter {
        TableIter::new(Arc::clone(self), ro)
    }

    /// The contents of the meta block `name`, if the table has one.
    pub fn read_meta_block(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match self.meta_handle(name) {
            Some(h) => read_block(&*self.file, &self.name, self.footer_at(), h, true).map(Some),
            None => Ok(None),
        }
    }

    fn leaf_hasher(&self) -> Arc<dyn LeafHasher> {
        self.opts
            .leaf_hasher
            .clone()
            .unwrap_or_else(|| Arc::new(InternalLeafHasher))
    }

    /// The table's block roots and root: from its `avccdb.merkle` block
    /// (checked against the block count and its own root), or computed from
    /// every record when the table has none. Cached for the table's life.
    pub fn merkle(&self) -> Result<Arc<TableMerkle>> {
        if let Some(m) = self.merkle.get() {
            return Ok(m.clone());
        }
        let mut handles = Vec::with_capacity(self.num_data_blocks);
        let mut index = BlockIter::new(&*self.index, Arc::clone(&self.opts.comparator));
        index.seek_to_first();
        while index.valid() {
            handles.push(self.decode_handle(index.value())?);
            index.next();
        }
        index.status()?;
        let computed = match self.read_meta_block(MERKLE_META_NAME)? {
            Some(bytes) => {
                let (roots, root) = decode_meta(&bytes, &self.name)?;
                TableMerkle::new(roots, handles, Some(root), &self.name)?
            }
            None => {
                let ro = BlockReadOptions {
                    verify_checksums: true,
                    fill_cache: false,
                };
                let mut roots = Vec::with_capacity(handles.len());
                for h in &handles {
                    roots.push(block_root(self.block_leaves(&*self.block(*h, &ro)?)?));
                }
                TableMerkle::new(roots, handles, None, &self.name)?
            }
        };
        let m = Arc::new(computed);
        let _ = self.merkle.set(m.clone());
        Ok(m)
    }

    /// The leaf hashes of a data block's entries, in order.
    fn block_leaves(&self, block: &Block) -> Result<Vec<Hash>> {
        let hasher = self.leaf_hasher();
        let mut it = BlockIter::new(block, Arc::clone(&self.opts.comparator));
        it.seek_to_first();
        let mut leaves = Vec::new();
        while it.valid() {
            leaves.push(hasher.leaf(it.key(), it.value())?);
            it.next();
        }
        it.status()?;
        Ok(leaves)
    }

    fn compute_block_merkle(
        &self,
        handles: &[BlockHandle],
        block: usize,
        ro: &BlockReadOptions,
    ) -> Result<BlockMerkle> {
        let contents = self.block(handles[block], ro)?;
        let hasher = self.leaf_hasher();
        let mut it = BlockIter::new(&*contents, Arc::clone(&self.opts.comparator));
        it.seek_to_first();
        // Keys are prefix-compressed in the block: whole, they take more.
        let mut out = BlockMerkleBuilder::with_capacity(2 * handles[block].size as usize);
        while it.valid() {
            out.push(hasher.leaf(it.key(), it.value())?, it.key(), it.value());
            it.next();
        }
        it.status()?;
        Ok(out.finish())
    }

    /// Data block `block`'s entries and leaf tree, through the Merkle cache
    /// when one is configured.
    pub fn block_merkle(&self, block: usize, ro: &BlockReadOptions) -> Result<Arc<BlockMerkle>> {
        let merkle = self.merkle()?;
        let handle = *merkle.block_handles.get(block).ok_or_else(|| {
            Error::invalid_argument(format!("table {}: no data block {block}", self.name))
        })?;
        let key = CacheKey {
            id: self.cache_id,
            offset: handle.offset,
        };
        if let Some(cache) = &self.opts.merkle_cache {
            if let Some(h) = cache.lookup(&key) {
                return Ok(h.value_arc());
            }
        }
        let bm = self.compute_block_merkle(&merkle.block_handles, block, ro)?;
        if bm.root() != merkle.blocks.items()[block] {
            return Err(Error::corruption(format!(
                "table {}: data block at {} does not match its Merkle root",
                self.name, handle.offset
            )));
        }
        match &self.opts.merkle_cache {
            Some(cache) => {
                let charge = bm.memory();
                Ok(cache.insert(key, bm, charge).value_arc())
            }
            None => Ok(Arc::new(bm)),
        }
    }

    /// Reads every data block from the file (checksums verified, cache
    /// bypassed), recomputes its root and the table root, and compares them
    /// with the stored ones. Returns (blocks, entries) checked.
    pub fn verify_merkle(&self) -> Result<(u64, u64)> {
        let merkle = self.merkle()?;
        let mut entries = 0u64;
        for (i, handle) in merkle.block_handles.iter().enumerate() {
            let contents = read_block(&*self.file, &self.name, self.footer_at(), *handle, true)?;
            let block = Block::new(contents, Arc::clone(&self.name), handle.offset)?;
            let leaves = self.block_leaves(&block)?;
            entries += leaves.len() as u64;
            if block_root(leaves) != merkle.blocks.items()[i] {
                return Err(Error::corruption(format!(
                    "table {}: data block at {} does not match its Merkle root",
                    self.name, handle.offset
                )));
            }
        }
        Ok((merkle.block_handles.len() as u64, entries))
    }

    /// Position (block number, entry within the block) of the first entry
    /// ≥ `target`; `(number of blocks, 0)` past the end.
    pub fn locate(&self, target: &[u8], ro: &BlockReadOptions) -> Result<(usize, usize)> {
        let merkle = self.merkle()?;
        let nb = merkle.block_handles.len();
        let Some((_, handle)) = self.index_seek(target)? else {
            return Ok((nb, 0));
        };
        let block = merkle.block_number(handle.offset).ok_or_else(|| {
            Error::corruption(format!("table {}: index names an unknown block", self.name))
        })?;
        let bm = self.block_merkle(block, ro)?;
        let cmp = &self.opts.comparator;
        let (mut lo, mut hi) = (0, bm.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if cmp.compare(bm.entry(mid).0, target) == std::cmp::Ordering::Less {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo == bm.len() {
            return Ok((block + 1, 0));
        }
        Ok((block, lo))
    }

    /// Approximate file offset where entries ≥ `key` begin: the offset of
    /// the data block that would hold `key`, or the metaindex offset (about
    /// the end of the data) past the last key. Monotone in `key`.
    pub fn approximate_offset_of(&self, key: &[u8]) -> u64 {
        match self.index_seek(key) {
            Ok(Some((_, handle))) => handle.offset,
            _ => self.footer.metaindex.offset,
        }
    }
}

/// Checks every index entry once at open (keys ascending, handles decodable,
/// inside the block area and ascending) and counts the data blocks.
fn check_index(index: &Block, cmp: &Arc<dyn Comparator>, name: &str, limit: u64) -> Result<usize> {
    let bad = |what: &str| {
        Error::corruption(format!(
            "table {name}: {what} (index block at {})",
            index.offset()
        ))
    };
    let mut it = BlockIter::new(index, Arc::clone(cmp));
    it.seek_to_first();
    let mut count = 0;
    let mut prev_key: Vec<u8> = Vec::new();
    let mut next_free = 0u64;
    while it.valid() {
        let h = BlockHandle::decode_exact(it.value()).ok_or_else(|| bad("bad block handle"))?;
        if h.offset < next_free || h.end_with_trailer().is_none_or(|end| end > limit) {
            return Err(bad("block handle points outside the data area"));
        }
        next_free = h.offset + h.size;
        if count > 0 && cmp.compare(&prev_key, it.key()) != std::cmp::Ordering::Less {
            return Err(bad("index keys out of order"));
        }
        prev_key.clear();
        prev_key.extend_from_slice(it.key());
        count += 1;
        it.next();
    }
    it.status()?;
    Ok(count)
}
