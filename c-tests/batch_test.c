/* Write batches: put/delete (plain and versioned), clear, count, iterate,
 * append, data/load round trip, atomic write. */
#include "test_util.h"

struct seen {
  int n;
  char log[1024];
};

static void on_put(void *state, const char *k, size_t klen, const char *v,
                   size_t vlen) {
  struct seen *s = state;
  s->n++;
  size_t used = strlen(s->log);
  snprintf(s->log + used, sizeof s->log - used, "P(%.*s=%.*s)", (int)klen, k,
           (int)vlen, v);
}

static void on_del(void *state, const char *k, size_t klen) {
  struct seen *s = state;
  s->n++;
  size_t used = strlen(s->log);
  snprintf(s->log + used, sizeof s->log - used, "D(%.*s)", (int)klen, k);
}

static void on_put_v(void *state, const char *k, size_t klen, const char *v,
                     size_t vlen, uint64_t version, unsigned char versioned) {
  struct seen *s = state;
  s->n++;
  size_t used = strlen(s->log);
  snprintf(s->log + used, sizeof s->log - used, "P(%.*s=%.*s@%llu%s)",
           (int)klen, k, (int)vlen, v, (unsigned long long)version,
           versioned ? "v" : "");
}

static void on_del_v(void *state, const char *k, size_t klen,
                     uint64_t version, unsigned char versioned) {
  struct seen *s = state;
  s->n++;
  size_t used = strlen(s->log);
  snprintf(s->log + used, sizeof s->log - used, "D(%.*s@%llu%s)", (int)klen,
           k, (unsigned long long)version, versioned ? "v" : "");
}

int main(void) {
  char *dir = test_dir("batch");
  char *err = NULL;
  avccdb_t *db = test_open(dir);
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  avccdb_writebatch_t *b = avccdb_writebatch_create();
  avccdb_writebatch_put(b, "gone", 4, "x", 1);
  avccdb_writebatch_clear(b);
  CHECK(avccdb_writebatch_count(b) == 0);
  avccdb_writebatch_put(b, "a", 1, "1", 1);
  avccdb_writebatch_put(b, "b", 1, "2", 1);
  avccdb_writebatch_delete(b, "a", 1);
  avccdb_writebatch_put_with_version(b, "c", 1, 7, "3", 1);
  avccdb_writebatch_delete_with_version(b, "d", 1, 9);
  CHECK(avccdb_writebatch_count(b) == 5);

  struct seen s = {0, ""};
  avccdb_writebatch_iterate(b, &s, on_put, on_del);
  CHECK(s.n == 5);
  CHECK(strcmp(s.log, "P(a=1)P(b=2)D(a)P(c=3)D(d)") == 0);
  struct seen sv = {0, ""};
  avccdb_writebatch_iterate_versions(b, &sv, on_put_v, on_del_v);
  CHECK(strcmp(sv.log, "P(a=1@0)P(b=2@0)D(a@0)P(c=3@7v)D(d@9v)") == 0);

  /* Atomic write: later records win within the batch. */
  avccdb_write(db, wo, b, &err);
  CHECK_OK(err);
  CHECK(test_get_is(db, ro, "a", NULL));
  CHECK(test_get_is(db, ro, "b", "2"));
  CHECK(test_get_is(db, ro, "c", "3"));

  /* data -> load round trip. */
  size_t len = 0;
  const char *data = avccdb_writebatch_data(b, &len);
  CHECK(data != NULL && len > 0);
  avccdb_writebatch_t *copy = avccdb_writebatch_create_with_config(64, 128);
  avccdb_writebatch_load(copy, data, len, &err);
  CHECK_OK(err);
  CHECK(avccdb_writebatch_count(copy) == 5);
  size_t len2 = 0;
  const char *data2 = avccdb_writebatch_data(copy, &len2);
  CHECK(len2 == len && memcmp(data, data2, len) == 0);

  /* Corrupt data is rejected and leaves the batch empty. */
  avccdb_writebatch_load(copy, "\x07garbage", 8, &err);
  CHECK_ERR(err, AVCCDB_ERR_CORRUPTION, "Corruption");
  CHECK(avccdb_writebatch_count(copy) == 0);

  /* append (also onto itself). */
  avccdb_writebatch_t *other = avccdb_writebatch_create();
  avccdb_writebatch_put(other, "e", 1, "5", 1);
  avccdb_writebatch_append(copy, other);
  avccdb_writebatch_append(copy, b);
  CHECK(avccdb_writebatch_count(copy) == 6);
  avccdb_writebatch_append(other, other);
  CHECK(avccdb_writebatch_count(other) == 2);
  struct seen so = {0, ""};
  avccdb_writebatch_iterate(other, &so, on_put, on_del);
  CHECK(strcmp(so.log, "P(e=5)P(e=5)") == 0);
  avccdb_write(db, wo, copy, &err);
  CHECK_OK(err);
  CHECK(test_get_is(db, ro, "e", "5"));

  /* A large batch (above the write buffer) goes through a transaction. */
  avccdb_writebatch_t *big = avccdb_writebatch_create_with_config(1 << 20, 0);
  char key[32], value[200];
  memset(value, 'v', sizeof value);
  for (int i = 0; i < 30000; i++) {
    int n = snprintf(key, sizeof key, "big%06d", i);
    avccdb_writebatch_put(big, key, (size_t)n, value, sizeof value);
  }
  avccdb_write(db, wo, big, &err);
  CHECK_OK(err);
  const char *probe[] = {"big000000", "big015000", "big029999"};
  for (int i = 0; i < 3; i++) {
    size_t vlen = 0;
    char *v = avccdb_get(db, ro, probe[i], 9, &vlen, &err);
    CHECK_OK(err);
    CHECK(v != NULL && vlen == sizeof value && memcmp(v, value, vlen) == 0);
    avccdb_free(v);
  }

  avccdb_writebatch_destroy(big);
  avccdb_writebatch_destroy(other);
  avccdb_writebatch_destroy(copy);
  avccdb_writebatch_destroy(b);
  avccdb_writebatch_destroy(NULL);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);
  test_dir_free(dir);
  printf("batch_test: ok\n");
  return 0;
}
