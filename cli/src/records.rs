//! The record format of `export` and `load`: one record a line, as a JSON
//! object (`{"key":…,"version":N,"value":…}`, `"deleted":true` with no
//! value for a tombstone; `key_hex`/`value_hex` for bytes that are not
//! UTF-8) or tab-separated (`key TAB value`, `key TAB version TAB value`,
//! or `key TAB version TAB TAB deleted`, fields escaped as `text::escape`).

use crate::error::{CliError, CliResult};
use crate::json::{parse_object, Obj, Value};
use crate::text::{escape, unescape, unhex};

/// One (key, version) record: a value, or a tombstone when `value` is None.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub key: Vec<u8>,
    pub version: u64,
    pub value: Option<Vec<u8>>,
}

impl Record {
    pub fn to_json(&self) -> String {
        let obj = Obj::new()
            .bytes("key", &self.key)
            .num("version", self.version);
        match &self.value {
            Some(v) => obj.bytes("value", v),
            None => obj.bool("deleted", true),
        }
        .render()
    }

    pub fn to_tsv(&self) -> String {
        match &self.value {
            Some(v) => format!("{}\t{}\t{}", escape(&self.key), self.version, escape(v)),
            None => format!("{}\t{}\t\tdeleted", escape(&self.key), self.version),
        }
    }

    /// Parses a line in either format (a JSON line starts with `{`).
    pub fn parse(line: &str) -> CliResult<Record> {
        if line.trim_start().starts_with('{') {
            Record::from_json(line)
        } else {
            Record::from_tsv(line)
        }
    }

    fn from_json(line: &str) -> CliResult<Record> {
        let mut key = None;
        let mut value = None;
        let mut version = 0;
        let mut deleted = false;
        for (name, v) in parse_object(line)? {
            match (name.as_str(), v) {
                ("key", Value::Str(s)) => key = Some(s.into_bytes()),
                ("key_hex", Value::Str(s)) => key = Some(unhex(&s, "key_hex")?),
                ("value", Value::Str(s)) => value = Some(s.into_bytes()),
                ("value_hex", Value::Str(s)) => value = Some(unhex(&s, "value_hex")?),
                ("version", Value::Num(n)) => version = n,
                ("deleted", Value::Bool(b)) => deleted = b,
                (name, v) => {
                    return Err(CliError::usage(format!(
                        "unexpected field {name:?} = {v:?} in a record"
                    )))
                }
            }
        }
        let key = key.ok_or_else(|| CliError::usage("record without \"key\""))?;
        match (deleted, value) {
            (true, Some(_)) => Err(CliError::usage("a deleted record has no value")),
            (true, None) => Ok(Record {
                key,
                version,
                value: None,
            }),
            (false, None) => Err(CliError::usage("record without \"value\" or \"deleted\"")),
            (false, Some(v)) => Ok(Record {
                key,
                version,
                value: Some(v),
            }),
        }
    }

    fn from_tsv(line: &str) -> CliResult<Record> {
        let fields: Vec<&str> = line.split('\t').collect();
        let version = |s: &str| {
            s.parse::<u64>()
                .map_err(|_| CliError::usage(format!("version {s:?} is not an unsigned integer")))
        };
        let (key, version, value) = match fields.as_slice() {
            [k, v] => (k, 0, Some(unescape(v)?)),
            [k, ver, v] => (k, version(ver)?, Some(unescape(v)?)),
            [k, ver, "", "deleted"] => (k, version(ver)?, None),
            _ => {
                return Err(CliError::usage(format!(
                    "expected key<TAB>value, key<TAB>version<TAB>value or \
                     key<TAB>version<TAB><TAB>deleted, got {} fields",
                    fields.len()
                )))
            }
        };
        Ok(Record {
            key: unescape(key)?,
            version,
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_round_trip() {
        let records = [
            Record {
                key: b"plain".to_vec(),
                version: 0,
                value: Some(b"v\t\n\\".to_vec()),
            },
            Record {
                key: vec![0xff, 0, b'\t'],
                version: 7,
                value: None,
            },
            Record {
                key: "é".as_bytes().to_vec(),
                version: u64::MAX,
                value: Some(vec![0x80]),
            },
        ];
        for r in &records {
            assert_eq!(&Record::parse(&r.to_json()).unwrap(), r);
            assert_eq!(&Record::parse(&r.to_tsv()).unwrap(), r);
        }
        let two = Record::parse("k\tv").unwrap();
        assert_eq!((two.version, two.value), (0, Some(b"v".to_vec())));
    }

    #[test]
    fn malformed_records_are_refused() {
        for bad in [
            "k",
            "k\tx\tv",
            r#"{"version":1,"value":"v"}"#,
            r#"{"key":"k","deleted":true,"value":"v"}"#,
            r#"{"key":"k"}"#,
            r#"{"key":"k","value":"v","extra":1}"#,
        ] {
            assert!(Record::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
