//go:build go1.23

// range_go123_test.go: the sequences of seq.go in Go 1.23 range-over-func
// loops. Compiled only by Go >= 1.23 (the build tag); older Go runs the
// same sequences through explicit yield calls in the other tests.
package avccdb

import "testing"

func TestRangeOverFunc(t *testing.T) {
	db, _ := openTemp(t, nil)
	for _, k := range []string{"b", "a", "c"} {
		check(t, db.Put([]byte(k), []byte(k+k), nil))
	}
	got := ""
	for k, v := range db.All(nil) {
		got += string(k) + "=" + string(v) + " "
	}
	if got != "a=aa b=bb c=cc " {
		t.Fatalf("range db.All = %q", got)
	}
	it := db.NewIterator(nil)
	defer it.Release()
	got = ""
	for k := range it.All() {
		got += string(k)
		if string(k) == "b" {
			break // stops the sequence
		}
	}
	check(t, it.Error())
	if got != "ab" {
		t.Fatalf("range it.All with break = %q", got)
	}
}
