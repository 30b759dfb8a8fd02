# frozen_string_literal: true

# Merkle proofs: the MasterRoot, reads with proofs (DB methods, mixed into
# Avccdb::DB), the verifiers that need no database (Avccdb.verify_*), and
# the integrity check. docs/PROOF_FORMAT.md says what a proof establishes.
require_relative "native"
require_relative "bytes"
require_relative "errors"

module Avccdb
  # Size in bytes of a MasterRoot (AVCCDB_ROOT_SIZE).
  ROOT_SIZE = 32
  # AVCCDB_GET_FOUND, as returned by avccdb_verify_get_proof.
  GET_FOUND = 1

  # A value with the version it was written at.
  Versioned = Struct.new(:value, :version)

  # A read with its proof (DB#get_with_proof). value: the value of the
  # highest live version <= the version asked (binary String), or nil when
  # the key has none (the proof then proves the absence); version: the
  # version found (nil when absent); proof: the proof bytes; root: the
  # MasterRoot of the state read, which the proof verifies against.
  ProvenValue = Struct.new(:value, :version, :proof, :root) do
    def found?
      !value.nil?
    end
  end

  # A version history with its proof that no version is missing
  # (DB#version_history_with_proof): versions is an Array of
  # [version, value] pairs, newest first (empty when there is none).
  ProvenHistory = Struct.new(:versions, :proof, :root)

  # What DB#check_integrity found: counts of what was checked, problems
  # (one String per problem, naming the table; empty when intact) and the
  # library's text rendering of it all.
  IntegrityReport = Struct.new(:tables, :blocks, :records, :bytes, :problems, :text) do
    def ok?
      problems.empty?
    end
  end

  # Checks a proof from DB#get_with_proof against root (the 32-byte
  # binary MasterRoot) for key as of version (nil: the newest), without
  # any database. Returns the proven Versioned value, or nil when the proof
  # proves the key has no live value; raises InvalidProofError when the
  # proof does not hold (any bytes may be passed).
  def self.verify_get_proof(root, key, proof, version: nil)
    root = Bytes.root(root)
    key = Bytes.of(key)
    proof = Bytes.of(proof)
    val = FFI::MemoryPointer.new(:pointer)
    vallen = FFI::MemoryPointer.new(:size_t)
    found = FFI::MemoryPointer.new(:uint64)
    rc = check do |err|
      C.avccdb_verify_get_proof(root, key, key.bytesize, version || LATEST, proof,
                                proof.bytesize, val, vallen, found, err)
    end
    return nil unless rc == GET_FOUND

    Versioned.new(Bytes.take(val.read_pointer, vallen.read(:size_t)), found.read(:uint64))
  end

  # Checks a proof from DB#version_history_with_proof against root for key
  # and [min, max]; returns the proven history (Array of [version, value],
  # newest first, possibly empty) or raises InvalidProofError. min > max
  # raises InvalidArgumentError.
  def self.verify_history_proof(root, key, proof, min: 0, max: LATEST)
    root = Bytes.root(root)
    key = Bytes.of(key)
    proof = Bytes.of(proof)
    h = check do |err|
      C.avccdb_verify_history_proof(root, key, key.bytesize, min, max, proof, proof.bytesize, err)
    end
    Bytes.take_history(h)
  end

  # The DB methods that read roots and proofs (mixed into DB).
  module ProofReads
    # The MasterRoot (a ROOT_SIZE-byte binary String) of the current state,
    # or of the snapshot's. The current root moves with every write and
    # with background flushes and compactions (which change no answer); a
    # snapshot's stays the same while it lives, and so do the proofs read
    # through it. root.unpack1("H*") gives the hex form.
    def master_root(snapshot: nil)
      root = FFI::MemoryPointer.new(:uchar, ROOT_SIZE)
      Avccdb.check do |err|
        if snapshot
          C.avccdb_snapshot_master_root(live, snapshot.to_ptr, root, err)
        else
          C.avccdb_master_root(live, @ro, root, err)
        end
      end
      root.read_bytes(ROOT_SIZE)
    end

    # The value of the highest live version <= version (nil: the newest) of
    # key, from the current state or the snapshot's, with a proof of the
    # answer (found or absent) against the state's root: a ProvenValue.
    # Absence is an answer (value nil), not an error.
    def get_with_proof(key, version: nil, snapshot: nil)
      key = Bytes.of(key)
      vallen = FFI::MemoryPointer.new(:size_t)
      found = FFI::MemoryPointer.new(:uint64)
      root = FFI::MemoryPointer.new(:uchar, ROOT_SIZE)
      proof = FFI::MemoryPointer.new(:pointer)
      prooflen = FFI::MemoryPointer.new(:size_t)
      v = with_read(snapshot: snapshot) do |ro|
        Avccdb.check do |err|
          C.avccdb_get_with_proof(live, ro, key, key.bytesize, version || LATEST, vallen, found,
                                  root, proof, prooflen, err)
        end
      end
      begin
        value = v.null? ? nil : Bytes.take(v, vallen.read(:size_t))
      ensure
        proof_bytes = Bytes.take(proof.read_pointer, prooflen.read(:size_t))
      end
      ProvenValue.new(value, value && found.read(:uint64), proof_bytes, root.read_bytes(ROOT_SIZE))
    end

    # Every live version of key in [min, max], newest first, from the
    # current state or the snapshot's, with a proof that none is missing:
    # a ProvenHistory. min > max raises InvalidArgumentError.
    def version_history_with_proof(key, min: 0, max: LATEST, snapshot: nil)
      key = Bytes.of(key)
      root = FFI::MemoryPointer.new(:uchar, ROOT_SIZE)
      proof = FFI::MemoryPointer.new(:pointer)
      prooflen = FFI::MemoryPointer.new(:size_t)
      h = with_read(snapshot: snapshot) do |ro|
        Avccdb.check do |err|
          C.avccdb_version_history_with_proof(live, ro, key, key.bytesize, min, max, root, proof,
                                              prooflen, err)
        end
      end
      begin
        versions = Bytes.take_history(h)
      ensure
        proof_bytes = Bytes.take(proof.read_pointer, prooflen.read(:size_t))
      end
      ProvenHistory.new(versions, proof_bytes, root.read_bytes(ROOT_SIZE))
    end

    # Reads every live table (checksums verified) and recomputes its Merkle
    # roots: an IntegrityReport. Damage is listed in its problems, not
    # raised; an Error means the check could not run.
    def check_integrity
      r = Avccdb.check { |err| C.avccdb_check_integrity(live, err) }
      begin
        len = FFI::MemoryPointer.new(:size_t)
        problems = Array.new(C.avccdb_integrity_report_problem_count(r)) do |i|
          C.avccdb_integrity_report_problem_at(r, i, len).read_bytes(len.read(:size_t))
        end
        text = Bytes.take_text(C.avccdb_integrity_report_text(r))
        IntegrityReport.new(C.avccdb_integrity_report_tables(r),
                            C.avccdb_integrity_report_blocks(r),
                            C.avccdb_integrity_report_records(r),
                            C.avccdb_integrity_report_bytes(r), problems, text)
      ensure
        C.avccdb_integrity_report_destroy(r)
      end
    end
  end
end
