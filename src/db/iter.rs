//! `DbIter`: the user-facing iterator. It walks a merged cursor of internal
//! keys and yields, at a snapshot sequence, each user key once with its
//! newest visible version — or, in all-versions mode, each (user key,
//! version) once — skipping keys whose newest visible record is a tombstone.
//! Lower (inclusive) and upper (exclusive) bounds limit the user keys seen.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::iter::KvIter;
use crate::key::{
    lookup_key, parse_internal_key, Comparator, Kind, ParsedKey, MAX_SEQUENCE, MAX_VERSION,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// `inner` is at the current entry.
    Forward,
    /// `inner` is just before the current group; the entry is in `saved_*`.
    Reverse,
}

/// What the iterator groups records by, and its bounds.
#[derive(Clone, Debug, Default)]
pub struct IterSpec {
    /// Yield every version of a key, not only the newest.
    pub all_versions: bool,
    /// Smallest user key to yield (inclusive).
    pub lower_bound: Option<Vec<u8>>,
    /// User keys ≥ this are not yielded.
    pub upper_bound: Option<Vec<u8>>,
    /// Also yield groups whose newest visible record is a tombstone
    /// (`is_deletion` tells them apart), for exports and debugging.
    pub include_tombstones: bool,
}

pub struct DbIter {
    inner: Box<dyn KvIter + Send>,
    ucmp: Arc<dyn Comparator>,
    /// `ucmp.is_bytewise()`: user keys then compare inline.
    bytewise: bool,
    sequence: u64,
    spec: IterSpec,
    direction: Direction,
    valid: bool,
    error: Option<Error>,
    // The current group (user key + version) in reverse mode, and the group
    // being skipped in forward mode.
    saved_key: Vec<u8>,
    saved_version: u64,
    saved_value: Vec<u8>,
    saved_kind: Kind,
}

impl DbIter {
    /// `inner` yields internal keys in order; records with a sequence above
    /// `sequence` are invisible.
    pub fn new(
        inner: Box<dyn KvIter + Send>,
        ucmp: Arc<dyn Comparator>,
        sequence: u64,
        spec: IterSpec,
    ) -> DbIter {
        DbIter {
            inner,
            bytewise: ucmp.is_bytewise(),
            ucmp,
            sequence,
            spec,
            direction: Direction::Forward,
            valid: false,
            error: None,
            saved_key: Vec::new(),
            saved_version: 0,
            saved_value: Vec::new(),
            saved_kind: Kind::Value,
        }
    }

    pub fn valid(&self) -> bool {
        self.valid
    }

    /// The current user key.
    pub fn key(&self) -> &[u8] {
        if !self.valid {
            return &[];
        }
        match self.direction {
            Direction::Forward => self.parsed_current().map_or(&[], |p| p.user_key),
            Direction::Reverse => &self.saved_key,
        }
    }

    pub fn value(&self) -> &[u8] {
        if !self.valid {
            return &[];
        }
        match self.direction {
            Direction::Forward => self.inner.value(),
            Direction::Reverse => &self.saved_value,
        }
    }

    /// The version of the current record.
    pub fn version(&self) -> u64 {
        if !self.valid {
            return 0;
        }
        match self.direction {
            Direction::Forward => self.parsed_current().map_or(0, |p| p.version),
            Direction::Reverse => self.saved_version,
        }
    }

    /// True when the current record is a tombstone (only ever with
    /// `IterSpec::include_tombstones`).
    pub fn is_deletion(&self) -> bool {
        if !self.valid {
            return false;
        }
        match self.direction {
            Direction::Forward => self
                .parsed_current()
                .is_some_and(|p| p.kind == Kind::Deletion),
            Direction::Reverse => self.saved_kind == Kind::Deletion,
        }
    }

    /// The first error met (corrupt keys, I/O errors of the sources).
    pub fn status(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => self.inner.status(),
        }
    }

    /// Copies the current record's user key and version into
    /// `saved_key`/`saved_version`; false if its key does not parse.
    fn save_current_group(&mut self) -> bool {
        match parse_internal_key(self.inner.key()) {
            Ok(p) => {
                self.saved_key.clear();
                self.saved_key.extend_from_slice(p.user_key);
                self.saved_version = p.version;
                true
            }
            Err(_) => false,
        }
    }

    fn parsed_current(&self) -> Option<ParsedKey<'_>> {
        parse_internal_key(self.inner.key()).ok()
    }

    /// Compares user keys (inline for the bytewise order).
    #[inline]
    fn ucompare(&self, a: &[u8], b: &[u8]) -> Ordering {
        if self.bytewise {
            a.cmp(b)
        } else {
            self.ucmp.compare(a, b)
        }
    }

    fn same_group(&self, p: &ParsedKey<'_>, key: &[u8], version: u64) -> bool {
        self.ucompare(p.user_key, key) == Ordering::Equal
            && (!self.spec.all_versions || p.version == version)
    }

    /// Is the group of `p` before the group (key, version) in iteration order?
    fn group_before(&self, p: &ParsedKey<'_>, key: &[u8], version: u64) -> bool {
        match self.ucompare(p.user_key, key) {
            Ordering::Less => true,
            Ordering::Greater => false,
            // Versions run descending, so a larger version comes first.
            Ordering::Equal => self.spec.all_versions && p.version > version,
        }
    }

    fn above_upper(&self, user_key: &[u8]) -> bool {
        self.spec
            .upper_bound
            .as_deref()
            .is_some_and(|u| self.ucompare(user_key, u) != Ordering::Less)
    }

    fn below_lower(&self, user_key: &[u8]) -> bool {
        self.spec
            .lower_bound
            .as_deref()
            .is_some_and(|l| self.ucompare(user_key, l) == Ordering::Less)
    }

    fn fail(&mut self, e: Error) {
        self.error.get_or_insert(e);
        self.valid = false;
    }

    /// Moves `inner` forward to the first visible value whose group is not
    /// the skipped one (`saved_key`/`saved_version` when `skipping`).
    fn find_next_entry(&mut self, mut skipping: bool) {
        while self.inner.valid() {
            let parsed = match parse_internal_key(self.inner.key()) {
                Ok(p) => p,
                Err(e) => return self.fail(e),
            };
            if parsed.sequence <= self.sequence {
                if self.above_upper(parsed.user_key) {
                    break;
                }
                if !(skipping && self.same_group(&parsed, &self.saved_key, self.saved_version)) {
                    match parsed.kind {
                        Kind::Deletion if self.spec.include_tombstones => {
                            self.valid = true;
                            return;
                        }
                        Kind::Value => {
                            self.valid = true;
                            return;
                        }
                        Kind::Deletion => {
                            // The group's newest visible record is a
                            // tombstone: skip the whole group.
                            self.saved_key.clear();
                            self.saved_key.extend_from_slice(parsed.user_key);
                            self.saved_version = parsed.version;
                            skipping = true;
                        }
                    }
                }
            }
            self.inner.next();
        }
        self.valid = false;
    }

    /// With `inner` just before (or at the last record of) a group, walks
    /// backwards collecting the newest visible record of the previous group.
    fn find_prev_entry(&mut self) {
        // The kind of the group collected so far (None: none yet). A
        // tombstone group is yielded only with `include_tombstones`.
        let tombstones = self.spec.include_tombstones;
        let mut collected: Option<Kind> = None;
        while self.inner.valid() {
            let parsed = match parse_internal_key(self.inner.key()) {
                Ok(p) => p,
                Err(e) => return self.fail(e),
            };
            if self.below_lower(parsed.user_key) {
                break;
            }
            if parsed.sequence <= self.sequence {
                let yieldable = match collected {
                    Some(Kind::Value) => true,
                    Some(Kind::Deletion) => tombstones,
                    None => false,
                };
                if yieldable && self.group_before(&parsed, &self.saved_key, self.saved_version) {
                    break; // a whole later group is collected
                }
                let kind = parsed.kind;
                collected = Some(kind);
                self.saved_kind = kind;
                self.saved_key.clear();
                self.saved_key.extend_from_slice(parsed.user_key);
                self.saved_version = parsed.version;
                self.saved_value.clear();
                if kind == Kind::Value {
                    self.saved_value.extend_from_slice(self.inner.value());
                }
            }
            self.inner.prev();
        }
        let found = match collected {
            Some(Kind::Value) => true,
            Some(Kind::Deletion) => tombstones,
            None => false,
        };
        if !found {
            self.valid = false;
            self.saved_key.clear();
            self.saved_value.clear();
            self.direction = Direction::Forward;
        } else {
            self.valid = true;
        }
    }

    pub fn seek_to_first(&mut self) {
        self.direction = Direction::Forward;
        self.error = None;
        match self.spec.lower_bound.clone() {
            Some(lower) => self
                .inner
                .seek(&lookup_key(&lower, MAX_VERSION, MAX_SEQUENCE)),
            None => self.inner.seek_to_first(),
        }
        self.find_next_entry(false);
    }

    pub fn seek_to_last(&mut self) {
        self.direction = Direction::Reverse;
        self.error = None;
        match self.spec.upper_bound.clone() {
            Some(upper) => {
                // The last record before the upper bound's first record.
                self.inner
                    .seek(&lookup_key(&upper, MAX_VERSION, MAX_SEQUENCE));
                if self.inner.valid() {
                    self.inner.prev();
                } else {
                    self.inner.seek_to_last();
                }
            }
            None => self.inner.seek_to_last(),
        }
        self.find_prev_entry();
    }

    /// Positions at the first user key ≥ `target` (within the bounds).
    pub fn seek(&mut self, target: &[u8]) {
        self.direction = Direction::Forward;
        self.error = None;
        let target = match self.spec.lower_bound.as_deref() {
            Some(l) if self.ucmp.compare(target, l) == Ordering::Less => l.to_vec(),
            _ => target.to_vec(),
        };
        self.inner
            .seek(&lookup_key(&target, MAX_VERSION, MAX_SEQUENCE));
        self.find_next_entry(false);
    }

    pub fn next(&mut self) {
        if !self.valid {
            return;
        }
        if self.direction == Direction::Reverse {
            // `inner` is before the current group: step into it, then skip it.
            self.direction = Direction::Forward;
            if self.inner.valid() {
                self.inner.next();
            } else {
                self.inner.seek_to_first();
            }
        } else {
            // The group to skip, copied into the reused buffer (no
            // allocation per step).
            if !self.save_current_group() {
                return self.fail(Error::corruption("iterator lost its position"));
            }
            self.inner.next();
        }
        self.find_next_entry(true);
    }

    pub fn prev(&mut self) {
        if !self.valid {
            return;
        }
        if self.direction == Direction::Forward {
            // Walk `inner` back to the last record of an earlier group.
            if !self.save_current_group() {
                return self.fail(Error::corruption("iterator lost its position"));
            }
            loop {
                self.inner.prev();
                if !self.inner.valid() {
                    self.valid = false;
                    self.saved_key.clear();
                    self.saved_value.clear();
                    return;
                }
                match parse_internal_key(self.inner.key()) {
                    Ok(p) if self.group_before(&p, &self.saved_key, self.saved_version) => break,
                    Ok(_) => {}
                    Err(e) => return self.fail(e),
                }
            }
            self.direction = Direction::Reverse;
        }
        self.find_prev_entry();
    }
}

#[cfg(test)]
#[path = "iter_tests.rs"]
mod tests;
