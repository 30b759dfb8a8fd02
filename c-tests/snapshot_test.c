/* Snapshots: reads and iterators at a snapshot see exactly the writes made
 * before it; releasing is safe in any order; live snapshots are counted. */
#include "test_util.h"

int main(void) {
  char *dir = test_dir("snapshot");
  char *err = NULL;
  avccdb_t *db = test_open(dir);
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_readoptions_t *at = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  test_put(db, wo, "k", "v1");
  test_put(db, wo, "gone", "here");
  const avccdb_snapshot_t *s1 = avccdb_create_snapshot(db);
  CHECK(s1 != NULL);
  test_put(db, wo, "k", "v2");
  avccdb_delete(db, wo, "gone", 4, &err);
  CHECK_OK(err);
  test_put(db, wo, "new", "x");
  const avccdb_snapshot_t *s2 = avccdb_create_snapshot(db);
  CHECK(avccdb_snapshot_sequence(s2) > avccdb_snapshot_sequence(s1));
  test_put(db, wo, "k", "v3");
  CHECK(test_counter(db, "alive_snapshots") == 2);

  avccdb_readoptions_set_snapshot(at, s1);
  CHECK(avccdb_readoptions_has_snapshot(at));
  CHECK(test_get_is(db, at, "k", "v1"));
  CHECK(test_get_is(db, at, "gone", "here"));
  CHECK(test_get_is(db, at, "new", NULL));

  /* Compaction keeps what a live snapshot can see. */
  avccdb_compact_range(db, NULL, 0, NULL, 0);
  CHECK(test_get_is(db, at, "k", "v1"));

  avccdb_readoptions_set_snapshot(at, s2);
  CHECK(test_get_is(db, at, "k", "v2"));
  CHECK(test_get_is(db, at, "gone", NULL));
  CHECK(test_get_is(db, at, "new", "x"));
  /* An iterator at s2. */
  avccdb_iterator_t *it = avccdb_create_iterator(db, at);
  int n = 0;
  for (avccdb_iter_seek_to_first(it); avccdb_iter_valid(it);
       avccdb_iter_next(it))
    n++;
  CHECK(n == 2);
  avccdb_iter_seek(it, "k", 1);
  CHECK(test_value_is(it, "v2"));
  avccdb_iter_destroy(it);

  CHECK(test_get_is(db, ro, "k", "v3"));
  avccdb_readoptions_set_snapshot(at, NULL);
  CHECK(!avccdb_readoptions_has_snapshot(at));
  CHECK(test_get_is(db, at, "k", "v3"));

  /* Releasing a snapshot that read options still name is safe: they keep
   * their own reference until changed. */
  avccdb_readoptions_set_snapshot(at, s1);
  avccdb_release_snapshot(db, s1);
  avccdb_release_snapshot(db, s2);
  CHECK(test_counter(db, "alive_snapshots") == 1);
  CHECK(test_get_is(db, at, "k", "v1"));
  avccdb_readoptions_set_snapshot(at, NULL);
  CHECK(test_counter(db, "alive_snapshots") == 0);
  avccdb_release_snapshot(db, NULL);

  /* A snapshot of one database read through another is rejected. */
  char *dir2 = test_dir("snapshot2");
  avccdb_t *db2 = test_open(dir2);
  const avccdb_snapshot_t *foreign = avccdb_create_snapshot(db2);
  avccdb_readoptions_set_snapshot(at, foreign);
  size_t len;
  CHECK(avccdb_get(db, at, "k", 1, &len, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "another database");
  avccdb_readoptions_set_snapshot(at, NULL);
  avccdb_release_snapshot(db2, foreign);
  avccdb_close(db2);
  test_dir_free(dir2);

  avccdb_readoptions_destroy(at);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);
  test_dir_free(dir);
  printf("snapshot_test: ok\n");
  return 0;
}
