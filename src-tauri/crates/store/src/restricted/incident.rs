//! Restricting an incident: its content moves into a file of its own.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{
    copy_rows, copy_stat, is_restricted, new_file, next_id_base, raise_floor, record_path,
    record_restriction, remove_files, Restriction, SealedRecord, INCIDENT, ONLY_EDITORS,
};
use crate::audit::{self, Author};
use crate::keyslots::{new_data_key, DataKey, SlotFile};
use crate::vault::slots_path;
use crate::{Result, StoreError, Vault};

/// The vault's tables whose rows are the incident's content, in the order they are copied
/// (deleted in reverse), with how each names the incident.
const CONTENT: [(&str, &str); 8] = [
    ("incident_facts", "incident_id = ?1"),
    ("involvements", "incident_id = ?1"),
    ("flow_entries", "incident_id = ?1"),
    ("evidence_items", "incident_id = ?1"),
    (
        "custody_events",
        "evidence_id IN (SELECT id FROM evidence_items WHERE incident_id = ?1)",
    ),
    (
        "evidence_digests",
        "evidence_id IN (SELECT id FROM evidence_items WHERE incident_id = ?1)",
    ),
    ("device_reviews", "incident_id = ?1"),
    ("retention_reviews", "incident_id = ?1"),
];

/// People the incident names (in its people or its entries).
const NAMED_PEOPLE: &str = "SELECT person_id FROM involvements WHERE incident_id = ?1
     UNION SELECT person_id FROM flow_entries WHERE incident_id = ?1 AND person_id IS NOT NULL";

/// The concerns recorded through the incident's flow: its words, so they go with it.
const FLOW_CONCERNS: &str = "SELECT id FROM low_level_concerns WHERE incident_id = ?1";

/// Not found unless the database holds the incident.
fn exists(conn: &Connection, incident: i64) -> Result<()> {
    conn.query_row("SELECT 1 FROM incidents WHERE id = ?1", [incident], |_| {
        Ok(())
    })
    .optional()?
    .ok_or(StoreError::NotFound)
}

fn ids(conn: &Connection, sql: &str, incident: i64) -> Result<Vec<i64>> {
    Ok(conn
        .prepare(sql)?
        .query_map([incident], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Refuses to grant a record to someone it names (an allegation about a deputy is not for
/// that deputy to read).
pub(super) fn refuse_named(named: &[i64], wanted: &[i64]) -> Result<()> {
    if wanted.iter().any(|u| named.contains(u)) {
        return Err(StoreError::Conflict(
            "the record names someone chosen to read it: a record is never restricted to the people it is about",
        ));
    }
    Ok(())
}

/// Vault users whose linked member of staff the incident names.
fn named_users(record: &Connection, main: &Connection, incident: i64) -> Result<Vec<i64>> {
    let named = ids(record, NAMED_PEOPLE, incident)?;
    let mut stmt =
        main.prepare("SELECT id FROM users WHERE person_id = ?1 AND removed_at IS NULL")?;
    let mut out = Vec::new();
    for p in named {
        for u in stmt.query_map([p], |r| r.get::<_, i64>(0))? {
            out.push(u?);
        }
    }
    Ok(out)
}

impl Vault {
    /// Who may read the incident, and every user who could be granted it: by default the DSL
    /// and deputies, never anyone the record names.
    pub fn restriction(&self, incident: i64) -> Result<Restriction> {
        let record = self.db(incident)?;
        exists(record, incident)?;
        let named = named_users(record, &self.conn, incident)?;
        self.restriction_of(&INCIDENT, incident, &named, |r| r.can_edit())
    }

    /// Restricts an incident to `granted` (the signed-in user always among them): its content
    /// moves into a file of its own under a new key sealed to each of them and the recovery key.
    /// For an incident already restricted, changes who may read it.
    pub fn restrict(&mut self, incident: i64, granted: &[i64], now: DateTime<Utc>) -> Result<()> {
        self.require_editor(ONLY_EDITORS)?;
        if is_restricted(&self.conn, incident)? {
            return self.set_grants(incident, granted, now);
        }
        exists(&self.conn, incident)?;
        let grantees = self.grantees(granted)?;
        refuse_named(&named_users(&self.conn, &self.conn, incident)?, &grantees)?;
        let slots = SlotFile::read(&slots_path(&self.dir))?;
        let base = next_id_base(&self.conn)?;
        let key = new_data_key();
        let (file, conn) = new_file(&self.conn, &self.dir, &key, base)?;
        let path = record_path(&self.dir, &file);
        let moved = self.fill_record(&conn, incident, now).and_then(|()| {
            self.move_out(&conn, incident, (&file, base), &grantees, &slots, &key, now)
        });
        if let Err(e) = moved {
            drop(conn);
            remove_files(&path);
            return Err(e);
        }
        // The log would still hold the pages as they were before the move.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        self.held.insert(incident, SealedRecord { conn, key });
        self.index_held(incident)?;
        self.sync_records_only()
    }

    /// The line a restricted record's printed report carries: who may open it.
    pub(crate) fn restriction_note(&self, incident: i64) -> Result<Option<String>> {
        if !self.held.contains_key(&incident) {
            return Ok(None);
        }
        let names: Vec<String> = self
            .restriction(incident)?
            .users
            .into_iter()
            .filter(|u| u.granted)
            .map(|u| u.name)
            .collect();
        let who = match names.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
        Ok(Some(format!(
            "Restricted record: in DSL Desk only {who} can open it. Keep this copy to those who need to know."
        )))
    }

    /// Changes who may read a restricted incident. Adding someone seals its key to them;
    /// removing anyone re-keys the record's file under a new key sealed to those who remain.
    pub fn set_grants(&mut self, incident: i64, granted: &[i64], now: DateTime<Utc>) -> Result<()> {
        self.require_editor(ONLY_EDITORS)?;
        let wanted = self.grantees(granted)?;
        refuse_named(
            &named_users(self.db(incident)?, &self.conn, incident)?,
            &wanted,
        )?;
        self.regrant(&INCIDENT, incident, &wanted, false, now)
    }

    /// Writes the incident and every row of its content into its file, with the people it
    /// names, the concerns its flow recorded, and the first entry of the file's audit chain.
    fn fill_record(&self, record: &Connection, incident: i64, now: DateTime<Utc>) -> Result<()> {
        let main = &self.conn;
        let tx = record.unchecked_transaction()?;
        let copy = |table: &str, select: &str| copy_rows(main, &tx, table, select, [incident], "");
        copy("incidents", "SELECT * FROM incidents WHERE id = ?1")?;
        copy(
            "people",
            &format!("SELECT * FROM people WHERE id IN ({NAMED_PEOPLE})"),
        )?;
        copy(
            "staff_details",
            &format!("SELECT * FROM staff_details WHERE person_id IN ({NAMED_PEOPLE})"),
        )?;
        for (table, cond) in CONTENT {
            copy(table, &format!("SELECT * FROM {table} WHERE {cond}"))?;
        }
        copy(
            "low_level_concerns",
            "SELECT * FROM low_level_concerns WHERE incident_id = ?1",
        )?;
        copy(
            "incident_stats",
            "SELECT * FROM incident_stats WHERE incident_id = ?1",
        )?;
        let text: Option<String> = main
            .query_row(
                "SELECT text FROM incident_search WHERE rowid = ?1",
                [incident],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(text) = text {
            tx.execute(
                "INSERT INTO incident_search (rowid, text) VALUES (?1, ?2)",
                params![incident, text],
            )?;
        }
        // The file's own chain begins here (the vault's chain says who restricted it).
        audit::record(
            &tx,
            now,
            &self.author(),
            "incident.sealed",
            "incident",
            &incident.to_string(),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Takes the incident's content out of the vault database, leaving its identity and
    /// figures, and stores who may read it.
    #[allow(clippy::too_many_arguments)]
    fn move_out(
        &mut self,
        record: &Connection,
        incident: i64,
        (file, base): (&str, i64),
        grantees: &[i64],
        slots: &SlotFile,
        key: &DataKey,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let vault_id = self.vault_id.clone();
        let (author, signer) = (self.user_id, self.signer.clone());
        let by = Author {
            user: author,
            key: &signer,
        };
        let tx = self.conn.transaction()?;
        let named = ids(&tx, NAMED_PEOPLE, incident)?;
        let concerns = ids(&tx, FLOW_CONCERNS, incident)?;
        let top = |table: &str, cond: &str| -> Result<i64> {
            Ok(tx.query_row(
                &format!("SELECT coalesce(max(id), 0) + 1 FROM {table} WHERE {cond}"),
                [incident],
                |r| r.get(0),
            )?)
        };
        let people_top = top("people", &format!("id IN ({NAMED_PEOPLE})"))?;
        let evidence_top = top("evidence_items", "incident_id = ?1")?;
        raise_floor(&tx, "people", people_top)?;
        raise_floor(&tx, "evidence_items", evidence_top)?;
        tx.execute(
            "INSERT INTO moving_out (incident_id) VALUES (?1)",
            [incident],
        )?;
        for (table, cond) in CONTENT.iter().rev() {
            tx.execute(&format!("DELETE FROM {table} WHERE {cond}"), [incident])?;
        }
        tx.execute("DELETE FROM moving_out WHERE incident_id = ?1", [incident])?;
        for id in &concerns {
            tx.execute(
                "INSERT INTO concerns_moving_out (concern_id) VALUES (?1)",
                [id],
            )?;
            tx.execute("DELETE FROM low_level_concerns WHERE id = ?1", [id])?;
            tx.execute(
                "DELETE FROM concerns_moving_out WHERE concern_id = ?1",
                [id],
            )?;
            // The chain records that the concern left with the record.
            audit::record(
                &tx,
                now,
                &by,
                "concern.restricted",
                "concern",
                &id.to_string(),
            )?;
        }
        tx.execute("DELETE FROM incident_search WHERE rowid = ?1", [incident])?;
        tx.execute(
            "INSERT INTO incident_search (incident_search) VALUES ('optimize')",
            [],
        )?;
        for person in named {
            let used: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM involvements WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM flow_entries WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM low_level_concerns WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM users WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM transfers WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM restricted_concerns WHERE person_id = ?1)",
                [person],
                |r| r.get(0),
            )?;
            if !used {
                tx.execute("DELETE FROM staff_details WHERE person_id = ?1", [person])?;
                tx.execute("DELETE FROM people WHERE id = ?1", [person])?;
                // The chain records that the person left with the record (Verify then finds
                // them gone as it should).
                audit::record(
                    &tx,
                    now,
                    &by,
                    "person.restricted",
                    "person",
                    &person.to_string(),
                )?;
            }
        }
        copy_stat(record, &tx, incident)?;
        tx.execute(
            "UPDATE incidents SET status = 'restricted', mark = NULL, occurred_at = created_at,
                    activity_type = '', risk_area = '', summary = '', people_names = '[]',
                    current_step = '', due = NULL
             WHERE id = ?1",
            [incident],
        )?;
        record_restriction(
            &tx,
            &INCIDENT,
            incident,
            (file, base),
            grantees,
            &slots.recovery.box_key,
            key,
            (&vault_id, author, &signer),
            ("incident.restricted", "incident"),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }
}
