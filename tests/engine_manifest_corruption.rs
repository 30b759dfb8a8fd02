//! A damaged manifest is reported, never taken for a shorter one. A bit
//! flipped in the length of the manifest's last record makes the record
//! look cut short, as an interrupted write leaves it; recovering without
//! that edit would silently lose the table it added (and delete the table
//! as an orphan). With paranoid checks the open must fail instead; a
//! record whose full bytes are all there is not a torn write.

mod common;

use std::path::{Path, PathBuf};

use avccdb::{Db, Options};
use common::{ro, wo, TempDir};

const KEYS: u64 = 1500;

fn options(paranoid_checks: bool) -> Options {
    Options {
        write_buffer: 64 << 10,
        paranoid_checks,
        ..Options::default()
    }
}

fn key(i: u64) -> Vec<u8> {
    format!("key{i:06}").into_bytes()
}

fn manifest(dir: &Path) -> PathBuf {
    let current = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    dir.join(current.trim_end())
}

/// Offset of the last record's header in a journal-format file (fragments
/// of 7-byte headers: crc 4, length 2, type 1; 32 KiB blocks).
fn last_header(bytes: &[u8]) -> usize {
    let (mut pos, mut last) = (0, 0);
    while pos + 7 <= bytes.len() {
        let in_block = 32768 - pos % 32768;
        if in_block < 7 {
            pos += in_block;
            continue;
        }
        let len = u16::from_le_bytes([bytes[pos + 4], bytes[pos + 5]]) as usize;
        last = pos;
        pos += 7 + len;
    }
    last
}

#[test]
fn a_last_manifest_record_with_a_damaged_length_fails_a_paranoid_open() {
    let dir = TempDir::new("manifest-len");
    {
        // Enough writes for one flush (an edit adding a level-0 table and
        // moving the journal on), not enough for a compaction.
        let db = Db::open(dir.path(), options(false)).unwrap();
        for i in 0..KEYS {
            db.put(&key(i), &[b'v'; 100], &wo()).unwrap();
        }
        db.close().unwrap();
    }
    let path = manifest(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let at = last_header(&bytes);
    let len = u16::from_le_bytes([bytes[at + 4], bytes[at + 5]]) as usize;
    assert_eq!(at + 7 + len, bytes.len(), "the walk found the last record");
    // A length past the end of the file but within its block: what a torn
    // write looks like.
    let bit = (0..16)
        .find(|b| {
            let l = len ^ (1 << b);
            l > len && at + 7 + l > bytes.len() && (at % 32768) + 7 + l <= 32768
        })
        .unwrap();
    bytes[at + 4 + bit / 8] ^= 1 << (bit % 8);
    std::fs::write(&path, &bytes).unwrap();

    match Db::open(dir.path(), options(true)) {
        Err(e) => assert!(e.to_string().contains("length"), "{e}"),
        Ok(db) => {
            // If it opens, nothing may be missing.
            let missing = (0..KEYS)
                .filter(|&i| db.get(&key(i), &ro()).unwrap().is_none())
                .count();
            panic!("opened with {missing} of {KEYS} keys missing");
        }
    }
}
