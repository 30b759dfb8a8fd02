//! `avccdb_snapshot_t`: a consistent read view of one database.

use crate::db::Snapshot;
use crate::error::Error;
use crate::ffi::db::{avccdb_t, db_ref};
use crate::ffi::guard::ffi_guard_silent;
use crate::ffi::handle::{handle_ref, into_handle};

/// A read view: reads through read options naming it see exactly the
/// writes made before it was taken. Created by `avccdb_create_snapshot`,
/// released by `avccdb_release_snapshot`. While it (or read options that
/// name it) lives, compaction keeps every record it can see.
///
/// Thread safety: immutable; shared freely between threads.
#[derive(Debug)]
pub struct avccdb_snapshot_t {
    pub(crate) snap: Snapshot,
}

/// Takes a snapshot of the current state. NULL (with the last error code
/// set) if `db` is NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_create_snapshot(db: *mut avccdb_t) -> *const avccdb_snapshot_t {
    ffi_guard_silent("avccdb_create_snapshot", std::ptr::null(), || {
        // SAFETY: NULL or a live handle.
        let db = unsafe { db_ref(db) }?;
        Ok(into_handle(avccdb_snapshot_t {
            snap: db.snapshot(),
        })
        .cast_const())
    })
}

/// Releases a snapshot taken from `db`. A NULL snapshot is a no-op; a NULL
/// `db` is reported (last error code) but the snapshot is still released.
#[no_mangle]
pub unsafe extern "C" fn avccdb_release_snapshot(
    db: *mut avccdb_t,
    snapshot: *const avccdb_snapshot_t,
) {
    ffi_guard_silent("avccdb_release_snapshot", (), || {
        if snapshot.is_null() {
            return Ok(());
        }
        // SAFETY: a live handle from avccdb_create_snapshot, released once;
        // the pointer was handed out const but is owned by the caller.
        drop(unsafe { Box::from_raw(snapshot.cast_mut()) });
        if db.is_null() {
            return Err(Error::invalid_argument("db is NULL"));
        }
        Ok(())
    })
}

/// The sequence number the snapshot reads at (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn avccdb_snapshot_sequence(snapshot: *const avccdb_snapshot_t) -> u64 {
    ffi_guard_silent("avccdb_snapshot_sequence", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { handle_ref(snapshot, "snapshot") }?.snap.sequence())
    })
}
