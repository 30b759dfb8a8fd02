//! What the manifest records about one table file.

/// A table as recorded in the manifest: its number (the file is
/// `<number>.ldb`), size, key range (internal keys, inclusive) and, once the
/// Merkle layer computes it, the root of its records' tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    pub number: u64,
    pub size: u64,
    pub smallest: Vec<u8>,
    pub largest: Vec<u8>,
    pub merkle_root: Option<[u8; 32]>,
}

impl FileMeta {
    pub fn new(number: u64, size: u64, smallest: Vec<u8>, largest: Vec<u8>) -> FileMeta {
        FileMeta {
            number,
            size,
            smallest,
            largest,
            merkle_root: None,
        }
    }
}
