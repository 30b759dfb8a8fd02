//! The single-record writes: `put` and `delete`.

use std::ffi::OsStr;
use std::path::Path;

use avccdb::WriteOptions;

use crate::args::Format;
use crate::error::{CliError, CliResult};
use crate::open::open_write;
use crate::output::arg_bytes;

pub fn put(
    fmt: Format,
    db: &Path,
    key: &OsStr,
    value: &OsStr,
    version: Option<u64>,
    sync: bool,
) -> CliResult {
    let key = arg_bytes(key, fmt, "KEY")?;
    let value = arg_bytes(value, fmt, "VALUE")?;
    let handle = open_write(db, true)?;
    let wo = WriteOptions {
        sync,
        ..WriteOptions::default()
    };
    handle
        .put_with_version(&key, version.unwrap_or(0), &value, &wo)
        .and_then(|()| handle.close())
        .map_err(|e| CliError::engine(db.display(), e))
}

pub fn delete(fmt: Format, db: &Path, key: &OsStr, version: Option<u64>) -> CliResult {
    let key = arg_bytes(key, fmt, "KEY")?;
    let handle = open_write(db, false)?;
    handle
        .delete_with_version(&key, version.unwrap_or(0), &WriteOptions::default())
        .and_then(|()| handle.close())
        .map_err(|e| CliError::engine(db.display(), e))
}
