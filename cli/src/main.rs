//! `avccdb`: the command-line tool of the avccdb engine — look inside a
//! database, query, write, bulk load and export, prove and verify, scrub,
//! repair, compact and destroy, and decode single files (docs/CLI.md).
//! This file parses the arguments and turns the outcome into an exit code.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use avccdb_cli::args::Cli;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = avccdb_cli::run(cli, &mut out).and_then(|()| out.flush().map_err(Into::into));
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
