//! Binary Merkle trees over a list of hashes, and range proofs in them.
//!
//! Shape (one rule for every list, `docs/PROOF_FORMAT.md`, "Trees"): the
//! tree of `[h]` is `h`; the tree of `n ≥ 2` items is
//! `node(tree(first k), tree(rest))` with `k` the largest power of two
//! below `n` (RFC 6962's shape). Built bottom-up, that is: pair neighbours
//! level by level and carry an odd last node up unchanged. Nothing is ever
//! duplicated, so a list and its extension by its own last item differ.
//!
//! A range proof shows items `first .. first + count` of a list of `n`: the
//! roots of the maximal subtrees left and right of the range, in the order
//! a depth-first, left-to-right walk of the tree meets them.

use super::hash::{node_hash, Hash, EMPTY_TREE};

/// The largest list a proof may describe (2⁴⁸ items): bounds the depth of
/// the verifier's walk at 48.
pub const MAX_ITEMS: u64 = 1 << 48;

/// Every level of a tree, bottom (the items) to top (the root).
#[derive(Clone, Debug, Default)]
pub struct Levels {
    levels: Vec<Vec<Hash>>,
}

impl Levels {
    /// Builds the tree over `items`.
    pub fn build(items: Vec<Hash>) -> Levels {
        let mut levels = vec![items];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().expect("at least one level");
            let mut up = Vec::with_capacity(below.len().div_ceil(2));
            for pair in below.chunks(2) {
                up.push(match pair {
                    [l, r] => node_hash(l, r),
                    [single] => *single,
                    _ => unreachable!("chunks(2) yields one or two items"),
                });
            }
            levels.push(up);
        }
        Levels { levels }
    }

    /// Builds the tree over `items`, which are the items of `prev` with new
    /// ones inserted at the (ascending) positions `inserted` of `items`.
    /// A full subtree of the new tree whose items contain no inserted one
    /// and start at an old position aligned to its size is a full subtree
    /// of `prev` too, with the same root: it is copied, not hashed. After
    /// random insertions about a third of the inner nodes are copied
    /// (those whose items kept their pairing); after appends, all but the
    /// path of the new part.
    pub fn build_inserted(items: Vec<Hash>, prev: &Levels, inserted: &[usize]) -> Levels {
        let n = items.len();
        let old_n = prev.len();
        debug_assert_eq!(n, old_n + inserted.len());
        debug_assert!(inserted.windows(2).all(|w| w[0] < w[1]));
        let mut levels = vec![items];
        let mut h = 0usize;
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().expect("at least one level");
            let size = 1usize << (h + 1);
            let mut up = Vec::with_capacity(below.len().div_ceil(2));
            // Inserted positions before the current node's first item.
            let mut shift = 0;
            for (j, pair) in below.chunks(2).enumerate() {
                let a = j * size;
                while shift < inserted.len() && inserted[shift] < a {
                    shift += 1;
                }
                let clean = a + size <= n
                    && inserted.get(shift).is_none_or(|&p| p >= a + size)
                    && (a - shift).is_multiple_of(size)
                    && a - shift + size <= old_n;
                up.push(if clean {
                    prev.levels[h + 1][(a - shift) >> (h + 1)]
                } else {
                    match pair {
                        [l, r] => node_hash(l, r),
                        [single] => *single,
                        _ => unreachable!("chunks(2) yields one or two items"),
                    }
                });
            }
            levels.push(up);
            h += 1;
        }
        Levels { levels }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items the tree was built over.
    pub fn items(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }

    /// The tree root ([`EMPTY_TREE`] for no items).
    pub fn root(&self) -> Hash {
        match self.levels.last() {
            Some(top) if !top.is_empty() => top[0],
            _ => EMPTY_TREE,
        }
    }

    /// Bytes held (for cache charges).
    pub fn memory(&self) -> usize {
        self.levels.iter().map(|l| l.len() * 32).sum::<usize>() + 24 * self.levels.len()
    }

    /// The sibling hashes proving items `first .. first + count`
    /// (`count ≥ 1`, within the list).
    pub fn range_siblings(&self, first: usize, count: usize) -> Vec<Hash> {
        let n = self.len();
        assert!(count >= 1 && first + count <= n, "range inside the list");
        let mut out = Vec::new();
        self.collect(self.levels.len() - 1, 0, first, first + count, &mut out);
        out
    }

    fn collect(&self, h: usize, j: usize, a: usize, b: usize, out: &mut Vec<Hash>) {
        let n = self.len();
        let lo = j << h;
        let hi = n.min((j + 1) << h);
        if hi <= a || lo >= b {
            out.push(self.levels[h][j]);
            return;
        }
        if h == 0 {
            return;
        }
        self.collect(h - 1, 2 * j, a, b, out);
        if ((2 * j + 1) << (h - 1)) < n {
            self.collect(h - 1, 2 * j + 1, a, b, out);
        }
    }
}

/// The tree root of `items` (as `Levels::build(items).root()`), computed in
/// place: `items` is overwritten, nothing is allocated.
pub fn root_in_place(items: &mut [Hash]) -> Hash {
    let mut n = items.len();
    if n == 0 {
        return EMPTY_TREE;
    }
    while n > 1 {
        let half = n / 2;
        for j in 0..half {
            items[j] = node_hash(&items[2 * j], &items[2 * j + 1]);
        }
        if n % 2 == 1 {
            items[half] = items[n - 1];
        }
        n = n.div_ceil(2);
    }
    items[0]
}

/// Height of the tree over `n ≥ 1` items: the least `h` with `2^h ≥ n`.
fn height(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        64 - (n - 1).leading_zeros()
    }
}

/// Recomputes the tree root of a list of `n` items from items `first ..
/// first + items.len()` and the range proof's siblings. `None` when the
/// shapes disagree: a range outside the list, too few or too many
/// siblings. Recursion depth is at most 48 (`n ≤ MAX_ITEMS`).
pub fn range_root(n: u64, first: u64, items: &[Hash], siblings: &[Hash]) -> Option<Hash> {
    let count = items.len() as u64;
    if n == 0 || n > MAX_ITEMS || count == 0 || first.checked_add(count)? > n {
        return None;
    }
    let mut walk = Walk {
        n,
        a: first,
        b: first + count,
        items,
        siblings,
        used: 0,
    };
    let root = walk.node(height(n), 0)?;
    (walk.used == siblings.len()).then_some(root)
}

struct Walk<'a> {
    n: u64,
    a: u64,
    b: u64,
    items: &'a [Hash],
    siblings: &'a [Hash],
    used: usize,
}

impl Walk<'_> {
    fn node(&mut self, h: u32, j: u64) -> Option<Hash> {
        let lo = j << h;
        let hi = self.n.min((j + 1) << h);
        if hi <= self.a || lo >= self.b {
            let s = *self.siblings.get(self.used)?;
            self.used += 1;
            return Some(s);
        }
        if h == 0 {
            return Some(self.items[(j - self.a) as usize]);
        }
        let left = self.node(h - 1, 2 * j)?;
        if ((2 * j + 1) << (h - 1)) >= self.n {
            return Some(left);
        }
        let right = self.node(h - 1, 2 * j + 1)?;
        Some(node_hash(&left, &right))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::hash::leaf_hash;

    fn items(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&(i as u32).to_be_bytes(), 0, 1, b""))
            .collect()
    }

    /// RFC 6962's recursive definition, as the reference.
    fn reference(items: &[Hash]) -> Hash {
        match items.len() {
            0 => EMPTY_TREE,
            1 => items[0],
            n => {
                let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                node_hash(&reference(&items[..k]), &reference(&items[k..]))
            }
        }
    }

    #[test]
    fn bottom_up_matches_the_recursive_shape() {
        for n in 0..70 {
            let it = items(n);
            assert_eq!(Levels::build(it.clone()).root(), reference(&it), "n = {n}");
        }
    }

    #[test]
    fn in_place_roots_and_grown_lists_match_a_fresh_build() {
        for n in 0..70 {
            let it = items(n);
            let mut scratch = it.clone();
            assert_eq!(root_in_place(&mut scratch), reference(&it), "n = {n}");
        }
        // A list that grew at the end, and one changed in the middle.
        let base = items(50);
        for prev_len in [0usize, 1, 2, 7, 16, 33, 50] {
            let prev = Levels::build(base[..prev_len].to_vec());
            for new_len in prev_len..=50 {
                let grown = base[..new_len].to_vec();
                let added: Vec<usize> = (prev_len..new_len).collect();
                let t = Levels::build_inserted(grown.clone(), &prev, &added);
                let fresh = Levels::build(grown);
                assert_eq!(t.levels, fresh.levels, "{prev_len} -> {new_len}");
            }
            for same in 0..prev_len {
                let mut changed = base[..prev_len].to_vec();
                changed.insert(same, base[49]);
                let t = Levels::build_inserted(changed.clone(), &prev, &[same]);
                assert_eq!(
                    t.levels,
                    Levels::build(changed).levels,
                    "{prev_len} at {same}"
                );
            }
        }
    }

    #[test]
    fn insertions_reuse_only_what_is_unchanged() {
        let pool = items(300);
        let mut rng = 12345u64;
        let mut next = |m: usize| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) as usize % m
        };
        for round in 0..200 {
            let old_n = next(120);
            let old: Vec<Hash> = pool[..old_n].to_vec();
            let prev = Levels::build(old.clone());
            let k = match round % 4 {
                0 => 0,
                1 => 1,
                _ => 1 + next(40),
            };
            // Insert k new items at random places (appends included).
            let mut new = old.clone();
            let mut marks = vec![false; old_n];
            for i in 0..k {
                let at = if round % 5 == 0 {
                    new.len()
                } else {
                    next(new.len() + 1)
                };
                new.insert(at, pool[150 + i]);
                marks.insert(at, true);
            }
            let inserted: Vec<usize> = (0..new.len()).filter(|&i| marks[i]).collect();
            let t = Levels::build_inserted(new.clone(), &prev, &inserted);
            assert_eq!(t.levels, Levels::build(new).levels, "round {round}");
        }
    }

    #[test]
    fn every_range_proves_and_nothing_else_does() {
        for n in 1..40usize {
            let it = items(n);
            let levels = Levels::build(it.clone());
            let root = levels.root();
            for first in 0..n {
                for count in 1..=(n - first).min(5) {
                    let sib = levels.range_siblings(first, count);
                    let slice = &it[first..first + count];
                    assert_eq!(
                        range_root(n as u64, first as u64, slice, &sib),
                        Some(root),
                        "n {n} first {first} count {count}"
                    );
                    // Claiming another position or size must not verify.
                    if first + count < n {
                        assert_ne!(
                            range_root(n as u64, first as u64 + 1, slice, &sib),
                            Some(root)
                        );
                    }
                    // (Another `n` can give the same tree root: commitments
                    // bind the count, `hash::commit_hash`.)
                    let mut extra = sib.clone();
                    extra.push(root);
                    assert_eq!(range_root(n as u64, first as u64, slice, &extra), None);
                }
            }
        }
    }

    #[test]
    fn rejects_impossible_shapes() {
        let it = items(3);
        assert_eq!(range_root(0, 0, &it[..1], &[]), None);
        assert_eq!(range_root(3, 3, &it[..1], &[]), None);
        assert_eq!(range_root(3, u64::MAX, &it[..1], &[]), None);
        assert_eq!(range_root(MAX_ITEMS + 1, 0, &it[..1], &[]), None);
        assert_eq!(range_root(3, 0, &[], &[]), None);
    }
}
