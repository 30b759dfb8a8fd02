//! Opening a database for a command: read-only for commands that only
//! read (no file is written, and a writer elsewhere makes them fail with
//! one clear line), writable for the others.

use std::path::Path;

use avccdb::{Db, Options};

use crate::error::{CliError, CliResult, Kind};

/// Fails with "not found" unless `dir` holds a database.
pub fn require_db(dir: &Path) -> CliResult<()> {
    if dir.join("CURRENT").is_file() {
        Ok(())
    } else if dir.exists() {
        Err(CliError::new(
            Kind::NotFound,
            format!(
                "{}: not an avccdb database (no CURRENT file)",
                dir.display()
            ),
        ))
    } else {
        Err(CliError::new(
            Kind::NotFound,
            format!("{}: no such database", dir.display()),
        ))
    }
}

/// Opens an existing database read-only.
pub fn open_read(dir: &Path) -> CliResult<Db> {
    require_db(dir)?;
    let opts = Options {
        read_only: true,
        create_if_missing: false,
        ..Options::default()
    };
    Db::open(dir, opts).map_err(|e| CliError::engine(dir.display(), e))
}

/// Opens a database for writing, creating it when `create` is set.
pub fn open_write(dir: &Path, create: bool) -> CliResult<Db> {
    if !create {
        require_db(dir)?;
    }
    let opts = Options {
        create_if_missing: create,
        ..Options::default()
    };
    Db::open(dir, opts).map_err(|e| CliError::engine(dir.display(), e))
}
