//! The hash functions of the authenticated state: record leaves, inner
//! nodes, count-binding commitments, table entries and layer entries. Every
//! preimage starts with a distinct domain byte, so no value of one kind can
//! stand for another (`docs/PROOF_FORMAT.md`, "Hashes").

use sha2::compress256;
use sha2::digest::generic_array::GenericArray;

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

/// SHA-256's initial state.
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// One SHA-256 compression (the `sha2` crate's, which uses the SHA
/// extensions where the processor has them).
#[inline]
fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    compress256(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

#[inline]
fn digest_of(state: &[u32; 8]) -> Hash {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// SHA-256 of one message of at most 55 bytes, laid out by `fill` into
/// the first `len` bytes of the single padded block.
#[inline]
fn one_block(len: usize, fill: impl FnOnce(&mut [u8; 64])) -> Hash {
    debug_assert!(len <= 55);
    let mut block = [0u8; 64];
    fill(&mut block);
    block[len] = 0x80;
    block[56..].copy_from_slice(&((len as u64) * 8).to_be_bytes());
    let mut state = IV;
    compress(&mut state, &block);
    digest_of(&state)
}

/// Streaming SHA-256 over a block buffer on the stack: the preimages here
/// are small and of a few pieces, and the generic `Digest` wrapper costs
/// as much as a compression on them.
struct Hasher {
    state: [u32; 8],
    buf: [u8; 64],
    used: usize,
    total: u64,
}

impl Hasher {
    #[inline]
    fn new() -> Hasher {
        Hasher {
            state: IV,
            buf: [0u8; 64],
            used: 0,
            total: 0,
        }
    }

    #[inline]
    fn update(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        if self.used > 0 {
            let take = (64 - self.used).min(data.len());
            self.buf[self.used..self.used + take].copy_from_slice(&data[..take]);
            self.used += take;
            data = &data[take..];
            if self.used < 64 {
                return;
            }
            compress(&mut self.state, &self.buf);
            self.used = 0;
        }
        let mut blocks = data.chunks_exact(64);
        for b in &mut blocks {
            compress(&mut self.state, b.try_into().expect("64 bytes"));
        }
        let rest = blocks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.used = rest.len();
    }

    #[inline]
    fn finish(mut self) -> Hash {
        let bits = self.total * 8;
        self.buf[self.used] = 0x80;
        self.buf[self.used + 1..].fill(0);
        if self.used >= 56 {
            compress(&mut self.state, &self.buf);
            self.buf = [0u8; 64];
        }
        self.buf[56..].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, &self.buf);
        digest_of(&self.state)
    }
}

/// Leaf hash of one record:
/// `H(0x00 ‖ u32 len(key) ‖ key ‖ u64 version ‖ u8 kind ‖ u32 len(value) ‖ value)`,
/// integers big-endian. Keys and values are below 2³¹ bytes everywhere in
/// avccdb, so the lengths always fit.
pub fn leaf_hash(key: &[u8], version: u64, kind: u8, value: &[u8]) -> Hash {
    let mut h = Hasher::new();
    let mut head = [0u8; 5];
    head[0] = DOMAIN_LEAF;
    head[1..].copy_from_slice(&(key.len() as u32).to_be_bytes());
    h.update(&head);
    h.update(key);
    let mut mid = [0u8; 13];
    mid[..8].copy_from_slice(&version.to_be_bytes());
    mid[8] = kind;
    mid[9..].copy_from_slice(&(value.len() as u32).to_be_bytes());
    h.update(&mid);
    h.update(value);
    h.finish()
}

/// Inner node: `H(0x01 ‖ left ‖ right)` (65 bytes: two compressions).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut first = [0u8; 64];
    first[0] = DOMAIN_NODE;
    first[1..33].copy_from_slice(left);
    first[33..].copy_from_slice(&right[..31]);
    let mut second = [0u8; 64];
    second[0] = right[31];
    second[1] = 0x80;
    second[56..].copy_from_slice(&(65u64 * 8).to_be_bytes());
    let mut state = IV;
    compress(&mut state, &first);
    compress(&mut state, &second);
    digest_of(&state)
}

/// Commitment to a list of `count` hashes whose tree root is `tree_root`:
/// `H(0x02 ‖ u8 tag ‖ u64 count ‖ tree_root)`.
pub fn commit_hash(tag: CommitTag, count: u64, tree_root: &Hash) -> Hash {
    one_block(42, |b| {
        b[0] = DOMAIN_COMMIT;
        b[1] = tag as u8;
        b[2..10].copy_from_slice(&count.to_be_bytes());
        b[10..42].copy_from_slice(tree_root);
    })
}

/// A table as its level sees it: its user-key range and its root.
/// `H(0x03 ‖ u32 len ‖ smallest ‖ u32 len ‖ largest ‖ table_root)`.
pub fn table_entry_hash(smallest: &[u8], largest: &[u8], table_root: &Hash) -> Hash {
    let mut h = Hasher::new();
    let mut head = [0u8; 5];
    head[0] = DOMAIN_TABLE_ENTRY;
    head[1..].copy_from_slice(&(smallest.len() as u32).to_be_bytes());
    h.update(&head);
    h.update(smallest);
    h.update(&(largest.len() as u32).to_be_bytes());
    h.update(largest);
    h.update(table_root);
    h.finish()
}

/// A layer as the MasterRoot sees it:
/// `H(0x04 ‖ u8 kind ‖ u8 level ‖ u64 max_version ‖ layer_root)`.
pub fn layer_entry_hash(kind: u8, level: u8, max_version: u64, layer_root: &Hash) -> Hash {
    one_block(43, |b| {
        b[0] = DOMAIN_LAYER_ENTRY;
        b[1] = kind;
        b[2] = level;
        b[3..11].copy_from_slice(&max_version.to_be_bytes());
        b[11..43].copy_from_slice(layer_root);
    })
}

/// Lower-case hex of a hash (for messages and tools).
pub fn to_hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn sha(parts: &[&[u8]]) -> Hash {
        Sha256::digest(parts.concat()).into()
    }

    #[test]
    fn the_streaming_hasher_is_sha256() {
        // Every length around the block and padding boundaries, fed whole
        // and in uneven pieces.
        let data: Vec<u8> = (0..300u32).map(|i| (i * 31 + 7) as u8).collect();
        for len in 0..data.len() {
            let msg = &data[..len];
            let mut whole = Hasher::new();
            whole.update(msg);
            assert_eq!(whole.finish(), sha(&[msg]), "len {len}");
            let mut pieces = Hasher::new();
            for piece in msg.chunks(1 + len % 70) {
                pieces.update(piece);
            }
            assert_eq!(pieces.finish(), sha(&[msg]), "len {len} in pieces");
        }
    }

    #[test]
    fn every_hash_is_its_documented_preimage() {
        let (a, b) = ([0x5au8; 32], [0xc3u8; 32]);
        let mut right = b;
        right[31] = 0x17;
        assert_eq!(node_hash(&a, &right), sha(&[&[1], &a, &right]));
        assert_eq!(
            commit_hash(CommitTag::Tables, 0x0102_0304_0506_0708, &a),
            sha(&[&[2, 4], &0x0102_0304_0506_0708u64.to_be_bytes(), &a])
        );
        assert_eq!(
            layer_entry_hash(3, 2, u64::MAX - 1, &b),
            sha(&[&[4, 3, 2], &(u64::MAX - 1).to_be_bytes(), &b])
        );
        for (s, l) in [
            (&b""[..], &b""[..]),
            (b"a", b"zz"),
            (&[7u8; 40][..], &[9u8; 90][..]),
        ] {
            assert_eq!(
                table_entry_hash(s, l, &a),
                sha(&[
                    &[3],
                    &(s.len() as u32).to_be_bytes(),
                    s,
                    &(l.len() as u32).to_be_bytes(),
                    l,
                    &a
                ])
            );
        }
        for vlen in [0usize, 1, 30, 37, 38, 100, 200] {
            let value = vec![0xabu8; vlen];
            assert_eq!(
                leaf_hash(b"some-key", 42, 1, &value),
                sha(&[
                    &[0],
                    &8u32.to_be_bytes(),
                    b"some-key",
                    &42u64.to_be_bytes(),
                    &[1],
                    &(vlen as u32).to_be_bytes(),
                    &value
                ]),
                "value of {vlen} bytes"
            );
        }
    }

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
