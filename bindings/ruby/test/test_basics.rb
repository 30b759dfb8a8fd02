# frozen_string_literal: true

# Basic reads and writes against a model, binary data, errors, threads.
require_relative "helper"

class TestBasics < AvccdbTest
  def test_version_matches_soname
    assert_match(/\A\d+\.\d+\z/, Avccdb.version)
    assert_equal Avccdb::C.avccdb_major_version, Integer(ENV.fetch("AVCCDB_EXPECTED_MAJOR", "0"))
  end

  # A seeded random workload against a Hash, checked by point reads, full
  # scans both ways, and again after reopening.
  def test_random_ops_match_model
    rng = Random.new(7)
    model = {}
    Avccdb::DB.open(@path, create_if_missing: true, write_buffer_size: 64 * 1024) do |db|
      4000.times do
        key = format("k%04d", rng.rand(1200))
        if rng.rand(4).zero?
          db.delete(key)
          model.delete(key)
        else
          value = rng.bytes(rng.rand(150))
          db.put(key, value)
          model[key] = value
        end
      end
      check(db, model)
    end
    Avccdb::DB.open(@path) { |db| check(db, model) }
  end

  def check(db, model)
    1200.times do |i|
      key = format("k%04d", i)
      if model.key?(key)
        assert_equal model[key].b, db.get(key), key
      else
        assert_nil db.get(key), key
      end
    end
    sorted = model.sort.map { |k, v| [k.b, v.b] }
    assert_equal sorted, db.each.to_a
    assert_equal sorted.reverse, db.each(reverse: true).to_a
    from = sorted[sorted.size / 2][0]
    assert_equal sorted.drop(sorted.size / 2), db.each(from: from).to_a
  end

  def test_binary_and_empty_values
    Avccdb::DB.open(@path, create_if_missing: true) do |db|
      db.put("empty", "")
      assert_equal "", db.get("empty")
      assert_nil db.get("missing")
      key = "a\0b\xff".b
      value = "\0\0x\0".b
      db.put(key, value, sync: true)
      assert_equal value, db[key]
      assert_equal Encoding::ASCII_8BIT, db[key].encoding
      db["utf8-ключ"] = "значение"
      assert_equal "значение".b, db["utf8-ключ"]
    end
  end

  def test_batch_and_snapshot
    Avccdb::DB.open(@path, create_if_missing: true) do |db|
      %w[a b c].each { |k| db.put(k, "old-#{k}") }
      db.snapshot do |snap|
        batch = Avccdb::WriteBatch.new.put("a", "new-a").delete("b").put("d", "new-d")
        db.write(batch, sync: true)
        assert_equal [%w[a new-a], %w[c old-c], %w[d new-d]], db.each.to_a
        assert_equal [%w[a old-a], %w[b old-b], %w[c old-c]], db.each(snapshot: snap).to_a
        assert_equal "old-b", db.get("b", snapshot: snap)
        assert_nil db.get("b")
      end
      cleared = Avccdb::WriteBatch.new.put("x", "y").clear
      db.write(cleared)
      assert_nil db.get("x")
      refute_nil db.property("leveldb.stats")
      assert_nil db.property("no.such.property")
    end
  end

  def test_threads_write_concurrently
    Avccdb::DB.open(@path, create_if_missing: true) do |db|
      threads = 4.times.map do |t|
        Thread.new { 300.times { |i| db.put("t#{t}-#{format('%04d', i)}", "v#{t}-#{i}") } }
      end
      threads.each(&:join)
      assert_equal 1200, db.count
      assert_equal "v2-17", db.get("t2-0017")
    end
  end
end
