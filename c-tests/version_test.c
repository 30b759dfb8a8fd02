/* Links libavccdb and checks the foundation functions: the version numbers,
 * avccdb_free on NULL, and the error code of a thread that has not failed. */
#include <stdio.h>
#include <stdlib.h>

#include "avccdb.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,    \
              #cond);                                                      \
      return 1;                                                            \
    }                                                                      \
  } while (0)

int main(void) {
  int major = avccdb_major_version();
  int minor = avccdb_minor_version();
  printf("avccdb %d.%d\n", major, minor);
  CHECK(major == AVCCDB_EXPECTED_MAJOR);
  CHECK(minor == AVCCDB_EXPECTED_MINOR);
  CHECK(avccdb_last_error_code() == AVCCDB_OK);
  avccdb_free(NULL);
  /* Any buffer from malloc is releasable through avccdb_free. */
  avccdb_free(malloc(16));
  CHECK(AVCCDB_ERR_CORRUPTION != AVCCDB_ERR_IO);
  printf("version_test: ok\n");
  return 0;
}
