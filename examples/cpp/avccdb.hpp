// avccdb.hpp — a small header-only RAII C++17 wrapper over the avccdb C API.
//
//   avccdb::Options opts;
//   opts.create_if_missing(true);
//   avccdb::Db db("/tmp/db", opts);          // throws avccdb::Error on failure
//   db.put("k", "v");
//   std::optional<std::string> v = db.get("k");
//   for (auto it = db.iterator(); it.valid(); it.next()) use(it.key(), it.value());
//
// Merkle proofs: a read can come with a proof against the database's
// MasterRoot, which anyone holding only the root can check:
//
//   avccdb::Snapshot snap = db.snapshot();
//   avccdb::Root root = db.master_root(snap);        // stable while snap lives
//   avccdb::ReadOptions at;
//   at.snapshot(&snap);
//   avccdb::ProvenValue p = db.get_with_proof("k", AVCCDB_MAX_VERSION, at);
//   // elsewhere, without the database:
//   std::optional<avccdb::Versioned> v =
//       avccdb::verify_get_proof(root, "k", AVCCDB_MAX_VERSION, p.proof);
//   // throws avccdb::Error (is_invalid_proof()) if the proof is not valid
//
// Every object owns exactly one C handle and frees it in its destructor;
// objects are movable, not copyable. A Snapshot or Iterator must not
// outlive the Db it came from (the same rule as the C API). Errors from the
// C API (`char **errptr`) become avccdb::Error, which carries the
// AVCCDB_ERR_* code as well as the message. Thread safety is that of the
// underlying handles (docs/C_API.md): a Db may be shared between threads;
// Iterator, WriteBatch and the option objects are used by one thread at a
// time.
#ifndef AVCCDB_HPP
#define AVCCDB_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <avccdb.h>

namespace avccdb {

// An error reported by the C API: message plus AVCCDB_ERR_* code.
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }
  bool is_not_found() const noexcept { return code_ == AVCCDB_ERR_NOT_FOUND; }
  bool is_corruption() const noexcept { return code_ == AVCCDB_ERR_CORRUPTION; }
  bool is_io_error() const noexcept { return code_ == AVCCDB_ERR_IO; }
  bool is_invalid_argument() const noexcept {
    return code_ == AVCCDB_ERR_INVALID_ARGUMENT;
  }
  bool is_busy() const noexcept { return code_ == AVCCDB_ERR_BUSY; }
  // A Merkle proof that does not establish an answer against the root.
  bool is_invalid_proof() const noexcept {
    return code_ == AVCCDB_ERR_INVALID_PROOF;
  }

 private:
  int code_;
};

namespace detail {

// Collects a C error message and turns it into an exception.
class ErrorSlot {
 public:
  ErrorSlot() = default;
  ErrorSlot(const ErrorSlot&) = delete;
  ErrorSlot& operator=(const ErrorSlot&) = delete;
  ~ErrorSlot() { avccdb_free(err_); }
  char** ptr() noexcept { return &err_; }
  // Throws if the call that was given ptr() failed. The code is read
  // before anything else can run on this thread.
  void check() {
    if (err_ == nullptr) return;
    int code = avccdb_last_error_code();
    std::string msg(err_);
    avccdb_free(err_);
    err_ = nullptr;
    throw Error(code == AVCCDB_OK ? AVCCDB_ERR_INTERNAL : code, msg);
  }

 private:
  char* err_ = nullptr;
};

template <typename T, void (*Destroy)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Destroy(p); }
};
template <typename T, void (*Destroy)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Destroy>>;

// A malloc'd buffer from the library, copied into a std::string and freed.
inline std::string take_string(char* p, size_t len) {
  std::string s(p, len);
  avccdb_free(p);
  return s;
}

template <typename T>
T* require(T* p, const char* what) {
  if (p == nullptr) throw Error(AVCCDB_ERR_INTERNAL, std::string(what) + " returned NULL");
  return p;
}

}  // namespace detail

// A MasterRoot: the SHA-256 digest that a proof is checked against.
using Root = std::array<unsigned char, AVCCDB_ROOT_SIZE>;

// A value with the version it was written at.
struct Versioned {
  std::string value;
  uint64_t version = 0;
};

// Versions of one key, newest first: (version, value).
using History = std::vector<std::pair<uint64_t, std::string>>;

namespace detail {

// Copies the versions out of a C history handle and frees it.
inline History take_history(avccdb_version_history_t* h) {
  Handle<avccdb_version_history_t, avccdb_version_history_destroy> owned(h);
  History out;
  size_t n = avccdb_version_history_count(h);
  out.reserve(n);
  for (size_t i = 0; i < n; i++) {
    size_t len = 0;
    const char* v = avccdb_version_history_value_at(h, i, &len);
    out.emplace_back(avccdb_version_history_version_at(h, i), std::string(v, len));
  }
  return out;
}

}  // namespace detail

// A value read with its proof (Db::get_with_proof): `value` is nullopt when
// the key has no live value as of the version asked, and the proof then
// proves that absence. `proof` holds the proof bytes, `root` the MasterRoot
// of the state read (the snapshot's, when read through one).
struct ProvenValue {
  std::optional<Versioned> value;
  Root root{};
  std::string proof;
};

// A version history read with its proof that nothing is missing.
struct ProvenHistory {
  History versions;
  Root root{};
  std::string proof;
};

// What Db::check_integrity found; `problems` is empty when all is intact.
struct IntegrityReport {
  uint64_t tables = 0, blocks = 0, records = 0, bytes = 0;
  std::vector<std::string> problems;
  std::string text;  // counts on the first line, then one line per problem
};

// Checks a proof from Db::get_with_proof against `root`, without any
// database: the proven answer (nullopt: proven absent), or avccdb::Error
// with is_invalid_proof() when the proof does not establish one for this
// key and version.
inline std::optional<Versioned> verify_get_proof(const Root& root, std::string_view key,
                                                 uint64_t version, std::string_view proof) {
  detail::ErrorSlot err;
  char* v = nullptr;
  size_t len = 0;
  uint64_t found = 0;
  int rc = avccdb_verify_get_proof(root.data(), key.data(), key.size(), version,
                                   proof.data(), proof.size(), &v, &len, &found, err.ptr());
  err.check();
  if (rc != AVCCDB_GET_FOUND) return std::nullopt;
  return Versioned{detail::take_string(v, len), found};
}

// Checks a proof from Db::version_history_with_proof against `root`: every
// live version of `key` in [min_version, max_version], newest first, or
// avccdb::Error (is_invalid_proof()).
inline History verify_history_proof(const Root& root, std::string_view key,
                                    uint64_t min_version, uint64_t max_version,
                                    std::string_view proof) {
  detail::ErrorSlot err;
  avccdb_version_history_t* h =
      avccdb_verify_history_proof(root.data(), key.data(), key.size(), min_version,
                                  max_version, proof.data(), proof.size(), err.ptr());
  err.check();
  return detail::take_history(detail::require(h, "avccdb_verify_history_proof"));
}

// How a database is opened (wraps avccdb_options_t). Setters chain.
class Options {
 public:
  Options() : h_(detail::require(avccdb_options_create(), "avccdb_options_create")) {}
  Options& create_if_missing(bool v) {
    avccdb_options_set_create_if_missing(h_.get(), v ? 1 : 0);
    return *this;
  }
  Options& error_if_exists(bool v) {
    avccdb_options_set_error_if_exists(h_.get(), v ? 1 : 0);
    return *this;
  }
  Options& paranoid_checks(bool v) {
    avccdb_options_set_paranoid_checks(h_.get(), v ? 1 : 0);
    return *this;
  }
  Options& write_buffer_size(size_t v) {
    avccdb_options_set_write_buffer_size(h_.get(), v);
    return *this;
  }
  Options& max_open_files(int v) {
    avccdb_options_set_max_open_files(h_.get(), v);
    return *this;
  }
  Options& block_size(size_t v) {
    avccdb_options_set_block_size(h_.get(), v);
    return *this;
  }
  Options& compression(bool snappy) {
    avccdb_options_set_compression(h_.get(), snappy ? 1 : 0);
    return *this;
  }
  // Hash tables as they are written (default) or when first proven.
  Options& merkle_on_write(bool v) {
    avccdb_options_set_merkle_on_write(h_.get(), v ? 1 : 0);
    return *this;
  }
  const avccdb_options_t* get() const noexcept { return h_.get(); }
  avccdb_options_t* get() noexcept { return h_.get(); }

 private:
  detail::Handle<avccdb_options_t, avccdb_options_destroy> h_;
};

class Db;

// A consistent read view; released when destroyed. Must not outlive its Db.
class Snapshot {
 public:
  Snapshot(Snapshot&& o) noexcept
      : db_(std::exchange(o.db_, nullptr)), snap_(std::exchange(o.snap_, nullptr)) {}
  Snapshot& operator=(Snapshot&& o) noexcept {
    if (this != &o) {
      release();
      db_ = std::exchange(o.db_, nullptr);
      snap_ = std::exchange(o.snap_, nullptr);
    }
    return *this;
  }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  ~Snapshot() { release(); }
  const avccdb_snapshot_t* get() const noexcept { return snap_; }

 private:
  friend class Db;
  Snapshot(avccdb_t* db, const avccdb_snapshot_t* snap) : db_(db), snap_(snap) {}
  void release() noexcept {
    if (snap_ != nullptr) avccdb_release_snapshot(db_, snap_);
    snap_ = nullptr;
  }
  avccdb_t* db_;
  const avccdb_snapshot_t* snap_;
};

// Read options (wraps avccdb_readoptions_t). The snapshot, if set, must
// stay alive while these options are used.
class ReadOptions {
 public:
  ReadOptions()
      : h_(detail::require(avccdb_readoptions_create(), "avccdb_readoptions_create")) {}
  ReadOptions& verify_checksums(bool v) {
    avccdb_readoptions_set_verify_checksums(h_.get(), v ? 1 : 0);
    return *this;
  }
  ReadOptions& fill_cache(bool v) {
    avccdb_readoptions_set_fill_cache(h_.get(), v ? 1 : 0);
    return *this;
  }
  ReadOptions& snapshot(const Snapshot* s) {
    avccdb_readoptions_set_snapshot(h_.get(), s == nullptr ? nullptr : s->get());
    return *this;
  }
  const avccdb_readoptions_t* get() const noexcept { return h_.get(); }

 private:
  detail::Handle<avccdb_readoptions_t, avccdb_readoptions_destroy> h_;
};

// Write options (wraps avccdb_writeoptions_t).
class WriteOptions {
 public:
  WriteOptions()
      : h_(detail::require(avccdb_writeoptions_create(), "avccdb_writeoptions_create")) {}
  WriteOptions& sync(bool v) {
    avccdb_writeoptions_set_sync(h_.get(), v ? 1 : 0);
    return *this;
  }
  const avccdb_writeoptions_t* get() const noexcept { return h_.get(); }

 private:
  detail::Handle<avccdb_writeoptions_t, avccdb_writeoptions_destroy> h_;
};

// A group of updates applied atomically by Db::write.
class WriteBatch {
 public:
  WriteBatch()
      : h_(detail::require(avccdb_writebatch_create(), "avccdb_writebatch_create")) {}
  WriteBatch& put(std::string_view key, std::string_view value) {
    avccdb_writebatch_put(h_.get(), key.data(), key.size(), value.data(), value.size());
    return *this;
  }
  WriteBatch& del(std::string_view key) {
    avccdb_writebatch_delete(h_.get(), key.data(), key.size());
    return *this;
  }
  void clear() { avccdb_writebatch_clear(h_.get()); }
  // Appends every record of `other` to this batch.
  void append(const WriteBatch& other) {
    avccdb_writebatch_append(h_.get(), other.h_.get());
  }
  // Calls handler.put(key, value) / handler.del(key) for each record, in order.
  template <typename Handler>
  void iterate(Handler& handler) const {
    avccdb_writebatch_iterate(
        h_.get(), &handler,
        [](void* state, const char* k, size_t klen, const char* v, size_t vlen) {
          static_cast<Handler*>(state)->put(std::string_view(k, klen),
                                            std::string_view(v, vlen));
        },
        [](void* state, const char* k, size_t klen) {
          static_cast<Handler*>(state)->del(std::string_view(k, klen));
        });
  }
  avccdb_writebatch_t* get() const noexcept { return h_.get(); }

 private:
  detail::Handle<avccdb_writebatch_t, avccdb_writebatch_destroy> h_;
};

// A cursor over the database (or a snapshot of it). key() and value() are
// views valid until the next move of the cursor. Must not outlive its Db.
class Iterator {
 public:
  bool valid() const noexcept { return avccdb_iter_valid(h_.get()) != 0; }
  void seek_to_first() { avccdb_iter_seek_to_first(h_.get()); }
  void seek_to_last() { avccdb_iter_seek_to_last(h_.get()); }
  void seek(std::string_view target) {
    avccdb_iter_seek(h_.get(), target.data(), target.size());
  }
  void next() { avccdb_iter_next(h_.get()); }
  void prev() { avccdb_iter_prev(h_.get()); }
  std::string_view key() const {
    size_t len = 0;
    const char* p = avccdb_iter_key(h_.get(), &len);
    return std::string_view(p, len);
  }
  std::string_view value() const {
    size_t len = 0;
    const char* p = avccdb_iter_value(h_.get(), &len);
    return std::string_view(p, len);
  }
  // Throws the error that stopped the iteration, if any.
  void check() const {
    detail::ErrorSlot err;
    avccdb_iter_get_error(h_.get(), err.ptr());
    err.check();
  }

 private:
  friend class Db;
  explicit Iterator(avccdb_iterator_t* it) : h_(it) {}
  detail::Handle<avccdb_iterator_t, avccdb_iter_destroy> h_;
};

// An open database; closed when destroyed.
class Db {
 public:
  Db(const std::string& path, const Options& options) {
    detail::ErrorSlot err;
    avccdb_t* db = avccdb_open(options.get(), path.c_str(), err.ptr());
    err.check();
    h_.reset(detail::require(db, "avccdb_open"));
  }

  void put(std::string_view key, std::string_view value,
           const WriteOptions& wo = WriteOptions()) {
    detail::ErrorSlot err;
    avccdb_put(h_.get(), wo.get(), key.data(), key.size(), value.data(), value.size(),
               err.ptr());
    err.check();
  }

  void del(std::string_view key, const WriteOptions& wo = WriteOptions()) {
    detail::ErrorSlot err;
    avccdb_delete(h_.get(), wo.get(), key.data(), key.size(), err.ptr());
    err.check();
  }

  void write(const WriteBatch& batch, const WriteOptions& wo = WriteOptions()) {
    detail::ErrorSlot err;
    avccdb_write(h_.get(), wo.get(), batch.get(), err.ptr());
    err.check();
  }

  // The value stored under key, or nullopt when there is none (an empty
  // value is an empty string, not nullopt).
  std::optional<std::string> get(std::string_view key,
                                 const ReadOptions& ro = ReadOptions()) const {
    detail::ErrorSlot err;
    char* v = nullptr;
    size_t len = 0;
    int rc = avccdb_get2(h_.get(), ro.get(), key.data(), key.size(), &v, &len, err.ptr());
    err.check();
    if (rc != AVCCDB_GET_FOUND) return std::nullopt;
    return detail::take_string(v, len);
  }

  // Writes key = value at `version` (reads as of v see the highest
  // version <= v).
  void put(std::string_view key, uint64_t version, std::string_view value,
           const WriteOptions& wo = WriteOptions()) {
    detail::ErrorSlot err;
    avccdb_put_with_version(h_.get(), wo.get(), key.data(), key.size(), version,
                            value.data(), value.size(), err.ptr());
    err.check();
  }

  // Deletes key as of `version`.
  void del(std::string_view key, uint64_t version, const WriteOptions& wo = WriteOptions()) {
    detail::ErrorSlot err;
    avccdb_delete_with_version(h_.get(), wo.get(), key.data(), key.size(), version,
                               err.ptr());
    err.check();
  }

  // The MasterRoot of the state `ro` reads (the current state, or its
  // snapshot's). The current root changes with writes and background
  // compactions; a snapshot's stays put.
  Root master_root(const ReadOptions& ro = ReadOptions()) const {
    detail::ErrorSlot err;
    Root root{};
    avccdb_master_root(h_.get(), ro.get(), root.data(), err.ptr());
    err.check();
    return root;
  }

  // The MasterRoot of a snapshot's state.
  Root master_root(const Snapshot& snap) const {
    detail::ErrorSlot err;
    Root root{};
    avccdb_snapshot_master_root(h_.get(), snap.get(), root.data(), err.ptr());
    err.check();
    return root;
  }

  // The value of the highest live version <= `version` of key, with a
  // proof (of the value, or of its absence) against the returned root.
  ProvenValue get_with_proof(std::string_view key, uint64_t version = AVCCDB_MAX_VERSION,
                             const ReadOptions& ro = ReadOptions()) const {
    detail::ErrorSlot err;
    ProvenValue out;
    size_t len = 0, prooflen = 0;
    uint64_t found = 0;
    char* proof = nullptr;
    char* v = avccdb_get_with_proof(h_.get(), ro.get(), key.data(), key.size(), version,
                                    &len, &found, out.root.data(), &proof, &prooflen,
                                    err.ptr());
    err.check();
    out.proof = detail::take_string(proof, prooflen);
    if (v != nullptr) out.value = Versioned{detail::take_string(v, len), found};
    return out;
  }

  // Every live version of key in [min_version, max_version], newest first,
  // with a proof that none is missing.
  ProvenHistory version_history_with_proof(std::string_view key, uint64_t min_version,
                                           uint64_t max_version,
                                           const ReadOptions& ro = ReadOptions()) const {
    detail::ErrorSlot err;
    ProvenHistory out;
    size_t prooflen = 0;
    char* proof = nullptr;
    avccdb_version_history_t* h = avccdb_version_history_with_proof(
        h_.get(), ro.get(), key.data(), key.size(), min_version, max_version,
        out.root.data(), &proof, &prooflen, err.ptr());
    err.check();
    out.proof = detail::take_string(proof, prooflen);
    out.versions = detail::take_history(h);
    return out;
  }

  // Reads every table and recomputes its Merkle roots.
  IntegrityReport check_integrity() const {
    detail::ErrorSlot err;
    avccdb_integrity_report_t* r = avccdb_check_integrity(h_.get(), err.ptr());
    err.check();
    detail::Handle<avccdb_integrity_report_t, avccdb_integrity_report_destroy> owned(
        detail::require(r, "avccdb_check_integrity"));
    IntegrityReport out;
    out.tables = avccdb_integrity_report_tables(r);
    out.blocks = avccdb_integrity_report_blocks(r);
    out.records = avccdb_integrity_report_records(r);
    out.bytes = avccdb_integrity_report_bytes(r);
    for (size_t i = 0, n = avccdb_integrity_report_problem_count(r); i < n; i++) {
      size_t len = 0;
      const char* p = avccdb_integrity_report_problem_at(r, i, &len);
      out.problems.emplace_back(p, len);
    }
    char* text = avccdb_integrity_report_text(r);
    if (text != nullptr) out.text = text;
    avccdb_free(text);
    return out;
  }

  // An iterator positioned at the first key.
  Iterator iterator(const ReadOptions& ro = ReadOptions()) const {
    Iterator it(detail::require(avccdb_create_iterator(h_.get(), ro.get()),
                                "avccdb_create_iterator"));
    it.seek_to_first();
    return it;
  }

  Snapshot snapshot() const {
    return Snapshot(h_.get(), detail::require(avccdb_create_snapshot(h_.get()),
                                              "avccdb_create_snapshot"));
  }

  // A text property ("leveldb.stats", ...), or nullopt if unknown.
  std::optional<std::string> property(const std::string& name) const {
    char* v = avccdb_property_value(h_.get(), name.c_str());
    if (v == nullptr) return std::nullopt;
    std::string s(v);
    avccdb_free(v);
    return s;
  }

  // Compacts [begin, end]; an empty optional means "from the first" / "to the last".
  void compact_range(std::optional<std::string_view> begin = std::nullopt,
                     std::optional<std::string_view> end = std::nullopt) {
    detail::ErrorSlot err;
    // A present but empty bound still needs a non-NULL pointer.
    static const char empty[1] = {0};
    avccdb_compact_range2(h_.get(), begin ? (begin->data() ? begin->data() : empty) : nullptr,
                          begin ? begin->size() : 0,
                          end ? (end->data() ? end->data() : empty) : nullptr,
                          end ? end->size() : 0, err.ptr());
    err.check();
  }

  // Deletes the database at path (which must not be open).
  static void destroy(const std::string& path, const Options& options = Options()) {
    detail::ErrorSlot err;
    avccdb_destroy_db(options.get(), path.c_str(), err.ptr());
    err.check();
  }

  avccdb_t* get() const noexcept { return h_.get(); }

 private:
  detail::Handle<avccdb_t, avccdb_close> h_;
};

}  // namespace avccdb

#endif  // AVCCDB_HPP
