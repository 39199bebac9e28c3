//! The access log: who opened or printed which record, exported bundles, made backups, and
//! unlocked the vault (and how many wrong attempts came before), each as a signed entry of the
//! audit chain, so that Verify covers it like every change.

use chrono::{DateTime, Utc};
use dsl_domain::vault::AccessEntry;
use rusqlite::{params, OptionalExtension};

use crate::time::StoredTime;
use crate::{Result, Vault};

/// A record opened on screen.
pub const OPENED: &str = "incident.opened";
/// An incident's report saved as a PDF (full or redacted).
pub const PRINTED: &str = "incident.printed";
/// The governor report saved as a PDF.
pub const GOVERNOR_PRINTED: &str = "governor_report.printed";
/// A subject access bundle saved.
pub const SUBJECT_ACCESS: &str = "subject_access.exported";
/// A signed-in session began.
pub const UNLOCKED: &str = "session.unlocked";
/// Wrong passphrases or recovery keys tried on this computer before an unlock (the count).
pub const FAILED_UNLOCKS: &str = "unlock.failed";

/// Every action the access log shows, with its words; changes such as a transfer or a backup
/// are there too, being ways a record leaves the vault.
const ACTIONS: [(&str, &str); 12] = [
    ("incident.created", "Recorded it"),
    ("incident.sealed", "Restricted it to named people"),
    ("incident.access_changed", "Changed who may read it"),
    (
        "concerns.restricted",
        "Restricted the concerns about this adult",
    ),
    (OPENED, "Opened"),
    (PRINTED, "Saved its report as a PDF"),
    (GOVERNOR_PRINTED, "Saved the governor report as a PDF"),
    (SUBJECT_ACCESS, "Saved a subject access export"),
    (
        "transfer.sent",
        "Saved a transfer package for another school",
    ),
    ("vault.backed_up", "Made a backup of the whole vault"),
    (UNLOCKED, "Unlocked the vault"),
    (
        FAILED_UNLOCKS,
        "Wrong passphrases or recovery keys tried before this unlock",
    ),
];

impl Vault {
    /// Logs an access by the signed-in user. Opening the same record again straight after (the
    /// screen reading it once more after a change) is logged once.
    pub fn log_access(
        &mut self,
        action: &str,
        kind: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = match (kind, id.parse::<i64>()) {
            ("incident", Ok(n)) => self.db(n)?,
            _ => &self.conn,
        };
        if action == OPENED {
            let last: Option<(String, String, String, Option<i64>)> = conn
                .query_row(
                    "SELECT action, record_kind, record_id, user_id FROM audit
                     ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            if last.as_ref().is_some_and(|(a, k, i, u)| {
                a == action && k == kind && i == id && *u == Some(self.user_id)
            }) {
                return Ok(());
            }
        }
        crate::audit::record(conn, now, &self.author(), action, kind, id)
    }

    /// The access log, newest first: for one incident (who has seen this record), or the whole
    /// vault.
    pub fn access_log(&self, incident: Option<i64>, limit: u32) -> Result<Vec<AccessEntry>> {
        if let Some(n) = incident {
            // Refused when the record is not one the signed-in user may read.
            self.db(n)?;
        }
        // Restricted records the signed-in user does not hold leave no line in their log.
        let hidden: Vec<i64> = self
            .conn
            .prepare("SELECT incident_id FROM restricted_records")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?
            .into_iter()
            .filter(|i| !self.held.contains_key(i))
            .collect();
        let mut out = Vec::new();
        // A user who holds no data key has only their records' files (the first of which is
        // also their session's database): those are read below.
        if !self.role()?.sees_only_granted() {
            out = log_rows(&self.conn, incident, limit, &hidden, 0)?;
        }
        // Each file's entries numbered apart from the vault's and from each other's.
        for (i, (n, record)) in (1i64..).zip(&self.held) {
            if incident.is_none_or(|x| x == *n) {
                out.extend(log_rows(&record.conn, incident, limit, &[], i << 40)?);
            }
        }
        out.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        out.truncate(limit as usize);
        Ok(out)
    }
}

/// The access entries of one database's audit chain, newest first; `offset` keeps the ids of
/// a restricted record's entries apart from the vault's.
fn log_rows(
    conn: &rusqlite::Connection,
    incident: Option<i64>,
    limit: u32,
    hidden: &[i64],
    offset: i64,
) -> Result<Vec<AccessEntry>> {
    let actions: Vec<String> = ACTIONS.iter().map(|(a, _)| format!("'{a}'")).collect();
    let hidden: Vec<String> = hidden.iter().map(|i| format!("'{i}'")).collect();
    let sql = format!(
        "SELECT a.id, a.at, a.action, a.record_kind, a.record_id, u.name AS user_name,
                (SELECT reference FROM incidents i
                 WHERE a.record_kind = 'incident' AND i.id = CAST(a.record_id AS INTEGER))
                    AS reference
         FROM audit a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.action IN ({})
           AND NOT (a.record_kind = 'incident' AND a.record_id IN ({}))
           AND (?1 IS NULL OR (a.record_kind = 'incident' AND a.record_id = CAST(?1 AS TEXT)))
         ORDER BY a.id DESC LIMIT ?2",
        actions.join(", "),
        hidden.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![incident, limit], |r| {
        let action: String = r.get("action")?;
        let kind: String = r.get("record_kind")?;
        let record_id: String = r.get("record_id")?;
        let words = ACTIONS
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, w)| w.to_string())
            .unwrap_or_default();
        let what = if action == FAILED_UNLOCKS {
            format!("{words}: {record_id}")
        } else {
            words
        };
        Ok(AccessEntry {
            id: offset + r.get::<_, i64>("id")?,
            at: r.get::<_, StoredTime>("at")?.into(),
            user_name: r
                .get::<_, Option<String>>("user_name")?
                .unwrap_or_else(|| "A user since removed".to_string()),
            what,
            reference: if kind == "incident" {
                r.get("reference")?
            } else {
                None
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
