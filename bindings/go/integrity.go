// integrity.go: CheckIntegrity, the full re-read of every table against
// its stored checksums and Merkle roots.
package avccdb

// #include "shim.h"
import "C"

import "unsafe"

// IntegrityReport is what CheckIntegrity found: counts of what was checked
// and one line per problem (naming the table).
type IntegrityReport struct {
	Tables, Blocks, Records, Bytes uint64
	Problems                       []string
	// Text is the library's rendering: a line with the counts, then one
	// line per problem.
	Text string
}

// OK reports whether no problem was found.
func (r IntegrityReport) OK() bool { return len(r.Problems) == 0 }

// CheckIntegrity reads every live table (checksums verified), recomputes
// its Merkle roots and compares them with the stored ones. Damage is
// reported in IntegrityReport.Problems, not as an error; the error is for
// a check that could not run.
func (d *DB) CheckIntegrity() (IntegrityReport, error) {
	c, err := d.acquire()
	if err != nil {
		return IntegrityReport{}, err
	}
	defer d.mu.RUnlock()
	var e C.avccdb_go_err
	r := C.avccdb_go_check_integrity(c, &e)
	if err := takeError(&e); err != nil {
		return IntegrityReport{}, err
	}
	defer C.avccdb_integrity_report_destroy(r)
	out := IntegrityReport{
		Tables:  uint64(C.avccdb_integrity_report_tables(r)),
		Blocks:  uint64(C.avccdb_integrity_report_blocks(r)),
		Records: uint64(C.avccdb_integrity_report_records(r)),
		Bytes:   uint64(C.avccdb_integrity_report_bytes(r)),
	}
	n := int(C.avccdb_integrity_report_problem_count(r))
	for i := 0; i < n; i++ {
		var plen C.size_t
		p := C.avccdb_integrity_report_problem_at(r, C.size_t(i), &plen)
		out.Problems = append(out.Problems, string(copyBytes(p, plen)))
	}
	if text := C.avccdb_integrity_report_text(r); text != nil {
		out.Text = C.GoString(text)
		C.avccdb_free(unsafe.Pointer(text))
	}
	return out, nil
}
