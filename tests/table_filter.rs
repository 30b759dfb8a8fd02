//! Table filters: no false negatives for any version of any stored key, a
//! false-positive rate of at most ~2% at 10 bits per key, filtered lookups
//! that skip data-block reads, and filters ignored under another policy.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use avccdb::key::{lookup_key, make_internal_key, Kind};
use avccdb::storage::RandomRead;
use avccdb::table::{
    BlockReadOptions, BloomFilterPolicy, FilterPolicy, InternalFilterPolicy, Table, TableBuilder,
    TableOptions, TableReadOptions,
};

/// A file that counts reads, to see which lookups touch data blocks.
struct CountingFile {
    data: Vec<u8>,
    reads: AtomicUsize,
}

impl RandomRead for CountingFile {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.data.read_exact_at(buf, offset)
    }
    fn size(&self) -> io::Result<u64> {
        Ok(self.data.len() as u64)
    }
}

fn policy(bits: usize) -> Arc<dyn FilterPolicy> {
    Arc::new(InternalFilterPolicy::new(Arc::new(BloomFilterPolicy::new(
        bits,
    ))))
}

/// A table of `users` user keys ("present{i}"), each with 1–3 versions.
fn build(bits: usize, users: u32) -> (Arc<CountingFile>, Vec<Vec<u8>>) {
    let opts = TableOptions {
        filter_policy: Some(policy(bits)),
        ..TableOptions::default()
    };
    let mut b = TableBuilder::new(opts, Vec::new());
    let mut keys = Vec::new();
    for i in 0..users {
        let user = format!("present{i:08}");
        for v in (0..u64::from(i % 3 + 1)).rev() {
            let k = make_internal_key(user.as_bytes(), v, 1, Kind::Value);
            b.add(&k, b"v").unwrap();
            keys.push(k);
        }
    }
    let (data, _) = b.finish().unwrap();
    let file = Arc::new(CountingFile {
        data,
        reads: AtomicUsize::new(0),
    });
    (file, keys)
}

fn open(file: &Arc<CountingFile>, filter: Option<Arc<dyn FilterPolicy>>) -> Arc<Table> {
    let ro = TableReadOptions {
        filter_policy: filter,
        verify_checksums: true,
        ..TableReadOptions::default()
    };
    let f: Arc<dyn RandomRead> = Arc::clone(file) as Arc<dyn RandomRead>;
    Table::open(f, file.data.len() as u64, ro, "f.ldb").unwrap()
}

/// Share of absent user keys the table's filter lets through.
fn false_positive_rate(t: &Table, probes: u32) -> f64 {
    let passed = (0..probes)
        .filter(|i| t.key_may_match(&lookup_key(format!("absent{i:08}").as_bytes(), 5, 5)))
        .count();
    passed as f64 / f64::from(probes)
}

#[test]
fn no_false_negatives_for_any_version() {
    let (file, keys) = build(10, 3000);
    let t = open(&file, Some(policy(10)));
    assert!(t.has_filter());
    let ro = BlockReadOptions::default();
    for k in &keys {
        assert!(t.key_may_match(k));
        assert_eq!(t.get(k, &ro).unwrap().unwrap().0, *k);
    }
    // Lookups between stored versions of present keys pass too.
    for i in (0..3000u32).step_by(11) {
        let target = lookup_key(format!("present{i:08}").as_bytes(), 100, 100);
        assert!(t.key_may_match(&target));
        assert!(t.get(&target, &ro).unwrap().is_some());
    }
}

#[test]
fn false_positive_rate_at_ten_bits_is_low() {
    let (file, _) = build(10, 10_000);
    let t = open(&file, Some(policy(10)));
    let rate = false_positive_rate(&t, 20_000);
    assert!(rate <= 0.02, "false positive rate {rate}");
}

#[test]
fn more_bits_fewer_false_positives() {
    let rates: Vec<f64> = [4, 8, 16]
        .iter()
        .map(|&bits| {
            let (file, _) = build(bits, 5000);
            false_positive_rate(&open(&file, Some(policy(bits))), 10_000)
        })
        .collect();
    assert!(rates[0] > rates[1] && rates[1] > rates[2], "{rates:?}");
    assert!(rates[0] > 0.05, "4 bits should leak noticeably: {rates:?}");
}

#[test]
fn filtered_gets_skip_data_blocks() {
    let (file, keys) = build(10, 2000);
    let t = open(&file, Some(policy(10)));
    let ro = BlockReadOptions::default();
    let before = file.reads.load(Ordering::Relaxed);
    let mut found = 0;
    for i in 0..1000u32 {
        // Absent user keys that sort among the present ones.
        let user = format!("present{:08}x", i * 2);
        if t.get(&lookup_key(user.as_bytes(), 9, 9), &ro)
            .unwrap()
            .is_some()
        {
            found += 1;
        }
    }
    let reads = file.reads.load(Ordering::Relaxed) - before;
    assert!(reads <= 30, "{reads} block reads for 1000 filtered lookups");
    assert!(found <= 30);
    // Present keys do read blocks.
    let before = file.reads.load(Ordering::Relaxed);
    for k in keys.iter().step_by(50) {
        assert!(t.get(k, &ro).unwrap().is_some());
    }
    assert!(file.reads.load(Ordering::Relaxed) > before);
}

#[test]
fn without_a_matching_policy_the_filter_is_ignored() {
    let (file, keys) = build(10, 500);
    let unfiltered = open(&file, None);
    assert!(!unfiltered.has_filter());
    assert!(unfiltered.key_may_match(&lookup_key(b"absent", 1, 1)));
    struct Other;
    impl FilterPolicy for Other {
        fn name(&self) -> &str {
            "some.other.filter"
        }
        fn create_filter(&self, _: &[&[u8]], _: &mut Vec<u8>) {}
        fn key_may_match(&self, _: &[u8], _: &[u8]) -> bool {
            false
        }
    }
    let other = open(&file, Some(Arc::new(Other)));
    assert!(!other.has_filter());
    let ro = BlockReadOptions::default();
    for k in keys.iter().step_by(13) {
        assert_eq!(unfiltered.get(k, &ro).unwrap().unwrap().0, *k);
        assert_eq!(other.get(k, &ro).unwrap().unwrap().0, *k);
    }
}
