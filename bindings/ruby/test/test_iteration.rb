# frozen_string_literal: true

# Enumerable scans (bounds, reverse, snapshot, versions) and the Iterator
# cursor (seek, next/prev, version, errors, closing).
require_relative "helper"

class TestIteration < AvccdbTest
  def fill(db)
    keys = (0...50).map { |i| format("k%02d", i) }
    keys.each_with_index { |k, i| db.put(k, "v#{i}", version: i % 4) }
    keys
  end

  def test_each_with_bounds_and_reverse
    open_db do |db|
      keys = fill(db)
      pairs = keys.each_with_index.map { |k, i| [k, "v#{i}"] }
      assert_equal pairs, db.each.to_a
      assert_equal pairs.reverse, db.each(reverse: true).to_a
      assert_equal pairs[10...20], db.each(from: "k10", to: "k20").to_a
      assert_equal pairs[10...20].reverse, db.each(from: "k10", to: "k20", reverse: true).to_a
      assert_equal pairs[45..], db.each(from: "k45").to_a
      assert_equal pairs[0...5], db.each(to: "k05").to_a
      assert_equal [], db.each(from: "x").to_a
      # Enumerable: lazy enough to stop early, counts, first.
      assert_equal ["k00", "v0"], db.first
      assert_equal 50, db.count
      assert_equal keys.first(3), db.each.first(3).map(&:first)
      assert_equal "v7", db.find { |k, _| k == "k07" }&.last
      assert_equal pairs.to_h, db.to_h
    end
  end

  def test_each_record_reports_versions
    open_db do |db|
      keys = fill(db)
      records = db.each_record(from: "k04", to: "k08").to_a
      assert_equal keys[4...8], records.map(&:key)
      assert_equal [0, 1, 2, 3], records.map(&:version)
      assert_equal Encoding::ASCII_8BIT, records.first.key.encoding
    end
  end

  def test_iterator_cursor
    open_db do |db|
      keys = fill(db)
      db.iterator do |it|
        refute it.valid?
        it.seek("k10")
        assert it.valid?
        assert_equal ["k10", "v10", 2], [it.key, it.value, it.version]
        it.next
        assert_equal "k11", it.key
        it.prev.prev
        assert_equal "k09", it.key
        it.seek_to_last
        assert_equal "k49", it.key
        it.seek_to_first
        assert_equal keys, it.map(&:key)
        refute it.valid?
        it.seek("k0") # between keys: the next one
        assert_equal "k00", it.key
      end
      it = db.iterator(from: "k20", to: "k23")
      assert_equal %w[k20 k21 k22], it.seek_to_first.map(&:key)
      it.close
      it.close
      assert it.closed?
      assert_raises(Avccdb::ClosedError) { it.seek_to_first }
    end
  end

  # An iterator reads the state it was created in, and keeps reading after
  # the snapshot it was made from is released.
  def test_iterators_are_consistent_views
    open_db do |db|
      db.put("a", "1")
      snap = db.snapshot
      it = db.iterator(snapshot: snap)
      snap.release
      db.put("b", "2")
      db.delete("a")
      assert_equal [%w[a 1]], it.seek_to_first.map { |r| [r.key, r.value] }
      it.close
      assert_equal [%w[b 2]], db.each.to_a
    end
  end

  def test_binary_keys_with_nul_bytes
    open_db do |db|
      keys = ["\0".b, "\0\0".b, "a\0".b, "a\0b".b, "\xff\0".b, "".b]
      keys.each_with_index { |k, i| db.put(k, "\0v#{i}\0".b) }
      assert_equal keys.sort, db.each.map(&:first)
      keys.each_with_index { |k, i| assert_equal "\0v#{i}\0".b, db.get(k) }
      assert_equal keys.sort.select { |k| k >= "a\0".b && k < "\xff".b },
                   db.each(from: "a\0", to: "\xff".b).map(&:first)
    end
  end
end
