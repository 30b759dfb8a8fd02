/* db_bench — LevelDB-style benchmarks written against the libleveldb C API
 * (<leveldb/c.h>), so the same source builds against libavccdb (which
 * exports every leveldb_* function) and against a real libleveldb, and,
 * with BENCH_ROCKSDB defined, against RocksDB's C API (<rocksdb/c.h>, the
 * same calls under the rocksdb_ prefix, through the DB() macro below), so
 * the three can be compared side by side (docs/PERFORMANCE.md).
 *
 *   db_bench --benchmarks=fillseq,fillrandom,overwrite,readrandom,readseq \
 *            --num=1000000 --value_size=100 --threads=1 --db=/tmp/dbbench
 *
 * Workloads follow LevelDB's db_bench: 16-byte keys ("%016d"), values that
 * compress to half their size, fresh databases for the fill* runs, existing
 * data for overwrite/readrandom/readseq. With --threads=N every thread runs
 * the whole workload (N times the operations); as in LevelDB, micros/op is
 * the per-thread latency (sum of thread time / operations) and MB/s is
 * computed on wall-clock time. Output lines:
 *
 *   fillrandom   :       3.412 micros/op;   32.4 MB/s
 *
 * Built against libavccdb (CMake defines BENCH_PROOFS there), it also has
 * Merkle proof workloads through avccdb.h — provelatest, proveabsent,
 * verifyonly, provehistory — and --merkle_on_write=0|1. Builds against
 * another library (BENCH_PROOFS undefined) do not offer them: the names and
 * the flag are refused as unknown. Every proof is verified and its answer
 * compared with what this run wrote; any mismatch ends the run with
 * "PROOF CHECK FAILED" and exit status 1. Their lines add ops/s, the proof
 * sizes and the verified count:
 *
 *   provelatest  :      19.677 micros/op;    50820 ops/s; proof bytes mean 1181.4
 *                  p50 1311 max 3381 (2000 of 2000 verified)      (one line)
 *
 * With BENCH_VERSIONS (also the libavccdb build) it has fillversions
 * (--versions=K versions of each of num/K keys, avccdb_put_with_version)
 * and readversions (avccdb_get_with_version at random versions, every
 * answer checked: "VERSION CHECK FAILED" and exit status 1 otherwise).
 *
 * Scale: with --stats_summary=1, a line after every benchmark with the
 * bytes of keys and values it wrote, the bytes the process wrote to the
 * block layer meanwhile (/proc/self/io write_bytes) and their ratio, the
 * database directory's size, the live data and the peak RSS; a "total"
 * line for the whole run is always printed at the end (print_scale).
 */
#define _POSIX_C_SOURCE 200809L

/* The C API: LevelDB's <leveldb/c.h> (libavccdb, libleveldb) or, with
 * BENCH_ROCKSDB, RocksDB's <rocksdb/c.h>, whose functions have the same
 * shapes under the rocksdb_ prefix. DB(open) is leveldb_open or
 * rocksdb_open. */
#ifdef BENCH_ROCKSDB
#include <rocksdb/c.h>
#define DB(name) rocksdb_##name
#define STATS_PROPERTY "rocksdb.stats"
#ifdef BENCH_PROOFS
#error "BENCH_PROOFS needs libavccdb"
#endif
#ifdef BENCH_VERSIONS
#error "BENCH_VERSIONS needs libavccdb"
#endif
#else
#include <leveldb/c.h>
#define DB(name) leveldb_##name
#define STATS_PROPERTY "leveldb.stats"
#endif

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#if defined(BENCH_PROOFS) || defined(BENCH_VERSIONS)
#include <avccdb.h>
#endif

#ifndef BENCH_BACKEND
#define BENCH_BACKEND "unknown"
#endif

/* --- flags (names and defaults as in LevelDB's db_bench) ------------------ */
static const char *FLAGS_benchmarks =
    "fillseq,fillsync,fillrandom,overwrite,readrandom,readseq,fillbatch";
static long FLAGS_num = 1000000;
static long FLAGS_reads = -1;
static int FLAGS_value_size = 100;
static int FLAGS_threads = 1;
static int FLAGS_batch = 1000; /* entries per batch in fillbatch */
static double FLAGS_compression_ratio = 0.5;
static long FLAGS_write_buffer_size = 0; /* 0: the library's default */
static long FLAGS_cache_size = -1;       /* -1: the library's default */
static int FLAGS_bloom_bits = -1;        /* -1: the library's default */
static int FLAGS_compression = 1;        /* snappy */
static int FLAGS_use_existing_db = 0;
static int FLAGS_stats = 0;
static int FLAGS_stats_summary = 0; /* a "scale" line after every benchmark */
static uint64_t FLAGS_seed = 301;
static const char *FLAGS_db = NULL;
#ifdef BENCH_PROOFS
static int FLAGS_merkle_on_write = 1; /* avccdb_options_set_merkle_on_write */
static int FLAGS_tamper_proofs = 0;   /* testing: flip a byte of every proof */
#endif
#ifdef BENCH_VERSIONS
static long FLAGS_versions = 10; /* fillversions: versions written per key */
#endif

static void die(const char *what, char *err) {
  fprintf(stderr, "db_bench: %s: %s\n", what, err ? err : "(no message)");
  exit(1);
}

static double now_micros(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* SplitMix64: fast, seedable, one per thread. */
static uint64_t next_rand(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* 1 MiB of value bytes in which every 100-byte piece compresses to about
 * FLAGS_compression_ratio of its size (random printable prefix, repeated). */
#define VALUE_POOL (1 << 20)
static char *value_pool;

static void init_value_pool(void) {
  value_pool = malloc(VALUE_POOL);
  if (!value_pool) die("malloc", NULL);
  uint64_t s = 1234;
  int piece = 100;
  for (int pos = 0; pos < VALUE_POOL; pos += piece) {
    int len = pos + piece <= VALUE_POOL ? piece : VALUE_POOL - pos;
    int raw = (int)(len * FLAGS_compression_ratio);
    if (raw < 1) raw = 1;
    for (int i = 0; i < raw; i++) value_pool[pos + i] = (char)(' ' + next_rand(&s) % 95);
    for (int i = raw; i < len; i++) value_pool[pos + i] = value_pool[pos + i % raw];
  }
}

static const char *value_at(size_t *pos) {
  if (*pos + (size_t)FLAGS_value_size > VALUE_POOL) *pos = 0;
  const char *v = value_pool + *pos;
  *pos += (size_t)FLAGS_value_size;
  return v;
}

/* --- the database ----------------------------------------------------------- */
static DB(t) *db;
static DB(options_t) *options;
static DB(cache_t) *cache;
static DB(filterpolicy_t) *filter; /* LevelDB API only (RocksDB's table options own it) */
#ifdef BENCH_ROCKSDB
static rocksdb_block_based_table_options_t *table_options;
#endif

static void open_db(void) {
  char *err = NULL;
  db = DB(open)(options, FLAGS_db, &err);
  if (err) die("open", err);
}

static void close_db(void) {
  DB(close)(db);
  db = NULL;
}

static void destroy_db(void) {
  char *err = NULL;
  DB(destroy_db)(options, FLAGS_db, &err);
  if (err) die("destroy", err);
}

/* --- scale accounting ----------------------------------------------------------- */
/* The bytes of keys and values this run wrote (all benchmarks, all
 * threads), and, with --stats_summary=1, which keys of [0, num) hold a value
 * written by this run since the database was created (one bit per key), for
 * the size of the live data. */
static int64_t user_written_total;
static _Atomic uint64_t *live_bits;
static int64_t live_versioned_bytes; /* fillversions: its (key, version) records */

static void mark_live(long k) {
  if (live_bits)
    atomic_fetch_or_explicit(&live_bits[k / 64], 1ull << (k % 64), memory_order_relaxed);
}

static void forget_live(void) {
  if (live_bits)
    for (long i = 0; i < (FLAGS_num + 63) / 64; i++)
      atomic_store_explicit(&live_bits[i], 0, memory_order_relaxed);
  live_versioned_bytes = 0;
}

/* Keys and values of the distinct records this run wrote to the database
 * (a key overwritten counts once: the live data). */
static int64_t live_user_bytes(void) {
  int64_t n = 0;
  for (long i = 0; i < (FLAGS_num + 63) / 64; i++)
    n += __builtin_popcountll(atomic_load_explicit(&live_bits[i], memory_order_relaxed));
  return n * (16 + FLAGS_value_size) + live_versioned_bytes;
}

/* write_bytes of /proc/self/io: the bytes this process (every thread,
 * the library's background threads too) caused to be sent to the block
 * layer, counted when pages are dirtied. -1 when unavailable. */
static int64_t io_write_bytes(void) {
  FILE *f = fopen("/proc/self/io", "r");
  if (!f) return -1;
  char line[128];
  int64_t v = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "write_bytes: %" SCNd64, &v) == 1) break;
  fclose(f);
  return v;
}

/* The sum of the sizes of the regular files under path. */
static int64_t dir_bytes(const char *path) {
  DIR *d = opendir(path);
  if (!d) return 0;
  int64_t sum = 0;
  struct dirent *e;
  char child[4096];
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    int len = snprintf(child, sizeof child, "%s/%s", path, e->d_name);
    if (len < 0 || (size_t)len >= sizeof child) continue;
    struct stat st;
    if (lstat(child, &st) != 0) continue; /* deleted meanwhile (a compaction) */
    if (S_ISDIR(st.st_mode))
      sum += dir_bytes(child);
    else if (S_ISREG(st.st_mode))
      sum += (int64_t)st.st_size;
  }
  closedir(d);
  return sum;
}

/* The peak resident set size of this process image, in KiB: VmHWM of
 * /proc/self/status. Not getrusage's ru_maxrss, which Linux carries over
 * execve: it would report the parent's size when that was larger (a
 * python3 that started db_bench, say). ru_maxrss only when /proc lacks it.
 * The kernel's high-water mark can lag after memory is returned, so the
 * largest value seen is kept (sampled after every benchmark). */
static long peak_rss_seen;

static long peak_rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  long kib = -1;
  if (f) {
    char line[128];
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
    fclose(f);
  }
  if (kib < 0) {
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    getrusage(RUSAGE_SELF, &ru);
    kib = ru.ru_maxrss;
  }
  if (kib > peak_rss_seen) peak_rss_seen = kib;
  return peak_rss_seen;
}

/* One "scale" line: user_written (keys + values written), io_written
 * (write_bytes of /proc/self/io) and their ratio write_amp, over what
 * `label` covers; then the database directory's size now (disk), the live
 * data and space_amp = disk / live (--stats_summary=1 only), and the peak
 * resident set size so far (peak_rss_kib). */
static void print_scale(const char *label, int64_t user, int64_t io) {
  int64_t disk = dir_bytes(FLAGS_db);
  printf("scale        : %s: user_written=%" PRId64 " io_written=", label, user);
  if (io >= 0)
    printf("%" PRId64 " write_amp=", io);
  else
    printf("- write_amp=");
  if (io >= 0 && user > 0)
    printf("%.3f", (double)io / (double)user);
  else
    printf("-");
  printf(" disk=%" PRId64, disk);
  if (live_bits) {
    int64_t live = live_user_bytes();
    printf(" live_user=%" PRId64 " space_amp=", live);
    if (live > 0)
      printf("%.3f", (double)disk / (double)live);
    else
      printf("-");
  }
  printf(" peak_rss_kib=%ld\n", peak_rss_kib());
  fflush(stdout);
}

/* --- benchmarks --------------------------------------------------------------- */
typedef enum { SEQ, RANDOM } order_t;

#ifdef BENCH_PROOFS
/* What this run wrote, for the proof workloads' checks (kept only when one
 * is requested, so the other benchmarks run exactly as in other builds).
 * written[k] for key k: 0 if not written since the database was created;
 * else bits 0-31 the value's offset in value_pool + 1, bits 32-47 the
 * writing thread + 1, bits 48-62 the benchmark's number, and bit 63 set
 * when two threads of one benchmark wrote k (which write the database kept
 * last is then unknown, so the value is not compared). */
static _Atomic uint64_t *written;
static atomic_long written_keys; /* keys with written[k] != 0 */
static uint64_t bench_number;    /* of the benchmark running */
#define W_AMBIGUOUS (1ull << 63)

static void forget_writes(void) {
  if (!written) return;
  for (long k = 0; k < FLAGS_num; k++) atomic_store_explicit(&written[k], 0, memory_order_relaxed);
  atomic_store(&written_keys, 0);
}

static void record_write(long k, const char *val, int tid) {
  uint64_t off = (uint64_t)(val - value_pool);
  uint64_t gen = (bench_number & 0x7fff) << 48;
  uint64_t mine = gen | ((uint64_t)(tid + 1) & 0xffff) << 32 | (off + 1);
  uint64_t prev = atomic_exchange(&written[k], mine);
  if (prev == 0)
    atomic_fetch_add(&written_keys, 1);
  else if ((prev & (0x7fffull << 48)) == gen &&
           ((prev & W_AMBIGUOUS) || (prev & (0xffffull << 32)) != (mine & (0xffffull << 32))))
    atomic_fetch_or(&written[k], W_AMBIGUOUS);
}
#endif

typedef struct {
  int tid;
  long ops;     /* operations done */
  long found;   /* readrandom hits */
  int64_t bytes;
  double start, finish;
  uint32_t *proof_sizes; /* proof workloads: the size of each proof */
  long unchecked;        /* proof workloads: answers not compared with a write */
} thread_stats;

typedef struct bench bench;
typedef void (*bench_fn)(const bench *b, thread_stats *st, uint64_t *rng);
struct bench {
  const char *name;
  bench_fn fn;
  int fresh_db;
  order_t order;
  int sync;
  long num;       /* operations per thread */
  int per_batch;  /* entries per write batch */
  int proof;      /* a proof workload (BENCH_PROOFS builds only) */
  void (*prepare)(const bench *b); /* untimed, before the threads start */
  void (*finish)(void);            /* untimed, after they end */
};

static void key_of(char *buf, long k) { snprintf(buf, 17, "%016ld", k); }

static void do_write(const bench *b, thread_stats *st, uint64_t *rng) {
  DB(writeoptions_t) *wo = DB(writeoptions_create)();
  DB(writeoptions_set_sync)(wo, (unsigned char)b->sync);
  DB(writebatch_t) *batch = DB(writebatch_create)();
  size_t vpos = (size_t)(st->tid * 4099) % VALUE_POOL;
  char key[17];
  char *err = NULL;
  for (long i = 0; i < b->num; i += b->per_batch) {
    DB(writebatch_clear)(batch);
    for (int j = 0; j < b->per_batch && i + j < b->num; j++) {
      long k = b->order == SEQ ? i + j : (long)(next_rand(rng) % (uint64_t)FLAGS_num);
      key_of(key, k);
      const char *val = value_at(&vpos);
#ifdef BENCH_PROOFS
      if (written) record_write(k, val, st->tid);
#endif
      mark_live(k);
      DB(writebatch_put)(batch, key, 16, val, (size_t)FLAGS_value_size);
      st->bytes += 16 + FLAGS_value_size;
      st->ops++;
    }
    DB(write)(db, wo, batch, &err);
    if (err) die("write", err);
  }
  DB(writebatch_destroy)(batch);
  DB(writeoptions_destroy)(wo);
}

static void do_readrandom(const bench *b, thread_stats *st, uint64_t *rng) {
  DB(readoptions_t) *ro = DB(readoptions_create)();
  char key[17];
  char *err = NULL;
  for (long i = 0; i < b->num; i++) {
    key_of(key, (long)(next_rand(rng) % (uint64_t)FLAGS_num));
    size_t vlen = 0;
    char *v = DB(get)(db, ro, key, 16, &vlen, &err);
    if (err) die("get", err);
    if (v) {
      st->found++;
      st->bytes += 16 + (int64_t)vlen;
      DB(free)(v);
    }
    st->ops++;
  }
  DB(readoptions_destroy)(ro);
}

static void do_readseq(const bench *b, thread_stats *st, uint64_t *rng) {
  (void)rng;
  DB(readoptions_t) *ro = DB(readoptions_create)();
  DB(iterator_t) *it = DB(create_iterator)(db, ro);
  long n = 0;
  for (DB(iter_seek_to_first)(it); n < b->num && DB(iter_valid)(it);
       DB(iter_next)(it)) {
    size_t klen, vlen;
    DB(iter_key)(it, &klen);
    DB(iter_value)(it, &vlen);
    st->bytes += (int64_t)(klen + vlen);
    n++;
  }
  char *err = NULL;
  DB(iter_get_error)(it, &err);
  if (err) die("iterator", err);
  st->ops = n;
  DB(iter_destroy)(it);
  DB(readoptions_destroy)(ro);
}

#ifdef BENCH_VERSIONS
/* --- versioned workloads (avccdb only) --------------------------------------- */
/* fillversions writes versions VERSION_STEP, 2 VERSION_STEP, ...,
 * K VERSION_STEP (K = --versions) of every key of [0, num/K) with
 * avccdb_put_with_version: K rounds, version r VERSION_STEP in round r,
 * each putting every key once, in a pseudo-random order of its own per
 * thread and round. The value of (key, version) is a function of the two
 * (versioned_value), so readversions knows what every read must return,
 * also with --use_existing_db=1 when --num, --versions and --value_size
 * are those of the run that wrote the database. */
#define VERSION_STEP 10
static int versions_written; /* fillversions ran, and no other write since */

static long versioned_keys(void) { return FLAGS_num / FLAGS_versions; }

static const char *versioned_value(long k, uint64_t version) {
  uint64_t s = (uint64_t)k * 0x100000001B3ull ^ version;
  uint64_t span = (uint64_t)(VALUE_POOL - FLAGS_value_size) + 1;
  return value_pool + next_rand(&s) % span;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static void do_fillversions(const bench *b, thread_stats *st, uint64_t *rng) {
  (void)b;
  DB(writeoptions_t) *wo = DB(writeoptions_create)();
  uint64_t n = (uint64_t)versioned_keys();
  char key[17];
  char *err = NULL;
  for (long round = 1; round <= FLAGS_versions; round++) {
    uint64_t version = (uint64_t)round * VERSION_STEP;
    /* pos, pos + step, pos + 2 step... (mod n) visits every key once when
     * step and n are coprime. */
    uint64_t step = next_rand(rng) % n;
    while (gcd_u64(step, n) != 1) step++;
    uint64_t pos = next_rand(rng) % n;
    for (uint64_t i = 0; i < n; i++, pos = (pos + step) % n) {
      key_of(key, (long)pos);
      avccdb_put_with_version((avccdb_t *)db, (const avccdb_writeoptions_t *)wo, key, 16, version,
                              versioned_value((long)pos, version), (size_t)FLAGS_value_size, &err);
      if (err) die("avccdb_put_with_version", err);
      st->bytes += 16 + FLAGS_value_size;
      st->ops++;
    }
  }
  DB(writeoptions_destroy)(wo);
}

static void version_fail(const char *key, uint64_t asked, const char *what, uint64_t want,
                         uint64_t found) {
  fprintf(stderr,
          "db_bench: readversions: VERSION CHECK FAILED for key '%.16s' as of version %" PRIu64
          ": %s (expected version %" PRIu64 ", found %" PRIu64 "; 0: none)\n",
          key, asked, what, want, found);
  exit(1);
}

/* readversions: avccdb_get_with_version of a random key of [0, num/K) as of
 * a random version in [0, (K + 1) VERSION_STEP). The answer must be the
 * highest version written at or below the one asked for (none below
 * VERSION_STEP), with the value written for it. */
static void do_readversions(const bench *b, thread_stats *st, uint64_t *rng) {
  DB(readoptions_t) *ro = DB(readoptions_create)();
  uint64_t n = (uint64_t)versioned_keys();
  uint64_t top = (uint64_t)(FLAGS_versions + 1) * VERSION_STEP;
  char key[17];
  char *err = NULL;
  for (long i = 0; i < b->num; i++) {
    long k = (long)(next_rand(rng) % n);
    uint64_t asked = next_rand(rng) % top;
    uint64_t want = asked / VERSION_STEP * VERSION_STEP; /* 0: none written at or below */
    key_of(key, k);
    size_t vlen = 0;
    uint64_t found = 0;
    char *v = avccdb_get_with_version((avccdb_t *)db, (const avccdb_readoptions_t *)ro, key, 16,
                                      asked, &vlen, &found, &err);
    if (err) die("avccdb_get_with_version", err);
    if (!v) {
      if (want) version_fail(key, asked, "nothing found", want, 0);
    } else {
      if (found > asked) version_fail(key, asked, "a version above the one asked for", want, found);
      if (found != want)
        version_fail(key, asked, "not the highest version written at or below it", want, found);
      if (vlen != (size_t)FLAGS_value_size || memcmp(v, versioned_value(k, found), vlen) != 0)
        version_fail(key, asked, "the value differs from the one written for that version", want,
                     found);
      st->found++;
      st->bytes += 16 + (int64_t)vlen;
      avccdb_free(v);
    }
    st->ops++;
  }
  DB(readoptions_destroy)(ro);
}
#endif

#ifdef BENCH_PROOFS
/* --- Merkle proof workloads (avccdb only) ------------------------------------ */
static void proof_fail(const char *bench, const char *key, const char *what, char *err) {
  fprintf(stderr, "db_bench: %s: PROOF CHECK FAILED for key '%.16s': %s%s%s\n", bench, key,
          what, err ? ": " : "", err ? err : "");
  exit(1);
}

/* A random key this run wrote (w = its written[] word), or, when the run
 * wrote none (--use_existing_db=1 without a fill), any key of the key
 * space (w = 0: it may be absent, and its value is not compared). */
static long pick_written(uint64_t *rng, uint64_t *w) {
  for (;;) {
    long k = (long)(next_rand(rng) % (uint64_t)FLAGS_num);
    *w = atomic_load_explicit(&written[k], memory_order_relaxed);
    if (*w || atomic_load(&written_keys) == 0) return k;
  }
}

/* The 16-byte key for proveabsent: key k with its last digit replaced by
 * '.', which sorts just before '0': "000000000012345." falls between the
 * keys of 123449 and 123450. db_bench writes digit-only keys, so it is never
 * written, and its proof shows two neighbours inside the key range. */
static void absent_key_of(char *buf, long k) {
  key_of(buf, k);
  buf[15] = '.';
}

/* Whether the value read for a key matches its last write (w != 0 and not
 * ambiguous); counts the answers that cannot be compared. */
static void check_value(const bench *b, thread_stats *st, const char *key, uint64_t w,
                        const char *v, size_t vlen) {
  if (w == 0 || (w & W_AMBIGUOUS)) {
    st->unchecked++;
    return;
  }
  if (!v) proof_fail(b->name, key, "a key this run wrote was not found", NULL);
  const char *want = value_pool + ((w & 0xffffffffull) - 1);
  if (vlen != (size_t)FLAGS_value_size || memcmp(v, want, vlen) != 0)
    proof_fail(b->name, key, "the value differs from the one written last", NULL);
}

static void tamper(char *proof, size_t len) {
  if (FLAGS_tamper_proofs && len > 0) proof[len / 2] ^= 0x01;
}

static void record_proof_size(thread_stats *st, size_t len) {
  st->proof_sizes[st->found] = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
}

/* Proves and verifies the newest value of key (or its absence): the
 * proven answer must be the one returned. Hands back the proof, its root
 * and the value (NULL when absent) in *out if out is not NULL. */
typedef struct {
  char key[17];
  unsigned char root[AVCCDB_ROOT_SIZE];
  char *proof;
  size_t prooflen;
  char *val;
  size_t vallen;
  uint64_t version;
} proven_get;

static void prove_get(const bench *b, avccdb_readoptions_t *ro, const char *key, proven_get *out) {
  char *err = NULL;
  unsigned char root[AVCCDB_ROOT_SIZE];
  char *proof = NULL;
  size_t vlen = 0, plen = 0;
  uint64_t version = 0;
  char *v = avccdb_get_with_proof((avccdb_t *)db, ro, key, 16, AVCCDB_MAX_VERSION, &vlen, &version,
                                  root, &proof, &plen, &err);
  if (err) die("avccdb_get_with_proof", err);
  if (!proof) proof_fail(b->name, key, "avccdb_get_with_proof returned no proof", NULL);
  tamper(proof, plen);
  char *pv = NULL;
  size_t pvlen = 0;
  uint64_t pversion = 0;
  int r = avccdb_verify_get_proof(root, key, 16, AVCCDB_MAX_VERSION, proof, plen, &pv, &pvlen,
                                  &pversion, &err);
  if (r == AVCCDB_GET_ERROR) proof_fail(b->name, key, "the proof does not verify", err);
  if (r != (v ? AVCCDB_GET_FOUND : AVCCDB_GET_NOT_FOUND))
    proof_fail(b->name, key, v ? "the proof proves absence of a value read"
                               : "the proof proves a value where the read found none", NULL);
  if (v && (pvlen != vlen || memcmp(pv, v, vlen) != 0 || pversion != version))
    proof_fail(b->name, key, "the proven value or version differs from the one read", NULL);
  avccdb_free(pv);
  if (out) {
    memcpy(out->key, key, 17);
    memcpy(out->root, root, sizeof root);
    out->proof = proof;
    out->prooflen = plen;
    out->val = v;
    out->vallen = vlen;
    out->version = version;
  } else {
    avccdb_free(proof);
    avccdb_free(v);
  }
}

static void do_provelatest(const bench *b, thread_stats *st, uint64_t *rng) {
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)DB(readoptions_create)();
  char key[17];
  proven_get p;
  for (long i = 0; i < b->num; i++) {
    uint64_t w;
    key_of(key, pick_written(rng, &w));
    prove_get(b, ro, key, &p);
    check_value(b, st, key, w, p.val, p.vallen);
    record_proof_size(st, p.prooflen);
    avccdb_free(p.proof);
    avccdb_free(p.val);
    st->found++;
    st->ops++;
  }
  DB(readoptions_destroy)((DB(readoptions_t) *)ro);
}

static void do_proveabsent(const bench *b, thread_stats *st, uint64_t *rng) {
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)DB(readoptions_create)();
  char key[17];
  proven_get p;
  for (long i = 0; i < b->num; i++) {
    absent_key_of(key, (long)(next_rand(rng) % (uint64_t)FLAGS_num));
    prove_get(b, ro, key, &p);
    if (p.val) proof_fail(b->name, key, "a key never written was found", NULL);
    record_proof_size(st, p.prooflen);
    avccdb_free(p.proof);
    st->found++;
    st->ops++;
  }
  DB(readoptions_destroy)((DB(readoptions_t) *)ro);
}

/* verifyonly: proofs collected (and checked) before the timing starts;
 * the threads then only verify them, cycling through the set. */
static proven_get *proof_set;
static uint64_t *proof_set_w;
static long proof_set_len;

static void prepare_verifyonly(const bench *b) {
  proof_set_len = b->num < 10000 ? b->num : 10000;
  proof_set = calloc((size_t)proof_set_len, sizeof *proof_set);
  proof_set_w = calloc((size_t)proof_set_len, sizeof *proof_set_w);
  if (!proof_set || !proof_set_w) die("calloc", NULL);
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)DB(readoptions_create)();
  uint64_t rng = FLAGS_seed * 7919u + 17;
  thread_stats st = {0};
  for (long i = 0; i < proof_set_len; i++) {
    char key[17];
    key_of(key, pick_written(&rng, &proof_set_w[i]));
    prove_get(b, ro, key, &proof_set[i]);
    check_value(b, &st, key, proof_set_w[i], proof_set[i].val, proof_set[i].vallen);
  }
  DB(readoptions_destroy)((DB(readoptions_t) *)ro);
}

static void finish_verifyonly(void) {
  for (long i = 0; i < proof_set_len; i++) {
    avccdb_free(proof_set[i].proof);
    avccdb_free(proof_set[i].val);
  }
  free(proof_set);
  free(proof_set_w);
  proof_set = NULL;
  proof_set_w = NULL;
  proof_set_len = 0;
}

static void do_verifyonly(const bench *b, thread_stats *st, uint64_t *rng) {
  if (proof_set_len == 0) return;
  long j = (long)(next_rand(rng) % (uint64_t)proof_set_len);
  for (long i = 0; i < b->num; i++, j = j + 1 == proof_set_len ? 0 : j + 1) {
    const proven_get *p = &proof_set[j];
    char *v = NULL, *err = NULL;
    size_t vlen = 0;
    uint64_t version = 0;
    int r = avccdb_verify_get_proof(p->root, p->key, 16, AVCCDB_MAX_VERSION, p->proof,
                                    p->prooflen, &v, &vlen, &version, &err);
    if (r == AVCCDB_GET_ERROR) proof_fail(b->name, p->key, "the proof does not verify", err);
    if (r != (p->val ? AVCCDB_GET_FOUND : AVCCDB_GET_NOT_FOUND) ||
        (p->val && (vlen != p->vallen || memcmp(v, p->val, vlen) != 0 || version != p->version)))
      proof_fail(b->name, p->key, "the proof proves another answer than the one read", NULL);
    avccdb_free(v);
    if (proof_set_w[j] == 0 || (proof_set_w[j] & W_AMBIGUOUS)) st->unchecked++;
    record_proof_size(st, p->prooflen);
    st->found++;
    st->ops++;
  }
}

/* provehistory: every version of a key ([0, AVCCDB_MAX_VERSION]) with the
 * proof that none is missing; db_bench writes version 0 only, so each
 * history has one entry, the last value written. */
static void do_provehistory(const bench *b, thread_stats *st, uint64_t *rng) {
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)DB(readoptions_create)();
  char key[17];
  for (long i = 0; i < b->num; i++) {
    uint64_t w;
    key_of(key, pick_written(rng, &w));
    char *err = NULL, *proof = NULL;
    size_t plen = 0;
    unsigned char root[AVCCDB_ROOT_SIZE];
    avccdb_version_history_t *h = avccdb_version_history_with_proof(
        (avccdb_t *)db, ro, key, 16, 0, AVCCDB_MAX_VERSION, root, &proof, &plen, &err);
    if (err) die("avccdb_version_history_with_proof", err);
    if (!h || !proof) proof_fail(b->name, key, "no history or no proof returned", NULL);
    tamper(proof, plen);
    avccdb_version_history_t *vh =
        avccdb_verify_history_proof(root, key, 16, 0, AVCCDB_MAX_VERSION, proof, plen, &err);
    if (!vh) proof_fail(b->name, key, "the history proof does not verify", err);
    size_t n = avccdb_version_history_count(h);
    if (avccdb_version_history_count(vh) != n)
      proof_fail(b->name, key, "the proven history has another length than the one read", NULL);
    for (size_t e = 0; e < n; e++) {
      size_t l1 = 0, l2 = 0;
      const char *v1 = avccdb_version_history_value_at(h, e, &l1);
      const char *v2 = avccdb_version_history_value_at(vh, e, &l2);
      if (avccdb_version_history_version_at(h, e) != avccdb_version_history_version_at(vh, e) ||
          l1 != l2 || (l1 && memcmp(v1, v2, l1) != 0))
        proof_fail(b->name, key, "the proven history differs from the one read", NULL);
    }
    size_t vlen = 0;
    const char *newest = n ? avccdb_version_history_value_at(h, 0, &vlen) : NULL;
    check_value(b, st, key, w, newest, vlen);
    record_proof_size(st, plen);
    avccdb_version_history_destroy(vh);
    avccdb_version_history_destroy(h);
    avccdb_free(proof);
    st->found++;
    st->ops++;
  }
  DB(readoptions_destroy)((DB(readoptions_t) *)ro);
}

static int is_proof_bench(const char *name, size_t len) {
  static const char *const names[] = {"provelatest", "proveabsent", "verifyonly", "provehistory"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (len == strlen(names[i]) && strncmp(name, names[i], len) == 0) return 1;
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The tail of a proof workload's report line: throughput and proof sizes
 * (sorts sizes). */
static void proof_summary(char *out, size_t outlen, uint32_t *sizes, long n, long unchecked,
                          double ops_per_sec) {
  double sum = 0;
  for (long i = 0; i < n; i++) sum += sizes[i];
  qsort(sizes, (size_t)n, sizeof *sizes, cmp_u32);
  int len = snprintf(out, outlen,
                     " %8.0f ops/s; proof bytes mean %.1f p50 %" PRIu32 " max %" PRIu32
                     " (%ld of %ld verified",
                     ops_per_sec, n ? sum / (double)n : 0.0, n ? sizes[n / 2] : 0,
                     n ? sizes[n - 1] : 0, n, n);
  if (len >= 0 && (size_t)len < outlen && unchecked > 0)
    len += snprintf(out + len, outlen - (size_t)len,
                    "; %ld values not compared with a write", unchecked);
  if (len >= 0 && (size_t)len < outlen) snprintf(out + len, outlen - (size_t)len, ")");
}
#endif

/* --- threads ------------------------------------------------------------------ */
typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int ready, go;
} start_gate;

typedef struct {
  const bench *b;
  thread_stats st;
  start_gate *gate;
  uint64_t seed;
} thread_arg;

/* Every benchmark's threads get fresh seeds (as LevelDB's db_bench does),
 * so readrandom does not replay the keys fillrandom wrote. */
static uint64_t threads_started;

static void *thread_main(void *p) {
  thread_arg *a = p;
  uint64_t rng = a->seed;
  pthread_mutex_lock(&a->gate->mu);
  a->gate->ready++;
  pthread_cond_broadcast(&a->gate->cv);
  while (!a->gate->go) pthread_cond_wait(&a->gate->cv, &a->gate->mu);
  pthread_mutex_unlock(&a->gate->mu);
  a->st.start = now_micros();
  a->b->fn(a->b, &a->st, &rng);
  a->st.finish = now_micros();
  return NULL;
}

static int is_write(const bench *b) {
#ifdef BENCH_VERSIONS
  if (b->fn == do_fillversions) return 1;
#endif
  return b->fn == do_write;
}

static void run(const bench *b) {
  int64_t io_before = FLAGS_stats_summary ? io_write_bytes() : -1;
  if (b->fresh_db && !FLAGS_use_existing_db) {
    if (db) close_db();
    destroy_db();
    open_db();
    forget_live();
#ifdef BENCH_PROOFS
    forget_writes();
#endif
  }
#ifdef BENCH_VERSIONS
  if (b->fn == do_readversions && !versions_written && !FLAGS_use_existing_db) {
    fprintf(stderr,
            "db_bench: readversions needs fillversions run before it (and no other write "
            "benchmark in between)\n");
    exit(1);
  }
  if (is_write(b)) versions_written = 0;
#endif
#ifdef BENCH_PROOFS
  bench_number++;
  if (b->proof && written && atomic_load(&written_keys) == 0 && !FLAGS_use_existing_db &&
      b->fn != do_proveabsent) {
    fprintf(stderr, "db_bench: %s needs keys written by a fill benchmark before it\n", b->name);
    exit(1);
  }
#endif
  if (b->prepare) b->prepare(b);
  int n = FLAGS_threads;
  thread_arg *args = calloc((size_t)n, sizeof *args);
  pthread_t *tids = calloc((size_t)n, sizeof *tids);
  start_gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
  if (!args || !tids) die("calloc", NULL);
  for (int i = 0; i < n; i++) {
    args[i].b = b;
    args[i].st.tid = i;
    args[i].gate = &gate;
    args[i].seed = FLAGS_seed * 1000003u + threads_started++;
    if (b->proof) {
      args[i].st.proof_sizes = malloc(sizeof(uint32_t) * (size_t)(b->num > 0 ? b->num : 1));
      if (!args[i].st.proof_sizes) die("malloc", NULL);
    }
    if (pthread_create(&tids[i], NULL, thread_main, &args[i]) != 0) die("pthread_create", NULL);
  }
  pthread_mutex_lock(&gate.mu);
  while (gate.ready < n) pthread_cond_wait(&gate.cv, &gate.mu);
  gate.go = 1;
  pthread_cond_broadcast(&gate.cv);
  pthread_mutex_unlock(&gate.mu);
  double thread_micros = 0, start = 0, finish = 0;
  long ops = 0, found = 0;
  int64_t bytes = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(tids[i], NULL);
    thread_stats *s = &args[i].st;
    thread_micros += s->finish - s->start;
    if (i == 0 || s->start < start) start = s->start;
    if (i == 0 || s->finish > finish) finish = s->finish;
    ops += s->ops;
    found += s->found;
    bytes += s->bytes;
  }
  if (ops < 1) ops = 1;
  double elapsed = (finish - start) * 1e-6;
  peak_rss_kib();
  int64_t user = is_write(b) ? bytes : 0;
  user_written_total += user;
#ifdef BENCH_VERSIONS
  if (b->fn == do_fillversions) {
    versions_written = 1;
    live_versioned_bytes = (int64_t)versioned_keys() * FLAGS_versions * (16 + FLAGS_value_size);
  }
#endif
  char extra[256] = "";
  if (b->fn == do_readrandom)
    snprintf(extra, sizeof extra, " (%ld of %ld found)", found, ops);
#ifdef BENCH_VERSIONS
  if (b->fn == do_readversions)
    snprintf(extra, sizeof extra, " (%ld of %ld found, all checked)", found, ops);
#endif
#ifdef BENCH_PROOFS
  if (b->proof) {
    /* All threads' proof sizes in one array (found = proofs checked). */
    uint32_t *sizes = malloc(sizeof(uint32_t) * (size_t)(found > 0 ? found : 1));
    long m = 0, unchecked = 0;
    if (!sizes) die("malloc", NULL);
    for (int i = 0; i < n; i++) {
      memcpy(sizes + m, args[i].st.proof_sizes, sizeof(uint32_t) * (size_t)args[i].st.found);
      m += args[i].st.found;
      unchecked += args[i].st.unchecked;
    }
    proof_summary(extra, sizeof extra, sizes, m, unchecked,
                  elapsed > 0 ? (double)m / elapsed : 0.0);
    free(sizes);
  }
#endif
  if (bytes > 0 && elapsed > 0)
    printf("%-12s : %11.3f micros/op; %6.1f MB/s%s\n", b->name, thread_micros / (double)ops,
           ((double)bytes / 1048576.0) / elapsed, extra);
  else
    printf("%-12s : %11.3f micros/op;%s\n", b->name, thread_micros / (double)ops, extra);
  fflush(stdout);
  if (FLAGS_stats_summary) {
    int64_t io_after = io_write_bytes();
    char label[64];
    snprintf(label, sizeof label, "after %s", b->name);
    print_scale(label, user, io_before >= 0 && io_after >= 0 ? io_after - io_before : -1);
  }
  if (b->finish) b->finish();
  for (int i = 0; i < n; i++) free(args[i].st.proof_sizes);
  free(args);
  free(tids);
}

static int parse_bench(const char *name, size_t len, bench *b) {
  long reads = FLAGS_reads < 0 ? FLAGS_num : FLAGS_reads;
  memset(b, 0, sizeof *b);
  b->per_batch = 1;
  b->num = FLAGS_num;
#define IS(s) (len == strlen(s) && strncmp(name, s, len) == 0)
  if (IS("fillseq")) {
    *b = (bench){"fillseq", do_write, 1, SEQ, 0, FLAGS_num, 1, 0, NULL, NULL};
  } else if (IS("fillrandom")) {
    *b = (bench){"fillrandom", do_write, 1, RANDOM, 0, FLAGS_num, 1, 0, NULL, NULL};
  } else if (IS("overwrite")) {
    *b = (bench){"overwrite", do_write, 0, RANDOM, 0, FLAGS_num, 1, 0, NULL, NULL};
  } else if (IS("fillsync")) {
    long n = FLAGS_num / 1000 > 0 ? FLAGS_num / 1000 : 1;
    *b = (bench){"fillsync", do_write, 1, RANDOM, 1, n, 1, 0, NULL, NULL};
  } else if (IS("fillbatch")) {
    *b = (bench){"fillbatch", do_write, 1, SEQ, 0, FLAGS_num, FLAGS_batch, 0, NULL, NULL};
  } else if (IS("readrandom")) {
    *b = (bench){"readrandom", do_readrandom, 0, RANDOM, 0, reads, 1, 0, NULL, NULL};
  } else if (IS("readseq")) {
    *b = (bench){"readseq", do_readseq, 0, SEQ, 0, reads, 1, 0, NULL, NULL};
#ifdef BENCH_PROOFS
  } else if (IS("provelatest")) {
    *b = (bench){"provelatest", do_provelatest, 0, RANDOM, 0, reads, 1, 1, NULL, NULL};
  } else if (IS("proveabsent")) {
    *b = (bench){"proveabsent", do_proveabsent, 0, RANDOM, 0, reads, 1, 1, NULL, NULL};
  } else if (IS("verifyonly")) {
    *b = (bench){"verifyonly", do_verifyonly, 0, RANDOM, 0, reads, 1, 1, prepare_verifyonly,
                 finish_verifyonly};
  } else if (IS("provehistory")) {
    *b = (bench){"provehistory", do_provehistory, 0, RANDOM, 0, reads, 1, 1, NULL, NULL};
#endif
#ifdef BENCH_VERSIONS
  } else if (IS("fillversions")) {
    *b = (bench){"fillversions", do_fillversions, 1, RANDOM, 0,
                 versioned_keys() * FLAGS_versions, 1, 0, NULL, NULL};
  } else if (IS("readversions")) {
    *b = (bench){"readversions", do_readversions, 0, RANDOM, 0, reads, 1, 0, NULL, NULL};
#endif
  } else {
    return 0;
  }
#undef IS
  return 1;
}

static int flag(const char *arg, const char *name, const char **val) {
  size_t n = strlen(name);
  if (strncmp(arg, name, n) == 0 && arg[n] == '=') {
    *val = arg + n + 1;
    return 1;
  }
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: db_bench [--benchmarks=a,b,...] [--num=N] [--reads=N] [--value_size=N]\n"
          "                [--threads=N] [--batch=N] [--db=DIR] [--write_buffer_size=N]\n"
          "                [--cache_size=N] [--bloom_bits=N] [--compression=0|1]\n"
          "                [--compression_ratio=R] [--use_existing_db=0|1] [--stats=0|1]\n"
          "                [--stats_summary=0|1] [--seed=N]"
#ifdef BENCH_PROOFS
          " [--merkle_on_write=0|1] [--tamper_proofs=0|1]"
#endif
#ifdef BENCH_VERSIONS
          " [--versions=K]"
#endif
          "\n"
          "benchmarks: fillseq fillrandom overwrite fillsync fillbatch readrandom readseq\n"
#ifdef BENCH_PROOFS
          "            provelatest proveabsent verifyonly provehistory (Merkle proofs)\n"
#endif
#ifdef BENCH_VERSIONS
          "            fillversions readversions (versioned keys)\n"
#endif
  );
  exit(2);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *v;
    if (flag(argv[i], "--benchmarks", &v)) FLAGS_benchmarks = v;
    else if (flag(argv[i], "--num", &v)) FLAGS_num = atol(v);
    else if (flag(argv[i], "--reads", &v)) FLAGS_reads = atol(v);
    else if (flag(argv[i], "--value_size", &v)) FLAGS_value_size = atoi(v);
    else if (flag(argv[i], "--threads", &v)) FLAGS_threads = atoi(v);
    else if (flag(argv[i], "--batch", &v)) FLAGS_batch = atoi(v);
    else if (flag(argv[i], "--compression_ratio", &v)) FLAGS_compression_ratio = atof(v);
    else if (flag(argv[i], "--write_buffer_size", &v)) FLAGS_write_buffer_size = atol(v);
    else if (flag(argv[i], "--cache_size", &v)) FLAGS_cache_size = atol(v);
    else if (flag(argv[i], "--bloom_bits", &v)) FLAGS_bloom_bits = atoi(v);
    else if (flag(argv[i], "--compression", &v)) FLAGS_compression = atoi(v);
    else if (flag(argv[i], "--use_existing_db", &v)) FLAGS_use_existing_db = atoi(v);
    else if (flag(argv[i], "--stats", &v)) FLAGS_stats = atoi(v);
    else if (flag(argv[i], "--stats_summary", &v)) FLAGS_stats_summary = atoi(v);
    else if (flag(argv[i], "--seed", &v)) FLAGS_seed = strtoull(v, NULL, 10);
    else if (flag(argv[i], "--db", &v)) FLAGS_db = v;
#ifdef BENCH_PROOFS
    else if (flag(argv[i], "--merkle_on_write", &v)) FLAGS_merkle_on_write = atoi(v);
    else if (flag(argv[i], "--tamper_proofs", &v)) FLAGS_tamper_proofs = atoi(v);
#endif
#ifdef BENCH_VERSIONS
    else if (flag(argv[i], "--versions", &v)) FLAGS_versions = atol(v);
#endif
    else {
      fprintf(stderr, "db_bench: unknown flag %s\n", argv[i]);
      usage();
    }
  }
  if (FLAGS_num < 1 || FLAGS_value_size < 0 || FLAGS_value_size > VALUE_POOL ||
      FLAGS_threads < 1 || FLAGS_batch < 1)
    usage();
#ifdef BENCH_VERSIONS
  if (FLAGS_versions < 1 || FLAGS_versions > FLAGS_num) {
    fprintf(stderr, "db_bench: --versions must be in [1, num]\n");
    usage();
  }
#endif
  if (FLAGS_stats_summary) {
    live_bits = calloc((size_t)(FLAGS_num + 63) / 64, sizeof *live_bits);
    if (!live_bits) die("calloc", NULL);
  }
  char default_db[64];
  if (!FLAGS_db) {
    snprintf(default_db, sizeof default_db, "/tmp/dbbench-%s", BENCH_BACKEND);
    FLAGS_db = default_db;
  }
  /* Check every name before running anything. */
  for (const char *p = FLAGS_benchmarks; *p;) {
    size_t len = strcspn(p, ",");
    bench b;
    if (len > 0 && !parse_bench(p, len, &b)) {
      fprintf(stderr, "db_bench: unknown benchmark '%.*s'\n", (int)len, p);
      usage();
    }
#ifdef BENCH_PROOFS
    if (is_proof_bench(p, len) && !written) {
      written = calloc((size_t)FLAGS_num, sizeof *written);
      if (!written) die("calloc", NULL);
    }
#endif
    p += len + (p[len] == ',');
  }

  init_value_pool();
#ifdef BENCH_ROCKSDB
#ifndef BENCH_LIB_VERSION
#define BENCH_LIB_VERSION "unknown version"
#endif
  printf("Backend:    %s (rocksdb C API, RocksDB %s)\n", BENCH_BACKEND, BENCH_LIB_VERSION);
#else
  printf("Backend:    %s (leveldb C API %d.%d)\n", BENCH_BACKEND, DB(major_version)(),
         DB(minor_version)());
#endif
  printf("Keys:       16 bytes each\n");
  printf("Values:     %d bytes each (%d bytes after compression)\n", FLAGS_value_size,
         (int)(FLAGS_value_size * FLAGS_compression_ratio + 0.5));
  printf("Entries:    %ld\n", FLAGS_num);
  printf("Threads:    %d\n", FLAGS_threads);
  printf("Database:   %s\n", FLAGS_db);
#ifdef BENCH_VERSIONS
  printf("Versions:   %ld per key in fillversions (%ld keys)\n", FLAGS_versions, versioned_keys());
#endif
#ifdef BENCH_PROOFS
  printf("Merkle:     merkle_on_write=%d%s\n", FLAGS_merkle_on_write ? 1 : 0,
         FLAGS_tamper_proofs ? ", tamper_proofs=1 (every proof altered: checks must fail)" : "");
#endif
  printf("------------------------------------------------\n");

  options = DB(options_create)();
  DB(options_set_create_if_missing)(options, 1);
  DB(options_set_compression)(options, FLAGS_compression ? DB(snappy_compression)
                                                             : DB(no_compression));
  if (FLAGS_write_buffer_size > 0)
    DB(options_set_write_buffer_size)(options, (size_t)FLAGS_write_buffer_size);
#ifdef BENCH_ROCKSDB
  /* RocksDB takes the block cache and the filter through its block-based
   * table options, which own the filter policy once it is set. */
  if (FLAGS_cache_size >= 0 || FLAGS_bloom_bits >= 0) {
    table_options = rocksdb_block_based_options_create();
    if (FLAGS_cache_size >= 0) {
      cache = rocksdb_cache_create_lru((size_t)FLAGS_cache_size);
      rocksdb_block_based_options_set_block_cache(table_options, cache);
    }
    if (FLAGS_bloom_bits >= 0)
      rocksdb_block_based_options_set_filter_policy(
          table_options, rocksdb_filterpolicy_create_bloom((double)FLAGS_bloom_bits));
    rocksdb_options_set_block_based_table_factory(options, table_options);
  }
#else
  if (FLAGS_cache_size >= 0) {
    cache = DB(cache_create_lru)((size_t)FLAGS_cache_size);
    DB(options_set_cache)(options, cache);
  }
  if (FLAGS_bloom_bits >= 0) {
    filter = DB(filterpolicy_create_bloom)(FLAGS_bloom_bits);
    DB(options_set_filter_policy)(options, filter);
  }
#endif
#ifdef BENCH_PROOFS
  /* leveldb_options_t is avccdb_options_t (leveldb/c.h). */
  avccdb_options_set_merkle_on_write((avccdb_options_t *)options,
                                     (unsigned char)(FLAGS_merkle_on_write != 0));
#endif
  if (!FLAGS_use_existing_db) destroy_db();
  open_db();

  for (const char *p = FLAGS_benchmarks; *p;) {
    size_t len = strcspn(p, ",");
    bench b;
    if (len > 0 && parse_bench(p, len, &b)) run(&b);
    p += len + (p[len] == ',');
  }

  if (FLAGS_stats) {
    char *s = DB(property_value)(db, STATS_PROPERTY);
    if (s) {
      printf("\n%s\n", s);
      DB(free)(s);
    }
  }
  close_db();
  /* The whole run: every benchmark's writes, the closing included. */
  print_scale("total", user_written_total, io_write_bytes());
  DB(options_destroy)(options);
#ifdef BENCH_ROCKSDB
  if (table_options) rocksdb_block_based_options_destroy(table_options);
#endif
  if (cache) DB(cache_destroy)(cache);
  if (filter) DB(filterpolicy_destroy)(filter);
  free(value_pool);
  free((void *)live_bits);
#ifdef BENCH_PROOFS
  free((void *)written);
#endif
  return 0;
}
