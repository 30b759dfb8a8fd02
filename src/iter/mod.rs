//! The cursor interface shared by every sorted source: blocks, tables, the
//! memdb and (later) merging and database iterators.
//!
//! A cursor is either positioned at an entry (`valid()`) or not. `key()` and
//! `value()` may only be called while valid and borrow from the cursor, so
//! reading an entry allocates nothing. Errors met while moving leave the
//! cursor invalid and are reported by `status()`.

use crate::error::Result;

mod merging;
mod vec_iter;

pub use merging::MergingIter;
pub use vec_iter::VecIter;

pub trait KvIter {
    fn valid(&self) -> bool;
    /// Positions at the first entry (invalid if empty).
    fn seek_to_first(&mut self);
    /// Positions at the last entry (invalid if empty).
    fn seek_to_last(&mut self);
    /// Positions at the first entry with key ≥ `target`.
    fn seek(&mut self, target: &[u8]);
    /// Moves to the next entry; requires `valid()`.
    fn next(&mut self);
    /// Moves to the previous entry; requires `valid()`.
    fn prev(&mut self);
    /// The current key; requires `valid()`.
    fn key(&self) -> &[u8];
    /// The current value; requires `valid()`.
    fn value(&self) -> &[u8];
    /// The first error met, if any.
    fn status(&self) -> Result<()>;
}

impl<I: KvIter + ?Sized> KvIter for Box<I> {
    fn valid(&self) -> bool {
        (**self).valid()
    }
    fn seek_to_first(&mut self) {
        (**self).seek_to_first()
    }
    fn seek_to_last(&mut self) {
        (**self).seek_to_last()
    }
    fn seek(&mut self, target: &[u8]) {
        (**self).seek(target)
    }
    fn next(&mut self) {
        (**self).next()
    }
    fn prev(&mut self) {
        (**self).prev()
    }
    fn key(&self) -> &[u8] {
        (**self).key()
    }
    fn value(&self) -> &[u8] {
        (**self).value()
    }
    fn status(&self) -> Result<()> {
        (**self).status()
    }
}
