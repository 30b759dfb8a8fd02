//! The `LOG` file: a human-readable record of what the engine did (opens,
//! recoveries, flushes, compactions, write delays, background errors).
//! The previous run's log is kept as `LOG.old`. Logging never fails a
//! database operation: a write error to the log is ignored.

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;

use crate::storage::names::{info_log_file_name, old_info_log_file_name};
use crate::storage::{Env, WritableFile};

pub(crate) struct InfoLog {
    file: Mutex<Option<WritableFile>>,
}

impl InfoLog {
    /// Starts a new `LOG` in `dir`, moving the old one to `LOG.old`.
    pub(crate) fn open(env: &dyn Env, dir: &Path) -> InfoLog {
        let path = info_log_file_name(dir);
        if env.exists(&path) {
            let _ = env.rename(&path, &old_info_log_file_name(dir));
        }
        let file = env.append(&path).ok();
        InfoLog {
            file: Mutex::new(file),
        }
    }

    /// A log that writes nothing (read-only opens create no file).
    pub(crate) fn disabled() -> InfoLog {
        InfoLog {
            file: Mutex::new(None),
        }
    }

    pub(crate) fn log(&self, message: std::fmt::Arguments<'_>) {
        let mut guard = self.file.lock();
        if let Some(file) = guard.as_mut() {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let thread = std::thread::current();
            let line = format!(
                "{}.{:06} {} {}\n",
                now.as_secs(),
                now.subsec_micros(),
                thread.name().unwrap_or("-"),
                message
            );
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// `info!(log, "format", args…)` writes one line to an `InfoLog`.
macro_rules! info {
    ($log:expr, $($arg:tt)*) => {
        $log.log(format_args!($($arg)*))
    };
}
pub(crate) use info;
