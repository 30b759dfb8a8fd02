/* Threads on one avccdb_t: writers (puts, deletes, batches, versioned
 * puts, each on its own keys and checked against its own model), readers
 * and snapshot iterators at once, with a 16 KiB write buffer so that
 * memdbs rotate and compactions run meanwhile. CTest runs it plain, under
 * ASan/UBSan and under valgrind. Counts are small for valgrind;
 * AVCCDB_CONC_OPS sets the operations per writer. (close_race_test.c
 * closes the database while threads call in.) */
#include "test_util.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

enum { WRITERS = 3, READERS = 2, KEYS = 64, VALUE_PAD = 100 };

static avccdb_t *db;
static int ops_per_writer = 400;
static pthread_barrier_t start;
static atomic_int writers_done;
/* The last round each writer handed to the database (set before the
 * write, so a value read back never has a larger one). */
static atomic_long issued[WRITERS];

static uint64_t rng_next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void data_key(char *buf, int w, int k) {
  snprintf(buf, 32, "w%d/k%03d", w, k);
}

/* "<key>=<round>" padded with dots; returns its length. */
static size_t make_value(char *buf, const char *key, long round) {
  int n = snprintf(buf, 64, "%s=%ld", key, round);
  memset(buf + n, '.', VALUE_PAD);
  return (size_t)n + VALUE_PAD;
}

/* The round in a value read for `key`; fails if the value is another
 * key's. */
static long value_round(const char *key, const char *v, size_t n) {
  size_t kl = strlen(key);
  CHECK(n > kl + 1 && memcmp(v, key, kl) == 0 && v[kl] == '=');
  return strtol(v + kl + 1, NULL, 10);
}

static void *writer(void *arg) {
  int w = (int)(intptr_t)arg;
  long model[KEYS]; /* round of each key's value; 0: absent */
  long versioned = 0;
  char key[32], hkey[32], val[200], *err = NULL;
  uint64_t rng = 0x9e3779b97f4a7c15ull * (uint64_t)(w + 1);
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  memset(model, 0, sizeof model);
  snprintf(hkey, sizeof hkey, "w%d/h", w);
  pthread_barrier_wait(&start);
  for (long round = 1; round <= ops_per_writer; round++) {
    int k = (int)(rng_next(&rng) % KEYS);
    data_key(key, w, k);
    atomic_store(&issued[w], round);
    switch (rng_next(&rng) % 8) {
    case 4:
      avccdb_delete(db, wo, key, strlen(key), &err);
      model[k] = 0;
      break;
    case 5:
      avccdb_writebatch_clear(b);
      for (int i = 0; i < 4; i++) {
        data_key(key, w, (k + i) % KEYS);
        avccdb_writebatch_put(b, key, strlen(key), val,
                              make_value(val, key, round));
        model[(k + i) % KEYS] = round;
      }
      avccdb_write(db, wo, b, &err);
      break;
    case 6: /* the history key gets version = round */
      avccdb_put_with_version(db, wo, hkey, strlen(hkey), (uint64_t)round,
                              val, make_value(val, hkey, round), &err);
      versioned++;
      break;
    default:
      avccdb_put(db, wo, key, strlen(key), val, make_value(val, key, round),
                 &err);
      model[k] = round;
    }
    CHECK_OK(err);
  }
  /* Only this thread writes these keys: they must match the model. */
  for (int k = 0; k < KEYS; k++) {
    size_t n = 0;
    data_key(key, w, k);
    char *v = avccdb_get(db, ro, key, strlen(key), &n, &err);
    CHECK_OK(err);
    CHECK(model[k] == 0 ? v == NULL : value_round(key, v, n) == model[k]);
    avccdb_free(v);
  }
  avccdb_version_history_t *h =
      avccdb_version_history(db, ro, hkey, strlen(hkey), 0, UINT64_MAX, &err);
  CHECK_OK(err);
  CHECK((long)avccdb_version_history_count(h) == versioned);
  for (size_t i = 0; i < avccdb_version_history_count(h); i++) {
    size_t n = 0;
    const char *v = avccdb_version_history_value_at(h, i, &n);
    CHECK(value_round(hkey, v, n) == (long)avccdb_version_history_version_at(h, i));
    CHECK(i == 0 || avccdb_version_history_version_at(h, i) <
                        avccdb_version_history_version_at(h, i - 1));
  }
  avccdb_version_history_destroy(h);
  avccdb_writebatch_destroy(b);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  atomic_fetch_add(&writers_done, 1);
  return NULL;
}

/* Point reads of any writer's keys while they write. */
static void *reader(void *arg) {
  uint64_t rng = 0x1234567ull + (uint64_t)(intptr_t)arg;
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  char key[32], *err = NULL;
  pthread_barrier_wait(&start);
  for (long rounds = 0; atomic_load(&writers_done) < WRITERS || rounds < 50;
       rounds++) {
    int w = (int)(rng_next(&rng) % WRITERS);
    size_t n = 0;
    uint64_t found = 0;
    char *v;
    if (rng_next(&rng) % 4 == 0) {
      uint64_t at = rng_next(&rng) % (uint64_t)(ops_per_writer + 1);
      snprintf(key, sizeof key, "w%d/h", w);
      v = avccdb_get_with_version(db, ro, key, strlen(key), at, &n, &found,
                                  &err);
      CHECK_OK(err);
      CHECK(v == NULL || (found <= at && value_round(key, v, n) == (long)found));
    } else {
      data_key(key, w, (int)(rng_next(&rng) % KEYS));
      v = avccdb_get(db, ro, key, strlen(key), &n, &err);
      CHECK_OK(err);
      CHECK(v == NULL || value_round(key, v, n) <= atomic_load(&issued[w]));
    }
    avccdb_free(v);
    sched_yield(); /* under valgrind's one-thread-at-a-time, let writers on */
  }
  avccdb_readoptions_destroy(ro);
  return NULL;
}

/* Walks the whole database at a snapshot: keys ascending, each value its
 * key's; a second iterator at the same snapshot sees the same count. */
static int walk(const avccdb_readoptions_t *ro) {
  avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
  char prev[64] = "", key[64], *err = NULL;
  int count = 0;
  CHECK(it != NULL);
  for (avccdb_iter_seek_to_first(it); avccdb_iter_valid(it);
       avccdb_iter_next(it), count++) {
    size_t kn = 0, vn = 0;
    const char *k = avccdb_iter_key(it, &kn);
    const char *v = avccdb_iter_value(it, &vn);
    CHECK(kn < sizeof key);
    memcpy(key, k, kn);
    key[kn] = '\0';
    CHECK(count == 0 || strcmp(prev, key) < 0);
    value_round(key, v, vn);
    strcpy(prev, key);
  }
  avccdb_iter_get_error(it, &err);
  CHECK_OK(err);
  avccdb_iter_destroy(it);
  return count;
}

static void *scanner(void *arg) {
  (void)arg;
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  pthread_barrier_wait(&start);
  for (long rounds = 0; atomic_load(&writers_done) < WRITERS || rounds < 3;
       rounds++) {
    const avccdb_snapshot_t *snap = avccdb_create_snapshot(db);
    CHECK(snap != NULL);
    avccdb_readoptions_set_snapshot(ro, snap);
    avccdb_release_snapshot(db, snap); /* ro keeps its own reference */
    CHECK(walk(ro) == walk(ro));
    avccdb_readoptions_set_snapshot(ro, NULL);
    sched_yield();
  }
  avccdb_readoptions_destroy(ro);
  return NULL;
}

static avccdb_t *open_small(const char *dir) {
  char *err = NULL;
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_write_buffer_size(o, 16 << 10);
  avccdb_t *d = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_options_destroy(o);
  return d;
}

static void load_under_threads(const char *dir) {
  pthread_t t[WRITERS + READERS + 1];
  int n = 0;
  db = open_small(dir);
  CHECK(pthread_barrier_init(&start, NULL, WRITERS + READERS + 1) == 0);
  for (int w = 0; w < WRITERS; w++)
    CHECK(pthread_create(&t[n++], NULL, writer, (void *)(intptr_t)w) == 0);
  for (int r = 0; r < READERS; r++)
    CHECK(pthread_create(&t[n++], NULL, reader, (void *)(intptr_t)r) == 0);
  CHECK(pthread_create(&t[n++], NULL, scanner, NULL) == 0);
  for (int i = 0; i < n; i++)
    CHECK(pthread_join(t[i], NULL) == 0);
  CHECK(pthread_barrier_destroy(&start) == 0);
  CHECK(test_counter(db, "memdb_compactions") > 0);
  avccdb_close(db);
}

int main(void) {
  const char *ops = getenv("AVCCDB_CONC_OPS");
  if (ops && atoi(ops) > 0)
    ops_per_writer = atoi(ops);
  char *dir = test_dir("concurrency");
  load_under_threads(dir);
  test_dir_free(dir);
  printf("concurrency_test: ok (%d ops per writer)\n", ops_per_writer);
  return 0;
}
