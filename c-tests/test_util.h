/* Shared by the C test programs: failure reporting, a fresh database
 * directory per test, and small helpers over the C API. */
#ifndef AVCCDB_TEST_UTIL_H
#define AVCCDB_TEST_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, nftw */
#endif
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avccdb.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,    \
              #cond);                                                      \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

/* Fails if *err holds a message; prints it. */
#define CHECK_OK(err)                                                      \
  do {                                                                     \
    if ((err) != NULL) {                                                   \
      fprintf(stderr, "%s:%d: unexpected error: %s\n", __FILE__, __LINE__, \
              (err));                                                      \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

/* Expects an error of kind `code` whose message contains `needle`; frees
 * the message and resets err. */
#define CHECK_ERR(err, code, needle)                                       \
  do {                                                                     \
    CHECK((err) != NULL);                                                  \
    if (avccdb_last_error_code() != (code) || !strstr((err), (needle))) {  \
      fprintf(stderr, "%s:%d: want code %d with \"%s\", got %d: %s\n",     \
              __FILE__, __LINE__, (code), (needle),                        \
              avccdb_last_error_code(), (err));                            \
      exit(1);                                                             \
    }                                                                      \
    avccdb_free(err);                                                      \
    (err) = NULL;                                                          \
  } while (0)

static inline int test_rm_entry(const char *path, const struct stat *sb,
                                int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Removes a directory tree (best effort). */
static inline void test_rm_rf(const char *dir) {
  nftw(dir, test_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh, unique directory path for a database named after the test:
 * <tmp>/avccdb-ctest-<tag>-XXXXXX/db (the parent is created, the database
 * directory is not). Free with test_dir_free. */
static inline char *test_dir(const char *tag) {
  const char *tmp = getenv("TMPDIR");
  char *path = (char *)malloc(4096);
  CHECK(path != NULL);
  snprintf(path, 4096, "%s/avccdb-ctest-%s-XXXXXX",
           tmp && *tmp ? tmp : "/tmp", tag);
  CHECK(mkdtemp(path) != NULL);
  strcat(path, "/db");
  return path;
}

/* Removes the database and its parent directory, then frees the path. */
static inline void test_dir_free(char *path) {
  char *slash = strrchr(path, '/');
  *slash = '\0';
  test_rm_rf(path);
  free(path);
}

/* Opens (creating) a database at dir with default options. */
static inline avccdb_t *test_open(const char *dir) {
  char *err = NULL;
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_t *db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  CHECK(db != NULL);
  avccdb_options_destroy(o);
  return db;
}

/* 1 if the malloc'd (p, n) equals the NUL-terminated `want`; frees p. */
static inline int test_take_eq(char *p, size_t n, const char *want) {
  int eq = p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
  avccdb_free(p);
  return eq;
}

/* 1 if the borrowed (p, n) equals the NUL-terminated `want`. */
static inline int test_eq(const char *p, size_t n, const char *want) {
  return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

/* 1 if the iterator is valid at key `want`. */
static inline int test_key_is(const avccdb_iterator_t *it, const char *want) {
  size_t n = 0;
  const char *k = avccdb_iter_key(it, &n);
  return avccdb_iter_valid(it) && test_eq(k, n, want);
}

/* 1 if the iterator is valid with value `want`. */
static inline int test_value_is(const avccdb_iterator_t *it,
                                const char *want) {
  size_t n = 0;
  const char *v = avccdb_iter_value(it, &n);
  return avccdb_iter_valid(it) && test_eq(v, n, want);
}

/* Puts a NUL-terminated key and value. */
static inline void test_put(avccdb_t *db, const avccdb_writeoptions_t *wo,
                            const char *k, const char *v) {
  char *err = NULL;
  avccdb_put(db, wo, k, strlen(k), v, strlen(v), &err);
  CHECK_OK(err);
}

/* avccdb_get of a NUL-terminated key: 1 if it equals want (NULL: must be
 * missing). */
static inline int test_get_is(avccdb_t *db, const avccdb_readoptions_t *ro,
                              const char *k, const char *want) {
  char *err = NULL;
  size_t n = 99;
  char *v = avccdb_get(db, ro, k, strlen(k), &n, &err);
  CHECK_OK(err);
  if (want == NULL) {
    int ok = v == NULL && n == 0;
    avccdb_free(v);
    return ok;
  }
  return test_take_eq(v, n, want);
}

/* An integer property/counter (fails the test if unknown). */
static inline uint64_t test_counter(avccdb_t *db, const char *name) {
  uint64_t v = 0;
  if (!avccdb_property_int(db, name, &v)) {
    fprintf(stderr, "unknown counter %s\n", name);
    exit(1);
  }
  return v;
}

#endif /* AVCCDB_TEST_UTIL_H */
