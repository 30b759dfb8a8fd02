//! The read commands: `get`, `history` and `scan` (read-only opens).

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

use avccdb::ReadOptions;

use crate::args::{Format, ScanArgs};
use crate::error::{CliError, CliResult, Kind};
use crate::json::Obj;
use crate::open::open_read;
use crate::output::{arg_bytes, show};

pub fn get(
    out: &mut dyn Write,
    fmt: Format,
    db: &Path,
    key: &OsStr,
    version: Option<u64>,
) -> CliResult {
    let key = arg_bytes(key, fmt, "KEY")?;
    let handle = open_read(db)?;
    let found = handle
        .get_with_version(&key, version.unwrap_or(u64::MAX), &ReadOptions::default())
        .map_err(|e| CliError::engine(db.display(), e))?;
    let Some((value, v)) = found else {
        return Err(CliError::new(
            Kind::NotFound,
            format!("key {} is not in {}", show(&key, fmt), db.display()),
        ));
    };
    if fmt.json {
        let line = Obj::new().bytes("key", &key).num("version", v);
        writeln!(out, "{}", line.bytes("value", &value).render())?;
    } else {
        writeln!(out, "{}", show(&value, fmt))?;
    }
    Ok(())
}

pub fn history(
    out: &mut dyn Write,
    fmt: Format,
    db: &Path,
    key: &OsStr,
    min: u64,
    max: u64,
) -> CliResult {
    let key = arg_bytes(key, fmt, "KEY")?;
    if min > max {
        return Err(CliError::usage(format!("--min {min} is above --max {max}")));
    }
    let handle = open_read(db)?;
    let versions = handle
        .version_history(&key, min, max, &ReadOptions::default())
        .map_err(|e| CliError::engine(db.display(), e))?;
    for (v, value) in versions {
        if fmt.json {
            let line = Obj::new().bytes("key", &key).num("version", v);
            writeln!(out, "{}", line.bytes("value", &value).render())?;
        } else {
            writeln!(out, "{v}\t{}", show(&value, fmt))?;
        }
    }
    Ok(())
}

/// The smallest key above every key starting with `prefix` (None: none).
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

pub fn scan(out: &mut dyn Write, fmt: Format, a: &ScanArgs) -> CliResult {
    let mut lower = a
        .from
        .as_deref()
        .map(|k| arg_bytes(k, fmt, "--from"))
        .transpose()?;
    let mut upper =
        a.to.as_deref()
            .map(|k| arg_bytes(k, fmt, "--to"))
            .transpose()?;
    if let Some(p) = &a.prefix {
        let p = arg_bytes(p, fmt, "--prefix")?;
        lower = Some(lower.map_or(p.clone(), |l| l.max(p.clone())));
        if let Some(end) = prefix_end(&p) {
            upper = Some(upper.map_or(end.clone(), |u| u.min(end)));
        }
    }
    let handle = open_read(&a.db)?;
    let ro = ReadOptions {
        lower_bound: lower,
        upper_bound: upper,
        all_versions: a.all_versions,
        fill_cache: false,
        ..ReadOptions::default()
    };
    let mut it = handle
        .iter(&ro)
        .map_err(|e| CliError::engine(a.db.display(), e))?;
    if a.reverse {
        it.seek_to_last();
    } else {
        it.seek_to_first();
    }
    let mut printed = 0u64;
    while it.valid() && a.limit.is_none_or(|l| printed < l) {
        if fmt.json {
            let line = Obj::new()
                .bytes("key", it.key())
                .num("version", it.version());
            writeln!(out, "{}", line.bytes("value", it.value()).render())?;
        } else if a.all_versions {
            let (k, v) = (show(it.key(), fmt), show(it.value(), fmt));
            writeln!(out, "{k}\t{}\t{v}", it.version())?;
        } else {
            writeln!(out, "{}\t{}", show(it.key(), fmt), show(it.value(), fmt))?;
        }
        printed += 1;
        if a.reverse {
            it.prev();
        } else {
            it.next();
        }
    }
    it.status().map_err(|e| CliError::engine(a.db.display(), e))
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn prefix_end_is_the_next_prefix() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[b'a', 0xff]), Some(b"b".to_vec()));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
    }
}
