//! Building blocks of the concurrency soak (`tests/engine_soak.rs`): its
//! configuration from the environment, a small seeded generator, the
//! self-describing values (key, version and writer counter inside), and
//! exact checks of one key range through a view against a model.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use avccdb::{Db, ReadOptions};

use super::model::{model_get, model_history, Model};

/// How long and how wide the soak runs.
#[derive(Clone, Debug)]
pub struct SoakConfig {
    /// Run for this long (`AVCCDB_SOAK_SECS`); when unset, each writer
    /// does `ops_per_writer` operations instead.
    pub duration: Option<Duration>,
    /// Operations per writer when no duration is set (`AVCCDB_SOAK_OPS`).
    pub ops_per_writer: u64,
    /// Writer threads, each owning one key partition (`AVCCDB_SOAK_WRITERS`).
    pub writers: usize,
    /// Reader threads over every partition (`AVCCDB_SOAK_READERS`).
    pub readers: usize,
    /// Seed of every thread's generator (`AVCCDB_SOAK_SEED`).
    pub seed: u64,
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{name}={text} is not a number")),
    )
}

impl SoakConfig {
    pub fn from_env() -> SoakConfig {
        SoakConfig {
            duration: env_u64("AVCCDB_SOAK_SECS").map(Duration::from_secs),
            ops_per_writer: env_u64("AVCCDB_SOAK_OPS").unwrap_or(1_000),
            writers: env_u64("AVCCDB_SOAK_WRITERS").unwrap_or(3) as usize,
            readers: env_u64("AVCCDB_SOAK_READERS").unwrap_or(2) as usize,
            seed: env_u64("AVCCDB_SOAK_SEED").unwrap_or(0x5eed),
        }
    }

    /// Whether a writer that has done `ops` operations since `start`
    /// should go on.
    pub fn writer_goes_on(&self, start: Instant, ops: u64) -> bool {
        match self.duration {
            Some(d) => start.elapsed() < d,
            None => ops < self.ops_per_writer,
        }
    }
}

/// xorshift64*: deterministic per seed, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

/// Data keys per partition, and the highest explicit version written.
pub const KEYS_PER_PARTITION: u64 = 96;
pub const MAX_TEST_VERSION: u64 = 12;

/// The key prefix of writer `w`'s partition.
pub fn partition_prefix(w: usize) -> Vec<u8> {
    format!("w{w:02}/").into_bytes()
}

/// The exclusive upper bound of partition `w` ('/' + 1 = '0').
pub fn partition_end(w: usize) -> Vec<u8> {
    format!("w{w:02}0").into_bytes()
}

pub fn data_key(w: usize, i: u64) -> Vec<u8> {
    format!("w{w:02}/k{i:04}").into_bytes()
}

/// Written only at version 0 with the batch's counter, in every small
/// batch, never deleted: readers see it move forward, and equal to both
/// pair keys in any one view (batches are atomic).
pub fn clock_key(w: usize) -> Vec<u8> {
    format!("w{w:02}/clock").into_bytes()
}

pub fn pair_keys(w: usize) -> [Vec<u8>; 2] {
    [
        format!("w{w:02}/pair-a").into_bytes(),
        format!("w{w:02}/pair-b").into_bytes(),
    ]
}

/// A value that names its key, its version and the writer's counter at
/// the write, padded to `pad` bytes more.
pub fn encode_value(key: &[u8], version: u64, counter: u64, pad: usize) -> Vec<u8> {
    let mut v = key.to_vec();
    v.extend_from_slice(format!("|v{version}|c{counter}|").as_bytes());
    v.extend(std::iter::repeat_n(b'.', pad));
    v
}

/// (key, version, counter) of a value made by `encode_value`; panics with
/// the bytes when it is not one.
pub fn decode_value(value: &[u8]) -> (Vec<u8>, u64, u64) {
    let bad = || -> ! { panic!("not a soak value: {:?}", String::from_utf8_lossy(value)) };
    let mut parts = value.splitn(4, |&b| b == b'|');
    let key = parts.next().unwrap_or_else(|| bad()).to_vec();
    let mut number = |tag: u8| -> u64 {
        match parts.next() {
            Some([t, digits @ ..]) if *t == tag => std::str::from_utf8(digits)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| bad()),
            _ => bad(),
        }
    };
    let version = number(b'v');
    let counter = number(b'c');
    (key, version, counter)
}

/// Checks that `value`, read for `key` at `version`, was written for that
/// key and version; returns its writer counter.
pub fn check_value(key: &[u8], version: u64, value: &[u8]) -> u64 {
    let (k, v, counter) = decode_value(value);
    assert_eq!(k, key, "a value of another key was returned");
    assert_eq!(v, version, "a value of another version was returned");
    counter
}

/// Every (key, version, value) of the model in `[lower, upper)`, in the
/// engine's order (key ascending, version descending), tombstones left
/// out: what an all-versions iterator must yield.
pub fn model_records(m: &Model, lower: &[u8], upper: &[u8]) -> Vec<(Vec<u8>, u64, Vec<u8>)> {
    m.range(lower.to_vec()..upper.to_vec())
        .flat_map(|(k, versions)| {
            versions
                .iter()
                .rev()
                .filter_map(|(v, x)| x.clone().map(|x| (k.clone(), *v, x)))
        })
        .collect()
}

/// The newest live record of each key of the model in `[lower, upper)`:
/// what a plain iterator must yield.
pub fn model_newest(m: &Model, lower: &[u8], upper: &[u8]) -> Vec<(Vec<u8>, u64, Vec<u8>)> {
    m.range(lower.to_vec()..upper.to_vec())
        .filter_map(|(k, versions)| {
            let (v, x) = versions.iter().next_back()?;
            x.clone().map(|x| (k.clone(), *v, x))
        })
        .collect()
}

/// What an iterator over `[lower, upper)` yields through `ro`.
pub fn scan(
    db: &Db,
    ro: &ReadOptions,
    lower: &[u8],
    upper: &[u8],
    all_versions: bool,
) -> Vec<(Vec<u8>, u64, Vec<u8>)> {
    let mut it = db
        .iter(&ReadOptions {
            lower_bound: Some(lower.to_vec()),
            upper_bound: Some(upper.to_vec()),
            all_versions,
            ..ro.clone()
        })
        .unwrap();
    let mut out = Vec::new();
    it.seek_to_first();
    while it.valid() {
        out.push((it.key().to_vec(), it.version(), it.value().to_vec()));
        it.next();
    }
    it.status().unwrap();
    out
}

/// Checks the whole range `[lower, upper)` through `ro` against `m`: both
/// iterators, and every key's get, versioned get and version history.
/// `rng` picks the versions asked for.
pub fn check_range(
    db: &Db,
    ro: &ReadOptions,
    m: &Model,
    lower: &[u8],
    upper: &[u8],
    rng: &mut Rng,
) {
    assert_eq!(
        scan(db, ro, lower, upper, true),
        model_records(m, lower, upper),
        "all-versions iteration differs from the model"
    );
    assert_eq!(
        scan(db, ro, lower, upper, false),
        model_newest(m, lower, upper),
        "iteration differs from the model"
    );
    for key in m.range(lower.to_vec()..upper.to_vec()).map(|(k, _)| k) {
        check_key(db, ro, m, key, rng);
    }
}

/// Checks one key's get, versioned get and history through `ro`.
pub fn check_key(db: &Db, ro: &ReadOptions, m: &Model, key: &[u8], rng: &mut Rng) {
    let newest = model_get(m, key, u64::MAX).map(|(x, _)| x);
    assert_eq!(db.get(key, ro).unwrap(), newest, "get {key:?}");
    let at = rng.below(MAX_TEST_VERSION + 2);
    assert_eq!(
        db.get_with_version(key, at, ro).unwrap(),
        model_get(m, key, at),
        "get {key:?} as of version {at}"
    );
    let min = rng.below(MAX_TEST_VERSION + 1);
    let max = min + rng.below(MAX_TEST_VERSION + 1);
    assert_eq!(
        db.version_history(key, min, max, ro).unwrap(),
        model_history(m, key, min, max),
        "history of {key:?} in [{min}, {max}]"
    );
}
