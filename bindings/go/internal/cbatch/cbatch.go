// Package cbatch is a test helper: batches built and read by C code
// alone, to check that the Go binding's batch bytes are the C library's
// (Build, Describe). It is internal: not part of the binding's API.
package cbatch

/*
#cgo LDFLAGS: -lavccdb
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <avccdb.h>

// The batch of Build, written by C: binary keys and values, versioned and
// unversioned records, an empty key and an empty value.
static char *cbatch_build(size_t *len) {
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  avccdb_writebatch_put(b, "k\0a", 3, "v\0", 2);
  avccdb_writebatch_put_with_version(b, "ver", 3, 7, "", 0);
  avccdb_writebatch_delete(b, "gone", 4);
  avccdb_writebatch_delete_with_version(b, "old\0", 4, 3);
  avccdb_writebatch_put(b, "", 0, "empty-key", 9);
  size_t n;
  const char *d = avccdb_writebatch_data(b, &n);
  char *out = malloc(n + 1);
  memcpy(out, d, n);
  *len = n;
  avccdb_writebatch_destroy(b);
  return out;
}

typedef struct { char *buf; size_t cap, used; } text_t;
static void hex(text_t *t, const char *p, size_t n) {
  for (size_t i = 0; i < n && t->used + 3 < t->cap; i++)
    t->used += snprintf(t->buf + t->used, t->cap - t->used, "%02x", (unsigned char)p[i]);
}
static void add(text_t *t, const char *s) {
  t->used += snprintf(t->buf + t->used, t->cap - t->used, "%s", s);
}
static void on_put(void *state, const char *k, size_t klen, const char *v, size_t vlen,
                   uint64_t version, unsigned char versioned) {
  text_t *t = state;
  char tail[64];
  add(t, "put ");
  hex(t, k, klen);
  add(t, " ");
  hex(t, v, vlen);
  snprintf(tail, sizeof tail, " %llu %d\n", (unsigned long long)version, versioned);
  add(t, tail);
}
static void on_delete(void *state, const char *k, size_t klen, uint64_t version,
                      unsigned char versioned) {
  text_t *t = state;
  char tail[64];
  add(t, "del ");
  hex(t, k, klen);
  snprintf(tail, sizeof tail, " %llu %d\n", (unsigned long long)version, versioned);
  add(t, tail);
}
// Loads data into a C batch and renders its records, or returns NULL
// with *err set.
static char *cbatch_describe(const char *data, size_t len, char **err) {
  avccdb_writebatch_t *b = avccdb_writebatch_create();
  avccdb_writebatch_load(b, data, len, err);
  if (*err != NULL) {
    avccdb_writebatch_destroy(b);
    return NULL;
  }
  text_t t = {malloc(1 << 16), 1 << 16, 0};
  t.buf[0] = 0;
  char head[32];
  snprintf(head, sizeof head, "count %zu\n", avccdb_writebatch_count(b));
  add(&t, head);
  avccdb_writebatch_iterate_versions(b, &t, on_put, on_delete);
  avccdb_writebatch_destroy(b);
  return t.buf;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// Build returns the serialized bytes of a batch built in C: put
// "k\x00a"="v\x00"; put "ver"@7=""; delete "gone"; delete "old\x00"@3;
// put ""="empty-key".
func Build() []byte {
	var n C.size_t
	p := C.cbatch_build(&n)
	defer C.free(unsafe.Pointer(p))
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// Describe loads data into a batch in C and renders what C reads back:
// "count N" then one line per record, "put <hex key> <hex value>
// <version> <versioned>" or "del <hex key> <version> <versioned>".
func Describe(data []byte) (string, error) {
	var err *C.char
	var p *C.char
	if len(data) > 0 {
		p = (*C.char)(unsafe.Pointer(&data[0]))
	}
	out := C.cbatch_describe(p, C.size_t(len(data)), &err)
	if err != nil {
		defer C.free(unsafe.Pointer(err))
		return "", errors.New(C.GoString(err))
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoString(out), nil
}
