//! One block's bytes (after the table layer has checked and uncompressed
//! them) parsed and walked: `Block::new`, then a forward scan, a backward
//! scan, and seeks to every key met and to keys cut from the input, under
//! the bytewise or the internal-key order (first byte). Nothing may panic,
//! hang or index out of bounds; every error is corruption; a scan never
//! yields more entries than the bytes can hold (3 bytes at least each).
#![no_main]

use std::sync::Arc;

use avccdb::iter::KvIter;
use avccdb::key::{BytewiseComparator, Comparator, InternalKeyComparator};
use avccdb::table::{Block, BlockIter};
use libfuzzer_sys::fuzz_target;

fn check_status(it: &BlockIter<&Block>) {
    if let Err(e) = it.status() {
        assert!(e.is_corruption(), "{e}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, contents)) = data.split_first() else {
        return;
    };
    let cmp: Arc<dyn Comparator> = if selector & 1 == 0 {
        Arc::new(BytewiseComparator)
    } else {
        Arc::new(InternalKeyComparator::default())
    };
    let block = match Block::new(contents.to_vec(), Arc::from("fuzz"), 0) {
        Ok(b) => b,
        Err(e) => {
            assert!(e.is_corruption(), "{e}");
            return;
        }
    };
    assert_eq!(block.size(), contents.len());
    let max_entries = contents.len() / 3;

    let mut it = BlockIter::new(&block, Arc::clone(&cmp));
    it.seek_to_first();
    let mut keys = Vec::new();
    while it.valid() {
        keys.push(it.key().to_vec());
        assert!(it.value().len() <= contents.len());
        assert!(keys.len() <= max_entries);
        it.next();
    }
    check_status(&it);

    it.seek_to_last();
    let mut back = 0;
    while it.valid() {
        back += 1;
        assert!(back <= max_entries);
        it.prev();
    }
    check_status(&it);

    // Seeks: to each key met (a few), then to slices of the input.
    for key in keys.iter().take(16) {
        it.seek(key);
        check_status(&it);
        if it.valid() {
            let _ = it.value();
            it.next();
            if it.valid() {
                it.prev();
            }
        }
    }
    for target in contents.chunks(9).take(8) {
        it.seek(target);
        check_status(&it);
    }
    // A cursor moved to another block starts unpositioned.
    let mut fresh = BlockIter::new(&block, cmp);
    fresh.seek_to_last();
    fresh.reset(&block);
    assert!(!fresh.valid());
});
