//! Batch decoding on arbitrary bytes, both ways a caller reaches it:
//! `Batch::load` and the C `avccdb_writebatch_load`. Neither may panic or
//! allocate beyond the input; both must agree on accept/reject and on the
//! records; a loaded batch re-built record by record through the API holds
//! the same records; the C batch loaded from its own buffer (the overlap
//! path) is unchanged.
#![no_main]

use std::ffi::{c_char, c_uchar, c_void};

use avccdb::batch::BatchRecord;
use avccdb::ffi::batch::{
    avccdb_writebatch_count, avccdb_writebatch_create, avccdb_writebatch_data,
    avccdb_writebatch_destroy, avccdb_writebatch_iterate_versions, avccdb_writebatch_load,
};
use avccdb::ffi::memory::avccdb_free;
use avccdb::key::Kind;
use avccdb::Batch;
use libfuzzer_sys::fuzz_target;

/// One record as seen through either API: (is a put, key, value, version, versioned).
type Seen = (bool, Vec<u8>, Vec<u8>, u64, bool);

fn seen(r: &BatchRecord<'_>) -> Seen {
    (
        r.kind == Kind::Value,
        r.key.to_vec(),
        r.value.to_vec(),
        r.version,
        r.versioned,
    )
}

unsafe extern "C" fn on_put(
    state: *mut c_void,
    k: *const c_char,
    klen: usize,
    v: *const c_char,
    vlen: usize,
    version: u64,
    versioned: c_uchar,
) {
    // SAFETY: `state` is the `Vec<Seen>` passed below; `k`/`v` hold
    // `klen`/`vlen` bytes for the callback's duration.
    unsafe {
        let out = &mut *state.cast::<Vec<Seen>>();
        let key = std::slice::from_raw_parts(k.cast::<u8>(), klen).to_vec();
        let value = std::slice::from_raw_parts(v.cast::<u8>(), vlen).to_vec();
        out.push((true, key, value, version, versioned != 0));
    }
}

unsafe extern "C" fn on_delete(
    state: *mut c_void,
    k: *const c_char,
    klen: usize,
    version: u64,
    versioned: c_uchar,
) {
    // SAFETY: as in `on_put`.
    unsafe {
        let out = &mut *state.cast::<Vec<Seen>>();
        let key = std::slice::from_raw_parts(k.cast::<u8>(), klen).to_vec();
        out.push((false, key, Vec::new(), version, versioned != 0));
    }
}

/// Loads `data` into a C batch; returns whether it was accepted, its
/// records (by the versions iterator) and its serialized buffer.
fn load_through_c(data: &[u8]) -> (bool, Vec<Seen>, Vec<u8>) {
    let b = avccdb_writebatch_create();
    let mut err: *mut c_char = std::ptr::null_mut();
    let mut records: Vec<Seen> = Vec::new();
    // SAFETY: `b` is a live batch used by this thread only; `data` holds
    // `data.len()` bytes; the callbacks match the state's type; the buffer
    // from `avccdb_writebatch_data` is read before the batch changes, then
    // loaded back into the same batch (the overlap case the loader copies).
    let (ok, dumped) = unsafe {
        avccdb_writebatch_load(b, data.as_ptr().cast(), data.len(), &mut err);
        let ok = err.is_null();
        avccdb_free(err.cast());
        let count = avccdb_writebatch_count(b);
        avccdb_writebatch_iterate_versions(
            b,
            (&mut records as *mut Vec<Seen>).cast(),
            Some(on_put),
            Some(on_delete),
        );
        assert_eq!(count, records.len());
        let mut len = 0usize;
        let p = avccdb_writebatch_data(b, &mut len);
        let dumped = std::slice::from_raw_parts(p.cast::<u8>(), len).to_vec();
        let mut err2: *mut c_char = std::ptr::null_mut();
        avccdb_writebatch_load(b, p, len, &mut err2);
        assert!(err2.is_null(), "a batch's own data must load");
        assert_eq!(avccdb_writebatch_count(b), count);
        avccdb_writebatch_destroy(b);
        (ok, dumped)
    };
    (ok, records, dumped)
}

fuzz_target!(|data: &[u8]| {
    let mut batch = Batch::new();
    let loaded = batch.load(data);
    let records: Vec<Seen> = batch.iter().map(|r| seen(&r)).collect();
    match &loaded {
        Ok(()) => {
            assert_eq!(batch.dump(), data);
            assert_eq!(batch.len(), records.len());
            // Re-built through the API: the same records and budget (the
            // bytes may differ: the decoder accepts over-long varints).
            let mut rebuilt = Batch::new();
            for r in batch.iter() {
                match (r.kind, r.versioned) {
                    (Kind::Value, false) => rebuilt.put(r.key, r.value),
                    (Kind::Value, true) => rebuilt.put_with_version(r.key, r.version, r.value),
                    (Kind::Deletion, false) => rebuilt.delete(r.key),
                    (Kind::Deletion, true) => rebuilt.delete_with_version(r.key, r.version),
                }
            }
            let again: Vec<Seen> = rebuilt.iter().map(|r| seen(&r)).collect();
            assert_eq!(again, records);
            assert_eq!(rebuilt.internal_len(), batch.internal_len());
            let sum: usize = batch.iter().map(|r| r.internal_len()).sum();
            assert_eq!(sum, batch.internal_len());
            let mut reloaded = Batch::new();
            reloaded
                .load(rebuilt.dump())
                .expect("an encoded batch loads");
            assert_eq!(reloaded, rebuilt);
        }
        Err(e) => {
            assert!(e.is_corruption(), "{e}");
            assert!(batch.is_empty() && batch.dump().is_empty());
            assert_eq!(batch.internal_len(), 0);
        }
    }
    let (c_ok, c_records, c_dump) = load_through_c(data);
    assert_eq!(c_ok, loaded.is_ok());
    assert_eq!(c_records, records);
    assert_eq!(c_dump, batch.dump());
});
