//! The soak's reader thread: it reads every writer's partition while they
//! write and checks what holds under any interleaving — a value always
//! belongs to the key and version it was read at and was handed to the
//! database already; a writer's clock never goes back for one reader;
//! within one view a batch is whole (clock and pair keys agree); a
//! snapshot reads the same twice; iterators yield records in order.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use avccdb::{Db, ReadOptions};

use super::soak::{
    check_value, clock_key, data_key, pair_keys, partition_end, partition_prefix, scan, Rng,
    KEYS_PER_PARTITION, MAX_TEST_VERSION,
};

/// Reads done, by kind.
#[derive(Default, Debug)]
pub struct ReaderCounts {
    pub gets: u64,
    pub versioned_gets: u64,
    pub clock_reads: u64,
    pub snapshots: u64,
    pub scans: u64,
    pub records_scanned: u64,
}

impl ReaderCounts {
    pub fn add(&mut self, o: &ReaderCounts) {
        self.gets += o.gets;
        self.versioned_gets += o.versioned_gets;
        self.clock_reads += o.clock_reads;
        self.snapshots += o.snapshots;
        self.scans += o.scans;
        self.records_scanned += o.records_scanned;
    }
}

struct Reader<'a> {
    db: &'a Db,
    issued: &'a [AtomicU64],
    rng: Rng,
    /// The newest clock counter this reader has seen, per writer.
    clocks: Vec<u64>,
    counts: ReaderCounts,
}

impl Reader<'_> {
    /// Checks a value read from writer `w`'s partition: right key and
    /// version, and a counter the writer had already issued.
    fn check(&self, w: usize, key: &[u8], version: u64, value: &[u8]) -> u64 {
        let counter = check_value(key, version, value);
        let issued = self.issued[w].load(Ordering::Acquire);
        assert!(
            counter <= issued,
            "{key:?} holds counter {counter}, writer {w} issued only {issued}"
        );
        counter
    }

    /// Checks writer `w`'s clock as read through `ro` and returns it
    /// (0 when no batch is visible yet): it must not go back.
    fn read_clock(&mut self, w: usize, ro: &ReadOptions) -> u64 {
        let key = clock_key(w);
        let counter = match self.db.get(&key, ro).unwrap() {
            Some(v) => self.check(w, &key, 0, &v),
            None => 0,
        };
        assert!(
            counter >= self.clocks[w],
            "writer {w}'s clock went back from {} to {counter}",
            self.clocks[w]
        );
        self.clocks[w] = counter;
        self.counts.clock_reads += 1;
        counter
    }

    /// Scans partition `w` through `ro`, checking every record and the
    /// order (key ascending, version descending, each pair once).
    fn scan_partition(
        &mut self,
        w: usize,
        ro: &ReadOptions,
        all_versions: bool,
    ) -> Vec<(Vec<u8>, u64, Vec<u8>)> {
        let records = scan(
            self.db,
            ro,
            &partition_prefix(w),
            &partition_end(w),
            all_versions,
        );
        for pair in records.windows(2) {
            let ((k1, v1, _), (k2, v2, _)) = (&pair[0], &pair[1]);
            assert!(
                k1 < k2 || (all_versions && k1 == k2 && v1 > v2),
                "out of order: {k1:?}@{v1} then {k2:?}@{v2}"
            );
        }
        for (k, v, x) in &records {
            self.check(w, k, *v, x);
        }
        self.counts.scans += 1;
        self.counts.records_scanned += records.len() as u64;
        records
    }

    /// Through one snapshot: the batch markers agree, the clock has not
    /// gone back, and the partition reads the same twice.
    fn check_snapshot(&mut self, w: usize) {
        let ro = ReadOptions {
            snapshot: Some(self.db.snapshot()),
            ..ReadOptions::default()
        };
        let clock = self.read_clock(w, &ro);
        for key in pair_keys(w) {
            let counter = match self.db.get(&key, &ro).unwrap() {
                Some(v) => self.check(w, &key, 0, &v),
                None => 0,
            };
            assert_eq!(
                counter, clock,
                "a batch of writer {w} is split in a snapshot"
            );
        }
        let all_versions = self.rng.one_in(2);
        let first = self.scan_partition(w, &ro, all_versions);
        assert_eq!(
            first,
            self.scan_partition(w, &ro, all_versions),
            "a snapshot changed"
        );
        self.counts.snapshots += 1;
    }

    fn step(&mut self) {
        let w = self.rng.below(self.issued.len() as u64) as usize;
        let key = data_key(w, self.rng.below(KEYS_PER_PARTITION));
        match self.rng.below(100) {
            0..=44 => {
                if let Some(v) = self.db.get(&key, &ReadOptions::default()).unwrap() {
                    let (_, version, _) = super::soak::decode_value(&v);
                    self.check(w, &key, version, &v);
                }
                self.counts.gets += 1;
            }
            45..=64 => {
                let at = self.rng.below(MAX_TEST_VERSION + 2);
                if let Some((v, found)) = self
                    .db
                    .get_with_version(&key, at, &ReadOptions::default())
                    .unwrap()
                {
                    assert!(found <= at, "asked as of {at}, got version {found}");
                    self.check(w, &key, found, &v);
                }
                self.counts.versioned_gets += 1;
            }
            65..=79 => {
                self.read_clock(w, &ReadOptions::default());
            }
            80..=91 => self.check_snapshot(w),
            _ => {
                let all_versions = self.rng.one_in(2);
                self.scan_partition(w, &ReadOptions::default(), all_versions);
            }
        }
    }
}

/// Reads until `stop` is set (at least a few rounds), then returns the
/// counts.
pub fn run_reader(db: &Db, issued: &[AtomicU64], stop: &AtomicBool, seed: u64) -> ReaderCounts {
    let mut reader = Reader {
        db,
        issued,
        rng: Rng::new(seed),
        clocks: vec![0; issued.len()],
        counts: ReaderCounts::default(),
    };
    let mut rounds = 0u64;
    while !stop.load(Ordering::Acquire) || rounds < 20 {
        reader.step();
        rounds += 1;
    }
    reader.counts
}
