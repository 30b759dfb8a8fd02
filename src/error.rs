//! The crate's error type: one hand-written enum whose variants are the error
//! kinds a caller can act on, and the `Result` alias used everywhere.
//!
//! Kinds map one-to-one onto the integer codes of the C API
//! (`Error::code`), so a C caller can tell them apart without parsing text.

use std::fmt;
use std::io;

/// Every failure avccdb reports.
#[derive(Debug)]
pub enum Error {
    /// Persistent data is malformed: a checksum mismatch, a bad length, a
    /// truncated record. The message names the file and offset where known.
    Corruption(String),
    /// The operating system refused an I/O operation.
    Io(io::Error),
    /// The caller passed something unusable (a NULL handle, an out-of-range
    /// option, a key too large to encode...).
    InvalidArgument(String),
    /// The requested key or file does not exist.
    NotFound(String),
    /// The operation is valid but this build or this database cannot do it.
    NotSupported(String),
    /// The database (or the object the call used) has been closed.
    Closed,
    /// Another holder owns a resource (for example the directory LOCK).
    Busy(String),
    /// A Merkle proof does not establish an answer against the root it was
    /// checked with (malformed, or for another key, version or state).
    InvalidProof(String),
}

/// `std::result::Result` with avccdb's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for a corruption error.
    pub fn corruption(msg: impl Into<String>) -> Error {
        Error::Corruption(msg.into())
    }

    /// Shorthand for an invalid-argument error.
    pub fn invalid_argument(msg: impl Into<String>) -> Error {
        Error::InvalidArgument(msg.into())
    }

    /// Stable integer code of the error kind, shared with the C API
    /// (`AVCCDB_ERR_*`). 0 is reserved for success; 8 is the C API's
    /// `AVCCDB_ERR_INTERNAL` (a caught panic).
    pub fn code(&self) -> i32 {
        match self {
            Error::Corruption(_) => 1,
            Error::Io(_) => 2,
            Error::InvalidArgument(_) => 3,
            Error::NotFound(_) => 4,
            Error::NotSupported(_) => 5,
            Error::Closed => 6,
            Error::Busy(_) => 7,
            Error::InvalidProof(_) => 9,
        }
    }

    /// True for [`Error::Corruption`].
    pub fn is_corruption(&self) -> bool {
        matches!(self, Error::Corruption(_))
    }

    /// True for [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The prefixes match LevelDB's Status::ToString so that messages
        // read the same to users of either library.
        match self {
            Error::Corruption(m) => write!(f, "Corruption: {m}"),
            Error::Io(e) => write!(f, "IO error: {e}"),
            Error::InvalidArgument(m) => write!(f, "Invalid argument: {m}"),
            Error::NotFound(m) => write!(f, "NotFound: {m}"),
            Error::NotSupported(m) => write!(f, "Not implemented: {m}"),
            Error::Closed => write!(f, "Closed: database is closed"),
            Error::Busy(m) => write!(f, "Busy: {m}"),
            Error::InvalidProof(m) => write!(f, "Invalid proof: {m}"),
        }
    }
}

/// Errors are cloned to hand one failure to several waiters (a write group,
/// a sticky background error); an I/O error keeps its kind and message.
impl Clone for Error {
    fn clone(&self) -> Error {
        match self {
            Error::Corruption(m) => Error::Corruption(m.clone()),
            Error::Io(e) => Error::Io(io::Error::new(e.kind(), e.to_string())),
            Error::InvalidArgument(m) => Error::InvalidArgument(m.clone()),
            Error::NotFound(m) => Error::NotFound(m.clone()),
            Error::NotSupported(m) => Error::NotSupported(m.clone()),
            Error::Closed => Error::Closed,
            Error::Busy(m) => Error::Busy(m.clone()),
            Error::InvalidProof(m) => Error::InvalidProof(m.clone()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_nonzero() {
        let all = [
            Error::corruption("x"),
            Error::Io(io::Error::other("x")),
            Error::invalid_argument("x"),
            Error::NotFound("x".into()),
            Error::NotSupported("x".into()),
            Error::Closed,
            Error::Busy("x".into()),
            Error::InvalidProof("x".into()),
        ];
        let mut codes: Vec<i32> = all.iter().map(Error::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert!(!codes.contains(&0));
    }

    #[test]
    fn display_names_the_kind() {
        assert_eq!(
            Error::corruption("bad block at 12").to_string(),
            "Corruption: bad block at 12"
        );
        assert!(Error::Io(io::Error::other("disk"))
            .to_string()
            .starts_with("IO error:"));
    }
}
