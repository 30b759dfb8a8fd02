// proof.go: Merkle proofs: MasterRoot, reads with proofs, and the
// verifiers that need no database.
//
// The state a DB or Snapshot reads is authenticated by one SHA-256 digest,
// its MasterRoot (docs/PROOF_FORMAT.md). GetWithProof and
// VersionHistoryWithProof return an answer with a proof of it against the
// root of the state read; VerifyGetProof and VerifyHistoryProof check such
// a proof with only the root, the query and the proof bytes.
//
// The current state's root moves with every write and also with background
// flushes and compactions, which change no answer: a proof verifies
// against the Root returned with it. To publish one root and serve proofs
// against it, take a Snapshot: its MasterRoot and the proofs read through
// it stay valid while it lives.
package avccdb

// #include "shim.h"
import "C"

import (
	"encoding/hex"
	"fmt"
	"unsafe"
)

// RootSize is the size in bytes of a MasterRoot (AVCCDB_ROOT_SIZE).
const RootSize = int(C.AVCCDB_ROOT_SIZE)

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

// ProvenValue is a read with its proof, from GetWithProof. When the key
// has a live value as of the version asked, Found is true, Value holds it
// (non-nil, possibly empty) and Version the version it was written at;
// otherwise Found is false, Value nil, Version 0, and the proof proves the
// absence. Root is the MasterRoot of the state read.
type ProvenValue struct {
	Value   []byte
	Found   bool
	Version uint64
	Proof   []byte
	Root    Root
}

// ProvenHistory is a version history with its proof that no version is
// missing, from VersionHistoryWithProof; Versions are newest first.
type ProvenHistory struct {
	Versions []VersionedValue
	Proof    []byte
	Root     Root
}

// MasterRoot returns the root of the state ro reads (nil: the current
// state, which moves: see above).
func (d *DB) MasterRoot(ro *ReadOptions) (Root, error) {
	var root Root
	c, err := d.acquire()
	if err != nil {
		return root, err
	}
	defer d.mu.RUnlock()
	cro, owned, err := d.readOptions(ro)
	if err != nil {
		return root, err
	}
	if owned {
		defer C.avccdb_readoptions_destroy(cro)
	}
	var e C.avccdb_go_err
	C.avccdb_go_master_root(c, cro, root.c(), &e)
	return root, takeError(&e)
}

// MasterRoot returns the root of the snapshot's state; it does not change
// while the snapshot lives.
func (s *Snapshot) MasterRoot() (Root, error) {
	var root Root
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.c == nil {
		return root, ErrClosed
	}
	c, err := s.db.acquire()
	if err != nil {
		return root, err
	}
	defer s.db.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_snapshot_master_root(c, s.c, root.c(), &e)
	return root, takeError(&e)
}

// GetWithProof reads the highest live version <= version of key
// (LatestVersion: the newest) with a proof of the answer, found or absent,
// against the returned ProvenValue.Root. Absence is an answer (Found
// false), not an error.
func (d *DB) GetWithProof(key []byte, version uint64, ro *ReadOptions) (ProvenValue, error) {
	var out ProvenValue
	c, err := d.acquire()
	if err != nil {
		return out, err
	}
	defer d.mu.RUnlock()
	cro, owned, err := d.readOptions(ro)
	if err != nil {
		return out, err
	}
	if owned {
		defer C.avccdb_readoptions_destroy(cro)
	}
	var e C.avccdb_go_err
	var proof *C.char
	var vlen, prooflen C.size_t
	var found C.uint64_t
	v := C.avccdb_go_get_with_proof(c, cro, ptr(key), clen(key), C.uint64_t(version),
		&vlen, &found, out.Root.c(), &proof, &prooflen, &e)
	if err := takeError(&e); err != nil {
		return ProvenValue{}, err
	}
	out.Proof = takeBytes(proof, prooflen)
	if v != nil {
		out.Value, out.Found, out.Version = takeBytes(v, vlen), true, uint64(found)
	}
	return out, nil
}

// GetWithProof is DB.GetWithProof as of the snapshot: the proof verifies
// against the snapshot's MasterRoot.
func (s *Snapshot) GetWithProof(key []byte, version uint64) (ProvenValue, error) {
	return s.db.GetWithProof(key, version, s.readOptions(nil))
}

// VersionHistoryWithProof returns every live version of key in [min, max],
// newest first, with a proof that none is missing. min > max is
// ErrInvalidArgument.
func (d *DB) VersionHistoryWithProof(key []byte, min, max uint64, ro *ReadOptions) (ProvenHistory, error) {
	var out ProvenHistory
	c, err := d.acquire()
	if err != nil {
		return out, err
	}
	defer d.mu.RUnlock()
	cro, owned, err := d.readOptions(ro)
	if err != nil {
		return out, err
	}
	if owned {
		defer C.avccdb_readoptions_destroy(cro)
	}
	var e C.avccdb_go_err
	var proof *C.char
	var prooflen C.size_t
	h := C.avccdb_go_history_with_proof(c, cro, ptr(key), clen(key), C.uint64_t(min),
		C.uint64_t(max), out.Root.c(), &proof, &prooflen, &e)
	if err := takeError(&e); err != nil {
		return ProvenHistory{}, err
	}
	out.Proof = takeBytes(proof, prooflen)
	out.Versions = takeHistory(h)
	return out, nil
}

// VersionHistoryWithProof is DB.VersionHistoryWithProof as of the
// snapshot.
func (s *Snapshot) VersionHistoryWithProof(key []byte, min, max uint64) (ProvenHistory, error) {
	return s.db.VersionHistoryWithProof(key, min, max, s.readOptions(nil))
}

// VerifyGetProof checks a proof from GetWithProof against root for the
// query (key, version) and returns what it proves: found with the value
// (non-nil, possibly empty) and its version, or not found (the key
// provably has no live value as of version). It needs no DB. A proof that
// does not hold is an error matching ErrInvalidProof; any bytes may be
// passed.
func VerifyGetProof(root Root, key []byte, version uint64,
	proof []byte) (value []byte, found bool, foundVersion uint64, err error) {
	var e C.avccdb_go_err
	var v *C.char
	var vlen C.size_t
	var fv C.uint64_t
	rc := C.avccdb_go_verify_get(root.c(), ptr(key), clen(key), C.uint64_t(version),
		ptr(proof), clen(proof), &v, &vlen, &fv, &e)
	if err := takeError(&e); err != nil {
		return nil, false, 0, err
	}
	if rc != C.AVCCDB_GET_FOUND {
		return nil, false, 0, nil
	}
	return takeBytes(v, vlen), true, uint64(fv), nil
}

// VerifyHistoryProof checks a proof from VersionHistoryWithProof against
// root for the query (key, [min, max]) and returns the history it proves
// complete, newest first (possibly empty). It needs no DB. A proof that
// does not hold matches ErrInvalidProof; min > max is ErrInvalidArgument.
func VerifyHistoryProof(root Root, key []byte, min, max uint64, proof []byte) ([]VersionedValue, error) {
	var e C.avccdb_go_err
	h := C.avccdb_go_verify_history(root.c(), ptr(key), clen(key), C.uint64_t(min),
		C.uint64_t(max), ptr(proof), clen(proof), &e)
	if err := takeError(&e); err != nil {
		return nil, err
	}
	return takeHistory(h), nil
}
