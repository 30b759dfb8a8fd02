//! The seeds' workload (100,000 keys × 5 versions through
//! `put_with_version`, small buffers: memdb rotations, level-0 flow control
//! and leveled compaction), then Merkle proofs of it: against one snapshot's
//! MasterRoot, a get proof of every key's latest version and of every 97th
//! key at each version verifies and equals `get_with_version`; never-written
//! and deleted keys prove absent; sampled histories verify and equal
//! `version_history`. The checks run again after `compact_range` (a new
//! root), after close and reopen, and through a snapshot while a writer
//! keeps writing and compactions run (its root stays, the current one
//! moves).
//!
//! Runtime: proving is cheap next to the writes (a proof reads one or two
//! cached blocks per layer), so every phase proves every key's latest
//! version; the whole test takes about 20 s in the dev profile on two cores.
//! (Should it ever grow too slow, `check_view`'s `step` samples keys.)

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use avccdb::merkle::hash::{commit_hash, CommitTag, EMPTY_TREE};
use avccdb::merkle::{verify, verify_bytes, Answer, Hash, Query};
use avccdb::{Db, Options, ReadOptions};
use common::proofs::answer_of;
use common::{ro, wo, TempDir};

const KEYS: u64 = 100_000;
const VERSIONS: u64 = 5;
/// Deleted keys get a tombstone at this version (above every value).
const DELETE_VERSION: u64 = VERSIONS + 1;

fn options() -> Options {
    common::seeds_options()
}

fn key(i: u64) -> Vec<u8> {
    common::seeds_key(i)
}

fn value(i: u64, v: u64) -> Vec<u8> {
    common::seeds_value(i, v)
}

fn deleted(i: u64) -> bool {
    i % 113 == 5
}

/// `get_with_version(key(i), version)` as of the snapshots checked.
fn model_get(i: u64, version: u64) -> Option<(Vec<u8>, u64)> {
    if deleted(i) && version >= DELETE_VERSION {
        return None;
    }
    let v = version.min(VERSIONS);
    (v >= 1).then(|| (value(i, v), v))
}

fn model_history(i: u64, min: u64, max: u64) -> Vec<(u64, Vec<u8>)> {
    (min.max(1)..=max.min(VERSIONS))
        .rev()
        .map(|v| (v, value(i, v)))
        .collect()
}

/// 1,000 keys never written: between two written keys, past the last,
/// before the first, and sharing a written key's prefix.
fn never_written() -> Vec<Vec<u8>> {
    (0..1000u64)
        .map(|j| {
            let mut k = match j % 4 {
                0 => key(j * 97 % KEYS),
                1 => key(KEYS + j),
                2 => format!("seed-kex-{j}").into_bytes(),
                _ => format!("seed-key-{:06}", j * 31 % 1_000_000).into_bytes(),
            };
            if j.is_multiple_of(4) {
                k.push(b'~');
            }
            k
        })
        .collect()
}

fn prove_get(db: &Db, ro: &ReadOptions, root: &Hash, k: &[u8], version: u64) -> Answer {
    let p = db.get_with_proof(k, version, ro).unwrap();
    assert_eq!(
        &p.root, root,
        "proof of {k:?} @ {version} from another view"
    );
    let answer = verify_bytes(root, &Query::Get { key: k, version }, &p.proof.encode())
        .unwrap_or_else(|e| panic!("proof of {k:?} @ {version} does not verify: {e}"));
    assert_eq!(answer, answer_of(p.value.clone()), "{k:?} @ {version}");
    assert_eq!(
        p.value,
        db.get_with_version(k, version, ro).unwrap(),
        "{k:?} @ {version}: proven answer differs from get_with_version"
    );
    answer
}

/// Everything the test proves through `ro` (a snapshot's view): returns the
/// view's root. `step` picks the keys whose latest version is proven.
fn check_view(db: &Db, ro: &ReadOptions, step: u64) -> Hash {
    assert!(ro.snapshot.is_some(), "checks go through one snapshot");
    let root = db.master_root(ro).unwrap();
    assert_ne!(root, commit_hash(CommitTag::Master, 0, &EMPTY_TREE));

    let mut proven = 0u64;
    for i in (0..KEYS).step_by(step as usize) {
        let answer = prove_get(db, ro, &root, &key(i), u64::MAX);
        assert_eq!(answer, answer_of(model_get(i, u64::MAX)), "key {i}");
        proven += 1;
    }
    assert_eq!(proven, KEYS.div_ceil(step), "a proof for every key asked");

    for i in (0..KEYS).step_by(97) {
        for v in 0..=VERSIONS {
            let answer = prove_get(db, ro, &root, &key(i), v);
            assert_eq!(answer, answer_of(model_get(i, v)), "key {i} @ {v}");
        }
    }

    for k in never_written() {
        assert_eq!(prove_get(db, ro, &root, &k, u64::MAX), Answer::Absent);
        assert_eq!(prove_get(db, ro, &root, &k, 3), Answer::Absent);
    }

    let mut deletions = 0;
    for i in (0..KEYS).filter(|&i| deleted(i)) {
        assert_eq!(
            prove_get(db, ro, &root, &key(i), u64::MAX),
            Answer::Absent,
            "deleted key {i}"
        );
        deletions += 1;
    }
    assert!(deletions > 800);

    for i in (0..KEYS).step_by(211).chain([5, 118, KEYS - 1]) {
        let k = key(i);
        for (min, max) in [(0, u64::MAX), (2, 4), (5, 5), (DELETE_VERSION, u64::MAX)] {
            let h = db.version_history_with_proof(&k, min, max, ro).unwrap();
            assert_eq!(h.root, root);
            let want = model_history(i, min, max);
            assert_eq!(h.versions, want, "history of key {i} in [{min}, {max}]");
            assert_eq!(db.version_history(&k, min, max, ro).unwrap(), want);
            let q = Query::History { key: &k, min, max };
            assert_eq!(verify(&root, &q, &h.proof).unwrap(), Answer::History(want));
        }
    }
    root
}

fn snapshot_ro(db: &Db) -> ReadOptions {
    ReadOptions {
        snapshot: Some(db.snapshot()),
        ..ReadOptions::default()
    }
}

#[test]
fn seeds_workload_proves_every_answer() {
    let dir = TempDir::new("merkle-seeds");
    let db = Db::open(dir.path(), options()).unwrap();
    for v in 1..=VERSIONS {
        for i in 0..KEYS {
            db.put_with_version(&key(i), v, &value(i, v), &wo())
                .unwrap();
        }
    }
    for i in (0..KEYS).filter(|&i| deleted(i)) {
        db.delete_with_version(&key(i), DELETE_VERSION, &wo())
            .unwrap();
    }
    let stats = db.stats();
    assert!(stats.levels[1..].iter().any(|l| l.tables > 0), "{stats:?}");
    assert!(stats.level0_compactions > 0, "{stats:?}");

    let snap = snapshot_ro(&db);
    let root1 = check_view(&db, &snap, 1);
    drop(snap);

    // 2. After a full compaction: a new layout, so a new root.
    db.compact_range(None, None).unwrap();
    let snap = snapshot_ro(&db);
    let root2 = check_view(&db, &snap, 1);
    assert_ne!(root1, root2, "compaction changed the layout, not the root");
    drop(snap);

    // 3. After close and reopen.
    db.close().unwrap();
    drop(db);
    let db = Db::open(dir.path(), options()).unwrap();
    let snap = snapshot_ro(&db);
    check_view(&db, &snap, 1);
    drop(snap);

    // 4. Through a snapshot while a writer writes newer versions and
    // compactions run: the snapshot's root and answers stay, every proof
    // through it verifies against that root, and the current root moves.
    // The snapshot sees records in the memdb too: the same records written
    // again (same key, version and value: the answers do not change).
    for i in (0..KEYS).step_by(20) {
        db.put_with_version(&key(i), VERSIONS, &value(i, VERSIONS), &wo())
            .unwrap();
    }
    let snap = snapshot_ro(&db);
    let root4 = db.master_root(&snap).unwrap();
    let current_before = db.master_root(&ro()).unwrap();
    let start = db.stats();
    let stop = AtomicBool::new(false);
    let written = std::thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut n = 0u64;
            while !stop.load(Ordering::Acquire) {
                let (i, v) = (n % KEYS, DELETE_VERSION + 1 + n / KEYS);
                db.put_with_version(&key(i), v, &value(i, v), &wo())
                    .unwrap();
                n += 1;
            }
            n
        });
        let mut rounds = 0;
        loop {
            let step = if rounds == 0 { 1 } else { 1009 };
            assert_eq!(check_view(&db, &snap, step), root4);
            // The current state proves against its own (moving) root.
            for i in (0..KEYS).step_by(4999) {
                let p = db.get_with_proof(&key(i), u64::MAX, &ro()).unwrap();
                let q = Query::Get {
                    key: &key(i),
                    version: u64::MAX,
                };
                assert_eq!(
                    verify(&p.root, &q, &p.proof).unwrap(),
                    answer_of(p.value.clone())
                );
            }
            rounds += 1;
            let now = db.stats();
            let compactions = |s: &avccdb::Stats| {
                s.level0_compactions + s.non_level0_compactions + s.trivial_moves
            };
            // At least two rounds: the second runs after the current
            // state's proofs moved the memdb's own tree past the snapshot.
            if rounds >= 2
                && now.memdb_compactions >= start.memdb_compactions + 2
                && compactions(&now) > compactions(&start)
            {
                break;
            }
            assert!(rounds < 200, "no compaction ran while the writer wrote");
        }
        stop.store(true, Ordering::Release);
        writer.join().unwrap()
    });
    assert!(written > 0);
    assert_eq!(db.master_root(&snap).unwrap(), root4);
    assert_ne!(db.master_root(&ro()).unwrap(), current_before);
    // The snapshot still answers as of its time; the current state has the
    // writer's versions.
    let first_new = DELETE_VERSION + 1;
    let (now, v) = db
        .get_with_version(&key(0), u64::MAX, &ro())
        .unwrap()
        .unwrap();
    assert!(v >= first_new);
    assert_eq!(now, value(0, v));
    assert_eq!(
        prove_get(&db, &snap, &root4, &key(0), u64::MAX),
        answer_of(model_get(0, u64::MAX))
    );
}

#[test]
fn snapshot_proofs_stay_cheap_after_newer_writes() {
    // A snapshot's MasterRoot is computed once; its proofs must not redo
    // that work. Its memdb keeps taking writes, and the memdb's own tree
    // follows the newest sequence asked for (here: a current root), so a
    // proof through the snapshot must use the tree the snapshot's state was
    // built from rather than rebuild one for the snapshot's sequence.
    let dir = TempDir::new("merkle-snapshot-cost");
    let db = Db::open(dir.path(), Options::default()).unwrap();
    let n = 20_000;
    for i in 0..n {
        db.put_with_version(&key(i), 1, &value(i, 1), &wo())
            .unwrap();
    }
    assert_eq!(db.stats().memdb_compactions, 0, "all of it in the memdb");
    let snap = snapshot_ro(&db);
    let root = db.master_root(&snap).unwrap();
    let prove = |from: u64| {
        for i in (from..n).step_by(40) {
            let k = key(i);
            let p = db.get_with_proof(&k, u64::MAX, &snap).unwrap();
            let q = Query::Get {
                key: &k,
                version: u64::MAX,
            };
            assert_eq!(
                verify(&root, &q, &p.proof).unwrap(),
                answer_of(Some((value(i, 1), 1)))
            );
        }
    };
    prove(0);
    let hashed = db.stats().merkle_leaves_hashed;
    assert_eq!(hashed, n, "the snapshot's tree was built once");
    db.put_with_version(&key(1), 2, b"newer", &wo()).unwrap();
    assert_ne!(db.master_root(&ro()).unwrap(), root);
    // The current root's tree reused every leaf but the new record's.
    assert_eq!(db.stats().merkle_leaves_hashed, hashed + 1);
    prove(1);
    assert_eq!(db.master_root(&snap).unwrap(), root);
    // Rebuilding the snapshot's 20,000-record tree per proof would hash
    // 20,000 records each time; its proofs must hash none.
    assert_eq!(db.stats().merkle_leaves_hashed, hashed + 1);
}
