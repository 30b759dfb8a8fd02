//! The integrity scrub: reads every live table from disk with checksums
//! verified and recomputes its Merkle roots, comparing them with what the
//! table and the manifest store. What users run to know their data is
//! intact, and what the determinism tests use.

use crate::db::core::DbInner;
use crate::error::Error;
use crate::merkle::hash::to_hex;

/// What [`crate::Db::check_integrity`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntegrityReport {
    /// Tables read.
    pub tables: u64,
    /// Data blocks read and hashed.
    pub blocks: u64,
    /// Records hashed.
    pub records: u64,
    /// Bytes of table files checked.
    pub bytes: u64,
    /// One line per problem, naming the table (and offset where known).
    pub problems: Vec<String>,
}

impl IntegrityReport {
    /// True when nothing was wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

impl DbInner {
    pub(crate) fn check_integrity(&self) -> IntegrityReport {
        let version = self.state.read().version.clone();
        let mut report = IntegrityReport::default();
        for level in 0..crate::version::NUM_LEVELS {
            for t in version.tables(level) {
                let name = format!("{:06}.ldb", t.meta.number);
                report.tables += 1;
                report.bytes += t.meta.size;
                let checked = (|| -> Result<(u64, u64, [u8; 32]), Error> {
                    let table = self.table_cache.get(t.meta.number, t.meta.size)?;
                    let (blocks, records) = table.verify_merkle()?;
                    Ok((blocks, records, table.merkle()?.root))
                })();
                match checked {
                    Ok((blocks, records, root)) => {
                        report.blocks += blocks;
                        report.records += records;
                        if let Some(m) = t.meta.merkle_root {
                            if m != root {
                                report.problems.push(format!(
                                    "{name} (level {level}): manifest root {} but the table's is {}",
                                    to_hex(&m),
                                    to_hex(&root)
                                ));
                            }
                        }
                    }
                    Err(e) => report.problems.push(format!("{name} (level {level}): {e}")),
                }
            }
        }
        report
    }
}
