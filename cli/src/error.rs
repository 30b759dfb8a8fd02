//! `CliError`: every failure of a command as one line for stderr, with the
//! kind that picks the process exit status (docs/CLI.md lists the codes).

use std::fmt;

/// What went wrong, as far as the exit status is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Any other failure (unsupported operation, closed database).
    Failed,
    /// Bad arguments or input (clap's own usage errors also exit with 2).
    Usage,
    /// No database, key or file where one was named.
    NotFound,
    /// Damaged data: a checksum, a Merkle root, a malformed record.
    Corruption,
    /// The operating system refused a read or write.
    Io,
    /// A proof does not establish the answer against the root given.
    InvalidProof,
    /// Another process holds the database.
    Busy,
}

impl Kind {
    /// The process exit status of this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Failed => 1,
            Kind::Usage => 2,
            Kind::NotFound => 3,
            Kind::Corruption => 4,
            Kind::Io => 5,
            Kind::InvalidProof => 6,
            Kind::Busy => 7,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Failed => "error",
            Kind::Usage => "usage",
            Kind::NotFound => "not found",
            Kind::Corruption => "corruption",
            Kind::Io => "I/O error",
            Kind::InvalidProof => "invalid proof",
            Kind::Busy => "busy",
        }
    }
}

/// A failed command: its kind and a message naming what it concerns.
#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    message: String,
}

pub type CliResult<T = ()> = Result<T, CliError>;

impl CliError {
    pub fn new(kind: Kind, message: impl Into<String>) -> CliError {
        CliError {
            kind,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Kind::Usage, message)
    }

    /// An engine error about `what` (a path, usually).
    pub fn engine(what: impl fmt::Display, e: avccdb::Error) -> CliError {
        let kind = match &e {
            avccdb::Error::Corruption(_) => Kind::Corruption,
            avccdb::Error::Io(_) => Kind::Io,
            avccdb::Error::InvalidArgument(_) => Kind::Usage,
            avccdb::Error::NotFound(_) => Kind::NotFound,
            avccdb::Error::Busy(_) => Kind::Busy,
            avccdb::Error::InvalidProof(_) => Kind::InvalidProof,
            avccdb::Error::NotSupported(_) | avccdb::Error::Closed => Kind::Failed,
        };
        CliError::new(kind, format!("{what}: {e}"))
    }

    /// An I/O error on the file `path`.
    pub fn io(path: impl fmt::Display, e: std::io::Error) -> CliError {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => Kind::NotFound,
            _ => Kind::Io,
        };
        CliError::new(kind, format!("{path}: {e}"))
    }

    /// True when the error is stdout closed by its reader (`| head`).
    pub fn is_broken_pipe(&self) -> bool {
        self.kind == Kind::Io && self.message.starts_with("<stdout>: ") && {
            self.message.contains("Broken pipe")
        }
    }
}

/// Writing to stdout failed.
impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::io("<stdout>", e)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line whatever the message holds.
        let one_line = self.message.replace('\n', "; ");
        write!(
            f,
            "{}: {}",
            self.kind.label(),
            one_line.trim_end_matches("; ")
        )
    }
}
