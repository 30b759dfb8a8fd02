// Package cloop is a benchmark helper: the put and get loops of the Go
// benchmarks written in C, on the same database handle, so that the cost
// the Go binding adds per call can be measured (bench_test.go). Internal:
// not part of the binding's API.
package cloop

/*
#cgo LDFLAGS: -lavccdb
#include <stdio.h>
#include <stdlib.h>
#include <avccdb.h>

// n puts of 16-byte keys "key%013d" (from first) and vlen-byte values.
static int cloop_put(avccdb_t *db, int first, int n, int vlen) {
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  char key[32];
  char *val = calloc(1, vlen > 0 ? vlen : 1);
  char *err = NULL;
  for (int i = first; i < first + n && err == NULL; i++) {
    snprintf(key, sizeof key, "key%013d", i);
    avccdb_put(db, wo, key, 16, val, vlen, &err);
  }
  free(val);
  avccdb_writeoptions_destroy(wo);
  if (err != NULL) { avccdb_free(err); return -1; }
  return 0;
}

// n gets of keys "key%013d" (i*7 modulo keys, as the Go loop reads);
// returns the number found.
static int cloop_get(avccdb_t *db, int n, int keys) {
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  char key[32];
  int found = 0;
  for (int i = 0; i < n; i++) {
    snprintf(key, sizeof key, "key%013d", i * 7 % keys);
    char *val = NULL, *err = NULL;
    size_t vlen;
    if (avccdb_get2(db, ro, key, 16, &val, &vlen, &err) == AVCCDB_GET_FOUND) found++;
    avccdb_free(val);
    avccdb_free(err);
  }
  avccdb_readoptions_destroy(ro);
  return found;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// Put writes n records from C: key fmt "key%013d" from first, vlen-byte
// zero values. db is the avccdb_t* of an open database.
func Put(db unsafe.Pointer, first, n, vlen int) error {
	if C.cloop_put((*C.avccdb_t)(db), C.int(first), C.int(n), C.int(vlen)) != 0 {
		return errors.New("cloop: put failed")
	}
	return nil
}

// Get reads n keys from C (key i*7%keys) and returns how many were found.
func Get(db unsafe.Pointer, n, keys int) int {
	return int(C.cloop_get((*C.avccdb_t)(db), C.int(n), C.int(keys)))
}
