//! Keys and values between the command line and the screen: arguments
//! taken as raw bytes or hex (`--hex`), and bytes shown escaped or hex.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::args::Format;
use crate::error::CliResult;
use crate::text::{escape, hex, unhex};

/// The bytes of a command-line argument (hex-decoded with `--hex`).
pub fn arg_bytes(arg: &OsStr, fmt: Format, what: &str) -> CliResult<Vec<u8>> {
    if fmt.hex {
        let text = arg.to_string_lossy();
        unhex(&text, what)
    } else {
        Ok(arg.as_bytes().to_vec())
    }
}

/// `bytes` as printed: hex with `--hex`, else escaped.
pub fn show(bytes: &[u8], fmt: Format) -> String {
    if fmt.hex {
        hex(bytes)
    } else {
        escape(bytes)
    }
}
