/* Iterators: order, both directions, seek, bounds, reading a fixed point
 * in time, surviving the database's close, and the error iterator. */
#include "test_util.h"

/* Collects the keys an iterator yields forwards as "k1,k2,...". */
static void scan(avccdb_iterator_t *it, char *out, size_t cap) {
  out[0] = '\0';
  for (avccdb_iter_seek_to_first(it); avccdb_iter_valid(it);
       avccdb_iter_next(it)) {
    size_t klen;
    const char *k = avccdb_iter_key(it, &klen);
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%s%.*s", used ? "," : "", (int)klen, k);
  }
}

int main(void) {
  char *dir = test_dir("iterator");
  char *err = NULL;
  avccdb_t *db = test_open(dir);
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  const char *keys[] = {"d", "a", "c", "e", "b"};
  for (int i = 0; i < 5; i++) test_put(db, wo, keys[i], keys[i]);

  avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
  CHECK(it != NULL);
  CHECK(!avccdb_iter_valid(it));
  size_t klen = 7;
  CHECK(avccdb_iter_key(it, &klen) == NULL && klen == 0);
  char got[256];
  scan(it, got, sizeof got);
  CHECK(strcmp(got, "a,b,c,d,e") == 0);

  /* Backwards. */
  avccdb_iter_seek_to_last(it);
  CHECK(test_key_is(it, "e"));
  CHECK(test_value_is(it, "e"));
  avccdb_iter_prev(it);
  CHECK(test_key_is(it, "d"));
  /* Seek lands on the first key >= target. */
  avccdb_iter_seek(it, "bb", 2);
  CHECK(test_key_is(it, "c"));
  avccdb_iter_prev(it);
  avccdb_iter_prev(it);
  CHECK(test_key_is(it, "a"));
  avccdb_iter_prev(it);
  CHECK(!avccdb_iter_valid(it));
  avccdb_iter_seek(it, "z", 1);
  CHECK(!avccdb_iter_valid(it));
  avccdb_iter_get_error(it, &err);
  CHECK_OK(err);

  /* The iterator reads the state at its creation. */
  test_put(db, wo, "f", "f");
  avccdb_delete(db, wo, "a", 1, &err);
  CHECK_OK(err);
  scan(it, got, sizeof got);
  CHECK(strcmp(got, "a,b,c,d,e") == 0);
  avccdb_iter_destroy(it);

  /* Bounds: [b, e). */
  avccdb_readoptions_set_lower_bound(ro, "b", 1);
  avccdb_readoptions_set_upper_bound(ro, "e", 1);
  it = avccdb_create_iterator(db, ro);
  scan(it, got, sizeof got);
  CHECK(strcmp(got, "b,c,d") == 0);
  avccdb_iter_seek_to_last(it);
  CHECK(test_key_is(it, "d"));
  avccdb_iter_destroy(it);
  avccdb_readoptions_set_lower_bound(ro, NULL, 0);
  avccdb_readoptions_set_upper_bound(ro, NULL, 0);

  /* Many keys across flushed tables and the memdb, with fill_cache off. */
  avccdb_readoptions_set_fill_cache(ro, 0);
  avccdb_readoptions_set_verify_checksums(ro, 1);
  char key[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(key, sizeof key, "n%05d", i);
    test_put(db, wo, key, "value");
    if (i == 2500) avccdb_compact_range(db, NULL, 0, NULL, 0);
  }
  it = avccdb_create_iterator(db, ro);
  int n = 0;
  avccdb_iter_seek(it, "n", 1);
  for (; avccdb_iter_valid(it); avccdb_iter_next(it), n++) {
    snprintf(key, sizeof key, "n%05d", n);
    CHECK(test_key_is(it, key));
  }
  CHECK(n == 5000);

  /* It outlives the database handle. */
  avccdb_close(db);
  avccdb_iter_seek_to_first(it);
  CHECK(avccdb_iter_valid(it));
  CHECK(test_key_is(it, "b"));
  avccdb_iter_destroy(it);

  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  test_dir_free(dir);
  printf("iterator_test: ok\n");
  return 0;
}
