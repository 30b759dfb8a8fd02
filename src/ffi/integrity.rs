//! `avccdb_integrity_report_t`: the integrity scrub (`Db::check_integrity`)
//! through the C API — every live table read with checksums verified, its
//! Merkle roots recomputed and compared with the table's and the
//! manifest's.

use std::ffi::{c_char, CString};

use crate::db::IntegrityReport;
use crate::error::Error;
use crate::ffi::db::{avccdb_t, db_ref};
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{free_handle, handle_ref, into_handle, set_out};
use crate::ffi::memory::malloc_c_string;

/// What `avccdb_check_integrity` found: counts of what was checked and one
/// line of text per problem. Freed by `avccdb_integrity_report_destroy`.
///
/// Thread safety: immutable; shared freely between threads.
#[derive(Debug)]
pub struct avccdb_integrity_report_t {
    report: IntegrityReport,
    /// The problem lines as C strings (interior NULs replaced by '?'), so
    /// that `avccdb_integrity_report_problem_at` can lend them.
    lines: Vec<CString>,
}

/// Reads every live table from disk (checksums verified), recomputes its
/// block roots and table root, and compares them with the roots stored in
/// the table and in the manifest. What is wrong is listed in the report,
/// not returned as an error: a report with `problem_count` 0 means the data
/// is intact. NULL only when the check could not run (`*errptr` set: NULL
/// `db`, closed database). Free the report with
/// `avccdb_integrity_report_destroy`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_check_integrity(
    db: *mut avccdb_t,
    errptr: *mut *mut c_char,
) -> *mut avccdb_integrity_report_t {
    ffi_guard(
        "avccdb_check_integrity",
        errptr,
        std::ptr::null_mut(),
        || {
            // SAFETY: NULL or a live handle.
            let report = unsafe { db_ref(db) }?.check_integrity()?;
            let lines = report
                .problems
                .iter()
                .map(|p| CString::new(p.replace('\0', "?")).expect("NULs replaced"))
                .collect();
            Ok(into_handle(avccdb_integrity_report_t { report, lines }))
        },
    )
}

fn get<T>(
    r: *const avccdb_integrity_report_t,
    name: &str,
    f: impl FnOnce(&avccdb_integrity_report_t) -> T,
) -> Option<T> {
    ffi_guard_silent(name, None, || {
        // SAFETY: NULL or a live handle.
        Ok(Some(f(unsafe { handle_ref(r, "integrity report") }?)))
    })
}

/// Number of tables checked (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_tables(
    r: *const avccdb_integrity_report_t,
) -> u64 {
    get(r, "avccdb_integrity_report_tables", |r| r.report.tables).unwrap_or(0)
}

/// Number of data blocks read and hashed (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_blocks(
    r: *const avccdb_integrity_report_t,
) -> u64 {
    get(r, "avccdb_integrity_report_blocks", |r| r.report.blocks).unwrap_or(0)
}

/// Number of records hashed (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_records(
    r: *const avccdb_integrity_report_t,
) -> u64 {
    get(r, "avccdb_integrity_report_records", |r| r.report.records).unwrap_or(0)
}

/// Bytes of table files checked (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_bytes(r: *const avccdb_integrity_report_t) -> u64 {
    get(r, "avccdb_integrity_report_bytes", |r| r.report.bytes).unwrap_or(0)
}

/// Number of problems found: 0 when everything checked is intact (and
/// for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_problem_count(
    r: *const avccdb_integrity_report_t,
) -> usize {
    get(r, "avccdb_integrity_report_problem_count", |r| {
        r.lines.len()
    })
    .unwrap_or(0)
}

/// Problem `i` (0-based) as one line of text naming the table (and the
/// offset where known), borrowed until the report is destroyed; it is
/// NUL-terminated, and its length without the NUL is stored in `*len`
/// (`len` may be NULL). NULL (length 0, last error code set) when `i` is
/// out of range.
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_problem_at(
    r: *const avccdb_integrity_report_t,
    i: usize,
    len: *mut usize,
) -> *const c_char {
    let (p, n) = ffi_guard_silent(
        "avccdb_integrity_report_problem_at",
        (std::ptr::null(), 0),
        || {
            // SAFETY: NULL or a live handle.
            let lines = &unsafe { handle_ref(r, "integrity report") }?.lines;
            lines
                .get(i)
                .map(|l| (l.as_ptr(), l.as_bytes().len()))
                .ok_or_else(|| {
                    Error::invalid_argument(format!(
                        "problem index {i} is out of range (count {})",
                        lines.len()
                    ))
                })
        },
    );
    // SAFETY: `len` is NULL or writable.
    unsafe { set_out(len, n) };
    p
}

/// The whole report as owned, NUL-terminated text (free with
/// `avccdb_free`): a first line with the counts
/// (`tables N, blocks N, records N, bytes N, problems N`), then one line per
/// problem, each ending in a newline. NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_text(
    r: *const avccdb_integrity_report_t,
) -> *mut c_char {
    get(r, "avccdb_integrity_report_text", |r| {
        let rep = &r.report;
        let mut text = format!(
            "tables {}, blocks {}, records {}, bytes {}, problems {}\n",
            rep.tables,
            rep.blocks,
            rep.records,
            rep.bytes,
            rep.problems.len()
        );
        for p in &rep.problems {
            text.push_str(p);
            text.push('\n');
        }
        malloc_c_string(&text)
    })
    .unwrap_or(std::ptr::null_mut())
}

/// Frees a report. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_integrity_report_destroy(r: *mut avccdb_integrity_report_t) {
    ffi_guard_silent("avccdb_integrity_report_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(r) };
        Ok(())
    })
}
