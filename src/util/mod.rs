//! Small shared helpers: integer encodings, checksums, a seeded random
//! generator for tests and benchmarks.

pub mod coding;
pub mod crc;
pub mod random;

/// Printable form of arbitrary bytes for logs and properties: printable
/// ASCII as is, everything else as `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(b as char);
        } else {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}
