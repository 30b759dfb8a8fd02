//! Benchmarks of the Merkle paths (`docs/PERFORMANCE.md`, "Merkle proofs").
//! Every figure is printed as one line `metric value unit`; lines starting
//! with `#` are comments for people.
//!
//! ```sh
//! cargo run --release --example seeds_bench -- [--keys N] [--versions V] [--rounds R] [--dir PATH]
//! cargo run --release --example seeds_bench -- --root-every 1000 [--num N] [--order random|seq]
//! cargo run --release --example seeds_bench -- --fill-compare [--num N] [--reps R]
//! ```
//!
//! * Default mode, the seeds' workload (`tests/engine_seeds_workload.rs`):
//!   `--keys` × `--versions` versioned puts with small buffers, then, once
//!   background compaction has settled (no change in the engine's
//!   compaction counters and table counts for one second), reads of every
//!   97th key at each version and at the latest: plain, with proof, with
//!   proof and verification, and verification alone of the stored encoded
//!   proofs; proof sizes; a full iteration.
//! * `--root-every K`: `--num` plain puts (default options, 16-byte keys,
//!   100-byte values), asking for the MasterRoot after every K writes; the
//!   writes and the root calls are timed apart.
//! * `--fill-compare`: fillrandom of `--num` records with
//!   `merkle_on_write` on and off, interleaved (the order flips each
//!   repetition), `--reps` times; medians and ratios, and the storage taken
//!   by the `avccdb.merkle` meta blocks.
//!
//! Databases go to a fresh directory under `--dir` (default: the system
//! temp dir) and are removed afterwards unless `--keep` is given.
//! `--existing PATH` runs the seeds' reads on a database written before
//! (kept with `--keep`; copy it first, reads can trigger compactions), so
//! two builds can be compared on the same layout.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use avccdb::merkle::{verify, verify_bytes, Answer, LayerKind, Proof, Query};
use avccdb::table::{Compression, Table, TableReadOptions, MERKLE_META_NAME};
use avccdb::{Db, Options, ReadOptions, Stats, WriteOptions};

type BoxError = Box<dyn std::error::Error>;

struct Args {
    keys: u64,
    versions: u64,
    rounds: usize,
    dir: PathBuf,
    keep: bool,
    existing: Option<PathBuf>,
    /// Block cache for the seeds' database (MiB); the Merkle block cache is
    /// a quarter of it. Default: the engine's default.
    block_cache_mib: Option<u64>,
    root_every: Option<u64>,
    num: u64,
    sequential: bool,
    fill_compare: bool,
    reps: usize,
}

fn usage() -> ! {
    eprintln!(
        "usage: seeds_bench [--keys N] [--versions V] [--rounds R] [--dir PATH] [--keep] [--block-cache-mib M]\n\
         \x20      seeds_bench --existing PATH [--keys N] [--versions V] [--rounds R]\n\
         \x20      seeds_bench --root-every K [--num N] [--order random|seq] [--dir PATH]\n\
         \x20      seeds_bench --fill-compare [--num N] [--reps R] [--dir PATH]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        keys: 100_000,
        versions: 5,
        rounds: 3,
        dir: std::env::temp_dir(),
        keep: false,
        existing: None,
        block_cache_mib: None,
        root_every: None,
        num: 1_000_000,
        sequential: false,
        fill_compare: false,
        reps: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        let number = |s: String| {
            s.replace('_', "")
                .parse::<u64>()
                .unwrap_or_else(|_| usage())
        };
        match flag.as_str() {
            "--keys" => a.keys = number(value()),
            "--versions" => a.versions = number(value()),
            "--rounds" => a.rounds = number(value()).max(1) as usize,
            "--dir" => a.dir = PathBuf::from(value()),
            "--keep" => a.keep = true,
            "--existing" => a.existing = Some(PathBuf::from(value())),
            "--block-cache-mib" => a.block_cache_mib = Some(number(value())),
            "--root-every" => a.root_every = Some(number(value()).max(1)),
            "--num" => a.num = number(value()),
            "--order" => {
                a.sequential = match value().as_str() {
                    "seq" => true,
                    "random" => false,
                    _ => usage(),
                }
            }
            "--fill-compare" => a.fill_compare = true,
            "--reps" => a.reps = number(value()).max(1) as usize,
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    a
}

fn main() -> Result<(), BoxError> {
    let args = parse_args();
    println!(
        "# seeds_bench: avccdb {} ({} build)",
        env!("CARGO_PKG_VERSION"),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    if args.fill_compare {
        fill_compare(&args)
    } else if let Some(every) = args.root_every {
        root_every(&args, every)
    } else {
        seeds(&args)
    }
}

/// Prints one figure.
fn metric(name: &str, value: impl Display, unit: &str) {
    println!("{name} {value} {unit}");
}

fn per_sec(ops: usize, d: Duration) -> String {
    format!("{:.0}", ops as f64 / d.as_secs_f64())
}

/// CPU time of the calling thread (immune to time-sharing with other
/// processes, unlike wall time, on a busy machine).
fn thread_cpu() -> Duration {
    // SAFETY: clock_gettime writes one timespec into the struct we pass.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: see above; the clock id is valid on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Runs `f` (`ops` operations on this thread) and prints its rate per
/// wall-clock second (`name`) and per second of this thread's CPU time
/// (`name_cpu`).
fn timed(name: &str, ops: usize, f: impl FnOnce() -> Result<(), BoxError>) -> Result<(), BoxError> {
    let (wall, cpu) = (Instant::now(), thread_cpu());
    f()?;
    let (wall, cpu) = (wall.elapsed(), thread_cpu() - cpu);
    metric(name, per_sec(ops, wall), "ops/s");
    metric(&format!("{name}_cpu"), per_sec(ops, cpu), "ops/s");
    Ok(())
}

/// A database directory of its own, removed when dropped (unless kept).
struct Scratch {
    path: PathBuf,
    keep: bool,
}

impl Scratch {
    fn new(args: &Args, tag: &str) -> Scratch {
        let path = args
            .dir
            .join(format!("avccdb-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Scratch {
            path,
            keep: args.keep,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.keep {
            println!("# kept {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// What changes while background work goes on.
fn activity(s: &Stats) -> Vec<u64> {
    let mut v = vec![
        s.memdb_compactions,
        s.level0_compactions,
        s.non_level0_compactions,
        s.seek_compactions,
        s.trivial_moves,
        s.write_paused as u64,
    ];
    v.extend(s.levels.iter().map(|l| l.tables as u64));
    v
}

/// Waits until nothing has changed for a second; returns the time until
/// the last change was seen.
fn settle(db: &Db) -> Duration {
    let start = Instant::now();
    let mut last = activity(&db.stats());
    let mut last_change = start;
    while last_change.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(50));
        let now = activity(&db.stats());
        if now != last {
            last = now;
            last_change = Instant::now();
        }
    }
    last_change - start
}

fn levels_line(s: &Stats) -> String {
    s.levels
        .iter()
        .map(|l| l.tables.to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// CPU time (user + system) of the whole process, every thread.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes one rusage into the zeroed struct we pass.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: see above; RUSAGE_SELF is always valid.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

// --- the seeds' workload --------------------------------------------------

fn seeds_options(args: &Args) -> Options {
    let defaults = Options::default();
    Options {
        block_cache_capacity: args
            .block_cache_mib
            .map_or(defaults.block_cache_capacity, |m| (m << 20) as usize),
        write_buffer: 256 << 10,
        compaction_table_size: 512 << 10,
        compaction_total_size: 2 << 20,
        write_l0_slowdown_trigger: 4,
        write_l0_pause_trigger: 8,
        compaction_l0_trigger: 4,
        compression: Compression::None,
        ..defaults
    }
}

fn seed_key(i: u64) -> Vec<u8> {
    format!("seed-key-{i:07}").into_bytes()
}

fn seed_value(i: u64, v: u64) -> Vec<u8> {
    format!("v{v}-of-{i}").into_bytes()
}

/// (key, version asked, expected answer as (value, version)).
type SeedQuery = (Vec<u8>, u64, Option<(Vec<u8>, u64)>);

/// Layers of a proof by kind: (memdbs, level-0 tables, levels).
fn layer_counts(p: &Proof) -> (usize, usize, usize) {
    let count = |k: LayerKind| p.layers.iter().filter(|l| l.kind == k).count();
    (
        count(LayerKind::Memdb),
        count(LayerKind::Level0Table),
        count(LayerKind::Level),
    )
}

fn report_layers(db: &Db, tag: &str) -> Result<(), BoxError> {
    let p = db.get_with_proof(&seed_key(0), u64::MAX, &ReadOptions::default())?;
    let (m, l0, lv) = layer_counts(&p.proof);
    metric(&format!("{tag}layers"), p.proof.layers.len(), "layers");
    metric(&format!("{tag}layers_memdb"), m, "layers");
    metric(&format!("{tag}layers_level0"), l0, "layers");
    metric(&format!("{tag}layers_level"), lv, "layers");
    Ok(())
}

fn seeds(args: &Args) -> Result<(), BoxError> {
    let (keys, versions) = (args.keys, args.versions);
    println!(
        "# seeds workload: {keys} keys x {versions} versions, write_buffer 256 KiB, table 512 KiB, \
         total 2 MiB, L0 4/8/4, no compression, block cache {} bytes",
        seeds_options(args).block_cache_capacity
    );
    let scratch = Scratch::new(args, "seeds-bench");
    let db = match &args.existing {
        // A database this program wrote before (kept with --keep).
        Some(path) => Db::open(path, seeds_options(args))?,
        None => Db::open(&scratch.path, seeds_options(args))?,
    };
    let wo = WriteOptions::default();
    let ro = ReadOptions::default();

    if args.existing.is_none() {
        let t = Instant::now();
        for v in 1..=versions {
            for i in 0..keys {
                db.put_with_version(&seed_key(i), v, &seed_value(i, v), &wo)?;
            }
        }
        let took = t.elapsed();
        let puts = (keys * versions) as usize;
        metric("versioned_put", per_sec(puts, took), "ops/s");
        metric(
            "versioned_put_time",
            format!("{:.3}", took.as_secs_f64()),
            "s",
        );
    }

    let settled = settle(&db);
    let stats = db.stats();
    metric("settle_time", format!("{:.3}", settled.as_secs_f64()), "s");
    println!("# tables per level after settling: {}", levels_line(&stats));
    metric("write_delays", stats.write_delay_count, "count");
    report_layers(&db, "")?;

    // Every 97th key at each version and at the latest.
    let mut queries: Vec<SeedQuery> = Vec::new();
    for i in (0..keys).step_by(97) {
        for v in (1..=versions).chain([u64::MAX]) {
            let found = v.min(versions);
            queries.push((seed_key(i), v, Some((seed_value(i, found), found))));
        }
    }
    metric("queries", queries.len(), "queries");
    let ops = queries.len() * args.rounds;

    timed("get_with_version", ops, || {
        for _ in 0..args.rounds {
            for (k, v, want) in &queries {
                let got = db.get_with_version(k, *v, &ro)?;
                assert_eq!(&got, want, "get_with_version");
            }
        }
        Ok(())
    })?;
    timed("get_with_proof", ops, || {
        for _ in 0..args.rounds {
            for (k, v, want) in &queries {
                let p = db.get_with_proof(k, *v, &ro)?;
                assert_eq!(&p.value, want, "get_with_proof");
            }
        }
        Ok(())
    })?;
    timed("get_with_proof_verify", ops, || {
        for _ in 0..args.rounds {
            for (k, v, want) in &queries {
                let p = db.get_with_proof(k, *v, &ro)?;
                let q = Query::Get {
                    key: k,
                    version: *v,
                };
                check_answer(&verify(&p.root, &q, &p.proof)?, want);
            }
        }
        Ok(())
    })?;

    // Stored encoded proofs, then verification alone: decode + verify, and
    // verify of already decoded proofs.
    let mut stored = Vec::with_capacity(queries.len());
    for (k, v, _) in &queries {
        let p = db.get_with_proof(k, *v, &ro)?;
        stored.push((p.root, p.proof.encode()));
    }
    timed("verify_only", ops, || {
        for _ in 0..args.rounds {
            for ((k, v, want), (root, bytes)) in queries.iter().zip(&stored) {
                let q = Query::Get {
                    key: k,
                    version: *v,
                };
                check_answer(&verify_bytes(root, &q, bytes)?, want);
            }
        }
        Ok(())
    })?;
    let decoded: Vec<Proof> = stored
        .iter()
        .map(|(_, b)| Proof::decode(b))
        .collect::<Result<_, _>>()?;
    timed("verify_decoded", ops, || {
        for _ in 0..args.rounds {
            for ((k, v, want), ((root, _), proof)) in
                queries.iter().zip(stored.iter().zip(&decoded))
            {
                let q = Query::Get {
                    key: k,
                    version: *v,
                };
                check_answer(&verify(root, &q, proof)?, want);
            }
        }
        Ok(())
    })?;

    let mut sizes: Vec<usize> = stored.iter().map(|(_, b)| b.len()).collect();
    sizes.sort_unstable();
    metric("proof_size_median", sizes[sizes.len() / 2], "bytes");
    metric("proof_size_max", sizes[sizes.len() - 1], "bytes");
    let opened: Vec<usize> = decoded
        .iter()
        .map(|p| {
            p.layers
                .iter()
                .filter(|l| !matches!(l.body, avccdb::merkle::proof::LayerBody::Skipped { .. }))
                .count()
        })
        .collect();
    metric(
        "proof_layers_opened_mean",
        format!(
            "{:.2}",
            opened.iter().sum::<usize>() as f64 / opened.len() as f64
        ),
        "layers",
    );

    let t = Instant::now();
    let mut it = db.iter(&ro)?;
    it.seek_to_first();
    let mut count = 0u64;
    while it.valid() {
        count += 1;
        it.next();
    }
    it.status()?;
    let took = t.elapsed();
    drop(it);
    assert_eq!(count, keys, "full iteration");
    metric("iteration_count", count, "keys");
    metric("iteration", per_sec(count as usize, took), "keys/s");

    let stats = db.stats();
    metric("seek_compactions", stats.seek_compactions, "count");
    report_layers(&db, "end_")?;
    db.close()?;
    Ok(())
}

fn check_answer(answer: &Answer, want: &Option<(Vec<u8>, u64)>) {
    match (answer, want) {
        (Answer::Found { value, version }, Some((v, ver))) => {
            assert!(value == v && version == ver, "verified answer differs")
        }
        (Answer::Absent, None) => {}
        _ => panic!("verified answer differs: {answer:?} vs {want:?}"),
    }
}

// --- db_bench-style records -------------------------------------------------

/// db_bench's values: 100-byte pieces of a pool, each half random
/// printable bytes and half a repeat of them (compresses to about half).
struct Values {
    pool: Vec<u8>,
    pos: usize,
}

const VALUE_SIZE: usize = 100;

impl Values {
    fn new() -> Values {
        let mut s = 1234u64;
        let mut pool = vec![0u8; 1 << 20];
        for piece in pool.chunks_mut(VALUE_SIZE) {
            let raw = (piece.len() / 2).max(1);
            for b in &mut piece[..raw] {
                *b = b' ' + (splitmix(&mut s) % 95) as u8;
            }
            for i in raw..piece.len() {
                piece[i] = piece[i % raw];
            }
        }
        Values { pool, pos: 0 }
    }

    fn next(&mut self) -> &[u8] {
        if self.pos + VALUE_SIZE > self.pool.len() {
            self.pos = 0;
        }
        let v = &self.pool[self.pos..self.pos + VALUE_SIZE];
        self.pos += VALUE_SIZE;
        v
    }
}

fn splitmix(s: &mut u64) -> u64 {
    *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn bench_key(k: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(format!("{k:016}").as_bytes());
    out
}

// --- --root-every -------------------------------------------------------------

fn root_every(args: &Args, every: u64) -> Result<(), BoxError> {
    let num = args.num;
    println!(
        "# root every {every} writes: {num} puts, default options, 16-byte keys ({}), \
         100-byte values",
        if args.sequential {
            "sequential"
        } else {
            "random"
        }
    );
    let scratch = Scratch::new(args, "root-bench");
    let db = Db::open(&scratch.path, Options::default())?;
    let (wo, ro) = (WriteOptions::default(), ReadOptions::default());
    let mut values = Values::new();
    let mut rng = 301u64;
    let (mut writes, mut roots) = (Duration::ZERO, Duration::ZERO);
    let mut calls = 0u64;
    let mut worst = Duration::ZERO;
    let mut done = 0u64;
    while done < num {
        let chunk = every.min(num - done);
        let t = Instant::now();
        for j in 0..chunk {
            let k = if args.sequential {
                done + j
            } else {
                splitmix(&mut rng) % num
            };
            db.put(&bench_key(k), values.next(), &wo)?;
        }
        writes += t.elapsed();
        done += chunk;
        let t = Instant::now();
        std::hint::black_box(db.master_root(&ro)?);
        let took = t.elapsed();
        roots += took;
        worst = worst.max(took);
        calls += 1;
    }
    metric("root_writes", num, "puts");
    metric("root_calls", calls, "calls");
    metric(
        "root_writes_time",
        format!("{:.3}", writes.as_secs_f64()),
        "s",
    );
    metric(
        "root_roots_time",
        format!("{:.3}", roots.as_secs_f64()),
        "s",
    );
    metric(
        "root_cost_ratio",
        format!("{:.3}", roots.as_secs_f64() / writes.as_secs_f64()),
        "roots/writes",
    );
    metric(
        "root_call_mean",
        format!("{:.1}", roots.as_secs_f64() * 1e6 / calls as f64),
        "us",
    );
    metric(
        "root_call_max",
        format!("{:.1}", worst.as_secs_f64() * 1e6),
        "us",
    );
    metric("root_put", per_sec(num as usize, writes), "ops/s");
    db.close()?;
    Ok(())
}

// --- --fill-compare -------------------------------------------------------------

struct FillRun {
    write: Duration,
    /// Writes slowed down or paused by level-0 flow control, and their time.
    delays: u64,
    delayed: Duration,
    settled: Duration,
    cpu: Duration,
    meta_bytes: u64,
    table_bytes: u64,
    tables: usize,
}

fn fill_once(args: &Args, merkle: bool, rep: usize) -> Result<FillRun, BoxError> {
    let scratch = Scratch::new(args, if merkle { "fill-on" } else { "fill-off" });
    let db = Db::open(
        &scratch.path,
        Options {
            merkle_on_write: merkle,
            ..Options::default()
        },
    )?;
    let wo = WriteOptions::default();
    let mut values = Values::new();
    // The same keys for both settings of a repetition.
    let mut rng = 1000 + rep as u64;
    let cpu0 = cpu_time();
    let t = Instant::now();
    for _ in 0..args.num {
        let k = splitmix(&mut rng) % args.num;
        db.put(&bench_key(k), values.next(), &wo)?;
    }
    let write = t.elapsed();
    let stats = db.stats();
    let settled = write + settle(&db);
    let cpu = cpu_time() - cpu0;
    db.close()?;
    drop(db);
    let (meta_bytes, table_bytes, tables) = meta_overhead(&scratch.path)?;
    Ok(FillRun {
        write,
        delays: stats.write_delay_count,
        delayed: stats.write_delay_duration,
        settled,
        cpu,
        meta_bytes,
        table_bytes,
        tables,
    })
}

/// (sum of `avccdb.merkle` meta block sizes, sum of table file sizes,
/// tables) of the database in `dir`.
fn meta_overhead(dir: &Path) -> Result<(u64, u64, usize), BoxError> {
    let (mut meta, mut total, mut tables) = (0u64, 0u64, 0usize);
    for e in std::fs::read_dir(dir)? {
        let path = e?.path();
        if path.extension().and_then(|x| x.to_str()) != Some("ldb") {
            continue;
        }
        let size = std::fs::metadata(&path)?.len();
        let file = Arc::new(std::fs::File::open(&path)?);
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let table = Table::open(file, size, TableReadOptions::default(), &name)?;
        if let Some(block) = table.read_meta_block(MERKLE_META_NAME)? {
            meta += block.len() as u64;
        }
        total += size;
        tables += 1;
    }
    Ok((meta, total, tables))
}

fn fill_compare(args: &Args) -> Result<(), BoxError> {
    println!(
        "# fillrandom {} x (16-byte key, 100-byte value), default options, merkle_on_write \
         on vs off, {} repetitions, interleaved",
        args.num, args.reps
    );
    let mut on: Vec<FillRun> = Vec::new();
    let mut off: Vec<FillRun> = Vec::new();
    for rep in 0..args.reps {
        let order = if rep % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for merkle in order {
            let r = fill_once(args, merkle, rep)?;
            let tag = if merkle { "on" } else { "off" };
            println!(
                "# rep {} merkle_on_write={tag}: write {:.3} s, until settled {:.3} s, cpu {:.3} s, \
                 {} tables, {} write delays ({:.3} s)",
                rep + 1,
                r.write.as_secs_f64(),
                r.settled.as_secs_f64(),
                r.cpu.as_secs_f64(),
                r.tables,
                r.delays,
                r.delayed.as_secs_f64()
            );
            if merkle { &mut on } else { &mut off }.push(r);
        }
    }
    let num = args.num as f64;
    let med = |runs: &[FillRun], f: &dyn Fn(&FillRun) -> f64| {
        median(&mut runs.iter().map(f).collect::<Vec<_>>())
    };
    let paired = |f: &dyn Fn(&FillRun) -> f64| {
        median(
            &mut on
                .iter()
                .zip(&off)
                .map(|(a, b)| f(a) / f(b))
                .collect::<Vec<_>>(),
        )
    };
    let write = |r: &FillRun| r.write.as_secs_f64();
    let settled = |r: &FillRun| r.settled.as_secs_f64();
    let cpu = |r: &FillRun| r.cpu.as_secs_f64();
    metric(
        "fill_on_write",
        format!("{:.0}", num / med(&on, &write)),
        "ops/s",
    );
    metric(
        "fill_off_write",
        format!("{:.0}", num / med(&off, &write)),
        "ops/s",
    );
    metric("fill_on_settled", format!("{:.3}", med(&on, &settled)), "s");
    metric(
        "fill_off_settled",
        format!("{:.3}", med(&off, &settled)),
        "s",
    );
    let delayed = |r: &FillRun| r.delayed.as_secs_f64();
    metric("fill_on_delayed", format!("{:.3}", med(&on, &delayed)), "s");
    metric(
        "fill_off_delayed",
        format!("{:.3}", med(&off, &delayed)),
        "s",
    );
    metric("fill_on_cpu", format!("{:.3}", med(&on, &cpu)), "s");
    metric("fill_off_cpu", format!("{:.3}", med(&off, &cpu)), "s");
    metric(
        "fill_write_time_ratio",
        format!("{:.3}", med(&on, &write) / med(&off, &write)),
        "on/off",
    );
    metric(
        "fill_write_time_ratio_paired",
        format!("{:.3}", paired(&write)),
        "on/off",
    );
    metric(
        "fill_settled_time_ratio",
        format!("{:.3}", med(&on, &settled) / med(&off, &settled)),
        "on/off",
    );
    metric(
        "fill_cpu_ratio",
        format!("{:.3}", med(&on, &cpu) / med(&off, &cpu)),
        "on/off",
    );
    metric(
        "fill_cpu_ratio_paired",
        format!("{:.3}", paired(&cpu)),
        "on/off",
    );
    let meta: u64 = on.iter().map(|r| r.meta_bytes).sum();
    let total: u64 = on.iter().map(|r| r.table_bytes).sum();
    let last = on.last().expect("one repetition at least");
    metric("merkle_meta_bytes", last.meta_bytes, "bytes");
    metric("table_bytes", last.table_bytes, "bytes");
    if total == 0 {
        println!("# no table was written: no meta-block overhead to report");
    } else {
        metric(
            "merkle_meta_overhead",
            format!("{:.3}", 100.0 * meta as f64 / total as f64),
            "percent",
        );
    }
    let off_meta: u64 = off.iter().map(|r| r.meta_bytes).sum();
    metric("merkle_meta_bytes_off", off_meta, "bytes");
    Ok(())
}
