//! The journal (write-ahead log): records appended as checksummed fragments
//! in 32 KiB blocks, and read back with corruption reported or skipped and
//! a torn tail (crash mid-write) recognised as a clean end.
//!
//! The same format carries the write-ahead log (`NNNNNN.log`, records are
//! batch groups, `docs/BATCH_FORMAT.md`) and the manifest (records are
//! version edits). `docs/JOURNAL_FORMAT.md` specifies the bytes.

mod format;
mod reader;
mod report;
mod writer;

pub use format::{fragment_checksum, FragmentType, BLOCK_SIZE, HEADER_SIZE, MAX_FRAGMENT_PAYLOAD};
pub use reader::{Reader, ReaderOptions};
pub use report::{Dropped, ReportLog, Reporter};
pub use writer::Writer;

#[cfg(test)]
mod tests;
