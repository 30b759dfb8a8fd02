//! Filter policies: summaries of a set of keys that answer "may this key be
//! in the set?" with no false negatives. The built-in one is a Bloom filter;
//! [`InternalFilterPolicy`] adapts a user-key policy to internal keys so that
//! one filter entry covers every version of a user key.

use std::sync::Arc;

use crate::key::extract_user_key;

/// Builds and probes filters. The name is stored in the table (metaindex
/// key `filter.<name>`), so a name must always mean the same format.
pub trait FilterPolicy: Send + Sync {
    /// Identifies the filter format.
    fn name(&self) -> &str;
    /// Appends to `dst` a filter summarising `keys`.
    fn create_filter(&self, keys: &[&[u8]], dst: &mut Vec<u8>);
    /// False only if `key` was certainly not among the keys `filter` was
    /// built from. Malformed filters answer true.
    fn key_may_match(&self, key: &[u8], filter: &[u8]) -> bool;
}

/// Seed of the Bloom hash (ASCII "avcc").
const BLOOM_SEED: u64 = 0x6176_6363;

/// MurmurHash64A (Austin Appleby's public-domain 64-bit hash) of `data`:
/// 8-byte little-endian words, then the tail, then a final avalanche.
pub fn bloom_hash(data: &[u8]) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = BLOOM_SEED ^ (data.len() as u64).wrapping_mul(M);
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let mut k = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// A Bloom filter with a configurable number of bits per key. Layout: the
/// bit array (at least 64 bits, whole bytes) followed by one byte holding
/// the probe count `k`; probes use double hashing over [`bloom_hash`].
#[derive(Clone, Copy, Debug)]
pub struct BloomFilterPolicy {
    bits_per_key: usize,
    k: u8,
}

impl BloomFilterPolicy {
    /// A policy spending `bits_per_key` bits per key (10 gives ~1% false
    /// positives); probes `k = floor(bits_per_key × 0.69)` clamped to 1..=30.
    pub fn new(bits_per_key: usize) -> Self {
        let k = (bits_per_key as f64 * 0.69) as usize;
        BloomFilterPolicy {
            bits_per_key,
            k: k.clamp(1, 30) as u8,
        }
    }
}

/// Bit positions probed for a key: `h, h+δ, h+2δ, …` modulo the bit count,
/// with `δ = h rotated right by 17`.
fn probes(key: &[u8], k: u8, bits: u64) -> impl Iterator<Item = u64> {
    let mut h = bloom_hash(key);
    let delta = h.rotate_right(17);
    (0..k).map(move |_| {
        let bit = h % bits;
        h = h.wrapping_add(delta);
        bit
    })
}

impl FilterPolicy for BloomFilterPolicy {
    fn name(&self) -> &str {
        "avccdb.BloomFilter"
    }

    fn create_filter(&self, keys: &[&[u8]], dst: &mut Vec<u8>) {
        let bits = keys.len().saturating_mul(self.bits_per_key).max(64);
        let bytes = bits.div_ceil(8);
        let bits = bytes as u64 * 8;
        let start = dst.len();
        dst.resize(start + bytes, 0);
        let array = &mut dst[start..];
        for key in keys {
            for bit in probes(key, self.k, bits) {
                array[(bit / 8) as usize] |= 1 << (bit % 8);
            }
        }
        dst.push(self.k);
    }

    fn key_may_match(&self, key: &[u8], filter: &[u8]) -> bool {
        let Some((&k, array)) = filter.split_last() else {
            return true;
        };
        if array.is_empty() || k == 0 || k > 30 {
            return true; // not a filter we can read: do not exclude
        }
        let bits = array.len() as u64 * 8;
        probes(key, k, bits).all(|bit| array[(bit / 8) as usize] & (1 << (bit % 8)) != 0)
    }
}

/// A [`FilterPolicy`] over internal keys: filters hold user keys (the
/// 16-byte trailer stripped), each user key once per run of versions, and
/// probes strip the trailer too. Its name is the user policy's name.
#[derive(Clone)]
pub struct InternalFilterPolicy {
    user: Arc<dyn FilterPolicy>,
}

impl InternalFilterPolicy {
    /// Wraps a user-key policy.
    pub fn new(user: Arc<dyn FilterPolicy>) -> Self {
        InternalFilterPolicy { user }
    }
}

impl std::fmt::Debug for InternalFilterPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InternalFilterPolicy({})", self.user.name())
    }
}

impl FilterPolicy for InternalFilterPolicy {
    fn name(&self) -> &str {
        self.user.name()
    }

    fn create_filter(&self, keys: &[&[u8]], dst: &mut Vec<u8>) {
        let mut users: Vec<&[u8]> = Vec::with_capacity(keys.len());
        for key in keys {
            let user = extract_user_key(key);
            if users.last() != Some(&user) {
                users.push(user);
            }
        }
        self.user.create_filter(&users, dst);
    }

    fn key_may_match(&self, key: &[u8], filter: &[u8]) -> bool {
        self.user.key_may_match(extract_user_key(key), filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{make_internal_key, Kind};

    fn key(i: u32) -> [u8; 4] {
        i.to_le_bytes()
    }

    #[test]
    fn empty_and_malformed_filters() {
        let p = BloomFilterPolicy::new(10);
        let mut f = Vec::new();
        p.create_filter(&[], &mut f);
        assert_eq!(f.len(), 9, "64 bits + k");
        assert!(!p.key_may_match(b"hello", &f));
        for bad in [&[][..], &[7], &[0, 0, 0, 31], &[0, 0, 0, 0]] {
            assert!(p.key_may_match(b"hello", bad), "{bad:?}");
        }
    }

    #[test]
    fn no_false_negatives_and_low_false_positive_rate() {
        let p = BloomFilterPolicy::new(10);
        let mut worst = 0.0f64;
        for n in [1u32, 10, 100, 1000, 10_000] {
            let keys: Vec<[u8; 4]> = (0..n).map(key).collect();
            let refs: Vec<&[u8]> = keys.iter().map(|k| &k[..]).collect();
            let mut f = Vec::new();
            p.create_filter(&refs, &mut f);
            assert!(f.len() <= (n as usize * 10).div_ceil(8) + 9);
            for k in &keys {
                assert!(p.key_may_match(k, &f));
            }
            let hits = (0..10_000u32)
                .filter(|i| p.key_may_match(&key(i + 1_000_000_000), &f))
                .count();
            worst = worst.max(hits as f64 / 10_000.0);
        }
        assert!(worst <= 0.02, "false positive rate {worst}");
    }

    #[test]
    fn k_is_clamped() {
        assert_eq!(BloomFilterPolicy::new(0).k, 1);
        assert_eq!(BloomFilterPolicy::new(10).k, 6);
        assert_eq!(BloomFilterPolicy::new(100).k, 30);
    }

    #[test]
    fn internal_policy_strips_trailer_and_dedups_versions() {
        let user: Arc<dyn FilterPolicy> = Arc::new(BloomFilterPolicy::new(10));
        let p = InternalFilterPolicy::new(Arc::clone(&user));
        assert_eq!(p.name(), user.name());
        let keys: Vec<Vec<u8>> = (0..100u64)
            .map(|v| make_internal_key(b"same", 100 - v, v, Kind::Value))
            .chain([make_internal_key(b"other", 1, 1, Kind::Deletion)])
            .collect();
        let refs: Vec<&[u8]> = keys.iter().map(|k| &k[..]).collect();
        let mut f = Vec::new();
        p.create_filter(&refs, &mut f);
        // Two distinct user keys: the minimum-size filter.
        assert_eq!(f.len(), 9);
        assert!(p.key_may_match(&make_internal_key(b"same", 7, 7, Kind::Value), &f));
        assert!(p.key_may_match(&make_internal_key(b"other", 0, 9, Kind::Value), &f));
        assert!(user.key_may_match(b"same", &f));
    }
}
