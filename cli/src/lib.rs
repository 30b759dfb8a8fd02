//! The avccdb command-line tool as a library: every command, the output
//! formats and the record format, so that the binary (`main.rs`) is only
//! argument parsing and exit codes, and tests can parse what it prints.
//!
//! Its own workspace member so that clap and indicatif never join the
//! library crate's dependencies (C users link everything the library
//! pulls in). Written on the safe Rust API only: no `unsafe` here.

pub mod args;
pub mod cmd_check;
pub mod cmd_dump;
pub mod cmd_maintain;
pub mod cmd_proof;
pub mod cmd_read;
pub mod cmd_stats;
pub mod cmd_transfer;
pub mod cmd_write;
pub mod error;
pub mod json;
pub mod open;
pub mod output;
pub mod progress;
pub mod records;
pub mod text;

use std::io::Write;

use clap::CommandFactory;

use args::{Cli, Command};
use error::CliResult;

/// Runs one parsed command line, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> CliResult {
    let fmt = cli.format;
    match cli.command {
        Command::Stats { db } => cmd_stats::stats(out, fmt, &db),
        Command::Get { db, key, version } => cmd_read::get(out, fmt, &db, &key, version),
        Command::History { db, key, min, max } => cmd_read::history(out, fmt, &db, &key, min, max),
        Command::Scan(a) => cmd_read::scan(out, fmt, &a),
        Command::Put {
            db,
            key,
            value,
            version,
            sync,
        } => cmd_write::put(fmt, &db, &key, &value, version, sync),
        Command::Delete { db, key, version } => cmd_write::delete(fmt, &db, &key, version),
        Command::Load { db, file, batch } => cmd_transfer::load(&db, &file, batch),
        Command::Export { db, tsv } => cmd_transfer::export(out, &db, tsv),
        Command::Root { db } => cmd_proof::root(out, fmt, &db),
        Command::Prove {
            db,
            key,
            version,
            out: proof_out,
        } => cmd_proof::prove(out, fmt, &db, &key, version, proof_out.as_deref()),
        Command::Verify {
            root,
            proof,
            key,
            version,
        } => cmd_proof::verify(out, fmt, &root, &proof, &key, version),
        Command::Check { db } => cmd_check::check(out, fmt, &db),
        Command::Repair { db } => cmd_maintain::repair(out, fmt, &db),
        Command::Compact { db, from, to } => {
            cmd_maintain::compact(out, fmt, &db, from.as_deref(), to.as_deref())
        }
        Command::Destroy { db, yes } => cmd_maintain::destroy(out, fmt, &db, yes),
        Command::Dump { file } => cmd_dump::dump(out, &file),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "avccdb", out);
            Ok(())
        }
    }
}
