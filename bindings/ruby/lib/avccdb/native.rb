# frozen_string_literal: true

# Avccdb::C: the raw functions of include/avccdb.h, attached with the ffi
# gem. Nothing here converts or owns anything; the classes of this gem do.
# Calls that may wait (I/O, locks, compaction) are attached with
# `blocking: true` so that other Ruby threads run meanwhile.
require "ffi"
require_relative "library_path"

module Avccdb
  module C
    extend FFI::Library
    begin
      ffi_lib Avccdb::LibraryPath.resolve
    rescue LoadError => e
      raise LoadError, "#{e.message} (install libavccdb and make it findable: " \
                       "ENV['AVCCDB_LIBRARY'], PKG_CONFIG_PATH or the loader's path; " \
                       "see the gem's README)"
    end

    # Each open option: its C type (setter and getter are
    # avccdb_options_set_<name> / avccdb_options_get_<name>).
    OPTION_TYPES = {
      create_if_missing: :uchar, error_if_exists: :uchar, paranoid_checks: :uchar,
      write_buffer_size: :size_t, max_open_files: :int, block_cache_capacity: :size_t,
      block_size: :size_t, block_restart_interval: :int, max_file_size: :size_t,
      compression: :int, write_l0_slowdown_trigger: :int, write_l0_pause_trigger: :int,
      compaction_l0_trigger: :int, compaction_table_size: :uint64,
      compaction_total_size: :uint64, compaction_total_size_multiplier: :double,
      no_write_merge: :uchar, no_sync: :uchar, disable_large_batch_transaction: :uchar,
      bloom_bits_per_key: :int, merkle_on_write: :uchar
    }.freeze

    # Library and errors.
    attach_function :avccdb_last_error_code, [], :int32
    attach_function :avccdb_free, [:pointer], :void
    attach_function :avccdb_major_version, [], :int32
    attach_function :avccdb_minor_version, [], :int32

    # Options.
    attach_function :avccdb_options_create, [], :pointer
    attach_function :avccdb_options_destroy, [:pointer], :void
    OPTION_TYPES.each do |name, type|
      attach_function :"avccdb_options_set_#{name}", [:pointer, type], :void
      attach_function :"avccdb_options_get_#{name}", [:pointer], type
    end
    attach_function :avccdb_readoptions_create, [], :pointer
    attach_function :avccdb_readoptions_destroy, [:pointer], :void
    attach_function :avccdb_readoptions_set_snapshot, %i[pointer pointer], :void
    attach_function :avccdb_readoptions_set_verify_checksums, %i[pointer uchar], :void
    attach_function :avccdb_readoptions_set_fill_cache, %i[pointer uchar], :void
    attach_function :avccdb_readoptions_set_lower_bound, %i[pointer buffer_in size_t], :void
    attach_function :avccdb_readoptions_set_upper_bound, %i[pointer buffer_in size_t], :void
    attach_function :avccdb_readoptions_set_all_versions, %i[pointer uchar], :void
    attach_function :avccdb_readoptions_get_verify_checksums, [:pointer], :uchar
    attach_function :avccdb_readoptions_get_fill_cache, [:pointer], :uchar
    attach_function :avccdb_readoptions_get_all_versions, [:pointer], :uchar
    attach_function :avccdb_readoptions_has_snapshot, [:pointer], :uchar
    attach_function :avccdb_readoptions_get_lower_bound, %i[pointer pointer], :pointer
    attach_function :avccdb_readoptions_get_upper_bound, %i[pointer pointer], :pointer
    attach_function :avccdb_writeoptions_create, [], :pointer
    attach_function :avccdb_writeoptions_destroy, [:pointer], :void
    attach_function :avccdb_writeoptions_set_sync, %i[pointer uchar], :void
    attach_function :avccdb_writeoptions_set_no_write_merge, %i[pointer uchar], :void
    attach_function :avccdb_writeoptions_get_sync, [:pointer], :uchar
    attach_function :avccdb_writeoptions_get_no_write_merge, [:pointer], :uchar

    # Database.
    attach_function :avccdb_open, %i[pointer string pointer], :pointer, blocking: true
    attach_function :avccdb_close, [:pointer], :void, blocking: true
    attach_function :avccdb_destroy_db, %i[pointer string pointer], :void, blocking: true
    attach_function :avccdb_repair_db, %i[pointer string pointer], :void, blocking: true
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
    attach_function :avccdb_get_with_version,
                    %i[pointer pointer buffer_in size_t uint64 pointer pointer pointer], :pointer,
                    blocking: true
    attach_function :avccdb_version_history,
                    %i[pointer pointer buffer_in size_t uint64 uint64 pointer], :pointer,
                    blocking: true
    attach_function :avccdb_version_history_count, [:pointer], :size_t
    attach_function :avccdb_version_history_version_at, %i[pointer size_t], :uint64
    attach_function :avccdb_version_history_value_at, %i[pointer size_t pointer], :pointer
    attach_function :avccdb_version_history_destroy, [:pointer], :void

    # Snapshots.
    attach_function :avccdb_create_snapshot, [:pointer], :pointer
    attach_function :avccdb_release_snapshot, %i[pointer pointer], :void
    attach_function :avccdb_snapshot_sequence, [:pointer], :uint64

    # Batches.
    callback :batch_put_fn, %i[pointer pointer size_t pointer size_t], :void
    callback :batch_delete_fn, %i[pointer pointer size_t], :void
    callback :batch_put_version_fn, %i[pointer pointer size_t pointer size_t uint64 uchar], :void
    callback :batch_delete_version_fn, %i[pointer pointer size_t uint64 uchar], :void
    attach_function :avccdb_writebatch_create, [], :pointer
    attach_function :avccdb_writebatch_destroy, [:pointer], :void
    attach_function :avccdb_writebatch_clear, [:pointer], :void
    attach_function :avccdb_writebatch_put, %i[pointer buffer_in size_t buffer_in size_t], :void
    attach_function :avccdb_writebatch_delete, %i[pointer buffer_in size_t], :void
    attach_function :avccdb_writebatch_put_with_version,
                    %i[pointer buffer_in size_t uint64 buffer_in size_t], :void
    attach_function :avccdb_writebatch_delete_with_version,
                    %i[pointer buffer_in size_t uint64], :void
    attach_function :avccdb_writebatch_count, [:pointer], :size_t
    attach_function :avccdb_writebatch_iterate,
                    %i[pointer pointer batch_put_fn batch_delete_fn], :void
    attach_function :avccdb_writebatch_iterate_versions,
                    %i[pointer pointer batch_put_version_fn batch_delete_version_fn], :void
    attach_function :avccdb_writebatch_append, %i[pointer pointer], :void
    attach_function :avccdb_writebatch_data, %i[pointer pointer], :pointer
    attach_function :avccdb_writebatch_load, %i[pointer buffer_in size_t pointer], :void

    # Iterators.
    attach_function :avccdb_create_iterator, %i[pointer pointer], :pointer, blocking: true
    attach_function :avccdb_iter_destroy, [:pointer], :void
    attach_function :avccdb_iter_valid, [:pointer], :uchar
    attach_function :avccdb_iter_seek_to_first, [:pointer], :void, blocking: true
    attach_function :avccdb_iter_seek_to_last, [:pointer], :void, blocking: true
    attach_function :avccdb_iter_seek, %i[pointer buffer_in size_t], :void, blocking: true
    attach_function :avccdb_iter_next, [:pointer], :void, blocking: true
    attach_function :avccdb_iter_prev, [:pointer], :void, blocking: true
    attach_function :avccdb_iter_key, %i[pointer pointer], :pointer
    attach_function :avccdb_iter_value, %i[pointer pointer], :pointer
    attach_function :avccdb_iter_version, [:pointer], :uint64
    attach_function :avccdb_iter_get_error, %i[pointer pointer], :void

    # Transactions.
    attach_function :avccdb_open_transaction, %i[pointer pointer], :pointer, blocking: true
    attach_function :avccdb_transaction_put,
                    %i[pointer buffer_in size_t buffer_in size_t pointer], :void, blocking: true
    attach_function :avccdb_transaction_put_with_version,
                    %i[pointer buffer_in size_t uint64 buffer_in size_t pointer], :void,
                    blocking: true
    attach_function :avccdb_transaction_delete, %i[pointer buffer_in size_t pointer], :void,
                    blocking: true
    attach_function :avccdb_transaction_delete_with_version,
                    %i[pointer buffer_in size_t uint64 pointer], :void, blocking: true
    attach_function :avccdb_transaction_write, %i[pointer pointer pointer], :void, blocking: true
    attach_function :avccdb_transaction_commit, %i[pointer pointer], :void, blocking: true
    attach_function :avccdb_transaction_discard, [:pointer], :void, blocking: true
    attach_function :avccdb_transaction_destroy, [:pointer], :void, blocking: true

    # Statistics and maintenance.
    attach_function :avccdb_property_value, %i[pointer string], :pointer
    attach_function :avccdb_property_int, %i[pointer string pointer], :uchar
    attach_function :avccdb_stats_counter_count, [], :size_t
    attach_function :avccdb_stats_counter_name, [:size_t], :string
    attach_function :avccdb_approximate_sizes,
                    %i[pointer int pointer pointer pointer pointer pointer], :void,
                    blocking: true
    attach_function :avccdb_compact_range2,
                    %i[pointer buffer_in size_t buffer_in size_t pointer], :void, blocking: true
    attach_function :avccdb_compact_level,
                    %i[pointer int buffer_in size_t buffer_in size_t pointer], :void,
                    blocking: true
    attach_function :avccdb_pause_compactions, [:pointer], :pointer, blocking: true
    attach_function :avccdb_resume_compactions, [:pointer], :void

    # Merkle proofs and integrity.
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
end
