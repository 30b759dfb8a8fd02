# frozen_string_literal: true

# Avccdb::DB: an open database — reads and writes (with versions),
# Enumerable scans, batches, snapshots, transactions and iterators.
# Proof reads come from ProofReads, statistics and compaction from
# Maintenance. One DB may be used from any number of Ruby threads at once
# (the C calls release the GVL); #close must be its last call.
require_relative "native"
require_relative "bytes"
require_relative "errors"
require_relative "options"
require_relative "read_options"
require_relative "write_options"
require_relative "write_batch"
require_relative "snapshot"
require_relative "iterator"
require_relative "transaction"
require_relative "proofs"
require_relative "maintenance"

module Avccdb
  # As a read version: the newest version of a key (AVCCDB_MAX_VERSION);
  # as a history bound: the highest version.
  LATEST = 0xFFFF_FFFF_FFFF_FFFF

  class DB
    include Enumerable
    include ProofReads
    include Maintenance

    # Opens the database at path with the options given as keywords
    # (Options::NAMES; create_if_missing: false by default). With a block,
    # yields the DB and closes it when the block ends.
    def self.open(path, **options)
      db = new(path, **options)
      return db unless block_given?

      begin
        yield db
      ensure
        db.close
      end
    end

    # Deletes the database at path (which must not be open).
    def self.destroy(path, **options)
      opts = Options.new(**options)
      Avccdb.check { |err| C.avccdb_destroy_db(opts.to_ptr, path, err) }
      nil
    end

    # Rebuilds what can be read of a damaged database at path.
    def self.repair(path, **options)
      opts = Options.new(**options)
      Avccdb.check { |err| C.avccdb_repair_db(opts.to_ptr, path, err) }
      nil
    end

    # Prefer DB.open. The database is closed by #close or, if the program
    # drops it, by the garbage collector.
    def initialize(path, **options)
      opts = Options.new(**options)
      ptr = Avccdb.check { |err| C.avccdb_open(opts.to_ptr, path, err) }
      @ptr = FFI::AutoPointer.new(ptr, C.method(:avccdb_close))
      @ro = FFI::AutoPointer.new(C.avccdb_readoptions_create, C.method(:avccdb_readoptions_destroy))
      @wo = WriteOptions.new
    end

    def closed?
      @ptr.nil?
    end

    # Closes the database (idempotent); using it afterwards raises
    # ClosedError. Snapshots and iterators taken from it stay readable
    # until released; transactions fail with ClosedError.
    def close
      return if @ptr.nil?

      ptr = @ptr
      @ptr = nil
      ptr.free
    end

    # Stores value under key, at version when given (versions of a key are
    # independent records; without version the record is version 0).
    # sync: fsync the journal first; no_write_merge: do not merge this
    # write with concurrent ones.
    def put(key, value, version: nil, sync: false, no_write_merge: false)
      key = Bytes.of(key)
      value = Bytes.of(value)
      wo = @wo.for(sync, no_write_merge)
      Avccdb.check do |err|
        if version
          C.avccdb_put_with_version(live, wo, key, key.bytesize, version, value, value.bytesize,
                                    err)
        else
          C.avccdb_put(live, wo, key, key.bytesize, value, value.bytesize, err)
        end
      end
      nil
    end

    def []=(key, value)
      put(key, value)
    end

    # Deletes key, as of version when given (reads as of versions >= it
    # find nothing until a higher version is written).
    def delete(key, version: nil, sync: false, no_write_merge: false)
      key = Bytes.of(key)
      wo = @wo.for(sync, no_write_merge)
      Avccdb.check do |err|
        if version
          C.avccdb_delete_with_version(live, wo, key, key.bytesize, version, err)
        else
          C.avccdb_delete(live, wo, key, key.bytesize, err)
        end
      end
      nil
    end

    # The value of key (a binary String; "" for an empty value), or nil
    # when it has none. With version: as of that version (the highest
    # version <= it). Read keywords: snapshot:, verify_checksums:,
    # fill_cache:.
    def get(key, version: nil, **read)
      return get_versioned(key, version: version, **read)&.value if version

      key = Bytes.of(key)
      len = FFI::MemoryPointer.new(:size_t)
      v = with_read(**read) do |ro|
        Avccdb.check { |err| C.avccdb_get(live, ro, key, key.bytesize, len, err) }
      end
      v.null? ? nil : Bytes.take(v, len.read(:size_t))
    end

    def [](key)
      get(key)
    end

    # The value of the highest version <= version (nil: the newest) of key
    # with the version found, as a Versioned, or nil when there is none.
    def get_versioned(key, version: nil, **read)
      key = Bytes.of(key)
      len = FFI::MemoryPointer.new(:size_t)
      found = FFI::MemoryPointer.new(:uint64)
      v = with_read(**read) do |ro|
        Avccdb.check do |err|
          C.avccdb_get_with_version(live, ro, key, key.bytesize, version || LATEST, len, found, err)
        end
      end
      v.null? ? nil : Versioned.new(Bytes.take(v, len.read(:size_t)), found.read(:uint64))
    end

    # Every live version of key in [min, max], newest first, as
    # [[version, value], ...] (empty when there is none).
    def history(key, min: 0, max: LATEST, **read)
      key = Bytes.of(key)
      h = with_read(**read) do |ro|
        Avccdb.check { |err| C.avccdb_version_history(live, ro, key, key.bytesize, min, max, err) }
      end
      Bytes.take_history(h)
    end

    # Applies every record of batch atomically.
    def write(batch, sync: false, no_write_merge: false)
      wo = @wo.for(sync, no_write_merge)
      Avccdb.check { |err| C.avccdb_write(live, wo, batch.to_ptr, err) }
      nil
    end

    # Yields a new WriteBatch and writes it when the block returns (not if
    # it raises); the batch is freed either way. Returns the record count.
    def batch(sync: false, no_write_merge: false)
      b = WriteBatch.new
      yield b
      write(b, sync: sync, no_write_merge: no_write_merge)
      b.count
    ensure
      b&.close
    end

    # Opens a Transaction (waiting for the write lock). With a block:
    # yields it, commits when the block returns, discards if it raises,
    # and returns the block's value.
    def transaction
      t = Transaction.new(live)
      return t unless block_given?

      begin
        result = yield t
        t.commit
        result
      ensure
        t.close # discards unless committed
      end
    end

    # Takes a Snapshot; with a block, yields it and releases it after.
    def snapshot
      snap = Snapshot.new(live)
      return snap unless block_given?

      begin
        yield snap
      ensure
        snap.release
      end
    end

    # An Iterator with the read keywords (snapshot:, from:, to:,
    # versions:, verify_checksums:, fill_cache:), unpositioned; with a
    # block, yields it and closes it after.
    def iterator(**read)
      it = with_read(**read) { |ro| Iterator.new(live, ro) }
      return it unless block_given?

      begin
        yield it
      ensure
        it.close
      end
    end

    # Yields [key, value] for each record in ascending key order
    # (descending with reverse: true), keys in [from, to) when given. With
    # versions: true, every live version of each key (newest first within
    # a key) with its version: [key, value, version]. Read keywords as for
    # #iterator. Without a block, an Enumerator.
    def each(reverse: false, versions: false, **read, &block)
      unless block
        return enum_for(:each, reverse: reverse, versions: versions, **read)
      end

      each_record(reverse: reverse, versions: versions, **read) do |r|
        # One Array, as Hash#each does: |key, value| destructures it and
        # Enumerable methods (map(&:first), to_h) see one element.
        yield(versions ? [r.key, r.value, r.version] : [r.key, r.value])
      end
    end

    # As #each, yielding Iterator::Record (key, value, version) structs:
    # the newest version's number too when versions: is false.
    def each_record(reverse: false, **read)
      return enum_for(:each_record, reverse: reverse, **read) unless block_given?

      iterator(**read) do |it|
        reverse ? it.seek_to_last : it.seek_to_first
        while it.valid?
          yield it.record
          reverse ? it.prev : it.next
        end
      end
      self
    end

    private

    def with_read(**read, &block)
      ReadOptions.with(@ro, **read, &block)
    end

    def live
      @ptr or raise ClosedError, "Closed: the database is closed"
    end
  end
end
