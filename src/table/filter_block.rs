//! The filter block: one filter per 2 KiB range of data-block offsets (all
//! keys of the data blocks *starting* in `[i·2K, (i+1)·2K)` go to filter
//! `i`), followed by the filters' offsets, the offset of that array and
//! lg(base). A reader maps a data block's offset to its filter by a shift.

use std::sync::Arc;

use super::filter::FilterPolicy;
use crate::util::coding::{decode_fixed32, put_fixed32};

/// lg of the range of data-block offsets one filter covers (2 KiB).
pub const FILTER_BASE_LG: u8 = 11;

/// Collects keys per data block and emits the filter block.
pub struct FilterBlockBuilder {
    policy: Arc<dyn FilterPolicy>,
    /// Keys of the current filter, concatenated; `starts` splits them.
    keys: Vec<u8>,
    starts: Vec<usize>,
    result: Vec<u8>,
    filter_offsets: Vec<u32>,
}

impl FilterBlockBuilder {
    pub fn new(policy: Arc<dyn FilterPolicy>) -> Self {
        FilterBlockBuilder {
            policy,
            keys: Vec::new(),
            starts: Vec::new(),
            result: Vec::new(),
            filter_offsets: Vec::new(),
        }
    }

    /// Announces that the next keys belong to a data block at `block_offset`:
    /// closes every filter whose range ends at or before it.
    pub fn start_block(&mut self, block_offset: u64) {
        let index = block_offset >> FILTER_BASE_LG;
        while index > self.filter_offsets.len() as u64 {
            self.generate_filter();
        }
    }

    /// Name of the policy (the metaindex key is `filter.<name>`).
    pub fn policy_name(&self) -> &str {
        self.policy.name()
    }

    pub fn add_key(&mut self, key: &[u8]) {
        self.starts.push(self.keys.len());
        self.keys.extend_from_slice(key);
    }

    /// The finished filter block.
    pub fn finish(mut self) -> Vec<u8> {
        if !self.starts.is_empty() {
            self.generate_filter();
        }
        let array_offset = self.result.len() as u32;
        for &o in &self.filter_offsets {
            put_fixed32(&mut self.result, o);
        }
        put_fixed32(&mut self.result, array_offset);
        self.result.push(FILTER_BASE_LG);
        self.result
    }

    fn generate_filter(&mut self) {
        self.filter_offsets.push(self.result.len() as u32);
        if self.starts.is_empty() {
            return; // an empty filter: offsets i and i+1 are equal
        }
        let mut slices: Vec<&[u8]> = Vec::with_capacity(self.starts.len());
        for (i, &s) in self.starts.iter().enumerate() {
            let end = self.starts.get(i + 1).copied().unwrap_or(self.keys.len());
            slices.push(&self.keys[s..end]);
        }
        self.policy.create_filter(&slices, &mut self.result);
        self.keys.clear();
        self.starts.clear();
    }
}

/// A parsed filter block.
pub struct FilterBlockReader {
    policy: Arc<dyn FilterPolicy>,
    data: Vec<u8>,
    /// Start of the offset array (= end of the filters).
    array_offset: usize,
    num: usize,
    base_lg: u8,
}

impl FilterBlockReader {
    /// Parses a filter block; the error says what is malformed.
    pub fn new(policy: Arc<dyn FilterPolicy>, data: Vec<u8>) -> Result<Self, &'static str> {
        let n = data.len();
        if n < 5 {
            return Err("filter block too short");
        }
        let base_lg = data[n - 1];
        let array_offset = decode_fixed32(&data[n - 5..]).unwrap_or(u32::MAX) as usize;
        if array_offset > n - 5 || !(n - 5 - array_offset).is_multiple_of(4) {
            return Err("bad filter offset array");
        }
        if base_lg >= 64 {
            return Err("bad filter base");
        }
        Ok(FilterBlockReader {
            policy,
            num: (n - 5 - array_offset) / 4,
            data,
            array_offset,
            base_lg,
        })
    }

    /// False only if no key of the data block at `block_offset` can be
    /// `key`. Out-of-range or malformed entries answer true.
    pub fn key_may_match(&self, block_offset: u64, key: &[u8]) -> bool {
        let index = block_offset >> self.base_lg;
        if index >= self.num as u64 {
            return true;
        }
        let at = self.array_offset + 4 * index as usize;
        // The entry after the last offset is the array offset itself, which
        // is exactly the last filter's end.
        let start = decode_fixed32(&self.data[at..]).unwrap_or(u32::MAX) as usize;
        let limit = decode_fixed32(&self.data[at + 4..]).unwrap_or(u32::MAX) as usize;
        if start == limit {
            return false;
        }
        if start > limit || limit > self.array_offset {
            return true;
        }
        self.policy.key_may_match(key, &self.data[start..limit])
    }

    /// Bytes held.
    pub fn size(&self) -> usize {
        self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::filter::BloomFilterPolicy;

    fn policy() -> Arc<dyn FilterPolicy> {
        Arc::new(BloomFilterPolicy::new(10))
    }

    #[test]
    fn empty_builder() {
        let block = FilterBlockBuilder::new(policy()).finish();
        assert_eq!(block, [0, 0, 0, 0, FILTER_BASE_LG]);
        let r = FilterBlockReader::new(policy(), block).unwrap();
        assert!(r.key_may_match(0, b"foo"));
        assert!(r.key_may_match(100_000, b"foo"));
    }

    #[test]
    fn filters_follow_block_offsets() {
        let mut b = FilterBlockBuilder::new(policy());
        b.start_block(100);
        b.add_key(b"foo");
        b.add_key(b"bar");
        b.start_block(200);
        b.add_key(b"box");
        b.start_block(300);
        b.add_key(b"box");
        b.start_block(3100); // second range
        b.add_key(b"hello");
        b.start_block(9000); // ranges 2 and 3 empty, range 4
        b.add_key(b"world");
        let r = FilterBlockReader::new(policy(), b.finish()).unwrap();
        for k in [&b"foo"[..], b"bar", b"box"] {
            assert!(r.key_may_match(100, k));
            assert!(r.key_may_match(300, k));
        }
        assert!(!r.key_may_match(100, b"hello"));
        assert!(r.key_may_match(3100, b"hello"));
        assert!(!r.key_may_match(3100, b"foo"));
        assert!(!r.key_may_match(4100, b"hello"), "empty filter");
        assert!(!r.key_may_match(6200, b"world"), "empty filter");
        assert!(r.key_may_match(9000, b"world"));
        assert!(!r.key_may_match(9000, b"foo"));
    }

    #[test]
    fn malformed_blocks_are_rejected_or_permissive() {
        assert!(FilterBlockReader::new(policy(), vec![0; 4]).is_err());
        assert!(FilterBlockReader::new(policy(), vec![9, 0, 0, 0, 11]).is_err());
        assert!(FilterBlockReader::new(policy(), vec![0, 0, 0, 0, 64]).is_err());
        assert!(
            FilterBlockReader::new(policy(), vec![0, 0, 0, 0, 0, 0, 11]).is_err(),
            "ragged"
        );
        let beyond = vec![0, 0, 0, 0, 100, 0, 0, 0, 11];
        assert!(
            FilterBlockReader::new(policy(), beyond).is_err(),
            "array past the block"
        );
        // Offsets [0, 0x09090909] with the array at 0: filter 0 ends past
        // the filters and filter 1 ends before it starts; both may match.
        let odd = vec![0, 0, 0, 0, 9, 9, 9, 9, 0, 0, 0, 0, 11];
        let r = FilterBlockReader::new(policy(), odd).unwrap();
        assert!(r.key_may_match(0, b"x"));
        assert!(r.key_may_match(2048, b"x"));
        assert!(r.key_may_match(4096, b"x"), "past the last filter");
    }
}
