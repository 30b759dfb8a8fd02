//! Concurrency soak: writer threads each own a key partition and an exact
//! model of it (puts, versioned puts, deletes, atomic batches, large
//! batches through the transaction path, checks through snapshots taken
//! and re-checked later); reader threads read every partition and check
//! what holds under any interleaving. Small buffers and low level-0
//! triggers make rotations, slowdowns, pauses and compactions happen. At
//! the end the whole database is checked against the union of the models,
//! then again after reopening and after a full compaction.
//!
//! By default a fixed small number of operations (quick under `cargo
//! test`); at length:
//! `AVCCDB_SOAK_SECS=1800 cargo test --release --test engine_soak -- --nocapture`
//! (also `AVCCDB_SOAK_WRITERS`, `_READERS`, `_OPS`, `_SEED`).

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use avccdb::{Batch, Db, Options, ReadOptions, Snapshot};
use common::model::Model;
use common::soak::{
    check_range, clock_key, data_key, pair_keys, partition_end, partition_prefix, scan, Rng,
    SoakConfig, KEYS_PER_PARTITION, MAX_TEST_VERSION,
};
use common::soak_reader::{run_reader, ReaderCounts};
use common::{ro, wo, TempDir};

/// 64 KiB memdbs and level-0 triggers 2/3/3: rotations, slowdowns, pauses
/// and compactions all the time. (With a pause trigger of 4, a 31-minute
/// run paused only twice: the pause trigger equal to the slowdown trigger
/// turns every rotation that meets a slowed-down level 0 into a pause.)
fn soak_options() -> Options {
    Options {
        write_buffer: 64 << 10,
        compaction_table_size: 64 << 10,
        compaction_total_size: 256 << 10,
        compaction_l0_trigger: 2,
        write_l0_slowdown_trigger: 3,
        write_l0_pause_trigger: 3,
        ..Options::default()
    }
}

/// What the threads shared: the database, the stop flag for readers, and
/// each writer's last counter handed to the database (stored before the
/// write, so any value a reader sees has a counter ≤ it).
struct Shared {
    db: Db,
    cfg: SoakConfig,
    stop: AtomicBool,
    issued: Vec<AtomicU64>,
}

/// Operations done, by kind, summed over the threads for the report.
#[derive(Default, Debug)]
struct Counts {
    puts: u64,
    versioned_puts: u64,
    deletes: u64,
    versioned_deletes: u64,
    batches: u64,
    large_batches: u64,
    own_key_checks: u64,
    own_range_checks: u64,
    snapshots_checked: u64,
    old_snapshots_rechecked: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.puts += o.puts;
        self.versioned_puts += o.versioned_puts;
        self.deletes += o.deletes;
        self.versioned_deletes += o.versioned_deletes;
        self.batches += o.batches;
        self.large_batches += o.large_batches;
        self.own_key_checks += o.own_key_checks;
        self.own_range_checks += o.own_range_checks;
        self.snapshots_checked += o.snapshots_checked;
        self.old_snapshots_rechecked += o.old_snapshots_rechecked;
    }
}

fn at(snap: &Snapshot) -> ReadOptions {
    ReadOptions {
        snapshot: Some(snap.clone()),
        ..ReadOptions::default()
    }
}

/// One writer: its partition, its model of it, the snapshots it keeps
/// with the model as of each.
struct Writer<'a> {
    w: usize,
    shared: &'a Shared,
    rng: Rng,
    model: Model,
    counter: u64,
    kept: Vec<(Snapshot, Model)>,
    counts: Counts,
}

impl Writer<'_> {
    fn db(&self) -> &Db {
        &self.shared.db
    }

    fn next_counter(&mut self) -> u64 {
        self.counter += 1;
        self.shared.issued[self.w].store(self.counter, Ordering::Release);
        self.counter
    }

    fn pad(&mut self) -> usize {
        if self.rng.one_in(50) {
            2_000
        } else {
            self.rng.below(64) as usize
        }
    }

    fn random_key(&mut self) -> Vec<u8> {
        data_key(self.w, self.rng.below(KEYS_PER_PARTITION))
    }

    /// Adds one random record (put or delete, version 0 or explicit) to
    /// `batch` and to the model; returns its kind for the counts.
    fn random_record(&mut self, batch: &mut Batch, counter: u64, pad: usize) -> usize {
        let key = self.random_key();
        let kind = self.rng.below(10) as usize;
        let version = if kind % 2 == 1 {
            1 + self.rng.below(MAX_TEST_VERSION)
        } else {
            0
        };
        let value = if kind < 8 {
            let v = common::soak::encode_value(&key, version, counter, pad);
            if version == 0 {
                batch.put(&key, &v);
            } else {
                batch.put_with_version(&key, version, &v);
            }
            Some(v)
        } else {
            if version == 0 {
                batch.delete(&key);
            } else {
                batch.delete_with_version(&key, version);
            }
            None
        };
        self.model.entry(key).or_default().insert(version, value);
        kind
    }

    fn single_write(&mut self) {
        let counter = self.next_counter();
        let pad = self.pad();
        let mut batch = Batch::new();
        match self.random_record(&mut batch, counter, pad) {
            0 | 2 | 4 | 6 => self.counts.puts += 1,
            1 | 3 | 5 | 7 => self.counts.versioned_puts += 1,
            8 => self.counts.deletes += 1,
            _ => self.counts.versioned_deletes += 1,
        }
        // One record: the same path as Db::put / put_with_version / delete.
        self.db().write(&batch, &wo()).unwrap();
    }

    /// An atomic batch of `records` random records plus the clock and
    /// pair keys. Past the write buffer it goes through a transaction.
    fn batch_write(&mut self, records: u64, pad: usize) {
        let counter = self.next_counter();
        let mut batch = Batch::new();
        for _ in 0..records {
            self.random_record(&mut batch, counter, pad);
        }
        let mut marker_keys = pair_keys(self.w).to_vec();
        marker_keys.push(clock_key(self.w));
        for key in marker_keys {
            let v = common::soak::encode_value(&key, 0, counter, 0);
            batch.put(&key, &v);
            self.model.entry(key).or_default().insert(0, Some(v));
        }
        self.db().write(&batch, &wo()).unwrap();
    }

    fn check_own_range(&mut self, ro: &ReadOptions, model: &Model) {
        let (lo, hi) = (partition_prefix(self.w), partition_end(self.w));
        check_range(&self.shared.db, ro, model, &lo, &hi, &mut self.rng);
    }

    fn step(&mut self, ops: u64) {
        if ops == 50 || self.rng.one_in(400) {
            // 48 records of ~1.5 KiB: more than the 64 KiB write buffer.
            self.batch_write(48, 1_500);
            self.counts.large_batches += 1;
            return;
        }
        match self.rng.below(100) {
            0..=47 => self.single_write(),
            48..=65 => {
                let (n, pad) = (1 + self.rng.below(16), self.pad());
                self.batch_write(n, pad);
                self.counts.batches += 1;
            }
            66..=79 => {
                let key = self.random_key();
                let model = std::mem::take(&mut self.model);
                common::soak::check_key(&self.shared.db, &ro(), &model, &key, &mut self.rng);
                self.model = model;
                self.counts.own_key_checks += 1;
            }
            80..=83 => {
                let model = std::mem::take(&mut self.model);
                self.check_own_range(&ro(), &model);
                self.model = model;
                self.counts.own_range_checks += 1;
            }
            84..=89 => {
                let snap = self.db().snapshot();
                let model = self.model.clone();
                self.check_own_range(&at(&snap), &model);
                self.counts.snapshots_checked += 1;
                if self.kept.len() < 4 {
                    self.kept.push((snap, model));
                } else {
                    let i = self.rng.below(4) as usize;
                    self.kept[i] = (snap, model);
                }
            }
            90..=93 if !self.kept.is_empty() => {
                let i = self.rng.below(self.kept.len() as u64) as usize;
                let (snap, model) = self.kept[i].clone();
                self.check_own_range(&at(&snap), &model);
                self.counts.old_snapshots_rechecked += 1;
            }
            _ => self.single_write(),
        }
    }
}

fn run_writer(shared: &Shared, w: usize) -> (Model, Counts) {
    let mut writer = Writer {
        w,
        shared,
        rng: Rng::new(shared.cfg.seed ^ (w as u64 + 1)),
        model: Model::new(),
        counter: 0,
        kept: Vec::new(),
        counts: Counts::default(),
    };
    let start = Instant::now();
    let mut ops = 0;
    while shared.cfg.writer_goes_on(start, ops) {
        writer.step(ops);
        ops += 1;
    }
    // The snapshots kept still show their moment, after everything since.
    for (snap, model) in std::mem::take(&mut writer.kept) {
        writer.check_own_range(&at(&snap), &model);
        writer.counts.old_snapshots_rechecked += 1;
    }
    (writer.model, writer.counts)
}

#[test]
fn soak_writers_readers_snapshots_against_models() {
    let cfg = SoakConfig::from_env();
    eprintln!("soak: {cfg:?}");
    let dir = TempDir::new("soak");
    let shared = Arc::new(Shared {
        db: Db::open(dir.path(), soak_options()).unwrap(),
        issued: (0..cfg.writers).map(|_| AtomicU64::new(0)).collect(),
        stop: AtomicBool::new(false),
        cfg: cfg.clone(),
    });
    let started = Instant::now();
    let readers: Vec<_> = (0..cfg.readers)
        .map(|r| {
            let shared = shared.clone();
            thread::spawn(move || {
                run_reader(
                    &shared.db,
                    &shared.issued,
                    &shared.stop,
                    shared.cfg.seed ^ (0x100 + r as u64),
                )
            })
        })
        .collect();
    let writers: Vec<_> = (0..cfg.writers)
        .map(|w| {
            let shared = shared.clone();
            thread::spawn(move || run_writer(&shared, w))
        })
        .collect();
    let mut union = Model::new();
    let mut counts = Counts::default();
    for w in writers {
        let (model, c) = w.join().unwrap();
        union.extend(model);
        counts.add(&c);
    }
    shared.stop.store(true, Ordering::Release);
    let mut reads = ReaderCounts::default();
    for r in readers {
        reads.add(&r.join().unwrap());
    }
    let ran = started.elapsed();
    let db = &shared.db;
    let stats = db.stats();
    eprintln!("soak: ran {ran:?}, writers: {counts:#?}, readers: {reads:#?}");
    eprintln!("soak: stats at the end of the run:\n{}", stats.render());

    // Rotations always happen (far more than 64 KiB is written); under a
    // long run, flow control and level-0 compactions must have too.
    assert!(stats.memdb_compactions > 0, "{stats:?}");
    if cfg.duration.is_some() {
        assert!(stats.write_delay_count > 0, "no slowdown: {stats:?}");
        assert!(stats.write_pause_count > 0, "no pause: {stats:?}");
        assert!(stats.level0_compactions > 0, "{stats:?}");
    }

    let mut rng = Rng::new(cfg.seed);
    let whole = |db: &Db, rng: &mut Rng| check_range(db, &ro(), &union, b"", b"x", rng);
    whole(db, &mut rng);
    let shared = Arc::into_inner(shared).expect("every thread has ended");
    shared.db.close().unwrap();
    drop(shared);
    let db = Db::open(dir.path(), soak_options()).unwrap();
    whole(&db, &mut rng);
    db.compact_range(None, None).unwrap();
    whole(&db, &mut rng);
    assert!(scan(&db, &ro(), b"x", b"\xff", true).is_empty());
    eprintln!("soak: final checks passed (live, reopened, compacted)");
}
