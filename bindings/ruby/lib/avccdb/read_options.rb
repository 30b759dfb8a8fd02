# frozen_string_literal: true

# Avccdb::ReadOptions: the keywords every read takes (snapshot:,
# verify_checksums:, fill_cache:, and for iteration from:, to:, versions:)
# turned into an avccdb_readoptions_t for the length of one call.
require_relative "native"
require_relative "bytes"

module Avccdb
  module ReadOptions
    KEYWORDS = %i[snapshot verify_checksums fill_cache from to versions].freeze

    module_function

    # Yields read options for opts: `default` (the DB's shared, untouched
    # object) when opts are all nil, else a fresh object destroyed after
    # the block. from: is inclusive, to: exclusive (iteration bounds);
    # versions: true makes iterators yield every version of each key.
    def with(default, snapshot: nil, verify_checksums: nil, fill_cache: nil, from: nil, to: nil,
             versions: nil)
      if snapshot.nil? && verify_checksums.nil? && fill_cache.nil? && from.nil? && to.nil? &&
         versions.nil?
        return yield default
      end

      ro = C.avccdb_readoptions_create
      begin
        C.avccdb_readoptions_set_snapshot(ro, snapshot.to_ptr) if snapshot
        C.avccdb_readoptions_set_verify_checksums(ro, verify_checksums ? 1 : 0) unless verify_checksums.nil?
        C.avccdb_readoptions_set_fill_cache(ro, fill_cache ? 1 : 0) unless fill_cache.nil?
        C.avccdb_readoptions_set_all_versions(ro, versions ? 1 : 0) unless versions.nil?
        bound(ro, :lower, from)
        bound(ro, :upper, to)
        yield ro
      ensure
        C.avccdb_readoptions_destroy(ro)
      end
    end

    def bound(ro, side, key)
      return if key.nil?

      key = Bytes.of(key)
      C.public_send(:"avccdb_readoptions_set_#{side}_bound", ro, key, key.bytesize)
    end
  end
  private_constant :ReadOptions
end
