// bench_test.go: the per-call cost of the Go binding: put and get from Go
// against the same loops in C (internal/cloop) on the same database.
//
//	go test -run '^$' -bench . -benchtime 40x
//
// Each benchmark iteration is one round of `roundCalls` calls from Go then
// the same from C, on fresh keys for puts. The machine is shared, so the
// figures reported are each side's fastest round (go-ns/op, c-ns/op) and
// their ratio: the least disturbed measurement of each.
// docs/PERFORMANCE.md ("Go binding overhead") records the figures.
package avccdb

import (
	"fmt"
	"testing"
	"time"
	"unsafe"

	"avccdb.dev/avccdb/internal/cloop"
)

const (
	benchValueSize = 100
	roundCalls     = 2000
	getKeys        = 20000 // keys the get benchmark reads from
)

// benchKey writes into k (16 bytes) the C loops' key "key%013d" for i, so
// both sides use the same keys; without fmt, whose cost is not the
// binding's.
func benchKey(k []byte, i int) []byte {
	copy(k, "key")
	for p := len(k) - 1; p >= 3; p-- {
		k[p] = byte('0' + i%10)
		i /= 10
	}
	return k
}

// report records the fastest round of each side.
func report(b *testing.B, goBest, cBest time.Duration) {
	g := float64(goBest.Nanoseconds()) / roundCalls
	c := float64(cBest.Nanoseconds()) / roundCalls
	b.ReportMetric(g, "go-ns/op")
	b.ReportMetric(c, "c-ns/op")
	b.ReportMetric(g/c, "go/c")
}

func minDur(a, b time.Duration) time.Duration {
	if a == 0 || b < a {
		return b
	}
	return a
}

func BenchmarkPut(b *testing.B) {
	db, _ := openTemp(b, &Options{})
	v := make([]byte, benchValueSize)
	k := make([]byte, 16)
	var goBest, cBest time.Duration
	next := 0
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for j := 0; j < roundCalls; j++ {
			if err := db.Put(benchKey(k, next+j), v, nil); err != nil {
				b.Fatal(err)
			}
		}
		goBest = minDur(goBest, time.Since(start))
		next += roundCalls
		start = time.Now()
		if err := cloop.Put(unsafe.Pointer(db.c), next, roundCalls, benchValueSize); err != nil {
			b.Fatal(err)
		}
		cBest = minDur(cBest, time.Since(start))
		next += roundCalls
	}
	report(b, goBest, cBest)
}

func BenchmarkGet(b *testing.B) {
	db, _ := openTemp(b, &Options{})
	if err := cloop.Put(unsafe.Pointer(db.c), 0, getKeys, benchValueSize); err != nil {
		b.Fatal(err)
	}
	k := make([]byte, 16)
	var goBest, cBest time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for j := 0; j < roundCalls; j++ {
			if _, err := db.Get(benchKey(k, j*7%getKeys), nil); err != nil {
				b.Fatal(err)
			}
		}
		goBest = minDur(goBest, time.Since(start))
		start = time.Now()
		if found := cloop.Get(unsafe.Pointer(db.c), roundCalls, getKeys); found != roundCalls {
			b.Fatalf("C found %d of %d", found, roundCalls)
		}
		cBest = minDur(cBest, time.Since(start))
	}
	report(b, goBest, cBest)
}

func TestBenchKeyIsTheCFormat(t *testing.T) {
	if got := string(benchKey(make([]byte, 16), 1234567)); got != fmt.Sprintf("key%013d", 1234567) {
		t.Fatalf("benchKey = %q", got)
	}
}
