//! A vault's life: creating one, unlocking it with a passphrase or the recovery key, and the
//! checks every open makes (schema, migrations, the figures projection).

use std::path::Path;

use chrono::{DateTime, Utc};
use dsl_domain::recovery::RecoveryKey;
use dsl_domain::vault::{Role, DEFAULT_IDLE_MINUTES};
use rusqlite::Connection;

use super::connection::{
    convert_page_format, db_files_present, open_db, remove_db_files, PageFormat,
};
use super::credentials::random_recovery_key;
use super::{db_path, file_identity, slots_path, Unlocked, Vault};
use crate::audit::{self, Change};
use crate::keyslots::{new_data_key, DataKey, KdfParams, Slot, SlotFile, SlotKind};
use crate::{migrations, settings, users, Result, StoreError};

/// Gives a new database its schema, first user, school name and first audit entry.
pub(crate) fn initialise(
    conn: &mut Connection,
    school_name: &str,
    user_name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<i64> {
    migrations::migrate(conn)?;
    let tx = conn.transaction()?;
    let user_id = users::insert(&tx, user_name, role, now)?;
    settings::put(&tx, settings::SCHOOL_NAME, school_name)?;
    settings::put(
        &tx,
        settings::IDLE_MINUTES,
        &DEFAULT_IDLE_MINUTES.to_string(),
    )?;
    audit::append(
        &tx,
        now,
        &Change {
            user_id: Some(user_id),
            action: "vault.created",
            record_kind: "vault",
            record_id: "1",
        },
    )?;
    tx.commit()?;
    Ok(user_id)
}

impl Vault {
    /// True when a vault (its key file) exists in `dir`.
    pub fn exists(dir: &Path) -> bool {
        slots_path(dir).exists()
    }

    /// True when `dir` holds the vault's database (or a copy of it, or its write-ahead log)
    /// but not its key file: the records are there, and the key file must be put back.
    pub fn key_file_missing(dir: &Path) -> bool {
        !Self::exists(dir) && db_files_present(dir)
    }

    /// Puts a key file the user chose into `dir`, beside a database whose key file is missing.
    /// The file must read as a DSL Desk key file; it is copied, never over anything. Whether it
    /// is this database's key file shows when the vault is unlocked with it.
    pub fn install_key_file(dir: &Path, chosen: &Path) -> Result<()> {
        if Self::exists(dir) {
            return Err(StoreError::VaultExists);
        }
        if !db_path(dir).exists() {
            return Err(StoreError::NoVault);
        }
        let bytes = std::fs::read(chosen)?;
        SlotFile::parse(&bytes).map_err(|e| match e {
            StoreError::NewerVersion { .. } => e,
            _ => StoreError::NotAKeyFile,
        })?;
        let dest = slots_path(dir);
        let mut out = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&dest)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::VaultExists)
            }
            Err(e) => return Err(e.into()),
        };
        let written = (|| -> std::io::Result<()> {
            use std::io::Write;
            out.write_all(&bytes)?;
            out.sync_all()
        })();
        if let Err(e) = written {
            // Only the file just made here, half written, is removed.
            drop(out);
            let _ = std::fs::remove_file(&dest);
            return Err(e.into());
        }
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Makes a new vault in `dir` for its first user, returning it open with its recovery key.
    /// Inputs must already be validated (see `dsl_domain::vault`).
    pub fn create(
        dir: &Path,
        school_name: &str,
        user_name: &str,
        role: Role,
        passphrase: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<Unlocked> {
        if Self::exists(dir) {
            return Err(StoreError::VaultExists);
        }
        // A database without its key file is a vault whose key file has gone (a bad copy, an
        // antivirus, a sync tool): its records are there, so nothing is made over it.
        if db_files_present(dir) {
            return Err(StoreError::KeyFileMissing);
        }
        std::fs::create_dir_all(dir)?;

        let key = new_data_key();
        let recovery_key = random_recovery_key();
        let result = (|| {
            let (mut conn, _) = open_db(&db_path(dir), Some(&key), true)?;
            let user_id = initialise(&mut conn, school_name, user_name, role, now)?;
            let slots = SlotFile::new(vec![
                Slot::wrap(
                    SlotKind::Passphrase,
                    Some(user_id),
                    passphrase.as_bytes(),
                    &key,
                    kdf,
                )?,
                Slot::wrap(
                    SlotKind::Recovery,
                    None,
                    recovery_key.canonical().as_bytes(),
                    &key,
                    kdf,
                )?,
            ]);
            slots.write(&slots_path(dir))?;
            Ok((conn, user_id))
        })();
        match result {
            Ok((conn, user_id)) => Ok(Unlocked {
                vault: Vault {
                    conn,
                    dir: dir.to_path_buf(),
                    key,
                    user_id,
                    file: file_identity(&db_path(dir)),
                },
                recovery_key,
            }),
            Err(e) => {
                // Only what this creation made: the folder held no database before it.
                remove_db_files(dir);
                Err(e)
            }
        }
    }

    /// Opens the vault with a user's passphrase.
    pub fn unlock(dir: &Path, passphrase: &str) -> Result<Vault> {
        let file = SlotFile::read(&slots_path(dir))?;
        for slot in file.slots.iter().filter(|s| s.kind == SlotKind::Passphrase) {
            if let Some(key) = slot.unwrap_key(passphrase.as_bytes())? {
                let user_id = slot
                    .user_id
                    .ok_or(StoreError::Corrupt("passphrase slot has no user"))?;
                return Self::open(dir, key, user_id);
            }
        }
        Err(StoreError::WrongCredentials)
    }

    /// Opens the vault with the recovery key and sets a new passphrase for the user
    /// (the first DSL when `user_id` is none). The old passphrase stops working.
    pub fn unlock_with_recovery(
        dir: &Path,
        recovery_key: &RecoveryKey,
        user_id: Option<i64>,
        new_passphrase: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<Vault> {
        let file = SlotFile::read(&slots_path(dir))?;
        let slot = file
            .slots
            .iter()
            .find(|s| s.kind == SlotKind::Recovery)
            .ok_or(StoreError::WrongCredentials)?;
        let key = slot
            .unwrap_key(recovery_key.canonical().as_bytes())?
            .ok_or(StoreError::WrongCredentials)?;
        let conn = Self::open_conn(dir, Some(&key))?;
        let user_id = match user_id {
            Some(id) => users::get(&conn, id)?.id,
            None => {
                users::list(&conn)?
                    .into_iter()
                    .find(|u| u.role != Role::Headteacher)
                    .or_else(|| users::list(&conn).ok().and_then(|l| l.into_iter().next()))
                    .ok_or(StoreError::Corrupt("vault has no users"))?
                    .id
            }
        };
        let mut vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id,
            file: file_identity(&db_path(dir)),
        };
        vault.replace_passphrase_slot(new_passphrase, kdf)?;
        vault.audit(
            now,
            "passphrase.reset_with_recovery_key",
            "user",
            &user_id.to_string(),
        )?;
        Ok(vault)
    }

    pub(crate) fn open_conn(dir: &Path, key: Option<&DataKey>) -> Result<Connection> {
        let (mut conn, format) = open_db(&db_path(dir), key, false)?;
        if let (Some(key), true) = (key, format != PageFormat::CURRENT) {
            // Converted once, on the first unlock after the change. If it cannot be done now
            // (a full disk, a read-only folder) the vault opens as it is and is converted later.
            let _ = convert_page_format(dir, conn, key);
            conn = open_db(&db_path(dir), Some(key), false)?.0;
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            return Err(StoreError::Corrupt("database holds no DSL Desk schema"));
        }
        migrations::migrate(&mut conn)?;
        let tx = conn.transaction()?;
        crate::incidents::backfill_stats(&tx)?;
        tx.commit()?;
        Ok(conn)
    }

    pub(crate) fn open(dir: &Path, key: DataKey, user_id: i64) -> Result<Vault> {
        let conn = Self::open_conn(dir, Some(&key))?;
        users::get(&conn, user_id).map_err(|e| match e {
            StoreError::NotFound => StoreError::WrongCredentials,
            other => other,
        })?;
        Ok(Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id,
            file: file_identity(&db_path(dir)),
        })
    }
}
