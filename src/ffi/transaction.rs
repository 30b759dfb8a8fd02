//! `avccdb_transaction_t`: a writer that holds the database's write lock
//! and makes all its writes visible at once when it commits.

use std::ffi::c_char;

use crate::db::Transaction;
use crate::error::{Error, Result};
use crate::ffi::batch::avccdb_writebatch_t;
use crate::ffi::db::{avccdb_t, db_ref};
use crate::ffi::guard::{ffi_guard, ffi_guard_silent};
use crate::ffi::handle::{free_handle, handle_mut, handle_ref, into_handle, record_arg};

/// An open transaction. Created by `avccdb_open_transaction`; ended by
/// `avccdb_transaction_commit` or `avccdb_transaction_discard`; freed by
/// `avccdb_transaction_destroy` (which discards it if still open). Writes
/// through it go straight to level-0 tables, bypassing the journal, and
/// are invisible until it commits.
///
/// Thread safety: one thread at a time. While it is open it holds the
/// database's write lock: every other write to the database (put, delete,
/// write, compact_range, another transaction) waits until it ends — so the
/// thread holding it must not write through the database handle before
/// ending it (that call would wait forever). Reads go on meanwhile.
pub struct avccdb_transaction_t {
    txn: Option<Transaction>,
}

fn open_txn<'a>(t: *mut avccdb_transaction_t) -> Result<&'a mut Transaction> {
    // SAFETY: NULL or a live handle used by this thread only.
    unsafe { handle_mut(t, "transaction") }?
        .txn
        .as_mut()
        .ok_or(Error::Closed)
}

/// Opens a transaction, waiting for the write lock (and for the current
/// memdb to reach a table). NULL on error (`*errptr` set).
#[no_mangle]
pub unsafe extern "C" fn avccdb_open_transaction(
    db: *mut avccdb_t,
    errptr: *mut *mut c_char,
) -> *mut avccdb_transaction_t {
    ffi_guard(
        "avccdb_open_transaction",
        errptr,
        std::ptr::null_mut(),
        || {
            // SAFETY: NULL or a live handle.
            let txn = unsafe { db_ref(db) }?.open_transaction()?;
            Ok(into_handle(avccdb_transaction_t { txn: Some(txn) }))
        },
    )
}

/// Sets `key` to `val` (version 0) in the transaction. After the
/// transaction has ended: `AVCCDB_ERR_CLOSED`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_put(
    t: *mut avccdb_transaction_t,
    key: *const c_char,
    keylen: usize,
    val: *const c_char,
    vallen: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_transaction_put", errptr, (), || {
        // SAFETY: buffers hold their lengths.
        let (k, v) = unsafe {
            (
                record_arg(key, keylen, "key")?,
                record_arg(val, vallen, "value")?,
            )
        };
        open_txn(t)?.put(k, v)
    })
}

/// Sets `key` to `val` at `version` in the transaction.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_put_with_version(
    t: *mut avccdb_transaction_t,
    key: *const c_char,
    keylen: usize,
    version: u64,
    val: *const c_char,
    vallen: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_transaction_put_with_version", errptr, (), || {
        // SAFETY: buffers hold their lengths.
        let (k, v) = unsafe {
            (
                record_arg(key, keylen, "key")?,
                record_arg(val, vallen, "value")?,
            )
        };
        open_txn(t)?.put_with_version(k, version, v)
    })
}

/// Deletes `key` (version 0) in the transaction.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_delete(
    t: *mut avccdb_transaction_t,
    key: *const c_char,
    keylen: usize,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_transaction_delete", errptr, (), || {
        // SAFETY: the key holds `keylen` bytes.
        let k = unsafe { record_arg(key, keylen, "key") }?;
        open_txn(t)?.delete(k)
    })
}

/// Deletes `key` as of `version` in the transaction.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_delete_with_version(
    t: *mut avccdb_transaction_t,
    key: *const c_char,
    keylen: usize,
    version: u64,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_transaction_delete_with_version", errptr, (), || {
        // SAFETY: the key holds `keylen` bytes.
        let k = unsafe { record_arg(key, keylen, "key") }?;
        open_txn(t)?.delete_with_version(k, version)
    })
}

/// Adds every record of `batch`, in order, to the transaction.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_write(
    t: *mut avccdb_transaction_t,
    batch: *const avccdb_writebatch_t,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_transaction_write", errptr, (), || {
        // SAFETY: NULL or a live handle.
        let b = unsafe { handle_ref(batch, "batch") }?;
        open_txn(t)?.write(&b.batch)
    })
}

/// Makes every write of the transaction visible at once and ends it
/// (releasing the write lock). On failure the writes are thrown away and
/// the transaction has ended too. The handle must still be destroyed.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_commit(
    t: *mut avccdb_transaction_t,
    errptr: *mut *mut c_char,
) {
    ffi_guard("avccdb_transaction_commit", errptr, (), || {
        // SAFETY: NULL or a live handle used by this thread only.
        let h = unsafe { handle_mut(t, "transaction") }?;
        h.txn.take().ok_or(Error::Closed)?.commit()
    })
}

/// Throws every write of the transaction away and ends it. A no-op on an
/// ended transaction; NULL sets the last error code.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_discard(t: *mut avccdb_transaction_t) {
    ffi_guard_silent("avccdb_transaction_discard", (), || {
        // SAFETY: NULL or a live handle used by this thread only.
        if let Some(txn) = unsafe { handle_mut(t, "transaction") }?.txn.take() {
            txn.discard();
        }
        Ok(())
    })
}

/// Frees the handle, discarding the transaction if it is still open. NULL
/// is a no-op.
#[no_mangle]
pub unsafe extern "C" fn avccdb_transaction_destroy(t: *mut avccdb_transaction_t) {
    ffi_guard_silent("avccdb_transaction_destroy", (), || {
        // SAFETY: NULL or a live handle, destroyed once.
        unsafe { free_handle(t) };
        Ok(())
    })
}
