// Package avccdb is a small cgo binding of libavccdb's C API: open a
// database, read and write keys, apply atomic batches, iterate in key order
// and read from snapshots.
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
                                size_t write_buffer_size, char **errptr,
                                int32_t *code) {
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, create_if_missing);
  avccdb_options_set_error_if_exists(o, error_if_exists);
  avccdb_options_set_paranoid_checks(o, paranoid_checks);
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
static void avccdb_go_iter_error(const avccdb_iterator_t *it, char **errptr,
                                 int32_t *code) {
  avccdb_iter_get_error(it, errptr);
  avccdb_go_code(errptr, code);
}
*/
import "C"

import (
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
)

// Error is a failure reported by libavccdb.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("avccdb: %s (code %d)", e.Message, e.Code) }

// ErrNotFound is returned by Get when the key has no value.
var ErrNotFound = errors.New("avccdb: not found")

// ErrClosed is returned when a closed DB, Iterator or Batch is used.
var ErrClosed = errors.New("avccdb: used after close")

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
		cbool(o.ParanoidChecks), C.size_t(wbs), &msg, &code)
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
	defer C.avccdb_free(unsafe.Pointer(v))
	out := make([]byte, int(n))
	copy(out, unsafe.Slice((*byte)(unsafe.Pointer(v)), int(n)))
	return out, nil
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

// Get reads key as of the snapshot.
func (s *Snapshot) Get(key []byte) ([]byte, error) { return s.db.get(key, s.ro) }

// NewIterator iterates the snapshot's view.
func (s *Snapshot) NewIterator() *Iterator { return s.db.newIterator(s.ro) }

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
