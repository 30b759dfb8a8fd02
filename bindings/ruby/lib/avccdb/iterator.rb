# frozen_string_literal: true

# Avccdb::Iterator: a cursor over a DB's records (DB#iterator), for seeks
# and walks in both directions. DB#each covers plain scans. Freed by
# #close (DB#iterator's block form does it) or by the garbage collector.
# One thread at a time.
require_relative "native"
require_relative "bytes"
require_relative "errors"

module Avccdb
  class Iterator
    include Enumerable

    # A record as an iterator reports it.
    Record = Struct.new(:key, :value, :version)

    def initialize(db_ptr, ro)
      @ptr = FFI::AutoPointer.new(C.avccdb_create_iterator(db_ptr, ro), C.method(:avccdb_iter_destroy))
      @len = FFI::MemoryPointer.new(:size_t)
    end

    # Moves to the first record (within the bounds); returns self.
    def seek_to_first
      C.avccdb_iter_seek_to_first(live)
      self
    end
    alias first! seek_to_first

    def seek_to_last
      C.avccdb_iter_seek_to_last(live)
      self
    end
    alias last! seek_to_last

    # Moves to the first record whose key is >= key.
    def seek(key)
      key = Bytes.of(key)
      C.avccdb_iter_seek(live, key, key.bytesize)
      self
    end

    def next
      C.avccdb_iter_next(live)
      self
    end

    def prev
      C.avccdb_iter_prev(live)
      self
    end

    # Whether the iterator is at a record; at the end it raises the error
    # that ended the walk, if one did.
    def valid?
      return true if C.avccdb_iter_valid(live) != 0

      Avccdb.check { |err| C.avccdb_iter_get_error(@ptr, err) }
      false
    end

    def key
      C.avccdb_iter_key(live, @len).read_bytes(@len.read(:size_t))
    end

    def value
      C.avccdb_iter_value(live, @len).read_bytes(@len.read(:size_t))
    end

    # The current record's version.
    def version
      C.avccdb_iter_version(live)
    end

    def record
      Record.new(key, value, version)
    end

    # Yields a Record for each record from the current position onwards.
    def each
      return enum_for(:each) unless block_given?

      while valid?
        yield record
        self.next
      end
      self
    end

    def close
      @ptr&.free
      @ptr = nil
    end

    def closed?
      @ptr.nil?
    end

    private

    def live
      @ptr or raise ClosedError, "Closed: the iterator is closed"
    end
  end
end
