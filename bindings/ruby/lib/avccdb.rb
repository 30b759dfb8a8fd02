# frozen_string_literal: true

# Avccdb: Ruby binding of libavccdb (include/avccdb.h) over the ffi gem.
# See README.md next to avccdb.gemspec for a quickstart.
#
#   require "avccdb"
#   Avccdb::DB.open("/tmp/db", create_if_missing: true) do |db|
#     db.put("k", "v", version: 3)
#     db.get("k")                       # => "v" (binary String), nil when absent
#     db.each(from: "a", to: "z") { |key, value| ... }
#   end
require_relative "avccdb/version"
require_relative "avccdb/native"
require_relative "avccdb/errors"
require_relative "avccdb/db"
