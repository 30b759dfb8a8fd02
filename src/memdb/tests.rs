//! Unit tests of the memdb through its public API plus a few internals
//! (chunk accounting). Model-based and concurrency tests live in
//! `tests/memdb_model.rs` and `tests/memdb_concurrency.rs`.

use std::cmp::Ordering;
use std::sync::Arc;

use super::*;
use crate::iter::KvIter;
use crate::key::{
    lookup_key, make_internal_key, parse_internal_key, Comparator, InternalKeyComparator,
    TRAILER_LEN,
};
use crate::util::random::Rng;

const WORD: usize = std::mem::size_of::<usize>();

fn new_db(capacity: usize) -> Arc<MemDb> {
    Arc::new(MemDb::new(InternalKeyComparator::default(), capacity))
}

fn forward(db: &Arc<MemDb>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut it = db.iter();
    let mut out = Vec::new();
    it.seek_to_first();
    while it.valid() {
        out.push((it.key().to_vec(), it.value().to_vec()));
        it.next();
    }
    out
}

fn backward(db: &Arc<MemDb>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut it = db.iter();
    let mut out = Vec::new();
    it.seek_to_last();
    while it.valid() {
        out.push((it.key().to_vec(), it.value().to_vec()));
        it.prev();
    }
    out.reverse();
    out
}

#[test]
fn empty_memdb() {
    let db = new_db(1000);
    assert!(db.is_empty());
    assert_eq!(db.len(), 0);
    assert_eq!(db.seek_first_ge(b""), None);
    let mut it = db.iter();
    for step in 0..3 {
        match step {
            0 => it.seek_to_first(),
            1 => it.seek_to_last(),
            _ => it.seek(b"anything"),
        }
        assert!(!it.valid());
        assert_eq!(it.key(), b"");
        assert_eq!(it.value(), b"");
        it.next();
        it.prev();
        assert!(!it.valid());
        assert!(it.status().is_ok());
    }
    // Only the head node: a header and a full tower of links.
    assert_eq!(db.approximate_size(), 2 * WORD + 12 * WORD);
    assert_eq!(db.free(), 1000 - db.approximate_size());
    assert_eq!(db.capacity(), 1000);
}

#[test]
fn versions_and_sequences_order_newest_first() {
    let db = new_db(1 << 20);
    // Inserted out of order; expected order: user key asc, version desc,
    // sequence desc, value before deletion at equal sequence.
    let records = [
        (5, Kind::Value, &b"b"[..], 1),
        (9, Kind::Value, b"a", 2),
        (3, Kind::Deletion, b"a", 7),
        (4, Kind::Value, b"a", 7),
        (8, Kind::Deletion, b"a", 2),
        (8, Kind::Value, b"a", 2),
        (1, Kind::Value, b"ab", 0),
        (2, Kind::Value, b"a", u64::MAX),
    ];
    for &(seq, kind, user, version) in &records {
        db.add(
            seq,
            kind,
            user,
            version,
            format!("{seq}{kind:?}").as_bytes(),
        );
    }
    let got: Vec<_> = forward(&db)
        .iter()
        .map(|(k, v)| {
            let p = parse_internal_key(k).unwrap();
            assert_eq!(v, format!("{}{:?}", p.sequence, p.kind).as_bytes());
            (p.user_key.to_vec(), p.version, p.sequence, p.kind)
        })
        .collect();
    let want = vec![
        (b"a".to_vec(), u64::MAX, 2, Kind::Value),
        (b"a".to_vec(), 7, 4, Kind::Value),
        (b"a".to_vec(), 7, 3, Kind::Deletion),
        (b"a".to_vec(), 2, 9, Kind::Value),
        (b"a".to_vec(), 2, 8, Kind::Value),
        (b"a".to_vec(), 2, 8, Kind::Deletion),
        (b"ab".to_vec(), 0, 1, Kind::Value),
        (b"b".to_vec(), 1, 5, Kind::Value),
    ];
    assert_eq!(got, want);
    assert_eq!(backward(&db), forward(&db));

    // Lookup keys find the newest visible record.
    let (k, _) = db.seek_first_ge(&lookup_key(b"a", 7, 100)).unwrap();
    let p = parse_internal_key(&k).unwrap();
    assert_eq!((p.version, p.sequence), (7, 4));
    let (k, _) = db.seek_first_ge(&lookup_key(b"a", 7, 3)).unwrap();
    assert_eq!(parse_internal_key(&k).unwrap().sequence, 3);
    let (k, _) = db.seek_first_ge(&lookup_key(b"a", 6, 100)).unwrap();
    let p = parse_internal_key(&k).unwrap();
    assert_eq!((p.version, p.sequence), (2, 9));
    assert_eq!(db.seek_first_ge(&lookup_key(b"c", 0, 0)), None);
}

#[test]
fn add_encodes_like_make_internal_key() {
    let db = new_db(1 << 20);
    db.add(77, Kind::Deletion, b"user", 12, b"");
    db.insert(&make_internal_key(b"other", 3, 78, Kind::Value), b"v");
    let all = forward(&db);
    assert_eq!(all[0].0, make_internal_key(b"other", 3, 78, Kind::Value));
    assert_eq!(all[1].0, make_internal_key(b"user", 12, 77, Kind::Deletion));
}

#[test]
fn empty_keys_and_values() {
    let db = new_db(1 << 20);
    db.add(1, Kind::Value, b"", 0, b"");
    db.add(2, Kind::Value, b"", 0, b"x");
    db.add(3, Kind::Deletion, b"k", 0, b"");
    // Not a valid internal key: ordered as user key "" with a zero trailer,
    // so after every real record of "".
    db.insert(b"", b"raw-empty");
    let all = forward(&db);
    assert_eq!(all.len(), 4);
    assert_eq!(
        all[0],
        (make_internal_key(b"", 0, 2, Kind::Value), b"x".to_vec())
    );
    assert_eq!(
        all[1],
        (make_internal_key(b"", 0, 1, Kind::Value), Vec::new())
    );
    assert_eq!(all[2], (Vec::new(), b"raw-empty".to_vec()));
    assert_eq!(all[3].1, b"");
    assert_eq!(backward(&db), all);
    assert_eq!(db.seek_first_ge(b"").unwrap().1, b"raw-empty");
    assert_eq!(db.seek_first_ge(&lookup_key(b"", 0, 1)).unwrap().1, b"");
}

#[test]
fn large_values_get_their_own_chunks() {
    // Miri is slow: shrink everything (still far above a quarter chunk).
    let scale = if cfg!(miri) { 16 } else { 1 };
    let db = new_db((1 << 20) / scale);
    let mut rng = Rng::new(9);
    let mut expect = Vec::new();
    for (i, len) in [3 << 20, 100 << 10, 1, 5000, 2 << 20]
        .into_iter()
        .enumerate()
    {
        let value = rng.bytes(len);
        db.add(
            i as u64 + 1,
            Kind::Value,
            format!("k{i}").as_bytes(),
            0,
            &value,
        );
        expect.push(value);
    }
    let all = forward(&db);
    for (i, (k, v)) in all.iter().enumerate() {
        assert_eq!(
            parse_internal_key(k).unwrap().user_key,
            format!("k{i}").as_bytes()
        );
        assert_eq!(v, &expect[i]);
    }
    let payload: usize = expect.iter().map(Vec::len).sum();
    assert!(db.approximate_size() > payload);
    // Past the soft capacity: inserts still succeed, free() is 0.
    assert_eq!(db.free(), 0);
    // Big entries are not allocated inside doubling chunks: little waste.
    assert!(db.reserved_bytes() < db.approximate_size() + (64 << 10));
}

#[test]
fn size_accounting_tracks_every_insert() {
    let capacity = 64 << 10;
    let db = new_db(capacity);
    let mut rng = Rng::new(4);
    let mut last = db.approximate_size();
    let mut n = 0;
    while db.free() > 0 {
        let (key_len, value_len) = (rng.skewed(6) as usize, rng.skewed(8) as usize);
        let key = rng.bytes(key_len);
        let value = rng.bytes(value_len);
        let ikey_len = key.len() + TRAILER_LEN;
        db.add(n + 1, Kind::Value, &key, 0, &value);
        n += 1;
        let size = db.approximate_size();
        let grew = size - last;
        // Header, padded data, and a tower of 1..=12 links.
        let data = (ikey_len + value.len()).next_multiple_of(WORD);
        assert!(grew >= 2 * WORD + data + WORD, "grew {grew}");
        assert!(grew <= 2 * WORD + data + 12 * WORD, "grew {grew}");
        assert_eq!(db.free(), capacity.saturating_sub(size));
        assert_eq!(db.len(), n as usize);
        last = size;
    }
    assert!(db.approximate_size() >= capacity);
    assert!(db.reserved_bytes() >= db.approximate_size());
    assert_eq!(forward(&db).len(), n as usize);
}

#[test]
fn duplicate_keys_are_kept_latest_first() {
    let db = new_db(1 << 20);
    let k = make_internal_key(b"dup", 1, 1, Kind::Value);
    db.add(2, Kind::Value, b"a", 0, b"before");
    db.insert(&k, b"first");
    db.insert(&k, b"second");
    db.insert(&k, b"third");
    db.add(0, Kind::Value, b"z", 0, b"after");
    let values: Vec<_> = forward(&db).into_iter().map(|(_, v)| v).collect();
    assert_eq!(
        values,
        [&b"before"[..], b"third", b"second", b"first", b"after"]
    );
    assert_eq!(backward(&db), forward(&db));
    assert_eq!(db.seek_first_ge(&k).unwrap().1, b"third");
}

#[test]
fn cursor_edges_and_mixed_directions() {
    let db = new_db(1 << 20);
    for i in 0..100u64 {
        db.add(
            i,
            Kind::Value,
            format!("{:03}", i * 2).as_bytes(),
            0,
            &i.to_le_bytes(),
        );
    }
    let mut it = db.iter();
    it.seek_to_first();
    it.prev();
    assert!(!it.valid(), "prev from the first entry");
    it.seek_to_last();
    assert_eq!(parse_internal_key(it.key()).unwrap().user_key, b"198");
    it.next();
    assert!(!it.valid(), "next from the last entry");
    // Seek between keys lands on the next one; then zig-zag.
    it.seek(&lookup_key(b"051", u64::MAX, u64::MAX >> 8));
    assert_eq!(parse_internal_key(it.key()).unwrap().user_key, b"052");
    it.prev();
    assert_eq!(parse_internal_key(it.key()).unwrap().user_key, b"050");
    it.next();
    it.next();
    assert_eq!(parse_internal_key(it.key()).unwrap().user_key, b"054");
    assert_eq!(it.value(), 27u64.to_le_bytes());
    it.seek(b"999");
    assert!(!it.valid());
}

#[test]
fn cursor_sees_later_inserts_and_keeps_the_memdb_alive() {
    let db = new_db(1 << 20);
    db.add(1, Kind::Value, b"b", 0, b"1");
    let mut it = db.iter();
    it.seek_to_first();
    db.add(2, Kind::Value, b"c", 0, b"2");
    db.add(3, Kind::Value, b"a", 0, b"3");
    it.next();
    assert_eq!(
        it.value(),
        b"2",
        "an entry inserted after the cursor's position"
    );
    it.prev();
    it.prev();
    assert_eq!(
        it.value(),
        b"3",
        "an entry inserted before it, reached by prev"
    );
    let weak = Arc::downgrade(&db);
    drop(db);
    assert!(weak.upgrade().is_some(), "the cursor holds the memdb");
    it.seek_to_last();
    assert_eq!(it.value(), b"2");
    drop(it);
    assert!(weak.upgrade().is_none());
}

#[test]
fn is_send_sync_and_iter_is_send_static() {
    fn send_sync<T: Send + Sync>() {}
    fn send_static<T: Send + 'static>() {}
    send_sync::<MemDb>();
    send_static::<MemDbIter>();
    let it: Box<dyn KvIter + Send> = Box::new(new_db(10).iter());
    assert!(!it.valid());
}

#[test]
fn custom_user_comparator_is_respected() {
    struct Reverse;
    impl Comparator for Reverse {
        fn name(&self) -> &str {
            "test.Reverse"
        }
        fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
            b.cmp(a)
        }
    }
    let db = Arc::new(MemDb::new(
        InternalKeyComparator::new(Arc::new(Reverse)),
        1 << 20,
    ));
    for (i, k) in [b"m", b"a", b"z", b"q"].into_iter().enumerate() {
        db.add(i as u64, Kind::Value, k, 0, b"");
    }
    let users: Vec<_> = forward(&db)
        .iter()
        .map(|(k, _)| parse_internal_key(k).unwrap().user_key.to_vec())
        .collect();
    assert_eq!(users, [b"z", b"q", b"m", b"a"]);
    assert_eq!(backward(&db), forward(&db));
}

#[test]
fn ascending_runs_mixed_with_random_keys_stay_ordered_at_every_level() {
    // Ascending inserts take the tail fast path; random ones search. Every
    // key must then be found by a seek (which descends from the top level,
    // so a wrong upper-level link would skip nodes) and both directions of
    // iteration must give the sorted model.
    let db = new_db(1 << 24);
    let mut rng = Rng::new(11);
    let mut model = Vec::new();
    let mut next_ascending = 1_000_000u64;
    for round in 0..400u64 {
        let run = if round % 3 == 0 { 1 } else { 1 + rng.below(40) };
        for _ in 0..run {
            let key = if round % 3 == 0 {
                rng.below(1_000_000)
            } else {
                next_ascending += 1 + rng.below(3);
                next_ascending
            };
            let user = format!("{key:08}").into_bytes();
            let seq = model.len() as u64 + 1;
            db.add(seq, Kind::Value, &user, 0, &seq.to_le_bytes());
            model.push((
                make_internal_key(&user, 0, seq, Kind::Value),
                seq.to_le_bytes().to_vec(),
            ));
        }
    }
    let icmp = InternalKeyComparator::default();
    model.sort_by(|a, b| icmp.compare(&a.0, &b.0));
    assert_eq!(forward(&db), model);
    assert_eq!(backward(&db), model);
    for (k, v) in &model {
        assert_eq!(db.seek_first_ge(k), Some((k.clone(), v.clone())));
    }
}
