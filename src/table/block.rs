//! A parsed, uncompressed block and its cursor. The block owns its bytes
//! (it is what the block cache holds); the cursor owns a reference to the
//! block (`&Block`, `Arc<Block>` or a cache handle) so it can outlive the
//! code that loaded it, and decodes entries into one reused key buffer.

use std::cmp::Ordering;
use std::ops::Deref;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::iter::KvIter;
use crate::key::Comparator;
use crate::util::coding::{decode_fixed32, get_varint32};

/// One block's contents: entries, restart array, restart count.
#[derive(Debug)]
pub struct Block {
    data: Vec<u8>,
    /// Where the restart array starts (= end of the entries).
    restart_offset: usize,
    num_restarts: usize,
    /// Table name and file offset, for error messages.
    table: Arc<str>,
    offset: u64,
}

impl Block {
    /// Parses `contents` (uncompressed) read from table `table` at file
    /// offset `offset`; a restart array that does not fit is corruption.
    pub fn new(contents: Vec<u8>, table: Arc<str>, offset: u64) -> Result<Block> {
        let bad =
            |what: &str| Error::corruption(format!("table {table}: {what} (block at {offset})"));
        let len = contents.len();
        let count = contents
            .len()
            .checked_sub(4)
            .and_then(|at| decode_fixed32(&contents[at..]))
            .ok_or_else(|| bad("block too short for its restart count"))?
            as usize;
        let max = (len - 4) / 4;
        if count == 0 || count > max {
            return Err(bad(&format!("bad restart count {count}")));
        }
        Ok(Block {
            restart_offset: len - 4 - 4 * count,
            num_restarts: count,
            data: contents,
            table,
            offset,
        })
    }

    /// Bytes held (the charge in the block cache).
    pub fn size(&self) -> usize {
        self.data.len()
    }

    /// File offset the block was read from.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn corruption(&self, what: &str, pos: usize) -> Error {
        Error::corruption(format!(
            "table {}: {what} (block at {}, byte {pos})",
            self.table, self.offset
        ))
    }

    /// Offset of restart point `i`; it must lie within the entries.
    fn restart_point(&self, i: usize) -> Result<usize> {
        let at = self.restart_offset + 4 * i;
        match decode_fixed32(self.data.get(at..).unwrap_or_default()) {
            Some(r) if (r as usize) <= self.restart_offset => Ok(r as usize),
            _ => Err(self.corruption("bad restart point", at)),
        }
    }

    /// Decodes the entry header at `pos`: `(shared, non_shared, value_len,
    /// offset of the key delta)`, checking every length against the entries.
    #[inline]
    fn entry_at(&self, pos: usize) -> Result<(usize, usize, usize, usize)> {
        match decode_entry(&self.data[..self.restart_offset], pos) {
            Some(e) => Ok(e),
            None => Err(self.corruption("bad block entry", pos)),
        }
    }
}

/// The entry header at `pos` of `entries`: `(shared, non_shared,
/// value_len, offset of the key delta)`, or `None` if a varint is bad or
/// the key delta and value do not fit in `entries`. The three lengths are
/// almost always one byte each (LevelDB's fast path); others go through
/// the general varint decoder.
#[inline]
fn decode_entry(entries: &[u8], pos: usize) -> Option<(usize, usize, usize, usize)> {
    let (shared, non_shared, value_len, p) = match entries.get(pos..pos + 3) {
        Some(&[a, b, c]) if (a | b | c) < 0x80 => (a as usize, b as usize, c as usize, pos + 3),
        _ => {
            let mut cur = entries.get(pos..)?;
            let before = cur.len();
            let shared = get_varint32(&mut cur)? as usize;
            let non_shared = get_varint32(&mut cur)? as usize;
            let value_len = get_varint32(&mut cur)? as usize;
            (shared, non_shared, value_len, pos + before - cur.len())
        }
    };
    (non_shared.checked_add(value_len)? <= entries.len() - p)
        .then_some((shared, non_shared, value_len, p))
}

/// Cursor over one block. `B` is how the block is held, `C` how its
/// comparator is (an `Arc` for cursors that outlive their caller, a plain
/// reference for a point lookup, which then touches no reference count).
pub struct BlockIter<B: Deref<Target = Block>, C: Deref = Arc<dyn Comparator>>
where
    C::Target: Comparator,
{
    block: B,
    cmp: C,
    /// Offset of the current entry; `restart_offset` when invalid.
    current: usize,
    /// Offset of the entry after the current one.
    next_off: usize,
    /// Restart point at or before `current`.
    restart_index: usize,
    /// Offset of restart point `restart_index + 1` (`usize::MAX` if there
    /// is none or it is bad), so stepping needs no restart-array read.
    next_restart: usize,
    key: Vec<u8>,
    value: (usize, usize),
    err: Option<Error>,
}

impl<B: Deref<Target = Block>, C: Deref> BlockIter<B, C>
where
    C::Target: Comparator,
{
    /// An unpositioned cursor over `block` ordered by `cmp`.
    pub fn new(block: B, cmp: C) -> Self {
        let end = block.restart_offset;
        BlockIter {
            block,
            cmp,
            current: end,
            next_off: end,
            restart_index: 0,
            next_restart: usize::MAX,
            key: Vec::new(),
            value: (0, 0),
            err: None,
        }
    }

    /// As [`BlockIter::new`], decoding keys into `key_buf` (its contents
    /// are discarded, its capacity reused).
    pub fn with_key_buffer(block: B, cmp: C, mut key_buf: Vec<u8>) -> Self {
        key_buf.clear();
        let mut it = BlockIter::new(block, cmp);
        it.key = key_buf;
        it
    }

    /// Gives the key buffer back, for [`BlockIter::with_key_buffer`].
    pub fn into_key_buffer(self) -> Vec<u8> {
        self.key
    }

    /// Switches to another block, keeping the key buffer (no allocation per
    /// block in a table scan). The cursor is left unpositioned.
    pub fn reset(&mut self, block: B) {
        self.block = block;
        self.current = self.block.restart_offset;
        self.next_off = self.current;
        self.restart_index = 0;
        self.next_restart = usize::MAX;
        self.key.clear();
        self.err = None;
    }

    /// The block being read.
    pub fn block(&self) -> &Block {
        &self.block
    }

    fn invalidate(&mut self) {
        self.current = self.block.restart_offset;
        self.next_off = self.current;
        self.restart_index = self.block.num_restarts;
        self.next_restart = usize::MAX;
    }

    /// Sets `next_restart` from `restart_index`.
    #[inline]
    fn load_next_restart(&mut self) {
        self.next_restart = if self.restart_index + 1 < self.block.num_restarts {
            self.block
                .restart_point(self.restart_index + 1)
                .unwrap_or(usize::MAX)
        } else {
            usize::MAX
        };
    }

    fn fail(&mut self, e: Error) {
        self.err = Some(e);
        self.invalidate();
    }

    fn seek_to_restart(&mut self, i: usize) -> bool {
        match self.block.restart_point(i) {
            Ok(r) => {
                self.key.clear();
                self.restart_index = i;
                self.load_next_restart();
                self.next_off = r;
                true
            }
            Err(e) => {
                self.fail(e);
                false
            }
        }
    }

    /// Decodes the entry at `next_off`; false at the end or on corruption.
    #[inline]
    fn parse_next(&mut self) -> bool {
        self.current = self.next_off;
        if self.current >= self.block.restart_offset {
            self.invalidate();
            return false;
        }
        let (shared, non_shared, value_len, p) = match self.block.entry_at(self.current) {
            Ok(e) if e.0 <= self.key.len() => e,
            Ok(_) => {
                let e = self
                    .block
                    .corruption("shared key prefix too long", self.current);
                self.fail(e);
                return false;
            }
            Err(e) => {
                self.fail(e);
                return false;
            }
        };
        self.key.truncate(shared);
        self.key
            .extend_from_slice(&self.block.data[p..p + non_shared]);
        let v = p + non_shared;
        self.value = (v, v + value_len);
        self.next_off = v + value_len;
        // Restart points passed (a bad one stops the advance, as
        // `restart_point` failing would).
        while self.next_restart < self.current {
            self.restart_index += 1;
            self.load_next_restart();
        }
        true
    }

    /// The full key stored at restart point `i` (shared must be 0).
    fn restart_key(&self, i: usize) -> Result<&[u8]> {
        let r = self.block.restart_point(i)?;
        let (shared, non_shared, _, p) = self.block.entry_at(r)?;
        if shared != 0 {
            return Err(self.block.corruption("restart entry shares a prefix", r));
        }
        Ok(&self.block.data[p..p + non_shared])
    }
}

impl<B: Deref<Target = Block>, C: Deref> KvIter for BlockIter<B, C>
where
    C::Target: Comparator,
{
    fn valid(&self) -> bool {
        self.current < self.block.restart_offset
    }

    fn seek_to_first(&mut self) {
        if self.seek_to_restart(0) {
            self.parse_next();
        }
    }

    fn seek_to_last(&mut self) {
        if self.seek_to_restart(self.block.num_restarts - 1) {
            while self.parse_next() && self.next_off < self.block.restart_offset {}
        }
    }

    fn seek(&mut self, target: &[u8]) {
        // Binary search for the last restart whose key is < target.
        let (mut left, mut right) = (0, self.block.num_restarts - 1);
        // A positioned cursor bounds the search: nearby seeks (merging,
        // compaction) then touch few restart keys.
        if self.valid() {
            match self.cmp.compare(&self.key, target) {
                Ordering::Less => left = self.restart_index,
                Ordering::Greater => right = self.restart_index,
                Ordering::Equal => return,
            }
        }
        while left < right {
            let mid = left + (right - left).div_ceil(2);
            match self.restart_key(mid) {
                Ok(k) if self.cmp.compare(k, target) == Ordering::Less => left = mid,
                Ok(_) => right = mid - 1,
                Err(e) => return self.fail(e),
            }
        }
        if !self.seek_to_restart(left) {
            return;
        }
        while self.parse_next() {
            if self.cmp.compare(&self.key, target) != Ordering::Less {
                return;
            }
        }
    }

    fn next(&mut self) {
        debug_assert!(self.valid());
        self.parse_next();
    }

    fn prev(&mut self) {
        debug_assert!(self.valid());
        let original = self.current;
        // Back up to the last restart point strictly before the current entry.
        loop {
            match self.block.restart_point(self.restart_index) {
                Ok(r) if r < original => break,
                Ok(_) if self.restart_index == 0 => return self.invalidate(),
                Ok(_) => self.restart_index -= 1,
                Err(e) => return self.fail(e),
            }
        }
        if !self.seek_to_restart(self.restart_index) {
            return;
        }
        while self.parse_next() && self.next_off < original {}
    }

    fn key(&self) -> &[u8] {
        &self.key
    }

    fn value(&self) -> &[u8] {
        &self.block.data[self.value.0..self.value.1]
    }

    fn status(&self) -> Result<()> {
        match &self.err {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::BytewiseComparator;
    use crate::table::block_builder::BlockBuilder;
    use crate::util::random::Rng;

    fn build(entries: &[(Vec<u8>, Vec<u8>)], interval: usize) -> Block {
        let mut b = BlockBuilder::new(interval);
        for (k, v) in entries {
            b.add(k, v);
        }
        Block::new(b.finish().to_vec(), "t".into(), 0).unwrap()
    }

    fn model(rng: &mut Rng, n: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut keys: Vec<Vec<u8>> = (0..n)
            .map(|_| {
                let len = rng.range(0, 12) as usize;
                rng.bytes(len).iter().map(|b| b % 4).collect()
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let len = rng.skewed(6) as usize;
                (k, rng.bytes(len))
            })
            .collect()
    }

    #[test]
    fn iterates_and_seeks_like_a_sorted_model() {
        let mut rng = Rng::new(7);
        for &(n, interval) in &[(0, 16), (1, 1), (50, 1), (200, 3), (500, 16), (300, 1000)] {
            let entries = model(&mut rng, n);
            let block = build(&entries, interval);
            let mut it = BlockIter::new(&block, Arc::new(BytewiseComparator));
            it.seek_to_first();
            for (k, v) in &entries {
                assert!(it.valid());
                assert_eq!((it.key(), it.value()), (&k[..], &v[..]));
                it.next();
            }
            assert!(!it.valid());
            it.seek_to_last();
            for (k, v) in entries.iter().rev() {
                assert!(it.valid());
                assert_eq!((it.key(), it.value()), (&k[..], &v[..]));
                it.prev();
            }
            assert!(!it.valid());
            for _ in 0..200 {
                let len = rng.range(0, 12) as usize;
                let target: Vec<u8> = rng.bytes(len).iter().map(|b| b % 4).collect();
                it.seek(&target);
                let want = entries.iter().find(|(k, _)| k >= &target);
                match want {
                    Some((k, _)) => assert_eq!(it.key(), &k[..]),
                    None => assert!(!it.valid()),
                }
            }
            it.status().unwrap();
        }
    }

    #[test]
    fn long_keys_and_values_use_multi_byte_lengths() {
        // Lengths ≥ 128 take the general varint path of `decode_entry`.
        let mut rng = Rng::new(9);
        let mut keys: Vec<Vec<u8>> = (0..300)
            .map(|_| {
                let len = rng.range(0, 400) as usize;
                rng.bytes(len).iter().map(|b| b % 3).collect()
            })
            .collect();
        keys.sort();
        keys.dedup();
        let entries: Vec<(Vec<u8>, Vec<u8>)> = keys
            .into_iter()
            .map(|k| {
                let len = rng.range(0, 600) as usize;
                (k, rng.bytes(len))
            })
            .collect();
        for interval in [1, 4, 16] {
            let block = build(&entries, interval);
            let mut it = BlockIter::new(&block, Arc::new(BytewiseComparator));
            it.seek_to_first();
            for (k, v) in &entries {
                assert_eq!((it.key(), it.value()), (&k[..], &v[..]));
                it.next();
            }
            assert!(!it.valid());
            it.seek_to_last();
            for (k, _) in entries.iter().rev() {
                assert_eq!(it.key(), &k[..]);
                it.prev();
            }
            for (i, (k, _)) in entries.iter().enumerate().step_by(3) {
                it.seek(k);
                assert_eq!(it.key(), &k[..]);
                if i > 0 {
                    it.prev();
                    assert_eq!(it.key(), &entries[i - 1].0[..]);
                }
            }
            it.status().unwrap();
        }
    }

    #[test]
    fn malformed_blocks_never_panic() {
        let mut rng = Rng::new(11);
        let entries = model(&mut rng, 100);
        let good = {
            let mut b = BlockBuilder::new(4);
            for (k, v) in &entries {
                b.add(k, v);
            }
            b.finish().to_vec()
        };
        for len in 0..8 {
            assert!(Block::new(vec![0xff; len], "t".into(), 0).is_err());
        }
        for _ in 0..2000 {
            let mut bytes = good.clone();
            for _ in 0..rng.range(1, 4) {
                let i = rng.below(bytes.len() as u64) as usize;
                bytes[i] = rng.next_u64() as u8;
            }
            if rng.one_in(4) {
                bytes.truncate(rng.below(bytes.len() as u64) as usize);
            }
            let Ok(block) = Block::new(bytes, "t".into(), 0) else {
                continue;
            };
            let mut it = BlockIter::new(&block, Arc::new(BytewiseComparator));
            it.seek_to_first();
            let mut steps = 0;
            while it.valid() && steps < 1000 {
                it.next();
                steps += 1;
            }
            it.seek_to_last();
            while it.valid() && steps < 2000 {
                it.prev();
                steps += 1;
            }
            it.seek(&entries[50].0);
            if let Err(e) = it.status() {
                assert!(e.is_corruption());
            }
        }
    }

    #[test]
    fn reset_switches_blocks() {
        let a = Arc::new(build(&[(b"a".to_vec(), b"1".to_vec())], 16));
        let b = Arc::new(build(&[(b"b".to_vec(), b"2".to_vec())], 16));
        let mut it = BlockIter::new(Arc::clone(&a), Arc::new(BytewiseComparator));
        it.seek_to_first();
        assert_eq!(it.key(), b"a");
        it.reset(b);
        assert!(!it.valid());
        it.seek(b"a");
        assert_eq!((it.key(), it.value()), (&b"b"[..], &b"2"[..]));
    }
}
