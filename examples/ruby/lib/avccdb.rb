# frozen_string_literal: true

# Avccdb: a Ruby binding of libavccdb's C API through the ffi gem.
#
#   require "avccdb"
#   Avccdb::DB.open("/tmp/db", create_if_missing: true) do |db|
#     db.put("k", "v")
#     db.get("k")            # => "v" (binary String), nil when absent
#     db.each { |k, v| ... } # ascending key order
#   end
#
# The library is found by the loader (`libavccdb.so.0`), or taken from
# ENV["AVCCDB_LIBRARY"] (a path) when set. Keys and values are byte strings
# (returned as ASCII-8BIT). Errors raise Avccdb::Error, whose #code is the
# AVCCDB_ERR_* number. A DB may be used from several threads; iterators and
# batches by one thread at a time.
require "ffi"

module Avccdb
  # The raw C functions.
  module C
    extend FFI::Library
    ffi_lib ENV.fetch("AVCCDB_LIBRARY", "libavccdb.so.0")

    attach_function :avccdb_last_error_code, [], :int32
    attach_function :avccdb_free, [:pointer], :void
    attach_function :avccdb_major_version, [], :int32
    attach_function :avccdb_minor_version, [], :int32

    attach_function :avccdb_options_create, [], :pointer
    attach_function :avccdb_options_destroy, [:pointer], :void
    attach_function :avccdb_options_set_create_if_missing, %i[pointer uchar], :void
    attach_function :avccdb_options_set_error_if_exists, %i[pointer uchar], :void
    attach_function :avccdb_options_set_write_buffer_size, %i[pointer size_t], :void
    attach_function :avccdb_readoptions_create, [], :pointer
    attach_function :avccdb_readoptions_destroy, [:pointer], :void
    attach_function :avccdb_readoptions_set_snapshot, %i[pointer pointer], :void
    attach_function :avccdb_writeoptions_create, [], :pointer
    attach_function :avccdb_writeoptions_destroy, [:pointer], :void
    attach_function :avccdb_writeoptions_set_sync, %i[pointer uchar], :void

    attach_function :avccdb_open, %i[pointer string pointer], :pointer, blocking: true
    attach_function :avccdb_close, [:pointer], :void, blocking: true
    attach_function :avccdb_destroy_db, %i[pointer string pointer], :void, blocking: true
    attach_function :avccdb_put,
                    %i[pointer pointer buffer_in size_t buffer_in size_t pointer], :void,
                    blocking: true
    attach_function :avccdb_delete, %i[pointer pointer buffer_in size_t pointer], :void,
                    blocking: true
    attach_function :avccdb_write, %i[pointer pointer pointer pointer], :void, blocking: true
    attach_function :avccdb_get,
                    %i[pointer pointer buffer_in size_t pointer pointer], :pointer,
                    blocking: true
    attach_function :avccdb_property_value, %i[pointer string], :pointer
    attach_function :avccdb_create_snapshot, [:pointer], :pointer
    attach_function :avccdb_release_snapshot, %i[pointer pointer], :void

    attach_function :avccdb_writebatch_create, [], :pointer
    attach_function :avccdb_writebatch_destroy, [:pointer], :void
    attach_function :avccdb_writebatch_clear, [:pointer], :void
    attach_function :avccdb_writebatch_put, %i[pointer buffer_in size_t buffer_in size_t], :void
    attach_function :avccdb_writebatch_delete, %i[pointer buffer_in size_t], :void

    attach_function :avccdb_create_iterator, %i[pointer pointer], :pointer
    attach_function :avccdb_iter_destroy, [:pointer], :void
    attach_function :avccdb_iter_valid, [:pointer], :uchar
    attach_function :avccdb_iter_seek_to_first, [:pointer], :void
    attach_function :avccdb_iter_seek_to_last, [:pointer], :void
    attach_function :avccdb_iter_seek, %i[pointer buffer_in size_t], :void
    attach_function :avccdb_iter_next, [:pointer], :void
    attach_function :avccdb_iter_prev, [:pointer], :void
    attach_function :avccdb_iter_key, %i[pointer pointer], :pointer
    attach_function :avccdb_iter_value, %i[pointer pointer], :pointer
    attach_function :avccdb_iter_get_error, %i[pointer pointer], :void
  end

  # A failure reported by libavccdb; #code is the AVCCDB_ERR_* number.
  class Error < StandardError
    CORRUPTION = 1
    IO = 2
    INVALID_ARGUMENT = 3
    NOT_FOUND = 4
    NOT_SUPPORTED = 5
    CLOSED = 6
    BUSY = 7
    INTERNAL = 8

    attr_reader :code

    def initialize(message, code)
      super(message)
      @code = code
    end
  end

  # Raised when a closed DB is used.
  class ClosedError < StandardError; end

  # Calls the block with a char** for errptr and raises if it was set.
  # The code is read right after the call; a Ruby thread stays on its OS
  # thread, so it is the code of that call.
  def self.check
    errptr = FFI::MemoryPointer.new(:pointer)
    result = yield errptr
    msg = errptr.read_pointer
    unless msg.null?
      code = C.avccdb_last_error_code
      text = msg.read_string
      C.avccdb_free(msg)
      raise Error.new(text, code.zero? ? Error::INTERNAL : code)
    end
    result
  end

  def self.version
    "#{C.avccdb_major_version}.#{C.avccdb_minor_version}"
  end

  # Atomic group of updates for DB#write.
  class WriteBatch
    def initialize
      @ptr = FFI::AutoPointer.new(C.avccdb_writebatch_create, C.method(:avccdb_writebatch_destroy))
    end

    def put(key, value)
      key = key.b
      value = value.b
      C.avccdb_writebatch_put(@ptr, key, key.bytesize, value, value.bytesize)
      self
    end

    def delete(key)
      key = key.b
      C.avccdb_writebatch_delete(@ptr, key, key.bytesize)
      self
    end

    def clear
      C.avccdb_writebatch_clear(@ptr)
      self
    end

    def to_ptr
      @ptr
    end
  end

  # A consistent read view; pass it as `snapshot:` to DB#get and DB#each.
  class Snapshot
    attr_reader :readoptions

    def initialize(db_ptr)
      @db = db_ptr
      @ptr = C.avccdb_create_snapshot(db_ptr)
      @readoptions = C.avccdb_readoptions_create
      C.avccdb_readoptions_set_snapshot(@readoptions, @ptr)
    end

    def release
      return if @ptr.nil?

      C.avccdb_readoptions_destroy(@readoptions)
      C.avccdb_release_snapshot(@db, @ptr)
      @ptr = nil
    end
  end

  # An open database.
  class DB
    include Enumerable

    # Opens the database at path; with a block, yields it and closes it.
    def self.open(path, create_if_missing: false, error_if_exists: false,
                  write_buffer_size: nil)
      db = new(path, create_if_missing: create_if_missing, error_if_exists: error_if_exists,
                     write_buffer_size: write_buffer_size)
      return db unless block_given?

      begin
        yield db
      ensure
        db.close
      end
    end

    # Deletes the database at path (which must not be open).
    def self.destroy(path)
      opts = C.avccdb_options_create
      Avccdb.check { |err| C.avccdb_destroy_db(opts, path, err) }
    ensure
      C.avccdb_options_destroy(opts)
    end

    def initialize(path, create_if_missing:, error_if_exists:, write_buffer_size:)
      opts = C.avccdb_options_create
      C.avccdb_options_set_create_if_missing(opts, create_if_missing ? 1 : 0)
      C.avccdb_options_set_error_if_exists(opts, error_if_exists ? 1 : 0)
      C.avccdb_options_set_write_buffer_size(opts, write_buffer_size) if write_buffer_size
      @ptr = Avccdb.check { |err| C.avccdb_open(opts, path, err) }
      @ro = C.avccdb_readoptions_create
      @wo = C.avccdb_writeoptions_create
      @wo_sync = C.avccdb_writeoptions_create
      C.avccdb_writeoptions_set_sync(@wo_sync, 1)
    ensure
      C.avccdb_options_destroy(opts)
    end

    def closed?
      @ptr.nil?
    end

    # Closes the database (idempotent). Release snapshots first.
    def close
      return if @ptr.nil?

      C.avccdb_close(@ptr)
      C.avccdb_readoptions_destroy(@ro)
      [@wo, @wo_sync].each { |p| C.avccdb_writeoptions_destroy(p) }
      @ptr = nil
    end

    def put(key, value, sync: false)
      key = key.b
      value = value.b
      Avccdb.check do |err|
        C.avccdb_put(live, wo(sync), key, key.bytesize, value, value.bytesize, err)
      end
      nil
    end
    alias []= put

    def delete(key, sync: false)
      key = key.b
      Avccdb.check { |err| C.avccdb_delete(live, wo(sync), key, key.bytesize, err) }
      nil
    end

    def write(batch, sync: false)
      Avccdb.check { |err| C.avccdb_write(live, wo(sync), batch.to_ptr, err) }
      nil
    end

    # The value (a binary String; "" for an empty value) or nil if absent.
    def get(key, snapshot: nil)
      key = key.b
      len = FFI::MemoryPointer.new(:size_t)
      ro = snapshot ? snapshot.readoptions : @ro
      v = Avccdb.check { |err| C.avccdb_get(live, ro, key, key.bytesize, len, err) }
      return nil if v.null?

      begin
        v.read_bytes(len.read(:size_t))
      ensure
        C.avccdb_free(v)
      end
    end
    alias [] get

    # A text property such as "leveldb.stats", or nil if unknown.
    def property(name)
      v = C.avccdb_property_value(live, name)
      return nil if v.null?

      begin
        v.read_string
      ensure
        C.avccdb_free(v)
      end
    end

    def snapshot
      snap = Snapshot.new(live)
      return snap unless block_given?

      begin
        yield snap
      ensure
        snap.release
      end
    end

    # Yields [key, value] in ascending key order, starting at `from` (or the
    # first key); in reverse order with reverse: true.
    def each(from: nil, reverse: false, snapshot: nil)
      return enum_for(:each, from: from, reverse: reverse, snapshot: snapshot) unless block_given?

      it = C.avccdb_create_iterator(live, snapshot ? snapshot.readoptions : @ro)
      begin
        if from
          from = from.b
          C.avccdb_iter_seek(it, from, from.bytesize)
        elsif reverse
          C.avccdb_iter_seek_to_last(it)
        else
          C.avccdb_iter_seek_to_first(it)
        end
        len = FFI::MemoryPointer.new(:size_t)
        while C.avccdb_iter_valid(it) != 0
          k = C.avccdb_iter_key(it, len).read_bytes(len.read(:size_t))
          v = C.avccdb_iter_value(it, len).read_bytes(len.read(:size_t))
          yield k, v
          reverse ? C.avccdb_iter_prev(it) : C.avccdb_iter_next(it)
        end
        Avccdb.check { |err| C.avccdb_iter_get_error(it, err) }
      ensure
        C.avccdb_iter_destroy(it)
      end
      self
    end

    private

    def live
      raise ClosedError, "database is closed" if @ptr.nil?

      @ptr
    end

    def wo(sync)
      sync ? @wo_sync : @wo
    end
  end
end
