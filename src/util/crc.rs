//! CRC-32 (IEEE, via crc32fast) with LevelDB's masking.
//!
//! A CRC stored next to the data it covers is masked so that computing the
//! CRC of a string that itself contains embedded CRCs stays well-behaved
//! (LevelDB's rationale in `util/crc32c.h`). Mask: rotate right by 15 bits and
//! add the constant 0xa282ead8 (wrapping).

const MASK_DELTA: u32 = 0xa282_ead8;

/// CRC-32 (IEEE) of the concatenation of `parts`.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    for p in parts {
        h.update(p);
    }
    h.finalize()
}

pub fn mask(crc: u32) -> u32 {
    crc.rotate_right(15).wrapping_add(MASK_DELTA)
}

pub fn unmask(masked: u32) -> u32 {
    masked.wrapping_sub(MASK_DELTA).rotate_left(15)
}

/// Masked CRC-32 of the concatenation of `parts`: the value stored on disk.
pub fn masked_crc32(parts: &[&[u8]]) -> u32 {
    mask(crc32(parts))
}

/// Whether `head` followed by some prefix of `data` (the empty one
/// included) has the masked CRC `want`. One pass over `data`.
pub fn some_prefix_has_masked_crc(head: &[u8], data: &[u8], want: u32) -> bool {
    let mut h = crc32fast::Hasher::new();
    h.update(head);
    if mask(h.clone().finalize()) == want {
        return true;
    }
    data.iter().any(|b| {
        h.update(std::slice::from_ref(b));
        mask(h.clone().finalize()) == want
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_round_trips_and_changes_value() {
        for v in [0u32, 1, 0xffff_ffff, crc32(&[b"foo"])] {
            assert_eq!(unmask(mask(v)), v);
            assert_ne!(mask(v), v);
            assert_ne!(mask(mask(v)), mask(v));
        }
    }

    #[test]
    fn finds_the_prefix_with_the_checksum() {
        let data = b"hello world";
        let want = masked_crc32(&[b"T", b"hello"]);
        assert!(some_prefix_has_masked_crc(b"T", data, want));
        assert!(some_prefix_has_masked_crc(
            b"T",
            data,
            masked_crc32(&[b"T"])
        ));
        assert!(!some_prefix_has_masked_crc(b"U", data, want));
        assert!(!some_prefix_has_masked_crc(b"T", b"hell", want));
    }

    #[test]
    fn parts_equal_whole() {
        assert_eq!(crc32(&[b"hello ", b"world"]), crc32(&[b"hello world"]));
        // Standard CRC-32 check value.
        assert_eq!(crc32(&[b"123456789"]), 0xcbf4_3926);
    }
}
