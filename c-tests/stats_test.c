/* Statistics: every counter is reachable by name as an integer and as a
 * text property; counters follow what happens (merged writes from several
 * threads, flushes, iterators); approximate sizes grow with the data. */
#include "test_util.h"

#include <pthread.h>

#define THREADS 4
#define PER_THREAD 2000

struct job {
  avccdb_t *db;
  avccdb_writeoptions_t *wo;
  int id;
};

static void *writer(void *arg) {
  struct job *j = arg;
  char key[32], value[100];
  memset(value, 'x', sizeof value);
  char *err = NULL;
  for (int i = 0; i < PER_THREAD; i++) {
    int n = snprintf(key, sizeof key, "w%d-%05d", j->id, i);
    avccdb_put(j->db, j->wo, key, (size_t)n, value, sizeof value, &err);
    CHECK_OK(err);
  }
  return NULL;
}

int main(void) {
  char *dir = test_dir("stats");
  char *err = NULL;
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_write_buffer_size(o, 64 << 10);
  /* Uncompressed, so that table sizes track the bytes written. */
  avccdb_options_set_compression(o, AVCCDB_NO_COMPRESSION);
  avccdb_t *db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_options_destroy(o);
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  /* Every counter name resolves, bare and as an avccdb./leveldb. text
   * property. */
  size_t n = avccdb_stats_counter_count();
  CHECK(n >= 16);
  for (size_t i = 0; i < n; i++) {
    const char *name = avccdb_stats_counter_name(i);
    CHECK(name != NULL);
    uint64_t v = 12345;
    CHECK(avccdb_property_int(db, name, &v));
    char prop[128];
    snprintf(prop, sizeof prop, "leveldb.%s", name);
    char *text = avccdb_property_value(db, prop);
    CHECK(text != NULL);
    char *end = NULL;
    strtoull(text, &end, 10);
    CHECK(end != text && *end == '\0'); /* an integer, nothing else */
    avccdb_free(text);
  }
  CHECK(avccdb_stats_counter_name(n) == NULL);
  CHECK(test_counter(db, "write_groups") == 0);

  /* Concurrent writers: every write lands in some group. */
  pthread_t th[THREADS];
  struct job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (struct job){db, wo, i};
    CHECK(pthread_create(&th[i], NULL, writer, &jobs[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) CHECK(pthread_join(th[i], NULL) == 0);
  uint64_t groups = test_counter(db, "write_groups");
  uint64_t merged = test_counter(db, "writes_merged");
  CHECK(groups >= 1);
  CHECK(groups + merged == THREADS * PER_THREAD);
  CHECK(test_counter(db, "io_write") > THREADS * PER_THREAD * 100);
  CHECK(test_counter(db, "memdb_compactions") >= 1);

  /* Live iterators are counted. */
  avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
  CHECK(test_counter(db, "alive_iterators") == 1);
  avccdb_iter_destroy(it);
  CHECK(test_counter(db, "alive_iterators") == 0);

  /* Tables after a full compaction; sizes of ranges reflect them. */
  avccdb_compact_range(db, NULL, 0, NULL, 0);
  uint64_t tables = 0;
  for (int level = 0; level < 7; level++) {
    char name[64];
    snprintf(name, sizeof name, "avccdb.num-files-at-level%d", level);
    tables += test_counter(db, name);
  }
  CHECK(tables >= 1);
  CHECK(test_counter(db, "level0.tables") == 0);
  const char *start[2] = {"w0", "w2"};
  size_t start_len[2] = {2, 2};
  const char *limit[2] = {"w2", "w3"};
  size_t limit_len[2] = {2, 2};
  uint64_t sizes[2] = {0, 0};
  avccdb_approximate_sizes(db, 2, start, start_len, limit, limit_len, sizes);
  CHECK(sizes[0] > sizes[1] && sizes[1] > 0);
  CHECK(sizes[0] > (uint64_t)PER_THREAD * 100);

  char *stats = avccdb_property_value(db, "avccdb.stats");
  CHECK(stats != NULL && strstr(stats, "Writes merged") != NULL);
  avccdb_free(stats);
  char *sst = avccdb_property_value(db, "avccdb.sstables");
  CHECK(sst != NULL && strstr(sst, "level") != NULL);
  avccdb_free(sst);
  /* A healthy database has no background error: an empty string. */
  char *bg = avccdb_property_value(db, "avccdb.background-error");
  CHECK(bg != NULL && bg[0] == '\0');
  avccdb_free(bg);
  CHECK(avccdb_property_value(db, "avccdb.no-such-thing") == NULL);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_NOT_FOUND);
  uint64_t v = 7;
  CHECK(!avccdb_property_int(db, "avccdb.stats", &v) && v == 0);

  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);
  test_dir_free(dir);
  printf("stats_test: ok\n");
  return 0;
}
