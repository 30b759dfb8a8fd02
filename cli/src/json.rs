//! The JSON the tool writes and reads: flat objects, one per line, whose
//! fields are strings, unsigned integers, booleans or null. `Obj` writes
//! one; `parse_object` is a strict parser for exactly that subset (nested
//! objects, arrays, fractions and negative numbers are rejected), enough
//! for `load` to read what `export` writes without a JSON library.

use crate::error::{CliError, CliResult};
use crate::text::hex;

/// A JSON value of the flat subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Num(u64),
    Bool(bool),
    Null,
}

/// `s` as a JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Builds one flat JSON object, fields in the order added.
#[derive(Default)]
pub struct Obj(Vec<String>);

impl Obj {
    pub fn new() -> Obj {
        Obj::default()
    }

    pub fn str(mut self, name: &str, value: &str) -> Obj {
        self.0.push(format!("{}:{}", quote(name), quote(value)));
        self
    }

    pub fn num(mut self, name: &str, value: u64) -> Obj {
        self.0.push(format!("{}:{value}", quote(name)));
        self
    }

    pub fn bool(mut self, name: &str, value: bool) -> Obj {
        self.0.push(format!("{}:{value}", quote(name)));
        self
    }

    /// Bytes as `name` (a string) when valid UTF-8, else as `name_hex`.
    pub fn bytes(self, name: &str, value: &[u8]) -> Obj {
        match std::str::from_utf8(value) {
            Ok(s) => self.str(name, s),
            Err(_) => self.str(&format!("{name}_hex"), &hex(value)),
        }
    }

    pub fn render(&self) -> String {
        format!("{{{}}}", self.0.join(","))
    }
}

/// Parses one line holding one flat object into its fields, in order.
pub fn parse_object(line: &str) -> CliResult<Vec<(String, Value)>> {
    let mut p = Parser {
        s: line.as_bytes(),
        i: 0,
    };
    p.ws();
    p.expect(b'{')?;
    let mut fields = Vec::new();
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let name = p.string()?;
            p.ws();
            p.expect(b':')?;
            p.ws();
            let value = p.value()?;
            fields.push((name, value));
            p.ws();
            match p.next() {
                Some(b',') => continue,
                Some(b'}') => break,
                _ => return Err(p.error("expected ',' or '}'")),
            }
        }
    }
    p.ws();
    if p.i != p.s.len() {
        return Err(p.error("trailing characters after the object"));
    }
    Ok(fields)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> CliError {
        CliError::usage(format!("JSON: {what} at column {}", self.i + 1))
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek();
        self.i += 1;
        c
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8) -> CliResult<()> {
        if self.next() == Some(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", c as char)))
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> CliResult<Value> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(value)
        } else {
            Err(self.error("unknown literal"))
        }
    }

    fn value(&mut self) -> CliResult<Value> {
        match self.peek() {
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'0'..=b'9') => self.number(),
            _ => Err(self.error("expected a string, an unsigned integer, true, false or null")),
        }
    }

    fn number(&mut self) -> CliResult<Value> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return Err(self.error("only unsigned integers are accepted"));
        }
        let digits = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
        if digits.len() > 1 && digits.starts_with('0') {
            return Err(self.error("leading zero in a number"));
        }
        digits
            .parse()
            .map(Value::Num)
            .map_err(|_| self.error("number out of range"))
    }

    fn hex4(&mut self) -> CliResult<u32> {
        let digits = self
            .s
            .get(self.i..self.i + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.error("bad \\u escape"))?;
        self.i += 4;
        Ok(digits)
    }

    fn string(&mut self) -> CliResult<String> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.next() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    let c = match self.next() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err(self.error("unknown escape")),
                    };
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                Some(c) if c < 0x20 => return Err(self.error("control character in a string")),
                Some(c) => out.push(c),
            }
        }
        // The input is a &str, so the raw bytes copied are valid UTF-8.
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8"))
    }

    fn unicode_escape(&mut self) -> CliResult<char> {
        let first = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&first) {
            if self.next() != Some(b'\\') || self.next() != Some(b'u') {
                return Err(self.error("unpaired surrogate"));
            }
            let low = self.hex4()?;
            if !(0xdc00..0xe000).contains(&low) {
                return Err(self.error("unpaired surrogate"));
            }
            0x10000 + ((first - 0xd800) << 10) + (low - 0xdc00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid code point"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_objects_parse_back() {
        let tricky = "q\"b\\s\n\t\u{1}é😀";
        let line = Obj::new()
            .str("key", tricky)
            .num("version", u64::MAX)
            .bool("deleted", true)
            .bytes("value", &[0xff, 0])
            .render();
        let fields = parse_object(&line).unwrap();
        assert_eq!(
            fields,
            vec![
                ("key".into(), Value::Str(tricky.into())),
                ("version".into(), Value::Num(u64::MAX)),
                ("deleted".into(), Value::Bool(true)),
                ("value_hex".into(), Value::Str("ff00".into())),
            ]
        );
    }

    #[test]
    fn escapes_and_surrogates_decode() {
        let f = parse_object(r#" {"a":"\u00e9\ud83d\ude00\/","b":null} "#).unwrap();
        assert_eq!(f[0].1, Value::Str("é😀/".into()));
        assert_eq!(f[1].1, Value::Null);
    }

    #[test]
    fn everything_outside_the_subset_is_rejected() {
        for bad in [
            "",
            "[]",
            r#"{"a":1.5}"#,
            r#"{"a":-1}"#,
            r#"{"a":01}"#,
            r#"{"a":{}}"#,
            r#"{"a":"x"} x"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":18446744073709551616}"#,
        ] {
            assert!(parse_object(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
