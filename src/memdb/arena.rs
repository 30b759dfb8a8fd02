//! The memdb's bump allocator: word-aligned slices carved out of large
//! chunks that are never moved, reused or freed until the arena is dropped.
//!
//! Nodes are published to lock-free readers by raw pointer, so their memory
//! must stay put for the memdb's whole life: chunks are raw heap allocations
//! (not `Vec`s that could reallocate) and only `Drop` releases them. The arena
//! itself is used by the writer alone (the memdb keeps it behind its writer
//! mutex); readers never touch it, they only read memory it handed out.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

/// Alignment of every allocation: a machine word, enough for the `usize`
/// header fields and the `AtomicPtr` tower of a node.
pub(super) const ALIGN: usize = std::mem::align_of::<usize>();

/// Size of the first chunk; each later chunk doubles up to [`MAX_CHUNK`], so a
/// small memdb stays small and a large one needs few allocations.
const MIN_CHUNK: usize = 4 << 10;
const MAX_CHUNK: usize = 1 << 20;

pub(super) struct Arena {
    /// Every chunk ever allocated, with its layout (needed to free it).
    chunks: Vec<(NonNull<u8>, Layout)>,
    /// Next free byte of the current chunk (dangling when `remaining == 0`).
    cursor: NonNull<u8>,
    /// Bytes left after `cursor` in the current chunk.
    remaining: usize,
    /// Size of the next regular chunk.
    next_chunk: usize,
    /// Bytes handed out by `allocate`.
    used: usize,
    /// Bytes of all chunks.
    reserved: usize,
}

// SAFETY: the arena exclusively owns its chunks (like a `Vec<Box<[u8]>>`);
// the raw pointers it stores are not shared with any other owner, so moving
// the arena to another thread moves that ownership with it. Memory it handed
// out is shared separately, under the skiplist's own safety argument.
unsafe impl Send for Arena {}

impl Arena {
    pub(super) fn new() -> Arena {
        Arena {
            chunks: Vec::new(),
            cursor: NonNull::dangling(),
            remaining: 0,
            next_chunk: MIN_CHUNK,
            used: 0,
            reserved: 0,
        }
    }

    /// Returns `size` bytes (uninitialised), aligned to [`ALIGN`], that stay
    /// valid and are never handed out again until the arena is dropped.
    /// `size` must be a non-zero multiple of [`ALIGN`].
    pub(super) fn allocate(&mut self, size: usize) -> NonNull<u8> {
        debug_assert!(
            size > 0 && size.is_multiple_of(ALIGN),
            "bad arena request {size}"
        );
        self.used += size;
        if size <= self.remaining {
            let p = self.cursor;
            // SAFETY: `cursor` points into the current chunk with `remaining`
            // bytes after it, and `size <= remaining`, so the result is within
            // (or one past the end of) the same allocation.
            self.cursor = unsafe { p.add(size) };
            self.remaining -= size;
            return p;
        }
        if size > self.next_chunk / 4 {
            // A large entry gets a chunk of its own, so the current chunk's
            // tail is not wasted and regular chunks stay bounded.
            return self.new_chunk(size);
        }
        let chunk_size = self.next_chunk;
        self.next_chunk = (chunk_size * 2).min(MAX_CHUNK);
        let p = self.new_chunk(chunk_size);
        // SAFETY: the chunk has `chunk_size >= size` bytes (size ≤ next/4).
        self.cursor = unsafe { p.add(size) };
        self.remaining = chunk_size - size;
        p
    }

    fn new_chunk(&mut self, size: usize) -> NonNull<u8> {
        let layout = match Layout::from_size_align(size, ALIGN) {
            Ok(l) => l,
            Err(_) => panic!("memdb arena: chunk of {size} bytes is too large"),
        };
        // SAFETY: `layout` has a non-zero size (callers never ask for 0).
        let raw = unsafe { alloc(layout) };
        let Some(p) = NonNull::new(raw) else {
            handle_alloc_error(layout)
        };
        self.chunks.push((p, layout));
        self.reserved += size;
        p
    }

    /// Bytes handed out so far (what the memdb reports as its size).
    pub(super) fn used(&self) -> usize {
        self.used
    }

    /// Bytes of all chunks, including unused tails.
    pub(super) fn reserved(&self) -> usize {
        self.reserved
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        for &(p, layout) in &self.chunks {
            // SAFETY: each chunk was allocated by `alloc` with exactly this
            // layout and is freed once, here. Dropping the arena means its
            // owner (the memdb) is being dropped, so no reader can still hold
            // a pointer into it: readers keep the memdb alive through an Arc
            // or a borrow.
            unsafe { dealloc(p.as_ptr(), layout) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_are_aligned_disjoint_and_counted() {
        let mut arena = Arena::new();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut rng = crate::util::random::Rng::new(11);
        let mut total = 0;
        for _ in 0..2000 {
            let size = (1 + rng.skewed(16) as usize).next_multiple_of(ALIGN);
            let p = arena.allocate(size);
            // SAFETY: the arena handed us `size` writable bytes.
            unsafe { p.as_ptr().write_bytes(0xab, size) };
            assert_eq!(p.as_ptr() as usize % ALIGN, 0);
            spans.push((p.as_ptr() as usize, size));
            total += size;
        }
        assert_eq!(arena.used(), total);
        assert!(arena.reserved() >= total);
        spans.sort();
        for w in spans.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "overlap: {:?}", w);
        }
    }

    #[test]
    fn waste_is_bounded() {
        let mut arena = Arena::new();
        for _ in 0..10_000 {
            arena.allocate(64);
        }
        // Each regular chunk loses less than a quarter of a chunk at its tail.
        assert!(arena.reserved() < arena.used() * 4 / 3 + MAX_CHUNK);
    }
}
