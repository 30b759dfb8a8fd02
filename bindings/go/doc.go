// Package avccdb is the Go binding of libavccdb, an embedded LSM key-value
// store with per-key versions and Merkle proofs (a C library; this package
// uses cgo).
//
//	db, err := avccdb.Open("/tmp/db", &avccdb.Options{CreateIfMissing: true})
//	if err != nil { ... }
//	defer db.Close()
//	err = db.Put([]byte("k"), []byte("v"), nil)
//	v, err := db.Get([]byte("k"), nil) // errors.Is(err, avccdb.ErrNotFound) when absent
//
// The API follows goleveldb's shapes (nil options mean the defaults, Put /
// Get / Delete / Write, iterators with Next / Key / Value / Release), with
// avccDB's additions: versions (PutVersion, GetVersion, VersionHistory,
// Iterator.Version, ReadOptions.AllVersions), transactions, batch dump and
// load, integer statistics, and Merkle proofs (MasterRoot, GetWithProof,
// VerifyGetProof, ...).
//
// # Memory
//
// Keys and values passed in are read in place during the call and never
// kept. Every []byte returned is a fresh Go slice the caller owns (one copy
// out of C memory). A value that exists but is empty is a non-nil empty
// slice; a key without a value is ErrNotFound, never an empty slice.
//
// # Concurrency
//
// A *DB and a *Snapshot are safe for concurrent use by any number of
// goroutines; concurrent writes are merged into groups by the library.
// Close waits for calls in progress and makes later calls return
// ErrClosed. An *Iterator, a *Batch being changed and a *Transaction are
// used by one goroutine at a time (a Batch that is no longer changed may be
// written by several). While a Transaction is open it holds the database's
// write lock: other writes wait for it, so the goroutine that opened it
// must not write through the DB until it commits or discards.
//
// # Lifetime
//
// There are no finalizers: Close or Release every DB, Iterator, Snapshot,
// Batch, Transaction and CompactionPause. Iterators and snapshots stay
// readable after their DB is closed (the library keeps what they read).
//
// # Building
//
// The package names no paths; the flags come from pkg-config or the
// environment:
//
//	CGO_CFLAGS="$(pkg-config --cflags avccdb)" CGO_LDFLAGS="$(pkg-config --libs avccdb)" go test
package avccdb
