//! The checker's model: what the database must hold after batches
//! `0..=n` exactly, and the answers every read must give from it.
//!
//! Per key, each version keeps its newest record (a value, or `None` for a
//! tombstone). A read as of version `v` takes the highest version `<= v`;
//! a tombstone there means "not found" (docs/ARCHITECTURE.md, "Reads").

use std::collections::BTreeMap;

use crate::workload::{batch_ops, Op, Value, WRITERS};

#[derive(Default)]
pub struct Model {
    keys: BTreeMap<Vec<u8>, BTreeMap<u64, Option<Value>>>,
}

/// One live (key, version, value) as an iterator yields it.
pub type Entry = (Vec<u8>, u64, Value);

impl Model {
    /// The state after batches `0..=last[w]` of each writer `w` (none of
    /// its batches when `last[w]` is None).
    pub fn replay(seed: u64, last: &[Option<u64>]) -> Model {
        let mut model = Model::default();
        for w in 0..WRITERS {
            if let Some(last) = last[w as usize] {
                for n in 0..=last {
                    model.apply(batch_ops(seed, w, n));
                }
            }
        }
        model
    }

    fn apply(&mut self, ops: Vec<Op>) {
        for op in ops {
            let (key, version, value) = match op {
                Op::Put {
                    key,
                    version,
                    value,
                } => (key, version, Some(value)),
                Op::Delete { key, version } => (key, version, None),
            };
            self.keys.entry(key).or_default().insert(version, value);
        }
    }

    /// The answer of `get_with_version(key, version)`: the value and the
    /// version it was found at.
    pub fn get_at(&self, key: &[u8], version: u64) -> Option<(Value, u64)> {
        let (&found, value) = self.keys.get(key)?.range(..=version).next_back()?;
        value.map(|v| (v, found))
    }

    /// The answer of `version_history(key, 0, u64::MAX)`: live versions,
    /// newest first.
    pub fn history(&self, key: &[u8]) -> Vec<(u64, Value)> {
        self.keys.get(key).map_or_else(Vec::new, |versions| {
            versions
                .iter()
                .rev()
                .filter_map(|(&v, value)| value.map(|value| (v, value)))
                .collect()
        })
    }

    /// What a plain iterator yields, in order: each key whose newest
    /// version is live, with that version.
    pub fn newest_entries(&self) -> Vec<Entry> {
        self.keys
            .iter()
            .filter_map(|(key, versions)| {
                let (&v, value) = versions.iter().next_back()?;
                value.map(|value| (key.clone(), v, value))
            })
            .collect()
    }

    /// What an all-versions iterator yields, in order: keys ascending,
    /// each key's live versions descending.
    pub fn all_entries(&self) -> Vec<Entry> {
        self.keys
            .iter()
            .flat_map(|(key, versions)| {
                versions
                    .iter()
                    .rev()
                    .filter_map(move |(&v, value)| value.map(|value| (key.clone(), v, value)))
            })
            .collect()
    }
}
