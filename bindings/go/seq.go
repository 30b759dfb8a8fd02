// seq.go: iteration as functions of the Go 1.23 range-over-func shape.
// They compile with any Go; with Go >= 1.23 they can be ranged over
// directly (`for k, v := range db.All(nil)`), and with older Go called
// with a yield function.
package avccdb

// All returns the records of the iterator from the first, as a sequence
// of key/value pairs (each a fresh copy). After the loop, Error tells
// whether it ended early because of a failure.
func (it *Iterator) All() func(yield func(key, value []byte) bool) {
	return func(yield func(key, value []byte) bool) {
		for ok := it.First(); ok; ok = it.Next() {
			if !yield(it.Key(), it.Value()) {
				return
			}
		}
	}
}

// All returns every record of the current state (or of ro's snapshot,
// bounds and versions) as a key/value sequence. It makes and releases its
// own Iterator; a read error ends the sequence early and is not reported:
// use NewIterator and Error where that matters.
func (d *DB) All(ro *ReadOptions) func(yield func(key, value []byte) bool) {
	return func(yield func(key, value []byte) bool) {
		it := d.NewIterator(ro)
		defer it.Release()
		it.All()(yield)
	}
}
