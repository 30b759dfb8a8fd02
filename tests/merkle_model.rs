//! Property test: random operation sequences (versioned puts and deletes,
//! flushes, compactions) against a model; every answer the library proves
//! verifies against its root and equals the model's answer.

mod common;

use avccdb::merkle::{verify, verify_bytes, Answer, Proof, Query};
use avccdb::util::random::Rng;
use avccdb::{Db, ReadOptions};
use common::model::{model_get, model_history, Model};
use common::{small_options, wo, TempDir};

fn key(i: u64) -> Vec<u8> {
    format!("key{i:04}").into_bytes()
}

fn check_all(db: &Db, m: &Model, rng: &mut Rng, keys: u64) {
    // Through a snapshot half the time: its root stays put while
    // background compactions change the current one.
    let snap = ReadOptions {
        snapshot: Some(db.snapshot()),
        ..ReadOptions::default()
    };
    let snap_root = db.master_root(&snap).unwrap();
    for i in 0..150 {
        let ro = if i % 2 == 0 {
            snap.clone()
        } else {
            ReadOptions::default()
        };
        let k = key(rng.below(keys + 5));
        let version = match rng.below(3) {
            0 => u64::MAX,
            _ => rng.below(8),
        };
        let proven = db.get_with_proof(&k, version, &ro).unwrap();
        let expect = model_get(m, &k, version);
        assert_eq!(proven.value, expect, "get {k:?} @ {version}");
        assert_eq!(db.get_with_version(&k, version, &ro).unwrap(), expect);
        let answer = verify_bytes(
            &proven.root,
            &Query::Get { key: &k, version },
            &proven.proof.encode(),
        )
        .unwrap();
        let want = match expect {
            Some((value, version)) => Answer::Found { value, version },
            None => Answer::Absent,
        };
        assert_eq!(answer, want, "verified get {k:?} @ {version}");
        if ro.snapshot.is_some() {
            assert_eq!(proven.root, snap_root);
        }

        let (min, max) = {
            let a = rng.below(8);
            let b = rng.below(8);
            (a.min(b), a.max(b))
        };
        let h = db.version_history_with_proof(&k, min, max, &ro).unwrap();
        let expect = model_history(m, &k, min, max);
        assert_eq!(h.versions, expect, "history {k:?} [{min}, {max}]");
        let decoded = Proof::decode(&h.proof.encode()).unwrap();
        assert_eq!(decoded, h.proof);
        assert_eq!(
            verify(&h.root, &Query::History { key: &k, min, max }, &decoded).unwrap(),
            Answer::History(expect)
        );
    }
}

#[test]
fn random_operations_prove_the_model_answers() {
    for seed in 1..=3u64 {
        let dir = TempDir::new("merkle-model");
        let db = Db::open(dir.path(), small_options()).unwrap();
        let mut m = Model::new();
        let mut rng = Rng::new(seed);
        let keys = 300;
        for round in 0..6 {
            for _ in 0..2000 {
                let k = key(rng.below(keys));
                let version = rng.below(8);
                if rng.below(6) == 0 {
                    db.delete_with_version(&k, version, &wo()).unwrap();
                    m.entry(k).or_default().insert(version, None);
                } else {
                    let value = format!("v{round}-{}", rng.below(1 << 20)).into_bytes();
                    db.put_with_version(&k, version, &value, &wo()).unwrap();
                    m.entry(k).or_default().insert(version, Some(value));
                }
            }
            check_all(&db, &m, &mut rng, keys);
            if round == 3 {
                db.compact_range(None, None).unwrap();
                check_all(&db, &m, &mut rng, keys);
            }
        }
        let report = db.check_integrity().unwrap();
        assert!(report.is_clean(), "{:?}", report.problems);
        assert!(report.tables > 0 && report.records > 0);
    }
}
