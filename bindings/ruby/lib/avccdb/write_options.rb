# frozen_string_literal: true

# Avccdb::WriteOptions: the four avccdb_writeoptions_t a DB needs (sync:
# and no_write_merge: on or off), made once and shared by every write.
require_relative "native"

module Avccdb
  class WriteOptions
    def initialize
      @ptrs = [false, true].product([false, true]).to_h do |sync, no_merge|
        ptr = FFI::AutoPointer.new(C.avccdb_writeoptions_create,
                                   C.method(:avccdb_writeoptions_destroy))
        C.avccdb_writeoptions_set_sync(ptr, sync ? 1 : 0)
        C.avccdb_writeoptions_set_no_write_merge(ptr, no_merge ? 1 : 0)
        [[sync, no_merge], ptr]
      end
    end

    # The write options for sync: (fsync the journal before returning) and
    # no_write_merge: (do not merge this write with concurrent ones).
    def for(sync, no_write_merge)
      @ptrs.fetch([sync ? true : false, no_write_merge ? true : false])
    end
  end
  private_constant :WriteOptions
end
