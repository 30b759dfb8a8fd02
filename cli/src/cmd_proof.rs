//! The authenticated commands: `root` (the MasterRoot), `prove` (a proof
//! of one key's answer, in the format of docs/PROOF_FORMAT.md) and
//! `verify` (checks a proof against a root with no database at all).

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

use avccdb::merkle::{verify_bytes, Answer, Hash, Query};
use avccdb::ReadOptions;

use crate::args::Format;
use crate::error::{CliError, CliResult, Kind};
use crate::json::Obj;
use crate::open::open_read;
use crate::output::{arg_bytes, show};
use crate::text::{hex, unhex};

pub fn root(out: &mut dyn Write, fmt: Format, db: &Path) -> CliResult {
    let handle = open_read(db)?;
    let root = handle
        .master_root(&ReadOptions::default())
        .map_err(|e| CliError::engine(db.display(), e))?;
    if fmt.json {
        writeln!(out, "{}", Obj::new().str("root", &hex(&root)).render())?;
    } else {
        writeln!(out, "{}", hex(&root))?;
    }
    Ok(())
}

/// The answer line(s) shared by `prove` and `verify`.
fn print_answer(
    out: &mut dyn Write,
    fmt: Format,
    key: &[u8],
    root: &Hash,
    answer: &Answer,
) -> CliResult {
    let (found, version, value) = match answer {
        Answer::Found { value, version } => (true, *version, Some(value.as_slice())),
        _ => (false, 0, None),
    };
    if fmt.json {
        let mut obj = Obj::new()
            .str("root", &hex(root))
            .bytes("key", key)
            .bool("found", found);
        if let Some(v) = value {
            obj = obj.num("version", version).bytes("value", v);
        }
        writeln!(out, "{}", obj.render())?;
    } else if let Some(v) = value {
        writeln!(out, "found: version {version}: {}", show(v, fmt))?;
    } else {
        writeln!(out, "absent: {} has no live record", show(key, fmt))?;
    }
    Ok(())
}

pub fn prove(
    out: &mut dyn Write,
    fmt: Format,
    db: &Path,
    key: &OsStr,
    version: Option<u64>,
    proof_out: Option<&Path>,
) -> CliResult {
    let key = arg_bytes(key, fmt, "KEY")?;
    let handle = open_read(db)?;
    let proven = handle
        .get_with_proof(&key, version.unwrap_or(u64::MAX), &ReadOptions::default())
        .map_err(|e| CliError::engine(db.display(), e))?;
    let bytes = proven.proof.encode();
    let answer = match proven.value {
        Some((value, version)) => Answer::Found { value, version },
        None => Answer::Absent,
    };
    match proof_out {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|e| CliError::io(path.display(), e))?;
            print_answer(out, fmt, &key, &proven.root, &answer)?;
            if !fmt.json {
                writeln!(out, "root: {}", hex(&proven.root))?;
                writeln!(out, "proof: {} bytes in {}", bytes.len(), path.display())?;
            }
        }
        None if fmt.json => {
            let obj = Obj::new()
                .str("root", &hex(&proven.root))
                .str("proof_hex", &hex(&bytes));
            writeln!(out, "{}", obj.render())?;
        }
        None => writeln!(out, "{}", hex(&bytes))?,
    }
    Ok(())
}

/// A proof file holds the proof's bytes, or their hex (as `prove` prints).
fn read_proof(path: &Path) -> CliResult<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| CliError::io(path.display(), e))?;
    let text = std::str::from_utf8(&raw).ok().map(str::trim);
    match text {
        Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_hexdigit()) => {
            unhex(t, &path.display().to_string())
        }
        _ => Ok(raw),
    }
}

pub fn verify(
    out: &mut dyn Write,
    fmt: Format,
    root_hex: &str,
    proof: &Path,
    key: &OsStr,
    version: Option<u64>,
) -> CliResult {
    let root: Hash = unhex(root_hex, "--root")?
        .try_into()
        .map_err(|_| CliError::usage("--root must be 64 hex digits (32 bytes)"))?;
    let key = arg_bytes(key, fmt, "KEY")?;
    let bytes = read_proof(proof)?;
    let query = Query::Get {
        key: &key,
        version: version.unwrap_or(u64::MAX),
    };
    let answer = verify_bytes(&root, &query, &bytes).map_err(|e| {
        let kind = match e {
            avccdb::Error::InvalidArgument(_) => Kind::Usage,
            _ => Kind::InvalidProof,
        };
        CliError::new(kind, format!("{}: {e}", proof.display()))
    })?;
    print_answer(out, fmt, &key, &root, &answer)
}
