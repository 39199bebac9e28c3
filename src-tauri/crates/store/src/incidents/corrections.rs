//! Corrections of a person's details: the row shows them corrected; each incident that names
//! the person records what changed, from what, and why, so the earlier version stays in its
//! chronology and in every report and bundle printed from it.

use chrono::{DateTime, Utc};
use dsl_domain::flow::{EntryBody, EntryInput};
use dsl_domain::incident::{person_changes, IncidentDetail, Person, PersonCorrection};
use dsl_domain::time::uk_day;
use rusqlite::{params, Connection, OptionalExtension};

use super::rows::PERSON_COLUMNS;
use super::writes::{insert_entry, settle};
use super::WriteError;
use crate::audit;
use crate::columns::FromRow;
use crate::time::StoredDate;
use crate::{Result, StoreError, Vault};

fn person(conn: &Connection, id: i64) -> Result<Option<Person>> {
    Ok(conn
        .query_row(
            &format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = ?1"),
            [id],
            Person::from_row,
        )
        .optional()?)
}

impl Vault {
    /// Corrects a person's name, kind, year group or date of birth, with the reason, from the
    /// incident `incident` (whose file holds them). Every incident naming them, in the vault
    /// and in each restricted file the user holds, records the correction. Returns `incident`
    /// as it now stands.
    pub fn correct_person(
        &mut self,
        incident: i64,
        c: &PersonCorrection,
        now: DateTime<Utc>,
    ) -> std::result::Result<IncidentDetail, WriteError> {
        self.require_editor("only a DSL or deputy can correct a person's details")?;
        // The person must be in this incident.
        let named: bool = self.db(incident)?.query_row(
            "SELECT EXISTS (SELECT 1 FROM involvements WHERE incident_id = ?1 AND person_id = ?2)",
            params![incident, c.person_id],
            |r| r.get(0),
        )?;
        if !named {
            return Err(StoreError::NotFound.into());
        }
        let user = self.author();
        let mut changed = Vec::new();
        for conn in self.readable()? {
            let Some(before) = person(conn, c.person_id)? else {
                continue;
            };
            let (after, changes, reason) = person_changes(&before, c, uk_day(now))?;
            let tx = conn.unchecked_transaction()?;
            tx.execute(
                "UPDATE people SET kind = ?2, name = ?3, year_group = ?4, date_of_birth = ?5
                 WHERE id = ?1",
                params![
                    c.person_id,
                    after.kind.as_str(),
                    after.name,
                    after.year_group,
                    after.date_of_birth.map(StoredDate)
                ],
            )?;
            audit::record(
                &tx,
                now,
                &user,
                "person.corrected",
                "person",
                &c.person_id.to_string(),
            )?;
            let incidents: Vec<i64> = {
                let mut stmt = tx.prepare(
                    "SELECT DISTINCT incident_id FROM involvements WHERE person_id = ?1
                     ORDER BY incident_id",
                )?;
                let rows = stmt.query_map([c.person_id], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let body = EntryBody::Corrected { changes, reason };
            let input = EntryInput {
                node_id: None,
                person_id: Some(c.person_id),
                body: body.clone(),
                people: None,
                evidence: None,
                happened: None,
            };
            for id in &incidents {
                insert_entry(&tx, &user, *id, &input, &body, None, now)?;
                settle(&tx, &user, *id, now)?;
            }
            tx.commit()?;
            changed.extend(incidents);
        }
        for id in changed {
            self.after_change(id);
        }
        Ok(self.incident(incident)?)
    }
}
