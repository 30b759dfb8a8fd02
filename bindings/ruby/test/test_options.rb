# frozen_string_literal: true

# Open options (every avccdb_options_set_*), read options and write
# options: set through keywords, read back through the C getters, and
# their effects where one is observable.
require_relative "helper"

class TestOptions < AvccdbTest
  # A non-default value for every option.
  EVERY_OPTION = {
    create_if_missing: true, error_if_exists: true, paranoid_checks: true,
    write_buffer_size: 1 << 20, max_open_files: 100, block_cache_capacity: 1 << 20,
    block_size: 8192, block_restart_interval: 8, max_file_size: 1 << 20, compression: :none,
    write_l0_slowdown_trigger: 6, write_l0_pause_trigger: 10, compaction_l0_trigger: 3,
    compaction_table_size: 1 << 20, compaction_total_size: 4 << 20,
    compaction_total_size_multiplier: 5.0, no_write_merge: true, no_sync: true,
    disable_large_batch_transaction: true, bloom_bits_per_key: 0, merkle_on_write: false
  }.freeze

  def test_every_option_reaches_the_library
    assert_equal Avccdb::Options::NAMES.sort, EVERY_OPTION.keys.sort
    defaults = Avccdb::Options.new.to_h
    EVERY_OPTION.each { |name, value| refute_equal value, defaults[name], name }
    assert_equal EVERY_OPTION, Avccdb::Options.new(**EVERY_OPTION).to_h
    # max_file_size is LevelDB's name for compaction_table_size.
    assert_equal 3 << 20, Avccdb::Options.new(max_file_size: 3 << 20)[:compaction_table_size]
  end

  def test_database_opens_and_works_with_every_option
    opts = EVERY_OPTION.merge(error_if_exists: false)
    open_db(**opts) do |db|
      2000.times { |i| db.put(format("k%05d", i), "v" * 100, version: i % 3) }
      db.compact_range
      assert_equal "v" * 100, db.get("k01234")
      assert_equal 2000, db.count
    end
    Avccdb::DB.open(@path, **opts) { |db| assert_equal 2000, db.count }
  end

  def test_invalid_values
    assert_raises(ArgumentError) { Avccdb::Options.new(no_such_option: 1) }
    assert_raises(ArgumentError) { Avccdb::Options.new(compression: :zstd) }
    assert_raises(ArgumentError) { Avccdb::Options.new[:no_such_option] }
    err = assert_raises(Avccdb::InvalidArgumentError) do
      open_db(write_l0_slowdown_trigger: 8, write_l0_pause_trigger: 4)
    end
    assert_match(/pause/, err.message)
    assert_raises(Avccdb::InvalidArgumentError) { open_db(compression: 7) }
    assert_raises(Avccdb::InvalidArgumentError) { open_db(write_buffer_size: 1024) }
  end

  def test_small_write_buffer_flushes_to_tables
    open_db(write_buffer_size: 64 << 10, compression: :none) do |db|
      before = db.property_int("memdb_compactions")
      1000.times { |i| db.put(format("k%05d", i), "x" * 500) }
      db.put("last", "x") # a write after the buffer filled triggers the flush
      db.compact_range # waits for the flushes
      assert_operator db.property_int("memdb_compactions"), :>, before
      assert_operator db.approximate_sizes(["k", "l"]).first, :>, 400_000
    end
  end

  # no_write_merge (per write, or for the database) keeps every write in
  # a group of its own, however many threads write at once.
  def test_no_write_merge_never_merges
    [{ db: { no_write_merge: true }, write: {} }, { db: {}, write: { no_write_merge: true } }]
      .each_with_index do |c, n|
      open_db(File.join(@dir, "db#{n}"), **c[:db]) do |db|
        4.times.map do |t|
          Thread.new { 200.times { |i| db.put("t#{t}-#{i}", "v", **c[:write]) } }
        end.each(&:join)
        assert_equal 800, db.count
        assert_equal 0, db.property_int("writes_merged"), c
      end
    end
  end

  def test_sync_writes_and_no_sync_database
    [{}, { no_sync: true }].each_with_index do |opts, n|
      path = File.join(@dir, "s#{n}")
      open_db(path, **opts) do |db|
        db.put("a", "1", sync: true)
        db.delete("a", sync: true, no_write_merge: true)
        db.put("b", "2", sync: true, version: 4)
        db.write(Avccdb::WriteBatch.new.put("c", "3"), sync: true)
      end
      Avccdb::DB.open(path) do |db|
        assert_equal [%w[b 2], %w[c 3]], db.each.to_a
      end
    end
  end

  # fill_cache: false reads leave the block cache as it was; reads that
  # fill it grow it. verify_checksums changes no answer.
  def test_read_options_fill_cache_and_verify_checksums
    open_db(compression: :none) do |db|
      500.times { |i| db.put(format("k%04d", i), "v#{i}" * 50) }
      db.compact_range
    end
    open_db do |db|
      assert_equal 0, db.property_int("block_cache_size")
      500.times { |i| assert_equal "v#{i}" * 50, db.get(format("k%04d", i), fill_cache: false) }
      assert_equal 500, db.each(fill_cache: false, verify_checksums: true).count
      assert_equal 0, db.property_int("block_cache_size")
      500.times do |i|
        assert_equal "v#{i}" * 50, db.get(format("k%04d", i), verify_checksums: true)
      end
      assert_operator db.property_int("block_cache_size"), :>, 0
    end
  end

  def test_paranoid_checks_reopen
    open_db(paranoid_checks: true) { |db| db.put("k", "v") }
    Avccdb::DB.open(@path, paranoid_checks: true) { |db| assert_equal "v", db.get("k") }
  end
end
