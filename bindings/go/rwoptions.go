// rwoptions.go: ReadOptions and WriteOptions, per-call settings, and their
// C forms.
package avccdb

// #include "shim.h"
import "C"

// ReadOptions are the settings of one read or iterator; nil means the
// defaults (the current state, checksums per the database, cache filled).
type ReadOptions struct {
	// Snapshot reads as of the snapshot instead of the current state.
	Snapshot *Snapshot
	// VerifyChecksums verifies the checksum of every block read.
	VerifyChecksums bool
	// DontFillCache keeps blocks read from being added to the block cache
	// (for bulk scans).
	DontFillCache bool
	// LowerBound and UpperBound limit iterators to [LowerBound, UpperBound);
	// nil means unbounded (an empty non-nil LowerBound is the empty key).
	LowerBound, UpperBound []byte
	// AllVersions makes iterators yield every version of each key, newest
	// first within a key, instead of only the newest.
	AllVersions bool
}

// cReadOptions builds C read options; the caller destroys them. A released
// snapshot is ErrClosed.
func (ro *ReadOptions) cReadOptions() (*C.avccdb_readoptions_t, error) {
	var snap *C.avccdb_snapshot_t
	if ro.Snapshot != nil {
		ro.Snapshot.mu.RLock()
		defer ro.Snapshot.mu.RUnlock()
		if ro.Snapshot.c == nil {
			return nil, ErrClosed
		}
		snap = ro.Snapshot.c
	}
	return C.avccdb_go_readoptions(cint(ro.VerifyChecksums), cint(!ro.DontFillCache), snap,
		ptr(ro.LowerBound), clen(ro.LowerBound), cint(ro.LowerBound != nil),
		ptr(ro.UpperBound), clen(ro.UpperBound), cint(ro.UpperBound != nil),
		cint(ro.AllVersions)), nil
}

// WriteOptions are the settings of one write; nil means the defaults (no
// sync, merging allowed).
type WriteOptions struct {
	// Sync flushes the journal to disk before the write returns.
	Sync bool
	// NoWriteMerge keeps this write out of groups with concurrent writes.
	NoWriteMerge bool
}
