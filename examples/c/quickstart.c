/* avccdb quickstart: open a database, write from several threads (the
 * engine merges concurrent writes into groups), read back, iterate, and
 * print the engine's statistics.
 *
 * Usage: quickstart [database-directory]   (default: ./quickstart-db)
 * Build: cc quickstart.c -lavccdb -lpthread */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avccdb.h"

#define THREADS 4
#define KEYS_PER_THREAD 25000

static avccdb_t *db;

static void die(const char *what, char *err) {
  fprintf(stderr, "%s: %s (code %d)\n", what, err, avccdb_last_error_code());
  avccdb_free(err);
  exit(1);
}

static void *writer(void *arg) {
  int id = *(int *)arg;
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  char key[32], value[64];
  for (int i = 0; i < KEYS_PER_THREAD; i++) {
    int kl = snprintf(key, sizeof key, "user:%d:%06d", id, i);
    int vl = snprintf(value, sizeof value, "{\"thread\":%d,\"n\":%d}", id, i);
    char *err = NULL;
    avccdb_put(db, wo, key, (size_t)kl, value, (size_t)vl, &err);
    if (err) die("put", err);
  }
  avccdb_writeoptions_destroy(wo);
  return NULL;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "./quickstart-db";
  char *err = NULL;

  avccdb_options_t *options = avccdb_options_create();
  avccdb_options_set_create_if_missing(options, 1);
  db = avccdb_open(options, dir, &err);
  avccdb_options_destroy(options);
  if (err) die("open", err);
  printf("avccdb %d.%d: opened %s\n", avccdb_major_version(),
         avccdb_minor_version(), dir);

  /* Concurrent writers: their puts are merged into shared write groups. */
  pthread_t threads[THREADS];
  int ids[THREADS];
  for (int i = 0; i < THREADS; i++) {
    ids[i] = i;
    pthread_create(&threads[i], NULL, writer, &ids[i]);
  }
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
  printf("wrote %d keys from %d threads\n", THREADS * KEYS_PER_THREAD,
         THREADS);

  /* Point read. */
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  size_t len;
  char *value = avccdb_get(db, ro, "user:2:000042", 13, &len, &err);
  if (err) die("get", err);
  printf("user:2:000042 = %.*s\n", (int)len, value ? value : "(missing)");
  avccdb_free(value);

  /* Range scan over one thread's keys. */
  avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
  int count = 0;
  for (avccdb_iter_seek(it, "user:3:", 7); avccdb_iter_valid(it);
       avccdb_iter_next(it)) {
    size_t klen;
    const char *key = avccdb_iter_key(it, &klen);
    if (klen < 7 || memcmp(key, "user:3:", 7) != 0) break;
    count++;
  }
  avccdb_iter_get_error(it, &err);
  if (err) die("iterate", err);
  avccdb_iter_destroy(it);
  printf("keys with prefix user:3: %d\n", count);

  uint64_t merged = 0, groups = 0;
  avccdb_property_int(db, "writes_merged", &merged);
  avccdb_property_int(db, "write_groups", &groups);
  printf("%llu writes merged into %llu groups\n", (unsigned long long)merged,
         (unsigned long long)groups);
  char *stats = avccdb_property_value(db, "avccdb.stats");
  printf("%s", stats ? stats : "");
  avccdb_free(stats);

  avccdb_readoptions_destroy(ro);
  avccdb_close(db);
  return count == KEYS_PER_THREAD ? 0 : 1;
}
