//! The write batch: the unit of atomic write. A batch owns a data buffer of
//! serialized records (what goes to the journal verbatim) and an index that
//! locates each record in it, so reading a record back never re-parses.
//! It also keeps `internal_len`, the size estimate the write path uses to
//! budget memdb room and to merge writes.
//!
//! `record` holds the record encoding, `group` the journal encoding of a
//! group of batches; `docs/BATCH_FORMAT.md` specifies both.

mod group;
mod record;

use std::fmt;
use std::iter::FusedIterator;

use crate::error::Result;
use crate::key::Kind;

pub use group::{
    decode_batch_header, decode_batches_with_header, encode_batches_with_header, BATCH_HEADER_LEN,
};
pub use record::BatchRecord;

use record::{append_record, decode_record, encoded_len, Entry, RecordType};

/// Default [`BatchConfig::grow_limit`]: 3 MiB.
pub const DEFAULT_GROW_LIMIT: usize = 3 << 20;

/// How a batch allocates its data buffer.
#[derive(Clone, Copy, Debug)]
pub struct BatchConfig {
    /// Bytes to preallocate (default 0: allocate on the first record).
    pub initial_capacity: usize,
    /// When the buffer must grow, it gets `min(len, grow_limit)` bytes of
    /// slack beyond what the new record needs: it doubles while small, then
    /// grows by at most `grow_limit` at a time. 0 means the default,
    /// [`DEFAULT_GROW_LIMIT`].
    pub grow_limit: usize,
}

impl Default for BatchConfig {
    fn default() -> BatchConfig {
        BatchConfig {
            initial_capacity: 0,
            grow_limit: DEFAULT_GROW_LIMIT,
        }
    }
}

/// Receives a batch's records in order (LevelDB's `WriteBatch::Handler`).
/// `version` is `Some` for records written with an explicit version.
pub trait BatchVisitor {
    fn put(&mut self, key: &[u8], value: &[u8], version: Option<u64>);
    fn delete(&mut self, key: &[u8], version: Option<u64>);
}

/// An ordered list of puts and deletes applied atomically.
///
/// Records keep the order they were added in; the write path gives them
/// consecutive sequence numbers in that order, so a later record of the
/// same key and version wins. A batch is `Send + Sync` and is used by one
/// writer at a time.
#[derive(Clone, Default)]
pub struct Batch {
    data: Vec<u8>,
    index: Vec<Entry>,
    internal_len: usize,
    /// 0 means [`DEFAULT_GROW_LIMIT`] (so `Default` is the default config).
    grow_limit: usize,
}

impl Batch {
    /// An empty batch with the default configuration.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// An empty batch whose data buffer holds `bytes` before it grows.
    pub fn with_capacity(bytes: usize) -> Batch {
        Batch::with_config(BatchConfig {
            initial_capacity: bytes,
            ..BatchConfig::default()
        })
    }

    /// An empty batch with the given buffer policy.
    pub fn with_config(config: BatchConfig) -> Batch {
        Batch {
            data: Vec::with_capacity(config.initial_capacity),
            index: Vec::new(),
            internal_len: 0,
            grow_limit: config.grow_limit,
        }
    }

    /// Adds "set `key` to `value`" at version 0.
    ///
    /// # Panics
    /// If `key` or `value` is 4 GiB or longer (the encoding's limit; the C
    /// facade rejects such lengths with an error before calling this).
    pub fn put(&mut self, key: &[u8], value: &[u8]) {
        self.push(RecordType::Value, key, value, 0);
    }

    /// Adds "delete `key`" at version 0. Panics as [`Batch::put`] does.
    pub fn delete(&mut self, key: &[u8]) {
        self.push(RecordType::Delete, key, &[], 0);
    }

    /// Adds "set `key` to `value` at `version`". Panics as [`Batch::put`] does.
    pub fn put_with_version(&mut self, key: &[u8], version: u64, value: &[u8]) {
        self.push(RecordType::VersionedValue, key, value, version);
    }

    /// Adds "delete `key` at `version`". Panics as [`Batch::put`] does.
    pub fn delete_with_version(&mut self, key: &[u8], version: u64) {
        self.push(RecordType::VersionedDelete, key, &[], version);
    }

    fn push(&mut self, rtype: RecordType, key: &[u8], value: &[u8], version: u64) {
        let value_len = if rtype.has_value() { value.len() } else { 0 };
        self.grow(encoded_len(rtype, key.len(), value_len));
        let entry = append_record(&mut self.data, rtype, key, value, version);
        self.internal_len += entry.internal_len();
        self.index.push(entry);
    }

    /// Makes room for `n` more bytes following the grow rule of
    /// [`BatchConfig::grow_limit`]: the new capacity is at least
    /// `len + n + min(len, grow_limit)`.
    fn grow(&mut self, n: usize) {
        let len = self.data.len();
        if self.data.capacity() - len >= n {
            return;
        }
        let limit = if self.grow_limit == 0 {
            DEFAULT_GROW_LIMIT
        } else {
            self.grow_limit
        };
        self.data.reserve_exact(n + len.min(limit));
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when the batch holds no record.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Removes every record, keeping the allocated buffers for reuse.
    pub fn reset(&mut self) {
        self.data.clear();
        self.index.clear();
        self.internal_len = 0;
    }

    /// The memdb room the batch is budgeted at: the sum over its records of
    /// `key.len() + value.len() + 8`, plus 8 more for each versioned record.
    pub fn internal_len(&self) -> usize {
        self.internal_len
    }

    /// Allocated size of the data buffer, in bytes.
    pub fn capacity(&self) -> usize {
        self.data.capacity()
    }

    /// The serialized records (the data buffer), as [`Batch::load`] takes
    /// them and as the journal stores them.
    pub fn dump(&self) -> &[u8] {
        &self.data
    }

    /// Replaces the batch's contents with the records serialized in `data`
    /// (a copy is kept). Malformed data is `Error::Corruption` naming the
    /// offset of the bad record; the batch is then left empty.
    pub fn load(&mut self, data: &[u8]) -> Result<()> {
        self.reset();
        self.grow(data.len());
        self.data.extend_from_slice(data);
        let mut pos = 0;
        while pos < self.data.len() {
            match decode_record(&self.data, pos, 0) {
                Ok((entry, next)) => {
                    self.internal_len += entry.internal_len();
                    self.index.push(entry);
                    pos = next;
                }
                Err(e) => {
                    self.reset();
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Hands every record, in order, to `visitor`. Never fails today (the
    /// index was validated when built); the `Result` leaves room for
    /// visitors that may.
    pub fn replay(&self, visitor: &mut impl BatchVisitor) -> Result<()> {
        for rec in self.iter() {
            let version = rec.versioned.then_some(rec.version);
            match rec.kind {
                Kind::Value => visitor.put(rec.key, rec.value, version),
                Kind::Deletion => visitor.delete(rec.key, version),
            }
        }
        Ok(())
    }

    /// The records in order, borrowed from the buffer.
    pub fn iter(&self) -> BatchIter<'_> {
        BatchIter {
            data: &self.data,
            entries: self.index.iter(),
        }
    }

    /// Record `i` (0-based), if there is one.
    pub fn get(&self, i: usize) -> Option<BatchRecord<'_>> {
        self.index.get(i).map(|e| e.record(&self.data))
    }

    /// Appends `other`'s records after this batch's, in their order.
    pub fn append(&mut self, other: &Batch) {
        let shift = self.data.len();
        self.grow(other.data.len());
        self.data.extend_from_slice(&other.data);
        self.index
            .extend(other.index.iter().map(|e| e.shifted(shift)));
        self.internal_len += other.internal_len;
    }
}

/// Two batches are equal when they hold the same records in the same order
/// (their serialized data is identical); capacity and config are ignored.
impl PartialEq for Batch {
    fn eq(&self, other: &Batch) -> bool {
        self.data == other.data
    }
}

impl Eq for Batch {}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("records", &self.len())
            .field("bytes", &self.data.len())
            .field("internal_len", &self.internal_len)
            .field("capacity", &self.data.capacity())
            .finish()
    }
}

impl<'a> IntoIterator for &'a Batch {
    type Item = BatchRecord<'a>;
    type IntoIter = BatchIter<'a>;

    fn into_iter(self) -> BatchIter<'a> {
        self.iter()
    }
}

/// Iterator over a batch's records, in order; see [`Batch::iter`].
#[derive(Clone, Debug)]
pub struct BatchIter<'a> {
    data: &'a [u8],
    entries: std::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for BatchIter<'a> {
    type Item = BatchRecord<'a>;

    fn next(&mut self) -> Option<BatchRecord<'a>> {
        self.entries.next().map(|e| e.record(self.data))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl DoubleEndedIterator for BatchIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.entries.next_back().map(|e| e.record(self.data))
    }
}

impl ExactSizeIterator for BatchIter<'_> {}

impl FusedIterator for BatchIter<'_> {}

#[cfg(test)]
mod tests;
