// helpers_test.go: helpers shared by the tests: opening a scratch
// database, failing on errors.
package avccdb

import (
	"path/filepath"
	"testing"
)

// open creates a fresh database under t's temporary directory with a
// small write buffer (so tables and compactions happen in small tests)
// and closes it at the end of the test.
func open(t testing.TB, dir string) *DB {
	t.Helper()
	db, err := Open(dir, &Options{CreateIfMissing: true, WriteBufferSize: 64 << 10})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return db
}

// openTemp opens a new database in a temporary directory, closed at the
// end of the test.
func openTemp(t testing.TB, o *Options) (*DB, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	if o == nil {
		o = &Options{WriteBufferSize: 64 << 10}
	}
	o.CreateIfMissing = true
	db, err := Open(dir, o)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, dir
}

func mustSnapshot(t testing.TB, db *DB) *Snapshot {
	t.Helper()
	s, err := db.NewSnapshot()
	if err != nil {
		t.Fatalf("NewSnapshot: %v", err)
	}
	return s
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
