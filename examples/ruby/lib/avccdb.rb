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
# Merkle proofs: a read can come with a proof against the MasterRoot (a
# 32-byte binary String) of the state read, which anyone holding only the
# root checks without the database:
#
#   db.snapshot do |snap|
#     root = db.master_root(snapshot: snap)   # stable while snap lives
#     r = db.get_with_proof("k", snapshot: snap)
#     # elsewhere, with root, key and r.proof only:
#     Avccdb.verify_get_proof(root, "k", r.proof)  # => Versioned or nil (absent);
#   end                                            # raises InvalidProofError
#
# The library is found by the loader (`libavccdb.so.0`), or taken from
# ENV["AVCCDB_LIBRARY"] (a path) when set. Keys and values are byte strings
# (returned as ASCII-8BIT). Errors raise Avccdb::Error, whose #code is the
# AVCCDB_ERR_* number (Avccdb::InvalidProofError, a subclass, for proofs
# that do not hold). A DB may be used from several threads; iterators and
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
    attach_function :avccdb_options_set_merkle_on_write, %i[pointer uchar], :void
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
    attach_function :avccdb_put_with_version,
                    %i[pointer pointer buffer_in size_t uint64 buffer_in size_t pointer], :void,
                    blocking: true
    attach_function :avccdb_delete_with_version,
                    %i[pointer pointer buffer_in size_t uint64 pointer], :void, blocking: true
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

    attach_function :avccdb_version_history_count, [:pointer], :size_t
    attach_function :avccdb_version_history_version_at, %i[pointer size_t], :uint64
    attach_function :avccdb_version_history_value_at, %i[pointer size_t pointer], :pointer
    attach_function :avccdb_version_history_destroy, [:pointer], :void

    attach_function :avccdb_master_root, %i[pointer pointer pointer pointer], :void,
                    blocking: true
    attach_function :avccdb_snapshot_master_root, %i[pointer pointer pointer pointer], :void,
                    blocking: true
    attach_function :avccdb_get_with_proof,
                    %i[pointer pointer buffer_in size_t uint64 pointer pointer pointer pointer
                       pointer pointer], :pointer, blocking: true
    attach_function :avccdb_version_history_with_proof,
                    %i[pointer pointer buffer_in size_t uint64 uint64 pointer pointer pointer
                       pointer], :pointer, blocking: true
    attach_function :avccdb_verify_get_proof,
                    %i[buffer_in buffer_in size_t uint64 buffer_in size_t pointer pointer pointer
                       pointer], :int, blocking: true
    attach_function :avccdb_verify_history_proof,
                    %i[buffer_in buffer_in size_t uint64 uint64 buffer_in size_t pointer], :pointer,
                    blocking: true
    attach_function :avccdb_check_integrity, %i[pointer pointer], :pointer, blocking: true
    attach_function :avccdb_integrity_report_tables, [:pointer], :uint64
    attach_function :avccdb_integrity_report_blocks, [:pointer], :uint64
    attach_function :avccdb_integrity_report_records, [:pointer], :uint64
    attach_function :avccdb_integrity_report_bytes, [:pointer], :uint64
    attach_function :avccdb_integrity_report_problem_count, [:pointer], :size_t
    attach_function :avccdb_integrity_report_problem_at, %i[pointer size_t pointer], :pointer
    attach_function :avccdb_integrity_report_text, [:pointer], :pointer
    attach_function :avccdb_integrity_report_destroy, [:pointer], :void
  end

  # Size in bytes of a MasterRoot (AVCCDB_ROOT_SIZE).
  ROOT_SIZE = 32
  # As a read version: the newest version of a key (AVCCDB_MAX_VERSION);
  # as a history bound: the highest version.
  LATEST = 0xFFFF_FFFF_FFFF_FFFF
  # AVCCDB_GET_FOUND, as returned by avccdb_verify_get_proof.
  GET_FOUND = 1

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
    INVALID_PROOF = 9

    attr_reader :code

    def initialize(message, code)
      super(message)
      @code = code
    end

    # The exception for a failure with this code: InvalidProofError for
    # INVALID_PROOF, Error otherwise.
    def self.for_code(message, code)
      (code == INVALID_PROOF ? InvalidProofError : Error).new(message, code)
    end
  end

  # A Merkle proof that does not establish an answer for the query against
  # the root (Avccdb.verify_get_proof, Avccdb.verify_history_proof):
  # garbage or truncated bytes, a changed byte, a proof of another kind of
  # query or state, or of another key or version whose answer it does not
  # also establish (a proof that a key is absent also proves absent the keys
  # between the same neighbours). #code is Error::INVALID_PROOF.
  class InvalidProofError < Error; end

  # Raised when a closed DB or a released Snapshot is used.
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
      raise Error.for_code(text, code.zero? ? Error::INTERNAL : code)
    end
    result
  end

  # A value with the version it was written at (Avccdb.verify_get_proof).
  Versioned = Struct.new(:value, :version)

  # A read with its proof (DB#get_with_proof). value: the value of the
  # highest live version <= the version asked (binary String), or nil when
  # the key has none (never written, or deleted as of that version; the
  # proof then proves the absence); version: the version found (nil when
  # absent); proof: the proof bytes; root: the MasterRoot of the state read,
  # which the proof verifies against. All Strings are binary.
  ProvenValue = Struct.new(:value, :version, :proof, :root) do
    def found?
      !value.nil?
    end
  end

  # A version history with its proof that no version is missing
  # (DB#version_history_with_proof): versions is an Array of
  # [version, value] pairs, newest first (empty when there is none).
  ProvenHistory = Struct.new(:versions, :proof, :root)

  # What DB#check_integrity found: counts of what was checked, problems
  # (one String per problem, naming the table; empty when intact) and the
  # library's text rendering of it all.
  IntegrityReport = Struct.new(:tables, :blocks, :records, :bytes, :problems, :text) do
    def ok?
      problems.empty?
    end
  end

  # Checks a proof from DB#get_with_proof against root (the 32-byte binary
  # MasterRoot) for key as of version (nil: the newest) without any
  # database. Returns the proven Versioned value, or nil when the proof
  # proves that the key has no live value; raises InvalidProofError when
  # the proof does not hold (any bytes may be passed).
  def self.verify_get_proof(root, key, proof, version: nil)
    root = Buffers.check_root(root)
    key = key.b
    proof = proof.b
    val = FFI::MemoryPointer.new(:pointer)
    vallen = FFI::MemoryPointer.new(:size_t)
    found = FFI::MemoryPointer.new(:uint64)
    rc = check do |err|
      C.avccdb_verify_get_proof(root, key, key.bytesize, version || LATEST, proof,
                                proof.bytesize, val, vallen, found, err)
    end
    return nil unless rc == GET_FOUND

    Versioned.new(Buffers.take_bytes(val.read_pointer, vallen.read(:size_t)), found.read(:uint64))
  end

  # Checks a proof from DB#version_history_with_proof against root for key
  # and [min, max]; returns the proven history (Array of [version, value],
  # newest first, possibly empty) or raises InvalidProofError. min > max
  # raises Error (INVALID_ARGUMENT).
  def self.verify_history_proof(root, key, proof, min: 0, max: LATEST)
    root = Buffers.check_root(root)
    key = key.b
    proof = proof.b
    h = check do |err|
      C.avccdb_verify_history_proof(root, key, key.bytesize, min, max, proof, proof.bytesize,
                                    err)
    end
    Buffers.take_history(h)
  end

  # Conversions between Ruby Strings and library memory (not part of the API).
  module Buffers
    module_function

    # A root as a binary String of ROOT_SIZE bytes (the C side reads that
    # many), or ArgumentError.
    def check_root(root)
      root = String(root).b
      return root if root.bytesize == ROOT_SIZE

      raise ArgumentError, "a root is #{ROOT_SIZE} bytes, not #{root.bytesize}"
    end

    # Copies an owned buffer of the library into a binary String and frees it.
    def take_bytes(ptr, len)
      len.zero? ? "".b : ptr.read_bytes(len)
    ensure
      C.avccdb_free(ptr)
    end

    # Copies an owned NUL-terminated text into a String and frees it.
    def take_text(ptr)
      ptr.null? ? "" : ptr.read_string
    ensure
      C.avccdb_free(ptr)
    end

    # Copies a history handle into [[version, value], ...] and frees it.
    def take_history(h)
      len = FFI::MemoryPointer.new(:size_t)
      Array.new(C.avccdb_version_history_count(h)) do |i|
        v = C.avccdb_version_history_value_at(h, i, len)
        n = len.read(:size_t)
        [C.avccdb_version_history_version_at(h, i), n.zero? ? "".b : v.read_bytes(n)]
      end
    ensure
      C.avccdb_version_history_destroy(h)
    end
  end
  private_constant :Buffers

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

  # A consistent read view; pass it as `snapshot:` to DB#get, DB#each and
  # the proof calls. Using it after #release raises ClosedError.
  class Snapshot
    def initialize(db_ptr)
      @db = db_ptr
      @ptr = C.avccdb_create_snapshot(db_ptr)
      @readoptions = C.avccdb_readoptions_create
      C.avccdb_readoptions_set_snapshot(@readoptions, @ptr)
    end

    def released?
      @ptr.nil?
    end

    # The read options naming this snapshot.
    def readoptions
      raise ClosedError, "snapshot is released" if @ptr.nil?

      @readoptions
    end

    def to_ptr
      raise ClosedError, "snapshot is released" if @ptr.nil?

      @ptr
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
    # merkle_on_write: false defers hashing each table into its Merkle tree
    # until a root or proof first needs it (nil keeps the library's default,
    # true: hash tables as they are written); roots and proofs are the same.
    def self.open(path, create_if_missing: false, error_if_exists: false,
                  write_buffer_size: nil, merkle_on_write: nil)
      db = new(path, create_if_missing: create_if_missing, error_if_exists: error_if_exists,
                     write_buffer_size: write_buffer_size, merkle_on_write: merkle_on_write)
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

    def initialize(path, create_if_missing:, error_if_exists:, write_buffer_size:,
                   merkle_on_write: nil)
      opts = C.avccdb_options_create
      C.avccdb_options_set_create_if_missing(opts, create_if_missing ? 1 : 0)
      C.avccdb_options_set_error_if_exists(opts, error_if_exists ? 1 : 0)
      C.avccdb_options_set_write_buffer_size(opts, write_buffer_size) if write_buffer_size
      unless merkle_on_write.nil?
        C.avccdb_options_set_merkle_on_write(opts, merkle_on_write ? 1 : 0)
      end
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

    # Stores value under key; with version: at that version (versions of a
    # key are independent records; a read as of version v sees the highest
    # version <= v; without version the record is version 0).
    def put(key, value, sync: false, version: nil)
      key = key.b
      value = value.b
      Avccdb.check do |err|
        if version
          C.avccdb_put_with_version(live, wo(sync), key, key.bytesize, version, value,
                                    value.bytesize, err)
        else
          C.avccdb_put(live, wo(sync), key, key.bytesize, value, value.bytesize, err)
        end
      end
      nil
    end
    alias []= put

    # Deletes key; with version: as of that version (reads as of versions
    # >= it find nothing until a higher version is written).
    def delete(key, sync: false, version: nil)
      key = key.b
      Avccdb.check do |err|
        if version
          C.avccdb_delete_with_version(live, wo(sync), key, key.bytesize, version, err)
        else
          C.avccdb_delete(live, wo(sync), key, key.bytesize, err)
        end
      end
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
      ro = read_options(snapshot)
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

      it = C.avccdb_create_iterator(live, read_options(snapshot))
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

    # The MasterRoot (a ROOT_SIZE-byte binary String) of the current state,
    # or of the snapshot's. The current root moves with every write and with
    # background flushes and compactions (which change no answer); a
    # snapshot's stays the same while it lives, and so do the proofs read
    # through it. root.unpack1("H*") gives the hex form.
    def master_root(snapshot: nil)
      root = FFI::MemoryPointer.new(:uchar, ROOT_SIZE)
      Avccdb.check do |err|
        if snapshot
          C.avccdb_snapshot_master_root(live, snapshot.to_ptr, root, err)
        else
          C.avccdb_master_root(live, @ro, root, err)
        end
      end
      root.read_bytes(ROOT_SIZE)
    end

    # The value of the highest live version <= version (nil: the newest) of
    # key, from the current state or the snapshot's, with a proof of the
    # answer (found or absent) against the state's root: a ProvenValue.
    # Absence is an answer (value nil), not an error.
    def get_with_proof(key, version: nil, snapshot: nil)
      key = key.b
      vallen = FFI::MemoryPointer.new(:size_t)
      found = FFI::MemoryPointer.new(:uint64)
      root = FFI::MemoryPointer.new(:uchar, ROOT_SIZE)
      proof = FFI::MemoryPointer.new(:pointer)
      prooflen = FFI::MemoryPointer.new(:size_t)
      ro = read_options(snapshot)
      v = Avccdb.check do |err|
        C.avccdb_get_with_proof(live, ro, key, key.bytesize, version || LATEST, vallen, found,
                                root, proof, prooflen, err)
      end
      begin
        value = v.null? ? nil : Buffers.take_bytes(v, vallen.read(:size_t))
      ensure
        proof_bytes = Buffers.take_bytes(proof.read_pointer, prooflen.read(:size_t))
      end
      ProvenValue.new(value, value && found.read(:uint64), proof_bytes, root.read_bytes(ROOT_SIZE))
    end

    # Every live version of key in [min, max], newest first, from the
    # current state or the snapshot's, with a proof that none is missing:
    # a ProvenHistory. min > max raises Error (INVALID_ARGUMENT).
    def version_history_with_proof(key, min: 0, max: LATEST, snapshot: nil)
      key = key.b
      root = FFI::MemoryPointer.new(:uchar, ROOT_SIZE)
      proof = FFI::MemoryPointer.new(:pointer)
      prooflen = FFI::MemoryPointer.new(:size_t)
      ro = read_options(snapshot)
      h = Avccdb.check do |err|
        C.avccdb_version_history_with_proof(live, ro, key, key.bytesize, min, max, root, proof,
                                            prooflen, err)
      end
      begin
        versions = Buffers.take_history(h)
      ensure
        proof_bytes = Buffers.take_bytes(proof.read_pointer, prooflen.read(:size_t))
      end
      ProvenHistory.new(versions, proof_bytes, root.read_bytes(ROOT_SIZE))
    end

    # Reads every live table (checksums verified) and recomputes its Merkle
    # roots: an IntegrityReport. Damage is listed in its problems, not
    # raised; Error means the check could not run.
    def check_integrity
      r = Avccdb.check { |err| C.avccdb_check_integrity(live, err) }
      begin
        len = FFI::MemoryPointer.new(:size_t)
        problems = Array.new(C.avccdb_integrity_report_problem_count(r)) do |i|
          C.avccdb_integrity_report_problem_at(r, i, len).read_bytes(len.read(:size_t))
        end
        text = Buffers.take_text(C.avccdb_integrity_report_text(r))
        IntegrityReport.new(C.avccdb_integrity_report_tables(r),
                            C.avccdb_integrity_report_blocks(r),
                            C.avccdb_integrity_report_records(r),
                            C.avccdb_integrity_report_bytes(r), problems, text)
      ensure
        C.avccdb_integrity_report_destroy(r)
      end
    end

    private

    def read_options(snapshot)
      snapshot ? snapshot.readoptions : @ro
    end

    def live
      raise ClosedError, "database is closed" if @ptr.nil?

      @ptr
    end

    def wo(sync)
      sync ? @wo_sync : @wo
    end
  end
end
