# frozen_string_literal: true

# Statistics and maintenance: every counter by name, the text
# properties, approximate sizes, compact range/level, pausing compactions.
require_relative "helper"

class TestStats < AvccdbTest
  def fill(db, n = 2000, prefix = "k")
    n.times { |i| db.put(format("#{prefix}%05d", i), "x" * 200) }
  end

  def test_every_counter_by_name
    names = Avccdb.stats_counter_names
    assert_includes names, "writes_merged"
    assert_includes names, "alive_snapshots"
    assert_equal names.size, names.uniq.size
    open_db do |db|
      db.put("k", "v")
      stats = db.stats
      assert_equal names, stats.keys
      stats.each do |name, value|
        assert_kind_of Integer, value, name
        assert_equal value, db.property_int("avccdb.#{name}"), name if name !~ /io_|duration|cache/
      end
      assert_operator stats["write_groups"], :>=, 1
      assert_operator db.property_int("io_write"), :>, 0
      assert_equal 0, db.property_int("avccdb.num-files-at-level0")
      assert_operator db.property_int("leveldb.approximate-memory-usage"), :>, 0
      assert_nil db.property_int("avccdb.no-such")
      assert_match(/\S/, db.stats_text)
      assert_equal "", db.property("avccdb.background-error")
      assert_equal db.property_int("write_groups").to_s, db.property("avccdb.write_groups")
    end
  end

  def test_alive_counters_follow_handles
    open_db do |db|
      snap = db.snapshot
      it = db.iterator
      assert_equal 1, db.property_int("alive_snapshots")
      assert_equal 1, db.property_int("alive_iterators")
      snap.release
      it.close
      assert_equal 0, db.property_int("alive_snapshots")
      assert_equal 0, db.property_int("alive_iterators")
    end
  end

  def test_approximate_sizes_and_compaction
    open_db(write_buffer_size: 64 << 10, compression: :none) do |db|
      fill(db, 2000, "a")
      fill(db, 500, "b")
      db.compact_range
      a, b, none = db.approximate_sizes(%w[a b], %w[b c], %w[x y])
      assert_operator a, :>, 300_000
      assert_operator b, :>, 50_000
      assert_operator a, :>, b
      assert_equal 0, none
      assert_equal [], db.approximate_sizes
      assert_equal 0, db.property_int("avccdb.num-files-at-level0")
      assert_match(/\S/, db.property("avccdb.sstables"))
      fill(db, 300, "c")
      db.compact_range(from: "c", to: "d")
      db.compact_level(1, from: "a", to: "z")
      assert_equal 2800, db.count
    end
  end

  # While compactions are paused level 0 only grows; after the pause it is
  # compacted again.
  def test_pause_and_resume_compactions
    opts = { write_buffer_size: 16 << 10, compaction_l0_trigger: 2, write_l0_slowdown_trigger: 50,
             write_l0_pause_trigger: 60, compression: :none }
    open_db(**opts) do |db|
      db.pause_compactions do |pause|
        refute pause.resumed?
        level0 = 0
        20.times do |round|
          fill(db, 100, "r#{round}-")
          now = db.property_int("avccdb.num-files-at-level0")
          assert_operator now, :>=, level0
          level0 = now
        end
        assert_operator level0, :>, 2 # past the compaction trigger, not compacted
        assert_equal 0, db.property_int("level0_compactions")
      end
      db.compact_range
      assert_equal 0, db.property_int("avccdb.num-files-at-level0")
      assert_equal 2000, db.count
      pause = db.pause_compactions
      pause.resume
      pause.resume
      assert pause.resumed?
    end
  end
end
