//! The keys to a vault: passphrases, the recovery key, and re-keying.
//!
//! Changing a passphrase wraps the user's own keys again. Removing a user or replacing the
//! recovery key re-keys: a new data key, the database re-encrypted with it, and the key sealed
//! only to the slots that remain, so no older key file, backup slot or recovery sheet opens
//! anything written after.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use dsl_domain::recovery::{RecoveryKey, KEY_BYTES};
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::Connection;
use zeroize::Zeroizing;

use super::connection::export_copy;
use super::{db_path, file_identity, slots_path, Vault, DB_FILE};
use crate::files::replace_durably;
use crate::keyslots::{
    founding_body, new_data_key, new_signing_key, public_hex, sign, Founding, KdfParams,
    RecoverySlot, SlotFile,
};
use crate::{settings, signing, Result, StoreError};

pub(super) fn random_recovery_key() -> RecoveryKey {
    let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
    OsRng.fill_bytes(bytes.as_mut());
    RecoveryKey::from_random(&bytes)
}

/// How far a re-key has got, from 0 to 1.
pub type RekeyProgress<'a> = &'a (dyn Fn(f64) + Sync);

/// The file a re-key writes before it replaces the database.
pub(crate) const REKEYING_FILE: &str = "vault.db.rekeying";

impl Vault {
    /// Checks `current` against the signed-in user's passphrase and replaces it with `new`:
    /// the user's own keys are wrapped again under the new one.
    pub fn change_passphrase(
        &mut self,
        current: &str,
        new: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        let vault_id = file.vault_id.clone();
        let slot = file
            .users
            .iter_mut()
            .find(|s| s.user_id == self.user_id)
            .ok_or(StoreError::WrongCredentials)?;
        let keys = slot
            .open(&vault_id, current)?
            .ok_or(StoreError::WrongCredentials)?;
        slot.kdf = kdf;
        slot.rewrap(&vault_id, &keys, new)?;
        file.write(&path)?;
        self.audit(now, "passphrase.changed", "user", &self.user_id.to_string())
    }

    /// True if `passphrase` is the signed-in user's (checked against their key slot).
    pub fn check_passphrase(&self, passphrase: &str) -> Result<bool> {
        let file = SlotFile::read(&slots_path(&self.dir))?;
        for slot in file.users.iter().filter(|s| s.user_id == self.user_id) {
            if slot.open(&file.vault_id, passphrase)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A fresh recovery key, not yet in use: `replace_recovery_key` puts it in place once the
    /// user has shown they kept it.
    pub fn new_recovery_key() -> RecoveryKey {
        random_recovery_key()
    }

    /// Makes `key` the vault's recovery key and re-keys the vault: the old recovery key opens
    /// nothing written from now on. The new key holds a new founding key, endorsed by the
    /// signed-in DSL or deputy.
    pub fn replace_recovery_key(
        &mut self,
        key: &RecoveryKey,
        kdf: KdfParams,
        now: DateTime<Utc>,
        progress: RekeyProgress<'_>,
    ) -> Result<()> {
        self.require_editor("only a DSL or deputy can replace the recovery key")?;
        let mut file = SlotFile::read(&slots_path(&self.dir))?;
        let index = file.founding.len() as u32;
        let founding_key = new_signing_key();
        let public = public_hex(&founding_key);
        let founding = Founding {
            endorsement: Some(sign(
                &self.signer,
                &founding_body(&file.vault_id, index, &public),
            )),
            endorsed_by: Some(public_hex(&self.signer)),
            public,
        };
        file.recovery =
            RecoverySlot::new(&file.vault_id, key.canonical(), &founding_key, index, kdf)?;
        file.founding.push(founding.clone());
        let tx = self.conn.transaction()?;
        signing::insert_founding(&tx, index, &founding, now)?;
        settings::put(&tx, settings::REKEY_PENDING, "1")?;
        crate::audit::record(
            &tx,
            now,
            &crate::audit::Author {
                user: self.user_id,
                key: &self.signer,
            },
            "recovery_key.replaced",
            "vault",
            "1",
        )?;
        tx.commit()?;
        self.rekey(file, progress)?;
        // The restricted records' recovery copies follow the new key: now for those this user
        // holds, at their next holder's unlock for the rest.
        self.all_records_rekey_due()?;
        self.finish_record_rekeys(now)
    }

    /// Re-encrypts the database with a new data key sealed to the slots in `file` only.
    ///
    /// In three steps, each of which leaves a vault that opens: the key file gains the new
    /// key beside the old one (for the remaining slots only); the database is copied under the
    /// new key and the copy replaces it; the old key is dropped from the key file.
    pub(crate) fn rekey(&mut self, file: SlotFile, progress: RekeyProgress<'_>) -> Result<()> {
        self.rekey_now(file, progress)
            .map_err(|_| StoreError::RekeyPending)?;
        settings::put(&self.conn, settings::REKEY_PENDING, "0")
    }

    /// Finishes a re-key that a removal or a new recovery key left pending (the vault was open
    /// elsewhere). Only a DSL or deputy's unlock does it.
    pub(crate) fn finish_pending_rekey(&mut self) -> Result<()> {
        if settings::get(&self.conn, settings::REKEY_PENDING)?.as_deref() != Some("1") {
            return Ok(());
        }
        let file = SlotFile::read(&slots_path(&self.dir))?;
        self.rekey(file, &|_| {})
    }

    fn rekey_now(&mut self, mut file: SlotFile, progress: RekeyProgress<'_>) -> Result<()> {
        let path = slots_path(&self.dir);
        let generation = file.generation + 1;
        let key = new_data_key();
        let slots: Vec<String> = file
            .users
            .iter()
            .map(|u| u.id.clone())
            .chain([file.recovery.id.clone()])
            .collect();
        file.sealed.retain(|s| slots.contains(&s.slot));
        file.seal_to_all(generation, &key)?;
        file.write(&path)?;

        let target = self.dir.join(REKEYING_FILE);
        remove_with_journal(&target);
        let total = std::fs::metadata(db_path(&self.dir))
            .map(|m| m.len())
            .unwrap_or(0)
            .max(1);
        let done = AtomicBool::new(false);
        let exported = std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let written = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
                    progress((written as f64 / total as f64).min(0.99));
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            });
            let result = export_copy(&self.conn, &key, &target);
            done.store(true, Ordering::Relaxed);
            result
        });
        if let Err(e) = exported {
            remove_with_journal(&target);
            return Err(e);
        }
        let swapped = (|| -> Result<()> {
            let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
            conn.close().map_err(|(_, e)| StoreError::from(e))?;
            if self.dir.join(format!("{DB_FILE}-wal")).exists() {
                return Err(StoreError::Corrupt("the vault is open elsewhere"));
            }
            replace_durably(&target, &db_path(&self.dir))
        })();
        if let Err(e) = swapped {
            remove_with_journal(&target);
            // The database is as it was, under the key still in the key file.
            self.conn = Self::open_conn(&self.dir, Some(&self.key))?;
            return Err(e);
        }
        self.conn = Self::open_conn(&self.dir, Some(&key))?;
        self.key = key;
        self.file = file_identity(&db_path(&self.dir));
        file.generation = generation;
        file.keep_only(generation);
        file.write(&path)?;
        progress(1.0);
        Ok(())
    }
}

fn remove_with_journal(target: &std::path::Path) {
    for suffix in ["", "-journal"] {
        let mut name = target.as_os_str().to_os_string();
        name.push(suffix);
        let _ = crate::files::remove_file(PathBuf::from(name));
    }
}
