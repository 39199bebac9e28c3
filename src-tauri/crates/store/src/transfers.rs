//! The transfer log (records sent to a pupil's new school, and the receipts), and the
//! redacted incident reports that go into a transfer package or a subject access export.

use crate::audit::Author;
use chrono::{DateTime, NaiveDate, Utc};
use dsl_domain::incident::{Person, PersonKind, PersonRole};
use dsl_domain::report::IncidentReport;
use dsl_domain::terms::academic_year_of;
use dsl_domain::time::uk_day;
use dsl_domain::transfer::{
    add_school_days, check_receipt, check_transfer, Receipt, ReceiptInput, Transfer, TransferInput,
    RECEIPT_SCHOOL_DAYS,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::columns::{collect, json, FromRow};
use crate::incidents::WriteError;
use crate::time::{StoredDate, StoredTime};
use crate::{audit, Result, StoreError, Vault};

/// A person's incident reports, oldest first, redacted so only they are named, with their
/// part in each ("Victim", "Witness and reporter").
pub struct PersonReports {
    pub person: Person,
    pub reports: Vec<IncidentReport>,
    pub roles: Vec<String>,
}

/// True for a day inside one of the school's terms (saved dates, or the defaults).
fn in_term(conn: &Connection, day: NaiveDate) -> bool {
    crate::governor::year_terms(conn, academic_year_of(day))
        .map(|terms| terms.iter().any(|t| t.starts <= day && day <= t.ends))
        .unwrap_or(true)
}

/// A transfer row with its receipt, if one is recorded.
struct TransferRow {
    id: i64,
    person_id: i64,
    pupil_name: String,
    to_school: String,
    method: String,
    sent_at: StoredTime,
    sent_by: String,
    refs: String,
    receipt: Option<Receipt>,
}

impl FromRow for TransferRow {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let received_on: Option<StoredDate> = r.get("received_on")?;
        let acknowledged_by: Option<String> = r.get("acknowledged_by")?;
        let recorded_by: Option<String> = r.get("receipt_by")?;
        let recorded_at: Option<StoredTime> = r.get("receipt_at")?;
        Ok(TransferRow {
            id: r.get("id")?,
            person_id: r.get("person_id")?,
            pupil_name: r.get("pupil_name")?,
            to_school: r.get("to_school")?,
            method: r.get("method")?,
            sent_at: r.get("sent_at")?,
            sent_by: r.get("sent_by")?,
            refs: r.get("refs")?,
            receipt: match (received_on, acknowledged_by, recorded_by, recorded_at) {
                (Some(on), Some(ack), Some(by), Some(at)) => Some(Receipt {
                    received_on: on.into(),
                    acknowledged_by: ack,
                    recorded_by: by,
                    recorded_at: at.into(),
                }),
                _ => None,
            },
        })
    }
}

fn read_transfers(
    conn: &Connection,
    person: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<Transfer>> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.person_id, p.name AS pupil_name, t.to_school, t.method, t.sent_at,
                u.name AS sent_by, t.refs, r.received_on, r.acknowledged_by,
                ru.name AS receipt_by, r.recorded_at AS receipt_at
         FROM transfers t
         JOIN people p ON p.id = t.person_id
         JOIN users u ON u.id = t.recorded_by
         LEFT JOIN transfer_receipts r ON r.transfer_id = t.id
         LEFT JOIN users ru ON ru.id = r.recorded_by
         WHERE ?1 IS NULL OR t.person_id = ?1
         ORDER BY t.sent_at DESC, t.id DESC",
    )?;
    let rows: Vec<TransferRow> = collect(&mut stmt, [person])?;
    let mut out = Vec::new();
    for row in rows {
        let sent_at = row.sent_at.0;
        let receipt_due =
            add_school_days(uk_day(sent_at), RECEIPT_SCHOOL_DAYS, |d| in_term(conn, d));
        out.push(Transfer {
            id: row.id,
            person_id: row.person_id,
            pupil_name: row.pupil_name,
            to_school: row.to_school,
            method: row.method,
            sent_at,
            sent_by: row.sent_by,
            references: json::from_text(&row.refs, "a transfer's references are unreadable")?,
            overdue: row.receipt.is_none() && today > receipt_due,
            receipt: row.receipt,
            receipt_due,
        });
    }
    Ok(out)
}

impl Vault {
    /// The person's incident reports, redacted so that only they are named.
    pub fn person_reports(
        &self,
        person_id: i64,
        generated_by: &str,
        now: DateTime<Utc>,
        app_version: &str,
    ) -> Result<PersonReports> {
        let history = self.person_history(person_id)?;
        // One report per incident, with every part the person played in it, oldest first.
        let mut order: Vec<(i64, Vec<PersonRole>)> = Vec::new();
        for pi in history.incidents.iter().rev() {
            match order.iter_mut().find(|(id, _)| *id == pi.incident.id) {
                Some((_, roles)) => roles.push(pi.role),
                None => order.push((pi.incident.id, vec![pi.role])),
            }
        }
        let mut reports = Vec::new();
        let mut roles = Vec::new();
        for (id, mut parts) in order {
            parts.sort_by_key(|r| PersonRole::ALL.iter().position(|x| x == r));
            reports.push(self.incident_report(
                id,
                Some(Some(person_id)),
                generated_by,
                now,
                app_version,
            )?);
            roles.push(
                parts
                    .iter()
                    .map(|r| dsl_domain::report::role_name(*r))
                    .collect::<Vec<_>>()
                    .join(" and "),
            );
        }
        Ok(PersonReports {
            person: history.person,
            reports,
            roles,
        })
    }

    /// Logs records sent to a pupil's new school. `references` are the incidents the package held.
    pub fn log_transfer(
        &mut self,
        input: &TransferInput,
        references: &[String],
        now: DateTime<Utc>,
    ) -> std::result::Result<Transfer, WriteError> {
        self.require_editor("only a DSL or deputy can send records")?;
        let t = check_transfer(input, now)?;
        let person = self.person_history(t.person_id)?.person;
        if person.kind != PersonKind::Pupil {
            return Err(StoreError::Conflict(
                "only a pupil's records are transferred to a new school",
            )
            .into());
        }
        self.require_transfer_loggable(t.person_id)?;
        // A restricted record in the package is logged in its own file ("who has seen this
        // record"), not among the vault's transfers, which everyone can read.
        let restricted = self.held_references(references)?;
        for (_, incident) in &restricted {
            self.log_access("transfer.sent", "incident", &incident.to_string(), now)?;
        }
        let references: Vec<String> = references
            .iter()
            .filter(|r| !restricted.iter().any(|(x, _)| x == *r))
            .cloned()
            .collect();
        let references = references.as_slice();
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO transfers (person_id, sent_at, to_school, method, refs, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                t.person_id,
                StoredTime(t.sent_at),
                t.to_school,
                t.method,
                json::to_text(references, "a transfer's references")?,
                StoredTime(now),
                user
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(&tx, now, user, "transfer.sent", "transfer", &id.to_string())?;
        tx.commit()?;
        read_transfers(&self.conn, Some(t.person_id), uk_day(now))?
            .into_iter()
            .find(|x| x.id == id)
            .ok_or_else(|| StoreError::NotFound.into())
    }

    /// Refuses, before anything is written, a transfer of a pupil the vault itself does not
    /// hold (one named only in restricted records): its log could not name them.
    pub fn require_transfer_loggable(&self, person: i64) -> Result<()> {
        let known: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
            [person],
            |r| r.get(0),
        )?;
        if known {
            Ok(())
        } else {
            Err(StoreError::Conflict(
                "this pupil is named only in a restricted record: send its report to the new school from the record itself",
            ))
        }
    }

    /// Records the new school's acknowledgement of a transfer.
    pub fn record_receipt(
        &mut self,
        input: &ReceiptInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), WriteError> {
        self.require_editor("only a DSL or deputy can record a receipt")?;
        let sent: StoredTime = self
            .conn
            .query_row(
                "SELECT sent_at FROM transfers WHERE id = ?1",
                [input.transfer_id],
                |r| r.get("sent_at"),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let sent = sent.0;
        let r = check_receipt(input, sent, uk_day(now))?;
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let tx = self.conn.transaction()?;
        let done: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM transfer_receipts WHERE transfer_id = ?1)",
            [r.transfer_id],
            |row| row.get(0),
        )?;
        if done {
            return Err(
                StoreError::Conflict("a receipt is already recorded for this transfer").into(),
            );
        }
        tx.execute(
            "INSERT INTO transfer_receipts (transfer_id, received_on, acknowledged_by, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                r.transfer_id,
                StoredDate(r.received_on),
                r.acknowledged_by,
                StoredTime(now),
                user
            ],
        )?;
        audit::record(
            &tx,
            now,
            user,
            "transfer.received",
            "transfer",
            &r.transfer_id.to_string(),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The transfer log, newest first; for one person when `person` is given.
    pub fn transfers(&self, person: Option<i64>, today: NaiveDate) -> Result<Vec<Transfer>> {
        self.require_whole_vault()?;
        read_transfers(&self.conn, person, today)
    }
}
