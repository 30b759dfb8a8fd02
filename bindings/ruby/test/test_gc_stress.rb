# frozen_string_literal: true

# Leak and lifetime checks for the objects that own C resources (DB,
# Snapshot, Iterator, WriteBatch, Transaction, CompactionPause, Options):
# a short run of every call under GC.stress (a collection at every
# allocation, so a C buffer whose Ruby owner was collected too early
# would show up as wrong bytes or a crash), and handles the program drops
# being released by their finalizers.
require_relative "helper"

class TestGcStress < AvccdbTest
  # mode true: a full collection at every allocation; 0x01: a minor one
  # (what frees the young temporaries a call makes, ~20x faster).
  def under_gc_stress(mode)
    GC.stress = mode
    yield
  ensure
    GC.stress = false
  end

  # Each resource-owning object's life cycle under full GC.stress.
  def test_life_cycles_under_full_gc_stress
    under_gc_stress(true) do
      db = Avccdb::DB.open(@path, create_if_missing: true)
      db.put("k\0", "v\0", version: 2)
      assert_equal "v\0", db.get("k\0")
      db.snapshot { |snap| assert_equal [["k\0", "v\0"]], db.each(snapshot: snap).to_a }
      db.transaction { |t| t.put("t", "1") }
      b = Avccdb::WriteBatch.new.put("b", "1")
      assert_equal 1, Avccdb::WriteBatch.load(b.dump).count
      db.close
    end
  end

  # Every call under minor-collection stress.
  def test_every_call_under_gc_stress
    open_db(write_buffer_size: 16 << 10) do |db|
      under_gc_stress(0x01) do
        3.times { |i| db.put("k#{i}\0", "v#{i}\0", version: i) }
        assert_equal "v2\0", db.get("k2\0")
        assert_equal Avccdb::Versioned.new("v1\0", 1), db.get_versioned("k1\0", version: 1)
        assert_equal [[1, "v1\0"]], db.history("k1\0")
        b = Avccdb::WriteBatch.new.put("b", "1", version: 4).delete("k0\0")
        assert_equal b.to_a, Avccdb::WriteBatch.load(b.dump).to_a
        db.write(b)
        db.batch { |nb| nb.put("c", "2") }
        db.transaction { |t| t.put("t", "3").write(b) }
        db.snapshot do |snap|
          assert_equal [["b", "1", 4], ["c", "2", 0]], db.each(versions: true, snapshot: snap, to: "k").to_a
        end
        db.iterator(from: "k", to: "l") { |it| assert_equal ["k1\0", "k2\0"], it.seek_to_first.map(&:key) }
        r = db.get_with_proof("b")
        assert_equal "1", Avccdb.verify_get_proof(r.root, "b", r.proof).value
        db.pause_compactions { db.property_int("alive_snapshots") }
        assert_kind_of Integer, db.stats["write_groups"]
        assert_equal 1, db.approximate_sizes(%w[a z]).size
      end
    end
  end

  # Makes handles and drops them, on a thread of its own so that no
  # stale reference stays on the main thread's stack for the
  # conservative GC to see.
  def drop_handles(db, n)
    Thread.new do
      n.times do
        db.snapshot
        db.iterator.seek_to_first
        Avccdb::WriteBatch.new.put("x", "y")
        Avccdb::Options.new(write_buffer_size: 1 << 20)
      end
    end.join
  end

  def collect
    3.times { GC.start(full_mark: true, immediate_sweep: true) }
  end

  def test_dropped_handles_are_released_by_the_gc
    open_db do |db|
      db.put("k", "v")
      drop_handles(db, 30)
      collect
      # A few may stay reachable from a register or stack slot the
      # conservative GC scans; 30 would mean no finalizer ran.
      assert_operator db.property_int("alive_snapshots"), :<=, 3
      assert_operator db.property_int("alive_iterators"), :<=, 3
    end
  end

  # A database the program drops without closing is closed by the GC,
  # which releases its directory lock.
  def test_dropped_database_is_closed_by_the_gc
    Thread.new { open_db.put("k", "v") }.join
    collect
    Avccdb::DB.open(@path) { |db| assert_equal "v", db.get("k") }
  end
end
