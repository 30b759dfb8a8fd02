//! Merkle views of the database: the layers of one pinned state (memdbs at
//! a sequence, the table set of a version), their roots and the
//! MasterRoot (`docs/PROOF_FORMAT.md`, "The structure"). The current
//! state's view is cached until a write or a version change; a snapshot
//! pins its own layout so its root and proofs stay valid.

use std::sync::atomic::Ordering as AtomicOrdering;
use std::sync::{Arc, Weak};

use crate::db::core::DbInner;
use crate::error::{Error, Result};
use crate::key::{extract_user_key, Comparator};
use crate::memdb::{MemDb, MemView};
use crate::merkle::hash::{commit_hash, layer_entry_hash, table_entry_hash, CommitTag, Hash};
use crate::merkle::tree::Levels;
use crate::merkle::LayerKind;
use crate::options::ReadOptions;
use crate::version::{TableFile, Version};

/// The state a view shows: memdbs up to a sequence, and a version.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub sequence: u64,
    pub mems: Vec<Arc<MemDb>>,
    pub version: Arc<Version>,
}

/// What a layer is made of.
pub(crate) enum LayerSource {
    /// `layout.mems[i]` at the layout's sequence (its tree is
    /// `MerkleState::mem_views[i]`).
    Mem(usize),
    /// The tables of a level-0 table layer (one) or a level (key order),
    /// with the tree over their table entries.
    Tables {
        tables: Vec<Arc<TableFile>>,
        entries: Levels,
    },
}

/// One layer of a view.
pub(crate) struct Layer {
    pub kind: LayerKind,
    pub level: u8,
    pub max_version: u64,
    pub root: Hash,
    pub source: LayerSource,
}

/// The layers of one layout and the MasterRoot over them.
pub(crate) struct MerkleState {
    pub layout: Layout,
    /// The tree of each of `layout.mems` at the layout's sequence. Proofs
    /// use these, not `MemDb::merkle_view`: a memdb keeps only its newest
    /// tree, so asking it for an older sequence (a snapshot's, once newer
    /// writes were proven) would rebuild the whole tree for every proof.
    pub mem_views: Vec<MemView>,
    pub layers: Vec<Arc<Layer>>,
    pub root: Hash,
}

/// The current state's Merkle layers, remembered without pinning anything:
/// reused while the live layout is still the same one.
pub(crate) struct CachedMerkle {
    sequence: u64,
    version: Weak<Version>,
    mems: Vec<Weak<MemDb>>,
    layers: Vec<Arc<Layer>>,
    root: Hash,
}

impl CachedMerkle {
    fn matches(&self, layout: &Layout) -> bool {
        self.sequence == layout.sequence
            && self
                .version
                .upgrade()
                .is_some_and(|v| Arc::ptr_eq(&v, &layout.version))
            && self.mems.len() == layout.mems.len()
            && self
                .mems
                .iter()
                .zip(&layout.mems)
                .all(|(w, m)| w.upgrade().is_some_and(|w| Arc::ptr_eq(&w, m)))
    }
}

impl DbInner {
    /// The layout a root or proof is taken from: the snapshot's pinned one,
    /// or the current state captured consistently (no table may hold a
    /// record newer than the sequence: a committing transaction installs
    /// its tables just before it publishes its sequence).
    pub(crate) fn merkle_layout(&self, ro: &ReadOptions) -> Result<Layout> {
        if let Some(s) = &ro.snapshot {
            if !s.belongs_to(&self.snapshots) {
                return Err(Error::invalid_argument(
                    "the snapshot belongs to another database",
                ));
            }
            return Ok(s.layout().clone());
        }
        loop {
            let layout = self.current_layout();
            let newer =
                layout.version.tables(0).iter().any(|t| {
                    t.meta.max_sequence != u64::MAX && t.meta.max_sequence > layout.sequence
                });
            if !newer {
                return Ok(layout);
            }
            std::thread::yield_now();
        }
    }

    /// The memdbs and version now, with the sequence read under the same
    /// lock (used for snapshots too).
    pub(crate) fn current_layout(&self) -> Layout {
        let state = self.state.read();
        let sequence = self.last_seq.load(AtomicOrdering::Acquire);
        let mut mems = vec![state.mem.clone()];
        mems.extend(state.frozen.clone());
        Layout {
            sequence,
            mems,
            version: state.version.clone(),
        }
    }

    /// The Merkle state of `ro`'s view (cached per snapshot, and for the
    /// current state until it changes).
    pub(crate) fn merkle_state(&self, ro: &ReadOptions) -> Result<Arc<MerkleState>> {
        self.check_bytewise()?;
        if let Some(s) = &ro.snapshot {
            let layout = self.merkle_layout(ro)?;
            return s.merkle_state(|| self.build_merkle_state(layout, None));
        }
        let layout = self.merkle_layout(ro)?;
        let mut cached = self.merkle_current.lock();
        if let Some(c) = cached.as_ref().filter(|c| c.matches(&layout)) {
            return Ok(Arc::new(MerkleState {
                mem_views: layout
                    .mems
                    .iter()
                    .map(|m| self.mem_view(m, layout.sequence))
                    .collect(),
                layout,
                layers: c.layers.clone(),
                root: c.root,
            }));
        }
        let reuse = cached.as_ref().filter(|c| {
            c.version
                .upgrade()
                .is_some_and(|v| Arc::ptr_eq(&v, &layout.version))
        });
        let state = self.build_merkle_state(layout, reuse.map(|c| c.layers.as_slice()))?;
        *cached = Some(CachedMerkle {
            sequence: state.layout.sequence,
            version: Arc::downgrade(&state.layout.version),
            mems: state.layout.mems.iter().map(Arc::downgrade).collect(),
            layers: state.layers.clone(),
            root: state.root,
        });
        Ok(Arc::new(state))
    }

    /// `mem`'s tree at `sequence`, counting the records hashed for it.
    fn mem_view(&self, mem: &Arc<MemDb>, sequence: u64) -> MemView {
        let before = mem.merkle_leaves_hashed();
        let view = mem.merkle_view(sequence);
        let hashed = mem.merkle_leaves_hashed().saturating_sub(before);
        crate::db::stats::Counters::add(&self.counters.merkle_leaves_hashed, hashed);
        view
    }

    fn check_bytewise(&self) -> Result<()> {
        let name = self.icmp.user_comparator().name();
        if name != crate::key::BytewiseComparator.name() {
            return Err(Error::NotSupported(format!(
                "Merkle proofs need the bytewise comparator (this database uses {name:?})"
            )));
        }
        Ok(())
    }

    /// Builds the layers of `layout`; `same_version_layers` are the layers
    /// of an earlier state of the same version, whose table layers
    /// (depending on the version alone) are reused.
    fn build_merkle_state(
        &self,
        layout: Layout,
        same_version_layers: Option<&[Arc<Layer>]>,
    ) -> Result<MerkleState> {
        let mut layers = Vec::new();
        let mem_views: Vec<MemView> = layout
            .mems
            .iter()
            .map(|m| self.mem_view(m, layout.sequence))
            .collect();
        for (i, view) in mem_views.iter().enumerate() {
            if view.is_empty() {
                continue;
            }
            layers.push(Arc::new(Layer {
                kind: LayerKind::Memdb,
                level: 0,
                max_version: view.max_version(),
                root: view.root(),
                source: LayerSource::Mem(i),
            }));
        }
        match same_version_layers {
            Some(prev) => {
                layers.extend(prev.iter().filter(|l| l.kind != LayerKind::Memdb).cloned())
            }
            None => {
                for t in layout.version.tables(0) {
                    layers.push(Arc::new(self.tables_layer(
                        LayerKind::Level0Table,
                        0,
                        vec![t.clone()],
                    )?));
                }
                for level in 1..crate::version::NUM_LEVELS {
                    let tables = layout.version.tables(level);
                    if !tables.is_empty() {
                        layers.push(Arc::new(self.tables_layer(
                            LayerKind::Level,
                            level as u8,
                            tables.to_vec(),
                        )?));
                    }
                }
            }
        }
        let entries: Vec<Hash> = layers
            .iter()
            .map(|l| layer_entry_hash(l.kind as u8, l.level, l.max_version, &l.root))
            .collect();
        let tree = Levels::build(entries);
        let root = commit_hash(CommitTag::Master, tree.len() as u64, &tree.root());
        Ok(MerkleState {
            layout,
            mem_views,
            layers,
            root,
        })
    }

    fn tables_layer(
        &self,
        kind: LayerKind,
        level: u8,
        tables: Vec<Arc<TableFile>>,
    ) -> Result<Layer> {
        let mut entries = Vec::with_capacity(tables.len());
        let mut max_version = 0;
        for t in &tables {
            entries.push(table_entry_hash(
                extract_user_key(&t.meta.smallest),
                extract_user_key(&t.meta.largest),
                &self.table_root(t)?,
            ));
            max_version = max_version.max(t.meta.max_version);
        }
        let entries = Levels::build(entries);
        Ok(Layer {
            kind,
            level,
            max_version,
            root: commit_hash(CommitTag::Tables, entries.len() as u64, &entries.root()),
            source: LayerSource::Tables { tables, entries },
        })
    }

    /// A table's root: from the manifest, else from the table itself.
    pub(crate) fn table_root(&self, t: &TableFile) -> Result<Hash> {
        match t.meta.merkle_root {
            Some(r) => Ok(r),
            None => Ok(self
                .table_cache
                .get(t.meta.number, t.meta.size)?
                .merkle()?
                .root),
        }
    }
}
