// Compiles include/avccdb.h as C++ (extern "C" guards) and calls through it.
#include <cstdio>
#include <type_traits>

#include "avccdb.h"

int main() {
  static_assert(std::is_same<decltype(avccdb_major_version()), int32_t>::value,
                "major_version returns int32_t");
  avccdb_free(nullptr);
  std::printf("avccdb %d.%d from C++\n", avccdb_major_version(),
              avccdb_minor_version());
  return avccdb_major_version() >= 0 ? 0 : 1;
}
