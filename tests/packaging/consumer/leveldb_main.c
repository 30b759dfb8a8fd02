/* A program written for libleveldb (only <leveldb/c.h> and leveldb_*),
 * built against an installed avccdb whose leveldb header was installed
 * on request. Usage: leveldb_consumer <database-directory> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leveldb/c.h>

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "leveldb_consumer: %s:%d: %s\n", __FILE__, __LINE__,   \
              #cond);                                                        \
      return 1;                                                              \
    }                                                                        \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  char *err = NULL;
  leveldb_options_t *opts = leveldb_options_create();
  leveldb_options_set_create_if_missing(opts, 1);
  leveldb_destroy_db(opts, argv[1], &err);
  CHECK(err == NULL);
  leveldb_t *db = leveldb_open(opts, argv[1], &err);
  CHECK(err == NULL && db != NULL);
  leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  char key[16], val[16];
  for (int i = 0; i < 100; i++) {
    snprintf(key, sizeof key, "k%03d", i);
    snprintf(val, sizeof val, "v%d", i * i);
    leveldb_put(db, wo, key, strlen(key), val, strlen(val), &err);
    CHECK(err == NULL);
  }
  size_t len = 0;
  char *v = leveldb_get(db, ro, "k042", 4, &len, &err);
  CHECK(err == NULL && v != NULL && len == 5 && memcmp(v, "v1764", 5) == 0);
  leveldb_free(v);
  v = leveldb_get(db, ro, "absent", 6, &len, &err);
  CHECK(err == NULL && v == NULL);
  leveldb_iterator_t *it = leveldb_create_iterator(db, ro);
  int n = 0;
  for (leveldb_iter_seek_to_first(it); leveldb_iter_valid(it); leveldb_iter_next(it)) {
    const char *k = leveldb_iter_key(it, &len);
    snprintf(key, sizeof key, "k%03d", n);
    CHECK(len == 4 && memcmp(k, key, 4) == 0);
    n++;
  }
  CHECK(n == 100);
  leveldb_iter_destroy(it);
  leveldb_readoptions_destroy(ro);
  leveldb_writeoptions_destroy(wo);
  leveldb_close(db);
  leveldb_destroy_db(opts, argv[1], &err);
  CHECK(err == NULL);
  leveldb_options_destroy(opts);
  printf("leveldb_consumer: leveldb C API %d.%d ok\n", leveldb_major_version(),
         leveldb_minor_version());
  return 0;
}
