# frozen_string_literal: true

# Avccdb::Snapshot: a consistent read view of a DB. Pass it as snapshot:
# to any read. Released by #release (DB#snapshot's block form does it) or,
# failing that, by the garbage collector.
require_relative "native"
require_relative "errors"

module Avccdb
  class Snapshot
    # Releases a snapshot the program dropped. NULL for the db is allowed
    # (docs: the snapshot is still released); the DB may already be gone.
    RELEASE = ->(ptr) { C.avccdb_release_snapshot(nil, ptr) }

    def initialize(db_ptr)
      @db_ptr = db_ptr
      @ptr = FFI::AutoPointer.new(C.avccdb_create_snapshot(db_ptr), RELEASE)
    end

    # The sequence number the snapshot reads at.
    def sequence
      C.avccdb_snapshot_sequence(to_ptr)
    end

    def released?
      @ptr.nil?
    end

    # Releases the snapshot (idempotent); using it afterwards raises
    # ClosedError. Reads already under way through it (iterators) go on.
    def release
      return if @ptr.nil?

      @ptr.autorelease = false
      C.avccdb_release_snapshot(@db_ptr, @ptr)
      @ptr = nil
    end
    alias close release

    def to_ptr
      @ptr or raise ClosedError, "Closed: the snapshot is released"
    end
  end
end
