//! The evidence register: items, their custody logs, file fingerprints and device reviews.
//! Metadata only: no evidence is ever copied into the vault.

use crate::audit::Author;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use dsl_domain::evidence::{
    check_custody, check_evidence, check_review, is_police, whereabouts, CustodyEvent,
    CustodyInput, DeviceReview, DeviceReviewInput, EvidenceInput, EvidenceItem, FileDigest,
};
use dsl_domain::{ApiError, ErrorKind};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::audit;
use crate::columns::{collect, corrupt, FromRow};
use crate::incidents::WriteError;
use crate::time::{ts, StoredTime};
use crate::{Result, StoreError, Vault};

const UNREADABLE: &str = "an evidence record is unreadable";

fn json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    crate::columns::json::from_text(s, UNREADABLE)
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    crate::columns::json::to_text(v, "an evidence record")
}

/// Reads a file through SHA-256 in 1 MiB pieces, never holding more than that in memory and
/// never showing or copying it. Returns the file's name, size and digest (lower-case hex).
pub fn sha256_file(path: &Path) -> std::result::Result<(String, u64, String), ApiError> {
    let meta = std::fs::metadata(path)
        .map_err(|_| ApiError::new(ErrorKind::Io, "That file could not be found or read."))?;
    if meta.is_dir() {
        return Err(ApiError::validation(
            "file",
            "That is a folder, not a file. Choose a file.",
        ));
    }
    let mut file = std::fs::File::open(path).map_err(|_| {
        ApiError::new(
            ErrorKind::Io,
            "That file could not be opened: check it is not in use and that you may read it.",
        )
    })?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|_| {
            ApiError::new(
                ErrorKind::Io,
                "Reading the file failed part-way; nothing was saved.",
            )
        })?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, size, hex::encode(hasher.finalize())))
}

/// Refuses an id that is not in `table` (one of this module's own tables).
fn require(conn: &Connection, table: &str, id: i64) -> Result<()> {
    let found: Option<i64> = conn
        .query_row(
            &format!("SELECT id FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

impl FromRow for CustodyEvent {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let event: String = r.get("event")?;
        Ok(CustodyEvent {
            id: r.get("id")?,
            recorded_at: r.get::<_, StoredTime>("recorded_at")?.into(),
            recorded_by: r.get("recorded_by")?,
            event: serde_json::from_str(&event).map_err(|_| corrupt(UNREADABLE))?,
        })
    }
}

fn custody(conn: &Connection, item: i64) -> Result<Vec<CustodyEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.recorded_at, u.name AS recorded_by, c.event FROM custody_events c
         JOIN users u ON u.id = c.recorded_by WHERE c.evidence_id = ?1 ORDER BY c.id",
    )?;
    collect(&mut stmt, [item])
}

impl FromRow for FileDigest {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let size: i64 = r.get("size")?;
        Ok(FileDigest {
            id: r.get("id")?,
            file_name: r.get("file_name")?,
            size: u64::try_from(size).unwrap_or(0),
            sha256: r.get("sha256")?,
            computed_at: r.get::<_, StoredTime>("computed_at")?.into(),
            computed_by: r.get("computed_by")?,
        })
    }
}

fn digests(conn: &Connection, item: i64) -> Result<Vec<FileDigest>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.file_name, d.size, d.sha256, d.computed_at, u.name AS computed_by
         FROM evidence_digests d
         JOIN users u ON u.id = d.computed_by WHERE d.evidence_id = ?1 ORDER BY d.id",
    )?;
    collect(&mut stmt, [item])
}

/// An evidence item's own row, before its custody log and digests are read.
struct ItemRow {
    id: i64,
    incident_id: i64,
    reference: String,
    number: i64,
    recorded_at: StoredTime,
    recorded_by: String,
    details: EvidenceInput,
}

impl FromRow for ItemRow {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let details: String = r.get("details")?;
        Ok(ItemRow {
            id: r.get("id")?,
            incident_id: r.get("incident_id")?,
            reference: r.get("reference")?,
            number: r.get("number")?,
            recorded_at: r.get("recorded_at")?,
            recorded_by: r.get("recorded_by")?,
            details: serde_json::from_str(&details).map_err(|_| corrupt(UNREADABLE))?,
        })
    }
}

fn items(conn: &Connection, where_sql: &str, arg: Option<i64>) -> Result<Vec<EvidenceItem>> {
    let sql = format!(
        "SELECT e.id, e.incident_id, i.reference, e.number, e.recorded_at, u.name AS recorded_by,
                e.details
         FROM evidence_items e JOIN incidents i ON i.id = e.incident_id JOIN users u ON u.id = e.recorded_by
         {where_sql} ORDER BY e.incident_id, e.number"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows: Vec<ItemRow> = match arg {
        Some(a) => collect(&mut stmt, [a])?,
        None => collect(&mut stmt, [])?,
    };
    let mut out = Vec::new();
    for row in rows {
        let log = custody(conn, row.id)?;
        let (holder, place, since, ended) = whereabouts(&row.details, &log);
        out.push(EvidenceItem {
            id: row.id,
            incident_id: row.incident_id,
            incident_reference: row.reference,
            label: format!("E{}", row.number),
            with_police: ended.is_none() && is_police(&holder),
            details: row.details,
            recorded_at: row.recorded_at.into(),
            recorded_by: row.recorded_by,
            custody: log,
            digests: digests(conn, row.id)?,
            holder,
            place,
            since,
            ended,
        });
    }
    Ok(out)
}

/// Adds an item to an incident's register within the caller's transaction.
pub(crate) fn insert_item(
    conn: &Connection,
    user: &Author<'_>,
    incident: i64,
    input: &EvidenceInput,
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    let details = check_evidence(input, now)?;
    require(conn, "incidents", incident)?;
    let number: i64 = conn.query_row(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM evidence_items WHERE incident_id = ?1",
        [incident],
        |r| r.get(0),
    )?;
    let id = crate::restricted::next_id(conn, "evidence_items")?;
    conn.execute(
        "INSERT INTO evidence_items (id, incident_id, number, recorded_at, recorded_by, details) VALUES (?6, ?1, ?2, ?3, ?4, ?5)",
        params![incident, number, ts(now), user, to_json(&details)?, id],
    )?;
    audit::record(
        conn,
        now,
        user,
        "evidence.added",
        "evidence",
        &id.to_string(),
    )?;
    Ok(id)
}

/// Adds to an item's custody log, in time order, within the caller's transaction.
pub(crate) fn insert_custody(
    conn: &Connection,
    user: &Author<'_>,
    item: i64,
    input: &CustodyInput,
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    let details: String = conn
        .query_row(
            "SELECT details FROM evidence_items WHERE id = ?1",
            [item],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let details: EvidenceInput = json(&details)?;
    let log = custody(conn, item)?;
    let event = check_custody(&details, &log, input, now)?;
    conn.execute(
        "INSERT INTO custody_events (evidence_id, recorded_at, recorded_by, event) VALUES (?1, ?2, ?3, ?4)",
        params![item, ts(now), user, to_json(&event)?],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        now,
        user,
        "custody.added",
        "evidence",
        &item.to_string(),
    )?;
    Ok(id)
}

impl Vault {
    /// Adds an item to an incident's register.
    pub fn add_evidence(
        &mut self,
        incident: i64,
        input: &EvidenceInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<i64, WriteError> {
        self.require_editor("only a DSL or deputy can change records")?;
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let tx = self.db(incident)?.unchecked_transaction()?;
        let id = insert_item(&tx, user, incident, input, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// One item with its custody log.
    pub fn evidence_item(&self, id: i64) -> Result<EvidenceItem> {
        items(self.db_of_evidence(id)?, "WHERE e.id = ?1", Some(id))?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    /// Adds a hand-over, move or end of life to an item's custody log, in time order.
    pub fn add_custody(
        &mut self,
        item: i64,
        input: &CustodyInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<i64, WriteError> {
        self.require_editor("only a DSL or deputy can change records")?;
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let tx = self.db_of_evidence(item)?.unchecked_transaction()?;
        let id = insert_custody(&tx, user, item, input, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Stores a file's fingerprint against an item (the file itself is not stored).
    pub fn add_digest(
        &mut self,
        item: i64,
        file_name: &str,
        size: u64,
        sha256: &str,
        now: DateTime<Utc>,
    ) -> std::result::Result<i64, WriteError> {
        self.require_editor("only a DSL or deputy can change records")?;
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let tx = self.db_of_evidence(item)?.unchecked_transaction()?;
        require(&tx, "evidence_items", item)?;
        tx.execute(
            "INSERT INTO evidence_digests (evidence_id, computed_at, computed_by, file_name, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![item, ts(now), user, file_name, i64::try_from(size).unwrap_or(i64::MAX), sha256],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            now,
            user,
            "digest.added",
            "evidence",
            &item.to_string(),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// An incident's register.
    pub fn evidence_for_incident(&self, incident: i64) -> Result<Vec<EvidenceItem>> {
        items(
            self.db(incident)?,
            "WHERE e.incident_id = ?1",
            Some(incident),
        )
    }

    /// Every item held across incidents, for the termly check of the cabinet.
    pub fn all_evidence(&self) -> Result<Vec<EvidenceItem>> {
        let mut out = Vec::new();
        for conn in self.readable()? {
            out.extend(items(conn, "", None)?);
        }
        Ok(out)
    }

    /// The database holding an evidence item: a held restricted record's, or the vault's.
    fn db_of_evidence(&self, item: i64) -> Result<&rusqlite::Connection> {
        for conn in self.readable()? {
            let incident: Option<i64> = conn
                .query_row(
                    "SELECT incident_id FROM evidence_items WHERE id = ?1",
                    [item],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(incident) = incident {
                return self.db(incident);
            }
        }
        Err(StoreError::NotFound)
    }

    /// Records a review of devices or sites.
    pub fn add_device_review(
        &mut self,
        incident: i64,
        input: &DeviceReviewInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<i64, WriteError> {
        let review = check_review(input, now)?;
        self.require_editor("only a DSL or deputy can change records")?;
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let tx = self.db(incident)?.unchecked_transaction()?;
        require(&tx, "incidents", incident)?;
        tx.execute(
            "INSERT INTO device_reviews (incident_id, recorded_at, recorded_by, review) VALUES (?1, ?2, ?3, ?4)",
            params![incident, ts(now), user, to_json(&review)?],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            now,
            user,
            "review.added",
            "incident",
            &incident.to_string(),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// An incident's device and site reviews.
    pub fn device_reviews(&self, incident: i64) -> Result<Vec<DeviceReview>> {
        let mut stmt = self.db(incident)?.prepare_cached(
            "SELECT r.id, u.name AS recorded_by, r.review FROM device_reviews r
             JOIN users u ON u.id = r.recorded_by WHERE r.incident_id = ?1 ORDER BY r.id",
        )?;
        let rows = stmt.query_map([incident], |r| {
            Ok((
                r.get::<_, i64>("id")?,
                r.get::<_, String>("recorded_by")?,
                r.get::<_, String>("review")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, recorded_by, review) = row?;
            out.push(DeviceReview {
                id,
                recorded_by,
                review: json(&review)?,
            });
        }
        Ok(out)
    }
}
