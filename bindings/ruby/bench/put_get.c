/* put_get.c — the workload of bench/put_get.rb straight on the C API, to
 * measure what the Ruby binding adds:
 *   cc -O2 bench/put_get.c -I../../include -L<libdir> -lavccdb -o put_get
 *   ./put_get [count] [dir]
 * count puts of 16-byte keys ("%016d", ascending) with 100-byte values on
 * a fresh database (default options, no sync), then count gets in the
 * order i = (i * 7919 + 13) mod count, each value freed as Ruby does. */
#define _POSIX_C_SOURCE 200809L
#include <avccdb.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *name, long count, double seconds) {
  printf("c    %-4s: %10.0f ops/s %8.3f us/op (%ld ops)\n", name, (double)count / seconds,
         seconds * 1e6 / (double)count, count);
}

static void check(char *err) {
  if (err != NULL) {
    fprintf(stderr, "%s\n", err);
    exit(1);
  }
}

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 200000;
  char path[4096];
  snprintf(path, sizeof path, "%s/bench-c", argc > 2 ? argv[2] : "/tmp");
  char *err = NULL;
  avccdb_options_t *opts = avccdb_options_create();
  avccdb_destroy_db(opts, path, &err);
  avccdb_free(err);
  err = NULL;
  avccdb_options_set_create_if_missing(opts, 1);
  avccdb_t *db = avccdb_open(opts, path, &err);
  check(err);
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  char value[100];
  memset(value, 'x', sizeof value);
  char key[32];

  double t0 = now();
  for (long i = 0; i < count; i++) {
    snprintf(key, sizeof key, "%016ld", i);
    avccdb_put(db, wo, key, 16, value, sizeof value, &err);
    check(err);
  }
  double t1 = now();
  report("put", count, t1 - t0);
  long missing = 0, i = 0;
  for (long n = 0; n < count; n++) {
    i = (i * 7919 + 13) % count;
    snprintf(key, sizeof key, "%016ld", i);
    size_t len = 0;
    char *v = avccdb_get(db, ro, key, 16, &len, &err);
    check(err);
    if (v == NULL) missing++;
    avccdb_free(v);
  }
  report("get", count, now() - t1);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);
  avccdb_destroy_db(opts, path, &err);
  avccdb_options_destroy(opts);
  if (missing != 0) {
    fprintf(stderr, "%ld keys missing\n", missing);
    return 1;
  }
  return 0;
}
