//! Files as the database sees them: the `Env` every file operation goes
//! through (the operating system's, or one that injects faults), positional
//! reads of immutable files, appends with explicit sync, the directory's
//! file names, `CURRENT`, and the `LOCK` that keeps a database open in one
//! place at a time.

mod env;
mod fault;
mod file;
mod lock;
pub mod names;

pub use env::{default_env, with_path, Env, PosixEnv, SequentialFile, WritableFile};
pub use fault::{Fault, FaultEnv, FileOp, Injection};
pub use file::{RandomRead, SyncWrite};
pub use lock::DirLock;
