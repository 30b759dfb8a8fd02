// transaction.go: Transaction, writes made visible together at commit.
package avccdb

// #include "shim.h"
import "C"

// Transaction collects writes that become visible together when it
// commits, and never if it is discarded. While open it holds the
// database's write lock: other writers wait, and the goroutine holding it
// must not write through the DB (it would wait for itself). It is used by
// one goroutine at a time. Commit or Discard ends it and frees it; later
// calls return ErrClosed.
type Transaction struct{ c *C.avccdb_transaction_t }

// OpenTransaction opens a transaction, waiting for the write lock.
func (d *DB) OpenTransaction() (*Transaction, error) {
	c, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	t := C.avccdb_go_txn_open(c, &e)
	if err := takeError(&e); err != nil {
		return nil, err
	}
	return &Transaction{c: t}, nil
}

// Put adds a put of value under key (version 0).
func (t *Transaction) Put(key, value []byte) error {
	if t.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_txn_put(t.c, ptr(key), clen(key), ptr(value), clen(value), &e)
	return takeError(&e)
}

// PutVersion adds a put of value under key at version.
func (t *Transaction) PutVersion(key []byte, version uint64, value []byte) error {
	if t.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_txn_put_version(t.c, ptr(key), clen(key), C.uint64_t(version), ptr(value),
		clen(value), &e)
	return takeError(&e)
}

// Delete adds a delete of key (version 0).
func (t *Transaction) Delete(key []byte) error {
	if t.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_txn_delete(t.c, ptr(key), clen(key), &e)
	return takeError(&e)
}

// DeleteVersion adds a delete of key as of version.
func (t *Transaction) DeleteVersion(key []byte, version uint64) error {
	if t.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_txn_delete_version(t.c, ptr(key), clen(key), C.uint64_t(version), &e)
	return takeError(&e)
}

// Write adds every record of b, in order.
func (t *Transaction) Write(b *Batch) error {
	if t.c == nil || b == nil || b.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_txn_write(t.c, b.c, &e)
	return takeError(&e)
}

// Commit makes every write visible at once and ends the transaction. On
// failure nothing is written, and the transaction has ended too.
func (t *Transaction) Commit() error {
	if t.c == nil {
		return ErrClosed
	}
	var e C.avccdb_go_err
	C.avccdb_go_txn_commit(t.c, &e)
	t.free()
	return takeError(&e)
}

// Discard throws every write away and ends the transaction; after Commit
// or a first Discard it does nothing, so `defer t.Discard()` is safe.
func (t *Transaction) Discard() {
	if t.c != nil {
		C.avccdb_transaction_discard(t.c)
		t.free()
	}
}

func (t *Transaction) free() {
	C.avccdb_transaction_destroy(t.c)
	t.c = nil
}
