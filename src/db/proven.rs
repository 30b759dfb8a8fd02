//! The authenticated read API of [`Db`]: MasterRoots, reads with proofs,
//! and the integrity scrub. Proofs verify with [`crate::merkle::verify`]
//! against the root returned with them (or the snapshot's root).

use crate::db::api::Db;
use crate::db::check::IntegrityReport;
use crate::error::{Error, Result};
use crate::merkle::{Answer, Hash, Proof, ProofKind};
use crate::options::ReadOptions;

/// A value read with its proof.
#[derive(Clone, Debug)]
pub struct ProvenValue {
    /// The newest live record ≤ the version asked: (value, version), or
    /// `None` when the key is absent or deleted as of that version.
    pub value: Option<(Vec<u8>, u64)>,
    /// Shows `value` against `root`, including that nothing newer exists.
    pub proof: Proof,
    /// The MasterRoot of the view the read was taken from.
    pub root: Hash,
}

/// A version history read with its proof.
#[derive(Clone, Debug)]
pub struct ProvenHistory {
    /// Every live version in the range, newest first, as (version, value).
    pub versions: Vec<(u64, Vec<u8>)>,
    /// Shows that `versions` is the whole history in the range.
    pub proof: Proof,
    /// The MasterRoot of the view the read was taken from.
    pub root: Hash,
}

impl Db {
    /// The MasterRoot of the current state, or of `ro.snapshot`'s pinned
    /// state. Needs the bytewise comparator (else `NotSupported`).
    pub fn master_root(&self, ro: &ReadOptions) -> Result<Hash> {
        self.check_open()?;
        Ok(self.inner.merkle_state(ro)?.root)
    }

    /// As [`Db::get_with_version`] (`version = u64::MAX` for the latest),
    /// with a proof of the answer — existence with freshness, or absence —
    /// against the returned root. Through `ro.snapshot` the root is the
    /// snapshot's.
    pub fn get_with_proof(
        &self,
        key: &[u8],
        version: u64,
        ro: &ReadOptions,
    ) -> Result<ProvenValue> {
        self.check_open()?;
        let (answer, proof, root) = self.inner.prove(key, 0, version, ProofKind::Get, ro)?;
        let value = match answer {
            Answer::Found { value, version } => Some((value, version)),
            Answer::Absent => None,
            Answer::History(_) => unreachable!("a get proof answers a get"),
        };
        Ok(ProvenValue { value, proof, root })
    }

    /// As [`Db::version_history`], with a proof that the versions returned
    /// are all the key has in `[min, max]`.
    pub fn version_history_with_proof(
        &self,
        key: &[u8],
        min: u64,
        max: u64,
        ro: &ReadOptions,
    ) -> Result<ProvenHistory> {
        self.check_open()?;
        if min > max {
            return Err(Error::invalid_argument("history range with min > max"));
        }
        let (answer, proof, root) = self.inner.prove(key, min, max, ProofKind::History, ro)?;
        let Answer::History(versions) = answer else {
            unreachable!("a history proof answers a history")
        };
        Ok(ProvenHistory {
            versions,
            proof,
            root,
        })
    }

    /// Reads every live table from disk (checksums verified), recomputes
    /// its block roots and root, and compares them with the roots the table
    /// and the manifest store. Problems are listed in the report, not
    /// returned as an error.
    pub fn check_integrity(&self) -> Result<IntegrityReport> {
        self.check_open()?;
        Ok(self.inner.check_integrity())
    }
}
