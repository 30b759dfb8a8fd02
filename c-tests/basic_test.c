/* Basic operations: open/create, put, the three gets, delete, a value
 * larger than a block, reopen, destroy. */
#include "test_util.h"

int main(void) {
  char *dir = test_dir("basic");
  char *err = NULL;
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  /* LevelDB's default: a missing database is not created. */
  avccdb_options_t *o = avccdb_options_create();
  CHECK(avccdb_open(o, dir, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "does not exist");
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_t *db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  CHECK(db != NULL);

  test_put(db, wo, "hello", "world");
  CHECK(test_get_is(db, ro, "hello", "world"));
  CHECK(test_get_is(db, ro, "missing", NULL));

  /* An empty value is found; get2 says so explicitly. */
  avccdb_put(db, wo, "empty", 5, "", 0, &err);
  CHECK_OK(err);
  char *val = NULL;
  size_t len = 99;
  CHECK(avccdb_get2(db, ro, "empty", 5, &val, &len, &err) == AVCCDB_GET_FOUND);
  CHECK(val != NULL && len == 0);
  avccdb_free(val);
  CHECK(avccdb_get2(db, ro, "nothing", 7, &val, &len, &err) ==
        AVCCDB_GET_NOT_FOUND);
  CHECK(val == NULL && len == 0);
  CHECK_OK(err);

  /* get_into: no allocation; a short buffer gets the prefix and the
   * length needed. */
  char buf[8];
  CHECK(avccdb_get_into(db, ro, "hello", 5, buf, sizeof buf, &len, &err) ==
        AVCCDB_GET_FOUND);
  CHECK(len == 5 && memcmp(buf, "world", 5) == 0);
  test_put(db, wo, "long", "0123456789abcdef");
  CHECK(avccdb_get_into(db, ro, "long", 4, buf, sizeof buf, &len, &err) ==
        AVCCDB_GET_BUFFER_TOO_SMALL);
  CHECK(len == 16 && memcmp(buf, "01234567", 8) == 0);
  CHECK(avccdb_get_into(db, ro, "long", 4, NULL, 0, &len, &err) ==
        AVCCDB_GET_BUFFER_TOO_SMALL);
  CHECK(len == 16);
  CHECK(avccdb_get_into(db, ro, "nope", 4, buf, sizeof buf, &len, &err) ==
        AVCCDB_GET_NOT_FOUND);
  CHECK(len == 0);
  CHECK_OK(err);

  /* Binary keys and values with NUL bytes, and a value spanning blocks. */
  const char bkey[] = {'a', '\0', 'b'};
  size_t big_len = 100000;
  char *big = malloc(big_len);
  for (size_t i = 0; i < big_len; i++) big[i] = (char)(i * 7);
  avccdb_put(db, wo, bkey, sizeof bkey, big, big_len, &err);
  CHECK_OK(err);
  val = avccdb_get(db, ro, bkey, sizeof bkey, &len, &err);
  CHECK_OK(err);
  CHECK(val != NULL && len == big_len && memcmp(val, big, big_len) == 0);
  avccdb_free(val);

  avccdb_delete(db, wo, "hello", 5, &err);
  CHECK_OK(err);
  CHECK(test_get_is(db, ro, "hello", NULL));
  avccdb_delete(db, wo, "never-was", 9, &err);
  CHECK_OK(err);

  /* Synced writes work too. */
  avccdb_writeoptions_set_sync(wo, 1);
  test_put(db, wo, "durable", "yes");
  avccdb_close(db);

  /* Everything is there after a reopen. */
  db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  CHECK(test_get_is(db, ro, "durable", "yes"));
  CHECK(test_get_is(db, ro, "hello", NULL));
  CHECK(test_get_is(db, ro, "empty", ""));
  val = avccdb_get(db, ro, bkey, sizeof bkey, &len, &err);
  CHECK(val != NULL && len == big_len && memcmp(val, big, big_len) == 0);
  avccdb_free(val);
  free(big);
  avccdb_close(db);

  avccdb_destroy_db(o, dir, &err);
  CHECK_OK(err);
  CHECK(access(dir, F_OK) != 0);

  avccdb_options_destroy(o);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  test_dir_free(dir);
  printf("basic_test: ok\n");
  return 0;
}
