//! `avccdb`: the command-line tool of the avccdb engine — look inside a
//! database, query, write, bulk load and export, prove and verify, scrub,
//! repair, compact and destroy, and decode single files (docs/CLI.md).
//!
//! It is its own workspace member so that clap and indicatif never join
//! the library crate's dependencies (C users link everything the library
//! pulls in). Written on the safe Rust API only: no `unsafe` here.

mod args;
mod cmd_check;
mod cmd_dump;
mod cmd_maintain;
mod cmd_proof;
mod cmd_read;
mod cmd_stats;
mod cmd_transfer;
mod cmd_write;
mod error;
mod json;
mod open;
mod output;
mod progress;
mod records;
mod text;

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};
use error::CliResult;

fn run(cli: Cli, out: &mut dyn Write) -> CliResult {
    let fmt = cli.format;
    match cli.command {
        Command::Stats { db } => cmd_stats::stats(out, fmt, &db),
        Command::Get { db, key, version } => cmd_read::get(out, fmt, &db, &key, version),
        Command::History { db, key, min, max } => {
            cmd_read::history(out, fmt, &db, &key, min, max)
        }
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = run(cli, &mut out).and_then(|()| out.flush().map_err(Into::into));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout went away (`| head`): not an error.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Output already produced (problems found by check, say) first.
            let _ = out.flush();
            eprintln!("avccdb: {e}");
            ExitCode::from(e.kind.exit_code())
        }
    }
}
