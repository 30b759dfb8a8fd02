# frozen_string_literal: true

# The avccdb gem: the Ruby binding of libavccdb (which it does not bundle:
# install the library first, see README.md). `gem build avccdb.gemspec`.
require_relative "lib/avccdb/version"

Gem::Specification.new do |s|
  s.name = "avccdb"
  s.version = Avccdb::VERSION
  s.summary = "Ruby binding of libavccdb: versioned LSM key-value store with Merkle proofs"
  s.description = "Avccdb::DB over libavccdb's C API through the ffi gem: versioned " \
                  "reads and writes, batches, snapshots, transactions, Enumerable scans, " \
                  "statistics, and Merkle proofs with a verifier that needs no database."
  s.authors = ["avccdb developers"]
  s.license = "Apache-2.0"
  s.files = Dir.chdir(__dir__) { Dir["lib/**/*.rb"] + ["README.md", "avccdb.gemspec"] }
  s.require_paths = ["lib"]
  s.required_ruby_version = ">= 2.7"
  s.add_runtime_dependency "ffi", "~> 1.12"
  s.add_development_dependency "minitest", "~> 5.0"
  s.requirements << "libavccdb.so.0 (the avccdb C library), found by the loader, " \
                    "pkg-config or ENV['AVCCDB_LIBRARY']"
end
