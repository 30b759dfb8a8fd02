// batch_test.go: batches: records, count, append, atomic writes, and the
// serialized form exchanged with C both ways.
package avccdb

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"avccdb.dev/avccdb/internal/cbatch"
)

// describe renders records as cbatch.Describe does.
func describe(recs []BatchRecord) string {
	s := fmt.Sprintf("count %d\n", len(recs))
	for _, r := range recs {
		v := 0
		if r.Versioned {
			v = 1
		}
		if r.Delete {
			s += fmt.Sprintf("del %s %d %d\n", hex.EncodeToString(r.Key), r.Version, v)
		} else {
			s += fmt.Sprintf("put %s %s %d %d\n", hex.EncodeToString(r.Key), hex.EncodeToString(r.Value), r.Version, v)
		}
	}
	return s
}

// sameAsC builds in Go the batch cbatch.Build builds in C.
func sameAsC() *Batch {
	b := NewBatch()
	b.Put([]byte("k\x00a"), []byte("v\x00"))
	b.PutVersion([]byte("ver"), 7, nil)
	b.Delete([]byte("gone"))
	b.DeleteVersion([]byte("old\x00"), 3)
	b.Put(nil, []byte("empty-key"))
	return b
}

func TestBatchDumpedInGoLoadsInCAndBack(t *testing.T) {
	b := sameAsC()
	defer b.Release()
	wantRecs := []BatchRecord{
		{Key: []byte("k\x00a"), Value: []byte("v\x00")},
		{Key: []byte("ver"), Value: []byte{}, Version: 7, Versioned: true},
		{Delete: true, Key: []byte("gone")},
		{Delete: true, Key: []byte("old\x00"), Version: 3, Versioned: true},
		{Key: []byte{}, Value: []byte("empty-key")},
	}
	if got := b.Records(); !reflect.DeepEqual(got, wantRecs) || b.Len() != 5 {
		t.Fatalf("Records() = %+v (Len %d); want %+v", got, b.Len(), wantRecs)
	}
	// Go's bytes are exactly C's for the same records.
	goBytes, cBytes := b.Dump(), cbatch.Build()
	if !bytes.Equal(goBytes, cBytes) {
		t.Fatalf("Go dump %x\n   C dump %x", goBytes, cBytes)
	}
	// Go -> C: C reads back what Go wrote.
	text, err := cbatch.Describe(goBytes)
	check(t, err)
	if text != describe(wantRecs) {
		t.Fatalf("C read the Go batch as\n%s\nwant\n%s", text, describe(wantRecs))
	}
	// C -> Go: Go reads back what C wrote, and applies it.
	loaded := NewBatch()
	defer loaded.Release()
	check(t, loaded.Load(cBytes))
	if got := describe(loaded.Records()); got != describe(wantRecs) {
		t.Fatalf("Go read the C batch as\n%s", got)
	}
	db, _ := openTemp(t, nil)
	check(t, db.Put([]byte("gone"), []byte("x"), nil))
	check(t, db.PutVersion([]byte("old\x00"), 1, []byte("x"), nil))
	check(t, db.Write(loaded, nil))
	if v, err := db.Get([]byte("k\x00a"), nil); err != nil || string(v) != "v\x00" {
		t.Fatalf("Get(k\\0a) = %q, %v", v, err)
	}
	if v, ver, err := db.GetVersion([]byte("ver"), LatestVersion, nil); err != nil || ver != 7 || v == nil || len(v) != 0 {
		t.Fatalf("GetVersion(ver) = %q, %d, %v", v, ver, err)
	}
	if _, err := db.Get([]byte("gone"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(gone) err = %v", err)
	}
	if _, ver, err := db.GetVersion([]byte("old\x00"), 2, nil); err != nil || ver != 1 {
		t.Fatalf("old@2 = %d, %v; want version 1 (the delete is at 3)", ver, err)
	}
	if _, _, err := db.GetVersion([]byte("old\x00"), 3, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old@3 err = %v", err)
	}
	if v, err := db.Get(nil, nil); err != nil || string(v) != "empty-key" {
		t.Fatalf("Get(empty key) = %q, %v", v, err)
	}
}

func TestBatchAppendResetAndBadBytes(t *testing.T) {
	a := NewBatch()
	defer a.Release()
	a.Put([]byte("a"), []byte("1"))
	b := sameAsC()
	defer b.Release()
	a.Append(b)
	if a.Len() != 6 || string(a.Records()[1].Key) != "k\x00a" || b.Len() != 5 {
		t.Fatalf("after Append: Len %d, records %s, source Len %d", a.Len(), describe(a.Records()), b.Len())
	}
	a.Append(a)
	if a.Len() != 12 {
		t.Fatalf("self-append Len = %d; want 12", a.Len())
	}
	a.Reset()
	if a.Len() != 0 || len(a.Records()) != 0 {
		t.Fatalf("after Reset: Len %d", a.Len())
	}
	// Malformed bytes: ErrCorruption, batch left empty.
	bad := append(b.Dump(), 0xff, 0x01)
	err := a.Load(bad)
	if !errors.Is(err, ErrCorruption) || a.Len() != 0 {
		t.Fatalf("Load(malformed) err = %v, Len %d; want ErrCorruption and empty", err, a.Len())
	}
	if _, err := cbatch.Describe(bad); err == nil {
		t.Fatalf("C loaded the malformed bytes")
	}
	if err := a.Load(b.Dump()[:5]); !errors.Is(err, ErrCorruption) {
		t.Fatalf("Load(truncated) err = %v", err)
	}
	a.Release()
	if err := a.Load(b.Dump()); !errors.Is(err, ErrClosed) || a.Len() != 0 || a.Dump() != nil {
		t.Fatalf("released batch: Load err %v", err)
	}
}

// A batch is applied whole: a snapshot taken before sees none of it, the
// current state all of it.
func TestBatchIsAtomic(t *testing.T) {
	db, _ := openTemp(t, nil)
	check(t, db.Put([]byte("del"), []byte("x"), nil))
	snap := mustSnapshot(t, db)
	defer snap.Release()
	b := NewBatch()
	defer b.Release()
	for i := 0; i < 100; i++ {
		b.Put([]byte(fmt.Sprintf("b%03d", i)), []byte{byte(i)})
	}
	b.Delete([]byte("del"))
	check(t, db.Write(b, &WriteOptions{Sync: true}))
	for i := 0; i < 100; i++ {
		k := []byte(fmt.Sprintf("b%03d", i))
		if _, err := snap.Get(k, nil); !errors.Is(err, ErrNotFound) {
			t.Fatalf("snapshot sees %s: %v", k, err)
		}
		if v, err := db.Get(k, nil); err != nil || !bytes.Equal(v, []byte{byte(i)}) {
			t.Fatalf("Get(%s) = %v, %v", k, v, err)
		}
	}
	if _, err := snap.Get([]byte("del"), nil); err != nil {
		t.Fatalf("snapshot lost del: %v", err)
	}
	if _, err := db.Get([]byte("del"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("del still there: %v", err)
	}
}
