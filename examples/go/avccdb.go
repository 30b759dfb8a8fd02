// Package avccdb is a small cgo binding of libavccdb's C API: open a
// database, read and write keys (optionally at a version), apply atomic
// batches, iterate in key order, read from snapshots, and read with Merkle
// proofs that anyone holding the database's 32-byte root can check without
// the database:
//
//	snap := db.NewSnapshot()          // a stable view, and so a stable root
//	root, _ := snap.MasterRoot()      // publish root.String()
//	p, _ := snap.GetWithProof(key, LatestVersion)
//	// elsewhere, with only root, key and p.Proof:
//	v, found, version, err := VerifyGetProof(root, key, LatestVersion, p.Proof)
//	// errors.Is(err, ErrInvalidProof) when the proof does not hold
//
// Build flags come from the environment, so the package names no paths:
//
//	CGO_CFLAGS="-I<prefix>/include" CGO_LDFLAGS="-L<prefix>/lib" go test
//
// (or `pkg-config --cflags --libs avccdb`). A *DB is safe for concurrent
// use by many goroutines; an *Iterator and a *Batch are used by one
// goroutine at a time. Every object must be closed or released; the
// finalizer-free design keeps the C resources' lifetime explicit.
package avccdb

/*
#cgo LDFLAGS: -lavccdb
#include <stdlib.h>
#include <avccdb.h>

// The error code is per OS thread and a goroutine may change threads
// between two cgo calls, so each failing call reads it inside the same C
// call (these wrappers) rather than with a second cgo call.
static void avccdb_go_code(char **errptr, int32_t *code) {
  *code = *errptr != NULL ? avccdb_last_error_code() : 0;
}
// Flags are passed as int: whether the header spells the setters'
// argument uint8_t or unsigned char, C converts, where Go would not.
static avccdb_t *avccdb_go_open(const char *name, int create_if_missing,
                                int error_if_exists, int paranoid_checks,
                                size_t write_buffer_size, int merkle_on_write,
                                char **errptr, int32_t *code) {
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, create_if_missing);
  avccdb_options_set_error_if_exists(o, error_if_exists);
  avccdb_options_set_paranoid_checks(o, paranoid_checks);
  avccdb_options_set_merkle_on_write(o, merkle_on_write);
  if (write_buffer_size > 0) avccdb_options_set_write_buffer_size(o, write_buffer_size);
  avccdb_t *db = avccdb_open(o, name, errptr);
  avccdb_go_code(errptr, code);
  avccdb_options_destroy(o);
  return db;
}
static avccdb_writeoptions_t *avccdb_go_writeoptions(int sync) {
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_writeoptions_set_sync(wo, sync);
  return wo;
}
static void avccdb_go_put(avccdb_t *db, const avccdb_writeoptions_t *wo,
                          const char *k, size_t klen, const char *v, size_t vlen,
                          char **errptr, int32_t *code) {
  avccdb_put(db, wo, k, klen, v, vlen, errptr);
  avccdb_go_code(errptr, code);
}
static void avccdb_go_delete(avccdb_t *db, const avccdb_writeoptions_t *wo,
                             const char *k, size_t klen, char **errptr, int32_t *code) {
  avccdb_delete(db, wo, k, klen, errptr);
  avccdb_go_code(errptr, code);
}
static void avccdb_go_write(avccdb_t *db, const avccdb_writeoptions_t *wo,
                            avccdb_writebatch_t *b, char **errptr, int32_t *code) {
  avccdb_write(db, wo, b, errptr);
  avccdb_go_code(errptr, code);
}
static char *avccdb_go_get(avccdb_t *db, const avccdb_readoptions_t *ro,
                           const char *k, size_t klen, size_t *vlen,
                           char **errptr, int32_t *code) {
  char *v = avccdb_get(db, ro, k, klen, vlen, errptr);
  avccdb_go_code(errptr, code);
  return v;
}
static void avccdb_go_put_version(avccdb_t *db, const avccdb_writeoptions_t *wo,
                                  const char *k, size_t klen, uint64_t version,
                                  const char *v, size_t vlen, char **errptr,
                                  int32_t *code) {
  avccdb_put_with_version(db, wo, k, klen, version, v, vlen, errptr);
  avccdb_go_code(errptr, code);
}
static void avccdb_go_delete_version(avccdb_t *db, const avccdb_writeoptions_t *wo,
                                     const char *k, size_t klen, uint64_t version,
                                     char **errptr, int32_t *code) {
  avccdb_delete_with_version(db, wo, k, klen, version, errptr);
  avccdb_go_code(errptr, code);
}
static void avccdb_go_master_root(avccdb_t *db, const avccdb_readoptions_t *ro,
                                  unsigned char *root, char **errptr, int32_t *code) {
  avccdb_master_root(db, ro, root, errptr);
  avccdb_go_code(errptr, code);
}
static void avccdb_go_snapshot_master_root(avccdb_t *db, const avccdb_snapshot_t *snap,
                                           unsigned char *root, char **errptr,
                                           int32_t *code) {
  avccdb_snapshot_master_root(db, snap, root, errptr);
  avccdb_go_code(errptr, code);
}
static char *avccdb_go_get_with_proof(avccdb_t *db, const avccdb_readoptions_t *ro,
                                      const char *k, size_t klen, uint64_t version,
                                      size_t *vlen, uint64_t *found_version,
                                      unsigned char *root, char **proof,
                                      size_t *prooflen, char **errptr, int32_t *code) {
  char *v = avccdb_get_with_proof(db, ro, k, klen, version, vlen, found_version, root,
                                  proof, prooflen, errptr);
  avccdb_go_code(errptr, code);
  return v;
}
static avccdb_version_history_t *avccdb_go_history_with_proof(
    avccdb_t *db, const avccdb_readoptions_t *ro, const char *k, size_t klen,
    uint64_t min_version, uint64_t max_version, unsigned char *root, char **proof,
    size_t *prooflen, char **errptr, int32_t *code) {
  avccdb_version_history_t *h = avccdb_version_history_with_proof(
      db, ro, k, klen, min_version, max_version, root, proof, prooflen, errptr);
  avccdb_go_code(errptr, code);
  return h;
}
static int avccdb_go_verify_get(const unsigned char *root, const char *k, size_t klen,
                                uint64_t version, const char *proof, size_t prooflen,
                                char **val, size_t *vlen, uint64_t *found_version,
                                char **errptr, int32_t *code) {
  int rc = avccdb_verify_get_proof(root, k, klen, version, proof, prooflen, val, vlen,
                                   found_version, errptr);
  avccdb_go_code(errptr, code);
  return rc;
}
static avccdb_version_history_t *avccdb_go_verify_history(
    const unsigned char *root, const char *k, size_t klen, uint64_t min_version,
    uint64_t max_version, const char *proof, size_t prooflen, char **errptr,
    int32_t *code) {
  avccdb_version_history_t *h = avccdb_verify_history_proof(
      root, k, klen, min_version, max_version, proof, prooflen, errptr);
  avccdb_go_code(errptr, code);
  return h;
}
static avccdb_integrity_report_t *avccdb_go_check_integrity(avccdb_t *db, char **errptr,
                                                            int32_t *code) {
  avccdb_integrity_report_t *r = avccdb_check_integrity(db, errptr);
  avccdb_go_code(errptr, code);
  return r;
}
static void avccdb_go_iter_error(const avccdb_iterator_t *it, char **errptr,
                                 int32_t *code) {
  avccdb_iter_get_error(it, errptr);
  avccdb_go_code(errptr, code);
}
*/
import "C"

import (
	"encoding/hex"
	"errors"
	"fmt"
	"unsafe"
)

// Error codes, as returned by Error.Code (AVCCDB_ERR_* in avccdb.h).
const (
	CodeCorruption      = int(C.AVCCDB_ERR_CORRUPTION)
	CodeIO              = int(C.AVCCDB_ERR_IO)
	CodeInvalidArgument = int(C.AVCCDB_ERR_INVALID_ARGUMENT)
	CodeNotFound        = int(C.AVCCDB_ERR_NOT_FOUND)
	CodeNotSupported    = int(C.AVCCDB_ERR_NOT_SUPPORTED)
	CodeClosed          = int(C.AVCCDB_ERR_CLOSED)
	CodeBusy            = int(C.AVCCDB_ERR_BUSY)
	CodeInternal        = int(C.AVCCDB_ERR_INTERNAL)
	CodeInvalidProof    = int(C.AVCCDB_ERR_INVALID_PROOF)
)

// Error is a failure reported by libavccdb.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("avccdb: %s (code %d)", e.Message, e.Code) }

// Is makes errors.Is(err, ErrInvalidProof) true for an *Error with code
// CodeInvalidProof (errors.As still gives the *Error with its message).
func (e *Error) Is(target error) bool {
	return target == ErrInvalidProof && e.Code == CodeInvalidProof
}

// ErrNotFound is returned by Get when the key has no value.
var ErrNotFound = errors.New("avccdb: not found")

// ErrClosed is returned when a closed DB, Iterator or Batch, or a released
// Snapshot, is used.
var ErrClosed = errors.New("avccdb: used after close")

// ErrInvalidProof matches (with errors.Is) the *Error returned by
// VerifyGetProof and VerifyHistoryProof when a proof does not establish an
// answer for the query against the root: garbage or truncated bytes, a
// changed byte, a proof of another kind of query or state, or of another
// key or version whose answer it does not also establish (a proof that a
// key is absent also proves absent the keys between the same neighbours).
var ErrInvalidProof = errors.New("avccdb: invalid proof")

// takeError converts a message stored through errptr, and the code read
// in the same C call, into an *Error, and frees the message.
func takeError(msg *C.char, code C.int32_t) error {
	if msg == nil {
		return nil
	}
	defer C.avccdb_free(unsafe.Pointer(msg))
	c := int(code)
	if c == 0 {
		c = CodeInternal
	}
	return &Error{Code: c, Message: C.GoString(msg)}
}

// takeBytes copies n bytes at p, an owned buffer from the library, into Go
// memory (a non-nil slice, empty for n = 0) and frees p.
func takeBytes(p *C.char, n C.size_t) []byte {
	defer C.avccdb_free(unsafe.Pointer(p))
	out := make([]byte, int(n))
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	}
	return out
}

// ptr returns a C pointer to b's bytes (nil for an empty slice, which the
// C API accepts with length 0).
func ptr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// Options says how Open behaves; the zero value opens an existing database.
type Options struct {
	CreateIfMissing bool
	ErrorIfExists   bool
	ParanoidChecks  bool
	// WriteBufferSize is the memtable size in bytes; 0 or less keeps the default.
	WriteBufferSize int
	// DisableMerkleOnWrite defers hashing each table into its Merkle tree
	// until a root or proof first needs it (one full read of the table),
	// instead of hashing as the table is written (the default, as
	// avccdb_options_set_merkle_on_write(o, 1)). Roots and proofs are the
	// same either way. The field is negative so that the zero Options keeps
	// the library's default.
	DisableMerkleOnWrite bool
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// DB is an open database.
type DB struct {
	c     *C.avccdb_t
	ro    *C.avccdb_readoptions_t
	wo    *C.avccdb_writeoptions_t
	wsync *C.avccdb_writeoptions_t
}

// Open opens (or with CreateIfMissing creates) the database at path.
func Open(path string, o Options) (*DB, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	wbs := o.WriteBufferSize
	if wbs < 0 {
		wbs = 0
	}
	var msg *C.char
	var code C.int32_t
	db := C.avccdb_go_open(cpath, cbool(o.CreateIfMissing), cbool(o.ErrorIfExists),
		cbool(o.ParanoidChecks), C.size_t(wbs), cbool(!o.DisableMerkleOnWrite), &msg, &code)
	if err := takeError(msg, code); err != nil {
		return nil, err
	}
	if db == nil {
		return nil, &Error{Code: CodeInternal, Message: "avccdb_open returned NULL"}
	}
	return &DB{c: db, ro: C.avccdb_readoptions_create(), wo: C.avccdb_go_writeoptions(0),
		wsync: C.avccdb_go_writeoptions(1)}, nil
}

// Close closes the database; later calls return ErrClosed. Iterators and
// snapshots must be released first.
func (d *DB) Close() {
	if d.c == nil {
		return
	}
	C.avccdb_close(d.c)
	C.avccdb_readoptions_destroy(d.ro)
	C.avccdb_writeoptions_destroy(d.wo)
	C.avccdb_writeoptions_destroy(d.wsync)
	d.c = nil
}

func (d *DB) writeOptions(sync bool) *C.avccdb_writeoptions_t {
	if sync {
		return d.wsync
	}
	return d.wo
}

// Put stores value under key; with sync the journal is flushed to disk first.
func (d *DB) Put(key, value []byte, sync bool) error {
	if d.c == nil {
		return ErrClosed
	}
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_put(d.c, d.writeOptions(sync), ptr(key), C.size_t(len(key)),
		ptr(value), C.size_t(len(value)), &msg, &code)
	return takeError(msg, code)
}

// PutVersion stores value under key at version. Versions of a key are
// independent records: a read as of version v sees the highest version
// <= v. Put writes version 0.
func (d *DB) PutVersion(key []byte, version uint64, value []byte, sync bool) error {
	if d.c == nil {
		return ErrClosed
	}
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_put_version(d.c, d.writeOptions(sync), ptr(key), C.size_t(len(key)),
		C.uint64_t(version), ptr(value), C.size_t(len(value)), &msg, &code)
	return takeError(msg, code)
}

// DeleteVersion deletes key as of version: reads as of versions >= it find
// nothing until a higher version is written.
func (d *DB) DeleteVersion(key []byte, version uint64, sync bool) error {
	if d.c == nil {
		return ErrClosed
	}
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_delete_version(d.c, d.writeOptions(sync), ptr(key), C.size_t(len(key)),
		C.uint64_t(version), &msg, &code)
	return takeError(msg, code)
}

// Delete removes key (not an error if it is absent).
func (d *DB) Delete(key []byte, sync bool) error {
	if d.c == nil {
		return ErrClosed
	}
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_delete(d.c, d.writeOptions(sync), ptr(key), C.size_t(len(key)), &msg, &code)
	return takeError(msg, code)
}

// Get returns the value stored under key, or ErrNotFound. An empty value is
// returned as a non-nil empty slice.
func (d *DB) Get(key []byte) ([]byte, error) { return d.get(key, d.ro) }

func (d *DB) get(key []byte, ro *C.avccdb_readoptions_t) ([]byte, error) {
	if d.c == nil {
		return nil, ErrClosed
	}
	var msg *C.char
	var code C.int32_t
	var n C.size_t
	v := C.avccdb_go_get(d.c, ro, ptr(key), C.size_t(len(key)), &n, &msg, &code)
	if err := takeError(msg, code); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, ErrNotFound
	}
	return takeBytes(v, n), nil
}

// Property returns a text property such as "leveldb.stats", or false if the
// name is unknown.
func (d *DB) Property(name string) (string, bool) {
	if d.c == nil {
		return "", false
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	v := C.avccdb_property_value(d.c, cname)
	if v == nil {
		return "", false
	}
	defer C.avccdb_free(unsafe.Pointer(v))
	return C.GoString(v), true
}

// Batch collects updates applied atomically by DB.Write.
type Batch struct{ c *C.avccdb_writebatch_t }

// NewBatch returns an empty batch; Release it when done.
func NewBatch() *Batch { return &Batch{c: C.avccdb_writebatch_create()} }

// Put adds a put record.
func (b *Batch) Put(key, value []byte) {
	C.avccdb_writebatch_put(b.c, ptr(key), C.size_t(len(key)), ptr(value), C.size_t(len(value)))
}

// Delete adds a delete record.
func (b *Batch) Delete(key []byte) { C.avccdb_writebatch_delete(b.c, ptr(key), C.size_t(len(key))) }

// Clear empties the batch.
func (b *Batch) Clear() { C.avccdb_writebatch_clear(b.c) }

// Release frees the batch.
func (b *Batch) Release() {
	if b.c != nil {
		C.avccdb_writebatch_destroy(b.c)
		b.c = nil
	}
}

// Write applies every record of b atomically.
func (d *DB) Write(b *Batch, sync bool) error {
	if d.c == nil || b.c == nil {
		return ErrClosed
	}
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_write(d.c, d.writeOptions(sync), b.c, &msg, &code)
	return takeError(msg, code)
}

// Snapshot is a consistent read view of a DB.
type Snapshot struct {
	db *DB
	c  *C.avccdb_snapshot_t
	ro *C.avccdb_readoptions_t
}

// NewSnapshot takes a snapshot; Release it before closing the DB.
func (d *DB) NewSnapshot() *Snapshot {
	s := &Snapshot{db: d, c: C.avccdb_create_snapshot(d.c), ro: C.avccdb_readoptions_create()}
	C.avccdb_readoptions_set_snapshot(s.ro, s.c)
	return s
}

// Get reads key as of the snapshot (ErrClosed once it is released).
func (s *Snapshot) Get(key []byte) ([]byte, error) {
	ro, err := s.live()
	if err != nil {
		return nil, err
	}
	return s.db.get(key, ro)
}

// NewIterator iterates the snapshot's view.
func (s *Snapshot) NewIterator() *Iterator { return s.db.newIterator(s.ro) }

// live returns the snapshot's read options, or ErrClosed when the snapshot
// was released or its DB closed.
func (s *Snapshot) live() (*C.avccdb_readoptions_t, error) {
	if s.c == nil || s.db.c == nil {
		return nil, ErrClosed
	}
	return s.ro, nil
}

// Release frees the snapshot.
func (s *Snapshot) Release() {
	if s.c != nil {
		C.avccdb_release_snapshot(s.db.c, s.c)
		C.avccdb_readoptions_destroy(s.ro)
		s.c = nil
	}
}

// Iterator walks keys in ascending byte order. Key and Value return copies.
type Iterator struct{ c *C.avccdb_iterator_t }

// NewIterator returns an unpositioned iterator over the current state.
func (d *DB) NewIterator() *Iterator { return d.newIterator(d.ro) }

func (d *DB) newIterator(ro *C.avccdb_readoptions_t) *Iterator {
	return &Iterator{c: C.avccdb_create_iterator(d.c, ro)}
}

// Valid reports whether the iterator is positioned at an entry.
func (it *Iterator) Valid() bool { return C.avccdb_iter_valid(it.c) != 0 }

// SeekToFirst positions at the smallest key.
func (it *Iterator) SeekToFirst() { C.avccdb_iter_seek_to_first(it.c) }

// SeekToLast positions at the largest key.
func (it *Iterator) SeekToLast() { C.avccdb_iter_seek_to_last(it.c) }

// Next moves to the next larger key.
func (it *Iterator) Next() { C.avccdb_iter_next(it.c) }

// Prev moves to the next smaller key.
func (it *Iterator) Prev() { C.avccdb_iter_prev(it.c) }

// Seek positions at the first key >= k.
func (it *Iterator) Seek(k []byte) { C.avccdb_iter_seek(it.c, ptr(k), C.size_t(len(k))) }

// Key returns a copy of the current key.
func (it *Iterator) Key() []byte {
	var n C.size_t
	p := C.avccdb_iter_key(it.c, &n)
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// Value returns a copy of the current value.
func (it *Iterator) Value() []byte {
	var n C.size_t
	p := C.avccdb_iter_value(it.c, &n)
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// Err returns the error that ended the iteration, if any.
func (it *Iterator) Err() error {
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_iter_error(it.c, &msg, &code)
	return takeError(msg, code)
}

// Release frees the iterator.
func (it *Iterator) Release() {
	if it.c != nil {
		C.avccdb_iter_destroy(it.c)
		it.c = nil
	}
}

// ---- Merkle proofs ----------------------------------------------------------
//
// The state a DB or Snapshot reads is authenticated by one SHA-256 digest,
// its MasterRoot (docs/PROOF_FORMAT.md). GetWithProof and
// VersionHistoryWithProof return an answer with a proof of it against the
// root of the state read; VerifyGetProof and VerifyHistoryProof check such
// a proof with only the root, the query and the proof bytes: no DB.
//
// The current state's root moves with every write and also with
// background flushes and compactions, which change no answer: two calls
// on a DB may see two roots even when nobody writes. A proof verifies
// against the Root returned with it. To publish one root and serve proofs
// against it, take a Snapshot: its MasterRoot and the proofs read through
// it stay valid while it lives.

// RootSize is the size in bytes of a MasterRoot (AVCCDB_ROOT_SIZE).
const RootSize = int(C.AVCCDB_ROOT_SIZE)

// LatestVersion as a read version asks for the newest version of a key
// (AVCCDB_MAX_VERSION); as a history bound it is the highest version.
const LatestVersion = ^uint64(0)

// Root is a MasterRoot: the digest that proofs are checked against.
type Root [RootSize]byte

// String returns the root in lower-case hex (64 characters).
func (r Root) String() string { return hex.EncodeToString(r[:]) }

// ParseRoot decodes the hex form returned by Root.String.
func ParseRoot(s string) (Root, error) {
	var r Root
	b, err := hex.DecodeString(s)
	if err != nil {
		return r, fmt.Errorf("avccdb: root %q: %w", s, err)
	}
	if len(b) != RootSize {
		return r, fmt.Errorf("avccdb: root %q: %d bytes, want %d", s, len(b), RootSize)
	}
	copy(r[:], b)
	return r, nil
}

func (r *Root) c() *C.uchar { return (*C.uchar)(unsafe.Pointer(&r[0])) }

// VersionedValue is one version of a key.
type VersionedValue struct {
	Version uint64
	Value   []byte
}

// ProvenValue is a read with its proof, from GetWithProof. When the key
// has a live value as of the version asked, Found is true, Value holds it
// (non-nil, possibly empty) and Version the version it was written at;
// otherwise (never written, or deleted as of that version) Found is false,
// Value nil and Version 0, and the proof proves the absence. Root is the
// MasterRoot of the state read, which the proof verifies against.
type ProvenValue struct {
	Value   []byte
	Found   bool
	Version uint64
	Proof   []byte
	Root    Root
}

// ProvenHistory is a version history with its proof that no version is
// missing, from VersionHistoryWithProof. Versions are newest first (empty
// when the key has none in the range).
type ProvenHistory struct {
	Versions []VersionedValue
	Proof    []byte
	Root     Root
}

// IntegrityReport is what CheckIntegrity found: counts of what was checked
// and one line per problem (naming the table). No problems: the data is
// intact.
type IntegrityReport struct {
	Tables, Blocks, Records, Bytes uint64
	Problems                       []string
	// Text is the library's rendering: a line with the counts, then one
	// line per problem.
	Text string
}

// OK reports whether no problem was found.
func (r IntegrityReport) OK() bool { return len(r.Problems) == 0 }

// takeHistory copies the versions out of a history handle and frees it.
func takeHistory(h *C.avccdb_version_history_t) []VersionedValue {
	defer C.avccdb_version_history_destroy(h)
	n := int(C.avccdb_version_history_count(h))
	out := make([]VersionedValue, n)
	for i := range out {
		var vlen C.size_t
		v := C.avccdb_version_history_value_at(h, C.size_t(i), &vlen)
		out[i].Version = uint64(C.avccdb_version_history_version_at(h, C.size_t(i)))
		out[i].Value = make([]byte, int(vlen))
		if vlen > 0 {
			copy(out[i].Value, unsafe.Slice((*byte)(unsafe.Pointer(v)), int(vlen)))
		}
	}
	return out
}

// MasterRoot returns the root of the current state (it moves: see above).
func (d *DB) MasterRoot() (Root, error) {
	if d.c == nil {
		return Root{}, ErrClosed
	}
	return d.masterRoot(d.ro)
}

func (d *DB) masterRoot(ro *C.avccdb_readoptions_t) (Root, error) {
	var root Root
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_master_root(d.c, ro, root.c(), &msg, &code)
	return root, takeError(msg, code)
}

// MasterRoot returns the root of the snapshot's state; it does not change
// while the snapshot lives.
func (s *Snapshot) MasterRoot() (Root, error) {
	if _, err := s.live(); err != nil {
		return Root{}, err
	}
	var root Root
	var msg *C.char
	var code C.int32_t
	C.avccdb_go_snapshot_master_root(s.db.c, s.c, root.c(), &msg, &code)
	return root, takeError(msg, code)
}

// GetWithProof reads the highest live version <= version of key
// (LatestVersion: the newest) from the current state, with a proof of the
// answer, found or absent, against the returned ProvenValue.Root. Absence
// is an answer (Found false), not an error.
func (d *DB) GetWithProof(key []byte, version uint64) (ProvenValue, error) {
	if d.c == nil {
		return ProvenValue{}, ErrClosed
	}
	return d.getWithProof(key, version, d.ro)
}

// GetWithProof is DB.GetWithProof as of the snapshot: the proof verifies
// against the snapshot's MasterRoot.
func (s *Snapshot) GetWithProof(key []byte, version uint64) (ProvenValue, error) {
	ro, err := s.live()
	if err != nil {
		return ProvenValue{}, err
	}
	return s.db.getWithProof(key, version, ro)
}

func (d *DB) getWithProof(key []byte, version uint64, ro *C.avccdb_readoptions_t) (ProvenValue, error) {
	var out ProvenValue
	var msg, proof *C.char
	var code C.int32_t
	var vlen, prooflen C.size_t
	var found C.uint64_t
	v := C.avccdb_go_get_with_proof(d.c, ro, ptr(key), C.size_t(len(key)), C.uint64_t(version),
		&vlen, &found, out.Root.c(), &proof, &prooflen, &msg, &code)
	if err := takeError(msg, code); err != nil {
		return ProvenValue{}, err
	}
	out.Proof = takeBytes(proof, prooflen)
	if v != nil {
		out.Value, out.Found, out.Version = takeBytes(v, vlen), true, uint64(found)
	}
	return out, nil
}

// VersionHistoryWithProof returns every live version of key in
// [min, max] from the current state, newest first, with a proof that none
// is missing. min > max is an *Error with CodeInvalidArgument.
func (d *DB) VersionHistoryWithProof(key []byte, min, max uint64) (ProvenHistory, error) {
	if d.c == nil {
		return ProvenHistory{}, ErrClosed
	}
	return d.historyWithProof(key, min, max, d.ro)
}

// VersionHistoryWithProof is DB.VersionHistoryWithProof as of the snapshot.
func (s *Snapshot) VersionHistoryWithProof(key []byte, min, max uint64) (ProvenHistory, error) {
	ro, err := s.live()
	if err != nil {
		return ProvenHistory{}, err
	}
	return s.db.historyWithProof(key, min, max, ro)
}

func (d *DB) historyWithProof(key []byte, min, max uint64, ro *C.avccdb_readoptions_t) (ProvenHistory, error) {
	var out ProvenHistory
	var msg, proof *C.char
	var code C.int32_t
	var prooflen C.size_t
	h := C.avccdb_go_history_with_proof(d.c, ro, ptr(key), C.size_t(len(key)), C.uint64_t(min),
		C.uint64_t(max), out.Root.c(), &proof, &prooflen, &msg, &code)
	if err := takeError(msg, code); err != nil {
		return ProvenHistory{}, err
	}
	out.Proof = takeBytes(proof, prooflen)
	out.Versions = takeHistory(h)
	return out, nil
}

// VerifyGetProof checks a proof from GetWithProof against root for the
// query (key, version) and returns what it proves: found with the value
// (non-nil, possibly empty) and its version, or not found (the key
// provably has no live value as of version). It needs no DB. An invalid
// proof is an *Error matching ErrInvalidProof; any bytes may be passed.
func VerifyGetProof(root Root, key []byte, version uint64,
	proof []byte) (value []byte, found bool, foundVersion uint64, err error) {
	var msg, v *C.char
	var code C.int32_t
	var vlen C.size_t
	var fv C.uint64_t
	rc := C.avccdb_go_verify_get(root.c(), ptr(key), C.size_t(len(key)), C.uint64_t(version),
		ptr(proof), C.size_t(len(proof)), &v, &vlen, &fv, &msg, &code)
	if err := takeError(msg, code); err != nil {
		return nil, false, 0, err
	}
	if rc != C.AVCCDB_GET_FOUND {
		return nil, false, 0, nil
	}
	return takeBytes(v, vlen), true, uint64(fv), nil
}

// VerifyHistoryProof checks a proof from VersionHistoryWithProof against
// root for the query (key, [min, max]) and returns the history it proves
// complete, newest first (possibly empty). It needs no DB. An invalid
// proof is an *Error matching ErrInvalidProof; min > max is an *Error with
// CodeInvalidArgument.
func VerifyHistoryProof(root Root, key []byte, min, max uint64, proof []byte) ([]VersionedValue, error) {
	var msg *C.char
	var code C.int32_t
	h := C.avccdb_go_verify_history(root.c(), ptr(key), C.size_t(len(key)), C.uint64_t(min),
		C.uint64_t(max), ptr(proof), C.size_t(len(proof)), &msg, &code)
	if err := takeError(msg, code); err != nil {
		return nil, err
	}
	return takeHistory(h), nil
}

// CheckIntegrity reads every live table (checksums verified), recomputes
// its Merkle roots and compares them with the stored ones. Damage is
// reported in IntegrityReport.Problems, not as an error; the error is for
// a check that could not run.
func (d *DB) CheckIntegrity() (IntegrityReport, error) {
	if d.c == nil {
		return IntegrityReport{}, ErrClosed
	}
	var msg *C.char
	var code C.int32_t
	r := C.avccdb_go_check_integrity(d.c, &msg, &code)
	if err := takeError(msg, code); err != nil {
		return IntegrityReport{}, err
	}
	defer C.avccdb_integrity_report_destroy(r)
	out := IntegrityReport{
		Tables:  uint64(C.avccdb_integrity_report_tables(r)),
		Blocks:  uint64(C.avccdb_integrity_report_blocks(r)),
		Records: uint64(C.avccdb_integrity_report_records(r)),
		Bytes:   uint64(C.avccdb_integrity_report_bytes(r)),
	}
	n := int(C.avccdb_integrity_report_problem_count(r))
	for i := 0; i < n; i++ {
		var plen C.size_t
		p := C.avccdb_integrity_report_problem_at(r, C.size_t(i), &plen)
		out.Problems = append(out.Problems, C.GoStringN(p, C.int(plen)))
	}
	if text := C.avccdb_integrity_report_text(r); text != nil {
		out.Text = C.GoString(text)
		C.avccdb_free(unsafe.Pointer(text))
	}
	return out, nil
}
