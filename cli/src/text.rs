//! How bytes and numbers are shown to a person: keys and values escaped
//! (printable ASCII as is, `\t \n \r \\` and `\xNN` for the rest) or hex,
//! and sizes and durations in human units. Also the inverse parsers, for
//! command-line arguments and tab-separated input.

use std::time::Duration;

use crate::error::{CliError, CliResult};

/// `bytes` escaped so that any byte string prints safely on one line.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s
}

/// The inverse of [`escape`].
pub fn unescape(s: &str) -> CliResult<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let code = bytes.get(i + 1).copied();
        match code {
            Some(b'\\') => out.push(b'\\'),
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b'x') => {
                let hex = s
                    .get(i + 2..i + 4)
                    .ok_or_else(|| CliError::usage(format!("truncated \\x escape in {s:?}")))?;
                out.push(
                    u8::from_str_radix(hex, 16)
                        .map_err(|_| CliError::usage(format!("bad \\x escape {hex:?} in {s:?}")))?,
                );
                i += 2;
            }
            _ => return Err(CliError::usage(format!("unknown escape in {s:?}"))),
        }
        i += 2;
    }
    Ok(out)
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (either case); `what` names the input in errors.
pub fn unhex(s: &str, what: &str) -> CliResult<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return Err(CliError::usage(format!(
            "{what}: odd number of hex digits ({})",
            s.len()
        )));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| CliError::usage(format!("{what}: not hex at character {i}")))
        })
        .collect()
}

/// `n` bytes in binary units: "512 B", "1.5 KiB", "3.2 MiB".
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A duration at a sensible precision: "850 µs", "12.3 ms", "4.56 s", "2m 05s".
pub fn human_duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", micros as f64 / 1e3)
    } else if d.as_secs() < 60 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let shown = escape(&all);
        assert!(shown.bytes().all(|b| (0x20..=0x7e).contains(&b)));
        assert_eq!(unescape(&shown).unwrap(), all);
        assert_eq!(unhex(&hex(&all), "t").unwrap(), all);
    }

    #[test]
    fn bad_escapes_and_hex_are_usage_errors() {
        assert!(unescape("a\\q").is_err());
        assert!(unescape("a\\x4").is_err());
        assert!(unhex("abc", "t").is_err());
        assert!(unhex("zz", "t").is_err());
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
        assert_eq!(human_duration(Duration::from_micros(850)), "850 µs");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.50 s");
        assert_eq!(human_duration(Duration::from_secs(125)), "2m 05s");
    }
}
