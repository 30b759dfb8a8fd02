//! Integer encodings used by every on-disk format: little-endian fixed-width
//! integers and LEB128-style varints, plus length-prefixed byte strings.
//!
//! Decoders take a `&mut &[u8]` cursor, advance it past what they read and
//! return `None` on truncated or over-long input; callers turn that into a
//! `Corruption` error naming their own context.

/// Longest encoding of a u64 varint.
pub const MAX_VARINT64_LEN: usize = 10;

pub fn put_fixed32(dst: &mut Vec<u8>, v: u32) {
    dst.extend_from_slice(&v.to_le_bytes());
}

pub fn put_fixed64(dst: &mut Vec<u8>, v: u64) {
    dst.extend_from_slice(&v.to_le_bytes());
}

/// Reads a little-endian u32 from the first 4 bytes of `src`, if present.
pub fn decode_fixed32(src: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(src.get(..4)?.try_into().ok()?))
}

/// Reads a little-endian u64 from the first 8 bytes of `src`, if present.
pub fn decode_fixed64(src: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(src.get(..8)?.try_into().ok()?))
}

pub fn get_fixed32(src: &mut &[u8]) -> Option<u32> {
    let v = decode_fixed32(src)?;
    *src = &src[4..];
    Some(v)
}

pub fn get_fixed64(src: &mut &[u8]) -> Option<u64> {
    let v = decode_fixed64(src)?;
    *src = &src[8..];
    Some(v)
}

pub fn put_varint32(dst: &mut Vec<u8>, v: u32) {
    put_varint64(dst, u64::from(v));
}

pub fn put_varint64(dst: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        dst.push((v as u8) | 0x80);
        v >>= 7;
    }
    dst.push(v as u8);
}

/// Number of bytes `put_varint64(v)` writes.
pub fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

pub fn get_varint64(src: &mut &[u8]) -> Option<u64> {
    let mut result: u64 = 0;
    for (i, &byte) in src.iter().enumerate().take(MAX_VARINT64_LEN) {
        let shift = 7 * i as u32;
        let bits = u64::from(byte & 0x7f);
        // The 10th byte may only carry the top bit of a u64.
        if shift == 63 && bits > 1 {
            return None;
        }
        result |= bits << shift;
        if byte & 0x80 == 0 {
            *src = &src[i + 1..];
            return Some(result);
        }
    }
    None
}

pub fn get_varint32(src: &mut &[u8]) -> Option<u32> {
    let mut probe = *src;
    let v = u32::try_from(get_varint64(&mut probe)?).ok()?;
    *src = probe;
    Some(v)
}

/// Appends `varint32(len) ‖ bytes`.
pub fn put_length_prefixed(dst: &mut Vec<u8>, bytes: &[u8]) {
    put_varint64(dst, bytes.len() as u64);
    dst.extend_from_slice(bytes);
}

/// Reads a `varint(len) ‖ bytes` string, borrowing it from `src`.
pub fn get_length_prefixed<'a>(src: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut probe = *src;
    let len = usize::try_from(get_varint64(&mut probe)?).ok()?;
    if probe.len() < len {
        return None;
    }
    let (bytes, rest) = probe.split_at(len);
    *src = rest;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trip_at_every_width() {
        let mut values = vec![0u64, 1, 127, 128, 255, 300, u64::from(u32::MAX), u64::MAX];
        for shift in 0..64 {
            values.push(1u64 << shift);
            values.push((1u64 << shift) - 1);
        }
        let mut buf = Vec::new();
        for &v in &values {
            put_varint64(&mut buf, v);
        }
        let mut cursor = buf.as_slice();
        for &v in &values {
            let before = cursor.len();
            assert_eq!(get_varint64(&mut cursor), Some(v));
            assert_eq!(before - cursor.len(), varint_len(v));
        }
        assert!(cursor.is_empty());
    }

    #[test]
    fn varint_rejects_truncated_and_overlong() {
        let mut buf = Vec::new();
        put_varint64(&mut buf, u64::MAX);
        for cut in 0..buf.len() {
            assert_eq!(get_varint64(&mut &buf[..cut]), None, "cut at {cut}");
        }
        // 11 continuation bytes: never a valid varint.
        assert_eq!(get_varint64(&mut &[0xffu8; 11][..]), None);
        // Overflowing 10th byte.
        let mut over = vec![0xffu8; 9];
        over.push(0x02);
        assert_eq!(get_varint64(&mut over.as_slice()), None);
        // A u64 value does not fit a varint32.
        let mut big = Vec::new();
        put_varint64(&mut big, 1 << 40);
        let mut cursor = big.as_slice();
        assert_eq!(get_varint32(&mut cursor), None);
        assert_eq!(cursor.len(), big.len(), "failed decode must not advance");
    }

    #[test]
    fn fixed_and_length_prefixed() {
        let mut buf = Vec::new();
        put_fixed32(&mut buf, 0xdead_beef);
        put_fixed64(&mut buf, 0x0102_0304_0506_0708);
        put_length_prefixed(&mut buf, b"hello");
        let mut c = buf.as_slice();
        assert_eq!(get_fixed32(&mut c), Some(0xdead_beef));
        assert_eq!(get_fixed64(&mut c), Some(0x0102_0304_0506_0708));
        assert_eq!(get_length_prefixed(&mut c), Some(&b"hello"[..]));
        assert!(c.is_empty());
        assert_eq!(get_length_prefixed(&mut &[5u8, b'a'][..]), None);
        assert_eq!(get_fixed32(&mut &[1u8, 2, 3][..]), None);
    }
}
