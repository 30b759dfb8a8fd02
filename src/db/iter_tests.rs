//! DbIter against a model: records with random versions, sequences and
//! tombstones, read at random snapshots, in both modes, with bounds.

use std::collections::BTreeMap;

use super::*;
use crate::iter::VecIter;
use crate::key::{make_internal_key, BytewiseComparator, InternalKeyComparator};
use crate::util::random::Rng;

struct Record {
    key: Vec<u8>,
    version: u64,
    seq: u64,
    kind: Kind,
    value: Vec<u8>,
}

fn random_records(rng: &mut Rng, n: usize) -> Vec<Record> {
    (0..n)
        .map(|i| Record {
            key: vec![b'a' + rng.below(8) as u8],
            version: rng.below(4),
            seq: i as u64 + 1,
            kind: if rng.one_in(4) {
                Kind::Deletion
            } else {
                Kind::Value
            },
            value: format!("v{i}").into_bytes(),
        })
        .collect()
}

fn build(records: &[Record], seq: u64, spec: IterSpec) -> DbIter {
    let icmp = InternalKeyComparator::default();
    let mut entries: Vec<(Vec<u8>, Vec<u8>)> = records
        .iter()
        .map(|r| {
            (
                make_internal_key(&r.key, r.version, r.seq, r.kind),
                r.value.clone(),
            )
        })
        .collect();
    entries.sort_by(|a, b| icmp.compare(&a.0, &b.0));
    let inner = VecIter::new(entries, Arc::new(icmp));
    DbIter::new(Box::new(inner), Arc::new(BytewiseComparator), seq, spec)
}

/// (key, version, value) the iterator must yield, in order.
fn model(records: &[Record], seq: u64, spec: &IterSpec) -> Vec<(Vec<u8>, u64, Vec<u8>)> {
    // Newest visible record per (key, version).
    let mut newest: BTreeMap<(Vec<u8>, std::cmp::Reverse<u64>), &Record> = BTreeMap::new();
    for r in records.iter().filter(|r| r.seq <= seq) {
        let slot = newest
            .entry((r.key.clone(), std::cmp::Reverse(r.version)))
            .or_insert(r);
        if r.seq > slot.seq {
            *slot = r;
        }
    }
    let mut out = Vec::new();
    let mut last_key: Option<Vec<u8>> = None;
    for ((key, _), r) in newest {
        if let Some(l) = &spec.lower_bound {
            if &key < l {
                continue;
            }
        }
        if let Some(u) = &spec.upper_bound {
            if &key >= u {
                continue;
            }
        }
        if !spec.all_versions {
            if last_key.as_ref() == Some(&key) {
                continue; // only the highest version decides
            }
            last_key = Some(key.clone());
        }
        match r.kind {
            Kind::Value => out.push((key, r.version, r.value.clone())),
            Kind::Deletion if spec.include_tombstones => {
                out.push((key, r.version, TOMBSTONE.to_vec()))
            }
            Kind::Deletion => {}
        }
    }
    out
}

/// Stands for a tombstone's value in the expected and yielded entries.
const TOMBSTONE: &[u8] = b"<tombstone>";

fn current(it: &DbIter) -> (Vec<u8>, u64, Vec<u8>) {
    let value = if it.is_deletion() {
        TOMBSTONE.to_vec()
    } else {
        it.value().to_vec()
    };
    (it.key().to_vec(), it.version(), value)
}

fn random_spec(rng: &mut Rng) -> IterSpec {
    let bound = |rng: &mut Rng| (rng.one_in(3)).then(|| vec![b'a' + rng.below(9) as u8]);
    IterSpec {
        all_versions: rng.one_in(2),
        lower_bound: bound(rng),
        upper_bound: bound(rng),
        include_tombstones: rng.one_in(2),
    }
}

#[test]
fn full_scans_match_the_model_in_both_directions() {
    let mut rng = Rng::new(31);
    for round in 0..400 {
        let n = rng.below(40) as usize;
        let records = random_records(&mut rng, n);
        let seq = rng.below(n as u64 + 2);
        let spec = random_spec(&mut rng);
        let want = model(&records, seq, &spec);
        let mut it = build(&records, seq, spec);
        let mut got = Vec::new();
        it.seek_to_first();
        while it.valid() {
            got.push(current(&it));
            it.next();
        }
        assert_eq!(got, want, "forward, round {round}");
        let mut back = Vec::new();
        it.seek_to_last();
        while it.valid() {
            back.push(current(&it));
            it.prev();
        }
        back.reverse();
        assert_eq!(back, want, "backward, round {round}");
        assert!(it.status().is_ok());
    }
}

#[test]
fn seeks_and_direction_changes_match_the_model() {
    let mut rng = Rng::new(32);
    for round in 0..400 {
        let n = rng.below(40) as usize;
        let records = random_records(&mut rng, n);
        let seq = rng.below(n as u64 + 2);
        let spec = random_spec(&mut rng);
        let want = model(&records, seq, &spec);
        let mut it = build(&records, seq, spec.clone());
        let target = vec![b'a' + rng.below(9) as u8];
        it.seek(&target);
        let effective = match &spec.lower_bound {
            Some(l) if &target < l => l.clone(),
            _ => target,
        };
        let mut pos = want.partition_point(|(k, _, _)| k < &effective);
        for step in 0..20 {
            match want.get(pos) {
                Some(e) => assert_eq!(&current(&it), e, "round {round} step {step}"),
                None => {
                    assert!(!it.valid(), "round {round} step {step}");
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
fn corrupt_internal_key_is_reported() {
    let icmp: Arc<dyn Comparator> = Arc::new(InternalKeyComparator::default());
    let inner = VecIter::new(vec![(b"short".to_vec(), b"v".to_vec())], icmp);
    let mut it = DbIter::new(
        Box::new(inner),
        Arc::new(BytewiseComparator),
        10,
        IterSpec::default(),
    );
    it.seek_to_first();
    assert!(!it.valid());
    assert!(it.status().unwrap_err().is_corruption());
}
