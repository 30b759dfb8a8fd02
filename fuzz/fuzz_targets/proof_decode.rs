//! `Proof::decode` on arbitrary bytes: never panics, never allocates more
//! than the input justifies, and whatever decodes re-encodes to the same
//! bytes (the format has one encoding per proof).
#![no_main]

use avccdb::merkle::Proof;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(proof) = Proof::decode(data) {
        assert_eq!(proof.encode(), data);
    }
});
