// iterator.go: Iterator, a cursor over records in key order.
package avccdb

// #include "shim.h"
import "C"

// Iterator walks records in ascending key order (with
// ReadOptions.AllVersions, every version of each key, newest first within
// a key). It starts unpositioned: the first Next moves to the first record
// and the first Prev to the last, so
//
//	it := db.NewIterator(nil)
//	defer it.Release()
//	for it.Next() {
//		use(it.Key(), it.Value(), it.Version())
//	}
//	if err := it.Error(); err != nil { ... }
//
// reads everything. An Iterator is used by one goroutine at a time, and
// must be released; it keeps reading the view it was made on even if the
// DB is closed meanwhile.
type Iterator struct {
	c       *C.avccdb_iterator_t
	started bool
	err     error // an error from creating the iterator
}

// NewIterator returns an unpositioned iterator over the current state, or
// over ro's snapshot and bounds (nil: the defaults). A failure to create
// it is reported by Error.
func (d *DB) NewIterator(ro *ReadOptions) *Iterator {
	c, err := d.acquire()
	if err != nil {
		return &Iterator{err: err}
	}
	defer d.mu.RUnlock()
	cro, owned, err := d.readOptions(ro)
	if err != nil {
		return &Iterator{err: err}
	}
	if owned {
		defer C.avccdb_readoptions_destroy(cro)
	}
	it := C.avccdb_create_iterator(c, cro) // keeps its own copy of cro
	if it == nil {
		return &Iterator{err: &Error{Kind: Kind(C.avccdb_last_error_code()),
			Message: "avccdb_create_iterator failed"}}
	}
	return &Iterator{c: it}
}

// Valid reports whether the iterator is at a record.
func (it *Iterator) Valid() bool { return it.c != nil && C.avccdb_iter_valid(it.c) != 0 }

// First moves to the first record and reports whether there is one.
func (it *Iterator) First() bool {
	if it.c == nil {
		return false
	}
	it.started = true
	C.avccdb_iter_seek_to_first(it.c)
	return it.Valid()
}

// Last moves to the last record and reports whether there is one.
func (it *Iterator) Last() bool {
	if it.c == nil {
		return false
	}
	it.started = true
	C.avccdb_iter_seek_to_last(it.c)
	return it.Valid()
}

// Seek moves to the first record with a key >= key and reports whether
// there is one.
func (it *Iterator) Seek(key []byte) bool {
	if it.c == nil {
		return false
	}
	it.started = true
	C.avccdb_iter_seek(it.c, ptr(key), clen(key))
	return it.Valid()
}

// Next moves to the next record (the first, if unpositioned) and reports
// whether there is one.
func (it *Iterator) Next() bool {
	if it.c == nil {
		return false
	}
	if !it.started {
		return it.First()
	}
	if !it.Valid() {
		return false
	}
	C.avccdb_iter_next(it.c)
	return it.Valid()
}

// Prev moves to the previous record (the last, if unpositioned) and
// reports whether there is one.
func (it *Iterator) Prev() bool {
	if it.c == nil {
		return false
	}
	if !it.started {
		return it.Last()
	}
	if !it.Valid() {
		return false
	}
	C.avccdb_iter_prev(it.c)
	return it.Valid()
}

// Key returns a copy of the current record's key (nil when not valid).
func (it *Iterator) Key() []byte {
	if !it.Valid() {
		return nil
	}
	var n C.size_t
	p := C.avccdb_iter_key(it.c, &n)
	return copyBytes(p, n)
}

// Value returns a copy of the current record's value (nil when not
// valid).
func (it *Iterator) Value() []byte {
	if !it.Valid() {
		return nil
	}
	var n C.size_t
	p := C.avccdb_iter_value(it.c, &n)
	return copyBytes(p, n)
}

// Version returns the current record's version (0 when not valid).
func (it *Iterator) Version() uint64 {
	if !it.Valid() {
		return 0
	}
	return uint64(C.avccdb_iter_version(it.c))
}

// Error returns the error that ended the iteration, if any (ErrClosed
// after Release).
func (it *Iterator) Error() error {
	if it.err != nil {
		return it.err
	}
	if it.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_iter_error(it.c, &e)
	return takeError(&e)
}

// Release frees the iterator; calling it again does nothing.
func (it *Iterator) Release() {
	if it.c != nil {
		C.avccdb_iter_destroy(it.c)
		it.c = nil
		if it.err == nil {
			it.err = ErrClosed
		}
	}
}
