# frozen_string_literal: true

# The seeds' workload scaled down (tests/common/mod.rs: seeds_options,
# seeds_key, seeds_value): 10,000 keys x 5 versions with small buffers, so
# the data spreads over memdb, level 0 and deeper levels. Every version
# must be readable and iteration exact, before and after reopening.
require_relative "helper"

class TestSeedsWorkload < AvccdbTest
  KEYS = 10_000
  VERSIONS = 5
  SEEDS_OPTIONS = {
    write_buffer_size: 256 << 10, compaction_table_size: 512 << 10,
    compaction_total_size: 2 << 20, write_l0_slowdown_trigger: 4, write_l0_pause_trigger: 8,
    compaction_l0_trigger: 4, compression: :none
  }.freeze

  def key(i) = format("seed-key-%07d", i)
  def value(i, v) = "v#{v}-of-#{i}"

  def check(db)
    KEYS.times do |i|
      k = key(i)
      (1..VERSIONS).each do |v|
        assert_equal Avccdb::Versioned.new(value(i, v), v), db.get_versioned(k, version: v), k
      end
      assert_nil db.get_versioned(k, version: 0)
    end
    expected = Array.new(KEYS) do |i|
      VERSIONS.downto(1).map { |v| [key(i), value(i, v), v] }
    end.flatten(1)
    assert expected == db.each(versions: true).to_a, "every version, in order"
    newest = Array.new(KEYS) { |i| [key(i), value(i, VERSIONS)] }
    assert newest == db.each.to_a, "newest versions, in order"
    assert_equal [[5, value(4321, 5)], [4, value(4321, 4)], [3, value(4321, 3)],
                  [2, value(4321, 2)], [1, value(4321, 1)]], db.history(key(4321))
  end

  def test_ten_thousand_keys_five_versions
    open_db(**SEEDS_OPTIONS) do |db|
      (1..VERSIONS).each do |v|
        KEYS.times { |i| db.put(key(i), value(i, v), version: v) }
      end
      assert_operator db.property_int("memdb_compactions"), :>, 0
      check(db)
    end
    Avccdb::DB.open(@path, **SEEDS_OPTIONS) { |db| check(db) }
  end
end
