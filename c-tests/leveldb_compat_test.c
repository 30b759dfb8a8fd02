/* The LevelDB 1.23 C API (leveldb/c.h) as a LevelDB program uses it:
 * defaults, option ranges, error strings, gets of missing keys, batches,
 * iterators, snapshots, properties, approximate sizes, callbacks, destroy
 * and repair, env and cache objects. Then the same objects through
 * avccdb.h, which names them differently. */
#include "test_util.h" /* first: it sets _GNU_SOURCE */

#include "leveldb/c.h"

static char *must_get(leveldb_t *db, const leveldb_readoptions_t *ro,
                      const char *k, size_t *len) {
  char *err = NULL;
  char *v = leveldb_get(db, ro, k, strlen(k), len, &err);
  CHECK_OK(err);
  return v;
}

static int get_is(leveldb_t *db, const leveldb_readoptions_t *ro,
                  const char *k, const char *want) {
  size_t len = 77;
  char *v = must_get(db, ro, k, &len);
  if (want == NULL) return v == NULL;
  int ok = v != NULL && len == strlen(want) && memcmp(v, want, len) == 0;
  leveldb_free(v);
  return ok;
}

static int puts_seen, dels_seen;
static void count_put(void *s, const char *k, size_t kl, const char *v,
                      size_t vl) {
  (void)s, (void)k, (void)kl, (void)v, (void)vl;
  puts_seen++;
}
static void count_del(void *s, const char *k, size_t kl) {
  (void)s, (void)k, (void)kl;
  dels_seen++;
}

/* Reverse bytewise order, named like a user comparator. */
static int rev_cmp(void *s, const char *a, size_t al, const char *b,
                   size_t bl) {
  (void)s;
  size_t n = al < bl ? al : bl;
  int r = memcmp(b, a, n);
  if (r == 0) r = al < bl ? 1 : al > bl ? -1 : 0;
  return r;
}
static const char *rev_name(void *s) {
  (void)s;
  return "compat.Reverse";
}
static int cmp_destroyed;
static void rev_destroy(void *s) {
  (void)s;
  cmp_destroyed++;
}

static uint8_t filter_answer = 1;
static int filter_created;
static char *make_filter(void *s, const char *const *keys,
                         const size_t *lens, int n, size_t *out) {
  (void)s, (void)keys, (void)lens, (void)n;
  filter_created++;
  char *f = malloc(4);
  memcpy(f, "FLTR", 4);
  *out = 4;
  return f;
}
static uint8_t filter_match(void *s, const char *k, size_t kl,
                            const char *f, size_t fl) {
  (void)s, (void)k, (void)kl;
  CHECK(fl == 4 && memcmp(f, "FLTR", 4) == 0);
  return filter_answer;
}
static const char *filter_name(void *s) {
  (void)s;
  return "compat.Filter";
}

int main(void) {
  char *err = NULL;
  CHECK(leveldb_major_version() == 1 && leveldb_minor_version() == 23);
  CHECK(leveldb_no_compression == 0 && leveldb_snappy_compression == 1);

  leveldb_env_t *env = leveldb_create_default_env();
  char *testdir = leveldb_env_get_test_directory(env);
  CHECK(testdir != NULL && access(testdir, F_OK) == 0);
  leveldb_free(testdir);
  char *dir = test_dir("leveldb");

  leveldb_cache_t *cache = leveldb_cache_create_lru(1 << 20);
  leveldb_options_t *o = leveldb_options_create();
  leveldb_options_set_env(o, env);
  leveldb_options_set_info_log(o, NULL);
  leveldb_options_set_cache(o, cache);
  leveldb_options_set_paranoid_checks(o, 1);
  /* Out of range for avccdb's own API, clipped as LevelDB does. */
  leveldb_options_set_max_open_files(o, 10);
  leveldb_options_set_write_buffer_size(o, 1000);
  leveldb_options_set_block_size(o, 100);
  leveldb_options_set_max_file_size(o, 1);
  leveldb_options_set_block_restart_interval(o, 8);
  leveldb_options_set_compression(o, leveldb_no_compression);
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  leveldb_readoptions_set_verify_checksums(ro, 1);
  leveldb_readoptions_set_fill_cache(ro, 0);
  leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
  leveldb_writeoptions_set_sync(wo, 1);

  /* create_if_missing defaults to false, with LevelDB's message. */
  CHECK(leveldb_open(o, dir, &err) == NULL);
  CHECK(err != NULL && strstr(err, "Invalid argument: ") == err);
  CHECK(strstr(err, "does not exist (create_if_missing is false)"));
  leveldb_free(err);
  err = NULL;
  leveldb_options_set_create_if_missing(o, 1);
  leveldb_options_set_error_if_exists(o, 1);
  leveldb_t *db = leveldb_open(o, dir, &err);
  CHECK_OK(err);
  CHECK(get_is(db, ro, "foo", NULL));

  leveldb_put(db, wo, "foo", 3, "hello", 5, &err);
  CHECK_OK(err);
  CHECK(get_is(db, ro, "foo", "hello"));
  leveldb_compact_range(db, NULL, 0, NULL, 0);
  leveldb_compact_range(db, "a", 1, "z", 1);
  CHECK(get_is(db, ro, "foo", "hello"));

  leveldb_writebatch_t *wb = leveldb_writebatch_create();
  leveldb_writebatch_put(wb, "x", 1, "gone", 4);
  leveldb_writebatch_clear(wb);
  leveldb_writebatch_put(wb, "bar", 3, "b", 1);
  leveldb_writebatch_put(wb, "box", 3, "c", 1);
  leveldb_writebatch_t *wb2 = leveldb_writebatch_create();
  leveldb_writebatch_delete(wb2, "bar", 3);
  leveldb_writebatch_append(wb, wb2);
  leveldb_writebatch_destroy(wb2);
  leveldb_write(db, wo, wb, &err);
  CHECK_OK(err);
  leveldb_writebatch_iterate(wb, NULL, count_put, count_del);
  CHECK(puts_seen == 2 && dels_seen == 1);
  leveldb_writebatch_destroy(wb);
  CHECK(get_is(db, ro, "bar", NULL));
  CHECK(get_is(db, ro, "box", "c"));

  leveldb_iterator_t *it = leveldb_create_iterator(db, ro);
  CHECK(!leveldb_iter_valid(it));
  leveldb_iter_seek_to_first(it);
  size_t kl, vl;
  const char *k = leveldb_iter_key(it, &kl);
  CHECK(leveldb_iter_valid(it) && kl == 3 && memcmp(k, "box", 3) == 0);
  leveldb_iter_next(it);
  const char *v = leveldb_iter_value(it, &vl);
  CHECK(vl == 5 && memcmp(v, "hello", 5) == 0);
  leveldb_iter_prev(it);
  leveldb_iter_prev(it);
  CHECK(!leveldb_iter_valid(it));
  leveldb_iter_seek_to_last(it);
  leveldb_iter_seek(it, "b", 1);
  k = leveldb_iter_key(it, &kl);
  CHECK(kl == 3 && memcmp(k, "box", 3) == 0);
  leveldb_iter_get_error(it, &err);
  CHECK_OK(err);
  leveldb_iter_destroy(it);

  /* Enough data for tables; sizes of both halves are non-zero. */
  leveldb_writeoptions_set_sync(wo, 0);
  char key[32], val[32];
  for (int i = 0; i < 20000; i++) {
    snprintf(key, sizeof key, "k%020d", i);
    snprintf(val, sizeof val, "v%020d", i);
    leveldb_put(db, wo, key, strlen(key), val, strlen(val), &err);
    CHECK_OK(err);
  }
  leveldb_compact_range(db, NULL, 0, NULL, 0);
  const char *start[2] = {"a", "k00000000000000010000"};
  size_t start_len[2] = {1, 21};
  const char *limit[2] = {"k00000000000000010000", "z"};
  size_t limit_len[2] = {21, 1};
  uint64_t sizes[2] = {0, 0};
  leveldb_approximate_sizes(db, 2, start, start_len, limit, limit_len, sizes);
  CHECK(sizes[0] > 0 && sizes[1] > 0);

  CHECK(leveldb_property_value(db, "nosuchprop") == NULL);
  char *prop = leveldb_property_value(db, "leveldb.stats");
  CHECK(prop != NULL);
  leveldb_free(prop);
  prop = leveldb_property_value(db, "leveldb.num-files-at-level0");
  CHECK(prop != NULL && strcmp(prop, "0") == 0);
  free(prop); /* plain free works too */

  const leveldb_snapshot_t *snap = leveldb_create_snapshot(db);
  leveldb_delete(db, wo, "foo", 3, &err);
  CHECK_OK(err);
  leveldb_readoptions_set_snapshot(ro, snap);
  CHECK(get_is(db, ro, "foo", "hello"));
  leveldb_readoptions_set_snapshot(ro, NULL);
  CHECK(get_is(db, ro, "foo", NULL));
  leveldb_release_snapshot(db, snap);

  /* The same objects through the native API. */
  char *val2 = NULL;
  size_t len2 = 0;
  CHECK(avccdb_get2((avccdb_t *)db, (avccdb_readoptions_t *)ro, "box", 3,
                    &val2, &len2, &err) == AVCCDB_GET_FOUND);
  CHECK(test_take_eq(val2, len2, "c"));
  CHECK(avccdb_options_get_max_open_files((avccdb_options_t *)o) == 74);
  CHECK(avccdb_options_get_write_buffer_size((avccdb_options_t *)o) ==
        64 << 10);
  CHECK(avccdb_options_get_block_size((avccdb_options_t *)o) == 1024);
  CHECK(avccdb_options_get_max_file_size((avccdb_options_t *)o) == 1 << 20);

  /* Repair, then reopen without create/error flags. */
  leveldb_close(db);
  leveldb_options_set_create_if_missing(o, 0);
  leveldb_options_set_error_if_exists(o, 0);
  leveldb_repair_db(o, dir, &err);
  CHECK_OK(err);
  db = leveldb_open(o, dir, &err);
  CHECK_OK(err);
  CHECK(get_is(db, ro, "foo", NULL));
  CHECK(get_is(db, ro, "box", "c"));
  leveldb_close(db);
  leveldb_destroy_db(o, dir, &err);
  CHECK_OK(err);
  /* As in LevelDB, the journals repair archived under lost/ stay. */
  char current[4200];
  snprintf(current, sizeof current, "%s/CURRENT", dir);
  CHECK(access(current, F_OK) != 0);

  /* A custom comparator and a custom filter policy. */
  leveldb_comparator_t *cmp =
      leveldb_comparator_create(NULL, rev_destroy, rev_cmp, rev_name);
  leveldb_filterpolicy_t *policy = leveldb_filterpolicy_create(
      NULL, NULL, make_filter, filter_match, filter_name);
  leveldb_options_set_create_if_missing(o, 1);
  leveldb_options_set_comparator(o, cmp);
  leveldb_options_set_filter_policy(o, policy);
  db = leveldb_open(o, dir, &err);
  CHECK_OK(err);
  leveldb_put(db, wo, "a", 1, "1", 1, &err);
  leveldb_put(db, wo, "b", 1, "2", 1, &err);
  CHECK_OK(err);
  leveldb_compact_range(db, NULL, 0, NULL, 0);
  CHECK(filter_created > 0);
  it = leveldb_create_iterator(db, ro);
  leveldb_iter_seek_to_first(it);
  k = leveldb_iter_key(it, &kl);
  CHECK(kl == 1 && *k == 'b'); /* reverse order */
  leveldb_iter_destroy(it);
  CHECK(get_is(db, ro, "a", "1"));
  filter_answer = 0; /* the filter now excludes everything */
  CHECK(get_is(db, ro, "a", NULL));
  filter_answer = 1;
  CHECK(get_is(db, ro, "a", "1"));
  leveldb_close(db);
  leveldb_options_set_filter_policy(o, NULL);
  leveldb_filterpolicy_destroy(policy);
  leveldb_filterpolicy_t *bloom = leveldb_filterpolicy_create_bloom(10);
  leveldb_options_set_filter_policy(o, bloom);
  leveldb_filterpolicy_destroy(bloom);
  leveldb_options_set_comparator(o, NULL);
  leveldb_comparator_destroy(cmp);
  CHECK(cmp_destroyed == 1);
  leveldb_destroy_db(o, dir, &err);
  CHECK_OK(err);

  leveldb_options_destroy(o);
  leveldb_readoptions_destroy(ro);
  leveldb_writeoptions_destroy(wo);
  leveldb_cache_destroy(cache);
  leveldb_env_destroy(env);
  test_dir_free(dir);
  printf("leveldb_compat_test: ok\n");
  return 0;
}
