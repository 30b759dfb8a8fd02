# frozen_string_literal: true

# Avccdb::Options: the options a database is opened with, as keywords
# (DB.open(path, write_buffer_size: 1 << 20, no_sync: true, ...)), held in
# an avccdb_options_t. Every avccdb_options_set_* is reachable by name
# (max_file_size is LevelDB's name for compaction_table_size: one setting).
require_relative "native"

module Avccdb
  class Options
    # Keyword => accepted values, for the error message.
    COMPRESSION = { none: 0, snappy: 1 }.freeze
    NAMES = C::OPTION_TYPES.keys.freeze

    # Options with the library's defaults, then the keywords set. An
    # unknown keyword is an ArgumentError; a value the library can never
    # accept is remembered by it and makes DB.open raise
    # InvalidArgumentError naming the setter (docs/C_API.md).
    def initialize(**settings)
      @ptr = FFI::AutoPointer.new(C.avccdb_options_create, C.method(:avccdb_options_destroy))
      settings.each { |name, value| self[name] = value }
    end

    def []=(name, value)
      type = C::OPTION_TYPES.fetch(name) do
        raise ArgumentError, "unknown option #{name.inspect} (known: #{NAMES.join(', ')})"
      end
      C.public_send(:"avccdb_options_set_#{name}", @ptr, to_c(name, type, value))
    end

    # The value the options hold, read back from the library.
    def [](name)
      type = C::OPTION_TYPES.fetch(name) { raise ArgumentError, "unknown option #{name.inspect}" }
      from_c(name, type, C.public_send(:"avccdb_options_get_#{name}", @ptr))
    end

    # Every option's value, read back from the library.
    def to_h
      NAMES.to_h { |name| [name, self[name]] }
    end

    def to_ptr
      @ptr
    end

    private

    def to_c(name, type, value)
      case type
      when :uchar then value ? 1 : 0
      when :double then Float(value)
      else name == :compression ? compression_code(value) : Integer(value)
      end
    end

    def from_c(name, type, raw)
      case type
      when :uchar then raw != 0
      else name == :compression ? COMPRESSION.key(raw) || raw : raw
      end
    end

    def compression_code(value)
      return value if value.is_a?(Integer) # passed on: the library judges it

      COMPRESSION.fetch(value) do
        raise ArgumentError, "compression is one of #{COMPRESSION.keys.inspect}, not #{value.inspect}"
      end
    end
  end
end
