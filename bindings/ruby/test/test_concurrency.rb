# frozen_string_literal: true

# One DB shared by Ruby threads: writers, readers, iterators, batches and
# a transaction at once (the C calls release the GVL, so they overlap).
require_relative "helper"

class TestConcurrency < AvccdbTest
  def test_threads_share_one_database
    open_db(write_buffer_size: 64 << 10) do |db|
      writers = 4.times.map do |t|
        Thread.new do
          300.times do |i|
            key = format("t%d-%04d", t, i)
            db.put(key, "v#{t}-#{i}", version: i % 3)
            db.delete(key, version: i % 3) if (i % 50) == 49
            db.batch { |b| b.put("b#{t}-#{i}", "x") } if (i % 30).zero?
          end
        end
      end
      reader_errors = []
      readers = 2.times.map do
        Thread.new do
          50.times do
            keys = db.each(from: "t", to: "u").map(&:first)
            reader_errors << "unsorted" unless keys == keys.sort
            v = db.get("t1-0010")
            reader_errors << v unless v.nil? || v == "v1-10"
          end
        end
      end
      tx = Thread.new { db.transaction { |t| t.put("tx", "1") } }
      (writers + readers + [tx]).each(&:join)
      assert_empty reader_errors
      assert_equal 4 * (300 - 6), db.each(from: "t0", to: "t4").count
      assert_equal 4 * 10, db.each(from: "b", to: "c").count
      assert_equal "v2-17", db.get("t2-0017")
      assert_nil db.get("t2-0049")
      assert_equal "1", db.get("tx")
    end
  end
end
