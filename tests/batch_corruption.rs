//! Damaged batch data and damaged journal groups: every truncation, many
//! byte flips, plain garbage. Each result is `Error::Corruption` (with the
//! batch left empty / the visitor never called) or a parse that is
//! internally consistent — never a panic.

use avccdb::batch::{decode_batches_with_header, encode_batches_with_header, Batch, BatchRecord};
use avccdb::key::Kind;
use avccdb::util::random::Rng;

fn random_batch(rng: &mut Rng, max_records: u64) -> Batch {
    let mut b = Batch::new();
    for _ in 0..rng.range(1, max_records) {
        let klen = rng.skewed(7) as usize;
        let key = rng.bytes(klen);
        let vlen = rng.skewed(9) as usize;
        let value = rng.bytes(vlen);
        match rng.below(4) {
            0 => b.put(&key, &value),
            1 => b.delete(&key),
            2 => b.put_with_version(&key, rng.next_u64(), &value),
            _ => b.delete_with_version(&key, rng.next_u64()),
        }
    }
    b
}

/// Appends a copy of `r` to `b` through the public API.
fn push_record(b: &mut Batch, r: BatchRecord<'_>) {
    match (r.kind, r.versioned) {
        (Kind::Value, false) => b.put(r.key, r.value),
        (Kind::Value, true) => b.put_with_version(r.key, r.version, r.value),
        (Kind::Deletion, false) => b.delete(r.key),
        (Kind::Deletion, true) => b.delete_with_version(r.key, r.version),
    }
}

/// Checks what a successful `load` of `input` must satisfy, by rebuilding
/// the records through the public API and reloading them.
fn assert_consistent(loaded: &Batch, input: &[u8]) {
    assert_eq!(loaded.dump(), input, "load keeps the bytes verbatim");
    let mut rebuilt = Batch::new();
    for r in loaded.iter() {
        push_record(&mut rebuilt, r);
        assert!(r.versioned || r.version == 0);
        assert!(r.kind == Kind::Value || r.value.is_empty());
    }
    assert_eq!(rebuilt.len(), loaded.len());
    assert_eq!(rebuilt.internal_len(), loaded.internal_len());
    // Non-minimal varints may make the bytes differ, never the records.
    assert!(rebuilt.dump().len() <= input.len());
    assert!(rebuilt.iter().eq(loaded.iter()));
}

/// Loads `input`; on error checks the contract of a failed load.
fn load_checked(batch: &mut Batch, input: &[u8]) -> bool {
    match batch.load(input) {
        Ok(()) => {
            assert_consistent(batch, input);
            true
        }
        Err(e) => {
            assert!(e.is_corruption(), "{e}");
            assert!(e.to_string().contains("offset"), "{e}");
            assert!(batch.is_empty() && batch.dump().is_empty());
            assert_eq!(batch.internal_len(), 0);
            false
        }
    }
}

#[test]
fn every_truncation_of_a_dump_is_an_error_or_a_record_prefix() {
    let mut rng = Rng::new(0x7e);
    let mut scratch = Batch::new();
    for _ in 0..40 {
        let batch = random_batch(&mut rng, 12);
        let data = batch.dump();
        // Record boundaries: where a prefix of the records ends.
        let mut boundaries = vec![0];
        let mut acc = Batch::new();
        for i in 0..batch.len() {
            let r = batch.get(i).unwrap();
            push_record(&mut acc, r);
            boundaries.push(acc.dump().len());
        }
        for cut in 0..data.len() {
            let ok = load_checked(&mut scratch, &data[..cut]);
            let at = boundaries.iter().position(|&b| b == cut);
            assert_eq!(ok, at.is_some(), "cut at {cut}");
            if let Some(n) = at {
                assert!(scratch.iter().eq(batch.iter().take(n)));
            }
        }
    }
}

#[test]
fn byte_flips_of_a_dump_never_panic() {
    let mut rng = Rng::new(0xf11b);
    let mut scratch = Batch::new();
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..200 {
        let batch = random_batch(&mut rng, 8);
        let mut data = batch.dump().to_vec();
        for _ in 0..20 {
            let i = rng.below(data.len() as u64) as usize;
            let old = data[i];
            data[i] = if rng.one_in(2) {
                old ^ (1 << rng.below(8))
            } else {
                rng.next_u64() as u8
            };
            if load_checked(&mut scratch, &data) {
                ok += 1;
            } else {
                bad += 1;
            }
            data[i] = old;
        }
    }
    // Both outcomes occur: flips inside keys/values keep the data valid.
    assert!(ok > 100 && bad > 100, "ok {ok} bad {bad}");
}

#[test]
fn garbage_loads_never_panic() {
    let mut rng = Rng::new(0x9a9);
    let mut scratch = Batch::new();
    for _ in 0..3000 {
        let len = rng.skewed(10) as usize;
        let mut data = rng.bytes(len);
        if rng.one_in(2) {
            // Bias towards valid type bytes so parsing goes deeper.
            for b in data.iter_mut().step_by(3) {
                *b &= 3;
            }
        }
        load_checked(&mut scratch, &data);
    }
    for data in [
        &[0x80u8; 64][..],
        &[1, 0xff, 0xff, 0xff, 0xff, 0x0f],
        &[4],
        &[0xff],
    ] {
        assert!(!load_checked(&mut scratch, data));
    }
}

/// Decodes a group; on success checks that the visitor saw `count`
/// consecutive sequences, on failure that it saw nothing.
fn decode_checked(record: &[u8]) -> bool {
    let mut seqs = Vec::new();
    match decode_batches_with_header(record, |seq, r| {
        assert!(r.versioned || r.version == 0);
        seqs.push(seq);
        Ok(())
    }) {
        Ok((first, count)) => {
            let want: Vec<u64> = (0..u64::from(count)).map(|i| first + i).collect();
            assert_eq!(seqs, want);
            assert!(want.last().is_none_or(|&s| s <= avccdb::key::MAX_SEQUENCE));
            true
        }
        Err(e) => {
            assert!(e.is_corruption(), "{e}");
            assert!(
                seqs.is_empty(),
                "visited {} records of a bad group",
                seqs.len()
            );
            false
        }
    }
}

fn random_group(rng: &mut Rng, buf: &mut Vec<u8>) {
    let batches: Vec<Batch> = (0..rng.range(1, 4)).map(|_| random_batch(rng, 5)).collect();
    let refs: Vec<&Batch> = batches.iter().collect();
    encode_batches_with_header(buf, rng.below(1 << 40), &refs).unwrap();
}

#[test]
fn every_truncation_of_a_group_is_rejected_unvisited() {
    let mut rng = Rng::new(0x6e0);
    let mut buf = Vec::new();
    for _ in 0..40 {
        random_group(&mut rng, &mut buf);
        assert!(decode_checked(&buf));
        for cut in 0..buf.len() {
            assert!(
                !decode_checked(&buf[..cut]),
                "cut at {cut} of {}",
                buf.len()
            );
        }
    }
}

#[test]
fn byte_flips_of_a_group_are_rejected_or_fully_valid() {
    let mut rng = Rng::new(0xf1a);
    let mut buf = Vec::new();
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..200 {
        random_group(&mut rng, &mut buf);
        for _ in 0..20 {
            let i = rng.below(buf.len() as u64) as usize;
            let old = buf[i];
            buf[i] = old ^ (1u8 << rng.below(8));
            let valid = decode_checked(&buf);
            if (8..12).contains(&i) {
                assert!(!valid, "a changed count can never match the body");
            }
            if valid {
                ok += 1;
            } else {
                bad += 1;
            }
            buf[i] = old;
        }
    }
    assert!(ok > 100 && bad > 100, "ok {ok} bad {bad}");
}

#[test]
fn garbage_groups_never_panic() {
    let mut rng = Rng::new(0x9a);
    for _ in 0..3000 {
        let len = rng.skewed(9) as usize;
        let mut data = rng.bytes(len);
        if data.len() >= 12 && rng.one_in(2) {
            // A plausible header: small count, small sequence.
            data[8..12].copy_from_slice(&(rng.below(4) as u32).to_le_bytes());
            data[7] = 0;
        }
        decode_checked(&data);
    }
}
