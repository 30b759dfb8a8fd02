// batch_records.go: reading a Batch's records back, through the C
// iterate callbacks (exported Go functions called from shim.c).
package avccdb

// #include "shim.h"
import "C"

import "runtime/cgo"

// BatchRecord is one record of a Batch.
type BatchRecord struct {
	// Delete is true for a delete (Value is then nil).
	Delete bool
	Key    []byte
	Value  []byte
	// Version is the record's version; Versioned says whether it was
	// added with one (PutVersion, DeleteVersion) rather than as version 0.
	Version   uint64
	Versioned bool
}

// Records returns the batch's records in order.
func (b *Batch) Records() []BatchRecord {
	if b.c == nil {
		return nil
	}
	out := make([]BatchRecord, 0, b.Len())
	h := cgo.NewHandle(&out)
	defer h.Delete()
	C.avccdb_go_batch_replay(b.c, C.uintptr_t(h))
	return out
}

//export avccdbGoBatchPut
func avccdbGoBatchPut(h C.uintptr_t, k *C.char, klen C.size_t, v *C.char, vlen C.size_t,
	version C.uint64_t, versioned C.uchar) {
	out := cgo.Handle(h).Value().(*[]BatchRecord)
	*out = append(*out, BatchRecord{Key: copyBytes(k, klen), Value: copyBytes(v, vlen),
		Version: uint64(version), Versioned: versioned != 0})
}

//export avccdbGoBatchDelete
func avccdbGoBatchDelete(h C.uintptr_t, k *C.char, klen C.size_t, version C.uint64_t,
	versioned C.uchar) {
	out := cgo.Handle(h).Value().(*[]BatchRecord)
	*out = append(*out, BatchRecord{Delete: true, Key: copyBytes(k, klen),
		Version: uint64(version), Versioned: versioned != 0})
}
