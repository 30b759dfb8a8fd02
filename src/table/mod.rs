//! Sorted tables (SSTables): immutable files of sorted key/value entries in
//! prefix-compressed data blocks, with an index block, an optional Bloom
//! filter block, named meta blocks listed in a metaindex, per-block
//! checksums and optional Snappy compression. `docs/TABLE_FORMAT.md`
//! specifies the bytes.
//!
//! Files: `format` (handles, trailer, footer, block reads), `block_builder`
//! and `block` (one block and its cursor), `filter` (policies) and
//! `filter_block`, `builder` (writer), `table` (reader), `two_level` (the
//! table cursor), `merkle` (leaf hashing, the `avccdb.merkle` meta block).

mod block;
mod block_builder;
mod builder;
mod filter;
mod filter_block;
mod format;
mod merkle;
#[allow(clippy::module_inception)]
mod table;
mod two_level;

pub use block::{Block, BlockIter};
pub use block_builder::BlockBuilder;
pub use builder::{TableBuilder, TableOptions, FILTER_META_PREFIX};
pub use filter::{bloom_hash, BloomFilterPolicy, FilterPolicy, InternalFilterPolicy};
pub use filter_block::{FilterBlockBuilder, FilterBlockReader, FILTER_BASE_LG};
pub use format::{
    BlockHandle, Compression, Footer, BLOCK_TRAILER_LEN, FOOTER_LEN, MAX_HANDLE_LEN, TABLE_MAGIC,
};
pub use merkle::{
    block_root, BlockMerkle, InternalLeafHasher, LeafHasher, TableMerkle, MERKLE_META_NAME,
};
pub(crate) use table::Probe;
pub use table::{BlockReadOptions, Table, TableReadOptions};
pub use two_level::TableIter;

#[cfg(test)]
mod tests;
