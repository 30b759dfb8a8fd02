# frozen_string_literal: true

# Version semantics: as-of reads find the highest version <= the one
# asked, deletes hide a key from their version on, histories list live
# versions newest first, iterators report versions and walk them all.
require_relative "helper"

class TestVersions < AvccdbTest
  # key => { version => value or nil (deleted as of it) }
  def write_model(db, rng, keys: 40, ops: 600)
    model = Hash.new { |h, k| h[k] = {} }
    ops.times do
      key = "k#{rng.rand(keys)}\0#{rng.rand(2)}".b
      version = rng.rand(1..30)
      if rng.rand(5).zero?
        db.delete(key, version: version)
        model[key][version] = nil
      else
        value = rng.bytes(rng.rand(0..20))
        db.put(key, value, version: version)
        model[key][version] = value
      end
    end
    model
  end

  # The model's answer as of v: [value, version found] or nil.
  def as_of(versions, v)
    found = versions.keys.select { |x| x <= v }.max
    found && !versions[found].nil? ? [versions[found], found] : nil
  end

  def assert_same_answer(want, got, msg = nil)
    want.nil? ? assert_nil(got, msg) : assert_equal(want, got, msg)
  end

  def check_model(db, model)
    model.each do |key, versions|
      (0..31).each do |v|
        want = as_of(versions, v)
        got = db.get_versioned(key, version: v)
        assert_same_answer want, got && [got.value, got.version], "#{key.inspect}@#{v}"
        assert_same_answer want&.first, db.get(key, version: v)
      end
      assert_same_answer as_of(versions, Avccdb::LATEST)&.first, db.get(key)
      live = versions.reject { |_, value| value.nil? }.sort.reverse
      assert_equal live, db.history(key), key.inspect
      assert_equal live.select { |v, _| v.between?(5, 20) }, db.history(key, min: 5, max: 20)
    end
    # Every live version of every key, keys ascending, versions descending.
    all = model.sort.flat_map do |key, versions|
      versions.reject { |_, value| value.nil? }.sort.reverse.map { |v, value| [key, value, v] }
    end
    assert_equal all, db.each(versions: true).to_a
    newest = model.sort.filter_map do |key, versions|
      w = as_of(versions, Avccdb::LATEST)
      w && [key, w[0], w[1]]
    end
    assert_equal newest, db.each_record.map(&:to_a)
    assert_equal newest.map { |k, v, _| [k, v] }, db.each.to_a
  end

  def test_versions_against_a_model
    rng = Random.new(11)
    model = nil
    open_db(write_buffer_size: 16 << 10) do |db|
      model = write_model(db, rng)
      check_model(db, model)
      db.compact_range
      check_model(db, model)
    end
    Avccdb::DB.open(@path) { |db| check_model(db, model) }
  end

  def test_as_of_reads_and_deletes
    open_db do |db|
      db.put("k", "v10", version: 10)
      db.put("k", "v20", version: 20)
      db.delete("k", version: 30)
      db.put("k", "v40", version: 40)
      assert_nil db.get("k", version: 9)
      assert_equal Avccdb::Versioned.new("v10", 10), db.get_versioned("k", version: 19)
      assert_equal Avccdb::Versioned.new("v20", 20), db.get_versioned("k", version: 29)
      assert_nil db.get_versioned("k", version: 35)
      assert_equal Avccdb::Versioned.new("v40", 40), db.get_versioned("k")
      assert_equal [[40, "v40"], [20, "v20"], [10, "v10"]], db.history("k")
      assert_equal [[20, "v20"]], db.history("k", min: 11, max: 39)
      # A plain put is version 0; an empty value is found, not absent.
      db.put("plain", "")
      assert_equal Avccdb::Versioned.new("", 0), db.get_versioned("plain")
      assert_equal [[0, ""]], db.history("plain")
      # The largest version.
      db.put("max", "m", version: Avccdb::LATEST)
      assert_equal Avccdb::Versioned.new("m", Avccdb::LATEST), db.get_versioned("max")
      assert_nil db.get("max", version: Avccdb::LATEST - 1)
    end
  end

  def test_versioned_reads_through_a_snapshot
    open_db do |db|
      db.put("k", "a", version: 1)
      db.snapshot do |snap|
        db.put("k", "b", version: 2)
        db.put("k", "c", version: 1) # overwrites version 1
        assert_equal "a", db.get("k", version: 1, snapshot: snap)
        assert_equal "a", db.get("k", version: 2, snapshot: snap)
        assert_equal [[1, "a"]], db.history("k", snapshot: snap)
        assert_equal [[2, "b"], [1, "c"]], db.history("k")
        assert_equal [["k", "a", 1]], db.each(versions: true, snapshot: snap).to_a
      end
    end
  end
end
