//! The keys to a vault: passphrases and the recovery key, each a key slot wrapping the data
//! key. Changing one rewraps the data key; the database is not re-encrypted.

use chrono::{DateTime, Utc};
use dsl_domain::recovery::{RecoveryKey, KEY_BYTES};
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use super::{slots_path, Vault};
use crate::keyslots::{KdfParams, Slot, SlotFile, SlotKind};
use crate::{Result, StoreError};

pub(super) fn random_recovery_key() -> RecoveryKey {
    let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
    OsRng.fill_bytes(bytes.as_mut());
    RecoveryKey::from_random(&bytes)
}

impl Vault {
    /// Checks `current` against the signed-in user's passphrase and replaces it with `new`.
    /// The data key is rewrapped; the database is not re-encrypted.
    pub fn change_passphrase(
        &mut self,
        current: &str,
        new: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let file = SlotFile::read(&slots_path(&self.dir))?;
        let slot = file
            .slots
            .iter()
            .find(|s| s.kind == SlotKind::Passphrase && s.user_id == Some(self.user_id))
            .ok_or(StoreError::WrongCredentials)?;
        if slot.unwrap_key(current.as_bytes())?.is_none() {
            return Err(StoreError::WrongCredentials);
        }
        self.replace_passphrase_slot(new, kdf)?;
        self.audit(now, "passphrase.changed", "user", &self.user_id.to_string())
    }

    pub(super) fn replace_passphrase_slot(&mut self, new: &str, kdf: KdfParams) -> Result<()> {
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        // Unlock finds the user by the slot their passphrase opens, so no two users may share one.
        if crate::accounts::passphrase_in_use(&file, new, Some(self.user_id))? {
            return Err(StoreError::Conflict(crate::accounts::PASSPHRASE_TAKEN));
        }
        let fresh = Slot::wrap(
            SlotKind::Passphrase,
            Some(self.user_id),
            new.as_bytes(),
            &self.key,
            kdf,
        )?;
        file.slots
            .retain(|s| !(s.kind == SlotKind::Passphrase && s.user_id == Some(self.user_id)));
        file.slots.push(fresh);
        file.write(&path)
    }

    /// True if `passphrase` is the signed-in user's (checked against their key slot).
    pub fn check_passphrase(&self, passphrase: &str) -> Result<bool> {
        let file = SlotFile::read(&slots_path(&self.dir))?;
        for slot in file
            .slots
            .iter()
            .filter(|s| s.kind == SlotKind::Passphrase && s.user_id == Some(self.user_id))
        {
            if slot.unwrap_key(passphrase.as_bytes())?.is_some() {
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

    /// Makes `key` the vault's recovery key: the old one stops working at once.
    pub fn replace_recovery_key(
        &mut self,
        key: &RecoveryKey,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.require_editor("only a DSL or deputy can replace the recovery key")?;
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        let fresh = Slot::wrap(
            SlotKind::Recovery,
            None,
            key.canonical().as_bytes(),
            &self.key,
            kdf,
        )?;
        file.slots.retain(|s| s.kind != SlotKind::Recovery);
        file.slots.push(fresh);
        file.write(&path)?;
        self.audit(now, "recovery_key.replaced", "vault", "1")
    }
}
