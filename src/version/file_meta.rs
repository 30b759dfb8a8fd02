//! What the manifest records about one table file.

/// A table as recorded in the manifest: its number (the file is
/// `<number>.ldb`), size, key range (internal keys, inclusive), the largest
/// version and sequence of its records and, once the Merkle layer computes
/// it, the root of its records' tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    pub number: u64,
    pub size: u64,
    pub smallest: Vec<u8>,
    pub largest: Vec<u8>,
    /// Largest version of any record (`u64::MAX` when unknown).
    pub max_version: u64,
    /// Largest sequence of any record (`u64::MAX` when unknown).
    pub max_sequence: u64,
    pub merkle_root: Option<[u8; 32]>,
}

impl FileMeta {
    pub fn new(number: u64, size: u64, smallest: Vec<u8>, largest: Vec<u8>) -> FileMeta {
        FileMeta {
            number,
            size,
            smallest,
            largest,
            max_version: u64::MAX,
            max_sequence: u64::MAX,
            merkle_root: None,
        }
    }
}

impl FileMeta {
    /// True when no record of this table can be newer, in (version,
    /// sequence) order, than a record at `version` with `sequence`: a read
    /// that already found that record need not look here.
    pub fn cannot_beat(&self, version: u64, sequence: u64) -> bool {
        self.max_version < version || (self.max_version == version && self.max_sequence < sequence)
    }
}
