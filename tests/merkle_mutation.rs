//! Encoded proofs of each kind — get found in the memdb, in a level-0 table
//! and in a deeper level; absent between keys, before the first, past the
//! last, deleted in the memdb and in a table; histories across layers —
//! mutated every way at the byte level: every byte flipped (xor 0x01 and
//! xor 0xff), every truncation, one and 33 bytes appended. None of them
//! verifies, and `verify_bytes` returns `Error::InvalidProof` rather than
//! panicking. Random byte strings (bare and behind a valid header) never
//! make the decoder panic either.

mod common;

use avccdb::merkle::{verify_bytes, Answer, Hash, Proof, Query};
use avccdb::util::random::Rng;
use avccdb::Error;
use common::proofs::{answer_of, layered_db, lkey, lmodel, LKEYS};
use common::{ro, TempDir};

const TAG: &str = "mut";

struct Case {
    name: &'static str,
    key: Vec<u8>,
    /// None: get at the latest version; Some: history in [min, max].
    range: Option<(u64, u64)>,
    bytes: Vec<u8>,
    answer: Answer,
}

impl Case {
    fn query(&self) -> Query<'_> {
        match self.range {
            None => Query::Get {
                key: &self.key,
                version: u64::MAX,
            },
            Some((min, max)) => Query::History {
                key: &self.key,
                min,
                max,
            },
        }
    }
}

fn cases() -> (TempDir, Hash, Vec<Case>) {
    let dir = TempDir::new("merkle-mutation");
    let (db, pause) = layered_db(dir.path(), TAG);
    let root = db.master_root(&ro()).unwrap();
    let gets: [(&str, Vec<u8>); 8] = [
        ("found in the memdb", lkey(3)),
        ("found in the level-0 table", lkey(2)),
        ("found in level 1", lkey(1)),
        ("absent between keys", b"key00000001a".to_vec()),
        ("absent before the first key", b"a".to_vec()),
        ("absent past the last key", lkey(LKEYS + 1)),
        ("deleted in the memdb", lkey(5)),
        ("deleted in the level-0 table", lkey(7)),
    ];
    let mut out = Vec::new();
    for (name, key) in gets {
        let p = db.get_with_proof(&key, u64::MAX, &ro()).unwrap();
        assert_eq!(p.root, root);
        if name.starts_with("found") {
            assert!(p.value.is_some(), "{name}");
        } else {
            assert!(p.value.is_none(), "{name}");
        }
        let number = key
            .strip_prefix(b"key")
            .and_then(|d| std::str::from_utf8(d).ok());
        if let Some(Ok(i)) = number.map(str::parse::<u64>) {
            assert_eq!(p.value, lmodel(i, u64::MAX, TAG), "{name}");
        }
        out.push(Case {
            name,
            answer: answer_of(p.value),
            bytes: p.proof.encode(),
            key,
            range: None,
        });
    }
    // Key 6: v3 in the memdb, v2 in the level-0 table, v1 in level 1; key
    // 15: v3 in the memdb, a tombstone at v4 there too, v1 in level 1.
    let histories: [(&str, u64, u64, u64); 3] = [
        ("history across three layers", 6, 0, u64::MAX),
        ("history of part of the versions", 6, 2, 3),
        ("history with a deleted version", 15, 1, 4),
    ];
    for (name, i, min, max) in histories {
        let key = lkey(i);
        let h = db
            .version_history_with_proof(&key, min, max, &ro())
            .unwrap();
        assert_eq!(h.root, root);
        assert!(!h.versions.is_empty(), "{name}");
        if i == 6 && max == u64::MAX {
            assert_eq!(h.versions.len(), 3, "{name}");
        }
        out.push(Case {
            name,
            answer: Answer::History(h.versions),
            bytes: h.proof.encode(),
            key,
            range: Some((min, max)),
        });
    }
    drop(pause);
    db.close().unwrap();
    (dir, root, out)
}

/// Must be rejected as a proof, and must not panic.
fn assert_fails(root: &Hash, case: &Case, bytes: &[u8], what: &str) {
    match verify_bytes(root, &case.query(), bytes) {
        Err(Error::InvalidProof(_)) => {}
        other => panic!("{}: {what} gave {other:?}", case.name),
    }
}

#[test]
fn every_byte_flip_truncation_and_extension_fails() {
    let (_dir, root, cases) = cases();
    let mut tried = 0u64;
    for case in &cases {
        // The intact proof verifies, decodes and re-encodes to itself.
        assert_eq!(
            verify_bytes(&root, &case.query(), &case.bytes).unwrap(),
            case.answer,
            "{}",
            case.name
        );
        assert_eq!(Proof::decode(&case.bytes).unwrap().encode(), case.bytes);
        let mut other_root = root;
        other_root[31] ^= 1;
        assert_fails(&other_root, case, &case.bytes, "another root");

        let mut bytes = case.bytes.clone();
        for i in 0..bytes.len() {
            for mask in [0x01u8, 0xff] {
                bytes[i] ^= mask;
                assert_fails(&root, case, &bytes, &format!("byte {i} xor {mask:#04x}"));
                bytes[i] ^= mask;
                tried += 1;
            }
        }
        for len in 0..case.bytes.len() {
            assert_fails(&root, case, &case.bytes[..len], &format!("cut at {len}"));
            tried += 1;
        }
        for extra in [1usize, 33] {
            for fill in [0x00u8, 0xa5] {
                let mut longer = case.bytes.clone();
                longer.resize(longer.len() + extra, fill);
                assert_fails(
                    &root,
                    case,
                    &longer,
                    &format!("{extra} bytes of {fill:#04x} added"),
                );
                tried += 1;
            }
        }
    }
    println!(
        "{} proofs ({} bytes in all), {tried} mutations rejected",
        cases.len(),
        cases.iter().map(|c| c.bytes.len()).sum::<usize>()
    );
}

#[test]
fn random_multi_byte_damage_fails() {
    let (_dir, root, cases) = cases();
    let mut rng = Rng::new(0x5eed);
    for case in &cases {
        for _ in 0..2000 {
            let mut bytes = case.bytes.clone();
            for _ in 0..rng.range(1, 6) {
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] = rng.below(256) as u8;
            }
            if bytes != case.bytes {
                assert_fails(&root, case, &bytes, "random bytes replaced");
            }
        }
    }
}

#[test]
fn decoding_random_bytes_never_panics() {
    let mut rng = Rng::new(7);
    let mut decoded = 0;
    for n in 0..30_000u64 {
        let len = rng.below(if n.is_multiple_of(10) { 2000 } else { 160 }) as usize;
        let mut bytes = rng.bytes(len);
        // Most behind a valid header so the decoder goes past the magic:
        // "AVCP", format 1, a known query kind, a small layer count, then
        // layers whose kind and body tags are mostly valid.
        if n % 4 != 0 {
            let mut head = b"AVCP\x01".to_vec();
            head.push(1 + (n % 2) as u8);
            head.extend_from_slice(&(rng.below(4) as u32).to_be_bytes());
            for _ in 0..rng.below(3) {
                head.push(1 + rng.below(3) as u8);
                head.push(rng.below(3) as u8);
                head.extend_from_slice(&rng.below(10).to_be_bytes());
                head.push(rng.below(3) as u8);
                if rng.one_in(2) {
                    head.extend_from_slice(&(1 + rng.below(5)).to_be_bytes());
                    head.extend_from_slice(&rng.below(3).to_be_bytes());
                    head.push(rng.below(4) as u8);
                }
            }
            head.extend_from_slice(&bytes);
            bytes = head;
        }
        if let Ok(p) = Proof::decode(&bytes) {
            decoded += 1;
            // Whatever decodes re-encodes to the same bytes, and verifies
            // to nothing against an arbitrary root.
            assert_eq!(p.encode(), bytes);
            let q = Query::Get {
                key: b"k",
                version: u64::MAX,
            };
            assert!(verify_bytes(&[7u8; 32], &q, &bytes).is_err());
        }
    }
    println!("{decoded} random inputs decoded");
}

/// A random, well-formed proof: small keys, versions and lists, so that
/// many lists fit their range proofs exactly and the verifier's rules
/// (brackets, skips, table ranges) run on arbitrary shapes.
fn random_proof(rng: &mut Rng) -> Proof {
    use avccdb::merkle::proof::{
        BlockSpan, LayerBody, LayerProof, RangeProof, Record, TableEntry, TableSpan,
    };
    use avccdb::merkle::{LayerKind, ProofKind};
    fn key(rng: &mut Rng) -> Vec<u8> {
        vec![b'a' + rng.below(4) as u8; 1 + rng.below(2) as usize]
    }
    fn records(rng: &mut Rng) -> Vec<Record> {
        let mut out: Vec<Record> = (0..1 + rng.below(4))
            .map(|_| {
                let kind = rng.below(2) as u8;
                Record {
                    key: key(rng),
                    version: rng.below(5),
                    kind,
                    value: if kind == 1 { rng.bytes(2) } else { Vec::new() },
                }
            })
            .collect();
        if rng.one_in(2) {
            out.sort_by(|a, b| a.key.cmp(&b.key).then(b.version.cmp(&a.version)));
        }
        out
    }
    fn range(rng: &mut Rng, count: usize) -> RangeProof {
        if rng.one_in(2) {
            return RangeProof {
                n: count as u64,
                first: 0,
                siblings: Vec::new(),
            };
        }
        let n = 1 + rng.below(9);
        RangeProof {
            n,
            first: rng.below(n),
            siblings: (0..rng.below(4))
                .map(|_| [rng.below(256) as u8; 32])
                .collect(),
        }
    }
    let kind = if rng.one_in(2) {
        ProofKind::Get
    } else {
        ProofKind::History
    };
    let layers = (0..1 + rng.below(4))
        .map(|_| {
            let lk =
                [LayerKind::Memdb, LayerKind::Level0Table, LayerKind::Level][rng.below(3) as usize];
            let level = match lk {
                LayerKind::Level => 1 + rng.below(7) as u8,
                _ => rng.below(2) as u8,
            };
            let body = match rng.below(3) {
                0 => LayerBody::Skipped {
                    root: [rng.below(256) as u8; 32],
                },
                1 => {
                    let records = records(rng);
                    LayerBody::Memdb {
                        range: range(rng, records.len()),
                        records,
                    }
                }
                _ => {
                    let entries: Vec<TableEntry> = (0..1 + rng.below(2))
                        .map(|_| {
                            let (mut smallest, mut largest) = (key(rng), key(rng));
                            if smallest > largest && rng.one_in(2) {
                                std::mem::swap(&mut smallest, &mut largest);
                            }
                            if rng.one_in(2) {
                                TableEntry::Opaque {
                                    smallest,
                                    largest,
                                    root: [rng.below(256) as u8; 32],
                                }
                            } else {
                                let spans: Vec<BlockSpan> = (0..1 + rng.below(2))
                                    .map(|_| {
                                        let records = records(rng);
                                        BlockSpan {
                                            range: range(rng, records.len()),
                                            records,
                                        }
                                    })
                                    .collect();
                                TableEntry::Opened {
                                    smallest,
                                    largest,
                                    table: TableSpan {
                                        blocks: range(rng, spans.len()),
                                        spans,
                                    },
                                }
                            }
                        })
                        .collect();
                    LayerBody::Tables {
                        range: range(rng, entries.len()),
                        entries,
                    }
                }
            };
            LayerProof {
                kind: lk,
                level,
                max_version: rng.below(6),
                body,
            }
        })
        .collect();
    Proof { kind, layers }
}

#[test]
fn random_well_formed_proofs_never_panic() {
    let mut rng = Rng::new(99);
    let (mut fitted, mut verified) = (0, 0);
    for _ in 0..20_000 {
        let p = random_proof(&mut rng);
        let bytes = p.encode();
        assert_eq!(Proof::decode(&bytes).unwrap(), p);
        let root = match common::proofs::try_master_root(&p) {
            Some(r) => {
                fitted += 1;
                r
            }
            None => [3u8; 32],
        };
        let key = vec![b'a' + rng.below(4) as u8; 1 + rng.below(2) as usize];
        let a = rng.below(5);
        let b = rng.below(5);
        let queries = [
            Query::Get {
                key: &key,
                version: if rng.one_in(3) { u64::MAX } else { a },
            },
            Query::History {
                key: &key,
                min: a.min(b),
                max: a.max(b),
            },
        ];
        for q in &queries {
            match verify_bytes(&root, q, &bytes) {
                Ok(_) => verified += 1,
                Err(Error::InvalidProof(_)) => {}
                Err(e) => panic!("unexpected error {e}"),
            }
        }
    }
    println!("{fitted} random proofs fit their range proofs, {verified} verified");
    assert!(fitted > 1000);
}
