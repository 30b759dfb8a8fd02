/* avccdb quickstart.
 *
 * Usage: quickstart [database-directory]
 *
 * Today the library ships its foundations (formats and building blocks);
 * this program links it and reports what it loaded. It grows into the full
 * quickstart (open, concurrent writes, reads, iteration, stats) as the
 * engine and the C API land. */
#include <stdio.h>

#include "avccdb.h"

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "./avccdb-example";
  printf("avccdb %d.%d loaded\n", avccdb_major_version(),
         avccdb_minor_version());
  printf("database directory (used once the engine lands): %s\n", dir);
  return 0;
}
