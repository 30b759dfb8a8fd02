/* Versions: writes at explicit versions, reads as of a version reporting
 * the version found, deletes as of a version, history, all-versions
 * iteration, versioned batch records. */
#include "test_util.h"

static void put_v(avccdb_t *db, avccdb_writeoptions_t *wo, const char *k,
                  uint64_t version, const char *v) {
  char *err = NULL;
  avccdb_put_with_version(db, wo, k, strlen(k), version, v, strlen(v), &err);
  CHECK_OK(err);
}

/* Reads k as of `at`: 1 if it finds `want` at version `want_version`
 * (want NULL: nothing found). */
static int get_v_is(avccdb_t *db, avccdb_readoptions_t *ro, const char *k,
                    uint64_t at, const char *want, uint64_t want_version) {
  char *err = NULL;
  size_t len = 9;
  uint64_t found = 99;
  char *v = avccdb_get_with_version(db, ro, k, strlen(k), at, &len, &found,
                                    &err);
  CHECK_OK(err);
  if (want == NULL) return v == NULL && len == 0 && found == 0;
  return found == want_version && test_take_eq(v, len, want);
}

int main(void) {
  char *dir = test_dir("versions");
  char *err = NULL;
  avccdb_t *db = test_open(dir);
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  put_v(db, wo, "acct", 10, "100");
  put_v(db, wo, "acct", 20, "200");
  put_v(db, wo, "acct", 30, "300");
  CHECK(get_v_is(db, ro, "acct", 5, NULL, 0));
  CHECK(get_v_is(db, ro, "acct", 10, "100", 10));
  CHECK(get_v_is(db, ro, "acct", 25, "200", 20));
  CHECK(get_v_is(db, ro, "acct", AVCCDB_MAX_VERSION, "300", 30));
  CHECK(test_get_is(db, ro, "acct", "300"));

  /* Deleted as of 25: reads at 25..29 find nothing, 30 is still there. */
  avccdb_delete_with_version(db, wo, "acct", 4, 25, &err);
  CHECK_OK(err);
  CHECK(get_v_is(db, ro, "acct", 27, NULL, 0));
  CHECK(get_v_is(db, ro, "acct", 24, "200", 20));
  CHECK(get_v_is(db, ro, "acct", 31, "300", 30));

  /* History, newest first; the deleted version is left out. */
  avccdb_version_history_t *h =
      avccdb_version_history(db, ro, "acct", 4, 0, AVCCDB_MAX_VERSION, &err);
  CHECK_OK(err);
  CHECK(avccdb_version_history_count(h) == 3);
  uint64_t want_versions[] = {30, 20, 10};
  const char *want_values[] = {"300", "200", "100"};
  for (size_t i = 0; i < 3; i++) {
    size_t len = 0;
    const char *v = avccdb_version_history_value_at(h, i, &len);
    CHECK(avccdb_version_history_version_at(h, i) == want_versions[i]);
    CHECK(test_eq(v, len, want_values[i]));
  }
  size_t len = 5;
  CHECK(avccdb_version_history_value_at(h, 3, &len) == NULL && len == 0);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  avccdb_version_history_destroy(h);
  h = avccdb_version_history(db, ro, "acct", 4, 15, 25, &err);
  CHECK(avccdb_version_history_count(h) == 1);
  CHECK(avccdb_version_history_version_at(h, 0) == 20);
  avccdb_version_history_destroy(h);
  h = avccdb_version_history(db, ro, "nobody", 6, 0, 100, &err);
  CHECK_OK(err);
  CHECK(h != NULL && avccdb_version_history_count(h) == 0);
  avccdb_version_history_destroy(h);

  /* Versioned records in a batch. */
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  avccdb_writebatch_put_with_version(b, "item", 4, 1, "one", 3);
  avccdb_writebatch_put_with_version(b, "item", 4, 2, "two", 3);
  avccdb_writebatch_delete_with_version(b, "item", 4, 3);
  avccdb_write(db, wo, b, &err);
  CHECK_OK(err);
  avccdb_writebatch_destroy(b);
  CHECK(get_v_is(db, ro, "item", 2, "two", 2));
  CHECK(get_v_is(db, ro, "item", 3, NULL, 0));

  /* History survives flushes and compaction. */
  avccdb_compact_range(db, NULL, 0, NULL, 0);
  CHECK(get_v_is(db, ro, "acct", 24, "200", 20));

  /* An all-versions iterator yields each live version with its number. */
  avccdb_readoptions_set_all_versions(ro, 1);
  avccdb_readoptions_set_lower_bound(ro, "acct", 4);
  avccdb_readoptions_set_upper_bound(ro, "acct\x01", 5);
  avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
  uint64_t seen[8];
  int n = 0;
  for (avccdb_iter_seek_to_first(it); avccdb_iter_valid(it) && n < 8;
       avccdb_iter_next(it))
    seen[n++] = avccdb_iter_version(it);
  CHECK(n == 3 && seen[0] == 30 && seen[1] == 20 && seen[2] == 10);
  avccdb_iter_destroy(it);
  /* Plain iteration shows the newest version only. */
  avccdb_readoptions_set_all_versions(ro, 0);
  it = avccdb_create_iterator(db, ro);
  avccdb_iter_seek_to_first(it);
  CHECK(avccdb_iter_valid(it) && avccdb_iter_version(it) == 30);
  avccdb_iter_next(it);
  CHECK(!avccdb_iter_valid(it));
  CHECK(avccdb_iter_version(it) == 0);
  avccdb_iter_destroy(it);

  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);
  test_dir_free(dir);
  printf("versions_test: ok\n");
  return 0;
}
