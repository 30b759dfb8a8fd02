/* db_bench — LevelDB-style benchmarks written against the libleveldb C API
 * (<leveldb/c.h>), so the same source builds against libavccdb (which
 * exports every leveldb_* function) and against a real libleveldb, and the
 * two can be compared side by side (docs/PERFORMANCE.md).
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
 */
#define _POSIX_C_SOURCE 200809L
#include <leveldb/c.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_PROOFS
#include <avccdb.h>
#include <stdatomic.h>
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
static int FLAGS_bloom_bits = -1;        /* -1: no filter */
static int FLAGS_compression = 1;        /* snappy */
static int FLAGS_use_existing_db = 0;
static int FLAGS_stats = 0;
static uint64_t FLAGS_seed = 301;
static const char *FLAGS_db = NULL;
#ifdef BENCH_PROOFS
static int FLAGS_merkle_on_write = 1; /* avccdb_options_set_merkle_on_write */
static int FLAGS_tamper_proofs = 0;   /* testing: flip a byte of every proof */
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
static leveldb_t *db;
static leveldb_options_t *options;
static leveldb_cache_t *cache;
static leveldb_filterpolicy_t *filter;

static void open_db(void) {
  char *err = NULL;
  db = leveldb_open(options, FLAGS_db, &err);
  if (err) die("open", err);
}

static void close_db(void) {
  leveldb_close(db);
  db = NULL;
}

static void destroy_db(void) {
  char *err = NULL;
  leveldb_destroy_db(options, FLAGS_db, &err);
  if (err) die("destroy", err);
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
  leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
  leveldb_writeoptions_set_sync(wo, (unsigned char)b->sync);
  leveldb_writebatch_t *batch = leveldb_writebatch_create();
  size_t vpos = (size_t)(st->tid * 4099) % VALUE_POOL;
  char key[17];
  char *err = NULL;
  for (long i = 0; i < b->num; i += b->per_batch) {
    leveldb_writebatch_clear(batch);
    for (int j = 0; j < b->per_batch && i + j < b->num; j++) {
      long k = b->order == SEQ ? i + j : (long)(next_rand(rng) % (uint64_t)FLAGS_num);
      key_of(key, k);
      const char *val = value_at(&vpos);
#ifdef BENCH_PROOFS
      if (written) record_write(k, val, st->tid);
#endif
      leveldb_writebatch_put(batch, key, 16, val, (size_t)FLAGS_value_size);
      st->bytes += 16 + FLAGS_value_size;
      st->ops++;
    }
    leveldb_write(db, wo, batch, &err);
    if (err) die("write", err);
  }
  leveldb_writebatch_destroy(batch);
  leveldb_writeoptions_destroy(wo);
}

static void do_readrandom(const bench *b, thread_stats *st, uint64_t *rng) {
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  char key[17];
  char *err = NULL;
  for (long i = 0; i < b->num; i++) {
    key_of(key, (long)(next_rand(rng) % (uint64_t)FLAGS_num));
    size_t vlen = 0;
    char *v = leveldb_get(db, ro, key, 16, &vlen, &err);
    if (err) die("get", err);
    if (v) {
      st->found++;
      st->bytes += 16 + (int64_t)vlen;
      leveldb_free(v);
    }
    st->ops++;
  }
  leveldb_readoptions_destroy(ro);
}

static void do_readseq(const bench *b, thread_stats *st, uint64_t *rng) {
  (void)rng;
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  leveldb_iterator_t *it = leveldb_create_iterator(db, ro);
  long n = 0;
  for (leveldb_iter_seek_to_first(it); n < b->num && leveldb_iter_valid(it);
       leveldb_iter_next(it)) {
    size_t klen, vlen;
    leveldb_iter_key(it, &klen);
    leveldb_iter_value(it, &vlen);
    st->bytes += (int64_t)(klen + vlen);
    n++;
  }
  char *err = NULL;
  leveldb_iter_get_error(it, &err);
  if (err) die("iterator", err);
  st->ops = n;
  leveldb_iter_destroy(it);
  leveldb_readoptions_destroy(ro);
}

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
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)leveldb_readoptions_create();
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
  leveldb_readoptions_destroy((leveldb_readoptions_t *)ro);
}

static void do_proveabsent(const bench *b, thread_stats *st, uint64_t *rng) {
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)leveldb_readoptions_create();
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
  leveldb_readoptions_destroy((leveldb_readoptions_t *)ro);
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
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)leveldb_readoptions_create();
  uint64_t rng = FLAGS_seed * 7919u + 17;
  thread_stats st = {0};
  for (long i = 0; i < proof_set_len; i++) {
    char key[17];
    key_of(key, pick_written(&rng, &proof_set_w[i]));
    prove_get(b, ro, key, &proof_set[i]);
    check_value(b, &st, key, proof_set_w[i], proof_set[i].val, proof_set[i].vallen);
  }
  leveldb_readoptions_destroy((leveldb_readoptions_t *)ro);
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
  avccdb_readoptions_t *ro = (avccdb_readoptions_t *)leveldb_readoptions_create();
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
  leveldb_readoptions_destroy((leveldb_readoptions_t *)ro);
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

static void run(const bench *b) {
  if (b->fresh_db && !FLAGS_use_existing_db) {
    if (db) close_db();
    destroy_db();
    open_db();
#ifdef BENCH_PROOFS
    forget_writes();
#endif
  }
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
  char extra[256] = "";
  if (b->fn == do_readrandom)
    snprintf(extra, sizeof extra, " (%ld of %ld found)", found, ops);
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
          "                [--seed=N]"
#ifdef BENCH_PROOFS
          " [--merkle_on_write=0|1] [--tamper_proofs=0|1]"
#endif
          "\n"
          "benchmarks: fillseq fillrandom overwrite fillsync fillbatch readrandom readseq\n"
#ifdef BENCH_PROOFS
          "            provelatest proveabsent verifyonly provehistory (Merkle proofs)\n"
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
    else if (flag(argv[i], "--seed", &v)) FLAGS_seed = strtoull(v, NULL, 10);
    else if (flag(argv[i], "--db", &v)) FLAGS_db = v;
#ifdef BENCH_PROOFS
    else if (flag(argv[i], "--merkle_on_write", &v)) FLAGS_merkle_on_write = atoi(v);
    else if (flag(argv[i], "--tamper_proofs", &v)) FLAGS_tamper_proofs = atoi(v);
#endif
    else {
      fprintf(stderr, "db_bench: unknown flag %s\n", argv[i]);
      usage();
    }
  }
  if (FLAGS_num < 1 || FLAGS_value_size < 0 || FLAGS_value_size > VALUE_POOL ||
      FLAGS_threads < 1 || FLAGS_batch < 1)
    usage();
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
  printf("Backend:    %s (leveldb C API %d.%d)\n", BENCH_BACKEND, leveldb_major_version(),
         leveldb_minor_version());
  printf("Keys:       16 bytes each\n");
  printf("Values:     %d bytes each (%d bytes after compression)\n", FLAGS_value_size,
         (int)(FLAGS_value_size * FLAGS_compression_ratio + 0.5));
  printf("Entries:    %ld\n", FLAGS_num);
  printf("Threads:    %d\n", FLAGS_threads);
  printf("Database:   %s\n", FLAGS_db);
#ifdef BENCH_PROOFS
  printf("Merkle:     merkle_on_write=%d%s\n", FLAGS_merkle_on_write ? 1 : 0,
         FLAGS_tamper_proofs ? ", tamper_proofs=1 (every proof altered: checks must fail)" : "");
#endif
  printf("------------------------------------------------\n");

  options = leveldb_options_create();
  leveldb_options_set_create_if_missing(options, 1);
  leveldb_options_set_compression(options, FLAGS_compression ? leveldb_snappy_compression
                                                             : leveldb_no_compression);
  if (FLAGS_write_buffer_size > 0)
    leveldb_options_set_write_buffer_size(options, (size_t)FLAGS_write_buffer_size);
  if (FLAGS_cache_size >= 0) {
    cache = leveldb_cache_create_lru((size_t)FLAGS_cache_size);
    leveldb_options_set_cache(options, cache);
  }
  if (FLAGS_bloom_bits >= 0) {
    filter = leveldb_filterpolicy_create_bloom(FLAGS_bloom_bits);
    leveldb_options_set_filter_policy(options, filter);
  }
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
    char *s = leveldb_property_value(db, "leveldb.stats");
    if (s) {
      printf("\n%s\n", s);
      leveldb_free(s);
    }
  }
  close_db();
  leveldb_options_destroy(options);
  if (cache) leveldb_cache_destroy(cache);
  if (filter) leveldb_filterpolicy_destroy(filter);
  free(value_pool);
#ifdef BENCH_PROOFS
  free((void *)written);
#endif
  return 0;
}
