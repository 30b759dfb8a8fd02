//! The command line: every subcommand and its options (clap derive).
//! Keys and values are taken as raw bytes (any byte string the shell can
//! pass), or as hex with `--hex`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "avccdb",
    version,
    about = "Inspect, query, prove, check and repair avccdb databases"
)]
pub struct Cli {
    #[command(flatten)]
    pub format: Format,
    #[command(subcommand)]
    pub command: Command,
}

/// How keys and values are read from arguments and printed.
#[derive(Args, Debug, Clone, Copy)]
pub struct Format {
    /// Keys and values on the command line are hex, and are printed as hex.
    #[arg(long, global = true)]
    pub hex: bool,
    /// One JSON object per line on stdout, for scripts.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Engine statistics: levels, files, sizes, write delays, compactions.
    Stats { db: PathBuf },
    /// The value of KEY (the newest version, or the newest ≤ --version).
    Get {
        db: PathBuf,
        key: OsString,
        #[arg(long)]
        version: Option<u64>,
    },
    /// Every live version of KEY in [--min, --max], newest first.
    History {
        db: PathBuf,
        key: OsString,
        #[arg(long, default_value_t = 0)]
        min: u64,
        #[arg(long, default_value_t = u64::MAX)]
        max: u64,
    },
    /// Key/value pairs in key order.
    Scan(ScanArgs),
    /// Sets KEY to VALUE (at --version, default 0).
    Put {
        db: PathBuf,
        key: OsString,
        value: OsString,
        #[arg(long)]
        version: Option<u64>,
        /// fsync the journal before returning.
        #[arg(long)]
        sync: bool,
    },
    /// Deletes KEY (as of --version, default 0).
    Delete {
        db: PathBuf,
        key: OsString,
        #[arg(long)]
        version: Option<u64>,
    },
    /// Imports records from FILE (JSON lines or tab-separated; `-` for stdin).
    Load {
        db: PathBuf,
        file: PathBuf,
        /// Records per write batch.
        #[arg(long, default_value_t = 1000)]
        batch: usize,
    },
    /// Writes every record — all versions and tombstones — in the `load` format.
    Export {
        db: PathBuf,
        /// Tab-separated instead of JSON lines.
        #[arg(long)]
        tsv: bool,
    },
    /// The MasterRoot of the database, in hex.
    Root { db: PathBuf },
    /// A proof of KEY's value (existence, freshness or absence).
    Prove {
        db: PathBuf,
        key: OsString,
        #[arg(long)]
        version: Option<u64>,
        /// Write the proof's bytes here (else its hex goes to stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Verifies a proof against a MasterRoot, with no database.
    Verify {
        /// The MasterRoot (64 hex digits).
        #[arg(long)]
        root: String,
        /// The proof: its bytes, or their hex.
        proof: PathBuf,
        key: OsString,
        #[arg(long)]
        version: Option<u64>,
    },
    /// Integrity scrub of every table and journal; exit 0 only when clean.
    Check { db: PathBuf },
    /// Rebuilds the manifest from the tables and journals that survive.
    Repair { db: PathBuf },
    /// Compacts the key range [--from, --to] (everything by default).
    Compact {
        db: PathBuf,
        #[arg(long)]
        from: Option<OsString>,
        #[arg(long)]
        to: Option<OsString>,
    },
    /// Deletes the database.
    Destroy {
        db: PathBuf,
        /// Required: confirms the deletion.
        #[arg(long)]
        yes: bool,
    },
    /// Decodes one file (.ldb table, .log journal, MANIFEST-*) record by record.
    Dump { file: PathBuf },
    /// Prints a shell completion script.
    Completions { shell: clap_complete::Shell },
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    pub db: PathBuf,
    /// First key (inclusive).
    #[arg(long)]
    pub from: Option<OsString>,
    /// Last key (exclusive).
    #[arg(long)]
    pub to: Option<OsString>,
    /// Only keys starting with this.
    #[arg(long)]
    pub prefix: Option<OsString>,
    /// At most this many records.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Every live version, not only the newest.
    #[arg(long)]
    pub all_versions: bool,
    /// Last key first.
    #[arg(long)]
    pub reverse: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
