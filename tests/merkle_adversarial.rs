//! Proofs that must not verify: an older version shown as the latest, a
//! proof from before a delete, a proof checked for another key, version,
//! value or database, a layer skipped where it could hold the answer, a
//! span without its bracketing record, layers swapped or dropped.
//!
//! The hand-edited proofs keep every Merkle path valid — the edited proof
//! still leads to the database's root (checked with the independent
//! recomputation in `common::proofs`) — so what rejects them is the
//! verifier's completeness and freshness rules, not a hash mismatch.

mod common;

use avccdb::merkle::proof::{LayerBody, Record};
use avccdb::merkle::{verify, verify_bytes, Answer, Hash, LayerKind, Proof, Query};
use avccdb::{Db, Error};
use common::proofs::{
    answer_of, drop_memdb_record, drop_table_record, layered_db, lkey, lmodel, master_root,
    opened_table, records_mut, rejected, skip, LKEYS,
};
use common::{ro, wo, TempDir};

const TAG: &str = "main";

fn root_of(db: &Db) -> Hash {
    db.master_root(&ro()).unwrap()
}

fn get_proof(db: &Db, root: &Hash, key: &[u8], version: u64) -> Proof {
    let p = db.get_with_proof(key, version, &ro()).unwrap();
    assert_eq!(&p.root, root);
    let q = Query::Get { key, version };
    assert_eq!(verify(root, &q, &p.proof).unwrap(), answer_of(p.value));
    p.proof
}

fn history_proof(db: &Db, root: &Hash, key: &[u8], min: u64, max: u64) -> Proof {
    let p = db.version_history_with_proof(key, min, max, &ro()).unwrap();
    assert_eq!(&p.root, root);
    let q = Query::History { key, min, max };
    assert_eq!(
        verify(root, &q, &p.proof).unwrap(),
        Answer::History(p.versions)
    );
    p.proof
}

/// Rejected as a proof (`Error::InvalidProof`), both as a value and as
/// bytes; returns the verifier's message.
fn assert_rejected(root: &Hash, q: &Query<'_>, proof: &Proof, what: &str) -> String {
    let r = verify(root, q, proof);
    assert!(rejected(&r), "{what}: {r:?}");
    let b = verify_bytes(root, q, &proof.encode());
    assert!(rejected(&b), "{what} (bytes): {b:?}");
    match r {
        Err(Error::InvalidProof(m)) => m,
        _ => unreachable!(),
    }
}

#[test]
fn older_version_presented_as_latest_fails() {
    let dir = TempDir::new("adv-older");
    let (db, _pause) = layered_db(dir.path(), TAG);
    let root = root_of(&db);
    // (key, an older version that exists, the latest version): key 2 has
    // v1 in level 1 and v2 in the level-0 table; key 6 also has v3 in the
    // memdb; key 9 has v1 in level 1 and v3 in the memdb.
    for (i, old, latest) in [(2u64, 1u64, 2u64), (6, 1, 3), (6, 2, 3), (9, 1, 3)] {
        let k = lkey(i);
        let p = get_proof(&db, &root, &k, old);
        let q = Query::Get {
            key: &k,
            version: old,
        };
        assert_eq!(
            verify(&root, &q, &p).unwrap(),
            answer_of(lmodel(i, old, TAG))
        );
        for version in [u64::MAX, latest] {
            let q = Query::Get { key: &k, version };
            assert_rejected(&root, &q, &p, &format!("key {i} v{old} as v{version}"));
        }
    }

    // Hand-edited: the proof of the latest with the newer record left out
    // (paths kept valid) must fail, in a table and in the memdb.
    for i in [2u64, 6] {
        let k = lkey(i);
        let q = Query::Get {
            key: &k,
            version: u64::MAX,
        };
        let p = get_proof(&db, &root, &k, u64::MAX);
        let at = p
            .layers
            .iter()
            .position(|l| !matches!(l.body, LayerBody::Skipped { .. }) && holds(l, &k))
            .expect("a layer shows the answer");
        let mut edited = p.clone();
        let layer = &mut edited.layers[at];
        match layer.kind {
            LayerKind::Memdb => drop_memdb_record(&mut layer.body, false),
            _ => drop_table_record(opened_table(layer).unwrap(), false),
        }
        assert_eq!(master_root(&edited), root, "the edit keeps the paths");
        assert_rejected(&root, &q, &edited, &format!("key {i} without its newest"));
        // Skipping the layer that holds the newest instead.
        let mut edited = p.clone();
        skip(&mut edited.layers[at]);
        assert_eq!(master_root(&edited), root);
        let m = assert_rejected(&root, &q, &edited, &format!("key {i} newest skipped"));
        assert!(m.contains("skipped"), "{m}");
    }
}

/// True when the layer's body shows a record of `key`.
fn holds(l: &avccdb::merkle::proof::LayerProof, key: &[u8]) -> bool {
    let mut one = Proof {
        kind: avccdb::merkle::ProofKind::Get,
        layers: vec![l.clone()],
    };
    records_mut(&mut one).iter().any(|r| r.key == key)
}

#[test]
fn proof_taken_before_a_delete_fails_after_it() {
    let dir = TempDir::new("adv-delete");
    let (db, _pause) = layered_db(dir.path(), TAG);
    for i in [2u64, 3, 1] {
        let k = lkey(i);
        let q = Query::Get {
            key: &k,
            version: u64::MAX,
        };
        let before = root_of(&db);
        let p = get_proof(&db, &before, &k, u64::MAX);
        db.delete_with_version(&k, 9, &wo()).unwrap();
        let after = root_of(&db);
        assert_ne!(before, after);
        assert_rejected(&after, &q, &p, &format!("key {i} across its delete"));
        // The old proof still shows the old state against the old root, and
        // a fresh proof shows the delete.
        assert_eq!(
            verify(&before, &q, &p).unwrap(),
            answer_of(lmodel(i, u64::MAX, TAG))
        );
        let fresh = get_proof(&db, &after, &k, u64::MAX);
        assert_eq!(verify(&after, &q, &fresh).unwrap(), Answer::Absent);
    }
}

type RecordEdit = fn(&mut Record);

#[test]
fn proof_is_bound_to_its_key_version_and_value() {
    let dir = TempDir::new("adv-bound");
    let (db, _pause) = layered_db(dir.path(), TAG);
    let root = root_of(&db);
    let mut rejections = 0;
    // Found in the memdb (3, 6), the level-0 table (2), level 1 (1, 11);
    // deleted in the memdb (5) and in the level-0 table (7).
    for i in [1u64, 2, 3, 5, 6, 7, 11] {
        let k = lkey(i);
        let p = get_proof(&db, &root, &k, u64::MAX);
        // Another key: never the proven answer unless it is the truth.
        for j in [i + 1, i + 1000, LKEYS + 5] {
            let other = lkey(j);
            let q = Query::Get {
                key: &other,
                version: u64::MAX,
            };
            match verify(&root, &q, &p) {
                Ok(a) => assert_eq!(a, answer_of(lmodel(j, u64::MAX, TAG)), "{i} as {j}"),
                Err(e) => {
                    assert!(matches!(e, Error::InvalidProof(_)), "{e}");
                    rejections += 1;
                }
            }
        }
        let far = lkey(i + 1000);
        let q = Query::Get {
            key: &far,
            version: u64::MAX,
        };
        assert_rejected(&root, &q, &p, &format!("key {i} as key {}", i + 1000));
        // Another version: never verifies to an answer that is not the
        // truth (so wherever the answer differs, it is rejected; where it
        // is the same, the proof may or may not fit the other bounds).
        for version in 0..=5 {
            let q = Query::Get { key: &k, version };
            let truth = answer_of(lmodel(i, version, TAG));
            match verify(&root, &q, &p) {
                Ok(a) => assert_eq!(a, truth, "key {i} checked at v{version}"),
                Err(e) => {
                    assert!(matches!(e, Error::InvalidProof(_)), "{e}");
                    rejections += 1;
                }
            }
        }
        // An edited record: value, version, kind or key.
        let q = Query::Get {
            key: &k,
            version: u64::MAX,
        };
        let edits: [(&str, RecordEdit); 5] = [
            ("value", |r| r.value.push(b'!')),
            ("value byte", |r| {
                if let Some(b) = r.value.first_mut() {
                    *b ^= 1;
                } else {
                    r.value.push(0);
                }
            }),
            ("version", |r| r.version += 1),
            ("older version", |r| r.version = r.version.saturating_sub(1)),
            ("kind", |r| {
                r.kind ^= 1;
                r.value.clear();
            }),
        ];
        for (what, edit) in edits {
            let mut edited = Proof::decode(&p.encode()).unwrap();
            let mut recs = records_mut(&mut edited);
            let r = recs
                .iter_mut()
                .find(|r| r.key == k)
                .expect("the proof shows the key's record");
            edit(r);
            let bytes = edited.encode();
            let r = verify_bytes(&root, &q, &bytes);
            assert!(rejected(&r), "key {i}, edited {what}: {r:?}");
        }
        // Any record at all, edited, breaks the proof.
        let n = records_mut(&mut p.clone()).len();
        for at in 0..n {
            let mut edited = p.clone();
            records_mut(&mut edited)[at].value.push(b'x');
            assert_rejected(&root, &q, &edited, &format!("key {i}, record {at} edited"));
        }
    }
    assert!(rejections > 10);
}

#[test]
fn proof_from_another_database_fails() {
    let dir = TempDir::new("adv-this");
    let other_dir = TempDir::new("adv-other");
    let (db, _p1) = layered_db(dir.path(), TAG);
    let (other, _p2) = layered_db(other_dir.path(), "other");
    let root = root_of(&db);
    let other_root = root_of(&other);
    assert_ne!(root, other_root);
    for i in [0u64, 1, 2, 3, 5, 6, 7, 1500, LKEYS - 1, LKEYS + 3] {
        let k = lkey(i);
        let q = Query::Get {
            key: &k,
            version: u64::MAX,
        };
        let theirs = get_proof(&other, &other_root, &k, u64::MAX);
        assert_rejected(&root, &q, &theirs, &format!("key {i} from the other db"));
        let ours = get_proof(&db, &root, &k, u64::MAX);
        assert_rejected(
            &other_root,
            &q,
            &ours,
            &format!("key {i} into the other db"),
        );
        let h = history_proof(&other, &other_root, &k, 0, u64::MAX);
        let q = Query::History {
            key: &k,
            min: 0,
            max: u64::MAX,
        };
        assert_rejected(&root, &q, &h, &format!("history of {i} from the other db"));
    }
}

/// A key, the history range asked (None: a get of the latest) and the
/// proof.
type Sample = (Vec<u8>, Option<(u64, u64)>, Proof);

/// Get proofs of keys answered in each layer (and absent ones), and
/// history proofs, with their queries' parameters.
fn sample_proofs(db: &Db, root: &Hash) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut keys: Vec<Vec<u8>> = (0..40).map(lkey).collect();
    keys.extend([
        b"key00000001a".to_vec(),
        b"a".to_vec(),
        b"zzz".to_vec(),
        lkey(LKEYS - 1),
    ]);
    for k in keys {
        out.push((k.clone(), None, get_proof(db, root, &k, u64::MAX)));
        for (min, max) in [(0, u64::MAX), (2, 3), (3, 4)] {
            out.push((
                k.clone(),
                Some((min, max)),
                history_proof(db, root, &k, min, max),
            ));
        }
    }
    out
}

fn query_of<'a>(k: &'a [u8], range: Option<(u64, u64)>) -> Query<'a> {
    match range {
        None => Query::Get {
            key: k,
            version: u64::MAX,
        },
        Some((min, max)) => Query::History { key: k, min, max },
    }
}

#[test]
fn layer_skipped_where_it_could_hold_the_answer_is_rejected() {
    let dir = TempDir::new("adv-skip");
    let (db, _pause) = layered_db(dir.path(), TAG);
    let root = root_of(&db);
    let mut tried = 0;
    for (k, range, p) in sample_proofs(&db, &root) {
        let q = query_of(&k, range);
        // The prover skips every layer it may; so each layer it opened
        // could hold the answer, and skipping it — with its true root, so
        // the MasterRoot still matches — must be rejected.
        for i in 0..p.layers.len() {
            if matches!(p.layers[i].body, LayerBody::Skipped { .. }) {
                continue;
            }
            let mut edited = p.clone();
            skip(&mut edited.layers[i]);
            assert_eq!(master_root(&edited), root);
            let m = assert_rejected(&root, &q, &edited, &format!("{k:?} layer {i} skipped"));
            assert!(m.contains("skipped"), "{m}");
            tried += 1;
        }
        // A layer's max_version is bound by the root: lowering it (to make
        // a skip look allowed) breaks the proof.
        for i in 0..p.layers.len() {
            let mut edited = p.clone();
            edited.layers[i].max_version = edited.layers[i].max_version.saturating_sub(1);
            if edited != p {
                assert_rejected(&root, &q, &edited, &format!("{k:?} layer {i} max_version"));
            }
        }
    }
    assert!(tried > 100);
}

#[test]
fn span_without_its_bracketing_record_is_rejected() {
    let dir = TempDir::new("adv-bracket");
    let (db, _pause) = layered_db(dir.path(), TAG);
    let root = root_of(&db);
    let (mut memdb_edits, mut table_edits, mut across_blocks) = (0, 0, 0);
    let mut proofs = sample_proofs(&db, &root);
    // Every key, so that spans crossing a block boundary come up too.
    for i in 40..LKEYS {
        let k = lkey(i);
        proofs.push((k.clone(), None, get_proof(&db, &root, &k, u64::MAX)));
        if i.is_multiple_of(7) {
            proofs.push((
                k.clone(),
                Some((0, u64::MAX)),
                history_proof(&db, &root, &k, 0, u64::MAX),
            ));
        }
    }
    for (k, range, p) in proofs {
        let q = query_of(&k, range);
        for i in 0..p.layers.len() {
            for front in [true, false] {
                let mut edited = p.clone();
                let layer = &mut edited.layers[i];
                match &mut layer.body {
                    LayerBody::Memdb { records, .. } if records.len() >= 2 => {
                        drop_memdb_record(&mut layer.body, front);
                        memdb_edits += 1;
                    }
                    LayerBody::Tables { .. } => {
                        let Some(t) = opened_table(layer) else {
                            continue;
                        };
                        if t.spans.iter().map(|s| s.records.len()).sum::<usize>() < 2 {
                            continue;
                        }
                        if t.spans.len() > 1 {
                            across_blocks += 1;
                        }
                        drop_table_record(t, front);
                        table_edits += 1;
                    }
                    _ => continue,
                }
                assert_eq!(master_root(&edited), root, "the edit keeps the paths");
                let what = format!(
                    "{k:?} {range:?}: layer {i} without its {} record",
                    if front { "first" } else { "last" }
                );
                let m = assert_rejected(&root, &q, &edited, &what);
                assert!(m.contains("bracket"), "{what}: {m}");
            }
        }
    }
    assert!(
        memdb_edits > 100 && table_edits > 100,
        "{memdb_edits} {table_edits}"
    );
    assert!(across_blocks > 0, "no span crossed a block boundary");
}

#[test]
fn swapped_dropped_or_repeated_layers_are_rejected() {
    let dir = TempDir::new("adv-layers");
    let (db, _pause) = layered_db(dir.path(), TAG);
    let root = root_of(&db);
    for (k, range, p) in sample_proofs(&db, &root) {
        let q = query_of(&k, range);
        let n = p.layers.len();
        assert!(n >= 3, "memdb, level-0 table and level 1");
        for i in 0..n {
            let mut dropped = p.clone();
            dropped.layers.remove(i);
            assert_rejected(&root, &q, &dropped, &format!("{k:?} without layer {i}"));
            let mut repeated = p.clone();
            repeated.layers.insert(i, p.layers[i].clone());
            assert_rejected(&root, &q, &repeated, &format!("{k:?} layer {i} twice"));
            for j in i + 1..n {
                let mut swapped = p.clone();
                swapped.layers.swap(i, j);
                if swapped != p {
                    assert_rejected(&root, &q, &swapped, &format!("{k:?} layers {i}, {j}"));
                }
            }
        }
        // Relabelled layers: a table layer claiming another kind or level.
        for i in 0..n {
            let mut edited = p.clone();
            let l = &mut edited.layers[i];
            l.level = if l.kind == LayerKind::Level { 2 } else { 1 };
            assert_rejected(&root, &q, &edited, &format!("{k:?} layer {i} relevelled"));
        }
        // The other kind of query.
        let other = match range {
            None => Query::History {
                key: &k,
                min: 0,
                max: u64::MAX,
            },
            Some(_) => Query::Get {
                key: &k,
                version: u64::MAX,
            },
        };
        assert_rejected(&root, &other, &p, &format!("{k:?} as the other kind"));
    }
}
