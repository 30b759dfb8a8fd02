// db_test.go: plain reads and writes: a seeded model comparison, empty
// versus absent values, binary keys and values, write options.
package avccdb

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"
	"testing"
)

// A seeded random workload checked against a map, then against a full
// forward and backward scan, then again after reopening.
func TestRandomOpsMatchModel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db := open(t, dir)
	rng := rand.New(rand.NewSource(42))
	model := map[string][]byte{}
	for i := 0; i < 5000; i++ {
		k := []byte(fmt.Sprintf("k%04d", rng.Intn(1500)))
		if rng.Intn(4) == 0 {
			check(t, db.Delete(k, nil))
			delete(model, string(k))
			continue
		}
		v := make([]byte, rng.Intn(200))
		rng.Read(v)
		check(t, db.Put(k, v, nil))
		model[string(k)] = v
	}
	compare := func(db *DB, when string) {
		for i := 0; i < 1500; i++ {
			k := fmt.Sprintf("k%04d", i)
			got, err := db.Get([]byte(k), nil)
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
		it := db.NewIterator(nil)
		defer it.Release()
		i := 0
		for it.Next() {
			if i >= len(keys) || string(it.Key()) != keys[i] || !bytes.Equal(it.Value(), model[keys[i]]) {
				t.Fatalf("%s: forward scan position %d: got %q", when, i, it.Key())
			}
			i++
		}
		if i != len(keys) {
			t.Fatalf("%s: forward scan saw %d keys, want %d", when, i, len(keys))
		}
		for ok := it.Last(); ok; ok = it.Prev() {
			i--
			if string(it.Key()) != keys[i] {
				t.Fatalf("%s: backward scan position %d: got %q want %q", when, i, it.Key(), keys[i])
			}
		}
		if i != 0 {
			t.Fatalf("%s: backward scan stopped at %d", when, i)
		}
		check(t, it.Error())
	}
	compare(db, "before reopen")
	check(t, db.Close())
	db, err := Open(dir, nil)
	check(t, err)
	defer db.Close()
	compare(db, "after reopen")
}

func TestEmptyValueIsNotMissing(t *testing.T) {
	db, _ := openTemp(t, nil)
	check(t, db.Put([]byte("e"), nil, nil))
	v, err := db.Get([]byte("e"), nil)
	if err != nil || v == nil || len(v) != 0 {
		t.Fatalf("Get(empty value) = %#v, %v; want empty non-nil slice", v, err)
	}
	if ok, err := db.Has([]byte("e"), nil); !ok || err != nil {
		t.Fatalf("Has(empty value) = %v, %v", ok, err)
	}
	v, err = db.Get([]byte("absent"), nil)
	if !errors.Is(err, ErrNotFound) || v != nil {
		t.Fatalf("Get(absent) = %#v, %v; want nil, ErrNotFound", v, err)
	}
	if ok, err := db.Has([]byte("absent"), nil); ok || err != nil {
		t.Fatalf("Has(absent) = %v, %v", ok, err)
	}
	// The empty key is a key like any other.
	check(t, db.Put(nil, []byte("of empty key"), nil))
	if v, err := db.Get([]byte{}, nil); err != nil || string(v) != "of empty key" {
		t.Fatalf("Get(empty key) = %q, %v", v, err)
	}
}

// Keys and values with NUL bytes (leading, inner, trailing) go through
// every path whole: put, get, versions, batches, iteration, history.
func TestBinaryKeysAndValuesWithNUL(t *testing.T) {
	db, _ := openTemp(t, nil)
	keys := [][]byte{{0}, {0, 0}, {0, 1, 0, 255}, {'a', 0}, {'a', 0, 'b'}, {255, 0}}
	val := func(i int) []byte { return []byte{0, byte(i), 0, 'x', 0} }
	for i, k := range keys {
		check(t, db.Put(k, val(i), &WriteOptions{Sync: i%2 == 0}))
		check(t, db.PutVersion(k, 3, append(val(i), 3), nil))
	}
	b := NewBatch()
	defer b.Release()
	b.Put([]byte{'z', 0}, []byte{0})
	check(t, db.Write(b, nil))
	for i, k := range keys {
		if v, err := db.Get(k, nil); err != nil || !bytes.Equal(v, append(val(i), 3)) {
			t.Fatalf("Get(%q) = %q, %v", k, v, err)
		}
		if v, ver, err := db.GetVersion(k, 2, nil); err != nil || ver != 0 || !bytes.Equal(v, val(i)) {
			t.Fatalf("GetVersion(%q, 2) = %q, %d, %v", k, v, ver, err)
		}
	}
	want := append(append([][]byte{}, keys...), []byte{'z', 0})
	sort.Slice(want, func(i, j int) bool { return bytes.Compare(want[i], want[j]) < 0 })
	var got [][]byte
	db.All(nil)(func(k, v []byte) bool { got = append(got, k); return true })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("keys in order = %v; want %v", got, want)
	}
}

// Every combination of write options writes; NoSync on the database makes
// synced writes succeed too (without fsync, which is not observable here).
func TestWriteOptions(t *testing.T) {
	for _, dbo := range []Options{{}, {NoSync: true, NoWriteMerge: true}} {
		o := dbo
		db, _ := openTemp(t, &o)
		for i, wo := range []*WriteOptions{nil, {}, {Sync: true}, {NoWriteMerge: true}, {Sync: true, NoWriteMerge: true}} {
			k := []byte(fmt.Sprintf("k%d", i))
			check(t, db.Put(k, k, wo))
			if v, err := db.Get(k, nil); err != nil || !bytes.Equal(v, k) {
				t.Fatalf("%+v/%+v: Get = %q, %v", dbo, wo, v, err)
			}
			check(t, db.Delete(k, wo))
			if _, err := db.Get(k, nil); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%+v/%+v: after Delete: %v", dbo, wo, err)
			}
		}
	}
}

func TestReadOptionsBoundsAndChecksums(t *testing.T) {
	db, _ := openTemp(t, nil)
	for i := 0; i < 10; i++ {
		check(t, db.Put([]byte{byte('a' + i)}, []byte{byte(i)}, nil))
	}
	check(t, db.CompactRange(Range{})) // so that blocks are read from tables
	var got string
	ro := &ReadOptions{LowerBound: []byte("c"), UpperBound: []byte("f"), VerifyChecksums: true, DontFillCache: true}
	db.All(ro)(func(k, v []byte) bool { got += string(k); return true })
	if got != "cde" {
		t.Fatalf("keys in [c, f) = %q; want cde", got)
	}
	if v, err := db.Get([]byte("b"), ro); err != nil || !bytes.Equal(v, []byte{1}) {
		t.Fatalf("Get with read options = %v, %v", v, err)
	}
	it := db.NewIterator(&ReadOptions{UpperBound: []byte("c")})
	defer it.Release()
	got = ""
	for ok := it.Last(); ok; ok = it.Prev() {
		got += string(it.Key())
	}
	if got != "ba" {
		t.Fatalf("backward below c = %q; want ba", got)
	}
	if !it.Seek([]byte("b")) || string(it.Key()) != "b" || it.Seek([]byte("c")) {
		t.Fatalf("Seek within the upper bound misbehaves")
	}
}

func TestDestroyAndRepair(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db := open(t, dir)
	check(t, db.Put([]byte("k"), []byte("v"), nil))
	check(t, db.Close())
	check(t, RepairDB(dir, nil))
	db, err := Open(dir, nil)
	check(t, err)
	if v, err := db.Get([]byte("k"), nil); err != nil || string(v) != "v" {
		t.Fatalf("after repair Get = %q, %v", v, err)
	}
	check(t, db.Close())
	check(t, DestroyDB(dir, nil))
	if _, err := Open(dir, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Open after DestroyDB err = %v; want ErrInvalidArgument (missing)", err)
	}
	if major, _ := LibraryVersion(); major < 0 {
		t.Fatalf("LibraryVersion major = %d", major)
	}
}
