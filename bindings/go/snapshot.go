// snapshot.go: Snapshot, a stable read view of a DB.
package avccdb

// #include "shim.h"
import "C"

import "sync"

// Snapshot is a consistent read view of a DB as it was when taken; it is
// safe for concurrent use. Read through its methods, or through any DB
// read with ReadOptions{Snapshot: s}. Release it when done.
type Snapshot struct {
	db *DB
	mu sync.RWMutex // held exclusively by Release
	c  *C.avccdb_snapshot_t
}

// NewSnapshot takes a snapshot of the current state.
func (d *DB) NewSnapshot() (*Snapshot, error) {
	c, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.mu.RUnlock()
	return &Snapshot{db: d, c: C.avccdb_create_snapshot(c)}, nil
}

// Sequence returns the sequence number the snapshot reads at (0 once
// released).
func (s *Snapshot) Sequence() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return uint64(C.avccdb_snapshot_sequence(s.c))
}

// readOptions returns ro (or the defaults) with Snapshot set to s; the
// read itself reports ErrClosed if s is released by then.
func (s *Snapshot) readOptions(ro *ReadOptions) *ReadOptions {
	r := ReadOptions{}
	if ro != nil {
		r = *ro
	}
	r.Snapshot = s
	return &r
}

// Get is DB.Get as of the snapshot (ro may add settings; its Snapshot is
// ignored).
func (s *Snapshot) Get(key []byte, ro *ReadOptions) ([]byte, error) {
	return s.db.Get(key, s.readOptions(ro))
}

// GetVersion is DB.GetVersion as of the snapshot.
func (s *Snapshot) GetVersion(key []byte, version uint64, ro *ReadOptions) ([]byte, uint64, error) {
	return s.db.GetVersion(key, version, s.readOptions(ro))
}

// VersionHistory is DB.VersionHistory as of the snapshot.
func (s *Snapshot) VersionHistory(key []byte, min, max uint64, ro *ReadOptions) ([]VersionedValue, error) {
	return s.db.VersionHistory(key, min, max, s.readOptions(ro))
}

// NewIterator iterates the snapshot's view (see DB.NewIterator).
func (s *Snapshot) NewIterator(ro *ReadOptions) *Iterator {
	return s.db.NewIterator(s.readOptions(ro))
}

// Release frees the snapshot; later reads through it return ErrClosed.
// Read options and iterators made from it keep their view until they are
// released themselves.
func (s *Snapshot) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return
	}
	s.db.mu.RLock()
	C.avccdb_release_snapshot(s.db.c, s.c) // a NULL db (closed) is allowed
	s.db.mu.RUnlock()
	s.c = nil
}
