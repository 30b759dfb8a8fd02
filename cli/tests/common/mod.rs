//! Helpers of the CLI integration tests: run the built `avccdb` binary,
//! temporary directories, databases made through the library, and the
//! JSON lines it prints parsed back.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use avccdb_cli::json::{parse_object, Value};

/// A fresh directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "avccdb-cli-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run of the tool did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

impl Run {
    /// The stdout lines parsed as JSON objects (field name → value).
    pub fn json(&self) -> Vec<BTreeMap<String, Value>> {
        self.stdout
            .lines()
            .map(|l| {
                parse_object(l)
                    .unwrap_or_else(|e| panic!("not a JSON line: {l:?}: {e}"))
                    .into_iter()
                    .collect()
            })
            .collect()
    }
}

/// Runs `avccdb ARGS…` and checks it never panicked and wrote at most one
/// error line.
pub fn avccdb<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out: Output = Command::new(env!("CARGO_BIN_EXE_avccdb"))
        .args(args)
        .output()
        .expect("running avccdb");
    let run = Run {
        code: out.status.code().expect("avccdb was killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    if run.code != 0 && run.code != 2 {
        // Our own errors are one line; clap's usage errors (2) are longer.
        assert_eq!(run.stderr.lines().count(), 1, "stderr: {}", run.stderr);
        assert!(run.stderr.starts_with("avccdb: "), "stderr: {}", run.stderr);
    }
    run
}

/// Runs and expects exit status `code`.
pub fn expect<I, S>(code: i32, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let run = avccdb(args);
    assert_eq!(
        run.code, code,
        "exit status; stdout: {} stderr: {}",
        run.stdout, run.stderr
    );
    run
}

pub fn s(v: &Value) -> &str {
    match v {
        Value::Str(s) => s,
        other => panic!("expected a string, got {other:?}"),
    }
}

pub fn n(v: &Value) -> u64 {
    match v {
        Value::Num(n) => *n,
        other => panic!("expected a number, got {other:?}"),
    }
}

/// Every file in `dir` with its content.
pub fn listing(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Small write buffers, so that a few thousand records make tables.
pub fn small_options() -> avccdb::Options {
    avccdb::Options {
        write_buffer: 64 << 10,
        compaction_table_size: 64 << 10,
        ..avccdb::Options::default()
    }
}

/// Serialises the tests of one binary. A database opened in this process
/// holds its LOCK through a file descriptor that a child being spawned by
/// another test thread inherits until its exec; a child of ours could
/// then find the lock still held just after the database was closed.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
