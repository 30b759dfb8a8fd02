# frozen_string_literal: true

# The gem's version, and the loaded library's (Avccdb.library_version).
module Avccdb
  VERSION = "0.1.0"

  # "major.minor" of the libavccdb that was loaded.
  def self.library_version
    "#{C.avccdb_major_version}.#{C.avccdb_minor_version}"
  end

  # Kept for code written against the first example binding.
  def self.version
    library_version
  end
end
