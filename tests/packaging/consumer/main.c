/* The downstream program built against an installed avccdb, once through
 * find_package(avccdb CONFIG) and once through pkg-config. It checks that
 * the header and the library it was built with agree. */
#include <stdio.h>

#include <avccdb.h>

int main(void) {
  int major = avccdb_major_version();
  int minor = avccdb_minor_version();
  printf("consumer: avccdb %d.%d\n", major, minor);
  if (major != EXPECTED_MAJOR || minor != EXPECTED_MINOR) {
    fprintf(stderr, "consumer: expected %d.%d\n", EXPECTED_MAJOR,
            EXPECTED_MINOR);
    return 1;
  }
  if (avccdb_last_error_code() != AVCCDB_OK) {
    fprintf(stderr, "consumer: fresh thread reports an error\n");
    return 1;
  }
  printf("consumer: ok\n");
  return 0;
}
