// stats.go: statistics and maintenance: properties, counters, sizes,
// manual compaction and compaction pauses.
package avccdb

// #include "shim.h"
import "C"

import "unsafe"

// Range is the key range [Start, Limit); a nil bound is unbounded.
type Range struct{ Start, Limit []byte }

// PropertyInt returns an integer statistic by name: every counter of
// StatsCounterNames (bare, or prefixed "avccdb." / "leveldb."), and the
// integer properties ("avccdb.num-files-at-level<N>",
// "avccdb.approximate-memory-usage"). Durations are in microseconds. An
// unknown name is ErrNotFound.
func (d *DB) PropertyInt(name string) (uint64, error) {
	c, err := d.acquire()
	if err != nil {
		return 0, err
	}
	defer d.mu.RUnlock()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var v C.uint64_t
	var e C.avccdb_go_err
	if C.avccdb_go_property_int(c, cname, &v, &e) == 0 {
		return 0, &Error{Kind: Kind(e.code), Message: "NotFound: property " + name}
	}
	return uint64(v), nil
}

// Property returns a text property ("avccdb.stats", "avccdb.sstables",
// "avccdb.background-error", the integer ones as text; "leveldb." names
// accepted). An unknown name is ErrNotFound.
func (d *DB) Property(name string) (string, error) {
	c, err := d.acquire()
	if err != nil {
		return "", err
	}
	defer d.mu.RUnlock()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var e C.avccdb_go_err
	v := C.avccdb_go_property(c, cname, &e)
	if v == nil {
		k := Kind(e.code)
		if k == 0 {
			k = KindNotFound
		}
		return "", &Error{Kind: k, Message: "NotFound: property " + name}
	}
	defer C.avccdb_free(unsafe.Pointer(v))
	return C.GoString(v), nil
}

// Stats returns the statistics text ("avccdb.stats").
func (d *DB) Stats() (string, error) { return d.Property("avccdb.stats") }

// StatsCounterNames lists the counters PropertyInt answers (besides the
// integer properties).
func StatsCounterNames() []string {
	n := int(C.avccdb_stats_counter_count())
	out := make([]string, n)
	for i := range out {
		out[i] = C.GoString(C.avccdb_stats_counter_name(C.size_t(i)))
	}
	return out
}

// SizeOf returns the approximate bytes of table data in each range (data
// still in the memdb is not counted).
func (d *DB) SizeOf(ranges []Range) ([]uint64, error) {
	c, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.mu.RUnlock()
	sizes := make([]uint64, len(ranges))
	if len(ranges) == 0 {
		return sizes, nil
	}
	// The key pointer arrays and the keys are in C memory: cgo forbids
	// passing Go memory that holds Go pointers.
	n := len(ranges)
	mem := C.malloc(C.size_t(2*n) * C.size_t(unsafe.Sizeof((*C.char)(nil))))
	defer C.free(mem)
	ptrs := unsafe.Slice((**C.char)(mem), 2*n)
	lens := make([]C.size_t, 2*n)
	for i, r := range ranges {
		ptrs[i], lens[i] = cBytes(r.Start), clen(r.Start)
		ptrs[n+i], lens[n+i] = cBytes(r.Limit), clen(r.Limit)
	}
	defer func() {
		for _, p := range ptrs {
			C.free(unsafe.Pointer(p))
		}
	}()
	C.avccdb_approximate_sizes(c, C.int(n), &ptrs[0], &lens[0], &ptrs[n], &lens[n],
		(*C.uint64_t)(unsafe.Pointer(&sizes[0])))
	return sizes, nil
}

// cBytes copies b into malloc'd memory (a 1-byte allocation for empty b,
// so the pointer is never NULL).
func cBytes(b []byte) *C.char {
	p := C.malloc(C.size_t(len(b) + 1))
	if len(b) > 0 {
		copy(unsafe.Slice((*byte)(p), len(b)), b)
	}
	return (*C.char)(p)
}

// CompactRange compacts the keys of r (nil bounds: unbounded) down the
// levels, waiting for it to finish.
func (d *DB) CompactRange(r Range) error {
	c, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_compact_range(c, ptr(r.Start), clen(r.Start), cint(r.Start != nil),
		ptr(r.Limit), clen(r.Limit), cint(r.Limit != nil), &e)
	return takeError(&e)
}

// CompactLevel compacts the keys of r (inclusive limit; nil bounds:
// unbounded) of level into level+1. A level without one below it is
// ErrInvalidArgument.
func (d *DB) CompactLevel(level int, r Range) error {
	c, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_compact_level(c, C.int(level), ptr(r.Start), clen(r.Start), cint(r.Start != nil),
		ptr(r.Limit), clen(r.Limit), cint(r.Limit != nil), &e)
	return takeError(&e)
}

// CompactionPause holds automatic compaction until Resume.
type CompactionPause struct{ c *C.avccdb_compaction_pause_t }

// PauseCompactions holds automatic table compaction (for a consistent
// file-level backup, say) until the pause is resumed. Pauses nest.
func (d *DB) PauseCompactions() (*CompactionPause, error) {
	c, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.mu.RUnlock()
	return &CompactionPause{c: C.avccdb_pause_compactions(c)}, nil
}

// Resume ends the pause; calling it again does nothing.
func (p *CompactionPause) Resume() {
	if p.c != nil {
		C.avccdb_resume_compactions(p.c)
		p.c = nil
	}
}
