// Uses avccdb.hpp the way an application would, and checks every result:
// open/create, put/get/delete, an atomic batch, forward and backward
// iteration, snapshot isolation, reopen (persistence), errors as
// exceptions, and Merkle proofs (roots, proven reads and histories checked
// without the database, tampering detected, the integrity check; in a
// second database beside the first).
// Usage: avccdb_cpp_example <database-directory>
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

// Versioned writes, a snapshot and its root, proofs verified with only the
// root, tampered and misdirected proofs rejected, the integrity check.
void proofs(const std::string& path) {
  try {
    avccdb::Db::destroy(path);
  } catch (const avccdb::Error&) {
  }
  {
    avccdb::Db db(path, avccdb::Options()
                            .create_if_missing(true)
                            .write_buffer_size(64 << 10)
                            .merkle_on_write(true));
    for (int i = 0; i < 2000; i++) db.put(key_of(i), 1, "v1-" + std::string(40, 'p'));
    db.put("acct", 10, "100");
    db.put("acct", 20, "200");
    db.del("acct", 25);
    db.compact_range();
    db.put("acct", 30, "300");

    avccdb::Snapshot snap = db.snapshot();
    const avccdb::Root root = db.master_root(snap);
    avccdb::ReadOptions at;
    at.snapshot(&snap);
    EXPECT(db.master_root(at) == root);
    db.del("acct", 40);  // after the snapshot: the current root moves
    EXPECT(db.master_root() != root);
    db.compact_range();
    EXPECT(db.master_root(snap) == root);

    // Proofs through the snapshot, checked with only the root.
    avccdb::ProvenValue p = db.get_with_proof("acct", AVCCDB_MAX_VERSION, at);
    EXPECT(p.root == root && !p.proof.empty());
    EXPECT(p.value && p.value->value == "300" && p.value->version == 30);
    auto v = avccdb::verify_get_proof(root, "acct", AVCCDB_MAX_VERSION, p.proof);
    EXPECT(v && v->value == "300" && v->version == 30);

    avccdb::ProvenValue older = db.get_with_proof("acct", 22, at);
    v = avccdb::verify_get_proof(root, "acct", 22, older.proof);
    EXPECT(v && v->value == "200" && v->version == 20);

    avccdb::ProvenValue deleted = db.get_with_proof("acct", 27, at);
    EXPECT(!deleted.value);
    EXPECT(!avccdb::verify_get_proof(root, "acct", 27, deleted.proof));
    avccdb::ProvenValue never = db.get_with_proof("nobody", AVCCDB_MAX_VERSION, at);
    EXPECT(!never.value);
    EXPECT(!avccdb::verify_get_proof(root, "nobody", AVCCDB_MAX_VERSION, never.proof));

    // Tampered bytes, another key, another root: avccdb::Error.
    auto rejected = [&](const avccdb::Root& r, const std::string& key, uint64_t version,
                        const std::string& proof) {
      try {
        avccdb::verify_get_proof(r, key, version, proof);
      } catch (const avccdb::Error& e) {
        return e.is_invalid_proof();
      }
      return false;
    };
    std::string tampered = p.proof;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT(rejected(root, "acct", AVCCDB_MAX_VERSION, tampered));
    EXPECT(rejected(root, "acct", AVCCDB_MAX_VERSION, p.proof.substr(1)));
    EXPECT(rejected(root, key_of(5), AVCCDB_MAX_VERSION, p.proof));
    avccdb::Root other = root;
    other[0] ^= 1;
    EXPECT(rejected(other, "acct", AVCCDB_MAX_VERSION, p.proof));

    // The current state: acct deleted as of 40, proven against its root.
    avccdb::ProvenValue now = db.get_with_proof("acct");
    EXPECT(!now.value && now.root != root);
    EXPECT(!avccdb::verify_get_proof(now.root, "acct", AVCCDB_MAX_VERSION, now.proof));
    EXPECT(rejected(root, "acct", AVCCDB_MAX_VERSION, now.proof));

    // A history with its proof of completeness (25 is a deletion).
    avccdb::ProvenHistory h =
        db.version_history_with_proof("acct", 0, AVCCDB_MAX_VERSION, at);
    const avccdb::History want = {{30, "300"}, {20, "200"}, {10, "100"}};
    EXPECT(h.root == root && h.versions == want);
    EXPECT(avccdb::verify_history_proof(root, "acct", 0, AVCCDB_MAX_VERSION, h.proof) == want);
    bool threw = false;
    try {
      avccdb::verify_history_proof(root, "acct", 15, AVCCDB_MAX_VERSION, h.proof);
    } catch (const avccdb::Error& e) {
      threw = e.is_invalid_proof();
    }
    EXPECT(threw);

    avccdb::IntegrityReport report = db.check_integrity();
    EXPECT(report.tables > 0 && report.records >= 2000 && report.problems.empty());
    EXPECT(report.text.rfind("tables ", 0) == 0);
    std::printf("proofs: %zu-byte proof of acct@latest; integrity: %s", p.proof.size(),
                report.text.c_str());
  }
  avccdb::Db::destroy(path);
}

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
    proofs(path + "-proofs");
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
