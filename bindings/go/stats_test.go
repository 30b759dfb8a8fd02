// stats_test.go: statistics and maintenance: every counter by name,
// properties, stats text, sizes, manual compaction, compaction pauses.
package avccdb

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func fill(t testing.TB, db *DB, prefix string, n, size int) {
	t.Helper()
	v := make([]byte, size)
	for i := 0; i < n; i++ {
		check(t, db.Put([]byte(fmt.Sprintf("%s%06d", prefix, i)), v, nil))
	}
}

func mustInt(t testing.TB, db *DB, name string) uint64 {
	t.Helper()
	v, err := db.PropertyInt(name)
	if err != nil {
		t.Fatalf("PropertyInt(%q): %v", name, err)
	}
	return v
}

func TestEveryCounterByName(t *testing.T) {
	db, _ := openTemp(t, &Options{WriteBufferSize: 64 << 10, Compression: NoCompression})
	names := StatsCounterNames()
	for _, want := range []string{"writes_merged", "write_groups", "io_write", "memdb_compactions", "alive_snapshots", "level0.tables"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Fatalf("StatsCounterNames() = %v lacks %q", names, want)
		}
	}
	before := map[string]uint64{}
	for _, n := range names {
		before[n] = mustInt(t, db, n)
		// The prefixed names answer the same counter.
		for _, p := range []string{"avccdb.", "leveldb."} {
			if _, err := db.PropertyInt(p + n); err != nil {
				t.Fatalf("PropertyInt(%q): %v", p+n, err)
			}
		}
	}
	snap := mustSnapshot(t, db)
	defer snap.Release()
	fill(t, db, "s", 2000, 100) // 200 KB: several memdb flushes
	check(t, db.CompactRange(Range{}))
	after := func(n string) uint64 { return mustInt(t, db, n) }
	if after("write_groups") <= before["write_groups"] || after("io_write") < 200_000 ||
		after("memdb_compactions") == 0 || after("alive_snapshots") != 1 {
		t.Fatalf("counters after 2000 writes, a compaction and a snapshot: write_groups %d, io_write %d, memdb_compactions %d, alive_snapshots %d",
			after("write_groups"), after("io_write"), after("memdb_compactions"), after("alive_snapshots"))
	}
	if n := mustInt(t, db, "avccdb.num-files-at-level0"); n != 0 {
		t.Fatalf("level-0 tables after a full compaction: %d", n)
	}
	if mustInt(t, db, "avccdb.approximate-memory-usage") == 0 {
		t.Fatalf("approximate-memory-usage is 0")
	}
	_, err := db.PropertyInt("no_such_counter")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("PropertyInt(unknown) err = %v; want ErrNotFound", err)
	}
	if _, err := db.Property("avccdb.no-such"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Property(unknown) err = %v; want ErrNotFound", err)
	}
	stats, err := db.Stats()
	check(t, err)
	if !strings.Contains(stats, "Level") && !strings.Contains(stats, "level") {
		t.Fatalf("stats text has no level table:\n%s", stats)
	}
	if s, err := db.Property("avccdb.num-files-at-level0"); err != nil || s != "0" {
		t.Fatalf("integer property as text = %q, %v", s, err)
	}
	if s, err := db.Property("avccdb.background-error"); err != nil || s != "" {
		t.Fatalf("background-error of a healthy database = %q, %v", s, err)
	}
}

func TestSizeOfAndCompactLevel(t *testing.T) {
	db, _ := openTemp(t, &Options{WriteBufferSize: 64 << 10, Compression: NoCompression})
	fill(t, db, "a", 1000, 200)
	fill(t, db, "b", 1000, 200)
	check(t, db.CompactRange(Range{Start: []byte("a"), Limit: []byte("c")}))
	sizes, err := db.SizeOf([]Range{{Start: []byte("a"), Limit: []byte("b")},
		{Start: []byte("b"), Limit: []byte("c")}, {Start: []byte("x"), Limit: []byte("z")},
		{Start: []byte("a"), Limit: []byte("c")}})
	check(t, err)
	// Each half holds 1000 values of 200 bytes, uncompressed.
	for i := 0; i < 2; i++ {
		if sizes[i] < 150_000 || sizes[i] > 400_000 {
			t.Fatalf("SizeOf half %d = %d; want about 200 KB", i, sizes[i])
		}
	}
	if sizes[2] != 0 || sizes[3] < sizes[0]+sizes[1]-8192 {
		t.Fatalf("SizeOf = %v; want 0 for an empty range and the sum for the whole", sizes)
	}
	if s, err := db.SizeOf(nil); err != nil || len(s) != 0 {
		t.Fatalf("SizeOf(nil) = %v, %v", s, err)
	}
	if err := db.CompactLevel(1, Range{}); err != nil {
		t.Fatalf("CompactLevel(1): %v", err)
	}
	if err := db.CompactLevel(99, Range{}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("CompactLevel(99) err = %v; want ErrInvalidArgument", err)
	}
}

// While compactions are paused, level-0 tables pile up past the
// compaction trigger and no level-0 compaction runs; after Resume a
// manual compaction empties level 0.
func TestPauseCompactions(t *testing.T) {
	db, _ := openTemp(t, &Options{WriteBufferSize: 64 << 10, CompactionL0Trigger: 2,
		WriteL0SlowdownTrigger: 20, WriteL0PauseTrigger: 30, Compression: NoCompression})
	p, err := db.PauseCompactions()
	check(t, err)
	for i := 0; mustInt(t, db, "avccdb.num-files-at-level0") < 4; i++ {
		if i == 50 {
			t.Fatalf("level 0 holds %d tables after 50 x 100 KB", mustInt(t, db, "avccdb.num-files-at-level0"))
		}
		fill(t, db, fmt.Sprintf("p%02d-", i), 500, 200)
	}
	if c := mustInt(t, db, "level0_compactions"); c != 0 {
		t.Fatalf("%d level-0 compactions while paused", c)
	}
	p.Resume()
	p.Resume() // a no-op
	check(t, db.CompactRange(Range{}))
	if n := mustInt(t, db, "avccdb.num-files-at-level0"); n != 0 {
		t.Fatalf("level 0 after resume and compaction: %d tables", n)
	}
}
