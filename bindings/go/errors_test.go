// errors_test.go: each failure has its kind, matched by errors.Is with
// the sentinels and readable with errors.As; use after Close is
// ErrClosed everywhere.
package avccdb

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isOnly checks err matches want and no other sentinel.
func isOnly(t *testing.T, what string, err, want error) {
	t.Helper()
	all := []error{ErrNotFound, ErrCorruption, ErrIO, ErrBusy, ErrClosed, ErrInvalidArgument,
		ErrNotSupported, ErrInvalidProof}
	for _, s := range all {
		if errors.Is(err, s) != (s == want) {
			t.Fatalf("%s: err = %v; errors.Is(err, %v) = %v, want it only for %v", what, err, s, errors.Is(err, s), want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	// Missing database without CreateIfMissing.
	_, err := Open(dir, nil)
	isOnly(t, "open missing", err, ErrInvalidArgument)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindInvalidArgument || !strings.HasPrefix(e.Message, "Invalid argument") {
		t.Fatalf("errors.As: %#v", e)
	}
	db := open(t, dir)
	// Held by this handle: Busy.
	_, err = Open(dir, nil)
	isOnly(t, "second open", err, ErrBusy)
	// Exists with ErrorIfExists.
	check(t, db.Close())
	_, err = Open(dir, &Options{ErrorIfExists: true})
	isOnly(t, "error if exists", err, ErrInvalidArgument)
	// The OS refuses: a database path under a regular file.
	file := filepath.Join(t.TempDir(), "file")
	check(t, os.WriteFile(file, []byte("x"), 0o644))
	_, err = Open(filepath.Join(file, "db"), &Options{CreateIfMissing: true})
	isOnly(t, "open under a file", err, ErrIO)
	// Malformed batch bytes.
	b := NewBatch()
	defer b.Release()
	isOnly(t, "load garbage", b.Load([]byte("garbage bytes here")), ErrCorruption)
	// A proof that does not hold.
	_, _, _, err = VerifyGetProof(Root{}, []byte("k"), LatestVersion, []byte("not a proof"))
	isOnly(t, "bad proof", err, ErrInvalidProof)
	if KindBusy.String() != "busy" || Kind(99).String() != "kind 99" || ErrNotFound.Error() != "avccdb: not found" {
		t.Fatalf("kind names: %q %q %q", KindBusy, Kind(99), ErrNotFound)
	}
}

// After Close every call reports ErrClosed (none crashes); iterators and
// snapshots made before keep reading.
func TestUseAfterClose(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db"))
	check(t, db.Put([]byte("k"), []byte("v"), nil))
	it := db.NewIterator(nil)
	defer it.Release()
	snap := mustSnapshot(t, db)
	check(t, db.Close())
	isOnly(t, "second Close", db.Close(), ErrClosed)
	_, err := db.Get([]byte("k"), nil)
	isOnly(t, "Get", err, ErrClosed)
	isOnly(t, "Put", db.Put([]byte("k"), nil, nil), ErrClosed)
	isOnly(t, "Delete", db.Delete([]byte("k"), nil), ErrClosed)
	isOnly(t, "PutVersion", db.PutVersion([]byte("k"), 1, nil, nil), ErrClosed)
	isOnly(t, "DeleteVersion", db.DeleteVersion([]byte("k"), 1, nil), ErrClosed)
	_, _, err = db.GetVersion([]byte("k"), 1, nil)
	isOnly(t, "GetVersion", err, ErrClosed)
	_, err = db.VersionHistory([]byte("k"), 0, 1, nil)
	isOnly(t, "VersionHistory", err, ErrClosed)
	b := NewBatch()
	defer b.Release()
	isOnly(t, "Write", db.Write(b, nil), ErrClosed)
	_, err = db.OpenTransaction()
	isOnly(t, "OpenTransaction", err, ErrClosed)
	_, err = db.NewSnapshot()
	isOnly(t, "NewSnapshot", err, ErrClosed)
	isOnly(t, "NewIterator", db.NewIterator(nil).Error(), ErrClosed)
	_, err = db.PropertyInt("io_write")
	isOnly(t, "PropertyInt", err, ErrClosed)
	_, err = db.Property("avccdb.stats")
	isOnly(t, "Property", err, ErrClosed)
	_, err = db.SizeOf([]Range{{}})
	isOnly(t, "SizeOf", err, ErrClosed)
	isOnly(t, "CompactRange", db.CompactRange(Range{}), ErrClosed)
	_, err = db.PauseCompactions()
	isOnly(t, "PauseCompactions", err, ErrClosed)
	_, err = db.CheckIntegrity()
	isOnly(t, "CheckIntegrity", err, ErrClosed)
	// The iterator made before Close still reads.
	if !it.Next() || string(it.Key()) != "k" || string(it.Value()) != "v" {
		t.Fatalf("iterator after Close: valid %v key %q", it.Valid(), it.Key())
	}
	snap.Release() // allowed after Close
	it.Release()
	isOnly(t, "released iterator", it.Error(), ErrClosed)
	if it.Next() || it.Key() != nil {
		t.Fatalf("released iterator moves")
	}
}
