//! `MergingIter`: one sorted cursor over several sorted cursors (memdbs and
//! tables), moving in either direction. Entries with equal keys from
//! different children are all yielded, the child listed first winning ties,
//! so callers list sources newest first. A child that stops on an error
//! ends the merge (see `build_heap`).

use std::cmp::Ordering;
use std::sync::Arc;

use crate::error::Result;
use crate::iter::KvIter;
use crate::key::Comparator;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Reverse,
}

pub struct MergingIter {
    children: Vec<Box<dyn KvIter + Send>>,
    cmp: Arc<dyn Comparator>,
    current: Option<usize>,
    direction: Direction,
    /// Forward direction: the valid children as a binary min-heap by
    /// (key, child index), so `heap[0]` is `current` and a step costs about
    /// log2(children) comparisons instead of one per child. Not maintained
    /// in reverse (cleared), rebuilt whenever the merge turns forward.
    heap: Vec<usize>,
}

impl MergingIter {
    pub fn new(children: Vec<Box<dyn KvIter + Send>>, cmp: Arc<dyn Comparator>) -> MergingIter {
        MergingIter {
            children,
            cmp,
            current: None,
            direction: Direction::Forward,
            heap: Vec::new(),
        }
    }

    /// Forward order of two valid children: by key, ties to the earlier
    /// child (the forward order of the merge).
    #[inline]
    fn child_less(&self, a: usize, b: usize) -> bool {
        match self
            .cmp
            .compare(self.children[a].key(), self.children[b].key())
        {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => a < b,
        }
    }

    fn sift_down(&mut self, mut pos: usize) {
        let n = self.heap.len();
        loop {
            let left = 2 * pos + 1;
            if left >= n {
                return;
            }
            let right = left + 1;
            let mut c = left;
            if right < n && self.child_less(self.heap[right], self.heap[left]) {
                c = right;
            }
            if !self.child_less(self.heap[c], self.heap[pos]) {
                return;
            }
            self.heap.swap(c, pos);
            pos = c;
        }
    }

    /// Child with the smallest key (ties go to the earliest child) as
    /// `current`, with the forward heap built over the valid children. None
    /// once a child has stopped on an error: what it would have yielded
    /// next is unknown, and going on with the others would show an older
    /// version of a key it holds a newer one of, or a key it deleted.
    fn build_heap(&mut self) {
        self.heap.clear();
        for (i, child) in self.children.iter().enumerate() {
            if child.valid() {
                self.heap.push(i);
            } else if child.status().is_err() {
                self.heap.clear();
                self.current = None;
                return;
            }
        }
        for pos in (0..self.heap.len() / 2).rev() {
            self.sift_down(pos);
        }
        self.current = self.heap.first().copied();
    }

    /// Forward step of the heap's top child, `cur`.
    fn heap_next(&mut self, cur: usize) {
        debug_assert_eq!(self.heap.first(), Some(&cur));
        self.children[cur].next();
        if self.children[cur].valid() {
            self.sift_down(0);
        } else if self.children[cur].status().is_err() {
            self.heap.clear();
            self.current = None;
            return;
        } else if let Some(last) = self.heap.pop() {
            if !self.heap.is_empty() {
                self.heap[0] = last;
                self.sift_down(0);
            }
        }
        self.current = self.heap.first().copied();
    }

    /// Child with the largest key; ties go to the latest child, so that a
    /// reverse walk yields exactly the reverse of the forward order, which
    /// is by (key, child index). None once a child has stopped on an error,
    /// as in `build_heap`.
    fn find_largest(&mut self) {
        let mut best: Option<(usize, &[u8])> = None;
        for (i, child) in self.children.iter().enumerate() {
            if !child.valid() {
                if child.status().is_err() {
                    self.current = None;
                    return;
                }
                continue;
            }
            let key = child.key();
            match best {
                Some((_, b)) if self.cmp.compare(key, b) == Ordering::Less => {}
                _ => best = Some((i, key)),
            }
        }
        self.current = best.map(|(i, _)| i);
    }
}

impl KvIter for MergingIter {
    fn valid(&self) -> bool {
        self.current.is_some()
    }

    fn seek_to_first(&mut self) {
        self.children.iter_mut().for_each(|c| c.seek_to_first());
        self.direction = Direction::Forward;
        self.build_heap();
    }

    fn seek_to_last(&mut self) {
        self.children.iter_mut().for_each(|c| c.seek_to_last());
        self.direction = Direction::Reverse;
        self.heap.clear();
        self.find_largest();
    }

    fn seek(&mut self, target: &[u8]) {
        self.children.iter_mut().for_each(|c| c.seek(target));
        self.direction = Direction::Forward;
        self.build_heap();
    }

    fn next(&mut self) {
        let Some(cur) = self.current else { return };
        if self.direction == Direction::Reverse {
            // Place every other child at its first entry after (key, cur) in
            // the (key, child index) order.
            let key = self.children[cur].key().to_vec();
            for (i, child) in self.children.iter_mut().enumerate() {
                if i == cur {
                    continue;
                }
                child.seek(&key);
                if i < cur {
                    while child.valid() && self.cmp.compare(child.key(), &key) == Ordering::Equal {
                        child.next();
                    }
                }
            }
            self.direction = Direction::Forward;
            self.children[cur].next();
            self.build_heap();
            return;
        }
        self.heap_next(cur);
    }

    fn prev(&mut self) {
        let Some(cur) = self.current else { return };
        if self.direction == Direction::Forward {
            // Place every other child at its last entry before (key, cur) in
            // the (key, child index) order.
            let key = self.children[cur].key().to_vec();
            for (i, child) in self.children.iter_mut().enumerate() {
                if i == cur {
                    continue;
                }
                child.seek(&key);
                if i < cur {
                    while child.valid() && self.cmp.compare(child.key(), &key) == Ordering::Equal {
                        child.next();
                    }
                }
                if child.valid() {
                    child.prev();
                } else {
                    child.seek_to_last();
                }
            }
            self.direction = Direction::Reverse;
            self.heap.clear();
        }
        self.children[cur].prev();
        self.find_largest();
    }

    fn key(&self) -> &[u8] {
        self.current.map_or(&[], |c| self.children[c].key())
    }

    fn value(&self) -> &[u8] {
        self.current.map_or(&[], |c| self.children[c].value())
    }

    fn status(&self) -> Result<()> {
        self.children.iter().try_for_each(|c| c.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iter::VecIter;
    use crate::key::BytewiseComparator;
    use crate::util::random::Rng;

    type Entries = Vec<(Vec<u8>, Vec<u8>)>;

    fn random_children(rng: &mut Rng, n: usize) -> Vec<Entries> {
        (0..n)
            .map(|child| {
                let len = rng.below(12) as usize;
                let mut e: Entries = (0..len)
                    .map(|_| (vec![b'a' + rng.below(10) as u8], vec![child as u8]))
                    .collect();
                e.sort();
                e
            })
            .collect()
    }

    fn merged(children: &[Entries]) -> MergingIter {
        let cmp: Arc<dyn Comparator> = Arc::new(BytewiseComparator);
        let iters = children
            .iter()
            .map(|e| Box::new(VecIter::new(e.clone(), cmp.clone())) as Box<dyn KvIter + Send>)
            .collect();
        MergingIter::new(iters, cmp)
    }

    /// The model: all entries ordered by (key, child index, position).
    fn model(children: &[Entries]) -> Entries {
        let mut all: Vec<(Vec<u8>, usize, usize, Vec<u8>)> = Vec::new();
        for (c, entries) in children.iter().enumerate() {
            for (p, (k, v)) in entries.iter().enumerate() {
                all.push((k.clone(), c, p, v.clone()));
            }
        }
        all.sort();
        all.into_iter().map(|(k, _, _, v)| (k, v)).collect()
    }

    fn entry(it: &MergingIter) -> (Vec<u8>, Vec<u8>) {
        (it.key().to_vec(), it.value().to_vec())
    }

    /// Every entry from the first on.
    fn forward(it: &mut MergingIter) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut got = Vec::new();
        it.seek_to_first();
        while it.valid() {
            got.push(entry(it));
            it.next();
        }
        got
    }

    #[test]
    fn forward_and_backward_match_the_model() {
        let mut rng = Rng::new(21);
        for _ in 0..300 {
            let n = rng.range(1, 5) as usize;
            let children = random_children(&mut rng, n);
            let want = model(&children);
            let mut it = merged(&children);
            assert_eq!(forward(&mut it), want);
            let mut back = Vec::new();
            it.seek_to_last();
            while it.valid() {
                back.push(entry(&it));
                it.prev();
            }
            back.reverse();
            assert_eq!(back, want);
            assert!(it.status().is_ok());
        }
    }

    #[test]
    fn random_direction_changes_follow_the_model() {
        let mut rng = Rng::new(22);
        for _ in 0..300 {
            let n = rng.range(1, 5) as usize;
            let children = random_children(&mut rng, n);
            let want = model(&children);
            let mut it = merged(&children);
            let target = vec![b'a' + rng.below(11) as u8];
            it.seek(&target);
            let mut pos = want.partition_point(|(k, _)| k < &target);
            for _ in 0..30 {
                match want.get(pos) {
                    Some(e) => {
                        assert!(it.valid());
                        assert_eq!(&entry(&it), e);
                    }
                    None => {
                        assert!(!it.valid());
                        break;
                    }
                }
                if rng.one_in(2) {
                    it.next();
                    pos += 1;
                } else if pos == 0 {
                    it.prev();
                    assert!(!it.valid());
                    break;
                } else {
                    it.prev();
                    pos -= 1;
                }
            }
        }
    }

    #[test]
    fn many_children_heap_matches_the_model() {
        // Enough children for a heap several levels deep, with many equal
        // keys across children (ties must go to the earlier child), and
        // direction changes that drop and rebuild the heap.
        let mut rng = Rng::new(23);
        for _ in 0..200 {
            let n = rng.range(5, 14) as usize;
            let children = random_children(&mut rng, n);
            let want = model(&children);
            let mut it = merged(&children);
            assert_eq!(forward(&mut it), want);
            let target = vec![b'a' + rng.below(11) as u8];
            it.seek(&target);
            let mut pos = want.partition_point(|(k, _)| k < &target);
            for _ in 0..60 {
                match want.get(pos) {
                    Some(e) => assert_eq!(&entry(&it), e),
                    None => {
                        assert!(!it.valid());
                        break;
                    }
                }
                if rng.one_in(3) && pos > 0 {
                    it.prev();
                    pos -= 1;
                } else {
                    it.next();
                    pos += 1;
                }
            }
        }
    }

    /// A child whose entries past `fail_at` cannot be read: moving onto
    /// that position makes it invalid with an error, as a table iterator
    /// does on a corrupt block.
    struct FailingIter {
        inner: VecIter,
        pos: usize,
        fail_at: usize,
        failed: bool,
    }

    impl FailingIter {
        fn settle(&mut self, pos: usize) {
            self.pos = pos;
            self.failed = self.inner.valid() && pos >= self.fail_at;
        }
    }

    impl KvIter for FailingIter {
        fn valid(&self) -> bool {
            !self.failed && self.inner.valid()
        }
        fn seek_to_first(&mut self) {
            self.inner.seek_to_first();
            self.settle(0);
        }
        fn seek_to_last(&mut self) {
            unreachable!("forward only")
        }
        fn seek(&mut self, _: &[u8]) {
            unreachable!("forward only")
        }
        fn next(&mut self) {
            self.inner.next();
            self.settle(self.pos + 1);
        }
        fn prev(&mut self) {
            unreachable!("forward only")
        }
        fn key(&self) -> &[u8] {
            self.inner.key()
        }
        fn value(&self) -> &[u8] {
            self.inner.value()
        }
        fn status(&self) -> Result<()> {
            match self.failed {
                true => Err(crate::Error::corruption("unreadable block")),
                false => Ok(()),
            }
        }
    }

    #[test]
    fn a_failed_child_ends_the_merge() {
        let cmp: Arc<dyn Comparator> = Arc::new(BytewiseComparator);
        let entries = |v: u8| -> Entries { (b'a'..=b'f').map(|k| (vec![k], vec![v])).collect() };
        // The newer child fails on its 3rd entry ("c"); the older one must
        // not go on to yield its own "c".."f" in place of the newer ones.
        let newer = FailingIter {
            inner: VecIter::new(entries(1), cmp.clone()),
            pos: 0,
            fail_at: 2,
            failed: false,
        };
        let older = VecIter::new(entries(0), cmp.clone());
        let mut it = MergingIter::new(vec![Box::new(newer), Box::new(older)], cmp);
        let mut got = Vec::new();
        it.seek_to_first();
        while it.valid() {
            got.push(entry(&it));
            it.next();
        }
        let want: Entries = [(b'a', 1), (b'a', 0), (b'b', 1)]
            .iter()
            .map(|&(k, v)| (vec![k], vec![v]))
            .collect();
        assert_eq!(got, want);
        assert!(it.status().is_err());
    }

    #[test]
    fn empty_children() {
        let mut it = merged(&[vec![], vec![]]);
        it.seek_to_first();
        assert!(!it.valid());
        it.seek_to_last();
        assert!(!it.valid());
        it.seek(b"x");
        assert!(!it.valid());
    }
}
