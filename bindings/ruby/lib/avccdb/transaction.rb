# frozen_string_literal: true

# Avccdb::Transaction: writes made visible all at once by #commit or thrown
# away by #discard (DB#transaction). While open it holds the database's
# write lock: every other write waits, and the thread holding it must not
# write through the DB meanwhile (it would wait for itself). One thread at
# a time. The handle is freed by #close (the block form does it) or by the
# garbage collector, which discards a transaction still open.
require_relative "native"
require_relative "bytes"
require_relative "errors"

module Avccdb
  class Transaction
    def initialize(db_ptr)
      ptr = Avccdb.check { |err| C.avccdb_open_transaction(db_ptr, err) }
      @ptr = FFI::AutoPointer.new(ptr, C.method(:avccdb_transaction_destroy))
    end

    # Sets key to value (at version when given). Returns self.
    def put(key, value, version: nil)
      key = Bytes.of(key)
      value = Bytes.of(value)
      Avccdb.check do |err|
        if version
          C.avccdb_transaction_put_with_version(live, key, key.bytesize, version, value,
                                                value.bytesize, err)
        else
          C.avccdb_transaction_put(live, key, key.bytesize, value, value.bytesize, err)
        end
      end
      self
    end
    alias []= put

    # Deletes key (as of version when given). Returns self.
    def delete(key, version: nil)
      key = Bytes.of(key)
      Avccdb.check do |err|
        if version
          C.avccdb_transaction_delete_with_version(live, key, key.bytesize, version, err)
        else
          C.avccdb_transaction_delete(live, key, key.bytesize, err)
        end
      end
      self
    end

    # Adds every record of batch, in order.
    def write(batch)
      Avccdb.check { |err| C.avccdb_transaction_write(live, batch.to_ptr, err) }
      self
    end

    # Makes every write visible at once and ends the transaction (on
    # failure the writes are thrown away and it has ended too).
    def commit
      Avccdb.check { |err| C.avccdb_transaction_commit(live, err) }
      nil
    end

    # Throws every write away and ends the transaction (no-op once ended).
    def discard
      C.avccdb_transaction_discard(live)
      nil
    end

    # Frees the handle (idempotent), discarding the transaction if open.
    def close
      @ptr&.free
      @ptr = nil
    end

    def closed?
      @ptr.nil?
    end

    private

    def live
      @ptr or raise ClosedError, "Closed: the transaction handle is closed"
    end
  end
end
