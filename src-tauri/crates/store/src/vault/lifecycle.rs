//! A vault's life: creating one, unlocking it with a passphrase or the recovery key, and the
//! checks every open makes (schema, migrations, the figures projection).

use std::path::Path;

use chrono::{DateTime, Utc};
use dsl_domain::recovery::RecoveryKey;
use dsl_domain::vault::{Role, SignInChoice, DEFAULT_IDLE_MINUTES};
use rusqlite::Connection;

use super::connection::{
    convert_page_format, db_files_present, open_db, remove_db_files, PageFormat,
};
use super::credentials::random_recovery_key;
use super::{db_path, file_identity, slots_path, Unlocked, Vault};
use ed25519_dalek::SigningKey;

use crate::audit::{self, Author};
use crate::keyslots::{
    new_data_key, new_signing_key, public_hex, random_bytes, Certifier, DataKey, Founding,
    KdfParams, RecoverySlot, Sealed, SlotFile, UserKeys, UserSlot,
};
use crate::{migrations, settings, signing, users, Result, StoreError};

/// A new vault's first user, keys and founding key, once its database is initialised.
pub(crate) struct Founded {
    pub user_id: i64,
    pub vault_id: String,
    pub slot: UserSlot,
    pub keys: UserKeys,
    pub founding: Founding,
    pub founding_key: SigningKey,
}

/// Gives a new database its schema, identity, founding key, first user (with their keys and
/// certificate), school name and first audit entry.
pub(crate) fn initialise(
    conn: &mut Connection,
    school_name: &str,
    user: (&str, Role),
    passphrase: &str,
    kdf: KdfParams,
    now: DateTime<Utc>,
) -> Result<Founded> {
    migrations::migrate(conn)?;
    let vault_id = hex::encode(random_bytes::<16>());
    let founding_key = new_signing_key();
    let founding = Founding {
        public: public_hex(&founding_key),
        endorsed_by: None,
        endorsement: None,
    };
    let tx = conn.transaction()?;
    let user_id = users::insert(&tx, user.0, user.1, now)?;
    let (slot, keys) = UserSlot::new(
        &vault_id,
        user_id,
        user.0,
        user.1,
        None,
        passphrase,
        kdf,
        Certifier::Founding(0),
        &founding_key,
    )?;
    settings::put(&tx, settings::VAULT_ID, &vault_id)?;
    signing::insert_founding(&tx, 0, &founding, now)?;
    signing::insert_key(&tx, &slot.record()?, now)?;
    settings::put(&tx, settings::SCHOOL_NAME, school_name)?;
    settings::put(
        &tx,
        settings::IDLE_MINUTES,
        &DEFAULT_IDLE_MINUTES.to_string(),
    )?;
    let author = Author {
        user: user_id,
        key: &keys.signing,
    };
    audit::record(&tx, now, &author, "vault.created", "vault", "1")?;
    tx.commit()?;
    Ok(Founded {
        user_id,
        vault_id,
        slot,
        keys,
        founding,
        founding_key,
    })
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
            let _ = crate::files::remove_file(&dest);
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
            let founded = initialise(
                &mut conn,
                school_name,
                (user_name, role),
                passphrase,
                kdf,
                now,
            )?;
            let recovery = RecoverySlot::new(
                &founded.vault_id,
                recovery_key.canonical(),
                &founded.founding_key,
                0,
                kdf,
            )?;
            let mut slots = SlotFile::new(
                founded.vault_id.clone(),
                founded.founding.clone(),
                founded.slot.clone(),
                recovery,
            );
            slots.seal_to_all(1, &key)?;
            slots.write(&slots_path(dir))?;
            Ok((conn, founded))
        })();
        match result {
            Ok((conn, founded)) => Ok(Unlocked {
                vault: Vault {
                    conn,
                    dir: dir.to_path_buf(),
                    key,
                    user_id: founded.user_id,
                    signer: founded.keys.signing.clone(),
                    vault_id: founded.vault_id,
                    file: file_identity(&db_path(dir)),
                    held: Default::default(),
                    held_concerns: Default::default(),
                    known: Default::default(),
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

    /// Who can sign in, from the key file (before anything is unlocked).
    pub fn sign_in_choices(dir: &Path) -> Result<Vec<SignInChoice>> {
        let file = SlotFile::read(&slots_path(dir))?;
        file.users
            .iter()
            .map(|s| {
                Ok(SignInChoice {
                    slot_id: s.id.clone(),
                    name: s.name.clone(),
                    role: s.role()?,
                })
            })
            .collect()
    }

    /// Opens the vault as the user of the slot `slot_id`, with their passphrase.
    pub fn unlock_as(dir: &Path, slot_id: &str, passphrase: &str) -> Result<Vault> {
        let file = SlotFile::read(&slots_path(dir))?;
        let slot = file
            .user_slot(slot_id)
            .ok_or(StoreError::WrongCredentials)?;
        let keys = slot
            .open(&file.vault_id, passphrase)?
            .ok_or(StoreError::WrongCredentials)?;
        Self::open_slot(dir, &file, slot, keys)
    }

    /// Opens the vault with a passphrase, trying each user's slot in turn (the command-line
    /// check and tests; the app asks who is signing in).
    pub fn unlock(dir: &Path, passphrase: &str) -> Result<Vault> {
        let file = SlotFile::read(&slots_path(dir))?;
        for slot in &file.users {
            if let Some(keys) = slot.open(&file.vault_id, passphrase)? {
                return Self::open_slot(dir, &file, slot, keys);
            }
        }
        Err(StoreError::WrongCredentials)
    }

    /// Opens the database with the newest data key sealed to the slot, and checks that the
    /// vault agrees with the key file about who this is: the same vault, the same founding key,
    /// this key certified for this user and role.
    fn open_slot(dir: &Path, file: &SlotFile, slot: &UserSlot, keys: UserKeys) -> Result<Vault> {
        if slot.role()?.sees_only_granted() {
            return Self::open_records_only(dir, file, slot, keys);
        }
        let data_keys = file.data_keys(&slot.id, &keys.boxing);
        let (conn, key) = Self::open_with_any(dir, data_keys)?;
        let mut vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id: slot.user_id,
            signer: keys.signing,
            vault_id: file.vault_id.clone(),
            file: file_identity(&db_path(dir)),
            held: Default::default(),
            held_concerns: Default::default(),
            known: Default::default(),
        };
        let record = slot.record()?;
        vault.check_key_file(file, &record)?;
        vault.open_held(&keys.boxing)?;
        if record.role.can_edit() {
            // Still pending if the vault is open elsewhere; tried again at the next unlock.
            let _ = vault.finish_pending_rekey();
            let _ = vault.finish_record_rekeys(chrono::Utc::now());
        }
        Ok(vault)
    }

    /// Opens the database with the first of `keys` (newest first) that it is encrypted with.
    fn open_with_any(dir: &Path, keys: Vec<(u32, DataKey)>) -> Result<(Connection, DataKey)> {
        for (_, key) in keys {
            match Self::open_conn(dir, Some(&key)) {
                Ok(conn) => return Ok((conn, key)),
                Err(StoreError::Corrupt("not readable with its key")) => {}
                Err(e) => return Err(e),
            }
        }
        // The passphrase opened its slot, but no key the slot holds opens the database.
        Err(StoreError::StaleKeyFile)
    }

    /// Refuses a key file that does not belong with this database, or whose slot claims a
    /// user, role or key the vault did not certify.
    pub(crate) fn check_key_file(
        &self,
        file: &SlotFile,
        record: &crate::keyslots::KeyRecord,
    ) -> Result<()> {
        let mismatch = StoreError::Corrupt("the key file does not belong with this vault");
        if settings::get(&self.conn, settings::VAULT_ID)?.as_deref() != Some(file.vault_id.as_str())
        {
            return Err(mismatch);
        }
        let founding = signing::founding_keys(&self.conn)?;
        if founding.first().map(|f| &f.public) != file.founding.first().map(|f| &f.public) {
            return Err(mismatch);
        }
        let trusted = audit::trusted_keys(&self.conn, &self.vault_id)?
            .map_err(|_| StoreError::Corrupt("a key certificate does not verify"))?;
        if trusted.get(&record.sign_key) != Some(record) {
            return Err(StoreError::Corrupt(
                "the key slot is not certified for this user",
            ));
        }
        let user = users::get(&self.conn, record.user_id).map_err(|e| match e {
            StoreError::NotFound => StoreError::WrongCredentials,
            other => other,
        })?;
        if user.role != record.role {
            return Err(StoreError::Corrupt(
                "the key slot is not certified for this user",
            ));
        }
        Ok(())
    }

    /// Opens the vault with the recovery key and gives the user (the first DSL or deputy when
    /// `user_id` is none) new keys under a new passphrase, certified by the founding key the
    /// recovery key holds. Their old passphrase stops working.
    pub fn unlock_with_recovery(
        dir: &Path,
        recovery_key: &RecoveryKey,
        user_id: Option<i64>,
        new_passphrase: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<Vault> {
        let path = slots_path(dir);
        let mut file = SlotFile::read(&path)?;
        let founding = file.recovery_founding()?.public.clone();
        let opened = file
            .recovery
            .open(&file.vault_id, &founding, recovery_key.canonical())?
            .ok_or(StoreError::WrongCredentials)?;
        let data_keys = file.data_keys(&file.recovery.id.clone(), &opened.boxing);
        let (conn, key) = Self::open_with_any(dir, data_keys)?;
        let user = match user_id {
            Some(id) => users::get(&conn, id)?,
            None => users::list(&conn)?
                .into_iter()
                .find(|u| u.role.can_edit())
                .ok_or(StoreError::Corrupt("vault has no DSL or deputy"))?,
        };
        let vault_id = file.vault_id.clone();
        let (slot, keys) = UserSlot::new(
            &vault_id,
            user.id,
            &user.name,
            user.role,
            None,
            new_passphrase,
            kdf,
            Certifier::Founding(file.recovery.founding),
            &opened.founding,
        )?;
        let mut vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id: user.id,
            signer: keys.signing,
            vault_id,
            file: file_identity(&db_path(dir)),
            held: Default::default(),
            held_concerns: Default::default(),
            known: Default::default(),
        };
        if settings::get(&vault.conn, settings::VAULT_ID)?.as_deref()
            != Some(file.vault_id.as_str())
        {
            return Err(StoreError::Corrupt(
                "the key file does not belong with this vault",
            ));
        }
        let generation = file.generation;
        let sealed = Sealed::seal(
            &file.vault_id,
            generation,
            &slot.id,
            &slot.box_key,
            &vault.key,
        )?;
        let record = slot.record()?;
        file.users.retain(|s| s.user_id != user.id);
        file.sealed
            .retain(|s| file.users.iter().any(|u| u.id == s.slot) || s.slot == file.recovery.id);
        file.users.push(slot);
        // The chair of governors holds no data key, only their records' keys.
        if !user.role.sees_only_granted() {
            file.sealed.push(sealed);
        }
        let tx = vault.conn.transaction()?;
        signing::insert_key(&tx, &record, now)?;
        let author = Author {
            user: user.id,
            key: &vault.signer,
        };
        audit::record(
            &tx,
            now,
            &author,
            "passphrase.reset_with_recovery_key",
            "user",
            &user.id.to_string(),
        )?;
        // The user's restricted records are sealed again to their new box key.
        crate::restricted::reseal_after_recovery(
            &tx,
            &file.vault_id,
            user.id,
            &opened.boxing,
            now,
        )?;
        file.records = crate::restricted::records_only_seals(&tx)?;
        // The slot is written before the key row commits: a slot whose key the vault does not
        // hold is refused at unlock, and the recovery key can be used again.
        file.write(&path)?;
        tx.commit()?;
        vault.open_held(&keys.boxing)?;
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

    /// Opens the vault in `dir` with a data key already known and the signed-in user's keys
    /// (a restore, once its copy is in place).
    pub(crate) fn open(
        dir: &Path,
        key: DataKey,
        user_id: i64,
        signer: SigningKey,
        boxing: &x25519_dalek::StaticSecret,
        vault_id: String,
    ) -> Result<Vault> {
        let conn = Self::open_conn(dir, Some(&key))?;
        users::get(&conn, user_id).map_err(|e| match e {
            StoreError::NotFound => StoreError::WrongCredentials,
            other => other,
        })?;
        let mut vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id,
            signer,
            vault_id,
            file: file_identity(&db_path(dir)),
            held: Default::default(),
            held_concerns: Default::default(),
            known: Default::default(),
        };
        vault.open_held(boxing)?;
        Ok(vault)
    }
}
