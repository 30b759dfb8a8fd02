/* The downstream program built against an installed avccdb, once through
 * find_package(avccdb CONFIG) and once through pkg-config (shared and
 * static each). It checks that header and library agree, then uses a real
 * database in the directory given as argv[1]: write, batch, read back,
 * iterate, reopen. Prints "consumer: ok" on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avccdb.h>

static int fail(const char *what, char *err) {
  fprintf(stderr, "consumer: %s: %s (code %d)\n", what, err ? err : "-",
          (int)avccdb_last_error_code());
  avccdb_free(err);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: consumer <database-directory>\n");
    return 2;
  }
  int major = avccdb_major_version();
  int minor = avccdb_minor_version();
  printf("consumer: avccdb %d.%d\n", major, minor);
  if (major != EXPECTED_MAJOR || minor != EXPECTED_MINOR) {
    fprintf(stderr, "consumer: expected %d.%d\n", EXPECTED_MAJOR, EXPECTED_MINOR);
    return 1;
  }

  char *err = NULL;
  avccdb_options_t *opts = avccdb_options_create();
  avccdb_options_set_create_if_missing(opts, 1);
  avccdb_destroy_db(opts, argv[1], &err);
  if (err) return fail("destroy_db", err);
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_readoptions_t *ro = avccdb_readoptions_create();

  for (int round = 0; round < 2; round++) {
    avccdb_t *db = avccdb_open(opts, argv[1], &err);
    if (err) return fail("open", err);
    if (round == 0) {
      /* 200 keys, half through a batch, then delete every tenth. */
      avccdb_writebatch_t *b = avccdb_writebatch_create();
      char key[16], val[32];
      for (int i = 0; i < 200; i++) {
        int kl = snprintf(key, sizeof key, "key%03d", i);
        int vl = snprintf(val, sizeof val, "value-%d", i * 3);
        if (i % 2) {
          avccdb_writebatch_put(b, key, (size_t)kl, val, (size_t)vl);
        } else {
          avccdb_put(db, wo, key, (size_t)kl, val, (size_t)vl, &err);
          if (err) return fail("put", err);
        }
      }
      avccdb_write(db, wo, b, &err);
      avccdb_writebatch_destroy(b);
      if (err) return fail("write", err);
      for (int i = 0; i < 200; i += 10) {
        int kl = snprintf(key, sizeof key, "key%03d", i);
        avccdb_delete(db, wo, key, (size_t)kl, &err);
        if (err) return fail("delete", err);
      }
    }
    /* Both rounds (the second after reopening) see the same 180 keys. */
    size_t len = 0;
    char *v = avccdb_get(db, ro, "key123", 6, &len, &err);
    if (err) return fail("get", err);
    if (v == NULL || len != 9 || memcmp(v, "value-369", 9) != 0) {
      fprintf(stderr, "consumer: round %d: key123 has the wrong value\n", round);
      return 1;
    }
    avccdb_free(v);
    v = avccdb_get(db, ro, "key120", 6, &len, &err);
    if (err) return fail("get", err);
    if (v != NULL) {
      fprintf(stderr, "consumer: round %d: deleted key120 is still there\n", round);
      return 1;
    }
    avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
    int n = 0, prev = -1;
    for (avccdb_iter_seek_to_first(it); avccdb_iter_valid(it); avccdb_iter_next(it)) {
      size_t kl = 0;
      const char *k = avccdb_iter_key(it, &kl);
      int idx = kl == 6 ? atoi(k + 3) : -1;
      if (idx <= prev || idx % 10 == 0) {
        fprintf(stderr, "consumer: round %d: unexpected key at position %d\n", round, n);
        return 1;
      }
      prev = idx;
      n++;
    }
    avccdb_iter_get_error(it, &err);
    avccdb_iter_destroy(it);
    if (err) return fail("iterator", err);
    if (n != 180) {
      fprintf(stderr, "consumer: round %d: iterated %d keys, expected 180\n", round, n);
      return 1;
    }
    avccdb_close(db);
  }
  avccdb_destroy_db(opts, argv[1], &err);
  if (err) return fail("destroy_db", err);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_options_destroy(opts);
  printf("consumer: ok\n");
  return 0;
}
