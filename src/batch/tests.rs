//! Unit tests of `Batch`: growth policy, internal length, append, load.

use super::*;
use crate::util::random::Rng;

#[test]
fn internal_len_follows_the_formula() {
    let mut b = Batch::new();
    b.put(b"key", b"value"); // 3 + 5 + 8
    b.delete(b"gone"); // 4 + 8
    b.put_with_version(b"k", 7, b"vv"); // 1 + 2 + 16
    b.delete_with_version(b"", 0); // 0 + 16
    assert_eq!(b.internal_len(), 16 + 12 + 19 + 16);
    assert_eq!(b.len(), 4);
    let sum: usize = b.iter().map(|r| r.internal_len()).sum();
    assert_eq!(sum, b.internal_len());
}

#[test]
fn grow_doubles_then_steps_by_the_limit() {
    let limit = 1000;
    let mut b = Batch::with_config(BatchConfig {
        initial_capacity: 0,
        grow_limit: limit,
    });
    let value = [0u8; 97]; // record = 1 + 1 + 1 + 1 + 97 = 101 bytes
    let mut caps = Vec::new();
    for _ in 0..200 {
        let (len, cap) = (b.dump().len(), b.capacity());
        b.put(b"k", &value);
        if b.capacity() != cap {
            // Reallocated: at least len + record + min(len, limit), and
            // (for an exact allocator) not wildly more.
            let want = len + 101 + len.min(limit);
            assert!(b.capacity() >= want, "{} < {want}", b.capacity());
            assert!(b.capacity() <= 2 * want, "{} ≫ {want}", b.capacity());
            caps.push(b.capacity());
        }
    }
    // Early steps roughly double; late steps add about `limit`.
    let late: Vec<usize> = caps.windows(2).rev().take(3).map(|w| w[1] - w[0]).collect();
    for step in late {
        assert!(step <= 2 * (limit + 101), "late step {step}");
    }
}

#[test]
fn with_capacity_preallocates_and_reset_keeps_it() {
    let mut b = Batch::with_capacity(4096);
    assert!(b.capacity() >= 4096);
    for i in 0..50u32 {
        b.put(&i.to_le_bytes(), b"value");
    }
    let cap = b.capacity();
    b.reset();
    assert!(b.is_empty());
    assert_eq!((b.len(), b.internal_len(), b.dump().len()), (0, 0, 0));
    assert_eq!(b.capacity(), cap);
    assert!(b.get(0).is_none());
    assert_eq!(BatchConfig::default().grow_limit, DEFAULT_GROW_LIMIT);
}

#[test]
fn append_shifts_the_index() {
    let mut rng = Rng::new(11);
    for _ in 0..50 {
        let mut a = Batch::new();
        let mut b = Batch::new();
        for batch in [&mut a, &mut b] {
            for _ in 0..rng.below(5) {
                let klen = rng.skewed(6) as usize;
                let key = rng.bytes(klen);
                if rng.one_in(2) {
                    let (version, value) = (rng.next_u64(), rng.bytes(3));
                    batch.put_with_version(&key, version, &value);
                } else {
                    batch.delete(&key);
                }
            }
        }
        let mut joined = a.clone();
        joined.append(&b);
        assert_eq!(joined.len(), a.len() + b.len());
        assert_eq!(joined.internal_len(), a.internal_len() + b.internal_len());
        let want: Vec<BatchRecord<'_>> = a.iter().chain(b.iter()).collect();
        assert_eq!(joined.iter().collect::<Vec<_>>(), want);
        // The index agrees with a fresh parse of the joined data.
        let mut reloaded = Batch::new();
        reloaded.load(joined.dump()).unwrap();
        assert_eq!(reloaded.iter().collect::<Vec<_>>(), want);
    }
}

#[test]
fn failed_load_leaves_the_batch_empty() {
    let mut b = Batch::new();
    b.put(b"a", b"1");
    let mut good = b.dump().to_vec();
    good.push(9); // unknown type after a good record
    let err = b.load(&good).unwrap_err();
    assert!(err.is_corruption());
    assert!(err.to_string().contains("offset 5"), "{err}");
    assert!(b.is_empty());
    assert_eq!((b.internal_len(), b.dump().len()), (0, 0));
    b.load(&[]).unwrap();
    assert!(b.is_empty());
}

#[test]
fn get_iter_and_reverse_agree() {
    let mut b = Batch::new();
    for i in 0..10u8 {
        b.put_with_version(&[i], u64::from(i), &[i; 3]);
    }
    let fwd: Vec<_> = b.iter().collect();
    let mut rev: Vec<_> = b.iter().rev().collect();
    rev.reverse();
    assert_eq!(fwd, rev);
    assert_eq!(b.iter().len(), 10);
    for (i, r) in fwd.iter().enumerate() {
        assert_eq!(b.get(i), Some(*r));
    }
    assert_eq!(b.get(10), None);
    assert_eq!((&b).into_iter().count(), 10);
}

#[test]
fn debug_is_a_summary_and_equality_is_by_content() {
    let mut a = Batch::with_capacity(1 << 20);
    a.put(b"k", b"v");
    let s = format!("{a:?}");
    assert!(
        s.contains("records: 1") && s.contains("internal_len: 10"),
        "{s}"
    );
    let mut b = Batch::new();
    b.put(b"k", b"v");
    assert_eq!(a, b);
    b.put(b"k", b"v");
    assert_ne!(a, b);
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Batch>();
}
