// Compiles include/avccdb.h and include/leveldb/c.h together as C++
// (extern "C" guards, no clashing names) and calls through both.
#include <cstdio>
#include <type_traits>

#include "avccdb.h"
#include "leveldb/c.h"

int main() {
  static_assert(std::is_same<decltype(avccdb_major_version()), int32_t>::value,
                "major_version returns int32_t");
  static_assert(std::is_same<decltype(&leveldb_get),
                             char *(*)(leveldb_t *, const leveldb_readoptions_t *,
                                       const char *, size_t, size_t *,
                                       char **)>::value,
                "leveldb_get has LevelDB's signature");
  avccdb_free(nullptr);
  leveldb_free(nullptr);
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  avccdb_writebatch_put(b, "k", 1, "v", 1);
  // The two APIs name the same objects.
  leveldb_writebatch_t *lb = reinterpret_cast<leveldb_writebatch_t *>(b);
  leveldb_writebatch_delete(lb, "k", 1);
  const size_t count = avccdb_writebatch_count(b);
  avccdb_writebatch_destroy(b);
  std::printf("avccdb %d.%d (LevelDB API %d.%d) from C++\n",
              avccdb_major_version(), avccdb_minor_version(),
              leveldb_major_version(), leveldb_minor_version());
  return count == 2 ? 0 : 1;
}
