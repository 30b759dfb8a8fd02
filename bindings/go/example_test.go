// example_test.go: runnable examples (go test runs them and checks their
// output); they appear in the package documentation.
package avccdb_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"avccdb.dev/avccdb"
)

// tempDB opens a new database in a fresh temporary directory and returns
// a function closing and deleting it.
func tempDB(o *avccdb.Options) (*avccdb.DB, func()) {
	dir, err := os.MkdirTemp("", "avccdb-example")
	if err != nil {
		log.Fatal(err)
	}
	if o == nil {
		o = &avccdb.Options{}
	}
	o.CreateIfMissing = true
	db, err := avccdb.Open(filepath.Join(dir, "db"), o)
	if err != nil {
		log.Fatal(err)
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }
}

func Example() {
	db, done := tempDB(nil)
	defer done()
	if err := db.Put([]byte("greeting"), []byte("hello"), nil); err != nil {
		log.Fatal(err)
	}
	v, err := db.Get([]byte("greeting"), nil)
	fmt.Printf("%s %v\n", v, err)
	_, err = db.Get([]byte("missing"), nil)
	fmt.Println(errors.Is(err, avccdb.ErrNotFound))
	// Output:
	// hello <nil>
	// true
}

func ExampleDB_GetVersion() {
	db, done := tempDB(nil)
	defer done()
	db.PutVersion([]byte("price"), 10, []byte("100"), nil)
	db.PutVersion([]byte("price"), 20, []byte("120"), nil)
	v, found, _ := db.GetVersion([]byte("price"), 15, nil) // as of version 15
	fmt.Printf("%s (version %d)\n", v, found)
	h, _ := db.VersionHistory([]byte("price"), 0, avccdb.LatestVersion, nil)
	for _, hv := range h {
		fmt.Printf("%d: %s\n", hv.Version, hv.Value)
	}
	// Output:
	// 100 (version 10)
	// 20: 120
	// 10: 100
}

func ExampleIterator() {
	db, done := tempDB(nil)
	defer done()
	for _, k := range []string{"b", "a", "c"} {
		db.Put([]byte(k), []byte(k+k), nil)
	}
	it := db.NewIterator(nil)
	defer it.Release()
	for it.Next() {
		fmt.Printf("%s=%s ", it.Key(), it.Value())
	}
	if err := it.Error(); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	// Output: a=aa b=bb c=cc
}

func ExampleDB_All() {
	db, done := tempDB(nil)
	defer done()
	db.Put([]byte("x"), []byte("1"), nil)
	db.Put([]byte("y"), []byte("2"), nil)
	// With Go 1.23 or later: for k, v := range db.All(nil) { ... }
	db.All(nil)(func(k, v []byte) bool {
		fmt.Printf("%s=%s\n", k, v)
		return true
	})
	// Output:
	// x=1
	// y=2
}

func ExampleBatch() {
	db, done := tempDB(nil)
	defer done()
	b := avccdb.NewBatch()
	defer b.Release()
	b.Put([]byte("a"), []byte("1"))
	b.PutVersion([]byte("a"), 5, []byte("5"))
	b.Delete([]byte("gone"))
	// The serialized form can be stored or sent, and loaded anywhere.
	data := b.Dump()
	c := avccdb.NewBatch()
	defer c.Release()
	if err := c.Load(data); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Len(), db.Write(c, &avccdb.WriteOptions{Sync: true}))
	v, _ := db.Get([]byte("a"), nil)
	fmt.Printf("%s\n", v)
	// Output:
	// 3 <nil>
	// 5
}

func ExampleDB_OpenTransaction() {
	db, done := tempDB(nil)
	defer done()
	tx, err := db.OpenTransaction()
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Discard() // a no-op after Commit
	tx.Put([]byte("from"), []byte("-10"))
	tx.Put([]byte("to"), []byte("+10"))
	if err := tx.Commit(); err != nil { // both writes appear together
		log.Fatal(err)
	}
	v, _ := db.Get([]byte("to"), nil)
	fmt.Printf("%s\n", v)
	// Output: +10
}

func ExampleDB_PropertyInt() {
	db, done := tempDB(nil)
	defer done()
	db.Put([]byte("k"), []byte("v"), nil)
	groups, _ := db.PropertyInt("write_groups")
	fmt.Println(groups > 0)
	_, err := db.PropertyInt("no_such_counter")
	fmt.Println(errors.Is(err, avccdb.ErrNotFound))
	// Output:
	// true
	// true
}

func ExampleVerifyGetProof() {
	db, done := tempDB(nil)
	defer done()
	db.PutVersion([]byte("acct"), 7, []byte("balance 42"), nil)
	snap, _ := db.NewSnapshot()
	defer snap.Release()
	root, _ := snap.MasterRoot() // publish root.String()
	p, _ := snap.GetWithProof([]byte("acct"), avccdb.LatestVersion)
	// Elsewhere, with only the root, the key and the proof bytes:
	v, found, version, err := avccdb.VerifyGetProof(root, []byte("acct"), avccdb.LatestVersion, p.Proof)
	fmt.Printf("%s %v %d %v\n", v, found, version, err)
	p.Proof[len(p.Proof)/2] ^= 1
	_, _, _, err = avccdb.VerifyGetProof(root, []byte("acct"), avccdb.LatestVersion, p.Proof)
	fmt.Println(errors.Is(err, avccdb.ErrInvalidProof))
	// Output:
	// balance 42 true 7 <nil>
	// true
}
