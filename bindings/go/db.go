// db.go: DB, the open database handle: open and close, and the plain
// reads and writes (Put, Get, Delete, Write).
package avccdb

// #include "shim.h"
import "C"

import (
	"sync"
	"unsafe"
)

// DB is an open database. It is safe for concurrent use; see the package
// documentation.
type DB struct {
	// mu is held shared by every call using c and exclusively by Close, so
	// that Close never frees the handle under a running call.
	mu sync.RWMutex
	c  *C.avccdb_t
	// Defaults used for nil options, created once: most calls then make
	// a single cgo call.
	ro *C.avccdb_readoptions_t
	wo [2][2]*C.avccdb_writeoptions_t // [sync][no_write_merge]
}

// Open opens the database at path (nil options: the defaults, which do
// not create it).
func Open(path string, o *Options) (*DB, error) {
	co, err := o.cOptions()
	if err != nil {
		return nil, err
	}
	defer C.avccdb_options_destroy(co)
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var e C.avccdb_go_err
	c := C.avccdb_go_open(co, cpath, &e)
	if err := takeError(&e); err != nil {
		return nil, err
	}
	d := &DB{c: c, ro: C.avccdb_readoptions_create()}
	for s := 0; s < 2; s++ {
		for m := 0; m < 2; m++ {
			d.wo[s][m] = C.avccdb_go_writeoptions(C.int(s), C.int(m))
		}
	}
	return d, nil
}

// Close closes the database, waiting for calls in progress; later calls
// return ErrClosed, and so does a second Close. Open iterators and
// snapshots stay readable and must still be released.
func (d *DB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.c == nil {
		return ErrClosed
	}
	C.avccdb_close(d.c)
	d.c = nil
	C.avccdb_readoptions_destroy(d.ro)
	for s := range d.wo {
		for m := range d.wo[s] {
			C.avccdb_writeoptions_destroy(d.wo[s][m])
		}
	}
	return nil
}

// acquire returns the live handle with d.mu held shared (release it with
// d.mu.RUnlock), or ErrClosed with nothing held.
func (d *DB) acquire() (*C.avccdb_t, error) {
	d.mu.RLock()
	if d.c == nil {
		d.mu.RUnlock()
		return nil, ErrClosed
	}
	return d.c, nil
}

// writeOptions returns the cached C write options matching wo.
func (d *DB) writeOptions(wo *WriteOptions) *C.avccdb_writeoptions_t {
	if wo == nil {
		return d.wo[0][0]
	}
	s, m := 0, 0
	if wo.Sync {
		s = 1
	}
	if wo.NoWriteMerge {
		m = 1
	}
	return d.wo[s][m]
}

// readOptions returns C read options for ro, and whether the caller owns
// (must destroy) them; nil ro gives the shared defaults.
func (d *DB) readOptions(ro *ReadOptions) (*C.avccdb_readoptions_t, bool, error) {
	if ro == nil {
		return d.ro, false, nil
	}
	c, err := ro.cReadOptions()
	return c, err == nil, err
}

// Put stores value under key (version 0).
func (d *DB) Put(key, value []byte, wo *WriteOptions) error {
	c, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_put(c, d.writeOptions(wo), ptr(key), clen(key), ptr(value), clen(value), &e)
	return takeError(&e)
}

// Delete removes key (version 0); deleting an absent key is not an error.
func (d *DB) Delete(key []byte, wo *WriteOptions) error {
	c, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_delete(c, d.writeOptions(wo), ptr(key), clen(key), &e)
	return takeError(&e)
}

// Write applies every record of b atomically.
func (d *DB) Write(b *Batch, wo *WriteOptions) error {
	if b == nil || b.c == nil {
		return ErrClosed
	}
	c, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_write(c, d.writeOptions(wo), b.c, &e)
	return takeError(&e)
}

// Get returns the newest value of key: ErrNotFound when it has none, a
// non-nil empty slice for an empty value.
func (d *DB) Get(key []byte, ro *ReadOptions) ([]byte, error) {
	c, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.mu.RUnlock()
	cro, owned, err := d.readOptions(ro)
	if err != nil {
		return nil, err
	}
	if owned {
		defer C.avccdb_readoptions_destroy(cro)
	}
	var r C.avccdb_go_get_result
	rc := C.avccdb_go_get(c, cro, ptr(key), clen(key), &r)
	if err := takeError(&r.err); err != nil {
		return nil, err
	}
	if rc != C.AVCCDB_GET_FOUND {
		return nil, ErrNotFound
	}
	return takeBytes(r.val, r.vlen), nil
}

// Has reports whether key has a value.
func (d *DB) Has(key []byte, ro *ReadOptions) (bool, error) {
	_, err := d.Get(key, ro)
	if err == ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

// DestroyDB deletes the database at path and its files (it must not be
// open).
func DestroyDB(path string, o *Options) error {
	return withPathOptions(path, o, func(co *C.avccdb_options_t, p *C.char, e *C.avccdb_go_err) {
		C.avccdb_go_destroy_db(co, p, e)
	})
}

// RepairDB rebuilds the database at path from whatever of its files can
// be read (it must not be open).
func RepairDB(path string, o *Options) error {
	return withPathOptions(path, o, func(co *C.avccdb_options_t, p *C.char, e *C.avccdb_go_err) {
		C.avccdb_go_repair_db(co, p, e)
	})
}

func withPathOptions(path string, o *Options, call func(*C.avccdb_options_t, *C.char, *C.avccdb_go_err)) error {
	co, err := o.cOptions()
	if err != nil {
		return err
	}
	defer C.avccdb_options_destroy(co)
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var e C.avccdb_go_err
	call(co, cpath, &e)
	return takeError(&e)
}

// LibraryVersion returns the major and minor version of the loaded
// libavccdb (the major version is the SONAME's number).
func LibraryVersion() (major, minor int) {
	return int(C.avccdb_major_version()), int(C.avccdb_minor_version())
}
