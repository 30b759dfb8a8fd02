//! The verifier on arbitrary input: the first 32 bytes are the root, the
//! next byte picks the query, the rest is the proof. It must never panic;
//! the seed corpus (valid proofs of a real database, `fuzz/README.md`) lets
//! the fuzzer reach deep into verification by mutating real proofs.
#![no_main]

use avccdb::merkle::{verify_bytes, Query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 34 {
        return;
    }
    let root: [u8; 32] = data[..32].try_into().unwrap();
    let key_len = (data[32] as usize) % 16;
    let rest = &data[33..];
    if rest.len() < key_len + 1 {
        return;
    }
    let key = &rest[..key_len];
    let selector = rest[key_len];
    let proof = &rest[key_len + 1..];
    let query = match selector % 3 {
        0 => Query::Get {
            key,
            version: u64::MAX,
        },
        1 => Query::Get {
            key,
            version: u64::from(selector / 3),
        },
        _ => Query::History {
            key,
            min: 0,
            max: u64::from(selector),
        },
    };
    let _ = verify_bytes(&root, &query, proof);
});
