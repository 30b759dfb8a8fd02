// versions_test.go: version semantics: as-of reads, deletes at a version,
// history order and bounds, iterators reporting versions.
package avccdb

import (
	"errors"
	"fmt"
	"testing"
)

func histString(h []VersionedValue) string {
	s := ""
	for _, v := range h {
		s += fmt.Sprintf("%d=%s ", v.Version, v.Value)
	}
	return s
}

func TestVersionsAsOfReadsAndHistory(t *testing.T) {
	db, _ := openTemp(t, nil)
	k := []byte("acct")
	// Written out of order: versions are independent records.
	for _, v := range []uint64{20, 10, 40} {
		check(t, db.PutVersion(k, v, []byte(fmt.Sprintf("a%d", v)), nil))
	}
	check(t, db.DeleteVersion(k, 30, nil))
	cases := []struct {
		asOf  uint64
		found uint64 // 0: not found
	}{{5, 0}, {10, 10}, {15, 10}, {20, 20}, {29, 20}, {30, 0}, {39, 0}, {40, 40}, {LatestVersion, 40}}
	for _, c := range cases {
		v, ver, err := db.GetVersion(k, c.asOf, nil)
		if c.found == 0 {
			if !errors.Is(err, ErrNotFound) || v != nil || ver != 0 {
				t.Fatalf("GetVersion(%d) = %q, %d, %v; want ErrNotFound", c.asOf, v, ver, err)
			}
			continue
		}
		if err != nil || ver != c.found || string(v) != fmt.Sprintf("a%d", c.found) {
			t.Fatalf("GetVersion(%d) = %q, %d, %v; want a%d at %d", c.asOf, v, ver, err, c.found, c.found)
		}
	}
	// Get reads the newest version.
	if v, err := db.Get(k, nil); err != nil || string(v) != "a40" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	// History: newest first, the version deleted as of itself left out.
	h, err := db.VersionHistory(k, 0, LatestVersion, nil)
	check(t, err)
	if got := histString(h); got != "40=a40 20=a20 10=a10 " {
		t.Fatalf("history = %q", got)
	}
	h, err = db.VersionHistory(k, 11, 39, nil)
	check(t, err)
	if got := histString(h); got != "20=a20 " {
		t.Fatalf("history [11, 39] = %q", got)
	}
	if h, err := db.VersionHistory([]byte("never"), 0, LatestVersion, nil); err != nil || len(h) != 0 {
		t.Fatalf("history of an unwritten key = %v, %v", h, err)
	}
	if h, err := db.VersionHistory(k, 21, 20, nil); err != nil || len(h) != 0 {
		t.Fatalf("history with min > max = %q, %v; want empty", histString(h), err)
	}
	// A snapshot keeps reading the versions it saw.
	snap := mustSnapshot(t, db)
	defer snap.Release()
	check(t, db.PutVersion(k, 50, []byte("a50"), nil))
	if _, ver, err := snap.GetVersion(k, LatestVersion, nil); err != nil || ver != 40 {
		t.Fatalf("snapshot GetVersion = %d, %v; want 40", ver, err)
	}
	if h, err := snap.VersionHistory(k, 0, LatestVersion, nil); err != nil || len(h) != 3 {
		t.Fatalf("snapshot history = %q, %v", histString(h), err)
	}
	if _, ver, _ := db.GetVersion(k, LatestVersion, nil); ver != 50 {
		t.Fatalf("current GetVersion = %d; want 50", ver)
	}
}

func TestIteratorVersions(t *testing.T) {
	db, _ := openTemp(t, nil)
	for _, k := range []string{"a", "b"} {
		for v := uint64(1); v <= 3; v++ {
			check(t, db.PutVersion([]byte(k), v, []byte(fmt.Sprintf("%s%d", k, v)), nil))
		}
	}
	check(t, db.Put([]byte("c"), []byte("c0"), nil))
	walk := func(ro *ReadOptions) string {
		it := db.NewIterator(ro)
		defer it.Release()
		s := ""
		for it.Next() {
			s += fmt.Sprintf("%s@%d=%s ", it.Key(), it.Version(), it.Value())
		}
		check(t, it.Error())
		return s
	}
	if got := walk(nil); got != "a@3=a3 b@3=b3 c@0=c0 " {
		t.Fatalf("newest versions = %q", got)
	}
	if got := walk(&ReadOptions{AllVersions: true}); got != "a@3=a3 a@2=a2 a@1=a1 b@3=b3 b@2=b2 b@1=b1 c@0=c0 " {
		t.Fatalf("all versions = %q", got)
	}
	// Compacted into tables, the same answers.
	check(t, db.CompactRange(Range{}))
	if got := walk(&ReadOptions{AllVersions: true}); got != "a@3=a3 a@2=a2 a@1=a1 b@3=b3 b@2=b2 b@1=b1 c@0=c0 " {
		t.Fatalf("all versions after compaction = %q", got)
	}
}
