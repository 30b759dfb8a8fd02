// options_test.go: every Options field reaches avccdb_options_*, zero
// values keep the library's defaults, bad values fail Open.
package avccdb

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// everyOption sets every field to a valid value different from the
// library's default.
func everyOption() Options {
	return Options{
		CreateIfMissing: true, ParanoidChecks: true,
		WriteBufferSize: 256 << 10, WriteL0SlowdownTrigger: 5, WriteL0PauseTrigger: 9,
		CompactionL0Trigger: 3, CompactionTableSize: 512 << 10, CompactionTotalSize: 2 << 20,
		CompactionTotalSizeMultiplier: 4.5, BlockSize: 1024, BlockRestartInterval: 8,
		BlockCacheCapacity: 1 << 20, BloomBitsPerKey: 12, Compression: NoCompression,
		MaxOpenFiles: 64, NoWriteMerge: true, NoSync: true, DisableLargeBatchTransaction: true,
		DisableMerkleOnWrite: true,
	}
}

func TestOptionsReachTheLibrary(t *testing.T) {
	o := everyOption()
	got, err := o.Effective()
	check(t, err)
	if !reflect.DeepEqual(got, o) {
		t.Fatalf("Effective() =\n%+v\nwant\n%+v", got, o)
	}
	// The switches that turn things off, and the other compression.
	off := Options{DisableBlockCache: true, DisableBloomFilter: true, Compression: SnappyCompression}
	got, err = off.Effective()
	check(t, err)
	if got.BlockCacheCapacity != 0 || got.BloomBitsPerKey != 0 || got.Compression != SnappyCompression {
		t.Fatalf("Effective(off) = %+v", got)
	}
	// A database opens and works with every option set, and reopens.
	dir := filepath.Join(t.TempDir(), "db")
	db, err := Open(dir, &o)
	check(t, err)
	for i := 0; i < 2000; i++ {
		check(t, db.PutVersion([]byte(fmt.Sprintf("k%05d", i)), 1, make([]byte, 200), nil))
	}
	check(t, db.Close())
	db, err = Open(dir, &off)
	check(t, err)
	defer db.Close()
	if v, ver, err := db.GetVersion([]byte("k01999"), LatestVersion, nil); err != nil || ver != 1 || len(v) != 200 {
		t.Fatalf("after reopen GetVersion = %d bytes, version %d, %v", len(v), ver, err)
	}
}

// The zero Options and nil both mean the defaults documented on Options.
func TestZeroOptionsAreTheDefaults(t *testing.T) {
	var nilOpts *Options
	fromNil, err := nilOpts.Effective()
	check(t, err)
	fromZero, err := (&Options{}).Effective()
	check(t, err)
	want := Options{
		WriteBufferSize: 4 << 20, WriteL0SlowdownTrigger: 8, WriteL0PauseTrigger: 12,
		CompactionL0Trigger: 4, CompactionTableSize: 2 << 20, CompactionTotalSize: 10 << 20,
		CompactionTotalSizeMultiplier: 10, BlockSize: 4 << 10, BlockRestartInterval: 16,
		BlockCacheCapacity: 8 << 20, BloomBitsPerKey: 10, Compression: SnappyCompression,
		MaxOpenFiles: 500,
	}
	if !reflect.DeepEqual(fromNil, want) || !reflect.DeepEqual(fromZero, want) {
		t.Fatalf("defaults:\nnil  %+v\nzero %+v\nwant %+v (the documented defaults)", fromNil, fromZero, want)
	}
}

func TestBadOptionsFailOpen(t *testing.T) {
	cases := []struct {
		o    Options
		name string // what the message must mention
	}{
		{Options{WriteL0SlowdownTrigger: 10, WriteL0PauseTrigger: 9}, "pause"},
		{Options{WriteBufferSize: 100}, "write_buffer"},
		{Options{MaxOpenFiles: 5}, "max_open_files"},
		{Options{BlockSize: 100}, "block_size"},
		{Options{CompactionTotalSizeMultiplier: 0.5}, "multiplier"},
		{Options{BloomBitsPerKey: 5000}, "bloom"},
		{Options{WriteBufferSize: -1}, "WriteBufferSize"},
		{Options{Compression: 7}, "Compression"},
	}
	for _, c := range cases {
		o := c.o
		o.CreateIfMissing = true
		_, err := Open(filepath.Join(t.TempDir(), "db"), &o)
		var e *Error
		if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &e) || !strings.Contains(e.Message, c.name) {
			t.Errorf("Open(%+v) err = %v; want ErrInvalidArgument naming %q", c.o, err, c.name)
		}
	}
}
