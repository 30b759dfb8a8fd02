package avccdb

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"
	"sync"
	"testing"
)

func open(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(dir, Options{CreateIfMissing: true, WriteBufferSize: 64 << 10})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return db
}

// A seeded random workload checked against a map, then against a full
// forward and backward scan, then again after reopening.
func TestRandomOpsMatchModel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db := open(t, dir)
	rng := rand.New(rand.NewSource(42))
	model := map[string][]byte{}
	for i := 0; i < 5000; i++ {
		k := []byte(fmt.Sprintf("k%04d", rng.Intn(1500)))
		switch rng.Intn(4) {
		case 0:
			if err := db.Delete(k, false); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			delete(model, string(k))
		default:
			v := make([]byte, rng.Intn(200))
			rng.Read(v)
			if err := db.Put(k, v, false); err != nil {
				t.Fatalf("Put: %v", err)
			}
			model[string(k)] = v
		}
	}
	check := func(db *DB, when string) {
		for i := 0; i < 1500; i++ {
			k := fmt.Sprintf("k%04d", i)
			got, err := db.Get([]byte(k))
			want, ok := model[k]
			if !ok {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("%s: Get(%s) = %q, %v; want ErrNotFound", when, k, got, err)
				}
				continue
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s: Get(%s) = %q, %v; want %q", when, k, got, err, want)
			}
		}
		keys := make([]string, 0, len(model))
		for k := range model {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		it := db.NewIterator()
		defer it.Release()
		i := 0
		for it.SeekToFirst(); it.Valid(); it.Next() {
			if i >= len(keys) || string(it.Key()) != keys[i] || !bytes.Equal(it.Value(), model[keys[i]]) {
				t.Fatalf("%s: forward scan position %d: got %q", when, i, it.Key())
			}
			i++
		}
		if i != len(keys) {
			t.Fatalf("%s: forward scan saw %d keys, want %d", when, i, len(keys))
		}
		for it.SeekToLast(); it.Valid(); it.Prev() {
			i--
			if string(it.Key()) != keys[i] {
				t.Fatalf("%s: backward scan position %d: got %q want %q", when, i, it.Key(), keys[i])
			}
		}
		if i != 0 {
			t.Fatalf("%s: backward scan stopped at %d", when, i)
		}
		if err := it.Err(); err != nil {
			t.Fatalf("%s: iterator error: %v", when, err)
		}
	}
	check(db, "before reopen")
	db.Close()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	check(db, "after reopen")
}

func TestEmptyValueIsNotMissingAndBytesAreBinary(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db"))
	defer db.Close()
	if err := db.Put([]byte("e"), nil, false); err != nil {
		t.Fatal(err)
	}
	v, err := db.Get([]byte("e"))
	if err != nil || v == nil || len(v) != 0 {
		t.Fatalf("Get(empty value) = %v, %v; want empty non-nil slice", v, err)
	}
	k, val := []byte{0, 1, 0, 255}, []byte{0, 0, 7, 0}
	if err := db.Put(k, val, true); err != nil {
		t.Fatal(err)
	}
	if v, err := db.Get(k); err != nil || !bytes.Equal(v, val) {
		t.Fatalf("binary Get = %v, %v", v, err)
	}
	if _, err := db.Get([]byte("absent")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(absent) err = %v, want ErrNotFound", err)
	}
}

func TestBatchIsAtomicAndSnapshotIsolated(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db"))
	defer db.Close()
	for _, k := range []string{"a", "b", "c"} {
		if err := db.Put([]byte(k), []byte("old-"+k), false); err != nil {
			t.Fatal(err)
		}
	}
	snap := db.NewSnapshot()
	defer snap.Release()

	b := NewBatch()
	defer b.Release()
	b.Put([]byte("a"), []byte("new-a"))
	b.Delete([]byte("b"))
	b.Put([]byte("d"), []byte("new-d"))
	if err := db.Write(b, true); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "new-a", "c": "old-c", "d": "new-d"}
	for k, w := range want {
		if v, err := db.Get([]byte(k)); err != nil || string(v) != w {
			t.Fatalf("after batch Get(%s) = %q, %v; want %q", k, v, err, w)
		}
	}
	if _, err := db.Get([]byte("b")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("b should be deleted, err = %v", err)
	}
	// The snapshot sees none of the batch.
	var seen []string
	it := snap.NewIterator()
	for it.SeekToFirst(); it.Valid(); it.Next() {
		seen = append(seen, string(it.Key())+"="+string(it.Value()))
	}
	it.Release()
	if got := fmt.Sprint(seen); got != "[a=old-a b=old-b c=old-c]" {
		t.Fatalf("snapshot scan = %s", got)
	}
	if v, err := snap.Get([]byte("b")); err != nil || string(v) != "old-b" {
		t.Fatalf("snapshot Get(b) = %q, %v", v, err)
	}
	// A cleared batch writes nothing.
	b.Clear()
	b.Put([]byte("x"), []byte("y"))
	b.Clear()
	if err := db.Write(b, false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Get([]byte("x")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cleared batch wrote x: %v", err)
	}
}

// Concurrent writers from many goroutines (and so many OS threads).
func TestConcurrentWriters(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db"))
	defer db.Close()
	const writers, each = 8, 400
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				k := fmt.Sprintf("w%d-%04d", w, i)
				if err := db.Put([]byte(k), []byte(k), false); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Put: %v", err)
	}
	n := 0
	it := db.NewIterator()
	defer it.Release()
	for it.SeekToFirst(); it.Valid(); it.Next() {
		if !bytes.Equal(it.Key(), it.Value()) {
			t.Fatalf("key %q has value %q", it.Key(), it.Value())
		}
		n++
	}
	if n != writers*each {
		t.Fatalf("found %d keys, want %d", n, writers*each)
	}
	if s, ok := db.Property("leveldb.stats"); !ok || s == "" {
		t.Fatalf("leveldb.stats property missing")
	}
	if _, ok := db.Property("no.such.property"); ok {
		t.Fatalf("unknown property reported as present")
	}
}

func TestErrorsCarryCodes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	_, err := Open(dir, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Code == 0 || e.Message == "" {
		t.Fatalf("Open(missing) err = %v; want *Error with a code", err)
	}
	db := open(t, dir)
	_, err = Open(dir, Options{})
	if !errors.As(err, &e) || e.Code != CodeBusy {
		t.Fatalf("second Open err = %v; want code %d (busy)", err, CodeBusy)
	}
	db.Close()
	_, err = Open(dir, Options{CreateIfMissing: true, ErrorIfExists: true})
	if err == nil {
		t.Fatalf("Open with ErrorIfExists on an existing database succeeded")
	}
	if err := db.Put([]byte("k"), []byte("v"), false); !errors.Is(err, ErrClosed) {
		t.Fatalf("Put after Close err = %v; want ErrClosed", err)
	}
	db.Close() // idempotent
}
