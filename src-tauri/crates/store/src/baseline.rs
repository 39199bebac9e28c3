//! For the benchmarks only (feature `bench-baseline`, never enabled by the app): the same vault
//! in a plain, unkeyed SQLite file, so a benchmark can run one workload on both and report what
//! encryption costs; and reopening a vault, to time the database open apart from the
//! passphrase's Argon2id.

use std::path::Path;

use chrono::{DateTime, Utc};
use dsl_domain::vault::Role;

use crate::keyslots::{new_data_key, KdfParams};
use crate::vault::{db_files_present, db_path, file_identity, initialise, open_db};
use crate::{Result, StoreError, Vault};

/// Writes audit entries without their content digest and signature (on), or as the app does
/// (off): the signing benchmark's baseline.
pub fn set_unsigned(on: bool) {
    crate::audit::UNSIGNED.store(on, std::sync::atomic::Ordering::Relaxed);
}

impl Vault {
    /// A new vault whose database is not encrypted (no key file is written).
    pub fn create_unkeyed(
        dir: &Path,
        school_name: &str,
        user_name: &str,
        now: DateTime<Utc>,
    ) -> Result<Vault> {
        if Self::exists(dir) || db_files_present(dir) {
            return Err(StoreError::VaultExists);
        }
        std::fs::create_dir_all(dir)?;
        let (mut conn, _) = open_db(&db_path(dir), None, true)?;
        let founded = initialise(
            &mut conn,
            school_name,
            (user_name, Role::Dsl),
            "unkeyed benchmark vault",
            KdfParams::default(),
            now,
        )?;
        Ok(Vault {
            conn,
            dir: dir.to_path_buf(),
            key: new_data_key(),
            user_id: founded.user_id,
            signer: founded.keys.signing,
            vault_id: founded.vault_id,
            file: file_identity(&db_path(dir)),
            held: Default::default(),
            held_concerns: Default::default(),
            known: Default::default(),
        })
    }

    /// Opens this vault again: an encrypted one with the data key it holds (everything unlock
    /// does after Argon2id and the key unwrap), one made by [`Vault::create_unkeyed`] unkeyed.
    pub fn reopen(&self) -> Result<Vault> {
        let key = Self::exists(&self.dir).then_some(&self.key);
        let conn = Self::open_conn(&self.dir, key)?;
        Ok(Vault {
            conn,
            dir: self.dir.clone(),
            key: self.key.clone(),
            user_id: self.user_id,
            signer: self.signer.clone(),
            vault_id: self.vault_id.clone(),
            file: self.file,
            held: Default::default(),
            held_concerns: Default::default(),
            known: Default::default(),
        })
    }

    /// Closes this vault, as quitting the app does (the last connection checkpoints its
    /// write-ahead log and removes it), and opens it again as unlock does after the key.
    pub fn close_and_reopen(self) -> Result<Vault> {
        let (dir, key, user_id, file) =
            (self.dir.clone(), self.key.clone(), self.user_id, self.file);
        let (signer, vault_id) = (self.signer.clone(), self.vault_id.clone());
        self.close();
        let keyed = Self::exists(&dir).then_some(&key);
        let conn = Self::open_conn(&dir, keyed)?;
        Ok(Vault {
            conn,
            dir,
            key,
            user_id,
            signer,
            vault_id,
            file,
            held: Default::default(),
            held_concerns: Default::default(),
            known: Default::default(),
        })
    }
}

impl Vault {
    /// The work unlock does for each restricted record the user holds: its file opened with
    /// its key, its schema checked and its copy of the users and keys brought up to date.
    pub fn bench_open_held_file(&self, incident: i64) -> Result<()> {
        let r = self
            .held
            .get(&incident)
            .ok_or(crate::StoreError::NotFound)?;
        let path = r
            .conn
            .path()
            .map(std::path::PathBuf::from)
            .ok_or(crate::StoreError::NotFound)?;
        crate::restricted::bench_open(&self.conn, &path, &r.key)
    }
}
