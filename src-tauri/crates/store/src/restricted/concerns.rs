//! Restricting the low-level concerns about an adult: they move into a file of their own (a
//! concern about a deputy DSL, or a colleague's partner, is for those who need to know).

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{
    copy_rows, new_file, next_id_base, record_path, record_restriction, remove_files, Restriction,
    SealedRecord, CONCERNS, ONLY_EDITORS,
};
use crate::audit::{self, Author};
use crate::keyslots::{new_data_key, SlotFile};
use crate::vault::slots_path;
use crate::{Result, StoreError, Vault};

/// Whether the concerns about the adult are restricted.
pub(crate) fn concerns_restricted(conn: &Connection, person: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM restricted_concerns WHERE person_id = ?1)",
        [person],
        |r| r.get(0),
    )?)
}

/// The vault users who are the adult.
fn named_of(conn: &Connection, person: i64) -> Result<Vec<i64>> {
    Ok(conn
        .prepare("SELECT id FROM users WHERE person_id = ?1 AND removed_at IS NULL")?
        .query_map([person], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

impl Vault {
    /// Who may read the concerns about an adult: by default the DSL and deputies, never the
    /// adult themselves.
    pub fn concerns_restriction(&self, person: i64) -> Result<Restriction> {
        self.require_editor(ONLY_EDITORS)?;
        if concerns_restricted(&self.conn, person)? && !self.held_concerns.contains_key(&person) {
            return Err(StoreError::NotFound);
        }
        let named = named_of(&self.conn, person)?;
        self.restriction_of(&CONCERNS, person, &named, |r| r.can_edit())
    }

    /// Restricts the concerns about an adult to `granted` (the signed-in user among them),
    /// or changes who may read them. Concerns about them recorded meanwhile in the vault (by
    /// someone not granted, who cannot know) join the restricted ones.
    pub fn restrict_concerns(
        &mut self,
        person: i64,
        granted: &[i64],
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.require_editor(ONLY_EDITORS)?;
        let wanted = self.grantees(granted)?;
        let named = named_of(&self.conn, person)?;
        super::incident::refuse_named(&named, &wanted)?;
        if concerns_restricted(&self.conn, person)? {
            if !self.held_concerns.contains_key(&person) {
                return Err(StoreError::NotFound);
            }
            self.absorb_concerns(person, now)?;
            return self.regrant(&CONCERNS, person, &wanted, false, now);
        }
        let known: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1 AND kind IN ('staff', 'volunteer'))",
            [person],
            |r| r.get(0),
        )?;
        if !known {
            return Err(StoreError::NotFound);
        }
        let slots = SlotFile::read(&slots_path(&self.dir))?;
        let base = next_id_base(&self.conn)?;
        let key = new_data_key();
        let (file, conn) = new_file(&self.conn, &self.dir, &key, base)?;
        let path = record_path(&self.dir, &file);
        let moved = (|| {
            let tx = conn.unchecked_transaction()?;
            for (table, select) in [
                ("people", "SELECT * FROM people WHERE id = ?1"),
                (
                    "staff_details",
                    "SELECT * FROM staff_details WHERE person_id = ?1",
                ),
            ] {
                copy_rows(&self.conn, &tx, table, select, [person], "")?;
            }
            audit::record(
                &tx,
                now,
                &self.author(),
                "concerns.sealed",
                "person",
                &person.to_string(),
            )?;
            tx.commit()?;
            let vault_id = self.vault_id.clone();
            let (author, signer) = (self.user_id, self.signer.clone());
            let tx = self.conn.unchecked_transaction()?;
            move_concerns(&tx, &conn, person, (author, &signer), now)?;
            record_restriction(
                &tx,
                &CONCERNS,
                person,
                (&file, base),
                &wanted,
                &slots.recovery.box_key,
                &key,
                (&vault_id, author, &signer),
                ("concerns.restricted", "person"),
                now,
            )?;
            tx.commit()?;
            Ok::<(), StoreError>(())
        })();
        if let Err(e) = moved {
            drop(conn);
            remove_files(&path);
            return Err(e);
        }
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        self.held_concerns
            .insert(person, SealedRecord { conn, key });
        self.sync_records_only()
    }

    /// Moves concerns about a restricted adult that were recorded in the vault into their file.
    fn absorb_concerns(&mut self, person: i64, now: DateTime<Utc>) -> Result<()> {
        let (author, signer) = (self.user_id, self.signer.clone());
        let record = &self
            .held_concerns
            .get(&person)
            .ok_or(StoreError::NotFound)?
            .conn;
        let tx = self.conn.unchecked_transaction()?;
        move_concerns(&tx, record, person, (author, &signer), now)?;
        tx.commit()?;
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(())
    }
}

/// Copies the vault's concerns about `person` into `record` and takes them out of the vault
/// (`main`, inside the caller's transaction), each leaving a signed line in the vault's chain.
fn move_concerns(
    main: &Connection,
    record: &Connection,
    person: i64,
    (author, signer): (i64, &ed25519_dalek::SigningKey),
    now: DateTime<Utc>,
) -> Result<()> {
    let ids: Vec<i64> = main
        .prepare("SELECT id FROM low_level_concerns WHERE person_id = ?1 ORDER BY id")?
        .query_map([person], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.is_empty() {
        return Ok(());
    }
    let by = Author {
        user: author,
        key: signer,
    };
    let rtx = record.unchecked_transaction()?;
    copy_rows(
        main,
        &rtx,
        "low_level_concerns",
        "SELECT * FROM low_level_concerns WHERE person_id = ?1",
        [person],
        "",
    )?;
    for id in &ids {
        audit::record(&rtx, now, &by, "concern.sealed", "concern", &id.to_string())?;
    }
    rtx.commit()?;
    for id in &ids {
        main.execute(
            "INSERT INTO concerns_moving_out (concern_id) VALUES (?1)",
            [id],
        )?;
        main.execute("DELETE FROM low_level_concerns WHERE id = ?1", [id])?;
        main.execute(
            "DELETE FROM concerns_moving_out WHERE concern_id = ?1",
            [id],
        )?;
        audit::record(
            main,
            now,
            &by,
            "concern.restricted",
            "concern",
            &id.to_string(),
        )?;
    }
    Ok(())
}
