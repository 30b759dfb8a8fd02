//! Round trips of `Batch` through its public API against a plain model:
//! building, iterating, dump/load, append, replay, and the journal group
//! encoding with its sequence numbering.

use avccdb::batch::{
    decode_batch_header, decode_batches_with_header, encode_batches_with_header, Batch,
    BatchRecord, BatchVisitor, BATCH_HEADER_LEN,
};
use avccdb::key::{Kind, MAX_SEQUENCE};
use avccdb::util::random::Rng;

/// One operation as the model remembers it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Op {
    kind: Kind,
    key: Vec<u8>,
    value: Vec<u8>,
    version: Option<u64>,
}

impl Op {
    fn matches(&self, r: &BatchRecord<'_>) -> bool {
        r.kind == self.kind
            && r.key == &self.key[..]
            && r.value == &self.value[..]
            && r.versioned == self.version.is_some()
            && r.version == self.version.unwrap_or(0)
    }

    fn internal_len(&self) -> usize {
        self.key.len() + self.value.len() + 8 + if self.version.is_some() { 8 } else { 0 }
    }
}

fn random_version(rng: &mut Rng) -> u64 {
    match rng.below(4) {
        0 => 0,
        1 => u64::MAX,
        _ => rng.next_u64() >> rng.below(64),
    }
}

fn random_op(rng: &mut Rng) -> Op {
    let klen = rng.skewed(8) as usize;
    let key = rng.bytes(klen);
    let kind = if rng.one_in(3) {
        Kind::Deletion
    } else {
        Kind::Value
    };
    let value = match kind {
        Kind::Deletion => Vec::new(),
        Kind::Value if rng.one_in(50) => {
            let vlen = rng.range(100_000, 300_000) as usize;
            rng.bytes(vlen)
        }
        Kind::Value => {
            let vlen = rng.skewed(10) as usize;
            rng.bytes(vlen)
        }
    };
    let version = if rng.one_in(2) {
        Some(random_version(rng))
    } else {
        None
    };
    Op {
        kind,
        key,
        value,
        version,
    }
}

fn apply(batch: &mut Batch, op: &Op) {
    match (op.kind, op.version) {
        (Kind::Value, None) => batch.put(&op.key, &op.value),
        (Kind::Value, Some(v)) => batch.put_with_version(&op.key, v, &op.value),
        (Kind::Deletion, None) => batch.delete(&op.key),
        (Kind::Deletion, Some(v)) => batch.delete_with_version(&op.key, v),
    }
}

fn random_ops(rng: &mut Rng, max: u64) -> Vec<Op> {
    (0..rng.below(max + 1)).map(|_| random_op(rng)).collect()
}

fn build(ops: &[Op]) -> Batch {
    let mut b = Batch::new();
    for op in ops {
        apply(&mut b, op);
    }
    b
}

fn assert_matches(batch: &Batch, ops: &[Op]) {
    assert_eq!(batch.len(), ops.len());
    assert_eq!(batch.is_empty(), ops.is_empty());
    assert_eq!(batch.iter().len(), ops.len());
    for (i, (rec, op)) in batch.iter().zip(ops).enumerate() {
        assert!(op.matches(&rec), "record {i}: {rec:?} vs {op:?}");
        assert_eq!(batch.get(i), Some(rec));
    }
    assert!(batch.get(ops.len()).is_none());
    let want: usize = ops.iter().map(Op::internal_len).sum();
    assert_eq!(batch.internal_len(), want);
}

#[test]
fn random_batches_match_the_model_and_survive_dump_load() {
    let mut rng = Rng::new(0xba7c);
    for _ in 0..300 {
        let ops = random_ops(&mut rng, 40);
        let batch = build(&ops);
        assert_matches(&batch, &ops);
        assert!(batch.capacity() >= batch.dump().len());

        let mut loaded = Batch::with_capacity(rng.below(100) as usize);
        loaded.put(b"stale", b"contents are replaced");
        loaded.load(batch.dump()).unwrap();
        assert_matches(&loaded, &ops);
        assert_eq!(loaded.dump(), batch.dump());
        assert_eq!(loaded, batch);
    }
}

#[derive(Default)]
struct Recorder(Vec<Op>);

impl BatchVisitor for Recorder {
    fn put(&mut self, key: &[u8], value: &[u8], version: Option<u64>) {
        self.0.push(Op {
            kind: Kind::Value,
            key: key.to_vec(),
            value: value.to_vec(),
            version,
        });
    }

    fn delete(&mut self, key: &[u8], version: Option<u64>) {
        self.0.push(Op {
            kind: Kind::Deletion,
            key: key.to_vec(),
            value: Vec::new(),
            version,
        });
    }
}

#[test]
fn replay_visits_records_in_insertion_order() {
    let mut rng = Rng::new(7);
    for _ in 0..100 {
        let ops = random_ops(&mut rng, 30);
        let mut rec = Recorder::default();
        build(&ops).replay(&mut rec).unwrap();
        assert_eq!(rec.0, ops);
    }
}

#[test]
fn append_equals_building_the_concatenation() {
    let mut rng = Rng::new(99);
    for _ in 0..60 {
        let mut all = Vec::new();
        let mut joined = Batch::with_capacity(rng.below(64) as usize);
        for _ in 0..rng.range(1, 6) {
            let ops = random_ops(&mut rng, 10);
            joined.append(&build(&ops));
            all.extend(ops);
        }
        assert_matches(&joined, &all);
        assert_eq!(joined.dump(), build(&all).dump());
    }
}

#[test]
fn versions_zero_and_max_stay_distinct_from_unversioned() {
    let mut b = Batch::new();
    b.put(b"k", b"v");
    b.put_with_version(b"k", 0, b"v");
    b.put_with_version(b"k", u64::MAX, b"v");
    b.delete(b"k");
    b.delete_with_version(b"k", 0);
    b.delete_with_version(b"k", u64::MAX);
    let mut loaded = Batch::new();
    loaded.load(b.dump()).unwrap();
    let got: Vec<(Kind, u64, bool)> = loaded
        .iter()
        .map(|r| (r.kind, r.version, r.versioned))
        .collect();
    assert_eq!(
        got,
        [
            (Kind::Value, 0, false),
            (Kind::Value, 0, true),
            (Kind::Value, u64::MAX, true),
            (Kind::Deletion, 0, false),
            (Kind::Deletion, 0, true),
            (Kind::Deletion, u64::MAX, true),
        ]
    );
    assert_eq!(loaded.internal_len(), 10 + 18 + 18 + 9 + 17 + 17);
}

#[test]
fn empty_keys_values_and_a_large_value() {
    let big: Vec<u8> = (0..(3 << 20) + 17).map(|i| (i % 251) as u8).collect();
    let mut b = Batch::new();
    b.put(b"", b"");
    b.put(b"", &big);
    b.delete(b"");
    let mut loaded = Batch::new();
    loaded.load(b.dump()).unwrap();
    assert_eq!(loaded.len(), 3);
    let r = loaded.get(1).unwrap();
    assert_eq!((r.key, r.value.len()), (&b""[..], big.len()));
    assert_eq!(r.value, &big[..]);
    assert_eq!(loaded.get(0).unwrap().value, b"");
    assert_eq!(loaded.internal_len(), 8 + big.len() + 8 + 8);
}

#[test]
fn reset_batch_reuses_its_buffer_and_encodes_identically() {
    let mut rng = Rng::new(5);
    let mut reused = Batch::new();
    for _ in 0..50 {
        let ops = random_ops(&mut rng, 20);
        reused.reset();
        let cap = reused.capacity();
        for op in &ops {
            apply(&mut reused, op);
        }
        assert!(reused.capacity() >= cap);
        assert_matches(&reused, &ops);
        assert_eq!(reused.dump(), build(&ops).dump());
    }
}

#[test]
fn group_encoding_round_trips_one_to_n_batches() {
    let mut rng = Rng::new(0x6a0);
    let mut buf = Vec::new();
    for n in 1..=12 {
        for _ in 0..10 {
            let op_lists: Vec<Vec<Op>> = (0..n).map(|_| random_ops(&mut rng, 8)).collect();
            let batches: Vec<Batch> = op_lists.iter().map(|ops| build(ops)).collect();
            let refs: Vec<&Batch> = batches.iter().collect();
            let count: u64 = op_lists.iter().map(|ops| ops.len() as u64).sum();
            // Sometimes right at the top of the sequence space.
            let first = if rng.one_in(4) {
                MAX_SEQUENCE + 1 - count.max(1)
            } else {
                rng.below(MAX_SEQUENCE - 1000)
            };
            encode_batches_with_header(&mut buf, first, &refs).unwrap();

            let all: Vec<Op> = op_lists.concat();
            let body: usize = batches.iter().map(|b| b.dump().len()).sum();
            assert_eq!(buf.len(), BATCH_HEADER_LEN + body);
            assert_eq!(
                decode_batch_header(&buf).unwrap(),
                (first, all.len() as u32)
            );

            let mut i = 0;
            let got = decode_batches_with_header(&buf, |seq, rec| {
                assert_eq!(seq, first + i as u64);
                assert!(all[i].matches(&rec), "record {i}");
                i += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(got, (first, all.len() as u32));
            assert_eq!(i, all.len());
        }
    }
}

#[test]
fn group_count_mismatch_is_rejected_before_any_visit() {
    let mut rng = Rng::new(12);
    let mut buf = Vec::new();
    for _ in 0..50 {
        let mut ops = random_ops(&mut rng, 10);
        ops.push(random_op(&mut rng));
        let batch = build(&ops);
        encode_batches_with_header(&mut buf, 1, &[&batch]).unwrap();
        let count = ops.len() as u32;
        for wrong in [count - 1, count + 1, 0, u32::MAX] {
            let mut bad = buf.clone();
            bad[8..12].copy_from_slice(&wrong.to_le_bytes());
            let mut visited = false;
            let err = decode_batches_with_header(&bad, |_, _| {
                visited = true;
                Ok(())
            })
            .unwrap_err();
            assert!(err.is_corruption(), "{err}");
            assert!(err.to_string().contains("records"), "{err}");
            assert!(!visited);
        }
    }
}
