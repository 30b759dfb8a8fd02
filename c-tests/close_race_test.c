/* avccdb_close while other threads are still calling in, as docs/C_API.md
 * documents it: each call that races with the close succeeds or fails
 * with AVCCDB_ERR_CLOSED, never touching freed memory (CTest runs this
 * plain, under ASan/UBSan and under valgrind); an iterator and a snapshot
 * taken before the close stay usable until destroyed; writes acknowledged
 * before the close are there after reopening. */
#include "test_util.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <sched.h>
#include <stdint.h>

enum { CALLERS = 4, WARM_ROUNDS = 20, PRE_KEYS = 50 };

static avccdb_t *db;
static pthread_barrier_t start;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t warm_cv = PTHREAD_COND_INITIALIZER;
static int warmed; /* callers past WARM_ROUNDS rounds */

struct caller {
  int id;
  long acked; /* rounds whose write was acknowledged */
  int saw_closed;
};

/* A call failed: it must be because the database is closed. */
static void expect_closed(char **err) {
  if (avccdb_last_error_code() != AVCCDB_ERR_CLOSED) {
    fprintf(stderr, "want AVCCDB_ERR_CLOSED, got %d: %s\n",
            avccdb_last_error_code(), err && *err ? *err : "(no text)");
    exit(1);
  }
  if (err) {
    avccdb_free(*err);
    *err = NULL;
  }
}

static void caller_key(char *buf, int id, long round) {
  snprintf(buf, 32, "c%d/%08ld", id, round);
}

/* One round of caller `id`'s calls; 0 once a call failed (closed). */
static int one_round(struct caller *c, long round,
                     const avccdb_readoptions_t *ro,
                     const avccdb_writeoptions_t *wo, avccdb_writebatch_t *b) {
  char key[32], *err = NULL;
  size_t n = 0;
  switch (c->id) {
  case 0: { /* put, then read it back */
    caller_key(key, 0, round);
    avccdb_put(db, wo, key, strlen(key), key, strlen(key), &err);
    if (err) return expect_closed(&err), 0;
    c->acked = round + 1;
    char *v = avccdb_get(db, ro, key, strlen(key), &n, &err);
    if (err) return expect_closed(&err), 0;
    CHECK(test_take_eq(v, n, key));
    return 1;
  }
  case 1: /* a batch of three versioned puts */
    avccdb_writebatch_clear(b);
    caller_key(key, 1, round);
    for (uint64_t v = 1; v <= 3; v++)
      avccdb_writebatch_put_with_version(b, key, strlen(key), v, key,
                                         strlen(key));
    avccdb_write(db, wo, b, &err);
    if (err) return expect_closed(&err), 0;
    c->acked = round + 1;
    return 1;
  case 2: { /* an iterator and a snapshot */
    avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
    if (!it) return expect_closed(NULL), 0;
    avccdb_iter_seek_to_first(it);
    for (int i = 0; i < 10 && avccdb_iter_valid(it); i++)
      avccdb_iter_next(it);
    avccdb_iter_destroy(it);
    const avccdb_snapshot_t *s = avccdb_create_snapshot(db);
    if (!s) return expect_closed(NULL), 0;
    avccdb_release_snapshot(db, s);
    return 1;
  }
  default: { /* counters and histories */
    uint64_t groups = 0;
    if (!avccdb_property_int(db, "write_groups", &groups))
      return expect_closed(NULL), 0;
    caller_key(key, 1, round / 2);
    avccdb_version_history_t *h =
        avccdb_version_history(db, ro, key, strlen(key), 0, 9, &err);
    if (err) return expect_closed(&err), 0;
    CHECK(avccdb_version_history_count(h) == 0 ||
          avccdb_version_history_count(h) == 3);
    avccdb_version_history_destroy(h);
    return 1;
  }
  }
}

/* Calls until a call fails; tells the main thread once warm. */
static void *caller(void *arg) {
  struct caller *c = arg;
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  pthread_barrier_wait(&start);
  for (long round = 0;; round++) {
    if (round == WARM_ROUNDS) {
      pthread_mutex_lock(&mu);
      warmed++;
      pthread_cond_signal(&warm_cv);
      pthread_mutex_unlock(&mu);
    }
    if (!one_round(c, round, ro, wo, b)) break;
    sched_yield(); /* under valgrind's one-thread-at-a-time, let main on */
  }
  c->saw_closed = 1;
  avccdb_writebatch_destroy(b);
  avccdb_writeoptions_destroy(wo);
  avccdb_readoptions_destroy(ro);
  return NULL;
}

int main(void) {
  char *dir = test_dir("close-race");
  char key[32], *err = NULL;
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  db = test_open(dir);
  for (long i = 0; i < PRE_KEYS; i++) {
    caller_key(key, 9, i);
    test_put(db, wo, key, key);
  }
  avccdb_iterator_t *held_it = avccdb_create_iterator(db, ro);
  const avccdb_snapshot_t *held_snap = avccdb_create_snapshot(db);
  CHECK(held_it != NULL && held_snap != NULL);
  uint64_t held_seq = avccdb_snapshot_sequence(held_snap);

  struct caller callers[CALLERS];
  pthread_t threads[CALLERS];
  CHECK(pthread_barrier_init(&start, NULL, CALLERS) == 0);
  for (int i = 0; i < CALLERS; i++) {
    callers[i] = (struct caller){.id = i};
    CHECK(pthread_create(&threads[i], NULL, caller, &callers[i]) == 0);
  }
  /* Close once every caller is busy calling: they go on calling during
   * and after the close until a call fails. */
  pthread_mutex_lock(&mu);
  while (warmed < CALLERS)
    pthread_cond_wait(&warm_cv, &mu);
  pthread_mutex_unlock(&mu);
  avccdb_close(db);
  for (int i = 0; i < CALLERS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(callers[i].saw_closed);
  }
  CHECK(pthread_barrier_destroy(&start) == 0);

  /* The closed handle answers AVCCDB_ERR_CLOSED (until a later open
   * reuses it). */
  size_t n = 0;
  CHECK(avccdb_get(db, ro, "x", 1, &n, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_CLOSED, "Closed");

  /* What was taken before the close still reads. */
  int seen = 0;
  for (avccdb_iter_seek_to_first(held_it); avccdb_iter_valid(held_it);
       avccdb_iter_next(held_it))
    seen++;
  avccdb_iter_get_error(held_it, &err);
  CHECK_OK(err);
  CHECK(seen == PRE_KEYS);
  avccdb_iter_destroy(held_it);
  CHECK(avccdb_snapshot_sequence(held_snap) == held_seq);
  avccdb_release_snapshot(db, held_snap);

  /* Every acknowledged write survived the close. */
  db = test_open(dir);
  for (int id = 0; id <= 1; id++) {
    CHECK(callers[id].acked >= WARM_ROUNDS);
    for (long r = 0; r < callers[id].acked; r++) {
      caller_key(key, id, r);
      CHECK(test_get_is(db, ro, key, key));
    }
  }
  avccdb_close(db);
  avccdb_writeoptions_destroy(wo);
  avccdb_readoptions_destroy(ro);
  test_dir_free(dir);
  printf("close_race_test: ok (acknowledged writes: %ld, %ld)\n",
         callers[0].acked, callers[1].acked);
  return 0;
}
