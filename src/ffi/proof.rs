//! Merkle proofs: MasterRoots, reads that come with a proof, and the
//! verifier. The verifier needs no database handle (a light client calls
//! only `avccdb_verify_*` and the history accessors); `docs/PROOF_FORMAT.md`
//! specifies the proof bytes and what they establish.

use std::ffi::{c_char, c_int, c_uchar};

use crate::error::{Error, Result};
use crate::ffi::db::{avccdb_t, db_ref, AVCCDB_GET_ERROR, AVCCDB_GET_FOUND, AVCCDB_GET_NOT_FOUND};
use crate::ffi::guard::ffi_guard;
use crate::ffi::handle::{bytes_arg, handle_ref, into_handle, record_arg, set_out};
use crate::ffi::memory::{avccdb_free, malloc_copy};
use crate::ffi::readoptions::avccdb_readoptions_t;
use crate::ffi::snapshot::avccdb_snapshot_t;
use crate::ffi::versions::avccdb_version_history_t;
use crate::merkle::{verify_bytes, Answer, Hash, Query};
use crate::options::ReadOptions;

/// Size in bytes of a MasterRoot (a SHA-256 digest): every `root` and
/// `root_out` argument points to this many bytes.
pub const AVCCDB_ROOT_SIZE: usize = 32;

fn null_arg(what: &str) -> Error {
    Error::invalid_argument(format!("{what} is NULL"))
}

fn out_of_memory() -> Error {
    Error::Io(std::io::Error::from(std::io::ErrorKind::OutOfMemory))
}

/// Copies `bytes` into an owned buffer (see `malloc_copy`); out of memory
/// is an error rather than a NULL that could read as "absent".
fn owned(bytes: &[u8]) -> Result<*mut c_char> {
    let p = malloc_copy(bytes);
    if p.is_null() {
        return Err(out_of_memory());
    }
    Ok(p)
}

/// Borrows the 32 bytes of a root argument.
///
/// # Safety
/// `root` is NULL or points to `AVCCDB_ROOT_SIZE` readable bytes.
unsafe fn root_arg<'a>(root: *const c_uchar) -> Result<&'a Hash> {
    // SAFETY: non-NULL roots point to 32 readable bytes (caller contract);
    // Hash is a byte array, so any alignment will do.
    unsafe { root.cast::<Hash>().as_ref() }.ok_or_else(|| null_arg("root"))
}

/// Writes `root` to a `root_out` argument checked non-NULL.
///
/// # Safety
/// `out` points to `AVCCDB_ROOT_SIZE` writable bytes.
unsafe fn write_root(out: *mut c_uchar, root: &Hash) {
    // SAFETY: forwarded contract; a fresh Hash cannot overlap it.
    unsafe { std::ptr::copy_nonoverlapping(root.as_ptr(), out, AVCCDB_ROOT_SIZE) }
}

/// Clears a `root_out` argument on entry, so that a failed call leaves no
/// stale root behind.
///
/// # Safety
/// `out` is NULL or points to `AVCCDB_ROOT_SIZE` writable bytes.
unsafe fn clear_root(out: *mut c_uchar) {
    if !out.is_null() {
        // SAFETY: forwarded contract.
        unsafe { std::ptr::write_bytes(out, 0, AVCCDB_ROOT_SIZE) }
    }
}

/// The MasterRoot of the state `options` reads: the current state, or the
/// snapshot the read options name. Stores `AVCCDB_ROOT_SIZE` bytes at
/// `root_out` (zeroed on failure). The current state's root changes with
/// every write and with background flushes and compactions (which move
/// records between layers without changing any answer); a root taken
/// through a snapshot stays the same for the snapshot's life, and proofs
/// taken through it verify against it. Fails with
/// `AVCCDB_ERR_NOT_SUPPORTED` for a database with a custom comparator.
#[no_mangle]
pub unsafe extern "C" fn avccdb_master_root(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    root_out: *mut c_uchar,
    errptr: *mut *mut c_char,
) {
    // SAFETY: `root_out` is NULL or 32 writable bytes.
    unsafe { clear_root(root_out) };
    ffi_guard("avccdb_master_root", errptr, (), || {
        if root_out.is_null() {
            return Err(null_arg("root_out"));
        }
        // SAFETY: handles are NULL or live.
        let (db, ro) = unsafe { (db_ref(db)?, handle_ref(options, "read options")?) };
        let root = db.master_root(&ro.ro)?;
        // SAFETY: checked non-NULL; 32 writable bytes by contract.
        unsafe { write_root(root_out, &root) };
        Ok(())
    })
}

/// The MasterRoot of `snapshot`'s state (taken from `db`): the same as
/// `avccdb_master_root` with read options naming the snapshot. It never
/// changes while the snapshot lives.
#[no_mangle]
pub unsafe extern "C" fn avccdb_snapshot_master_root(
    db: *mut avccdb_t,
    snapshot: *const avccdb_snapshot_t,
    root_out: *mut c_uchar,
    errptr: *mut *mut c_char,
) {
    // SAFETY: `root_out` is NULL or 32 writable bytes.
    unsafe { clear_root(root_out) };
    ffi_guard("avccdb_snapshot_master_root", errptr, (), || {
        if root_out.is_null() {
            return Err(null_arg("root_out"));
        }
        // SAFETY: handles are NULL or live.
        let (db, snap) = unsafe { (db_ref(db)?, handle_ref(snapshot, "snapshot")?) };
        let ro = ReadOptions {
            snapshot: Some(snap.snap.clone()),
            ..ReadOptions::default()
        };
        let root = db.master_root(&ro)?;
        // SAFETY: checked non-NULL; 32 writable bytes by contract.
        unsafe { write_root(root_out, &root) };
        Ok(())
    })
}

/// As `avccdb_get_with_version` (`version` = `AVCCDB_MAX_VERSION` for the
/// newest), with a proof of the answer against the MasterRoot of the
/// state read, which is stored at `root_out` (`AVCCDB_ROOT_SIZE` bytes).
///
/// Returns the value of the highest live version ≤ `version` as an owned
/// buffer (free with `avccdb_free`; non-NULL even when empty) with its
/// length in `*vallen` and its version in `*found_version`; or NULL, with
/// `*vallen` = 0 and `*found_version` = 0, when the key has no live value
/// as of `version` (never written, or deleted): absence is not an error,
/// and the proof then proves the absence. In both cases `*proof` is an
/// owned buffer (free with `avccdb_free`) of `*prooflen` bytes for
/// `avccdb_verify_get_proof`.
///
/// On failure NULL with `*errptr` set, `*proof` = NULL, `*prooflen` = 0 and
/// a zeroed root: the call succeeded exactly when `*proof` is non-NULL.
/// `vallen`, `root_out`, `proof` and `prooflen` must not be NULL;
/// `found_version` may be. Through read options naming a snapshot the
/// proof verifies against the snapshot's root (`avccdb_snapshot_master_root`).
#[no_mangle]
pub unsafe extern "C" fn avccdb_get_with_proof(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    version: u64,
    vallen: *mut usize,
    found_version: *mut u64,
    root_out: *mut c_uchar,
    proof: *mut *mut c_char,
    prooflen: *mut usize,
    errptr: *mut *mut c_char,
) -> *mut c_char {
    // SAFETY: every out-pointer is NULL or writable.
    unsafe {
        set_out(vallen, 0);
        set_out(found_version, 0);
        set_out(proof, std::ptr::null_mut());
        set_out(prooflen, 0);
        clear_root(root_out);
    }
    ffi_guard(
        "avccdb_get_with_proof",
        errptr,
        std::ptr::null_mut(),
        || {
            for (p, what) in [
                (vallen.is_null(), "vallen"),
                (root_out.is_null(), "root_out"),
                (proof.is_null(), "proof"),
                (prooflen.is_null(), "prooflen"),
            ] {
                if p {
                    return Err(null_arg(what));
                }
            }
            // SAFETY: handles NULL or live; the key holds `keylen` bytes.
            let (db, ro, key) = unsafe {
                (
                    db_ref(db)?,
                    handle_ref(options, "read options")?,
                    record_arg(key, keylen, "key")?,
                )
            };
            let proven = db.get_with_proof(key, version, &ro.ro)?;
            let bytes = proven.proof.encode();
            let value = match &proven.value {
                Some((v, _)) => owned(v)?,
                None => std::ptr::null_mut(),
            };
            let proof_buf = match owned(&bytes) {
                Ok(p) => p,
                Err(e) => {
                    // SAFETY: allocated above (or NULL), not handed out.
                    unsafe { avccdb_free(value.cast()) };
                    return Err(e);
                }
            };
            // SAFETY: all checked non-NULL above (found_version NULL or
            // writable); root_out holds 32 writable bytes.
            unsafe {
                if let Some((v, found)) = &proven.value {
                    set_out(vallen, v.len());
                    set_out(found_version, *found);
                }
                set_out(proof, proof_buf);
                set_out(prooflen, bytes.len());
                write_root(root_out, &proven.root);
            }
            Ok(value)
        },
    )
}

/// As `avccdb_version_history` (every live version of `key` in
/// `[min_version, max_version]`, newest first), with a proof that these
/// are all the versions the key has in the range, against the MasterRoot
/// stored at `root_out`. `*proof` is an owned buffer (free with
/// `avccdb_free`) of `*prooflen` bytes for `avccdb_verify_history_proof`;
/// the history is freed with `avccdb_version_history_destroy`. An empty
/// history (count 0) is an answer, with its proof. NULL on failure
/// (`*errptr` set, `*proof` = NULL, `*prooflen` = 0, root zeroed), for
/// example `AVCCDB_ERR_INVALID_ARGUMENT` when `min_version > max_version`.
/// `root_out`, `proof` and `prooflen` must not be NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_version_history_with_proof(
    db: *mut avccdb_t,
    options: *const avccdb_readoptions_t,
    key: *const c_char,
    keylen: usize,
    min_version: u64,
    max_version: u64,
    root_out: *mut c_uchar,
    proof: *mut *mut c_char,
    prooflen: *mut usize,
    errptr: *mut *mut c_char,
) -> *mut avccdb_version_history_t {
    // SAFETY: every out-pointer is NULL or writable.
    unsafe {
        set_out(proof, std::ptr::null_mut());
        set_out(prooflen, 0);
        clear_root(root_out);
    }
    ffi_guard(
        "avccdb_version_history_with_proof",
        errptr,
        std::ptr::null_mut(),
        || {
            for (p, what) in [
                (root_out.is_null(), "root_out"),
                (proof.is_null(), "proof"),
                (prooflen.is_null(), "prooflen"),
            ] {
                if p {
                    return Err(null_arg(what));
                }
            }
            // SAFETY: handles NULL or live; the key holds `keylen` bytes.
            let (db, ro, key) = unsafe {
                (
                    db_ref(db)?,
                    handle_ref(options, "read options")?,
                    record_arg(key, keylen, "key")?,
                )
            };
            let proven = db.version_history_with_proof(key, min_version, max_version, &ro.ro)?;
            let bytes = proven.proof.encode();
            let proof_buf = owned(&bytes)?;
            // SAFETY: all checked non-NULL; root_out holds 32 bytes.
            unsafe {
                set_out(proof, proof_buf);
                set_out(prooflen, bytes.len());
                write_root(root_out, &proven.root);
            }
            Ok(into_handle(avccdb_version_history_t {
                entries: proven.versions,
            }))
        },
    )
}

/// Verifies a proof from `avccdb_get_with_proof` against `root`
/// (`AVCCDB_ROOT_SIZE` bytes) for the query (`key`, `version`) and returns
/// what it proves. Needs no database. Returns
///
/// * `AVCCDB_GET_FOUND`: the key's highest live version ≤ `version` is
///   `*found_version`, with the value in `*val` (owned, free with
///   `avccdb_free`; non-NULL even when empty) of `*vallen` bytes;
/// * `AVCCDB_GET_NOT_FOUND`: the key provably has no live value as of
///   `version` (`*val` = NULL, `*vallen` = 0, `*found_version` = 0);
/// * `AVCCDB_GET_ERROR`, `*errptr` set, outputs as for "not found": with
///   code `AVCCDB_ERR_INVALID_PROOF` when the proof does not establish an
///   answer for this query against this root (malformed or truncated
///   bytes, a proof that does not cover this key, version, kind of query
///   or state — a proof may cover several queries, e.g. an absence proof
///   every key between the same two neighbouring records), or
///   `AVCCDB_ERR_INVALID_ARGUMENT` for bad arguments (NULL `root`, `val`
///   or `vallen`; NULL `key` or `proof` with a non-zero length).
///
/// Any bytes may be passed as the proof: garbage is rejected, never
/// trusted. `found_version` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn avccdb_verify_get_proof(
    root: *const c_uchar,
    key: *const c_char,
    keylen: usize,
    version: u64,
    proof: *const c_char,
    prooflen: usize,
    val: *mut *mut c_char,
    vallen: *mut usize,
    found_version: *mut u64,
    errptr: *mut *mut c_char,
) -> c_int {
    // SAFETY: every out-pointer is NULL or writable.
    unsafe {
        set_out(val, std::ptr::null_mut());
        set_out(vallen, 0);
        set_out(found_version, 0);
    }
    ffi_guard("avccdb_verify_get_proof", errptr, AVCCDB_GET_ERROR, || {
        if val.is_null() {
            return Err(null_arg("val"));
        }
        if vallen.is_null() {
            return Err(null_arg("vallen"));
        }
        // SAFETY: root is NULL or 32 bytes; buffers hold their lengths.
        let (root, key, bytes) = unsafe {
            (
                root_arg(root)?,
                bytes_arg(key, keylen, "key")?,
                bytes_arg(proof, prooflen, "proof")?,
            )
        };
        match verify_bytes(root, &Query::Get { key, version }, bytes)? {
            Answer::Found { value, version } => {
                let p = owned(&value)?;
                // SAFETY: val and vallen checked non-NULL; found_version
                // NULL or writable.
                unsafe {
                    set_out(val, p);
                    set_out(vallen, value.len());
                    set_out(found_version, version);
                }
                Ok(AVCCDB_GET_FOUND)
            }
            Answer::Absent => Ok(AVCCDB_GET_NOT_FOUND),
            Answer::History(_) => Err(Error::InvalidProof(
                "the proof answers another kind of query".into(),
            )),
        }
    })
}

/// Verifies a proof from `avccdb_version_history_with_proof` against
/// `root` (`AVCCDB_ROOT_SIZE` bytes) for the query (`key`, `min_version`,
/// `max_version`) and returns the history it proves complete: every live
/// version of the key in the range, newest first (read it with
/// `avccdb_version_history_count` / `_version_at` / `_value_at`, free it
/// with `avccdb_version_history_destroy`; it may be empty). Needs no
/// database. NULL on failure, with `*errptr` set: code
/// `AVCCDB_ERR_INVALID_PROOF` when the proof does not establish the
/// history for this query against this root (garbage bytes included),
/// `AVCCDB_ERR_INVALID_ARGUMENT` for a NULL `root`, a NULL `key` or
/// `proof` with a non-zero length, or `min_version > max_version`.
#[no_mangle]
pub unsafe extern "C" fn avccdb_verify_history_proof(
    root: *const c_uchar,
    key: *const c_char,
    keylen: usize,
    min_version: u64,
    max_version: u64,
    proof: *const c_char,
    prooflen: usize,
    errptr: *mut *mut c_char,
) -> *mut avccdb_version_history_t {
    ffi_guard(
        "avccdb_verify_history_proof",
        errptr,
        std::ptr::null_mut(),
        || {
            // SAFETY: root is NULL or 32 bytes; buffers hold their lengths.
            let (root, key, bytes) = unsafe {
                (
                    root_arg(root)?,
                    bytes_arg(key, keylen, "key")?,
                    bytes_arg(proof, prooflen, "proof")?,
                )
            };
            if min_version > max_version {
                return Err(Error::invalid_argument(
                    "history range with min_version > max_version",
                ));
            }
            let query = Query::History {
                key,
                min: min_version,
                max: max_version,
            };
            match verify_bytes(root, &query, bytes)? {
                Answer::History(entries) => Ok(into_handle(avccdb_version_history_t { entries })),
                _ => Err(Error::InvalidProof(
                    "the proof answers another kind of query".into(),
                )),
            }
        },
    )
}
