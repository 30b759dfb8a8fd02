//! The crash loop's workload: `WRITERS` threads write batches at once, each
//! on its own keys. Batch `n` of writer `w` is a pure function of the seed,
//! `w` and `n`, so the checker rebuilds exactly what each writer's batches
//! `0..=n` wrote without reading anything the writer kept; with disjoint
//! keys, how the two writers' batches interleaved does not matter.

use avccdb::util::random::Rng;
use avccdb::Batch;

/// Concurrent writers: two, so writes merge into groups (one journal
/// record for batches of both) and wait behind each other's transactions.
pub const WRITERS: u64 = 2;
/// Keys per writer, `w<W>-k0000` .. `w<W>-k0999`: few enough that versions
/// pile up per key and compactions keep rewriting the same keys.
pub const KEYS: u64 = 1000;
/// Versioned records use versions `1..=MAX_VERSION` (plain ones version 0).
pub const MAX_VERSION: u64 = 5;
/// Every `LARGE_EVERY`th batch (`n % LARGE_EVERY == LARGE_EVERY - 1`) is
/// large enough to go through the transaction path.
pub const LARGE_EVERY: u64 = 50;
/// Records in a large batch: about 68 KiB of memdb room, over twice the
/// crash loop's 32 KiB write buffer, so the transaction writes several
/// level-0 tables before it commits.
const LARGE_RECORDS: u64 = 400;

/// A value, named rather than stored: `bytes()` makes it on demand, so the
/// checker's model stays small however many batches it replays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueId {
    pub writer: u64,
    pub batch: u64,
    pub record: u32,
    pub len: u32,
}

impl ValueId {
    /// `"w<writer>/<batch>.<record>:"` then filler up to `len` bytes: a
    /// stale value (an older batch's) is told apart from the right one at a
    /// glance.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = format!("w{}/{}.{}:", self.writer, self.batch, self.record).into_bytes();
        let mut rng = Rng::new(
            (self.batch.wrapping_mul(0x1_0000) ^ u64::from(self.record)).wrapping_add(self.writer),
        );
        while out.len() < self.len as usize {
            out.push(b'a' + rng.below(26) as u8);
        }
        out
    }
}

/// What a put stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Named(ValueId),
    /// The marker's value: the batch number.
    Marker(u64),
}

impl Value {
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Value::Named(id) => id.bytes(),
            Value::Marker(n) => n.to_string().into_bytes(),
        }
    }
}

/// One record of a batch. `version` 0 is a plain put or delete.
#[derive(Clone, Debug)]
pub enum Op {
    Put {
        key: Vec<u8>,
        version: u64,
        value: Value,
    },
    Delete {
        key: Vec<u8>,
        version: u64,
    },
}

/// Key number `i` of writer `w`.
pub fn key(w: u64, i: u64) -> Vec<u8> {
    format!("w{w}-k{i:04}").into_bytes()
}

/// Writer `w`'s marker key: each of its batches sets it to the batch's
/// number (decimal), so the number found after a crash says how many of
/// the writer's batches the database holds.
pub fn marker(w: u64) -> Vec<u8> {
    format!("__last{w}").into_bytes()
}

pub fn is_large(n: u64) -> bool {
    n % LARGE_EVERY == LARGE_EVERY - 1
}

/// The records of writer `w`'s batch `n`, in order; exactly one of them is
/// the marker.
pub fn batch_ops(seed: u64, w: u64, n: u64) -> Vec<Op> {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (w << 56));
    let (records, max_len) = if is_large(n) {
        (LARGE_RECORDS, 300)
    } else {
        (rng.range(3, 12), 400)
    };
    let marker_at = rng.below(records);
    let mut ops = Vec::with_capacity(records as usize);
    for j in 0..records {
        if j == marker_at {
            ops.push(Op::Put {
                key: marker(w),
                version: 0,
                value: Value::Marker(n),
            });
            continue;
        }
        let key = key(w, rng.below(KEYS));
        let versioned = rng.one_in(2);
        let version = if versioned {
            rng.range(1, MAX_VERSION)
        } else {
            0
        };
        if rng.below(10) < 7 {
            let len = rng.range(10, max_len) as u32;
            ops.push(Op::Put {
                key,
                version,
                value: Value::Named(ValueId {
                    writer: w,
                    batch: n,
                    record: j as u32,
                    len,
                }),
            });
        } else {
            ops.push(Op::Delete { key, version });
        }
    }
    ops
}

/// Writer `w`'s batch `n` as it hands it to the database.
pub fn batch(seed: u64, w: u64, n: u64) -> Batch {
    let mut batch = Batch::new();
    for op in batch_ops(seed, w, n) {
        match op {
            Op::Put {
                key,
                version: 0,
                value,
            } => batch.put(&key, &value.bytes()),
            Op::Put {
                key,
                version,
                value,
            } => batch.put_with_version(&key, version, &value.bytes()),
            Op::Delete { key, version: 0 } => batch.delete(&key),
            Op::Delete { key, version } => batch.delete_with_version(&key, version),
        }
    }
    batch
}
