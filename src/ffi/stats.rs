//! Properties and statistics: text properties, integer counters by name,
//! and approximate on-disk sizes of key ranges.

use std::ffi::{c_char, c_int, c_uchar, CString};
use std::sync::OnceLock;

use crate::db::Stats;
use crate::error::Error;
use crate::ffi::db::{avccdb_t, db_ref};
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{bytes_arg, set_out, str_arg};
use crate::ffi::memory::malloc_c_string;

/// A named property as a malloc'd NUL-terminated string (free with
/// `avccdb_free`), or NULL when the name is unknown (or an argument is
/// NULL; the last error code tells them apart: `AVCCDB_ERR_NOT_FOUND` for
/// an unknown name). Names, also accepted with the `leveldb.` prefix:
/// `avccdb.stats` (a human-readable table), `avccdb.sstables`,
/// `avccdb.num-files-at-level<N>`, `avccdb.approximate-memory-usage`, and
/// `avccdb.<counter>` for every counter of `avccdb_property_int`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_property_value(
    db: *mut avccdb_t,
    propname: *const c_char,
) -> *mut c_char {
    ffi_guard_silent("avccdb_property_value", std::ptr::null_mut(), || {
        // SAFETY: NULL or a live handle / NUL-terminated string.
        let (db, name) = unsafe { (db_ref(db)?, str_arg(propname, "property name")?) };
        match db.property(name) {
            Some(v) => Ok(malloc_c_string(&v)),
            None => Err(Error::NotFound(format!("no property {name}"))),
        }
    })
}

/// An integer statistic by name into `*value`: returns 1 if the name is
/// known, 0 (with `*value` = 0 and the last error code
/// `AVCCDB_ERR_NOT_FOUND`) if not. Names: every counter listed by
/// `avccdb_stats_counter_name` (bare, or prefixed `avccdb.`/`leveldb.`),
/// and every property whose value is an integer
/// (`avccdb.num-files-at-level<N>`, `avccdb.approximate-memory-usage`).
/// Durations are in microseconds.
#[no_mangle]
pub unsafe extern "C" fn avccdb_property_int(
    db: *mut avccdb_t,
    propname: *const c_char,
    value: *mut u64,
) -> c_uchar {
    // SAFETY: `value` is NULL or writable.
    unsafe { set_out(value, 0) };
    ffi_guard_silent("avccdb_property_int", 0, || {
        // SAFETY: NULL or a live handle / NUL-terminated string.
        let (db, name) = unsafe { (db_ref(db)?, str_arg(propname, "property name")?) };
        if value.is_null() {
            return Err(Error::invalid_argument("value is NULL"));
        }
        let found = db
            .stats()
            .counter(name)
            .or_else(|| db.property(name).and_then(|v| v.trim().parse::<u64>().ok()));
        match found {
            Some(v) => {
                // SAFETY: checked non-NULL above.
                unsafe { set_out(value, v) };
                Ok(1)
            }
            None => Err(Error::NotFound(format!("no integer property {name}"))),
        }
    })
}

fn counter_names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        Stats::counter_names()
            .into_iter()
            .filter_map(|n| CString::new(n).ok())
            .collect()
    })
}

/// Number of counters `avccdb_property_int` answers by bare name.
#[no_mangle]
pub extern "C" fn avccdb_stats_counter_count() -> usize {
    ffi_guard_silent(
        "avccdb_stats_counter_count",
        0,
        || Ok(counter_names().len()),
    )
}

/// The name of counter `i` (a static string: do not free), or NULL when
/// `i` is out of range. The order is stable within a release.
#[no_mangle]
pub extern "C" fn avccdb_stats_counter_name(i: usize) -> *const c_char {
    ffi_guard_silent("avccdb_stats_counter_name", std::ptr::null(), || {
        counter_names()
            .get(i)
            .map(|n| n.as_ptr())
            .ok_or_else(|| Error::invalid_argument(format!("counter index {i} is out of range")))
    })
}

/// Approximate bytes of table data for each key range
/// `[range_start_key[i], range_limit_key[i])`, into `sizes[i]` (data still
/// in the memdb is not counted). With NULL or inconsistent arguments, or
/// on error, every size is 0 and the last error code is set.
#[no_mangle]
pub unsafe extern "C" fn avccdb_approximate_sizes(
    db: *mut avccdb_t,
    num_ranges: c_int,
    range_start_key: *const *const c_char,
    range_start_key_len: *const usize,
    range_limit_key: *const *const c_char,
    range_limit_key_len: *const usize,
    sizes: *mut u64,
) {
    let Ok(n) = usize::try_from(num_ranges) else {
        ffi_guard_silent("avccdb_approximate_sizes", (), || {
            Err(Error::invalid_argument(format!(
                "num_ranges {num_ranges} is negative"
            )))
        });
        return;
    };
    if !sizes.is_null() {
        // SAFETY: `sizes` holds `num_ranges` writable slots.
        unsafe { std::ptr::write_bytes(sizes, 0, n) };
    }
    ffi_guard_silent("avccdb_approximate_sizes", (), || {
        // SAFETY: NULL or a live handle.
        let db = unsafe { db_ref(db) }?;
        if n == 0 {
            return Ok(());
        }
        if sizes.is_null()
            || range_start_key.is_null()
            || range_start_key_len.is_null()
            || range_limit_key.is_null()
            || range_limit_key_len.is_null()
        {
            return Err(Error::invalid_argument(
                "approximate_sizes: an array is NULL",
            ));
        }
        let mut ranges = Vec::with_capacity(n);
        for i in 0..n {
            // SAFETY: each array holds `n` elements; each key holds its
            // length in bytes.
            let range = unsafe {
                (
                    bytes_arg(
                        *range_start_key.add(i),
                        *range_start_key_len.add(i),
                        "start key",
                    )?,
                    bytes_arg(
                        *range_limit_key.add(i),
                        *range_limit_key_len.add(i),
                        "limit key",
                    )?,
                )
            };
            ranges.push(range);
        }
        let out = db.approximate_sizes(&ranges)?;
        for (i, s) in out.into_iter().enumerate().take(n) {
            // SAFETY: `sizes` holds `n` slots.
            unsafe { sizes.add(i).write(s) };
        }
        Ok(())
    })
}
