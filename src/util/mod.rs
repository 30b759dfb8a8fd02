//! Small shared helpers: integer encodings, checksums, a seeded random
//! generator for tests and benchmarks.

pub mod coding;
pub mod crc;
pub mod random;
