//! `VersionSet`: the current `Version`, the counters persisted with it
//! (next file number, last sequence, live journal number), and the manifest
//! that records every change. `log_and_apply` is the only way the table set
//! changes: the edit is made durable in the manifest before it is installed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::journal::{Reader, ReaderOptions, Writer};
use crate::key::InternalKeyComparator;
use crate::storage::names::{
    manifest_file_name, parse_file_name, read_current_file, set_current_file, FileType,
};
use crate::storage::{Env, WritableFile};
use crate::version::{Version, VersionEdit, NUM_LEVELS};

pub struct VersionSet {
    env: Arc<dyn Env>,
    dir: PathBuf,
    icmp: InternalKeyComparator,
    current: Arc<Version>,
    manifest: Option<Writer<WritableFile>>,
    manifest_number: u64,
    next_file_number: u64,
    last_sequence: u64,
    journal_number: u64,
    compact_pointers: [Option<Vec<u8>>; NUM_LEVELS],
}

impl VersionSet {
    /// Writes the manifest of a new, empty database and points CURRENT at it.
    pub fn create_new(env: &dyn Env, dir: &Path, icmp: &InternalKeyComparator) -> Result<()> {
        let manifest_number = 1;
        let edit = VersionEdit {
            comparator: Some(icmp.user_comparator().name().to_string()),
            journal_number: Some(0),
            next_file_number: Some(manifest_number + 1),
            last_sequence: Some(0),
            ..Default::default()
        };
        let path = manifest_file_name(dir, manifest_number);
        let written = (|| -> Result<()> {
            let mut writer = Writer::new(env.create(&path)?);
            let mut record = Vec::new();
            edit.encode(&mut record);
            writer.add_record(&record)?;
            writer.sync()?;
            set_current_file(env, dir, manifest_number)
        })();
        if written.is_err() {
            let _ = env.remove_file(&path);
        }
        written
    }

    /// Rebuilds the table set by replaying the manifest CURRENT names.
    /// The next `log_and_apply` starts a fresh manifest.
    pub fn recover(
        env: Arc<dyn Env>,
        dir: &Path,
        icmp: InternalKeyComparator,
        paranoid: bool,
    ) -> Result<VersionSet> {
        let manifest_name = read_current_file(&*env, dir)?;
        let manifest_number = match parse_file_name(&manifest_name) {
            Some((FileType::Manifest, n)) => n,
            _ => return Err(Error::corruption("CURRENT does not name a manifest")),
        };
        let path = dir.join(&manifest_name);
        let file = env.open_sequential(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::corruption(format!("{manifest_name} named by CURRENT does not exist"))
            }
            _ => Error::Io(e),
        })?;
        let mut reader = Reader::new(
            file,
            ReaderOptions {
                verify_checksums: true,
                strict: paranoid,
            },
        )
        .named(&manifest_name);
        let mut set = VersionSet {
            env,
            dir: dir.to_path_buf(),
            current: Arc::new(Version::empty(icmp.clone())),
            icmp,
            manifest: None,
            manifest_number,
            next_file_number: 0,
            last_sequence: 0,
            journal_number: 0,
            compact_pointers: Default::default(),
        };
        let (mut saw_next_file, mut saw_journal, mut saw_sequence) = (false, false, false);
        let mut version = Version::empty(set.icmp.clone());
        let mut record = Vec::new();
        while reader.read_record(&mut record)? {
            let edit = VersionEdit::decode(&record)
                .map_err(|e| Error::corruption(format!("{manifest_name}: {e}")))?;
            if let Some(name) = &edit.comparator {
                let ours = set.icmp.user_comparator().name();
                if name != ours {
                    return Err(Error::invalid_argument(format!(
                        "database was created with comparator {name:?}, opened with {ours:?}"
                    )));
                }
            }
            version = version
                .apply(&edit)
                .map_err(|e| Error::corruption(format!("{manifest_name}: {e}")))?;
            set.absorb_counters(&edit);
            saw_next_file |= edit.next_file_number.is_some();
            saw_journal |= edit.journal_number.is_some();
            saw_sequence |= edit.last_sequence.is_some();
        }
        if !(saw_next_file && saw_journal && saw_sequence) {
            return Err(Error::corruption(format!(
                "{manifest_name} lacks a next-file number, journal number or last sequence"
            )));
        }
        set.current = Arc::new(version);
        set.mark_file_number_used(manifest_number);
        Ok(set)
    }

    fn absorb_counters(&mut self, edit: &VersionEdit) {
        if let Some(n) = edit.journal_number {
            self.journal_number = n;
        }
        if let Some(n) = edit.next_file_number {
            self.next_file_number = n;
        }
        if let Some(s) = edit.last_sequence {
            self.last_sequence = s;
        }
        for (level, key) in &edit.compact_pointers {
            self.compact_pointers[*level] = Some(key.clone());
        }
    }

    pub fn current(&self) -> Arc<Version> {
        self.current.clone()
    }

    pub fn comparator(&self) -> &InternalKeyComparator {
        &self.icmp
    }

    pub fn new_file_number(&mut self) -> u64 {
        let n = self.next_file_number;
        self.next_file_number += 1;
        n
    }

    /// Makes sure numbers handed out later are above `number`.
    pub fn mark_file_number_used(&mut self, number: u64) {
        if self.next_file_number <= number {
            self.next_file_number = number + 1;
        }
    }

    pub fn next_file_number(&self) -> u64 {
        self.next_file_number
    }

    pub fn manifest_number(&self) -> u64 {
        self.manifest_number
    }

    /// The last sequence recorded in the manifest.
    pub fn last_sequence(&self) -> u64 {
        self.last_sequence
    }

    /// Journals below this number hold nothing the tables lack.
    pub fn journal_number(&self) -> u64 {
        self.journal_number
    }

    pub fn compact_pointers(&self) -> &[Option<Vec<u8>>; NUM_LEVELS] {
        &self.compact_pointers
    }

    /// Records `edit` durably in the manifest (starting a new manifest when
    /// none is open), then installs the resulting version. Fields the edit
    /// leaves unset keep their current values, which are written too, so
    /// every record is self-sufficient for the counters.
    pub fn log_and_apply(&mut self, mut edit: VersionEdit) -> Result<Arc<Version>> {
        edit.journal_number.get_or_insert(self.journal_number);
        edit.last_sequence.get_or_insert(self.last_sequence);
        let new_version = Arc::new(self.current.apply(&edit)?);

        let mut created = None;
        if self.manifest.is_none() {
            let number = self.new_file_number();
            let path = manifest_file_name(&self.dir, number);
            let mut writer = Writer::new(self.env.create(&path)?);
            let mut snapshot = self.current.snapshot_edit();
            snapshot.comparator = Some(self.icmp.user_comparator().name().to_string());
            snapshot.journal_number = Some(self.journal_number);
            snapshot.last_sequence = Some(self.last_sequence);
            snapshot.next_file_number = Some(self.next_file_number);
            for (level, ptr) in self.compact_pointers.iter().enumerate() {
                if let Some(key) = ptr {
                    snapshot.compact_pointers.push((level, key.clone()));
                }
            }
            let mut record = Vec::new();
            snapshot.encode(&mut record);
            if let Err(e) = writer.add_record(&record) {
                let _ = self.env.remove_file(&path);
                return Err(e);
            }
            self.manifest = Some(writer);
            created = Some((number, path));
        }
        edit.next_file_number = Some(self.next_file_number);
        // Compact pointers move without edits of their own; each record
        // carries them (at most one short key per level).
        for (level, ptr) in self.compact_pointers.iter().enumerate() {
            if let Some(key) = ptr {
                if !edit.compact_pointers.iter().any(|(l, _)| *l == level) {
                    edit.compact_pointers.push((level, key.clone()));
                }
            }
        }

        let mut record = Vec::new();
        edit.encode(&mut record);
        let written = (|| -> Result<()> {
            if !edit.new_tables.is_empty() {
                // The tables' directory entries must be durable before a
                // manifest that names them is: a power loss must never leave
                // a manifest pointing at a file the directory forgot.
                self.env.sync_dir(&self.dir)?;
            }
            let manifest = self.manifest.as_mut().ok_or(Error::Closed)?;
            manifest.add_record(&record)?;
            manifest.sync()?;
            if let Some((number, _)) = &created {
                set_current_file(&*self.env, &self.dir, *number)?;
            }
            Ok(())
        })();
        if let Err(e) = written {
            // The manifest may hold a partial record: never append to it
            // again. A manifest this call created is not live; remove it.
            self.manifest = None;
            if let Some((_, path)) = created {
                let _ = self.env.remove_file(&path);
            }
            return Err(e);
        }
        if let Some((number, _)) = created {
            self.manifest_number = number;
        }
        self.absorb_counters(&edit);
        self.current = new_version.clone();
        Ok(new_version)
    }

    /// Updates where the next compaction of `level` starts; persisted with
    /// the next edit.
    pub fn set_compact_pointer(&mut self, level: usize, key: Vec<u8>) {
        self.compact_pointers[level] = Some(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{make_internal_key, Comparator, Kind};
    use crate::storage::{default_env, PosixEnv};
    use crate::version::FileMeta;
    use std::fs;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("avccdb-vset-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn meta(number: u64, lo: &str, hi: &str) -> FileMeta {
        FileMeta::new(
            number,
            100,
            make_internal_key(lo.as_bytes(), 0, 1, Kind::Value),
            make_internal_key(hi.as_bytes(), 0, 1, Kind::Value),
        )
    }

    #[test]
    fn edits_survive_recovery_and_start_new_manifests() {
        let dir = temp_dir("recover");
        let icmp = InternalKeyComparator::default();
        VersionSet::create_new(&PosixEnv, &dir, &icmp).unwrap();
        let mut set = VersionSet::recover(default_env(), &dir, icmp.clone(), true).unwrap();
        let t1 = set.new_file_number();
        let t2 = set.new_file_number();
        let mut edit = VersionEdit::default();
        edit.add_table(0, meta(t1, "a", "c"));
        edit.add_table(1, meta(t2, "d", "f"));
        edit.last_sequence = Some(42);
        edit.journal_number = Some(7);
        set.log_and_apply(edit).unwrap();
        set.set_compact_pointer(1, make_internal_key(b"e", 0, 0, Kind::Value));
        let mut edit = VersionEdit::default();
        edit.delete_table(0, t1);
        set.log_and_apply(edit).unwrap();
        let first_manifest = set.manifest_number();
        drop(set);

        let set = VersionSet::recover(default_env(), &dir, icmp.clone(), true).unwrap();
        assert_eq!(set.last_sequence(), 42);
        assert_eq!(set.journal_number(), 7);
        assert!(set.next_file_number() > first_manifest);
        let v = set.current();
        assert_eq!(v.num_tables(0), 0);
        assert_eq!(v.tables(1)[0].meta.number, t2);
        assert!(set.compact_pointers()[1].is_some());
        assert_eq!(
            read_current_file(&PosixEnv, &dir).unwrap(),
            format!("MANIFEST-{first_manifest:06}")
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn comparator_mismatch_and_missing_manifest_are_refused() {
        struct Reverse;
        impl Comparator for Reverse {
            fn name(&self) -> &str {
                "test.Reverse"
            }
            fn compare(&self, a: &[u8], b: &[u8]) -> std::cmp::Ordering {
                b.cmp(a)
            }
        }
        let dir = temp_dir("cmp");
        VersionSet::create_new(&PosixEnv, &dir, &InternalKeyComparator::default()).unwrap();
        let other = InternalKeyComparator::new(Arc::new(Reverse));
        let err = VersionSet::recover(default_env(), &dir, other, false)
            .err()
            .unwrap();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
        fs::remove_file(manifest_file_name(&dir, 1)).unwrap();
        let err = VersionSet::recover(default_env(), &dir, InternalKeyComparator::default(), false)
            .err()
            .unwrap();
        assert!(err.is_corruption(), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn invalid_edit_is_not_installed() {
        let dir = temp_dir("invalid");
        let icmp = InternalKeyComparator::default();
        VersionSet::create_new(&PosixEnv, &dir, &icmp).unwrap();
        let mut set = VersionSet::recover(default_env(), &dir, icmp.clone(), true).unwrap();
        let mut edit = VersionEdit::default();
        edit.delete_table(2, 99);
        assert!(set.log_and_apply(edit).is_err());
        assert_eq!(set.current().live_table_numbers().count(), 0);
        let mut ok = VersionEdit::default();
        ok.add_table(1, meta(50, "a", "b"));
        set.log_and_apply(ok).unwrap();
        drop(set);
        let set = VersionSet::recover(default_env(), &dir, icmp, true).unwrap();
        assert_eq!(set.current().live_table_numbers().collect::<Vec<_>>(), [50]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
