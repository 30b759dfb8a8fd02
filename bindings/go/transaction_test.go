// transaction_test.go: transactions: writes invisible until commit, then
// all visible at once; discard; batches in transactions; ended handles.
package avccdb

import (
	"errors"
	"fmt"
	"testing"
)

func TestTransactionVisibleAtomically(t *testing.T) {
	db, _ := openTemp(t, nil)
	check(t, db.Put([]byte("t-del"), []byte("x"), nil))
	check(t, db.PutVersion([]byte("t-ver"), 1, []byte("v1"), nil))
	tx, err := db.OpenTransaction()
	check(t, err)
	defer tx.Discard()
	const n = 500
	for i := 0; i < n; i++ {
		check(t, tx.Put([]byte(fmt.Sprintf("t%04d", i)), []byte(fmt.Sprintf("v%d", i))))
	}
	check(t, tx.Delete([]byte("t-del")))
	check(t, tx.PutVersion([]byte("t-ver"), 5, []byte("v5")))
	check(t, tx.DeleteVersion([]byte("t-ver"), 1))
	b := NewBatch()
	defer b.Release()
	b.Put([]byte("t-batch"), []byte("from batch"))
	check(t, tx.Write(b))
	// Readers (another goroutine, as a reader would be) see nothing yet.
	seen := make(chan int)
	go func() {
		count := 0
		for i := 0; i < n; i++ {
			if _, err := db.Get([]byte(fmt.Sprintf("t%04d", i)), nil); err == nil {
				count++
			}
		}
		if _, err := db.Get([]byte("t-batch"), nil); err == nil {
			count++
		}
		if _, err := db.Get([]byte("t-del"), nil); err != nil {
			count++
		}
		seen <- count
	}()
	if c := <-seen; c != 0 {
		t.Fatalf("%d transaction writes visible before commit", c)
	}
	snap := mustSnapshot(t, db)
	defer snap.Release()
	check(t, tx.Commit())
	for i := 0; i < n; i++ {
		k := []byte(fmt.Sprintf("t%04d", i))
		if v, err := db.Get(k, nil); err != nil || string(v) != fmt.Sprintf("v%d", i) {
			t.Fatalf("after commit Get(%s) = %q, %v", k, v, err)
		}
		if _, err := snap.Get(k, nil); !errors.Is(err, ErrNotFound) {
			t.Fatalf("snapshot before commit sees %s", k)
		}
	}
	if v, err := db.Get([]byte("t-batch"), nil); err != nil || string(v) != "from batch" {
		t.Fatalf("Get(t-batch) = %q, %v", v, err)
	}
	if _, err := db.Get([]byte("t-del"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("t-del still there: %v", err)
	}
	h, err := db.VersionHistory([]byte("t-ver"), 0, LatestVersion, nil)
	check(t, err)
	if got := histString(h); got != "5=v5 " {
		t.Fatalf("t-ver history = %q; want 5=v5 (1 deleted)", got)
	}
	// The transaction has ended.
	if err := tx.Put([]byte("late"), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Put after commit err = %v", err)
	}
	if err := tx.Commit(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Commit err = %v", err)
	}
	// Writes through the DB work again (the write lock was released).
	check(t, db.Put([]byte("after"), []byte("x"), nil))
}

func TestTransactionDiscard(t *testing.T) {
	db, _ := openTemp(t, nil)
	tx, err := db.OpenTransaction()
	check(t, err)
	check(t, tx.Put([]byte("k"), []byte("v")))
	tx.Discard()
	tx.Discard() // a no-op
	if _, err := db.Get([]byte("k"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("discarded write visible: %v", err)
	}
	if err := tx.Delete([]byte("k")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Delete after Discard err = %v", err)
	}
	b := NewBatch()
	defer b.Release()
	if err := tx.Write(b); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Discard err = %v", err)
	}
	check(t, db.Put([]byte("k"), []byte("after"), nil))
}

// Writers from other goroutines wait for an open transaction and then
// land after it.
func TestTransactionHoldsWriters(t *testing.T) {
	db, _ := openTemp(t, nil)
	tx, err := db.OpenTransaction()
	check(t, err)
	check(t, tx.Put([]byte("k"), []byte("tx")))
	done := make(chan error)
	go func() { done <- db.Put([]byte("k"), []byte("writer"), nil) }()
	check(t, tx.Commit())
	check(t, <-done)
	if v, err := db.Get([]byte("k"), nil); err != nil || string(v) != "writer" {
		t.Fatalf("Get = %q, %v; want the writer's value, written after the commit", v, err)
	}
}
