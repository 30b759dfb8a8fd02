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
 */
#define _POSIX_C_SOURCE 200809L
#include <leveldb/c.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

typedef struct {
  int tid;
  long ops;     /* operations done */
  long found;   /* readrandom hits */
  int64_t bytes;
  double start, finish;
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
      leveldb_writebatch_put(batch, key, 16, value_at(&vpos), (size_t)FLAGS_value_size);
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
  }
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
  char extra[128] = "";
  if (b->fn == do_readrandom)
    snprintf(extra, sizeof extra, " (%ld of %ld found)", found, ops);
  if (bytes > 0 && elapsed > 0)
    printf("%-12s : %11.3f micros/op; %6.1f MB/s%s\n", b->name, thread_micros / (double)ops,
           ((double)bytes / 1048576.0) / elapsed, extra);
  else
    printf("%-12s : %11.3f micros/op;%s\n", b->name, thread_micros / (double)ops, extra);
  fflush(stdout);
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
    *b = (bench){"fillseq", do_write, 1, SEQ, 0, FLAGS_num, 1};
  } else if (IS("fillrandom")) {
    *b = (bench){"fillrandom", do_write, 1, RANDOM, 0, FLAGS_num, 1};
  } else if (IS("overwrite")) {
    *b = (bench){"overwrite", do_write, 0, RANDOM, 0, FLAGS_num, 1};
  } else if (IS("fillsync")) {
    *b = (bench){"fillsync", do_write, 1, RANDOM, 1, FLAGS_num / 1000 > 0 ? FLAGS_num / 1000 : 1, 1};
  } else if (IS("fillbatch")) {
    *b = (bench){"fillbatch", do_write, 1, SEQ, 0, FLAGS_num, FLAGS_batch};
  } else if (IS("readrandom")) {
    *b = (bench){"readrandom", do_readrandom, 0, RANDOM, 0, reads, 1};
  } else if (IS("readseq")) {
    *b = (bench){"readseq", do_readseq, 0, SEQ, 0, reads, 1};
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
          "                [--seed=N]\n"
          "benchmarks: fillseq fillrandom overwrite fillsync fillbatch readrandom readseq\n");
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
  return 0;
}
