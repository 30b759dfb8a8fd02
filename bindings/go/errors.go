// errors.go: the error type, its kinds and the sentinel values matched with
// errors.Is.
package avccdb

// /* The library is found through CGO_LDFLAGS or pkg-config: see doc.go. */
//
// #cgo LDFLAGS: -lavccdb
// #include "shim.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// Kind is the category of a failure: the AVCCDB_ERR_* code of the C API.
// A Kind is itself an error, so each one serves as a sentinel value for
// errors.Is.
type Kind int

// The kinds (AVCCDB_ERR_* in avccdb.h; the numbers never change).
const (
	KindCorruption      Kind = C.AVCCDB_ERR_CORRUPTION
	KindIO              Kind = C.AVCCDB_ERR_IO
	KindInvalidArgument Kind = C.AVCCDB_ERR_INVALID_ARGUMENT
	KindNotFound        Kind = C.AVCCDB_ERR_NOT_FOUND
	KindNotSupported    Kind = C.AVCCDB_ERR_NOT_SUPPORTED
	KindClosed          Kind = C.AVCCDB_ERR_CLOSED
	KindBusy            Kind = C.AVCCDB_ERR_BUSY
	KindInternal        Kind = C.AVCCDB_ERR_INTERNAL
	KindInvalidProof    Kind = C.AVCCDB_ERR_INVALID_PROOF
)

var kindNames = map[Kind]string{
	KindCorruption: "corruption", KindIO: "I/O error", KindInvalidArgument: "invalid argument",
	KindNotFound: "not found", KindNotSupported: "not supported", KindClosed: "closed",
	KindBusy: "busy", KindInternal: "internal error", KindInvalidProof: "invalid proof",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind %d", int(k))
}

// Error makes a Kind usable as a sentinel error.
func (k Kind) Error() string { return "avccdb: " + k.String() }

// Sentinels for errors.Is. Every *Error matches the one of its Kind.
var (
	// ErrNotFound: the key has no value (Get, GetVersion), or an unknown
	// property or counter name.
	ErrNotFound error = KindNotFound
	// ErrCorruption: persistent data, or a batch being loaded, is malformed.
	ErrCorruption error = KindCorruption
	// ErrIO: the operating system refused an operation.
	ErrIO error = KindIO
	// ErrBusy: the database is open elsewhere (its LOCK file is held).
	ErrBusy error = KindBusy
	// ErrClosed: the DB was closed, or the Transaction, Batch, Iterator or
	// Snapshot released or ended.
	ErrClosed error = KindClosed
	// ErrInvalidArgument: a bad option or argument, a missing database
	// without CreateIfMissing, an existing one with ErrorIfExists.
	ErrInvalidArgument error = KindInvalidArgument
	// ErrNotSupported: valid but impossible here.
	ErrNotSupported error = KindNotSupported
	// ErrInvalidProof: a Merkle proof does not establish an answer for the
	// query against the root given (see VerifyGetProof).
	ErrInvalidProof error = KindInvalidProof
)

// Error is a failure reported by libavccdb: its kind and the library's
// message (which starts with the kind, as LevelDB's do).
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return "avccdb: " + e.Message }

// Is reports whether target is the sentinel of e's kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// takeError turns a shim error into an *Error (nil when there is none) and
// frees the message.
func takeError(e *C.avccdb_go_err) error {
	if e.msg == nil {
		return nil
	}
	defer C.avccdb_free(unsafe.Pointer(e.msg))
	k := Kind(e.code)
	if k == 0 {
		k = KindInternal
	}
	return &Error{Kind: k, Message: C.GoString(e.msg)}
}

// invalidArgument is an *Error raised by the binding itself.
func invalidArgument(format string, args ...interface{}) error {
	return &Error{Kind: KindInvalidArgument, Message: "Invalid argument: " + fmt.Sprintf(format, args...)}
}
