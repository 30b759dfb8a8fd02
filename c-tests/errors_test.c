/* Errors and bad input: NULL handles and buffers, inconsistent lengths,
 * error kinds told apart by avccdb_last_error_code, errptr replacement,
 * busy and corrupt databases. Nothing may crash. */
#include "test_util.h"

#include <fcntl.h>

static void null_handles(void) {
  char *err = NULL;
  size_t len = 5;
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  CHECK(avccdb_open(NULL, "/tmp/x", &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "options is NULL");
  avccdb_options_t *o = avccdb_options_create();
  CHECK(avccdb_open(o, NULL, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "name is NULL");
  CHECK(avccdb_open(o, "", &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "name is empty");
  avccdb_destroy_db(o, NULL, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "name is NULL");
  avccdb_repair_db(NULL, "/tmp/x", &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "options is NULL");
  avccdb_options_destroy(o);

  avccdb_put(NULL, wo, "k", 1, "v", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
  avccdb_delete(NULL, wo, "k", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
  avccdb_write(NULL, wo, NULL, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "is NULL");
  CHECK(avccdb_get(NULL, ro, "k", 1, &len, &err) == NULL && len == 0);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
  char *val = (char *)"junk";
  CHECK(avccdb_get2(NULL, ro, "k", 1, &val, &len, &err) == AVCCDB_GET_ERROR);
  CHECK(val == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
  CHECK(avccdb_get_into(NULL, ro, "k", 1, NULL, 0, &len, &err) ==
        AVCCDB_GET_ERROR);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
  CHECK(avccdb_open_transaction(NULL, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "db is NULL");
  avccdb_transaction_commit(NULL, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "transaction is NULL");
  avccdb_iter_get_error(NULL, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "iterator is NULL");
  avccdb_writebatch_load(NULL, "", 0, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "batch is NULL");

  /* No errptr: failure value plus the code. */
  CHECK(avccdb_create_iterator(NULL, ro) == NULL);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  CHECK(avccdb_create_snapshot(NULL) == NULL);
  CHECK(avccdb_property_value(NULL, "avccdb.stats") == NULL);
  CHECK(avccdb_iter_valid(NULL) == 0);
  avccdb_iter_seek_to_first(NULL);
  avccdb_iter_next(NULL);
  avccdb_iter_prev(NULL);
  CHECK(avccdb_iter_key(NULL, &len) == NULL && len == 0);
  CHECK(avccdb_writebatch_count(NULL) == 0);
  avccdb_writebatch_put(NULL, "k", 1, "v", 1);
  avccdb_writebatch_iterate(NULL, NULL, NULL, NULL);
  avccdb_writebatch_append(NULL, NULL);
  CHECK(avccdb_writebatch_data(NULL, &len) == NULL && len == 0);
  avccdb_compact_range(NULL, NULL, 0, NULL, 0);
  avccdb_options_set_block_size(NULL, 4096);
  CHECK(avccdb_options_get_block_size(NULL) == 0);
  avccdb_readoptions_set_fill_cache(NULL, 1);
  avccdb_writeoptions_set_sync(NULL, 1);
  CHECK(avccdb_version_history_count(NULL) == 0);
  CHECK(avccdb_comparator_create(NULL, NULL, NULL, NULL) == NULL);
  CHECK(avccdb_filterpolicy_create(NULL, NULL, NULL, NULL, NULL) == NULL);
  CHECK(avccdb_filterpolicy_create_bloom(-3) == NULL);
  CHECK(avccdb_env_get_test_directory(NULL) == NULL);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);

  /* Destructors accept NULL. */
  avccdb_close(NULL);
  avccdb_options_destroy(NULL);
  avccdb_readoptions_destroy(NULL);
  avccdb_writeoptions_destroy(NULL);
  avccdb_writebatch_destroy(NULL);
  avccdb_iter_destroy(NULL);
  avccdb_release_snapshot(NULL, NULL);
  avccdb_comparator_destroy(NULL);
  avccdb_filterpolicy_destroy(NULL);
  avccdb_cache_destroy(NULL);
  avccdb_env_destroy(NULL);
  avccdb_transaction_destroy(NULL);
  avccdb_version_history_destroy(NULL);
  avccdb_resume_compactions(NULL);
  avccdb_free(NULL);

  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
}

static void bad_buffers(avccdb_t *db) {
  char *err = NULL;
  size_t len = 0;
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  avccdb_put(db, wo, NULL, 3, "v", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "key is NULL but its length is 3");
  avccdb_put(db, wo, "k", 1, NULL, 2, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "value is NULL");
  avccdb_put(db, wo, "k", (size_t)-1, "v", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "limit");
  avccdb_put(db, NULL, "k", 1, "v", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "write options is NULL");
  CHECK(avccdb_get(db, NULL, "k", 1, &len, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "read options is NULL");
  CHECK(avccdb_get(db, ro, "k", 1, NULL, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "vallen is NULL");
  CHECK(avccdb_get2(db, ro, "k", 1, NULL, &len, &err) == AVCCDB_GET_ERROR);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "val is NULL");
  CHECK(avccdb_get_into(db, ro, "k", 1, NULL, 8, &len, &err) ==
        AVCCDB_GET_ERROR);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "buf is NULL");
  avccdb_delete_with_version(db, wo, NULL, 1, 5, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "key is NULL");

  /* NULL with length 0 is the empty key, which is valid. */
  avccdb_put(db, wo, NULL, 0, NULL, 0, &err);
  CHECK_OK(err);
  CHECK(test_get_is(db, ro, "", ""));

  /* A batch ignores bad records (and says so), keeping the good ones. */
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  avccdb_writebatch_put(b, "ok", 2, "1", 1);
  avccdb_writebatch_put(b, NULL, 1, "1", 1);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  avccdb_writebatch_delete(b, "k", (size_t)1 << 40);
  CHECK(avccdb_writebatch_count(b) == 1);
  avccdb_writebatch_destroy(b);

  /* Seek with a bad key leaves the iterator where it was. */
  test_put(db, wo, "a", "1");
  avccdb_iterator_t *it = avccdb_create_iterator(db, ro);
  avccdb_iter_seek_to_first(it);
  avccdb_iter_seek(it, NULL, 4);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  CHECK(avccdb_iter_valid(it));
  avccdb_iter_destroy(it);

  /* Negative or NULL range arrays. */
  uint64_t sizes[1] = {9};
  const char *keys[1] = {NULL};
  size_t lens[1] = {1};
  avccdb_approximate_sizes(db, 1, keys, lens, keys, lens, sizes);
  CHECK(sizes[0] == 0 &&
        avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  avccdb_approximate_sizes(db, -1, NULL, NULL, NULL, NULL, NULL);
  avccdb_approximate_sizes(db, 1, NULL, NULL, NULL, NULL, sizes);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  avccdb_compact_level(db, 99, NULL, 0, NULL, 0, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "level 99");
  avccdb_compact_level(db, -1, NULL, 0, NULL, 0, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "negative");

  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
}

static void errptr_rules(avccdb_t *db) {
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  char *err = NULL;
  /* A failure replaces (and frees) the old message. */
  avccdb_put(db, wo, NULL, 1, NULL, 0, &err);
  CHECK(err != NULL);
  avccdb_put(NULL, wo, NULL, 0, NULL, 0, &err);
  CHECK(strcmp(err, "Invalid argument: db is NULL") == 0);
  /* Success leaves it untouched. */
  char *kept = err;
  avccdb_put(db, wo, "k", 1, "v", 1, &err);
  CHECK(err == kept);
  avccdb_free(err);
  err = NULL;
  /* errptr itself may be NULL; the code still tells the kind. */
  avccdb_put(db, wo, NULL, 1, NULL, 0, NULL);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_ARGUMENT);
  avccdb_writeoptions_destroy(wo);
}

static void busy_and_corrupt(void) {
  char *dir = test_dir("errors-busy");
  char *err = NULL;
  avccdb_t *db = test_open(dir);
  avccdb_options_t *o = avccdb_options_create();
  /* Open twice: busy. Destroy while open: busy. */
  CHECK(avccdb_open(o, dir, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_BUSY, "Busy");
  avccdb_destroy_db(o, dir, &err);
  CHECK_ERR(err, AVCCDB_ERR_BUSY, "Busy");
  avccdb_options_set_error_if_exists(o, 1);
  avccdb_close(db);
  CHECK(avccdb_open(o, dir, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "exists");

  /* A damaged CURRENT file is corruption or I/O, never a crash. */
  char path[4200];
  snprintf(path, sizeof path, "%s/CURRENT", dir);
  int fd = open(path, O_WRONLY | O_TRUNC);
  CHECK(fd >= 0);
  CHECK(write(fd, "MANIFEST-999999\n", 16) == 16);
  close(fd);
  avccdb_options_set_error_if_exists(o, 0);
  CHECK(avccdb_open(o, dir, &err) == NULL);
  CHECK(err != NULL);
  int code = avccdb_last_error_code();
  printf("damaged CURRENT: code %d: %s\n", code, err);
  CHECK(code == AVCCDB_ERR_CORRUPTION);
  avccdb_free(err);
  err = NULL;
  /* Repair rebuilds a manifest from what survives. */
  avccdb_repair_db(o, dir, &err);
  CHECK_OK(err);
  db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_close(db);
  avccdb_options_destroy(o);
  test_dir_free(dir);
}

static void closed_objects(void) {
  char *dir = test_dir("errors-closed");
  char *err = NULL;
  avccdb_t *db = test_open(dir);
  avccdb_transaction_t *t = avccdb_open_transaction(db, &err);
  CHECK_OK(err);
  avccdb_close(db);
  avccdb_transaction_put(t, "k", 1, "v", 1, &err);
  CHECK_ERR(err, AVCCDB_ERR_CLOSED, "Closed");
  avccdb_transaction_commit(t, &err);
  CHECK(err != NULL);
  avccdb_free(err);
  avccdb_transaction_destroy(t);
  test_dir_free(dir);
}

int main(void) {
  CHECK(avccdb_last_error_code() == AVCCDB_OK);
  null_handles();
  char *dir = test_dir("errors");
  avccdb_t *db = test_open(dir);
  bad_buffers(db);
  errptr_rules(db);
  avccdb_close(db);
  test_dir_free(dir);
  busy_and_corrupt();
  closed_objects();
  printf("errors_test: ok\n");
  return 0;
}
