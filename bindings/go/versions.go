// versions.go: per-key versions: writes at a version, reads as of a
// version, and version histories.
package avccdb

// #include "shim.h"
import "C"

// LatestVersion as a read version asks for the newest version of a key
// (AVCCDB_MAX_VERSION); as a history bound it is the highest version.
const LatestVersion = ^uint64(0)

// VersionedValue is one version of a key.
type VersionedValue struct {
	Version uint64
	Value   []byte
}

// PutVersion stores value under key at version. Versions of a key are
// independent records: a read as of version v sees the highest version
// <= v. Put writes version 0.
func (d *DB) PutVersion(key []byte, version uint64, value []byte, wo *WriteOptions) error {
	c, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_put_version(c, d.writeOptions(wo), ptr(key), clen(key), C.uint64_t(version),
		ptr(value), clen(value), &e)
	return takeError(&e)
}

// DeleteVersion deletes key as of version: reads as of versions >= it find
// nothing until a higher version is written.
func (d *DB) DeleteVersion(key []byte, version uint64, wo *WriteOptions) error {
	c, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	C.avccdb_go_delete_version(c, d.writeOptions(wo), ptr(key), clen(key), C.uint64_t(version), &e)
	return takeError(&e)
}

// GetVersion reads the highest version <= version of key (LatestVersion:
// the newest) and returns its value and the version found; ErrNotFound
// when there is none or it is deleted as of version.
func (d *DB) GetVersion(key []byte, version uint64, ro *ReadOptions) ([]byte, uint64, error) {
	c, err := d.acquire()
	if err != nil {
		return nil, 0, err
	}
	defer d.mu.RUnlock()
	cro, owned, err := d.readOptions(ro)
	if err != nil {
		return nil, 0, err
	}
	if owned {
		defer C.avccdb_readoptions_destroy(cro)
	}
	var e C.avccdb_go_err
	var n C.size_t
	var found C.uint64_t
	v := C.avccdb_go_get_version(c, cro, ptr(key), clen(key), C.uint64_t(version), &n, &found, &e)
	if err := takeError(&e); err != nil {
		return nil, 0, err
	}
	if v == nil {
		return nil, 0, ErrNotFound
	}
	return takeBytes(v, n), uint64(found), nil
}

// VersionHistory returns every live version of key in [min, max], newest
// first (empty when there is none, and when min > max).
func (d *DB) VersionHistory(key []byte, min, max uint64, ro *ReadOptions) ([]VersionedValue, error) {
	c, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.mu.RUnlock()
	cro, owned, err := d.readOptions(ro)
	if err != nil {
		return nil, err
	}
	if owned {
		defer C.avccdb_readoptions_destroy(cro)
	}
	var e C.avccdb_go_err
	h := C.avccdb_go_history(c, cro, ptr(key), clen(key), C.uint64_t(min), C.uint64_t(max), &e)
	if err := takeError(&e); err != nil {
		return nil, err
	}
	return takeHistory(h), nil
}

// takeHistory copies the versions out of a history handle and frees it.
func takeHistory(h *C.avccdb_version_history_t) []VersionedValue {
	defer C.avccdb_version_history_destroy(h)
	n := int(C.avccdb_version_history_count(h))
	out := make([]VersionedValue, n)
	for i := range out {
		var vlen C.size_t
		v := C.avccdb_version_history_value_at(h, C.size_t(i), &vlen)
		out[i].Version = uint64(C.avccdb_version_history_version_at(h, C.size_t(i)))
		out[i].Value = copyBytes(v, vlen)
	}
	return out
}
