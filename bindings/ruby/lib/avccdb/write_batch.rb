# frozen_string_literal: true

# Avccdb::WriteBatch: an atomic group of puts and deletes (with versions)
# for DB#write, DB#batch and Transaction#write; Enumerable over its
# records; dumps to and loads from the bytes of docs/BATCH_FORMAT.md.
require_relative "native"
require_relative "bytes"
require_relative "errors"

module Avccdb
  class WriteBatch
    include Enumerable

    # One record of a batch. type: :put or :delete; value: nil for a
    # delete; version: the record's version (0 when added without one);
    # versioned: whether it was added with a version.
    Record = Struct.new(:type, :key, :value, :version, :versioned)

    # A batch holding the records serialized in bytes (as #dump gives
    # them); CorruptionError when they are malformed.
    def self.load(bytes)
      new.load!(bytes)
    end

    # An empty batch. The C batch is freed by #close or, failing that, by
    # the garbage collector.
    def initialize
      @ptr = FFI::AutoPointer.new(C.avccdb_writebatch_create, C.method(:avccdb_writebatch_destroy))
    end

    # Adds "set key to value", at version when given. Returns self.
    def put(key, value, version: nil)
      key = Bytes.of(key)
      value = Bytes.of(value)
      if version
        C.avccdb_writebatch_put_with_version(live, key, key.bytesize, version, value, value.bytesize)
      else
        C.avccdb_writebatch_put(live, key, key.bytesize, value, value.bytesize)
      end
      self
    end
    alias []= put

    # Adds "delete key", as of version when given. Returns self.
    def delete(key, version: nil)
      key = Bytes.of(key)
      if version
        C.avccdb_writebatch_delete_with_version(live, key, key.bytesize, version)
      else
        C.avccdb_writebatch_delete(live, key, key.bytesize)
      end
      self
    end

    # Number of records.
    def count(*args, &block)
      return super if !args.empty? || block

      C.avccdb_writebatch_count(live)
    end
    alias size count
    alias length count

    def empty?
      count.zero?
    end

    # Yields each Record in order.
    def each
      return enum_for(:each) { count } unless block_given?

      records = []
      put_fn = proc do |_, k, klen, v, vlen, version, versioned|
        records << Record.new(:put, Bytes.read(k, klen), Bytes.read(v, vlen), version, versioned != 0)
      end
      delete_fn = proc do |_, k, klen, version, versioned|
        records << Record.new(:delete, Bytes.read(k, klen), nil, version, versioned != 0)
      end
      # Collected first, yielded after: the block may then change the batch.
      C.avccdb_writebatch_iterate_versions(live, nil, put_fn, delete_fn)
      records.each { |r| yield r }
      self
    end

    # The serialized records (a binary String): what .load and C's
    # avccdb_writebatch_load take.
    def dump
      len = FFI::MemoryPointer.new(:size_t)
      Bytes.read(C.avccdb_writebatch_data(live, len), len.read(:size_t))
    end
    alias to_s dump

    # Replaces the records with those serialized in bytes; on
    # CorruptionError the batch is left empty. Returns self.
    def load!(bytes)
      bytes = Bytes.of(bytes)
      Avccdb.check { |err| C.avccdb_writebatch_load(live, bytes, bytes.bytesize, err) }
      self
    end

    # Appends other's records after this batch's (other is unchanged).
    def append(other)
      C.avccdb_writebatch_append(live, other.to_ptr)
      self
    end
    alias << append

    # Removes every record.
    def clear
      C.avccdb_writebatch_clear(live)
      self
    end

    # Same records in the same order.
    def ==(other)
      other.is_a?(WriteBatch) && dump == other.dump
    end

    # Frees the C batch now (idempotent); using it afterwards raises
    # ClosedError.
    def close
      @ptr&.free
      @ptr = nil
    end

    def closed?
      @ptr.nil?
    end

    def to_ptr
      live
    end

    private

    def live
      @ptr or raise ClosedError, "Closed: the batch is closed"
    end
  end
end
