/* Options: every getter returns what its setter stored, invalid values are
 * reported at open, and the settings reach the engine: level-0 slowdown
 * and pause triggers, shared cache, comparator and filter callbacks. */
#include "test_util.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

static void check_getters(void) {
  avccdb_options_t *o = avccdb_options_create();
  CHECK(avccdb_options_get_create_if_missing(o) == 0);
  CHECK(avccdb_options_get_error_if_exists(o) == 0);
  CHECK(avccdb_options_get_paranoid_checks(o) == 0);
  CHECK(avccdb_options_get_write_buffer_size(o) == 4 << 20);
  CHECK(avccdb_options_get_max_open_files(o) == 500);
  CHECK(avccdb_options_get_block_size(o) == 4096);
  CHECK(avccdb_options_get_block_restart_interval(o) == 16);
  CHECK(avccdb_options_get_compression(o) == AVCCDB_SNAPPY_COMPRESSION);
  CHECK(avccdb_options_get_write_l0_slowdown_trigger(o) == 8);
  CHECK(avccdb_options_get_write_l0_pause_trigger(o) == 12);
  CHECK(avccdb_options_get_compaction_l0_trigger(o) == 4);
  CHECK(avccdb_options_get_compaction_table_size(o) == 2 << 20);
  CHECK(avccdb_options_get_compaction_total_size(o) == 10 << 20);
  CHECK(avccdb_options_get_compaction_total_size_multiplier(o) == 10.0);
  CHECK(avccdb_options_get_bloom_bits_per_key(o) == 10);
  CHECK(avccdb_options_get_block_cache_capacity(o) == 8 << 20);
  char *name = avccdb_options_get_comparator_name(o);
  CHECK(strcmp(name, "leveldb.BytewiseComparator") == 0);
  avccdb_free(name);

  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_error_if_exists(o, 1);
  avccdb_options_set_paranoid_checks(o, 1);
  avccdb_options_set_write_buffer_size(o, 1 << 20);
  avccdb_options_set_max_open_files(o, 64);
  avccdb_options_set_block_size(o, 16384);
  avccdb_options_set_block_restart_interval(o, 32);
  avccdb_options_set_max_file_size(o, 8 << 20);
  avccdb_options_set_compression(o, AVCCDB_NO_COMPRESSION);
  avccdb_options_set_write_l0_slowdown_trigger(o, 6);
  avccdb_options_set_write_l0_pause_trigger(o, 10);
  avccdb_options_set_compaction_l0_trigger(o, 2);
  avccdb_options_set_compaction_total_size(o, 20 << 20);
  avccdb_options_set_compaction_total_size_multiplier(o, 5.0);
  avccdb_options_set_no_write_merge(o, 1);
  avccdb_options_set_no_sync(o, 1);
  avccdb_options_set_disable_large_batch_transaction(o, 1);
  avccdb_options_set_bloom_bits_per_key(o, 16);
  avccdb_options_set_block_cache_capacity(o, 1 << 20);
  avccdb_env_t *env = avccdb_create_default_env();
  avccdb_options_set_env(o, env);
  avccdb_options_set_info_log(o, NULL);
  avccdb_env_destroy(env);

  CHECK(avccdb_options_get_create_if_missing(o) == 1);
  CHECK(avccdb_options_get_error_if_exists(o) == 1);
  CHECK(avccdb_options_get_paranoid_checks(o) == 1);
  CHECK(avccdb_options_get_write_buffer_size(o) == 1 << 20);
  CHECK(avccdb_options_get_max_open_files(o) == 64);
  CHECK(avccdb_options_get_block_size(o) == 16384);
  CHECK(avccdb_options_get_block_restart_interval(o) == 32);
  CHECK(avccdb_options_get_max_file_size(o) == 8 << 20);
  CHECK(avccdb_options_get_compaction_table_size(o) == 8 << 20);
  CHECK(avccdb_options_get_compression(o) == AVCCDB_NO_COMPRESSION);
  CHECK(avccdb_options_get_write_l0_slowdown_trigger(o) == 6);
  CHECK(avccdb_options_get_write_l0_pause_trigger(o) == 10);
  CHECK(avccdb_options_get_compaction_l0_trigger(o) == 2);
  CHECK(avccdb_options_get_compaction_total_size(o) == 20 << 20);
  CHECK(avccdb_options_get_compaction_total_size_multiplier(o) == 5.0);
  CHECK(avccdb_options_get_no_write_merge(o) == 1);
  CHECK(avccdb_options_get_no_sync(o) == 1);
  CHECK(avccdb_options_get_disable_large_batch_transaction(o) == 1);
  CHECK(avccdb_options_get_bloom_bits_per_key(o) == 16);
  CHECK(avccdb_options_get_block_cache_capacity(o) == 1 << 20);
  avccdb_options_destroy(o);

  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_readoptions_set_verify_checksums(ro, 1);
  avccdb_readoptions_set_fill_cache(ro, 0);
  avccdb_readoptions_set_all_versions(ro, 1);
  avccdb_readoptions_set_lower_bound(ro, "lo", 2);
  CHECK(avccdb_readoptions_get_verify_checksums(ro) == 1);
  CHECK(avccdb_readoptions_get_fill_cache(ro) == 0);
  CHECK(avccdb_readoptions_get_all_versions(ro) == 1);
  size_t n = 0;
  CHECK(test_eq(avccdb_readoptions_get_lower_bound(ro, &n), 2, "lo"));
  CHECK(n == 2);
  CHECK(avccdb_readoptions_get_upper_bound(ro, &n) == NULL && n == 0);
  avccdb_readoptions_destroy(ro);

  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_writeoptions_set_sync(wo, 1);
  avccdb_writeoptions_set_no_write_merge(wo, 1);
  CHECK(avccdb_writeoptions_get_sync(wo) == 1);
  CHECK(avccdb_writeoptions_get_no_write_merge(wo) == 1);
  avccdb_writeoptions_destroy(wo);
}

static void check_invalid_values(void) {
  char *dir = test_dir("options-invalid");
  char *err = NULL;
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_block_restart_interval(o, -1);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  CHECK(avccdb_options_get_block_restart_interval(o) == 16);
  CHECK(avccdb_open(o, dir, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "block_restart_interval");
  avccdb_options_set_block_restart_interval(o, 8);
  /* Out of the engine's ranges: caught by open. */
  avccdb_options_set_write_buffer_size(o, 10);
  CHECK(avccdb_open(o, dir, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "write_buffer");
  avccdb_options_set_write_buffer_size(o, 1 << 20);
  avccdb_t *db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_close(db);
  avccdb_options_destroy(o);
  test_dir_free(dir);
}

/* Writes `n` values of 1000 bytes under prefix `tag`. */
static void fill(avccdb_t *db, avccdb_writeoptions_t *wo, int tag, int n) {
  char key[32], value[1000];
  memset(value, 'v', sizeof value);
  char *err = NULL;
  for (int i = 0; i < n; i++) {
    int kl = snprintf(key, sizeof key, "%d-%06d", tag, i);
    avccdb_put(db, wo, key, (size_t)kl, value, sizeof value, &err);
    CHECK_OK(err);
  }
}

struct writer {
  avccdb_t *db;
  avccdb_writeoptions_t *wo;
};

static void *write_a_lot(void *arg) {
  struct writer *w = arg;
  fill(w->db, w->wo, 2, 200); /* ~12 write buffers: past the pause */
  return NULL;
}

static void check_triggers(void) {
  char *dir = test_dir("options-triggers");
  char *err = NULL;
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_write_buffer_size(o, 16 << 10);
  avccdb_options_set_write_l0_slowdown_trigger(o, 2);
  avccdb_options_set_write_l0_pause_trigger(o, 4);
  avccdb_options_set_compaction_l0_trigger(o, 2);
  avccdb_t *db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_options_destroy(o);
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  /* With compaction held, level 0 grows: at 2 tables writes slow down. */
  avccdb_compaction_pause_t *pause = avccdb_pause_compactions(db);
  CHECK(pause != NULL);
  while (test_counter(db, "level0.tables") < 2) fill(db, wo, 0, 4);
  uint64_t delays = test_counter(db, "write_delay_count");
  fill(db, wo, 1, 4);
  CHECK(test_counter(db, "write_delay_count") > delays);

  /* At 4 tables a writer waits; it finishes only once compaction may run
   * again, which happens only after write_paused was seen. */
  struct writer w = {db, wo};
  pthread_t t;
  CHECK(pthread_create(&t, NULL, write_a_lot, &w) == 0);
  time_t deadline = time(NULL) + 60;
  while (test_counter(db, "write_paused") == 0) {
    CHECK(time(NULL) < deadline);
    sched_yield();
  }
  CHECK(test_counter(db, "level0.tables") >= 4);
  avccdb_resume_compactions(pause);
  CHECK(pthread_join(t, NULL) == 0);
  avccdb_compact_range2(db, NULL, 0, NULL, 0, &err);
  CHECK_OK(err);
  CHECK(test_counter(db, "level0.tables") == 0);
  CHECK(test_counter(db, "write_paused") == 0);

  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);
  test_dir_free(dir);
}

/* A comparator ordering by the number the key spells (keys are not
 * NUL-terminated: parse within their length). */
static long parse_num(const char *p, size_t n) {
  long v = 0;
  for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
    v = v * 10 + (p[i] - '0');
  return v;
}
static int num_cmp(void *state, const char *a, size_t alen, const char *b,
                   size_t blen) {
  (void)state;
  long x = parse_num(a, alen), y = parse_num(b, blen);
  return x < y ? -1 : x > y;
}
static const char *num_name(void *state) {
  (void)state;
  return "test.Numeric";
}
static int destroyed;
static void num_destroy(void *state) {
  (void)state;
  destroyed++;
}

static void check_comparator_and_cache(void) {
  char *dir = test_dir("options-cmp");
  char *err = NULL;
  avccdb_comparator_t *cmp =
      avccdb_comparator_create(NULL, num_destroy, num_cmp, num_name);
  avccdb_cache_t *cache = avccdb_cache_create_lru(1 << 20);
  CHECK(avccdb_cache_get_capacity(cache) == 1 << 20);
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_comparator(o, cmp);
  avccdb_options_set_cache(o, cache);
  avccdb_options_set_compression(o, AVCCDB_NO_COMPRESSION);
  char *name = avccdb_options_get_comparator_name(o);
  CHECK(strcmp(name, "test.Numeric") == 0);
  avccdb_free(name);
  avccdb_t *db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_comparator_destroy(cmp); /* the options and db keep it */
  CHECK(destroyed == 0);
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  const char *keys[] = {"100", "9", "20", "3"};
  for (int i = 0; i < 4; i++) test_put(db, wo, keys[i], keys[i]);
  avccdb_compact_range(db, NULL, 0, NULL, 0);
  avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
  avccdb_iter_seek_to_first(it);
  const char *order[] = {"3", "9", "20", "100"};
  for (int i = 0; i < 4; i++, avccdb_iter_next(it))
    CHECK(test_key_is(it, order[i]));
  CHECK(!avccdb_iter_valid(it));
  avccdb_iter_destroy(it);
  CHECK(test_get_is(db, ro, "20", "20"));
  CHECK(avccdb_cache_get_usage(cache) > 0);
  avccdb_close(db);
  avccdb_options_destroy(o);
  CHECK(destroyed == 1);
  avccdb_cache_destroy(cache);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  test_dir_free(dir);
}

int main(void) {
  check_getters();
  check_invalid_values();
  check_triggers();
  check_comparator_and_cache();
  printf("options_test: ok\n");
  return 0;
}
