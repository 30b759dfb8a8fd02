# frozen_string_literal: true

# Shared by every test file: minitest, the gem, and a fresh directory per
# test (@dir, with @path a database path inside it).
require "minitest/autorun"
require "fileutils"
require "tmpdir"
require "avccdb"

# Under CTest the suite must run against the gem `gem install` put there.
installed = ENV.fetch("AVCCDB_EXPECT_INSTALLED_GEM", "")
unless installed.empty? || $LOADED_FEATURES.grep(%r{/avccdb/db\.rb\z}).first&.start_with?(installed)
  abort "avccdb was not loaded from the installed gem under #{installed}: #{$LOADED_FEATURES.grep(/avccdb/)}"
end

class AvccdbTest < Minitest::Test
  def setup
    @dir = Dir.mktmpdir("avccdb-ruby")
    @path = File.join(@dir, "db")
  end

  def teardown
    FileUtils.remove_entry(@dir)
  end

  def open_db(path = @path, **opts, &block)
    Avccdb::DB.open(path, create_if_missing: true, **opts, &block)
  end

  # The raw C handle of a DB, for tests that call the C API directly.
  def raw(db)
    db.instance_variable_get(:@ptr)
  end
end
