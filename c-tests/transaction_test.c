/* Transactions: invisible until commit, atomic at commit, gone when
 * discarded or destroyed open, closed after they end; other writers wait
 * for them while readers go on. */
#include "test_util.h"

#include <pthread.h>

struct waiter {
  avccdb_t *db;
  avccdb_writeoptions_t *wo;
  int done;
};

static void *blocked_put(void *arg) {
  struct waiter *w = arg;
  test_put(w->db, w->wo, "waited", "yes");
  __atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

int main(void) {
  char *dir = test_dir("transaction");
  char *err = NULL;
  avccdb_t *db = test_open(dir);
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  test_put(db, wo, "old", "1");

  avccdb_transaction_t *t = avccdb_open_transaction(db, &err);
  CHECK_OK(err);
  CHECK(t != NULL);
  /* A writer on another thread waits for the transaction to end. */
  struct waiter w = {db, wo, 0};
  pthread_t th;
  CHECK(pthread_create(&th, NULL, blocked_put, &w) == 0);

  char key[32];
  for (int i = 0; i < 2000; i++) {
    int n = snprintf(key, sizeof key, "t%05d", i);
    avccdb_transaction_put(t, key, (size_t)n, "v", 1, &err);
    CHECK_OK(err);
  }
  avccdb_transaction_put_with_version(t, "ver", 3, 5, "five", 4, &err);
  avccdb_transaction_delete(t, "old", 3, &err);
  avccdb_transaction_delete_with_version(t, "ver", 3, 8, &err);
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  avccdb_writebatch_put(b, "batched", 7, "b", 1);
  avccdb_transaction_write(t, b, &err);
  avccdb_writebatch_destroy(b);
  CHECK_OK(err);

  /* Readers see nothing of it yet, and are not blocked. */
  CHECK(test_get_is(db, ro, "t00000", NULL));
  CHECK(test_get_is(db, ro, "old", "1"));
  CHECK(!__atomic_load_n(&w.done, __ATOMIC_SEQ_CST));

  avccdb_transaction_commit(t, &err);
  CHECK_OK(err);
  CHECK(pthread_join(th, NULL) == 0);
  CHECK(w.done);
  CHECK(test_get_is(db, ro, "t01999", "v"));
  CHECK(test_get_is(db, ro, "old", NULL));
  CHECK(test_get_is(db, ro, "batched", "b"));
  CHECK(test_get_is(db, ro, "waited", "yes"));
  size_t len;
  uint64_t found;
  char *v = avccdb_get_with_version(db, ro, "ver", 3, 6, &len, &found, &err);
  CHECK(found == 5 && test_take_eq(v, len, "five"));
  CHECK(avccdb_get_with_version(db, ro, "ver", 3, 9, &len, &found, &err) ==
        NULL);

  /* After it ended, the handle refuses more work. */
  avccdb_transaction_put(t, "late", 4, "x", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_CLOSED, "Closed");
  avccdb_transaction_commit(t, &err);
  CHECK_ERR(err, AVCCDB_ERR_CLOSED, "Closed");
  avccdb_transaction_destroy(t);

  /* Discarded, and destroyed while open: no trace, lock released. */
  t = avccdb_open_transaction(db, &err);
  avccdb_transaction_put(t, "discarded", 9, "x", 1, &err);
  avccdb_transaction_discard(t);
  avccdb_transaction_discard(t);
  avccdb_transaction_destroy(t);
  t = avccdb_open_transaction(db, &err);
  avccdb_transaction_put(t, "dropped", 7, "x", 1, &err);
  avccdb_transaction_destroy(t);
  CHECK_OK(err);
  test_put(db, wo, "after", "ok");
  CHECK(test_get_is(db, ro, "discarded", NULL));
  CHECK(test_get_is(db, ro, "dropped", NULL));
  CHECK(test_get_is(db, ro, "after", "ok"));

  /* Committed data survives a reopen. */
  avccdb_close(db);
  db = test_open(dir);
  CHECK(test_get_is(db, ro, "t00123", "v"));
  CHECK(test_get_is(db, ro, "batched", "b"));

  /* A transaction open when the database closes fails as closed. */
  t = avccdb_open_transaction(db, &err);
  avccdb_close(db);
  avccdb_transaction_put(t, "x", 1, "y", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_CLOSED, "Closed");
  avccdb_transaction_destroy(t);

  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  test_dir_free(dir);
  printf("transaction_test: ok\n");
  return 0;
}
