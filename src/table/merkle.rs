//! The Merkle side of a table: leaf hashing of entries as the builder
//! writes them, the `avccdb.merkle` meta block (each data block's root and
//! the table root), and the reader's views of them — the block-root tree
//! of a table and the leaf tree of one data block (`docs/PROOF_FORMAT.md`).

use super::format::BlockHandle;
use crate::error::{Error, Result};
use crate::key::parse_internal_key;
use crate::merkle::hash::{commit_hash, leaf_hash, CommitTag, Hash};
use crate::merkle::tree::{root_in_place, Levels};

/// Name of the meta block holding the block roots and the table root.
pub const MERKLE_META_NAME: &str = "avccdb.merkle";
const MERKLE_META_FORMAT: u8 = 1;

/// Maps a table entry to its leaf hash.
pub trait LeafHasher: Send + Sync {
    fn leaf(&self, key: &[u8], value: &[u8]) -> Result<Hash>;
}

/// Leaves of internal-key entries: user key, version, kind and value (the
/// sequence number is not authenticated).
#[derive(Debug, Default, Clone, Copy)]
pub struct InternalLeafHasher;

impl LeafHasher for InternalLeafHasher {
    fn leaf(&self, key: &[u8], value: &[u8]) -> Result<Hash> {
        let p = parse_internal_key(key)?;
        Ok(leaf_hash(p.user_key, p.version, p.kind as u8, value))
    }
}

/// `commit(block, n, tree(leaves))`.
pub fn block_root(mut leaves: Vec<Hash>) -> Hash {
    let n = leaves.len() as u64;
    commit_hash(CommitTag::Block, n, &root_in_place(&mut leaves))
}

/// Collects leaf hashes while a table is built: one root per data block.
#[derive(Default)]
pub(crate) struct MerkleAccumulator {
    leaves: Vec<Hash>,
    block_roots: Vec<Hash>,
}

impl MerkleAccumulator {
    pub(crate) fn add_leaf(&mut self, leaf: Hash) {
        self.leaves.push(leaf);
    }

    /// The data block holding the leaves added since the last call was
    /// written.
    pub(crate) fn end_block(&mut self) {
        if !self.leaves.is_empty() {
            let n = self.leaves.len() as u64;
            let root = root_in_place(&mut self.leaves);
            self.block_roots
                .push(commit_hash(CommitTag::Block, n, &root));
            // Keeps its capacity for the next block.
            self.leaves.clear();
        }
    }

    /// The meta block contents and the table root.
    pub(crate) fn finish(mut self) -> (Vec<u8>, Hash) {
        self.end_block();
        let n = self.block_roots.len() as u64;
        let mut scratch = self.block_roots.clone();
        let root = commit_hash(CommitTag::Table, n, &root_in_place(&mut scratch));
        (encode_meta(&self.block_roots, &root), root)
    }
}

fn table_root_of(block_levels: &Levels) -> Hash {
    commit_hash(
        CommitTag::Table,
        block_levels.len() as u64,
        &block_levels.root(),
    )
}

fn encode_meta(block_roots: &[Hash], root: &Hash) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + 32 * (block_roots.len() + 1));
    out.push(MERKLE_META_FORMAT);
    out.extend_from_slice(&(block_roots.len() as u64).to_be_bytes());
    for r in block_roots {
        out.extend_from_slice(r);
    }
    out.extend_from_slice(root);
    out
}

/// A table's block roots (as a tree) and its root.
#[derive(Debug)]
pub struct TableMerkle {
    pub blocks: Levels,
    pub root: Hash,
    /// Each data block's handle, in file order (block number ↔ handle).
    pub block_handles: Vec<BlockHandle>,
}

impl TableMerkle {
    /// From the block roots; the stored root (if any) must match.
    pub(crate) fn new(
        block_roots: Vec<Hash>,
        block_handles: Vec<BlockHandle>,
        stored_root: Option<Hash>,
        table: &str,
    ) -> Result<TableMerkle> {
        let blocks = Levels::build(block_roots);
        let root = table_root_of(&blocks);
        if block_handles.len() != blocks.len() {
            return Err(Error::corruption(format!(
                "table {table}: {MERKLE_META_NAME} has {} block roots for {} data blocks",
                blocks.len(),
                block_handles.len()
            )));
        }
        if stored_root.is_some_and(|s| s != root) {
            return Err(Error::corruption(format!(
                "table {table}: stored Merkle root does not match its block roots"
            )));
        }
        Ok(TableMerkle {
            blocks,
            root,
            block_handles,
        })
    }

    /// The number of the data block starting at `offset`.
    pub fn block_number(&self, offset: u64) -> Option<usize> {
        self.block_handles
            .binary_search_by_key(&offset, |h| h.offset)
            .ok()
    }
}

/// Parses the meta block: (block roots, table root).
pub(crate) fn decode_meta(bytes: &[u8], table: &str) -> Result<(Vec<Hash>, Hash)> {
    let bad = || Error::corruption(format!("table {table}: malformed {MERKLE_META_NAME} block"));
    if bytes.len() < 9 + 32 || bytes[0] != MERKLE_META_FORMAT {
        return Err(bad());
    }
    let n = u64::from_be_bytes(bytes[1..9].try_into().expect("8 bytes"));
    let body = &bytes[9..];
    if n.checked_add(1).and_then(|c| c.checked_mul(32)) != Some(body.len() as u64) {
        return Err(bad());
    }
    let mut roots: Vec<Hash> = body
        .chunks_exact(32)
        .map(|c| c.try_into().expect("32 bytes"))
        .collect();
    let root = roots.pop().ok_or_else(bad)?;
    Ok((roots, root))
}

/// One data block's entries and the tree over their leaves.
#[derive(Debug)]
pub struct BlockMerkle {
    pub leaves: Levels,
    /// Keys and values of the entries, back to back.
    data: Vec<u8>,
    /// Per entry: key start, key end (= value start), value end in `data`.
    bounds: Vec<(u32, u32, u32)>,
}

/// Collects a data block's entries into a [`BlockMerkle`], copying each
/// key and value once into one buffer.
pub(crate) struct BlockMerkleBuilder {
    data: Vec<u8>,
    bounds: Vec<(u32, u32, u32)>,
    leaves: Vec<Hash>,
}

impl BlockMerkleBuilder {
    /// For a block of about `bytes` bytes.
    pub(crate) fn with_capacity(bytes: usize) -> BlockMerkleBuilder {
        BlockMerkleBuilder {
            data: Vec::with_capacity(bytes),
            bounds: Vec::new(),
            leaves: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, leaf: Hash, key: &[u8], value: &[u8]) {
        let start = self.data.len() as u32;
        self.data.extend_from_slice(key);
        let mid = self.data.len() as u32;
        self.data.extend_from_slice(value);
        self.bounds.push((start, mid, self.data.len() as u32));
        self.leaves.push(leaf);
    }

    pub(crate) fn finish(self) -> BlockMerkle {
        BlockMerkle {
            leaves: Levels::build(self.leaves),
            data: self.data,
            bounds: self.bounds,
        }
    }
}

impl BlockMerkle {
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Entry `i`'s (internal key, value).
    pub fn entry(&self, i: usize) -> (&[u8], &[u8]) {
        let (a, b, c) = self.bounds[i];
        (
            &self.data[a as usize..b as usize],
            &self.data[b as usize..c as usize],
        )
    }

    /// The block root.
    pub fn root(&self) -> Hash {
        commit_hash(CommitTag::Block, self.len() as u64, &self.leaves.root())
    }

    /// Bytes held, for the cache's charge.
    pub fn memory(&self) -> usize {
        self.data.len() + self.bounds.len() * 12 + self.leaves.memory()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_round_trips_and_rejects_damage() {
        let roots = vec![[1u8; 32], [2u8; 32], [3u8; 32]];
        let root = table_root_of(&Levels::build(roots.clone()));
        let bytes = encode_meta(&roots, &root);
        assert_eq!(decode_meta(&bytes, "t").unwrap(), (roots.clone(), root));
        assert!(decode_meta(&bytes[..bytes.len() - 1], "t").is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_meta(&longer, "t").is_err());
        let mut wrong_count = bytes.clone();
        wrong_count[8] = 7;
        assert!(decode_meta(&wrong_count, "t").is_err());
        let (r, stored) = decode_meta(&bytes, "t").unwrap();
        let handles: Vec<BlockHandle> = (0..3).map(|i| BlockHandle::new(i * 10, 5)).collect();
        assert!(TableMerkle::new(r, handles.clone(), Some([9; 32]), "t").is_err());
        assert!(TableMerkle::new(roots.clone(), handles[..2].to_vec(), None, "t").is_err());
        let tm = TableMerkle::new(roots, handles, Some(stored), "t").unwrap();
        assert_eq!(tm.block_number(20), Some(2));
        assert_eq!(tm.block_number(21), None);
    }
}
