// options.go: Options, the settings of Open, and their translation into
// avccdb_options_t.
package avccdb

// #include "shim.h"
import "C"

// Compression selects the block compression of new tables.
type Compression int

const (
	// DefaultCompression keeps the library's default (Snappy).
	DefaultCompression Compression = iota
	// NoCompression stores blocks as they are.
	NoCompression
	// SnappyCompression compresses blocks with Snappy.
	SnappyCompression
)

// Options says how Open behaves. The zero value (and a nil *Options) opens
// an existing database with the library's defaults: every zero field means
// "the default", given in brackets. Settings that default to on are
// spelled as Disable* or Dont* so that false keeps them on. Sizes are
// bytes. Out-of-range values make Open fail with ErrInvalidArgument and a
// message naming the setting.
type Options struct {
	// CreateIfMissing creates the database if it does not exist [false].
	CreateIfMissing bool
	// ErrorIfExists fails if the database exists [false].
	ErrorIfExists bool
	// ParanoidChecks checks data aggressively, failing on any damage [false].
	ParanoidChecks bool

	// WriteBufferSize is the memdb size at which it is written to a level-0
	// table, also the batch size above which a write goes through a
	// transaction [4 MiB; 4 KiB to 1 GiB].
	WriteBufferSize int
	// WriteL0SlowdownTrigger is the level-0 table count at which each write
	// is delayed by 1 ms [8].
	WriteL0SlowdownTrigger int
	// WriteL0PauseTrigger is the level-0 table count at which writes wait for
	// compaction [12; at least the slowdown and the compaction triggers].
	WriteL0PauseTrigger int
	// CompactionL0Trigger is the level-0 table count that starts a level-0
	// compaction [4].
	CompactionL0Trigger int
	// CompactionTableSize is the target size of a table written by
	// compaction (LevelDB's max_file_size) [2 MiB; at least 1 KiB].
	CompactionTableSize uint64
	// CompactionTotalSize is the target size of level 1 [10 MiB].
	CompactionTotalSize uint64
	// CompactionTotalSizeMultiplier is the growth of the target size per
	// level beyond 1 [10; finite, at least 1].
	CompactionTotalSizeMultiplier float64

	// BlockSize is the uncompressed size of a table data block [4 KiB;
	// 256 B to 64 MiB].
	BlockSize int
	// BlockRestartInterval is the number of keys between restart points in
	// a block [16].
	BlockRestartInterval int
	// BlockCacheCapacity is the size of the private block cache [8 MiB].
	BlockCacheCapacity int
	// DisableBlockCache turns block caching off [false].
	DisableBlockCache bool
	// BloomBitsPerKey sets the bits per key of the bloom filter [10; at
	// most 1000].
	BloomBitsPerKey int
	// DisableBloomFilter turns the bloom filter off [false].
	DisableBloomFilter bool
	// Compression is the block compression [DefaultCompression: Snappy].
	Compression Compression
	// MaxOpenFiles is the number of table files kept open [500; at least 20].
	MaxOpenFiles int

	// NoWriteMerge never merges concurrent writes into one group [false].
	NoWriteMerge bool
	// NoSync never fsyncs the journal, even for writes with Sync [false].
	NoSync bool
	// DisableLargeBatchTransaction writes batches larger than the write
	// buffer through the journal like any other instead of as a
	// transaction [false].
	DisableLargeBatchTransaction bool
	// DisableMerkleOnWrite defers hashing each table into its Merkle tree
	// until a root or proof first needs it (one full read of the table)
	// instead of as it is written [false]. Roots and proofs are the same.
	DisableMerkleOnWrite bool
}

// cOptions builds the C options; the caller destroys them. Values the C
// setters cannot represent (negative sizes) are refused here.
func (o *Options) cOptions() (*C.avccdb_options_t, error) {
	if o == nil {
		o = &Options{}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"WriteBufferSize", o.WriteBufferSize}, {"BlockSize", o.BlockSize},
		{"BlockCacheCapacity", o.BlockCacheCapacity}, {"BloomBitsPerKey", o.BloomBitsPerKey},
		{"MaxOpenFiles", o.MaxOpenFiles}, {"BlockRestartInterval", o.BlockRestartInterval},
		{"WriteL0SlowdownTrigger", o.WriteL0SlowdownTrigger},
		{"WriteL0PauseTrigger", o.WriteL0PauseTrigger},
		{"CompactionL0Trigger", o.CompactionL0Trigger}} {
		if f.v < 0 {
			return nil, invalidArgument("Options.%s = %d is negative", f.name, f.v)
		}
	}
	c := C.avccdb_options_create()
	C.avccdb_options_set_create_if_missing(c, cbool(o.CreateIfMissing))
	C.avccdb_options_set_error_if_exists(c, cbool(o.ErrorIfExists))
	C.avccdb_options_set_paranoid_checks(c, cbool(o.ParanoidChecks))
	if o.WriteBufferSize > 0 {
		C.avccdb_options_set_write_buffer_size(c, C.size_t(o.WriteBufferSize))
	}
	if o.WriteL0SlowdownTrigger > 0 {
		C.avccdb_options_set_write_l0_slowdown_trigger(c, C.int(o.WriteL0SlowdownTrigger))
	}
	if o.WriteL0PauseTrigger > 0 {
		C.avccdb_options_set_write_l0_pause_trigger(c, C.int(o.WriteL0PauseTrigger))
	}
	if o.CompactionL0Trigger > 0 {
		C.avccdb_options_set_compaction_l0_trigger(c, C.int(o.CompactionL0Trigger))
	}
	if o.CompactionTableSize > 0 {
		C.avccdb_options_set_compaction_table_size(c, C.uint64_t(o.CompactionTableSize))
	}
	if o.CompactionTotalSize > 0 {
		C.avccdb_options_set_compaction_total_size(c, C.uint64_t(o.CompactionTotalSize))
	}
	if o.CompactionTotalSizeMultiplier != 0 {
		C.avccdb_options_set_compaction_total_size_multiplier(c, C.double(o.CompactionTotalSizeMultiplier))
	}
	if o.BlockSize > 0 {
		C.avccdb_options_set_block_size(c, C.size_t(o.BlockSize))
	}
	if o.BlockRestartInterval > 0 {
		C.avccdb_options_set_block_restart_interval(c, C.int(o.BlockRestartInterval))
	}
	if o.DisableBlockCache {
		C.avccdb_options_set_block_cache_capacity(c, 0)
	} else if o.BlockCacheCapacity > 0 {
		C.avccdb_options_set_block_cache_capacity(c, C.size_t(o.BlockCacheCapacity))
	}
	if o.DisableBloomFilter {
		C.avccdb_options_set_bloom_bits_per_key(c, 0)
	} else if o.BloomBitsPerKey > 0 {
		C.avccdb_options_set_bloom_bits_per_key(c, C.int(o.BloomBitsPerKey))
	}
	switch o.Compression {
	case NoCompression:
		C.avccdb_options_set_compression(c, C.AVCCDB_NO_COMPRESSION)
	case SnappyCompression:
		C.avccdb_options_set_compression(c, C.AVCCDB_SNAPPY_COMPRESSION)
	case DefaultCompression:
	default:
		C.avccdb_options_destroy(c)
		return nil, invalidArgument("Options.Compression = %d is unknown", int(o.Compression))
	}
	if o.MaxOpenFiles > 0 {
		C.avccdb_options_set_max_open_files(c, C.int(o.MaxOpenFiles))
	}
	C.avccdb_options_set_no_write_merge(c, cbool(o.NoWriteMerge))
	C.avccdb_options_set_no_sync(c, cbool(o.NoSync))
	C.avccdb_options_set_disable_large_batch_transaction(c, cbool(o.DisableLargeBatchTransaction))
	C.avccdb_options_set_merkle_on_write(c, cbool(!o.DisableMerkleOnWrite))
	return c, nil
}

// effectiveOptions reads the options back from C: what the library will
// use, defaults included (for tests and diagnostics).
func effectiveOptions(c *C.avccdb_options_t) Options {
	o := Options{
		CreateIfMissing:               C.avccdb_options_get_create_if_missing(c) != 0,
		ErrorIfExists:                 C.avccdb_options_get_error_if_exists(c) != 0,
		ParanoidChecks:                C.avccdb_options_get_paranoid_checks(c) != 0,
		WriteBufferSize:               int(C.avccdb_options_get_write_buffer_size(c)),
		WriteL0SlowdownTrigger:        int(C.avccdb_options_get_write_l0_slowdown_trigger(c)),
		WriteL0PauseTrigger:           int(C.avccdb_options_get_write_l0_pause_trigger(c)),
		CompactionL0Trigger:           int(C.avccdb_options_get_compaction_l0_trigger(c)),
		CompactionTableSize:           uint64(C.avccdb_options_get_compaction_table_size(c)),
		CompactionTotalSize:           uint64(C.avccdb_options_get_compaction_total_size(c)),
		CompactionTotalSizeMultiplier: float64(C.avccdb_options_get_compaction_total_size_multiplier(c)),
		BlockSize:                     int(C.avccdb_options_get_block_size(c)),
		BlockRestartInterval:          int(C.avccdb_options_get_block_restart_interval(c)),
		BlockCacheCapacity:            int(C.avccdb_options_get_block_cache_capacity(c)),
		BloomBitsPerKey:               int(C.avccdb_options_get_bloom_bits_per_key(c)),
		MaxOpenFiles:                  int(C.avccdb_options_get_max_open_files(c)),
		NoWriteMerge:                  C.avccdb_options_get_no_write_merge(c) != 0,
		NoSync:                        C.avccdb_options_get_no_sync(c) != 0,
		DisableLargeBatchTransaction:  C.avccdb_options_get_disable_large_batch_transaction(c) != 0,
		DisableMerkleOnWrite:          C.avccdb_options_get_merkle_on_write(c) == 0,
	}
	o.DisableBlockCache = o.BlockCacheCapacity == 0
	o.DisableBloomFilter = o.BloomBitsPerKey == 0
	switch C.avccdb_options_get_compression(c) {
	case C.AVCCDB_NO_COMPRESSION:
		o.Compression = NoCompression
	case C.AVCCDB_SNAPPY_COMPRESSION:
		o.Compression = SnappyCompression
	}
	return o
}

// Effective returns the settings the library applies for o: zero fields
// replaced by the library's defaults (read back from avccdb_options_*).
func (o *Options) Effective() (Options, error) {
	c, err := o.cOptions()
	if err != nil {
		return Options{}, err
	}
	defer C.avccdb_options_destroy(c)
	return effectiveOptions(c), nil
}
