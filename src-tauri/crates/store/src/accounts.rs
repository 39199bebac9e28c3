//! The people who can open the vault: adding and removing them, each with their own key slot.

use chrono::{DateTime, Utc};
use dsl_domain::vault::{Role, VaultUser};

use crate::audit;
use crate::keyslots::{public_hex, Certifier, KdfParams, Sealed, SlotFile, UserSlot};
use crate::vault::{slots_path, RekeyProgress};
use crate::{signing, users, Result, StoreError, Vault};

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
                    person: crate::incidents::linked_person(&self.conn, u.id)?,
                })
            })
            .collect()
    }

    /// Adds a user with their own keys, certified by the signed-in DSL or deputy, and the data
    /// key sealed to them. Inputs must already be validated. Nothing says whether anyone else
    /// has the same passphrase: each slot opens only for the user it names.
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
        let author_key = public_hex(&self.signer);
        let tx = self.conn.transaction()?;
        let id = users::insert(&tx, name, role, now)?;
        let (slot, _) = UserSlot::new(
            &file.vault_id,
            id,
            name,
            role,
            None,
            passphrase,
            kdf,
            Certifier::User(author_key),
            &self.signer,
        )?;
        signing::insert_key(&tx, &slot.record()?, now)?;
        audit::record(
            &tx,
            now,
            &audit::Author {
                user: self.user_id,
                key: &self.signer,
            },
            "user.added",
            "user",
            &id.to_string(),
        )?;
        // The chair of governors gets no data key: only the restricted records granted to
        // them, each sealed to them when it is.
        if !role.sees_only_granted() {
            let sealed = Sealed::seal(
                &file.vault_id,
                file.generation,
                &slot.id,
                &slot.box_key,
                &self.key,
            )?;
            file.sealed.push(sealed);
        }
        file.users.push(slot);
        // The slot is written before the user row commits: if the commit failed, the slot
        // would name a key the vault never certified, and unlock refuses it.
        file.write(&path)?;
        tx.commit()?;
        Ok(VaultUser {
            id,
            name: name.to_string(),
            role,
            added_at: now,
            is_you: false,
            person: None,
        })
    }

    /// Removes a user and re-keys the vault: their slot goes from the key file, and the
    /// database is re-encrypted under a new data key sealed only to those who remain, so a
    /// copy of the old key file opens nothing written from now on. Their past entries keep
    /// their name.
    pub fn remove_user(
        &mut self,
        id: i64,
        now: DateTime<Utc>,
        progress: RekeyProgress<'_>,
    ) -> Result<()> {
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
        if target.role.can_edit() {
            self.require_other_editor_holders(id)?;
        }
        // They lose every restricted record first: each held one is re-keyed now.
        self.ungrant_removed(id, now)?;
        let mut file = SlotFile::read(&slots_path(&self.dir))?;
        file.users.retain(|s| s.user_id != id);
        let tx = self.conn.transaction()?;
        users::mark_removed(&tx, id, now)?;
        crate::settings::put(&tx, crate::settings::REKEY_PENDING, "1")?;
        audit::record(
            &tx,
            now,
            &audit::Author {
                user: self.user_id,
                key: &self.signer,
            },
            "user.removed",
            "user",
            &id.to_string(),
        )?;
        tx.commit()?;
        self.rekey(file, progress)
    }

    /// The signed-in user's role.
    pub fn role(&self) -> Result<Role> {
        Ok(users::get(&self.conn, self.user_id)?.role)
    }
}
