# frozen_string_literal: true

# WriteBatch: records with versions, count, Enumerable, dump/load, append,
# clear, DB#batch; and the bytes are the C API's: a batch dumped in Ruby
# loads through avccdb_writebatch_load and the reverse, record for record.
require_relative "helper"

class TestBatches < AvccdbTest
  C = Avccdb::C
  Rec = Avccdb::WriteBatch::Record

  def sample
    Avccdb::WriteBatch.new
                      .put("a", "1")
                      .put("b\0".b, "\0\xff".b, version: 7)
                      .delete("c")
                      .delete("d", version: 9)
                      .put("e", "")
  end

  SAMPLE_RECORDS = [
    Rec.new(:put, "a", "1", 0, false), Rec.new(:put, "b\0".b, "\0\xff".b, 7, true),
    Rec.new(:delete, "c", nil, 0, false), Rec.new(:delete, "d", nil, 9, true),
    Rec.new(:put, "e", "", 0, false)
  ].freeze

  def test_records_count_and_enumerable
    b = sample
    assert_equal 5, b.count
    assert_equal 5, b.size
    refute b.empty?
    assert_equal SAMPLE_RECORDS, b.to_a
    assert_equal 2, b.count { |r| r.type == :delete }
    assert_equal %w[a e], b.select { |r| r.type == :put && !r.versioned }.map(&:key)
    b.clear
    assert b.empty?
    assert_equal [], b.to_a
    assert_equal "".b, b.dump
  end

  def test_dump_load_and_append
    b = sample
    bytes = b.dump
    assert_equal Encoding::ASCII_8BIT, bytes.encoding
    loaded = Avccdb::WriteBatch.load(bytes)
    assert_equal SAMPLE_RECORDS, loaded.to_a
    assert_equal b, loaded
    both = Avccdb::WriteBatch.new.put("z", "0").append(b)
    assert_equal [Rec.new(:put, "z", "0", 0, false)] + SAMPLE_RECORDS, both.to_a
    assert_equal SAMPLE_RECORDS * 2, (b << b).to_a # appending to itself doubles
    refute_equal loaded, b
    # Malformed bytes leave the batch empty.
    target = sample
    assert_raises(Avccdb::CorruptionError) { target.load!(bytes.byteslice(0, bytes.bytesize - 1)) }
    assert target.empty?
  end

  # Ruby's dump → avccdb_writebatch_load (a batch made by the C functions)
  # → read with avccdb_writebatch_iterate and written with avccdb_write;
  # and a batch built by the C functions → avccdb_writebatch_data → Ruby.
  def test_bytes_cross_the_c_api_both_ways
    bytes = sample.dump
    c_batch = C.avccdb_writebatch_create
    begin
      Avccdb.check { |err| C.avccdb_writebatch_load(c_batch, bytes, bytes.bytesize, err) }
      assert_equal 5, C.avccdb_writebatch_count(c_batch)
      seen = []
      put = proc { |_, k, kl, v, vl| seen << [:put, k.read_bytes(kl), v.read_bytes(vl)] }
      del = proc { |_, k, kl| seen << [:delete, k.read_bytes(kl)] }
      C.avccdb_writebatch_iterate(c_batch, nil, put, del)
      assert_equal [[:put, "a", "1"], [:put, "b\0".b, "\0\xff".b], [:delete, "c"],
                    [:delete, "d"], [:put, "e", ""]], seen
      open_db do |db|
        db.put("c", "old")
        wo = C.avccdb_writeoptions_create
        Avccdb.check { |err| C.avccdb_write(raw(db), wo, c_batch, err) }
        C.avccdb_writeoptions_destroy(wo)
        assert_equal [%w[a 1], ["b\0".b, "\0\xff".b], ["e", ""]], db.each.to_a
        assert_equal [[7, "\0\xff".b]], db.history("b\0")
      end

      C.avccdb_writebatch_clear(c_batch)
      C.avccdb_writebatch_put_with_version(c_batch, "k", 1, 3, "v\0", 2)
      C.avccdb_writebatch_delete(c_batch, "gone", 4)
      len = FFI::MemoryPointer.new(:size_t)
      from_c = C.avccdb_writebatch_data(c_batch, len).read_bytes(len.read(:size_t))
      ruby = Avccdb::WriteBatch.new.put("k", "v\0", version: 3).delete("gone")
      assert_equal from_c, ruby.dump
      assert_equal [Rec.new(:put, "k", "v\0", 3, true), Rec.new(:delete, "gone", nil, 0, false)],
                   Avccdb::WriteBatch.load(from_c).to_a
    ensure
      C.avccdb_writebatch_destroy(c_batch)
    end
  end

  def test_db_batch_block_writes_atomically
    open_db do |db|
      db.put("x", "old")
      db.snapshot do |snap|
        n = db.batch do |b|
          100.times { |i| b.put(format("k%03d", i), i.to_s, version: i) }
          b.delete("x")
        end
        assert_equal 101, n
        assert_equal 100, db.count
        assert_equal [%w[x old]], db.each(snapshot: snap).to_a
      end
      assert_raises(RuntimeError) do
        db.batch do |b|
          b.put("never", "written")
          raise "abandoned"
        end
      end
      assert_nil db.get("never")
      db.write(sample, sync: true)
      assert_equal "1", db.get("a")
    end
  end
end
