//! The memdb against a `BTreeMap` model ordered by the same
//! `InternalKeyComparator`: seeded random inserts, then iteration in both
//! directions, seeks to random targets, `seek_first_ge`, and random walks
//! that mix `next` and `prev`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, LazyLock};

use avccdb::iter::KvIter;
use avccdb::key::{lookup_key, make_internal_key, Comparator, InternalKeyComparator, Kind};
use avccdb::memdb::MemDb;
use avccdb::util::random::Rng;

static CMP: LazyLock<InternalKeyComparator> = LazyLock::new(InternalKeyComparator::default);

/// A model key ordered by the internal key comparator.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key(Vec<u8>);

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        CMP.compare(&self.0, &other.0)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

type Model = BTreeMap<Key, Vec<u8>>;

/// Small alphabets and short keys so that user keys repeat with many
/// versions and sequences, and share prefixes.
fn random_user_key(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(5) as usize;
    (0..len).map(|_| b'a' + rng.below(4) as u8).collect()
}

fn random_value(rng: &mut Rng) -> Vec<u8> {
    let len = rng.skewed(10) as usize;
    rng.bytes(len)
}

fn build(seed: u64, n: usize) -> (Arc<MemDb>, Model) {
    let mut rng = Rng::new(seed);
    let db = Arc::new(MemDb::new(CMP.clone(), 1 << 20));
    let mut model = Model::new();
    let mut seq = 0;
    for _ in 0..n {
        seq += 1 + rng.below(3);
        let user = random_user_key(&mut rng);
        let version = if rng.one_in(3) {
            rng.next_u64()
        } else {
            rng.below(4)
        };
        let kind = if rng.one_in(4) {
            Kind::Deletion
        } else {
            Kind::Value
        };
        let value = random_value(&mut rng);
        if rng.one_in(2) {
            db.add(seq, kind, &user, version, &value);
        } else {
            db.insert(&make_internal_key(&user, version, seq, kind), &value);
        }
        model.insert(Key(make_internal_key(&user, version, seq, kind)), value);
    }
    (db, model)
}

fn random_target(rng: &mut Rng) -> Vec<u8> {
    let user = random_user_key(rng);
    match rng.below(4) {
        0 => lookup_key(&user, rng.below(5), rng.below(2000)),
        1 => make_internal_key(&user, rng.next_u64(), rng.below(2000), Kind::Deletion),
        2 => user, // shorter than a trailer: still totally ordered
        _ => lookup_key(&user, u64::MAX, (1 << 56) - 1),
    }
}

fn model_ge<'a>(model: &'a Model, target: &[u8]) -> Option<(&'a Key, &'a Vec<u8>)> {
    model
        .range((Bound::Included(Key(target.to_vec())), Bound::Unbounded))
        .next()
}

#[test]
fn iteration_matches_the_model_both_ways() {
    for seed in 1..=4 {
        let (db, model) = build(seed, 3000);
        assert_eq!(db.len(), model.len());
        let mut it = db.iter();
        it.seek_to_first();
        for (k, v) in &model {
            assert!(it.valid(), "seed {seed}: memdb ended early");
            assert_eq!(it.key(), &k.0[..]);
            assert_eq!(it.value(), &v[..]);
            it.next();
        }
        assert!(!it.valid());
        it.seek_to_last();
        for (k, v) in model.iter().rev() {
            assert!(it.valid(), "seed {seed}: memdb ended early backwards");
            assert_eq!(it.key(), &k.0[..]);
            assert_eq!(it.value(), &v[..]);
            it.prev();
        }
        assert!(!it.valid());
    }
}

#[test]
fn seeks_match_the_model() {
    let (db, model) = build(7, 4000);
    let mut rng = Rng::new(70);
    let mut it = db.iter();
    for _ in 0..5000 {
        let target = random_target(&mut rng);
        let want = model_ge(&model, &target);
        let got = db.seek_first_ge(&target);
        assert_eq!(
            got.as_ref().map(|(k, v)| (k.as_slice(), v.as_slice())),
            want.map(|(k, v)| (k.0.as_slice(), v.as_slice())),
            "seek_first_ge {target:?}"
        );
        it.seek(&target);
        match want {
            Some((k, v)) => {
                assert!(it.valid());
                assert_eq!((it.key(), it.value()), (&k.0[..], &v[..]));
            }
            None => assert!(!it.valid()),
        }
    }
    // Seeking to every stored key finds exactly it.
    for (k, v) in &model {
        it.seek(&k.0);
        assert_eq!((it.key(), it.value()), (&k.0[..], &v[..]));
    }
}

#[test]
fn random_walks_mixing_next_and_prev_match_the_model() {
    let (db, model) = build(11, 2000);
    let entries: Vec<_> = model.iter().collect();
    let mut rng = Rng::new(110);
    let mut it = db.iter();
    let mut pos: Option<usize> = None;
    for _ in 0..20_000 {
        match rng.below(10) {
            0 => {
                it.seek_to_first();
                pos = (!entries.is_empty()).then_some(0);
            }
            1 => {
                it.seek_to_last();
                pos = entries.len().checked_sub(1);
            }
            2 => {
                let target = random_target(&mut rng);
                it.seek(&target);
                pos = Some(
                    entries.partition_point(|(k, _)| CMP.compare(&k.0, &target) == Ordering::Less),
                )
                .filter(|&p| p < entries.len());
            }
            3..=6 => {
                if pos.is_some() {
                    it.next();
                    pos = pos.map(|p| p + 1).filter(|&p| p < entries.len());
                }
            }
            _ => {
                if pos.is_some() {
                    it.prev();
                    pos = pos.and_then(|p| p.checked_sub(1));
                }
            }
        }
        match pos {
            Some(p) => {
                assert!(it.valid());
                assert_eq!(it.key(), &entries[p].0 .0[..]);
                assert_eq!(it.value(), &entries[p].1[..]);
            }
            None => assert!(!it.valid()),
        }
    }
}

#[test]
fn sequential_and_reverse_insert_orders_give_the_same_list() {
    // Ascending and descending insert orders exercise the extremes of the
    // search (always appending, always prepending).
    let keys: Vec<_> = (0..3000u64)
        .map(|i| make_internal_key(format!("key{i:06}").as_bytes(), 0, i, Kind::Value))
        .collect();
    let up = Arc::new(MemDb::new(CMP.clone(), 1 << 20));
    let down = Arc::new(MemDb::new(CMP.clone(), 1 << 20));
    for k in &keys {
        up.insert(k, k);
    }
    for k in keys.iter().rev() {
        down.insert(k, k);
    }
    for db in [&up, &down] {
        let mut it = db.iter();
        it.seek_to_first();
        for k in &keys {
            assert_eq!((it.key(), it.value()), (&k[..], &k[..]));
            it.next();
        }
        assert!(!it.valid());
    }
    assert_eq!(up.approximate_size(), down.approximate_size());
}
