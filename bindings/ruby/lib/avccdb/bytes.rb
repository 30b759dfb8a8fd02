# frozen_string_literal: true

# Avccdb::Bytes: conversions between Ruby Strings and library memory.
# Keys and values go in as their bytes, whatever their encoding, and come
# out as ASCII-8BIT (binary) Strings.
require_relative "native"

module Avccdb
  module Bytes
    BINARY = Encoding::ASCII_8BIT

    module_function

    # The bytes of s as a binary String (s itself when it already is one,
    # to save a copy on the hot paths).
    def of(s)
      s = String.try_convert(s) or raise TypeError, "expected a String, got #{s.class}"
      s.encoding == BINARY ? s : s.b
    end

    # A root as a binary String of ROOT_SIZE bytes, or ArgumentError.
    def root(root)
      root = of(root)
      return root if root.bytesize == ROOT_SIZE

      raise ArgumentError, "a root is #{ROOT_SIZE} bytes, not #{root.bytesize}"
    end

    # Copies len borrowed bytes at ptr into a binary String.
    def read(ptr, len)
      len.zero? ? "".b : ptr.read_bytes(len)
    end

    # Copies an owned buffer of the library into a binary String and frees it.
    def take(ptr, len)
      read(ptr, len)
    ensure
      C.avccdb_free(ptr)
    end

    # Copies an owned NUL-terminated text into a String and frees it.
    def take_text(ptr)
      ptr.null? ? "" : ptr.read_string
    ensure
      C.avccdb_free(ptr)
    end

    # Copies a history handle into [[version, value], ...] (newest first)
    # and frees it.
    def take_history(h)
      len = FFI::MemoryPointer.new(:size_t)
      Array.new(C.avccdb_version_history_count(h)) do |i|
        v = C.avccdb_version_history_value_at(h, i, len)
        [C.avccdb_version_history_version_at(h, i), read(v, len.read(:size_t))]
      end
    ensure
      C.avccdb_version_history_destroy(h)
    end
  end
  private_constant :Bytes
end
