//! The journal's on-disk vocabulary: block and header sizes, fragment types,
//! and the fragment header encoding and checksum. `docs/JOURNAL_FORMAT.md`
//! is the normative description.

use crate::util::crc::masked_crc32;

/// A journal is a sequence of blocks of this many bytes (the last may be
/// short). Fragments never cross a block boundary.
pub const BLOCK_SIZE: usize = 32 * 1024;

/// Bytes of a fragment header: checksum (u32 LE), length (u16 LE), type (u8).
pub const HEADER_SIZE: usize = 7;

/// Largest payload a single fragment can carry (a whole block minus its
/// header); it fits the u16 length field.
pub const MAX_FRAGMENT_PAYLOAD: usize = BLOCK_SIZE - HEADER_SIZE;

/// The type byte of a fragment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FragmentType {
    /// All-zero header: preallocated or zero-filled space, never written as
    /// a fragment.
    Zero = 0,
    /// A whole record in one fragment.
    Full = 1,
    /// The first fragment of a record that continues in the next block.
    First = 2,
    /// An inner fragment of a record spanning three or more blocks.
    Middle = 3,
    /// The final fragment of a record that began in an earlier block.
    Last = 4,
}

impl FragmentType {
    /// The type for a header's type byte, `None` for values this version
    /// does not know.
    pub fn from_byte(b: u8) -> Option<FragmentType> {
        match b {
            0 => Some(FragmentType::Zero),
            1 => Some(FragmentType::Full),
            2 => Some(FragmentType::First),
            3 => Some(FragmentType::Middle),
            4 => Some(FragmentType::Last),
            _ => None,
        }
    }
}

/// Stored checksum of a fragment: the masked CRC-32 of the type byte
/// followed by the payload. The length field is not covered; a damaged
/// length moves the payload window and so breaks the checksum anyway.
pub fn fragment_checksum(type_byte: u8, payload: &[u8]) -> u32 {
    masked_crc32(&[&[type_byte], payload])
}

/// Encodes the header of a fragment carrying `payload`.
/// `payload.len()` must not exceed [`MAX_FRAGMENT_PAYLOAD`].
pub(crate) fn encode_header(ty: FragmentType, payload: &[u8]) -> [u8; HEADER_SIZE] {
    debug_assert!(payload.len() <= MAX_FRAGMENT_PAYLOAD);
    let crc = fragment_checksum(ty as u8, payload);
    let len = payload.len() as u16;
    let mut h = [0u8; HEADER_SIZE];
    h[..4].copy_from_slice(&crc.to_le_bytes());
    h[4..6].copy_from_slice(&len.to_le_bytes());
    h[6] = ty as u8;
    h
}

/// A decoded header; any 7 bytes decode (validation is the reader's job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub crc: u32,
    pub len: usize,
    pub type_byte: u8,
}

impl Header {
    pub fn decode(b: &[u8; HEADER_SIZE]) -> Header {
        Header {
            crc: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            len: usize::from(u16::from_le_bytes([b[4], b[5]])),
            type_byte: b[6],
        }
    }

    /// True for the all-zero header of preallocated / zero-filled space.
    pub fn is_zero(&self) -> bool {
        self.crc == 0 && self.len == 0 && self.type_byte == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::crc::{crc32, unmask};

    #[test]
    fn header_round_trips_and_checksum_covers_type_and_payload() {
        let payload = b"hello journal";
        for ty in [
            FragmentType::Full,
            FragmentType::First,
            FragmentType::Middle,
            FragmentType::Last,
        ] {
            let h = Header::decode(&encode_header(ty, payload));
            assert_eq!(h.len, payload.len());
            assert_eq!(FragmentType::from_byte(h.type_byte), Some(ty));
            assert_eq!(unmask(h.crc), crc32(&[&[ty as u8], payload]));
            assert!(!h.is_zero());
        }
        // Same payload, different type: different checksum.
        assert_ne!(fragment_checksum(1, payload), fragment_checksum(4, payload));
        assert!(Header::decode(&[0; HEADER_SIZE]).is_zero());
        assert_eq!(FragmentType::from_byte(5), None);
        assert_eq!(FragmentType::from_byte(0xff), None);
        // The largest payload still fits the u16 length.
        assert!(MAX_FRAGMENT_PAYLOAD <= usize::from(u16::MAX));
    }
}
