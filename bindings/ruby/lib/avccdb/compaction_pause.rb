# frozen_string_literal: true

# Avccdb::CompactionPause: automatic table compaction held until #resume
# (DB#pause_compactions; its block form resumes). Memdb flushes go on, so
# writes continue until level 0 reaches the pause trigger, then wait.
# A pause the program drops is resumed by the garbage collector.
require_relative "native"

module Avccdb
  class CompactionPause
    def initialize(db_ptr)
      @ptr = FFI::AutoPointer.new(C.avccdb_pause_compactions(db_ptr),
                                  C.method(:avccdb_resume_compactions))
    end

    # Ends the pause (idempotent). Pauses nest: compaction restarts when
    # the last one ends.
    def resume
      @ptr&.free
      @ptr = nil
    end

    def resumed?
      @ptr.nil?
    end
  end
end
