//! How a journal reader tells its caller what it skipped: the [`Reporter`]
//! callback, and [`ReportLog`], a reporter that simply records everything.

/// Receives what a [`Reader`](super::Reader) drops.
///
/// Offsets are file offsets (from the start of the journal); `bytes` is the
/// length of the skipped region, always > 0.
pub trait Reporter {
    /// `bytes` bytes starting at `offset` were dropped because they are
    /// corrupt; `reason` says why ("checksum mismatch", ...).
    fn corruption(&mut self, offset: u64, bytes: u64, reason: &str);

    /// The journal ends with an incomplete fragment or record of `bytes`
    /// bytes starting at `offset`: the trace of a crash in the middle of a
    /// write, not corruption. Called at most once, at the end.
    fn torn_tail(&mut self, offset: u64, bytes: u64) {
        let _ = (offset, bytes);
    }
}

/// Ignores everything (the reader still counts dropped and torn bytes).
impl Reporter for () {
    fn corruption(&mut self, _offset: u64, _bytes: u64, _reason: &str) {}
}

/// Lets a caller keep ownership of its reporter.
impl<P: Reporter + ?Sized> Reporter for &mut P {
    fn corruption(&mut self, offset: u64, bytes: u64, reason: &str) {
        (**self).corruption(offset, bytes, reason);
    }

    fn torn_tail(&mut self, offset: u64, bytes: u64) {
        (**self).torn_tail(offset, bytes);
    }
}

/// One dropped region, as recorded by [`ReportLog`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// File offset of the first dropped byte.
    pub offset: u64,
    /// Number of bytes dropped.
    pub bytes: u64,
    /// Why they were dropped.
    pub reason: String,
}

/// A reporter that keeps every report, for logging after recovery and for
/// tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportLog {
    /// Corrupt regions, in file order.
    pub corruptions: Vec<Dropped>,
    /// `(offset, bytes)` of the torn tail, if the journal had one.
    pub torn_tail: Option<(u64, u64)>,
}

impl Reporter for ReportLog {
    fn corruption(&mut self, offset: u64, bytes: u64, reason: &str) {
        self.corruptions.push(Dropped {
            offset,
            bytes,
            reason: reason.to_owned(),
        });
    }

    fn torn_tail(&mut self, offset: u64, bytes: u64) {
        self.torn_tail = Some((offset, bytes));
    }
}

impl ReportLog {
    /// Total bytes reported as corrupt.
    pub fn dropped_bytes(&self) -> u64 {
        self.corruptions.iter().map(|d| d.bytes).sum()
    }
}
