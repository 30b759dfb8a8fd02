# frozen_string_literal: true

# Transactions: put/delete (with versions), write a batch, commit,
# discard; their writes appear all at once.
require_relative "helper"

class TestTransactions < AvccdbTest
  def test_commit_discard_and_block_form
    open_db do |db|
      db.put("gone", "x")
      t = db.transaction
      t.put("a", "1").put("v", "v5", version: 5).delete("gone")
      t.delete("v", version: 9)
      t.write(Avccdb::WriteBatch.new.put("b", "2", version: 3))
      assert_nil db.get("a") # not visible before the commit
      t.commit
      t.close
      assert_equal "1", db.get("a")
      assert_nil db.get("gone")
      assert_equal [[5, "v5"]], db.history("v")
      assert_nil db.get("v")
      assert_equal Avccdb::Versioned.new("2", 3), db.get_versioned("b")

      t = db.transaction
      t.put("discarded", "x")
      t.discard
      t.discard # a no-op once ended
      assert_raises(Avccdb::ClosedError) { t.put("after", "x") }
      assert_raises(Avccdb::ClosedError) { t.commit }
      t.close
      assert_nil db.get("discarded")

      assert_equal :result, db.transaction { |tx| tx.put("blk", "1") && :result }
      assert_equal "1", db.get("blk")
      assert_raises(RuntimeError) do
        db.transaction do |tx|
          tx.put("blk2", "1")
          raise "abandon"
        end
      end
      assert_nil db.get("blk2")
      # The write lock is free again.
      db.put("after", "ok")
      assert_equal "ok", db.get("after")
    end
  end

  # A reader thread scanning the keys while a transaction commits 500 of
  # them sees either none or all, never part.
  def test_visible_atomically
    open_db do |db|
      n = 500
      seen = []
      t = db.transaction
      n.times { |i| t.put(format("t%04d", i), "v") }
      reader = Thread.new do
        loop do
          c = db.each(from: "t", to: "u").count
          seen << c
          break if c == n
        end
      end
      Thread.pass until seen.size >= 3 # the reader has scanned before the commit
      t.commit
      t.close
      reader.join
      assert_equal [0, n], seen.uniq.sort
    end
  end

  def test_transaction_after_close_fails
    db = open_db
    db.close
    assert_raises(Avccdb::ClosedError) { db.transaction }
  end
end
