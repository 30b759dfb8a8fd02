//! `VersionEdit::decode` (a MANIFEST record) on arbitrary bytes: never
//! panics, never allocates beyond the input; what decodes re-encodes to
//! bytes that decode to the same edit, and that encoding is a fixed point
//! (the input itself may differ: older record tags, over-long varints and
//! repeated fields all decode).
#![no_main]

use avccdb::version::VersionEdit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match VersionEdit::decode(data) {
        Ok(edit) => {
            let mut encoded = Vec::new();
            edit.encode(&mut encoded);
            let again = VersionEdit::decode(&encoded).expect("an encoded edit decodes");
            assert_eq!(again, edit);
            let mut twice = Vec::new();
            again.encode(&mut twice);
            assert_eq!(twice, encoded);
        }
        Err(e) => assert!(e.is_corruption(), "{e}"),
    }
});
