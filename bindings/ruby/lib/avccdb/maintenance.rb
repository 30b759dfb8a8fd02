# frozen_string_literal: true

# Statistics and maintenance (mixed into Avccdb::DB): counters by name,
# the text properties, approximate sizes, manual compaction, pausing
# automatic compaction. Avccdb.stats_counter_names lists the counters.
require_relative "native"
require_relative "bytes"
require_relative "errors"
require_relative "compaction_pause"

module Avccdb
  # The names of the engine's counters (DB#property_int answers each, and
  # DB#stats returns them all), in the library's order.
  def self.stats_counter_names
    Array.new(C.avccdb_stats_counter_count) { |i| C.avccdb_stats_counter_name(i) }
  end

  module Maintenance
    # A text property ("avccdb.stats", "avccdb.sstables",
    # "avccdb.background-error", or any counter as text; "leveldb."
    # prefix accepted), or nil when the name is unknown.
    def property(name)
      v = C.avccdb_property_value(live, name)
      v.null? ? nil : Bytes.take_text(v)
    end

    # An integer statistic (a counter name, bare or prefixed "avccdb." /
    # "leveldb.", or "avccdb.num-files-at-level<N>",
    # "avccdb.approximate-memory-usage"), or nil when the name is unknown.
    # Durations are in microseconds.
    def property_int(name)
      out = FFI::MemoryPointer.new(:uint64)
      C.avccdb_property_int(live, name, out).zero? ? nil : out.read(:uint64)
    end

    # Every counter: { "writes_merged" => 0, ... }.
    def stats
      Avccdb.stats_counter_names.to_h { |name| [name, property_int(name)] }
    end

    # The human-readable statistics table.
    def stats_text
      property("avccdb.stats")
    end

    # Approximate bytes of table data in each [from, to) range (data still
    # in the memdb is not counted): approximate_sizes(["a", "m"], ["m", "z"])
    # => [Integer, Integer].
    def approximate_sizes(*ranges)
      return [] if ranges.empty?

      keys = ranges.map { |from, to| [Bytes.of(from), Bytes.of(to)] }
      starts, starts_len, start_bufs = key_array(keys.map(&:first))
      limits, limits_len, limit_bufs = key_array(keys.map(&:last))
      sizes = FFI::MemoryPointer.new(:uint64, ranges.size)
      C.avccdb_approximate_sizes(live, ranges.size, starts, starts_len, limits, limits_len, sizes)
      sizes.read_array_of_uint64(ranges.size)
    ensure
      [start_bufs, limit_bufs].each { |bufs| bufs&.each(&:free) }
    end

    # Compacts the keys in [from, to] (nil: unbounded) through every level,
    # after writing the memdb to a table.
    def compact_range(from: nil, to: nil)
      from = from && Bytes.of(from)
      to = to && Bytes.of(to)
      Avccdb.check do |err|
        C.avccdb_compact_range2(live, from, from ? from.bytesize : 0, to, to ? to.bytesize : 0, err)
      end
      nil
    end

    # Compacts the keys in [from, to] (nil: unbounded) of level into
    # level + 1.
    def compact_level(level, from: nil, to: nil)
      from = from && Bytes.of(from)
      to = to && Bytes.of(to)
      Avccdb.check do |err|
        C.avccdb_compact_level(live, level, from, from ? from.bytesize : 0, to,
                               to ? to.bytesize : 0, err)
      end
      nil
    end

    # Holds automatic table compaction: with a block, for the block's
    # length; without, until the returned CompactionPause#resume.
    def pause_compactions
      pause = CompactionPause.new(live)
      return pause unless block_given?

      begin
        yield pause
      ensure
        pause.resume
      end
    end

    private

    # keys as a C array of pointers and one of lengths, plus the copies
    # the pointers point into (the caller keeps them until the call ends).
    def key_array(keys)
      bufs = keys.map { |k| FFI::MemoryPointer.from_string(k) }
      ptrs = FFI::MemoryPointer.new(:pointer, keys.size)
      ptrs.write_array_of_pointer(bufs)
      lens = FFI::MemoryPointer.new(:size_t, keys.size)
      keys.each_with_index { |k, i| lens.put(:size_t, i * lens.type_size, k.bytesize) }
      [ptrs, lens, bufs]
    end
  end
end
