//! The people who can open the vault: adding and removing them, each with their own key slot.

use chrono::{DateTime, Utc};
use dsl_domain::vault::{Role, VaultUser};

use crate::audit;
use crate::keyslots::{KdfParams, Slot, SlotFile, SlotKind};
use crate::vault::slots_path;
use crate::{users, Result, StoreError, Vault};

/// Why a passphrase was refused for a new or changed key slot.
pub(crate) const PASSPHRASE_TAKEN: &str =
    "that passphrase already opens the vault for someone else; choose a different one";

/// True if `passphrase` opens a passphrase slot belonging to anyone but `except`.
pub(crate) fn passphrase_in_use(
    file: &SlotFile,
    passphrase: &str,
    except: Option<i64>,
) -> Result<bool> {
    for slot in file
        .slots
        .iter()
        .filter(|s| s.kind == SlotKind::Passphrase && s.user_id != except)
    {
        if slot.unwrap_key(passphrase.as_bytes())?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Vault {
    /// The people who can open the vault, oldest first.
    pub fn users(&self) -> Result<Vec<VaultUser>> {
        users::list(&self.conn)?
            .into_iter()
            .map(|u| {
                Ok(VaultUser {
                    added_at: users::added_at(&self.conn, u.id)?,
                    is_you: u.id == self.user_id,
                    id: u.id,
                    name: u.name,
                    role: u.role,
                })
            })
            .collect()
    }

    /// Adds a user with their own passphrase key slot. Inputs must already be validated.
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        passphrase: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<VaultUser> {
        self.require_editor("only a DSL or deputy can add users")?;
        if users::list(&self.conn)?
            .iter()
            .any(|u| u.name.to_lowercase() == name.to_lowercase())
        {
            return Err(StoreError::Conflict(
                "someone with that name can already open the vault",
            ));
        }
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        if passphrase_in_use(&file, passphrase, None)? {
            return Err(StoreError::Conflict(PASSPHRASE_TAKEN));
        }
        let tx = self.conn.transaction()?;
        let id = users::insert(&tx, name, role, now)?;
        audit::record(
            &tx,
            now,
            self.user_id,
            "user.added",
            "user",
            &id.to_string(),
        )?;
        file.slots.push(Slot::wrap(
            SlotKind::Passphrase,
            Some(id),
            passphrase.as_bytes(),
            &self.key,
            kdf,
        )?);
        // The slot is written before the user row commits: if the commit failed, the slot
        // would name no current user and unlock refuses it.
        file.write(&path)?;
        tx.commit()?;
        Ok(VaultUser {
            id,
            name: name.to_string(),
            role,
            added_at: now,
            is_you: false,
        })
    }

    /// Removes a user: their key slot goes from the key file at once, so their passphrase
    /// stops opening the vault. Their past entries keep their name.
    pub fn remove_user(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.require_editor("only a DSL or deputy can remove users")?;
        if id == self.user_id {
            return Err(StoreError::Conflict(
                "you cannot remove yourself; ask another DSL or deputy",
            ));
        }
        let current = users::list(&self.conn)?;
        let target = current
            .iter()
            .find(|u| u.id == id)
            .ok_or(StoreError::NotFound)?;
        if target.role.can_edit() && current.iter().filter(|u| u.role.can_edit()).count() < 2 {
            return Err(StoreError::Conflict(
                "the vault must keep at least one DSL or deputy",
            ));
        }
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        file.slots
            .retain(|s| !(s.kind == SlotKind::Passphrase && s.user_id == Some(id)));
        let tx = self.conn.transaction()?;
        users::mark_removed(&tx, id, now)?;
        audit::record(
            &tx,
            now,
            self.user_id,
            "user.removed",
            "user",
            &id.to_string(),
        )?;
        file.write(&path)?;
        tx.commit()?;
        Ok(())
    }

    /// The signed-in user's role.
    pub fn role(&self) -> Result<Role> {
        Ok(users::get(&self.conn, self.user_id)?.role)
    }
}
