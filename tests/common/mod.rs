//! Helpers shared by the engine integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use avccdb::{Options, ReadOptions, WriteOptions};

pub mod faults;
pub mod model;
pub mod proofs;
pub mod soak;
pub mod soak_reader;

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "avccdb-test-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The path as a C string, for the C API.
    pub fn c_path(&self) -> std::ffi::CString {
        std::ffi::CString::new(self.0.to_str().unwrap()).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Small buffers so that tests exercise flushes and compactions quickly.
pub fn small_options() -> Options {
    Options {
        write_buffer: 64 << 10,
        compaction_table_size: 64 << 10,
        compaction_total_size: 256 << 10,
        ..Options::default()
    }
}

/// The seeds' comprehensive workload's options: small buffers and tables,
/// level-0 triggers 4/8/4, no compression.
pub fn seeds_options() -> Options {
    Options {
        write_buffer: 256 << 10,
        compaction_table_size: 512 << 10,
        compaction_total_size: 2 << 20,
        write_l0_slowdown_trigger: 4,
        write_l0_pause_trigger: 8,
        compaction_l0_trigger: 4,
        compression: avccdb::table::Compression::None,
        ..Options::default()
    }
}

/// The seeds' workload's key `i`.
pub fn seeds_key(i: u64) -> Vec<u8> {
    format!("seed-key-{i:07}").into_bytes()
}

/// The seeds' workload's value of key `i` at version `v`.
pub fn seeds_value(i: u64, v: u64) -> Vec<u8> {
    format!("v{v}-of-{i}").into_bytes()
}

pub fn wo() -> WriteOptions {
    WriteOptions::default()
}

pub fn ro() -> ReadOptions {
    ReadOptions::default()
}

pub fn key(i: u64) -> Vec<u8> {
    format!("key{i:08}").into_bytes()
}

pub fn value(i: u64, version: u64) -> Vec<u8> {
    format!("value-{i}-{version}-{}", "x".repeat((i % 37) as usize)).into_bytes()
}

/// Total bytes of files in `dir` whose name ends with `suffix`.
pub fn bytes_of(dir: &Path, suffix: &str) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}
