//! Merkle authentication of the database state: hashing, trees, proofs and
//! their byte format, and the verifier. Knows nothing of the engine; the
//! engine builds trees over its tables and memdbs with these pieces
//! (`docs/PROOF_FORMAT.md` specifies all of it).

pub mod hash;
pub mod proof;
pub mod tree;
pub mod verify;

pub use hash::{CommitTag, Hash};
pub use proof::{LayerKind, Proof, ProofKind, Record};
pub use verify::{verify, verify_bytes, Answer, Query};
