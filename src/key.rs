//! Internal keys and their ordering.
//!
//! An internal key is `user_key ‖ version ‖ tag`, where `version` is a
//! little-endian u64 and `tag` is the little-endian u64
//! `sequence << 8 | kind`. The 16-byte suffix is the *trailer*.
//! Order: user key ascending by the user comparator, then version descending,
//! then tag descending (so sequence descending), which puts the newest record
//! of the highest version of a key first. `docs/KEY_FORMAT.md` specifies it.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::util::coding::decode_fixed64;

/// Largest sequence number: the tag keeps 56 bits for it.
pub const MAX_SEQUENCE: u64 = (1 << 56) - 1;
/// Bytes an internal key adds to its user key.
pub const TRAILER_LEN: usize = 16;
/// Largest version; also the version a plain lookup asks for.
pub const MAX_VERSION: u64 = u64::MAX;

/// What a record says about its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Kind {
    /// A tombstone: the key is deleted at this version.
    Deletion = 0,
    /// A value.
    Value = 1,
}

impl Kind {
    /// The highest kind, used to build seek targets: with tags ordered
    /// descending, `(seq, KIND_FOR_SEEK)` sorts before every record of `seq`.
    pub const FOR_SEEK: Kind = Kind::Value;

    pub fn from_u8(b: u8) -> Option<Kind> {
        match b {
            0 => Some(Kind::Deletion),
            1 => Some(Kind::Value),
            _ => None,
        }
    }
}

/// `sequence << 8 | kind`. The sequence must be ≤ [`MAX_SEQUENCE`].
pub fn pack_tag(sequence: u64, kind: Kind) -> u64 {
    debug_assert!(sequence <= MAX_SEQUENCE);
    (sequence << 8) | kind as u64
}

/// Appends the internal key of `(user_key, version, sequence, kind)` to `dst`.
pub fn append_internal_key(
    dst: &mut Vec<u8>,
    user_key: &[u8],
    version: u64,
    sequence: u64,
    kind: Kind,
) {
    dst.reserve(user_key.len() + TRAILER_LEN);
    dst.extend_from_slice(user_key);
    dst.extend_from_slice(&version.to_le_bytes());
    dst.extend_from_slice(&pack_tag(sequence, kind).to_le_bytes());
}

/// Builds an owned internal key.
pub fn make_internal_key(user_key: &[u8], version: u64, sequence: u64, kind: Kind) -> Vec<u8> {
    let mut v = Vec::with_capacity(user_key.len() + TRAILER_LEN);
    append_internal_key(&mut v, user_key, version, sequence, kind);
    v
}

/// The seek target for "newest record of `user_key` with version ≤ `version`
/// and sequence ≤ `sequence`": every such record sorts at or after it.
pub fn lookup_key(user_key: &[u8], version: u64, sequence: u64) -> Vec<u8> {
    make_internal_key(user_key, version, sequence, Kind::FOR_SEEK)
}

/// An internal key split into its parts, borrowing the user key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedKey<'a> {
    pub user_key: &'a [u8],
    pub version: u64,
    pub sequence: u64,
    pub kind: Kind,
}

impl ParsedKey<'_> {
    /// Re-encodes the key.
    pub fn encode(&self) -> Vec<u8> {
        make_internal_key(self.user_key, self.version, self.sequence, self.kind)
    }
}

/// Splits an internal key; a key shorter than the trailer or with an unknown
/// kind is `Error::Corruption`.
pub fn parse_internal_key(ikey: &[u8]) -> Result<ParsedKey<'_>> {
    let split = ikey.len().checked_sub(TRAILER_LEN).ok_or_else(|| {
        Error::corruption(format!(
            "internal key too short: {} bytes, need at least {TRAILER_LEN}",
            ikey.len()
        ))
    })?;
    let (user_key, trailer) = ikey.split_at(split);
    let version = decode_fixed64(trailer).unwrap_or_default();
    let tag = decode_fixed64(&trailer[8..]).unwrap_or_default();
    let kind = Kind::from_u8(tag as u8)
        .ok_or_else(|| Error::corruption(format!("internal key has unknown kind {}", tag as u8)))?;
    Ok(ParsedKey {
        user_key,
        version,
        sequence: tag >> 8,
        kind,
    })
}

/// The user-key part of an internal key; the whole slice if it is too short
/// to have a trailer (so that comparators never panic on bad input).
pub fn extract_user_key(ikey: &[u8]) -> &[u8] {
    match ikey.len().checked_sub(TRAILER_LEN) {
        Some(split) => &ikey[..split],
        None => ikey,
    }
}

/// A total order on user keys. Implementations must be consistent: the same
/// name always means the same order, because tables persist in that order.
pub trait Comparator: Send + Sync {
    /// Identifies the order; stored in the manifest and checked on open.
    fn name(&self) -> &str;

    fn compare(&self, a: &[u8], b: &[u8]) -> Ordering;

    /// True only for an order identical to [`BytewiseComparator`]'s (plain
    /// lexicographic bytes): lets hot paths compare inline instead of
    /// through the trait object. The default, false, is always correct.
    fn is_bytewise(&self) -> bool {
        false
    }

    /// May shorten `start` to any key in `[start, limit)`; used for index
    /// separators. Leaving `start` unchanged is always correct.
    fn find_shortest_separator(&self, start: &mut Vec<u8>, limit: &[u8]) {
        let _ = (start, limit);
    }

    /// May change `key` to any key ≥ it; leaving it unchanged is correct.
    fn find_short_successor(&self, key: &mut Vec<u8>) {
        let _ = key;
    }
}

/// Lexicographic byte order, the default. Name: `leveldb.BytewiseComparator`,
/// so databases and callers that name LevelDB's default agree with it.
#[derive(Clone, Copy, Debug, Default)]
pub struct BytewiseComparator;

impl Comparator for BytewiseComparator {
    fn name(&self) -> &str {
        "leveldb.BytewiseComparator"
    }

    fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
        a.cmp(b)
    }

    fn is_bytewise(&self) -> bool {
        true
    }

    fn find_shortest_separator(&self, start: &mut Vec<u8>, limit: &[u8]) {
        let common = start
            .iter()
            .zip(limit.iter())
            .take_while(|(a, b)| a == b)
            .count();
        if common >= start.len().min(limit.len()) {
            return; // one is a prefix of the other
        }
        let byte = start[common];
        if byte < 0xff && byte + 1 < limit[common] {
            start[common] = byte + 1;
            start.truncate(common + 1);
        }
    }

    fn find_short_successor(&self, key: &mut Vec<u8>) {
        if let Some(i) = key.iter().position(|&b| b != 0xff) {
            key[i] += 1;
            key.truncate(i + 1);
        }
    }
}

/// Orders internal keys: user key by the user comparator, then version
/// descending, then tag descending.
#[derive(Clone)]
pub struct InternalKeyComparator {
    user: Arc<dyn Comparator>,
    /// `user.is_bytewise()`, read once: user keys then compare inline.
    bytewise: bool,
}

impl InternalKeyComparator {
    pub fn new(user: Arc<dyn Comparator>) -> InternalKeyComparator {
        let bytewise = user.is_bytewise();
        InternalKeyComparator { user, bytewise }
    }

    /// Compares two user keys by the user order (inline when bytewise).
    #[inline]
    pub fn compare_user(&self, a: &[u8], b: &[u8]) -> Ordering {
        if self.bytewise {
            a.cmp(b)
        } else {
            self.user.compare(a, b)
        }
    }

    pub fn user_comparator(&self) -> &Arc<dyn Comparator> {
        &self.user
    }

    fn trailer(ikey: &[u8]) -> (u64, u64) {
        if ikey.len() < TRAILER_LEN {
            return (0, 0);
        }
        let t = &ikey[ikey.len() - TRAILER_LEN..];
        (
            decode_fixed64(t).unwrap_or_default(),
            decode_fixed64(&t[8..]).unwrap_or_default(),
        )
    }
}

impl Default for InternalKeyComparator {
    fn default() -> Self {
        InternalKeyComparator::new(Arc::new(BytewiseComparator))
    }
}

impl std::fmt::Debug for InternalKeyComparator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InternalKeyComparator({})", self.user.name())
    }
}

impl Comparator for InternalKeyComparator {
    fn name(&self) -> &str {
        "avccdb.InternalKeyComparator"
    }

    #[inline]
    fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
        self.compare_user(extract_user_key(a), extract_user_key(b))
            .then_with(|| {
                let (va, ta) = Self::trailer(a);
                let (vb, tb) = Self::trailer(b);
                vb.cmp(&va).then(tb.cmp(&ta))
            })
    }

    fn find_shortest_separator(&self, start: &mut Vec<u8>, limit: &[u8]) {
        if start.len() < TRAILER_LEN || limit.len() < TRAILER_LEN {
            return;
        }
        let user_start = extract_user_key(start);
        let user_limit = extract_user_key(limit);
        let mut shorter = user_start.to_vec();
        self.user.find_shortest_separator(&mut shorter, user_limit);
        if shorter.len() < user_start.len()
            && self.user.compare(user_start, &shorter) == Ordering::Less
        {
            // The earliest internal key of the shorter user key: it is
            // > start (its user key is larger) and < limit.
            append_trailer_for_seek(&mut shorter);
            *start = shorter;
        }
    }

    fn find_short_successor(&self, key: &mut Vec<u8>) {
        if key.len() < TRAILER_LEN {
            return;
        }
        let user = extract_user_key(key);
        let mut shorter = user.to_vec();
        self.user.find_short_successor(&mut shorter);
        if shorter.len() < user.len() && self.user.compare(user, &shorter) == Ordering::Less {
            append_trailer_for_seek(&mut shorter);
            *key = shorter;
        }
    }
}

fn append_trailer_for_seek(user_key: &mut Vec<u8>) {
    user_key.extend_from_slice(&MAX_VERSION.to_le_bytes());
    user_key.extend_from_slice(&pack_tag(MAX_SEQUENCE, Kind::FOR_SEEK).to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::random::Rng;

    fn ik(user: &[u8], version: u64, seq: u64, kind: Kind) -> Vec<u8> {
        make_internal_key(user, version, seq, kind)
    }

    #[test]
    fn encode_parse_round_trip() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            let len = rng.below(20) as usize;
            let user = rng.bytes(len);
            let version = rng.next_u64();
            let seq = rng.below(MAX_SEQUENCE + 1);
            let kind = if rng.one_in(2) {
                Kind::Value
            } else {
                Kind::Deletion
            };
            let key = ik(&user, version, seq, kind);
            let parsed = parse_internal_key(&key).unwrap();
            assert_eq!(parsed.user_key, &user[..]);
            assert_eq!(parsed.version, version);
            assert_eq!(parsed.sequence, seq);
            assert_eq!(parsed.kind, kind);
            assert_eq!(parsed.encode(), key);
        }
    }

    #[test]
    fn max_sequence_fits_the_tag() {
        let key = ik(b"k", 0, MAX_SEQUENCE, Kind::Value);
        assert_eq!(parse_internal_key(&key).unwrap().sequence, MAX_SEQUENCE);
    }

    #[test]
    fn parse_errors_are_corruption() {
        for len in 0..TRAILER_LEN {
            let err = parse_internal_key(&vec![0u8; len]).unwrap_err();
            assert!(err.is_corruption(), "{err}");
        }
        let mut bad = ik(b"k", 1, 1, Kind::Value);
        let n = bad.len();
        bad[n - 8] = 7; // kind byte
        assert!(parse_internal_key(&bad).unwrap_err().is_corruption());
    }

    #[test]
    fn order_is_user_asc_version_desc_sequence_desc() {
        let cmp = InternalKeyComparator::default();
        let sorted = [
            ik(b"a", 9, 1, Kind::Value),
            ik(b"a", 2, 7, Kind::Value),
            ik(b"a", 2, 5, Kind::Value),
            ik(b"a", 2, 5, Kind::Deletion),
            ik(b"a", 0, 100, Kind::Value),
            ik(b"ab", u64::MAX, 1, Kind::Value),
            ik(b"b", 0, 1, Kind::Value),
        ];
        for i in 0..sorted.len() {
            for j in 0..sorted.len() {
                assert_eq!(cmp.compare(&sorted[i], &sorted[j]), i.cmp(&j), "{i} vs {j}");
            }
        }
    }

    #[test]
    fn lookup_key_sorts_before_every_visible_record() {
        let cmp = InternalKeyComparator::default();
        let target = lookup_key(b"k", 5, 50);
        // Visible: version ≤ 5 and, at version 5, sequence ≤ 50.
        for visible in [
            ik(b"k", 5, 50, Kind::Value),
            ik(b"k", 5, 50, Kind::Deletion),
            ik(b"k", 5, 1, Kind::Value),
            ik(b"k", 4, 99, Kind::Value),
        ] {
            assert_ne!(cmp.compare(&target, &visible), Ordering::Greater);
        }
        for hidden in [ik(b"k", 6, 1, Kind::Value), ik(b"k", 5, 51, Kind::Value)] {
            assert_eq!(cmp.compare(&hidden, &target), Ordering::Less);
        }
    }

    #[test]
    fn short_keys_compare_without_panicking() {
        let cmp = InternalKeyComparator::default();
        assert_eq!(cmp.compare(b"", b""), Ordering::Equal);
        assert_eq!(cmp.compare(b"a", b"b"), Ordering::Less);
        let mut short = b"abc".to_vec();
        cmp.find_shortest_separator(&mut short, b"x");
        cmp.find_short_successor(&mut short);
        assert_eq!(short, b"abc");
    }

    #[test]
    fn bytewise_separator_and_successor() {
        let c = BytewiseComparator;
        let mut s = b"abcd".to_vec();
        c.find_shortest_separator(&mut s, b"abzz");
        assert_eq!(s, b"abd");
        let mut s = b"abc".to_vec();
        c.find_shortest_separator(&mut s, b"abcd");
        assert_eq!(s, b"abc", "prefix: unchanged");
        let mut s = b"ab\xff".to_vec();
        c.find_shortest_separator(&mut s, b"ac");
        assert_eq!(s, b"ab\xff");
        let mut s = b"\xff\xffa".to_vec();
        c.find_short_successor(&mut s);
        assert_eq!(s, b"\xff\xffb");
        let mut s = b"\xff\xff".to_vec();
        c.find_short_successor(&mut s);
        assert_eq!(s, b"\xff\xff");
    }

    #[test]
    fn internal_separator_stays_between_its_bounds() {
        let cmp = InternalKeyComparator::default();
        let mut rng = Rng::new(3);
        for _ in 0..2000 {
            let (la, lb) = (rng.below(6) as usize, rng.below(6) as usize);
            let mut a = rng.bytes(la);
            let mut b = rng.bytes(lb);
            for k in [&mut a, &mut b] {
                for byte in k.iter_mut() {
                    *byte %= 4; // small alphabet: many shared prefixes
                }
            }
            let ka = ik(&a, rng.below(3), rng.below(10), Kind::Value);
            let kb = ik(&b, rng.below(3), rng.below(10), Kind::Value);
            let (lo, hi) = if cmp.compare(&ka, &kb) == Ordering::Less {
                (ka, kb)
            } else if cmp.compare(&ka, &kb) == Ordering::Greater {
                (kb, ka)
            } else {
                continue;
            };
            let mut sep = lo.clone();
            cmp.find_shortest_separator(&mut sep, &hi);
            assert_ne!(cmp.compare(&sep, &lo), Ordering::Less);
            assert_eq!(cmp.compare(&sep, &hi), Ordering::Less);
            let mut succ = lo.clone();
            cmp.find_short_successor(&mut succ);
            assert_ne!(cmp.compare(&succ, &lo), Ordering::Less);
        }
    }
}
