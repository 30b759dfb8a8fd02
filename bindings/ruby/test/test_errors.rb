# frozen_string_literal: true

# Error kinds: one exception class per AVCCDB_ERR_* under Avccdb::Error,
# each raised by a real failure; nil (not an exception) for absent keys.
require_relative "helper"

class TestErrors < AvccdbTest
  def assert_kind(klass, code)
    err = assert_raises(klass) { yield }
    assert_kind_of Avccdb::Error, err
    assert_equal code, err.code
    refute_empty err.message
    err
  end

  def test_one_class_per_kind_under_one_base
    classes = [Avccdb::CorruptionError, Avccdb::IOError, Avccdb::InvalidArgumentError,
               Avccdb::NotFoundError, Avccdb::NotSupportedError, Avccdb::ClosedError,
               Avccdb::BusyError, Avccdb::InternalError, Avccdb::InvalidProofError]
    assert_equal (1..9).to_a, classes.map { |k| k::CODE }
    classes.each do |k|
      assert_operator k, :<, Avccdb::Error
      assert_equal k, Avccdb::Error.for_code("x", k::CODE).class
    end
    assert_operator Avccdb::Error, :<, StandardError
  end

  def test_open_errors
    err = assert_kind(Avccdb::InvalidArgumentError, Avccdb::Error::INVALID_ARGUMENT) do
      Avccdb::DB.open(@path) # missing, without create_if_missing
    end
    assert_match(/\AInvalid argument: /, err.message)
    db = open_db
    assert_kind(Avccdb::BusyError, Avccdb::Error::BUSY) { Avccdb::DB.open(@path) }
    db.close
    assert_kind(Avccdb::InvalidArgumentError, Avccdb::Error::INVALID_ARGUMENT) do
      open_db(error_if_exists: true)
    end
    Avccdb::DB.destroy(@path)
    assert_kind(Avccdb::InvalidArgumentError, Avccdb::Error::INVALID_ARGUMENT) { Avccdb::DB.open(@path) }
  end

  def test_closed_handles
    db = open_db
    snap = db.snapshot
    t_closed = db.transaction
    t_closed.commit
    assert_kind(Avccdb::ClosedError, Avccdb::Error::CLOSED) { t_closed.put("k", "v") } # from C
    t_closed.close
    db.close
    db.close # idempotent
    assert db.closed?
    assert_kind(Avccdb::ClosedError, Avccdb::Error::CLOSED) { db.get("k") }
    assert_kind(Avccdb::ClosedError, Avccdb::Error::CLOSED) { db.put("k", "v") }
    assert_kind(Avccdb::ClosedError, Avccdb::Error::CLOSED) { db.each.to_a }
    snap.release
    assert_kind(Avccdb::ClosedError, Avccdb::Error::CLOSED) { snap.sequence }
    b = Avccdb::WriteBatch.new
    b.close
    assert_kind(Avccdb::ClosedError, Avccdb::Error::CLOSED) { b.put("k", "v") }
  end

  def test_corruption_from_malformed_batch_bytes
    good = Avccdb::WriteBatch.new.put("k", "v").dump
    err = assert_kind(Avccdb::CorruptionError, Avccdb::Error::CORRUPTION) do
      Avccdb::WriteBatch.load(good.byteslice(0, good.bytesize - 1))
    end
    assert_match(/\ACorruption: /, err.message)
  end

  def test_invalid_argument_from_bad_options_and_ranges
    err = assert_kind(Avccdb::InvalidArgumentError, Avccdb::Error::INVALID_ARGUMENT) do
      open_db(max_open_files: -1)
    end
    assert_match(/max_open_files/, err.message)
    open_db do |db|
      assert_kind(Avccdb::InvalidArgumentError, Avccdb::Error::INVALID_ARGUMENT) do
        db.version_history_with_proof("k", min: 5, max: 4)
      end
      assert_kind(Avccdb::InvalidArgumentError, Avccdb::Error::INVALID_ARGUMENT) do
        db.compact_level(99)
      end
    end
  end

  def test_not_found_is_nil_and_empty_is_empty
    open_db do |db|
      db.put("empty", "")
      assert_equal "", db.get("empty")
      assert_nil db.get("missing")
      assert_equal Avccdb::Versioned.new("", 0), db.get_versioned("empty")
      assert_nil db.get_versioned("missing")
      assert_equal [], db.history("missing")
      assert_nil db.property("no.such.property")
      assert_nil db.property_int("no_such_counter")
    end
  end

  def test_non_strings_are_refused
    open_db do |db|
      assert_raises(TypeError) { db.put(1, "v") }
      assert_raises(TypeError) { db.get(:k) }
      assert_raises(ArgumentError) { db.get("k", nonsense: 1) }
    end
  end
end
