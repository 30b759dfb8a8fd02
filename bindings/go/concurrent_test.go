// concurrent_test.go: one DB used by many goroutines at once (writers,
// readers, batches, snapshots, iterators), and Close racing with calls.
// Run under -race by CTest.
package avccdb

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestConcurrentUseOfOneDB(t *testing.T) {
	db, _ := openTemp(t, nil)
	writers, perWriter := 6, 400
	if testing.Short() {
		perWriter = 100
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			b := NewBatch()
			defer b.Release()
			for i := 0; i < perWriter; i++ {
				k := []byte(fmt.Sprintf("w%d-%05d", w, i))
				var err error
				switch i % 3 {
				case 0:
					err = db.Put(k, k, nil)
				case 1:
					err = db.PutVersion(k, uint64(i), k, &WriteOptions{NoWriteMerge: w%2 == 0})
				default:
					b.Reset()
					b.Put(k, k)
					err = db.Write(b, nil)
				}
				if err != nil {
					fail(err)
					return
				}
				// A goroutine reads its own write at once.
				if v, err := db.Get(k, nil); err != nil || string(v) != string(k) {
					fail(fmt.Errorf("Get(%s) after its write = %q, %v", k, v, err))
					return
				}
			}
		}(w)
	}
	// Snapshot readers: a snapshot's view does not change while writers run.
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 5; round++ {
				s, err := db.NewSnapshot()
				if err != nil {
					fail(err)
					return
				}
				count := func() int {
					it := s.NewIterator(nil)
					defer it.Release()
					n := 0
					for it.Next() {
						n++
					}
					return n
				}
				if a, b := count(), count(); a != b {
					fail(fmt.Errorf("snapshot saw %d then %d records", a, b))
				}
				s.Release()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n := 0
	db.All(nil)(func(k, v []byte) bool { n++; return string(k) == string(v) })
	if n != writers*perWriter {
		t.Fatalf("iteration saw %d records; want %d", n, writers*perWriter)
	}
}

// Close waits for calls in progress; calls after it report ErrClosed and
// nothing else, from any goroutine.
func TestConcurrentClose(t *testing.T) {
	db, _ := openTemp(t, nil)
	check(t, db.Put([]byte("k"), []byte("v"), nil))
	var wg sync.WaitGroup
	started := make(chan struct{}, 4)
	bad := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				var err error
				if g%2 == 0 {
					_, err = db.Get([]byte("k"), nil)
				} else {
					err = db.Put([]byte(fmt.Sprintf("g%d-%d", g, i)), []byte("v"), nil)
				}
				if i == 0 {
					started <- struct{}{}
				}
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					bad <- err
					return
				}
			}
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-started
	}
	check(t, db.Close())
	wg.Wait()
	close(bad)
	for err := range bad {
		t.Fatalf("a call racing Close failed with %v; want ErrClosed", err)
	}
}
