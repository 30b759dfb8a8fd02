// Uses avccdb.hpp the way an application would, and checks every result:
// open/create, put/get/delete, an atomic batch, forward and backward
// iteration, snapshot isolation, reopen (persistence), and errors as
// exceptions. Usage: avccdb_cpp_example <database-directory>
// Exits non-zero on the first wrong result.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "avccdb.hpp"

namespace {

int failures = 0;

#define EXPECT(cond)                                                      \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                         \
    }                                                                     \
  } while (0)

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "key%05d", i);
  return buf;
}

// Records what WriteBatch::iterate reports.
struct Recorder {
  std::vector<std::string> events;
  void put(std::string_view k, std::string_view v) {
    events.push_back("put " + std::string(k) + "=" + std::string(v));
  }
  void del(std::string_view k) { events.push_back("del " + std::string(k)); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <database-directory>\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  try {
    // A leftover database from an earlier run would change the results.
    try {
      avccdb::Db::destroy(path);
    } catch (const avccdb::Error&) {
    }

    // Opening a database that does not exist, without create_if_missing,
    // is an error with a code.
    {
      bool threw = false;
      try {
        avccdb::Db missing(path, avccdb::Options().create_if_missing(false));
      } catch (const avccdb::Error& e) {
        threw = true;
        EXPECT(e.code() != AVCCDB_OK);
        EXPECT(std::string(e.what()).size() > 0);
        std::printf("open without create_if_missing: %s (code %d)\n", e.what(), e.code());
      }
      EXPECT(threw);
    }

    std::map<std::string, std::string> model;
    {
      avccdb::Options opts;
      opts.create_if_missing(true).write_buffer_size(64 << 10);
      avccdb::Db db(path, opts);

      // Enough data to rotate the 64 KiB write buffer several times.
      for (int i = 0; i < 2000; i++) {
        std::string v = "value-" + std::to_string(i * 7) + std::string(50, 'x');
        db.put(key_of(i), v);
        model[key_of(i)] = v;
      }
      EXPECT(db.get(key_of(1234)) == model[key_of(1234)]);
      EXPECT(!db.get("absent").has_value());

      // An empty value is a value, not "not found".
      db.put("empty", "");
      model["empty"] = "";
      auto empty = db.get("empty");
      EXPECT(empty.has_value() && empty->empty());

      // Keys and values are bytes: embedded NULs survive.
      const std::string nul_key("a\0b", 3), nul_val("x\0y\0z", 5);
      db.put(nul_key, nul_val);
      model[nul_key] = nul_val;
      EXPECT(db.get(nul_key) == nul_val);

      db.del(key_of(10));
      model.erase(key_of(10));
      EXPECT(!db.get(key_of(10)).has_value());

      // Snapshot: later writes are invisible through it.
      avccdb::Snapshot snap = db.snapshot();
      const std::string before = *db.get(key_of(20));

      // An atomic batch, replayed through iterate() in order.
      avccdb::WriteBatch batch;
      batch.put(key_of(20), "batched").del(key_of(21)).put("zzz", "last");
      Recorder rec;
      batch.iterate(rec);
      EXPECT(rec.events.size() == 3);
      EXPECT(rec.events.size() == 3 && rec.events[0] == "put " + key_of(20) + "=batched");
      EXPECT(rec.events.size() == 3 && rec.events[1] == "del " + key_of(21));
      avccdb::WriteBatch tail;
      tail.put("zzz", "appended");
      batch.append(tail);
      db.write(batch, avccdb::WriteOptions().sync(true));
      model[key_of(20)] = "batched";
      model.erase(key_of(21));
      model["zzz"] = "appended";
      EXPECT(db.get(key_of(20)) == std::string("batched"));
      EXPECT(!db.get(key_of(21)).has_value());
      EXPECT(db.get("zzz") == std::string("appended"));

      avccdb::ReadOptions at_snap;
      at_snap.snapshot(&snap);
      EXPECT(db.get(key_of(20), at_snap) == before);
      EXPECT(db.get(key_of(21), at_snap).has_value());
      EXPECT(!db.get("zzz", at_snap).has_value());

      // Forward iteration sees exactly the model, in order.
      size_t seen = 0;
      auto m = model.begin();
      for (auto it = db.iterator(); it.valid(); it.next(), ++m, ++seen) {
        if (m == model.end()) {  // more keys than were written
          EXPECT(m != model.end());
          break;
        }
        EXPECT(it.key() == m->first);
        EXPECT(it.value() == m->second);
      }
      EXPECT(seen == model.size());

      // Backward from the end, and seek to a key that is absent.
      {
        avccdb::Iterator it = db.iterator();
        it.seek_to_last();
        EXPECT(it.valid() && it.key() == model.rbegin()->first);
        it.seek(key_of(10));  // deleted: lands on the next key
        EXPECT(it.valid() && it.key() == key_of(11));
        it.prev();
        EXPECT(it.valid() && it.key() == key_of(9));
        it.check();
      }

      // The snapshot's iterator still has key 21 and no "zzz".
      {
        avccdb::Iterator it = db.iterator(at_snap);
        it.seek(key_of(21));
        EXPECT(it.valid() && it.key() == key_of(21));
        it.seek_to_last();
        EXPECT(it.valid() && it.key() != "zzz");
      }

      auto stats = db.property("leveldb.stats");
      EXPECT(stats.has_value());
      EXPECT(!db.property("no.such.property").has_value());
      db.compact_range();
      EXPECT(db.get(key_of(1999)) == model[key_of(1999)]);
    }

    // Reopen: everything is still there; a second open of the same
    // directory while it is open fails (the LOCK).
    {
      avccdb::Db db(path, avccdb::Options());
      size_t count = 0;
      for (auto it = db.iterator(); it.valid(); it.next()) {
        auto m = model.find(std::string(it.key()));
        EXPECT(m != model.end() && m->second == it.value());
        ++count;
      }
      EXPECT(count == model.size());
      bool threw = false;
      try {
        avccdb::Db again(path, avccdb::Options());
      } catch (const avccdb::Error& e) {
        threw = true;
        EXPECT(e.is_busy());
        std::printf("second open while open: %s (code %d)\n", e.what(), e.code());
      }
      EXPECT(threw);
    }
    avccdb::Db::destroy(path);
    std::printf("%zu keys written, iterated, reopened\n", model.size());
  } catch (const avccdb::Error& e) {
    std::fprintf(stderr, "unexpected avccdb::Error: %s (code %d)\n", e.what(), e.code());
    return 1;
  }
  if (failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  std::printf("cpp example: ok\n");
  return 0;
}
