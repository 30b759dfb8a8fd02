//! The seeds' workload: 100,000 keys × 5 versions through
//! `put_with_version` with small buffers, so that it runs through memdb
//! rotations, level-0 flow control and leveled compaction; then every
//! version reads back, iteration sees every key once, and all of it holds
//! again after a reopen.

mod common;

use avccdb::{Db, Options};
use common::{ro, wo, TempDir};

const KEYS: u64 = 100_000;
const VERSIONS: u64 = 5;

fn options() -> Options {
    common::seeds_options()
}

fn key(i: u64) -> Vec<u8> {
    common::seeds_key(i)
}

fn value(i: u64, v: u64) -> Vec<u8> {
    common::seeds_value(i, v)
}

fn check(db: &Db) {
    // Every 97th key: each version through get_with_version, the newest
    // through get.
    for i in (0..KEYS).step_by(97) {
        let k = key(i);
        for v in 1..=VERSIONS {
            let got = db.get_with_version(&k, v, &ro()).unwrap();
            assert_eq!(got, Some((value(i, v), v)), "key {i} version {v}");
        }
        assert_eq!(db.get(&k, &ro()).unwrap(), Some(value(i, VERSIONS)));
        assert_eq!(db.get_with_version(&k, 0, &ro()).unwrap(), None);
    }
    let mut it = db.iter(&ro()).unwrap();
    it.seek_to_first();
    let mut count = 0u64;
    let mut previous: Option<Vec<u8>> = None;
    while it.valid() {
        assert_eq!(it.key(), key(count).as_slice());
        assert_eq!(it.version(), VERSIONS);
        if let Some(p) = &previous {
            assert!(p.as_slice() < it.key());
        }
        previous = Some(it.key().to_vec());
        count += 1;
        it.next();
    }
    it.status().unwrap();
    assert_eq!(count, KEYS);
}

#[test]
fn seeds_workload_survives_compaction_and_reopen() {
    let dir = TempDir::new("seeds");
    let db = Db::open(dir.path(), options()).unwrap();
    // Versions go in order, each sweeping the whole key space, as a chain
    // writing one block after another would.
    for v in 1..=VERSIONS {
        for i in 0..KEYS {
            db.put_with_version(&key(i), v, &value(i, v), &wo())
                .unwrap();
        }
    }
    let stats = db.stats();
    assert!(
        stats.levels[1..].iter().any(|l| l.tables > 0),
        "no table below level 0: {stats:?}"
    );
    assert!(stats.write_delay_count > 0, "no write delays: {stats:?}");
    assert!(stats.memdb_compactions > 0);
    assert!(stats.level0_compactions > 0);
    check(&db);
    db.close().unwrap();
    drop(db);

    let db = Db::open(dir.path(), options()).unwrap();
    check(&db);
    let stats = db.stats();
    assert!(stats.levels[1..].iter().any(|l| l.tables > 0));
}
