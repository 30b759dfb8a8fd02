//! The layout of one skiplist node in arena memory, and raw access to it.
//!
//! ```text
//! offset 0            key_len   : usize
//! offset W            value_len : usize
//! offset 2W           key bytes, then value bytes
//! offset 2W + pad(k+v) tower    : height × AtomicPtr<u8>  (next node at level i)
//! ```
//! `W` is the word size and `pad` rounds up to a multiple of `W`. The height
//! is not stored: a search only reads level `i` of a node it reached through
//! a level-`i` (or higher) link, which exists only if the node is that tall.
//! Everything but the tower is written once, before the node is published,
//! and never changes; tower slots are atomics.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, Ordering};

use super::arena::ALIGN;

const WORD: usize = std::mem::size_of::<usize>();
const HEADER: usize = 2 * WORD;
const SLOT: usize = std::mem::size_of::<AtomicPtr<u8>>();

// The tower starts at a multiple of ALIGN; it must suit AtomicPtr.
const _: () = assert!(std::mem::align_of::<AtomicPtr<u8>>() <= ALIGN);
const _: () = assert!(std::mem::align_of::<usize>() <= ALIGN);

/// A pointer to a node's first byte. Only the memdb module creates these
/// (from its own arena, or by loading its own towers), and a node pointer is
/// only used while the memdb that owns the arena is alive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct NodePtr(NonNull<u8>);

// SAFETY: a NodePtr is an address into arena memory whose non-atomic part is
// immutable once the node is published (the Release store that links it
// happens-before any Acquire load that finds it) and whose mutable part is
// atomics. Sending or sharing the address between threads therefore cannot
// create a data race; lifetime is handled by whoever holds the pointer
// (the skiplist itself, or an iterator that also holds the memdb's Arc).
unsafe impl Send for NodePtr {}
// SAFETY: as for Send: shared access only reads immutable bytes or atomics.
unsafe impl Sync for NodePtr {}

/// Arena bytes needed for a node; `None` on arithmetic overflow.
pub(super) fn node_size(key_len: usize, value_len: usize, height: usize) -> Option<usize> {
    let data = key_len
        .checked_add(value_len)?
        .checked_next_multiple_of(ALIGN)?;
    HEADER
        .checked_add(data)?
        .checked_add(height.checked_mul(SLOT)?)
}

impl NodePtr {
    /// Writes a node into `mem`: the key (the concatenation of `key_parts`),
    /// the value, and a tower of `height` null links.
    ///
    /// # Safety
    /// `mem` must be aligned to [`ALIGN`], valid for writes of
    /// `node_size(key_len, value.len(), height)` bytes, and not yet visible
    /// to any other thread.
    pub(super) unsafe fn write(
        mem: NonNull<u8>,
        key_parts: &[&[u8]],
        key_len: usize,
        value: &[u8],
        height: usize,
    ) -> NodePtr {
        let base = mem.as_ptr();
        // SAFETY: all writes below stay within the `node_size` bytes the
        // caller guarantees (header, key_len + value.len() data bytes, then
        // `height` slots at the padded tower offset), the header and tower
        // offsets are multiples of ALIGN from an ALIGN-aligned base, and no
        // other thread can observe the memory yet.
        unsafe {
            base.cast::<usize>().write(key_len);
            base.add(WORD).cast::<usize>().write(value.len());
            let mut dst = base.add(HEADER);
            for part in key_parts {
                std::ptr::copy_nonoverlapping(part.as_ptr(), dst, part.len());
                dst = dst.add(part.len());
            }
            debug_assert_eq!(dst as usize - base as usize, HEADER + key_len);
            std::ptr::copy_nonoverlapping(value.as_ptr(), dst, value.len());
            let tower = base
                .add(HEADER + (key_len + value.len()).next_multiple_of(ALIGN))
                .cast::<AtomicPtr<u8>>();
            for i in 0..height {
                tower.add(i).write(AtomicPtr::new(std::ptr::null_mut()));
            }
        }
        NodePtr(mem)
    }

    /// # Safety
    /// The arena holding the node must still be alive.
    unsafe fn lens(self) -> (usize, usize) {
        let base = self.0.as_ptr();
        // SAFETY: every NodePtr points at a header written by `write` before
        // the pointer could be obtained (see the type's invariant), the
        // caller keeps the arena alive, and header words are aligned and
        // never written again.
        unsafe {
            (
                base.cast::<usize>().read(),
                base.add(WORD).cast::<usize>().read(),
            )
        }
    }

    /// The node's key.
    ///
    /// # Safety
    /// The arena holding the node must stay alive for `'a`.
    pub(super) unsafe fn key<'a>(self) -> &'a [u8] {
        // SAFETY: forwarded contract (the arena is alive).
        let (key_len, _) = unsafe { self.lens() };
        // SAFETY: `key_len` initialised bytes follow the header, are never
        // written after publication, and live as long as the arena ('a).
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(HEADER), key_len) }
    }

    /// The node's value.
    ///
    /// # Safety
    /// The arena holding the node must stay alive for `'a`.
    pub(super) unsafe fn value<'a>(self) -> &'a [u8] {
        // SAFETY: forwarded contract (the arena is alive).
        let (key_len, value_len) = unsafe { self.lens() };
        // SAFETY: as for `key`: `value_len` initialised, immutable bytes
        // follow the key.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(HEADER + key_len), value_len) }
    }

    /// The node's link at `level`.
    ///
    /// # Safety
    /// `level` must be below the node's height, and the arena holding the
    /// node must stay alive for `'a`.
    pub(super) unsafe fn link<'a>(self, level: usize) -> &'a AtomicPtr<u8> {
        // SAFETY: forwarded contract (the arena is alive).
        let (key_len, value_len) = unsafe { self.lens() };
        let offset = HEADER + (key_len + value_len).next_multiple_of(ALIGN) + level * SLOT;
        // SAFETY: slot `level < height` was initialised by `write`, is
        // suitably aligned, lives as long as the arena, and is only ever
        // accessed atomically after initialisation.
        unsafe { &*self.0.as_ptr().add(offset).cast::<AtomicPtr<u8>>() }
    }

    /// Loads the successor at `level` (Acquire: the successor's bytes are
    /// visible once its address is).
    ///
    /// # Safety
    /// As for [`NodePtr::link`].
    pub(super) unsafe fn next(self, level: usize) -> Option<NodePtr> {
        // SAFETY: forwarded contract.
        let p = unsafe { self.link(level) }.load(Ordering::Acquire);
        NonNull::new(p).map(NodePtr)
    }

    pub(super) fn as_ptr(self) -> *mut u8 {
        self.0.as_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_size_rounds_and_overflows() {
        assert_eq!(node_size(0, 0, 1), Some(HEADER + SLOT));
        assert_eq!(node_size(1, 0, 1), Some(HEADER + ALIGN + SLOT));
        assert_eq!(
            node_size(3, 5, 2),
            Some(HEADER + 8usize.next_multiple_of(ALIGN) + 2 * SLOT)
        );
        assert_eq!(node_size(usize::MAX, 1, 1), None);
        assert_eq!(node_size(usize::MAX - 2, 0, 1), None);
    }
}
