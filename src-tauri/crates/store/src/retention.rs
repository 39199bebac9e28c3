//! The retention review: which records have reached their review date, the decision taken on
//! each, and destruction that leaves a tombstone.

use crate::audit::Author;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use dsl_domain::incident::{PersonKind, PersonRole};
use dsl_domain::retention::{
    rule_for, KeepDecision, RetainedPerson, RetentionDecision, RetentionItem, Tombstone,
};
use dsl_domain::time::uk_day;
use rusqlite::{params, Connection, OptionalExtension};

use crate::columns::json;
use crate::incidents::WriteError;
use crate::time::{ts, StoredDate, StoredTime};
use crate::{audit, Result, StoreError, Vault};

/// Everyone in each incident, with what the retention rule needs.
fn people_by_incident(conn: &Connection) -> Result<BTreeMap<i64, Vec<RetainedPerson>>> {
    let mut stmt = conn.prepare(
        "SELECT i.incident_id, p.kind, i.role, p.date_of_birth
         FROM involvements i JOIN people p ON p.id = i.person_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>("incident_id")?,
            r.get::<_, String>("kind")?,
            r.get::<_, String>("role")?,
            r.get::<_, Option<StoredDate>>("date_of_birth")?,
        ))
    })?;
    let mut out: BTreeMap<i64, Vec<RetainedPerson>> = BTreeMap::new();
    for row in rows {
        let (incident, kind, role, dob) = row?;
        out.entry(incident).or_default().push(RetainedPerson {
            kind: PersonKind::parse(&kind).ok_or(StoreError::Corrupt("unknown person kind"))?,
            role: PersonRole::parse(&role).ok_or(StoreError::Corrupt("unknown person role"))?,
            date_of_birth: dob.map(NaiveDate::from),
        });
    }
    Ok(out)
}

/// The latest decision to keep each incident.
fn last_keeps(conn: &Connection) -> Result<BTreeMap<i64, KeepDecision>> {
    let mut stmt = conn.prepare(
        "SELECT r.incident_id, r.decided_at, u.name AS decided_by, r.reason, r.next_review
         FROM retention_reviews r JOIN users u ON u.id = r.decided_by
         WHERE r.id IN (SELECT MAX(id) FROM retention_reviews GROUP BY incident_id)",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>("incident_id")?,
            r.get::<_, StoredTime>("decided_at")?,
            r.get::<_, String>("decided_by")?,
            r.get::<_, String>("reason")?,
            r.get::<_, StoredDate>("next_review")?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (incident, at, by, reason, next) = row?;
        out.insert(
            incident,
            KeepDecision {
                decided_at: at.into(),
                decided_by: by,
                reason,
                next_review: next.0,
            },
        );
    }
    Ok(out)
}

/// Every incident with the date it comes up for review, whether due or not.
fn all_items(conn: &Connection) -> Result<Vec<RetentionItem>> {
    let people = people_by_incident(conn)?;
    let mut keeps = last_keeps(conn)?;
    let mut stmt = conn.prepare(
        "SELECT i.id, i.reference, s.reported_at, i.activity_type, i.people_names, i.flow_version
         FROM incidents i JOIN incident_stats s ON s.incident_id = i.id
         WHERE NOT EXISTS (SELECT 1 FROM restricted_records r WHERE r.incident_id = i.id)
         ORDER BY i.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>("id")?,
            r.get::<_, String>("reference")?,
            r.get::<_, StoredTime>("reported_at")?,
            r.get::<_, String>("activity_type")?,
            r.get::<_, String>("people_names")?,
            r.get::<_, u32>("flow_version")?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, reference, reported, activity, names, version) = row?;
        let reported_at = reported.into();
        let rule = rule_for(
            uk_day(reported_at),
            people.get(&id).map(Vec::as_slice).unwrap_or(&[]),
        );
        let last_keep = keeps.remove(&id);
        let due_since = last_keep
            .as_ref()
            .map_or(rule.review_from, |k| k.next_review);
        out.push(RetentionItem {
            incident_id: id,
            reference,
            reported_at,
            activity_type: dsl_domain::incident::activity_type(version, &activity)
                .map_or(activity.clone(), |a| a.label.to_string()),
            people: json::from_text(&names, "names are unreadable")?,
            review_from: rule.review_from,
            basis: rule.basis,
            check_retirement: rule.check_retirement,
            last_keep,
            due_since,
        });
    }
    Ok(out)
}

/// Removes every row of a tombstoned incident, and anyone no other record names.
fn erase_incident(conn: &Connection, id: i64) -> Result<()> {
    let people: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT person_id FROM involvements WHERE incident_id = ?1
             UNION SELECT person_id FROM flow_entries WHERE incident_id = ?1 AND person_id IS NOT NULL",
        )?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    conn.execute(
        "DELETE FROM custody_events WHERE evidence_id IN (SELECT id FROM evidence_items WHERE incident_id = ?1)",
        [id],
    )?;
    conn.execute(
        "DELETE FROM evidence_digests WHERE evidence_id IN (SELECT id FROM evidence_items WHERE incident_id = ?1)",
        [id],
    )?;
    for table in [
        "evidence_items",
        "device_reviews",
        "retention_reviews",
        "flow_entries",
        "incident_facts",
        "involvements",
        "incident_stats",
    ] {
        conn.execute(&format!("DELETE FROM {table} WHERE incident_id = ?1"), [id])?;
    }
    conn.execute("DELETE FROM incident_search WHERE rowid = ?1", [id])?;
    conn.execute("DELETE FROM incidents WHERE id = ?1", [id])?;
    for person in people {
        let named: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM involvements WHERE person_id = ?1)
                 OR EXISTS (SELECT 1 FROM flow_entries WHERE person_id = ?1)
                 OR EXISTS (SELECT 1 FROM low_level_concerns WHERE person_id = ?1)
                 OR EXISTS (SELECT 1 FROM users WHERE person_id = ?1)",
            [person],
            |r| r.get(0),
        )?;
        if !named {
            conn.execute(
                "DELETE FROM transfer_receipts WHERE transfer_id IN (SELECT id FROM transfers WHERE person_id = ?1)",
                [person],
            )?;
            conn.execute("DELETE FROM transfers WHERE person_id = ?1", [person])?;
            conn.execute("DELETE FROM staff_details WHERE person_id = ?1", [person])?;
            conn.execute("DELETE FROM people WHERE id = ?1", [person])?;
        }
    }
    Ok(())
}

impl Vault {
    /// Records due for review on `today`, the longest overdue first.
    pub fn retention_due(&self, today: NaiveDate) -> Result<Vec<RetentionItem>> {
        let mut due: Vec<RetentionItem> = self
            .readable_items()?
            .into_iter()
            .filter(|i| i.due_since <= today)
            .collect();
        due.sort_by(|a, b| {
            a.due_since
                .cmp(&b.due_since)
                .then(a.incident_id.cmp(&b.incident_id))
        });
        Ok(due)
    }

    /// When one incident comes up for review (shown on the incident).
    pub fn retention_of(&self, incident: i64) -> Result<RetentionItem> {
        all_items(self.db(incident)?)?
            .into_iter()
            .find(|i| i.incident_id == incident)
            .ok_or(StoreError::NotFound)
    }

    /// Records a decision on a record that is due: keep it until a new review date, or destroy
    /// its content and leave a tombstone. Refused for a record not yet due.
    pub fn decide_retention(
        &mut self,
        incident: i64,
        decision: &RetentionDecision,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), WriteError> {
        self.require_editor("only a DSL or deputy can decide on retention")?;
        let today = uk_day(now);
        let item = self.retention_of(incident)?;
        if item.due_since > today {
            return Err(StoreError::Conflict("this record is not yet due for review").into());
        }
        let decision = dsl_domain::retention::check_decision(decision, &item.reference, today)?;
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let restricted = self.held.contains_key(&incident);
        let tx = match &decision {
            RetentionDecision::Keep { .. } => self.db(incident)?.unchecked_transaction()?,
            RetentionDecision::Destroy { .. } => self.conn.unchecked_transaction()?,
        };
        match &decision {
            RetentionDecision::Keep {
                reason,
                next_review,
            } => {
                tx.execute(
                    "INSERT INTO retention_reviews (incident_id, decided_at, decided_by, reason, next_review)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![incident, ts(now), user, reason, StoredDate(*next_review)],
                )?;
                audit::record(
                    &tx,
                    now,
                    user,
                    "retention.kept",
                    "incident",
                    &incident.to_string(),
                )?;
            }
            RetentionDecision::Destroy { reason, .. } => {
                let (year, seq): (i64, i64) = tx.query_row(
                    "SELECT year, seq FROM incidents WHERE id = ?1",
                    [incident],
                    |r| Ok((r.get("year")?, r.get("seq")?)),
                )?;
                tx.execute(
                    "INSERT INTO tombstones (record_kind, incident_id, reference, year, seq, destroyed_at, destroyed_by, reason)
                     VALUES ('incident', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![incident, item.reference, year, seq, ts(now), user, reason],
                )?;
                if restricted {
                    // The record's file goes once this commits; its keys and entry go now.
                    tx.execute("DELETE FROM record_keys WHERE incident_id = ?1", [incident])?;
                    tx.execute(
                        "DELETE FROM restricted_records WHERE incident_id = ?1",
                        [incident],
                    )?;
                }
                erase_incident(&tx, incident)?;
                audit::record(
                    &tx,
                    now,
                    user,
                    "incident.destroyed",
                    "incident",
                    &incident.to_string(),
                )?;
            }
        }
        tx.commit()?;
        if restricted && matches!(decision, RetentionDecision::Destroy { .. }) {
            self.remove_record_file(&crate::restricted::INCIDENT, incident)?;
        }
        if matches!(decision, RetentionDecision::Destroy { .. }) {
            // Move the deleted pages out of the write-ahead log into the (zeroed) main file.
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .optional()?;
        }
        Ok(())
    }

    /// Retention items of every record the signed-in user may read (the vault's own leave out
    /// the restricted records, whose items are in their files).
    fn readable_items(&self) -> Result<Vec<RetentionItem>> {
        let mut out = Vec::new();
        for conn in self.readable()? {
            out.extend(all_items(conn)?);
        }
        Ok(out)
    }

    /// Every destroyed record's tombstone, newest first.
    pub fn tombstones(&self) -> Result<Vec<Tombstone>> {
        self.require_whole_vault()?;
        let mut stmt = self.conn.prepare(
            "SELECT t.id, t.record_kind, t.reference, t.destroyed_at, u.name AS destroyed_by,
                    t.reason
             FROM tombstones t JOIN users u ON u.id = t.destroyed_by ORDER BY t.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Tombstone {
                id: r.get("id")?,
                record_kind: r.get("record_kind")?,
                reference: r.get("reference")?,
                destroyed_at: r.get::<_, StoredTime>("destroyed_at")?.into(),
                destroyed_by: r.get("destroyed_by")?,
                reason: r.get("reason")?,
            })
        })?;
        let out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }
}
