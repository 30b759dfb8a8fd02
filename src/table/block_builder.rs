//! Builds one block: entries with prefix-compressed keys, a full key every
//! `restart_interval` entries (a *restart point*), then the array of restart
//! offsets and its length. Used for data, index and metaindex blocks.

use crate::util::coding::{put_fixed32, put_varint32};

/// Accumulates sorted entries into the bytes of one block.
#[derive(Debug)]
pub struct BlockBuilder {
    buf: Vec<u8>,
    restarts: Vec<u32>,
    /// Entries added since the last restart point.
    counter: usize,
    restart_interval: usize,
    last_key: Vec<u8>,
    finished: bool,
}

impl BlockBuilder {
    /// A builder writing a restart point every `restart_interval` entries
    /// (at least 1).
    pub fn new(restart_interval: usize) -> BlockBuilder {
        BlockBuilder {
            buf: Vec::new(),
            restarts: vec![0],
            counter: 0,
            restart_interval: restart_interval.max(1),
            last_key: Vec::new(),
            finished: false,
        }
    }

    /// Empties the builder for the next block, keeping its buffers.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.restarts.clear();
        self.restarts.push(0);
        self.counter = 0;
        self.last_key.clear();
        self.finished = false;
    }

    /// True if no entry was added since the last reset.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Bytes the finished block would have now.
    pub fn current_size_estimate(&self) -> usize {
        self.buf.len() + 4 * self.restarts.len() + 4
    }

    /// The key most recently added.
    pub fn last_key(&self) -> &[u8] {
        &self.last_key
    }

    /// Appends an entry. The caller guarantees keys ascend, that lengths fit
    /// in u32 and that the block stays below 4 GiB (restart offsets are
    /// 32-bit).
    pub fn add(&mut self, key: &[u8], value: &[u8]) {
        debug_assert!(!self.finished);
        let shared = if self.counter < self.restart_interval {
            self.last_key
                .iter()
                .zip(key)
                .take_while(|(a, b)| a == b)
                .count()
        } else {
            self.restarts.push(self.buf.len() as u32);
            self.counter = 0;
            0
        };
        let non_shared = key.len() - shared;
        put_varint32(&mut self.buf, shared as u32);
        put_varint32(&mut self.buf, non_shared as u32);
        put_varint32(&mut self.buf, value.len() as u32);
        self.buf.extend_from_slice(&key[shared..]);
        self.buf.extend_from_slice(value);
        self.last_key.truncate(shared);
        self.last_key.extend_from_slice(&key[shared..]);
        self.counter += 1;
    }

    /// Appends the restart array and returns the finished block; valid until
    /// the next `reset`.
    pub fn finish(&mut self) -> &[u8] {
        if !self.finished {
            for &r in &self.restarts {
                put_fixed32(&mut self.buf, r);
            }
            put_fixed32(&mut self.buf, self.restarts.len() as u32);
            self.finished = true;
        }
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::coding::decode_fixed32;

    #[test]
    fn layout_of_a_small_block() {
        let mut b = BlockBuilder::new(2);
        b.add(b"apple", b"1");
        b.add(b"apricot", b"22");
        b.add(b"banana", b"");
        let est = b.current_size_estimate();
        let block = b.finish().to_vec();
        assert_eq!(block.len(), est);
        // Entry 1: full key.
        assert_eq!(&block[..3], &[0, 5, 1]);
        assert_eq!(&block[3..9], b"apple1");
        // Entry 2 shares "ap".
        assert_eq!(&block[9..12], &[2, 5, 2]);
        assert_eq!(&block[12..19], b"ricot22");
        // Entry 3 starts a restart: full key.
        let r1 = 19;
        assert_eq!(&block[r1..r1 + 3], &[0, 6, 0]);
        let n = block.len();
        assert_eq!(decode_fixed32(&block[n - 4..]), Some(2));
        assert_eq!(decode_fixed32(&block[n - 12..]), Some(0));
        assert_eq!(decode_fixed32(&block[n - 8..]), Some(r1 as u32));
    }

    #[test]
    fn reset_reuses_and_empty_block_has_one_restart() {
        let mut b = BlockBuilder::new(16);
        b.add(b"k", b"v");
        assert!(!b.is_empty());
        b.reset();
        assert!(b.is_empty());
        assert_eq!(b.finish(), &[0, 0, 0, 0, 1, 0, 0, 0]);
    }
}
