// batch.go: Batch, a list of updates applied atomically, with its
// serialized form (Dump / Load).
package avccdb

// #include "shim.h"
import "C"

// Batch collects puts and deletes that DB.Write or Transaction.Write
// apply atomically, in order. One goroutine at a time may change a
// batch; a batch that is not being changed may be written by several.
// Release it when done; a released batch ignores updates and has no
// records.
type Batch struct{ c *C.avccdb_writebatch_t }

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{c: C.avccdb_writebatch_create()} }

// Put adds a put of value under key (version 0).
func (b *Batch) Put(key, value []byte) {
	C.avccdb_writebatch_put(b.c, ptr(key), clen(key), ptr(value), clen(value))
}

// PutVersion adds a put of value under key at version.
func (b *Batch) PutVersion(key []byte, version uint64, value []byte) {
	C.avccdb_writebatch_put_with_version(b.c, ptr(key), clen(key), C.uint64_t(version),
		ptr(value), clen(value))
}

// Delete adds a delete of key (version 0).
func (b *Batch) Delete(key []byte) { C.avccdb_writebatch_delete(b.c, ptr(key), clen(key)) }

// DeleteVersion adds a delete of key as of version.
func (b *Batch) DeleteVersion(key []byte, version uint64) {
	C.avccdb_writebatch_delete_with_version(b.c, ptr(key), clen(key), C.uint64_t(version))
}

// Len returns the number of records.
func (b *Batch) Len() int {
	if b.c == nil {
		return 0
	}
	return int(C.avccdb_writebatch_count(b.c))
}

// Reset removes every record.
func (b *Batch) Reset() { C.avccdb_writebatch_clear(b.c) }

// Append adds other's records after b's, in order (other is unchanged;
// b.Append(b) doubles b).
func (b *Batch) Append(other *Batch) { C.avccdb_writebatch_append(b.c, other.c) }

// Dump returns the batch serialized (docs/BATCH_FORMAT.md): bytes that
// Load, in this or any other binding or in C, turns back into the same
// records.
func (b *Batch) Dump() []byte {
	if b.c == nil {
		return nil
	}
	var n C.size_t
	p := C.avccdb_writebatch_data(b.c, &n)
	return copyBytes(p, n)
}

// Load replaces the batch's records with those serialized in data (as
// Dump gives them). Malformed data is ErrCorruption and leaves the batch
// empty.
func (b *Batch) Load(data []byte) error {
	if b.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_batch_load(b.c, ptr(data), clen(data), &e)
	return takeError(&e)
}

// Release frees the batch; calling it again does nothing.
func (b *Batch) Release() {
	if b.c != nil {
		C.avccdb_writebatch_destroy(b.c)
		b.c = nil
	}
}
