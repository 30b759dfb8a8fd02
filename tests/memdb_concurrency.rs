//! Readers racing a writer. The writer inserts and then publishes how many
//! entries it has inserted (Release); readers iterate and seek without locks
//! and check that what they see is strictly ordered, that every value
//! matches its key, and that they see at least the published number of
//! entries (Acquire). Synchronisation is by atomics and barriers only.
//! Run under `cargo test --release` as well: the optimiser reorders more.

use std::cmp::Ordering as CmpOrdering;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use avccdb::iter::KvIter;
use avccdb::key::{
    lookup_key, make_internal_key, parse_internal_key, Comparator, InternalKeyComparator, Kind,
    MAX_SEQUENCE,
};
use avccdb::memdb::MemDb;
use avccdb::util::random::Rng;

const READERS: usize = 3;

/// A value derived from the key (so a reader can check it), of a length
/// between 0 and 99 also derived from the key.
fn value_for(key: &[u8]) -> Vec<u8> {
    let seed = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = Rng::new(seed);
    let len = rng.below(100) as usize;
    rng.bytes(len)
}

/// Walks the whole memdb forwards or backwards and returns how many entries
/// it saw, checking order and values on the way.
fn check_pass(db: &Arc<MemDb>, cmp: &InternalKeyComparator, backwards: bool) -> usize {
    let mut it = db.iter();
    if backwards {
        it.seek_to_last();
    } else {
        it.seek_to_first();
    }
    let mut prev: Option<Vec<u8>> = None;
    let mut n = 0;
    while it.valid() {
        let key = it.key();
        assert_eq!(it.value(), &value_for(key)[..], "value of {key:?}");
        if let Some(p) = &prev {
            let want = if backwards {
                CmpOrdering::Greater
            } else {
                CmpOrdering::Less
            };
            assert_eq!(cmp.compare(p, key), want, "order broken at {key:?}");
        }
        prev = Some(key.to_vec());
        n += 1;
        if backwards {
            it.prev();
        } else {
            it.next();
        }
    }
    n
}

#[test]
fn readers_see_ordered_consistent_entries_while_a_writer_inserts() {
    let total = if cfg!(miri) {
        300
    } else if cfg!(debug_assertions) {
        20_000
    } else {
        100_000
    };
    let cmp = InternalKeyComparator::default();
    let db = Arc::new(MemDb::new(cmp.clone(), 1 << 20));
    let published = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let start = Barrier::new(READERS + 1);

    thread::scope(|s| {
        for r in 0..READERS {
            let (db, cmp, published, done, start) = (&db, &cmp, &published, &done, &start);
            s.spawn(move || {
                let mut rng = Rng::new(100 + r as u64);
                let mut passes = 0;
                start.wait();
                loop {
                    // Read `done` before the count: after the final store of
                    // the count, one more pass sees everything.
                    let finished = done.load(Ordering::Acquire);
                    let floor = published.load(Ordering::Acquire);
                    assert!(db.len() >= floor);
                    let seen = check_pass(db, cmp, passes % 2 == 1);
                    assert!(seen >= floor, "reader {r}: saw {seen} < published {floor}");
                    // Seeks land on an entry ≥ the target whose value matches.
                    for _ in 0..if cfg!(miri) { 3 } else { 50 } {
                        let user = format!("{:08}", rng.below(1_000_000));
                        let target = lookup_key(user.as_bytes(), 0, MAX_SEQUENCE);
                        let mut it = db.iter();
                        let before = published.load(Ordering::Acquire) as u64;
                        it.seek(&target);
                        if it.valid() {
                            assert_ne!(cmp.compare(it.key(), &target), CmpOrdering::Less);
                            assert_eq!(it.value(), &value_for(it.key())[..]);
                            let found = it.key().to_vec();
                            it.prev();
                            if it.valid() {
                                assert_eq!(cmp.compare(it.key(), &found), CmpOrdering::Less);
                                // An entry between the target and the one
                                // found can only have been published after
                                // the seek started.
                                if cmp.compare(it.key(), &target) != CmpOrdering::Less {
                                    let seq = parse_internal_key(it.key()).unwrap().sequence;
                                    assert!(seq > before, "seek skipped published seq {seq}");
                                }
                            }
                        }
                        if let Some((k, v)) = db.seek_first_ge(&target) {
                            assert_ne!(cmp.compare(&k, &target), CmpOrdering::Less);
                            assert_eq!(v, value_for(&k));
                        }
                    }
                    passes += 1;
                    if finished {
                        assert_eq!(seen, total);
                        break;
                    }
                }
                assert!(passes >= 1);
            });
        }

        let mut rng = Rng::new(1);
        start.wait();
        for seq in 1..=total as u64 {
            // Random positions, so links are spliced everywhere in the list.
            let user = format!("{:08}", rng.below(1_000_000));
            let version = rng.below(3);
            let key = make_internal_key(user.as_bytes(), version, seq, Kind::Value);
            db.add(seq, Kind::Value, user.as_bytes(), version, &value_for(&key));
            published.store(seq as usize, Ordering::Release);
        }
        done.store(true, Ordering::Release);
    });
    assert_eq!(db.len(), total);
    assert_eq!(check_pass(&db, &cmp, false), total);
}

#[test]
fn readers_always_find_the_newest_published_record_of_a_hot_key() {
    // The engine's read path: a lookup key for the newest record of a key
    // must find the latest published write, while new writes of the same
    // key keep landing just before it.
    let total: u64 = if cfg!(miri) {
        300
    } else if cfg!(debug_assertions) {
        20_000
    } else {
        200_000
    };
    let db = Arc::new(MemDb::new(InternalKeyComparator::default(), 1 << 20));
    let published = AtomicU64::new(0);
    let start = Barrier::new(READERS + 1);
    thread::scope(|s| {
        for r in 0..READERS {
            let (db, published, start) = (&db, &published, &start);
            s.spawn(move || {
                let target = lookup_key(b"hot", 0, MAX_SEQUENCE);
                start.wait();
                let mut last = 0;
                loop {
                    let floor = published.load(Ordering::Acquire);
                    let Some((k, v)) = db.seek_first_ge(&target) else {
                        assert_eq!(floor, 0, "reader {r}: published record missing");
                        continue;
                    };
                    let p = parse_internal_key(&k).unwrap();
                    assert_eq!(p.user_key, b"hot");
                    assert!(
                        p.sequence >= floor,
                        "reader {r}: saw {} < {floor}",
                        p.sequence
                    );
                    assert!(p.sequence >= last, "reader {r}: went back in time");
                    assert_eq!(v, p.sequence.to_le_bytes());
                    last = p.sequence;
                    if last == total {
                        break;
                    }
                }
            });
        }
        start.wait();
        for seq in 1..=total {
            db.add(seq, Kind::Value, b"hot", 0, &seq.to_le_bytes());
            // A neighbour key that sorts after, to keep the list from being
            // a single run of one user key.
            if seq % 7 == 0 {
                db.add(seq, Kind::Value, b"hot2", 0, b"");
            }
            published.store(seq, Ordering::Release);
        }
    });
}
