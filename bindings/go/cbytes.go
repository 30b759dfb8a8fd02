// cbytes.go: passing Go byte slices to C and copying C buffers into Go.
package avccdb

// #include "shim.h"
import "C"

import "unsafe"

// ptr returns a C pointer to b's bytes, valid for the duration of one cgo
// call (nil for an empty slice, which the C API accepts with length 0).
func ptr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// clen is len(b) as a C size.
func clen(b []byte) C.size_t { return C.size_t(len(b)) }

// copyBytes copies n bytes at p (borrowed C memory) into a new non-nil Go
// slice (empty for n = 0).
func copyBytes(p *C.char, n C.size_t) []byte {
	out := make([]byte, int(n))
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	}
	return out
}

// takeBytes is copyBytes for an owned buffer, which it frees.
func takeBytes(p *C.char, n C.size_t) []byte {
	defer C.avccdb_free(unsafe.Pointer(p))
	return copyBytes(p, n)
}

func cbool(b bool) C.uchar {
	if b {
		return 1
	}
	return 0
}

func cint(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
