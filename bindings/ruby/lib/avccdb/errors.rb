# frozen_string_literal: true

# The exceptions: Avccdb::Error and one subclass per AVCCDB_ERR_* kind,
# and Avccdb.check, which turns a C call's errptr into one of them.
require_relative "native"

module Avccdb
  # A failure reported by libavccdb; #code is the AVCCDB_ERR_* number.
  # Rescue Avccdb::Error for any of them, or a subclass for one kind.
  class Error < StandardError
    CORRUPTION = 1
    IO = 2
    INVALID_ARGUMENT = 3
    NOT_FOUND = 4
    NOT_SUPPORTED = 5
    CLOSED = 6
    BUSY = 7
    INTERNAL = 8
    INVALID_PROOF = 9

    attr_reader :code

    def initialize(message, code = self.class::CODE)
      super(message)
      @code = code
    end

    # The exception for a failure with this code.
    def self.for_code(message, code)
      Avccdb::ERROR_CLASSES.fetch(code, InternalError).new(message, code)
    end
  end

  # Persistent data is malformed (also: a batch's bytes that do not load).
  class CorruptionError < Error; CODE = CORRUPTION; end
  # The operating system refused an operation (also: writes after a
  # background I/O error, until the database is reopened).
  class IOError < Error; CODE = IO; end
  # A bad argument or option; a missing database without
  # create_if_missing, an existing one with error_if_exists.
  class InvalidArgumentError < Error; CODE = INVALID_ARGUMENT; end
  # An unknown name where the library reports one as an error (keys that
  # are absent are not errors: the reads return nil).
  class NotFoundError < Error; CODE = NOT_FOUND; end
  # Valid but impossible here.
  class NotSupportedError < Error; CODE = NOT_SUPPORTED; end
  # The database was closed, a snapshot released, a transaction ended.
  class ClosedError < Error; CODE = CLOSED; end
  # The database is open elsewhere (its directory's LOCK is held).
  class BusyError < Error; CODE = BUSY; end
  # A bug caught at the library boundary.
  class InternalError < Error; CODE = INTERNAL; end
  # A Merkle proof that does not establish an answer for the query against
  # the root (Avccdb.verify_get_proof, Avccdb.verify_history_proof):
  # garbage or truncated bytes, a changed byte, a proof of another kind of
  # query or state, or of another key or version whose answer it does not
  # also establish.
  class InvalidProofError < Error; CODE = INVALID_PROOF; end

  ERROR_CLASSES = [CorruptionError, IOError, InvalidArgumentError, NotFoundError,
                   NotSupportedError, ClosedError, BusyError, InternalError,
                   InvalidProofError].to_h { |k| [k::CODE, k] }.freeze

  # The kind prefixes the library starts its messages with (docs/C_API.md).
  # The kind is taken from the message rather than avccdb_last_error_code
  # because a finalizer may run a C call on this thread between the
  # failing call and the code's read.
  MESSAGE_KINDS = {
    "Corruption: " => Error::CORRUPTION, "IO error: " => Error::IO,
    "Invalid argument: " => Error::INVALID_ARGUMENT, "NotFound: " => Error::NOT_FOUND,
    "Not implemented: " => Error::NOT_SUPPORTED, "Closed: " => Error::CLOSED,
    "Busy: " => Error::BUSY, "Internal error: " => Error::INTERNAL,
    "Invalid proof: " => Error::INVALID_PROOF
  }.freeze

  # Calls the block with a char** for errptr and raises the matching
  # Avccdb::Error if the call set it; returns the block's value otherwise.
  def self.check
    errptr = FFI::MemoryPointer.new(:pointer)
    result = yield errptr
    msg = errptr.read_pointer
    return result if msg.null?

    code = C.avccdb_last_error_code
    text = msg.read_string
    C.avccdb_free(msg)
    kind = MESSAGE_KINDS.find { |prefix, _| text.start_with?(prefix) }
    raise Error.for_code(text, kind ? kind[1] : code)
  end
end
