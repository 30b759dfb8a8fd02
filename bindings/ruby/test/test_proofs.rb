# frozen_string_literal: true

# Merkle proofs: roots, reads with proofs, the verifiers, tampering, the
# integrity check.
require_relative "helper"

class TestProofs < AvccdbTest

  LATEST = Avccdb::LATEST

  # Versioned records of "acct" and "empty" between enough filler (plain
  # puts, version 0) to flush several tables with a 64 KiB write buffer, so
  # proofs cross the memdb and table layers.
  #   acct: 10 "a10", 20 "a20", deleted at 30   empty: 7 ""   f00000..f01999: 0
  def proof_fixture(db)
    filler = ->(range) { range.each { |i| db.put(format("f%05d", i), (i % 256).chr * 300) } }
    db.put("acct", "a10", version: 10)
    filler.call(0...1000)
    db.put("acct", "a20", version: 20)
    filler.call(1000...2000)
    db.delete("acct", version: 30)
    db.put("empty", "", version: 7)
  end

  def open_proof_db(path = @path, **opts, &block)
    Avccdb::DB.open(path, create_if_missing: true, write_buffer_size: 64 * 1024, **opts, &block)
  end

  # [key, version asked, value (nil: absent), version found]
  GET_CASES = [
    ["acct", nil, nil, nil], # deleted at 30
    ["acct", 30, nil, nil],
    ["acct", 29, "a20", 20],
    ["acct", 15, "a10", 10], # an older version
    ["acct", 9, nil, nil],   # before the first version
    ["empty", LATEST, "", 7],
    ["f00123", nil, 123.chr * 300, 0],
    ["f01999", 0, (1999 % 256).chr * 300, 0],
    ["never", nil, nil, nil],
    ["", nil, nil, nil],     # the empty key, never written
    ["zzzz", nil, nil, nil]  # after every key
  ].freeze

  # [key, min, max, [[version, value], ...]]
  HISTORY_CASES = [
    ["acct", 0, LATEST, [[20, "a20"], [10, "a10"]]],
    ["acct", 10, 20, [[20, "a20"], [10, "a10"]]],
    ["acct", 15, LATEST, [[20, "a20"]]],
    ["acct", 11, 19, []],
    ["acct", 30, 30, []], # the deletion is left out
    ["empty", 0, LATEST, [[7, ""]]],
    ["never", 0, LATEST, []]
  ].freeze

  # Reads every case with a proof and checks the answer, and that the
  # proof verifies, with only the root, to the same answer.
  def check_proven(db, snapshot: nil, root: nil)
    GET_CASES.each do |key, version, value, at|
      what = "#{key.inspect}@#{version.inspect}"
      r = db.get_with_proof(key, version: version, snapshot: snapshot)
      assert_instance_of Avccdb::ProvenValue, r
      assert_equal [value, at, !value.nil?], [r.value, r.version, r.found?], what
      assert_equal Encoding::ASCII_8BIT, r.value.encoding, what if value
      assert_equal Encoding::ASCII_8BIT, r.proof.encoding
      refute_empty r.proof, what
      assert_equal Avccdb::ROOT_SIZE, r.root.bytesize
      assert_equal root, r.root, what if root
      v = Avccdb.verify_get_proof(r.root, key, r.proof, version: version)
      if value
        assert_equal Avccdb::Versioned.new(value, at), v, what
      else
        assert_nil v, what
      end
    end
    HISTORY_CASES.each do |key, min, max, want|
      what = "#{key.inspect}[#{min}, #{max}]"
      h = db.version_history_with_proof(key, min: min, max: max, snapshot: snapshot)
      assert_equal want, h.versions, what
      refute_empty h.proof, what
      assert_equal root, h.root, what if root
      assert_equal want, Avccdb.verify_history_proof(h.root, key, h.proof, min: min, max: max), what
    end
  end

  # Found, absent, deleted, older versions and histories, from the current
  # state and from a snapshot, before and after reopening.
  def test_proof_round_trips
    open_proof_db do |db|
      proof_fixture(db)
      check_proven_with_snapshot(db)
    end
    Avccdb::DB.open(@path) do |db|
      check_proven_with_snapshot(db)
      # min > max is a bad argument, not an invalid proof, on both sides.
      [-> { db.version_history_with_proof("acct", min: 5, max: 4) },
       -> { Avccdb.verify_history_proof("\0" * 32, "acct", "AVCP", min: 5, max: 4) }].each do |call|
        err = assert_raises(Avccdb::Error) { call.call }
        refute_kind_of Avccdb::InvalidProofError, err
        assert_equal Avccdb::Error::INVALID_ARGUMENT, err.code
      end
    end
  end

  def check_proven_with_snapshot(db)
    check_proven(db)
    root = nil
    db.snapshot do |snap|
      root = db.master_root(snapshot: snap)
      assert_equal Avccdb::ROOT_SIZE, root.bytesize
      assert_equal Encoding::ASCII_8BIT, root.encoding
      # The same root through read options naming the snapshot.
      via_ro = FFI::MemoryPointer.new(:uchar, Avccdb::ROOT_SIZE)
      ro = Avccdb::C.avccdb_readoptions_create
      Avccdb::C.avccdb_readoptions_set_snapshot(ro, snap.to_ptr)
      Avccdb.check do |err|
        Avccdb::C.avccdb_master_root(db.instance_variable_get(:@ptr), ro, via_ro, err)
      end
      Avccdb::C.avccdb_readoptions_destroy(ro)
      assert_equal root, via_ro.read_bytes(Avccdb::ROOT_SIZE)
      check_proven(db, snapshot: snap, root: root)
      assert_equal root, db.master_root(snapshot: snap)
    end
    db.snapshot.tap do |snap|
      snap.release
      assert snap.released?
      assert_raises(Avccdb::ClosedError) { db.master_root(snapshot: snap) }
      assert_raises(Avccdb::ClosedError) { db.get_with_proof("acct", snapshot: snap) }
      assert_raises(Avccdb::ClosedError) { db.get("acct", snapshot: snap) }
    end
    assert_equal Avccdb::ROOT_SIZE, db.master_root.bytesize
  end

  # A snapshot's root stays put, and proofs through it verify against it,
  # while another thread keeps writing (flushes and compactions move the
  # current root meanwhile).
  def test_snapshot_root_stable_while_writing
    open_proof_db do |db|
      proof_fixture(db)
      db.snapshot do |snap|
        root = db.master_root(snapshot: snap)
        writer = Thread.new do
          4000.times do |i|
            db.put(format("f%05d", (i * 7) % 2500), "w" * (200 + (i % 100)))
            db.put("acct", "later", version: 40 + i) if (i % 500).zero?
          end
        end
        rounds = 0
        loop do
          writing = writer.alive?
          check_proven(db, snapshot: snap, root: root)
          assert_equal root, db.master_root(snapshot: snap)
          rounds += 1
          break unless writing
        end
        writer.join
        assert_operator rounds, :>=, 1

        # The current state moved on: another root, another answer, and its
        # proof does not verify against the snapshot's root.
        cur = db.get_with_proof("acct")
        assert_equal "later", cur.value
        refute_equal root, cur.root
        assert_equal "later", Avccdb.verify_get_proof(cur.root, "acct", cur.proof).value
        assert_raises(Avccdb::InvalidProofError) do
          Avccdb.verify_get_proof(root, "acct", cur.proof)
        end
      end
    end
  end

  def assert_invalid_proof(what)
    err = assert_raises(Avccdb::InvalidProofError, what) { yield }
    assert_kind_of Avccdb::Error, err
    assert_equal Avccdb::Error::INVALID_PROOF, err.code, what
    assert_match(/\AInvalid proof: /, err.message, what)
  end

  # Every changed byte, every truncation, an extension, another key, another
  # version, another root and garbage all raise InvalidProofError.
  def test_tampered_proofs_rejected
    open_proof_db do |db|
      proof_fixture(db)
      db.snapshot do |snap|
        root = db.master_root(snapshot: snap)
        p = db.get_with_proof("acct", version: 29, snapshot: snap)
        h = db.version_history_with_proof("acct", snapshot: snap)
        assert_equal "a20", p.value
        assert_equal 2, h.versions.size
        get = lambda do |proof, r: root, key: "acct", version: 29|
          Avccdb.verify_get_proof(r, key, proof, version: version)
        end
        hist = lambda do |proof, r: root, key: "acct", min: 0|
          Avccdb.verify_history_proof(r, key, proof, min: min)
        end
        { "get" => [p.proof, get], "history" => [h.proof, hist] }.each do |name, (proof, verify)|
          verify.call(proof)
          proof.bytesize.times do |i|
            [0x01, 0xff].each do |flip|
              bad = proof.dup
              bad.setbyte(i, bad.getbyte(i) ^ flip)
              assert_invalid_proof("#{name} byte #{i} ^ #{flip}") { verify.call(bad) }
            end
            assert_invalid_proof("#{name} truncated to #{i}") { verify.call(proof.byteslice(0, i)) }
          end
          assert_invalid_proof("#{name} + 1 byte") { verify.call(proof + "\0") }
        end
        # The right proof for another query, or against another root.
        assert_invalid_proof("another key") { get.call(p.proof, key: "empty") }
        assert_invalid_proof("another key") { get.call(p.proof, key: "f00123") }
        assert_invalid_proof("another version") { get.call(p.proof, version: LATEST) }
        assert_invalid_proof("another version") { get.call(p.proof, version: 15) }
        assert_invalid_proof("history proof as a get proof") { get.call(h.proof) }
        assert_invalid_proof("get proof as a history proof") { hist.call(p.proof) }
        assert_invalid_proof("history, another key") { hist.call(h.proof, key: "empty") }
        assert_invalid_proof("history, another range") { hist.call(h.proof, min: 15) }
        # A proof checked for another query either fails or gives that
        # query's true answer: the absence of "never" also proves "nevermore"
        # absent (nothing lies between their neighbours), and acct@29 holds
        # at 25.
        never = db.get_with_proof("never", snapshot: snap)
        assert_nil never.value
        assert_nil get.call(never.proof, key: "nevermore", version: LATEST)
        assert_equal Avccdb::Versioned.new("a20", 20), get.call(p.proof, version: 25)
        assert_invalid_proof("absence proof for a key that exists") do
          get.call(never.proof, key: "f00000", version: LATEST)
        end
        other = root.dup
        other.setbyte(31, other.getbyte(31) ^ 1)
        assert_invalid_proof("another root") { get.call(p.proof, r: other) }
        assert_invalid_proof("another root") { hist.call(h.proof, r: other) }
        # Garbage, including nothing at all.
        assert_invalid_proof("empty proof") { get.call("") }
        assert_invalid_proof("empty proof") { hist.call("") }
        rng = Random.new(3)
        100.times do |i|
          junk = rng.bytes(rng.rand(300))
          junk[0, 4] = "AVCP" if i.even? && junk.bytesize >= 4
          assert_invalid_proof("random bytes") { get.call(junk) }
          assert_invalid_proof("random bytes") { hist.call(junk) }
        end
        # A root must be 32 bytes: anything else is refused before C reads it.
        assert_raises(ArgumentError) { get.call(p.proof, r: root.byteslice(0, 31)) }
        assert_raises(ArgumentError) { hist.call(h.proof, r: "#{root}x") }
      end
    end
  end

  # The integrity check is clean with tables hashed as they are written and
  # with hashing deferred; roots and proofs work both ways.
  def test_check_integrity_and_merkle_on_write
    [nil, true, false].each_with_index do |merkle, i|
      path = File.join(@dir, "db#{i}")
      db = open_proof_db(path, merkle_on_write: merkle)
      proof_fixture(db)
      check_proven(db)
      r = db.check_integrity
      assert_instance_of Avccdb::IntegrityReport, r
      assert r.ok?, r.text
      assert_empty r.problems
      assert_operator r.tables, :>, 0
      assert_operator r.blocks, :>=, r.tables
      assert_operator r.records, :>, 0
      assert_operator r.bytes, :>, 0
      assert r.text.start_with?("tables #{r.tables}, blocks #{r.blocks}, records #{r.records}, " \
                                "bytes #{r.bytes}, problems 0"), r.text
      db.close
      assert_raises(Avccdb::ClosedError) { db.check_integrity }
      assert_raises(Avccdb::ClosedError) { db.master_root }
      assert_raises(Avccdb::ClosedError) { db.get_with_proof("k") }
      assert_raises(Avccdb::ClosedError) { db.version_history_with_proof("k") }
    end
  end
end
