//! A versioned key-value model for the proof tests: key → version → value
//! (`None` = tombstone), last write wins; answers as the engine defines
//! them.
#![allow(dead_code)]

use std::collections::BTreeMap;

pub type Model = BTreeMap<Vec<u8>, BTreeMap<u64, Option<Vec<u8>>>>;

/// The newest record ≤ `version`, if it is a value: (value, version).
pub fn model_get(m: &Model, key: &[u8], version: u64) -> Option<(Vec<u8>, u64)> {
    let (v, value) = m.get(key)?.range(..=version).next_back()?;
    value.clone().map(|x| (x, *v))
}

/// Every live version in `[min, max]`, newest first.
pub fn model_history(m: &Model, key: &[u8], min: u64, max: u64) -> Vec<(u64, Vec<u8>)> {
    m.get(key).map_or_else(Vec::new, |versions| {
        versions
            .range(min..=max)
            .rev()
            .filter_map(|(v, x)| x.clone().map(|x| (*v, x)))
            .collect()
    })
}
