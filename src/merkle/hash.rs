//! The hash functions of the authenticated state: record leaves, inner
//! nodes, count-binding commitments, table entries and layer entries. Every
//! preimage starts with a distinct domain byte, so no value of one kind can
//! stand for another (`docs/PROOF_FORMAT.md`, "Hashes").

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Domain bytes: the first byte of every hashed preimage.
const DOMAIN_LEAF: u8 = 0x00;
const DOMAIN_NODE: u8 = 0x01;
const DOMAIN_COMMIT: u8 = 0x02;
const DOMAIN_TABLE_ENTRY: u8 = 0x03;
const DOMAIN_LAYER_ENTRY: u8 = 0x04;

/// What a commitment is over; bound into it so a block can never pass for
/// a table, a level or the whole database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum CommitTag {
    /// The records of one data block of a table.
    Block = 1,
    /// The block commitments of a table.
    Table = 2,
    /// The visible records of a memdb.
    Memdb = 3,
    /// The table entries of one level-0 table or one level.
    Tables = 4,
    /// The layer entries of the database: the MasterRoot.
    Master = 5,
}

/// The tree root of an empty list (inside a commitment, which binds the
/// count 0 as well).
pub const EMPTY_TREE: Hash = [0u8; 32];

/// Leaf hash of one record:
/// `H(0x00 ‖ u32 len(key) ‖ key ‖ u64 version ‖ u8 kind ‖ u32 len(value) ‖ value)`,
/// integers big-endian. Keys and values are below 2³¹ bytes everywhere in
/// avccdb, so the lengths always fit.
pub fn leaf_hash(key: &[u8], version: u64, kind: u8, value: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([DOMAIN_LEAF]);
    h.update((key.len() as u32).to_be_bytes());
    h.update(key);
    h.update(version.to_be_bytes());
    h.update([kind]);
    h.update((value.len() as u32).to_be_bytes());
    h.update(value);
    h.finalize().into()
}

/// Inner node: `H(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut buf = [0u8; 65];
    buf[0] = DOMAIN_NODE;
    buf[1..33].copy_from_slice(left);
    buf[33..].copy_from_slice(right);
    Sha256::digest(buf).into()
}

/// Commitment to a list of `count` hashes whose tree root is `tree_root`:
/// `H(0x02 ‖ u8 tag ‖ u64 count ‖ tree_root)`.
pub fn commit_hash(tag: CommitTag, count: u64, tree_root: &Hash) -> Hash {
    let mut buf = [0u8; 42];
    buf[0] = DOMAIN_COMMIT;
    buf[1] = tag as u8;
    buf[2..10].copy_from_slice(&count.to_be_bytes());
    buf[10..].copy_from_slice(tree_root);
    Sha256::digest(buf).into()
}

/// A table as its level sees it: its user-key range and its root.
/// `H(0x03 ‖ u32 len ‖ smallest ‖ u32 len ‖ largest ‖ table_root)`.
pub fn table_entry_hash(smallest: &[u8], largest: &[u8], table_root: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([DOMAIN_TABLE_ENTRY]);
    h.update((smallest.len() as u32).to_be_bytes());
    h.update(smallest);
    h.update((largest.len() as u32).to_be_bytes());
    h.update(largest);
    h.update(table_root);
    h.finalize().into()
}

/// A layer as the MasterRoot sees it:
/// `H(0x04 ‖ u8 kind ‖ u8 level ‖ u64 max_version ‖ layer_root)`.
pub fn layer_entry_hash(kind: u8, level: u8, max_version: u64, layer_root: &Hash) -> Hash {
    let mut buf = [0u8; 43];
    buf[0] = DOMAIN_LAYER_ENTRY;
    buf[1] = kind;
    buf[2] = level;
    buf[3..11].copy_from_slice(&max_version.to_be_bytes());
    buf[11..].copy_from_slice(layer_root);
    Sha256::digest(buf).into()
}

/// Lower-case hex of a hash (for messages and tools).
pub fn to_hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_binds_every_field() {
        let base = leaf_hash(b"k", 1, 1, b"v");
        assert_ne!(base, leaf_hash(b"k", 2, 1, b"v"));
        assert_ne!(base, leaf_hash(b"k", 1, 0, b"v"));
        assert_ne!(base, leaf_hash(b"k", 1, 1, b"w"));
        assert_ne!(base, leaf_hash(b"kv", 1, 1, b""));
        // Known answer, so an independent verifier can check its encoding.
        assert_eq!(
            to_hex(&leaf_hash(b"key", 7, 1, b"value")),
            to_hex(
                &Sha256::digest(
                    [
                        &[0u8][..],
                        &3u32.to_be_bytes(),
                        b"key",
                        &7u64.to_be_bytes(),
                        &[1],
                        &5u32.to_be_bytes(),
                        b"value"
                    ]
                    .concat()
                )
                .into()
            )
        );
    }

    #[test]
    fn domains_differ() {
        let z = [0u8; 32];
        assert_ne!(node_hash(&z, &z), commit_hash(CommitTag::Block, 0, &z));
        assert_ne!(
            commit_hash(CommitTag::Block, 1, &z),
            commit_hash(CommitTag::Table, 1, &z)
        );
        assert_ne!(
            commit_hash(CommitTag::Block, 1, &z),
            commit_hash(CommitTag::Block, 2, &z)
        );
    }
}
