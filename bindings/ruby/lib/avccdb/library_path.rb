# frozen_string_literal: true

# Avccdb::LibraryPath: which libavccdb file the gem loads.
module Avccdb
  module LibraryPath
    # The SONAME of the major version this gem is written for.
    SONAME = "libavccdb.so.0"

    module_function

    # ENV["AVCCDB_LIBRARY"] (a path) when set; else the library in
    # `pkg-config --variable=libdir avccdb` when pkg-config knows avccdb
    # (an install under a prefix the loader does not search); else the
    # SONAME, for the loader to find.
    def resolve
      explicit = ENV.fetch("AVCCDB_LIBRARY", "")
      return explicit unless explicit.empty?

      from_pkg_config || SONAME
    end

    def from_pkg_config
      libdir = IO.popen(%w[pkg-config --variable=libdir avccdb], err: File::NULL, &:read).strip
      path = File.join(libdir, SONAME)
      libdir.empty? || !File.exist?(path) ? nil : path
    rescue SystemCallError
      nil # no pkg-config on this machine
    end
  end
end
