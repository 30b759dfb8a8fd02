// seeds_test.go: the seeds' workload scaled down (tests/common/mod.rs):
// 10,000 keys x 5 versions with the seeds' small-buffer options, so that
// the data crosses many tables and levels; every version must read back
// and iteration must be exact.
package avccdb

import (
	"bytes"
	"fmt"
	"testing"
)

// seedsOptions are seeds_options() of tests/common/mod.rs.
func seedsOptions() *Options {
	return &Options{WriteBufferSize: 256 << 10, CompactionTableSize: 512 << 10,
		CompactionTotalSize: 2 << 20, WriteL0SlowdownTrigger: 4, WriteL0PauseTrigger: 8,
		CompactionL0Trigger: 4, Compression: NoCompression}
}

func seedsKey(i int) []byte             { return []byte(fmt.Sprintf("seed-key-%07d", i)) }
func seedsValue(i int, v uint64) []byte { return []byte(fmt.Sprintf("v%d-of-%d", v, i)) }

func TestSeedsWorkloadScaledDown(t *testing.T) {
	keys, versions := 10000, uint64(5)
	if testing.Short() {
		keys = 1000
	}
	db, _ := openTemp(t, seedsOptions())
	// Version-major order, as the seeds write: each key's versions are
	// spread over the whole run (and so over tables and levels).
	for v := uint64(1); v <= versions; v++ {
		for i := 0; i < keys; i++ {
			check(t, db.PutVersion(seedsKey(i), v, seedsValue(i, v), nil))
		}
	}
	if n := mustInt(t, db, "memdb_compactions"); n == 0 {
		t.Fatalf("the workload never flushed a memdb: it does not exercise tables")
	}
	for i := 0; i < keys; i++ {
		k := seedsKey(i)
		for v := uint64(1); v <= versions; v++ {
			got, found, err := db.GetVersion(k, v, nil)
			if err != nil || found != v || !bytes.Equal(got, seedsValue(i, v)) {
				t.Fatalf("GetVersion(%s, %d) = %q @%d, %v", k, v, got, found, err)
			}
		}
		if i%97 == 0 { // histories of a sample of keys
			h, err := db.VersionHistory(k, 0, LatestVersion, nil)
			check(t, err)
			if len(h) != int(versions) {
				t.Fatalf("history of %s has %d versions", k, len(h))
			}
			for j, hv := range h {
				if want := versions - uint64(j); hv.Version != want || !bytes.Equal(hv.Value, seedsValue(i, want)) {
					t.Fatalf("history of %s[%d] = %d %q", k, j, hv.Version, hv.Value)
				}
			}
		}
	}
	// Newest versions: every key once, in order, at version 5.
	it := db.NewIterator(nil)
	i := 0
	for it.Next() {
		if !bytes.Equal(it.Key(), seedsKey(i)) || it.Version() != versions || !bytes.Equal(it.Value(), seedsValue(i, versions)) {
			t.Fatalf("record %d = %s@%d %q", i, it.Key(), it.Version(), it.Value())
		}
		i++
	}
	check(t, it.Error())
	it.Release()
	if i != keys {
		t.Fatalf("iteration saw %d keys; want %d", i, keys)
	}
	// Every version: key ascending, version descending within a key.
	it = db.NewIterator(&ReadOptions{AllVersions: true})
	defer it.Release()
	n := 0
	for it.Next() {
		i, v := n/int(versions), versions-uint64(n%int(versions))
		if !bytes.Equal(it.Key(), seedsKey(i)) || it.Version() != v || !bytes.Equal(it.Value(), seedsValue(i, v)) {
			t.Fatalf("all-versions record %d = %s@%d %q; want %s@%d", n, it.Key(), it.Version(), it.Value(), seedsKey(i), v)
		}
		n++
	}
	check(t, it.Error())
	if n != keys*int(versions) {
		t.Fatalf("all-versions iteration saw %d records; want %d", n, keys*int(versions))
	}
}
