//! The audit chain: every write appends who, when, what kind of change and which record,
//! chained by hash so that a change made outside the app shows.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::Result;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to record in the chain.
pub struct Change<'a> {
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: &'a str,
}

fn entry_hash(prev: &str, id: i64, at: &str, change: &Change<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &id.to_string(),
        at,
        &change.user_id.map(|u| u.to_string()).unwrap_or_default(),
        change.action,
        change.record_kind,
        change.record_id,
    ] {
        h.update(part.len().to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends `change` to the chain; call inside the transaction that makes the change.
pub fn append(conn: &Connection, now: DateTime<Utc>, change: &Change<'_>) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get("id")?, r.get("hash")?)),
        )
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = crate::time::StoredTime(now).text();
    let hash = entry_hash(&prev, id, &at, change);
    conn.execute(
        "INSERT INTO audit (id, at, user_id, action, record_kind, record_id, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            at,
            change.user_id,
            change.action,
            change.record_kind,
            change.record_id,
            prev,
            hash
        ],
    )?;
    Ok(())
}

/// Appends one change made by `user` to the chain.
pub fn record(
    conn: &Connection,
    now: DateTime<Utc>,
    user: i64,
    action: &str,
    record_kind: &str,
    record_id: &str,
) -> Result<()> {
    append(
        conn,
        now,
        &Change {
            user_id: Some(user),
            action,
            record_kind,
            record_id,
        },
    )
}

/// Walks the whole chain from the first entry: each must be numbered in turn, name the hash of
/// the one before, and hash to what it says. Reports the first that does not.
pub fn verify(conn: &Connection) -> Result<dsl_domain::vault::AuditCheck> {
    use dsl_domain::vault::{AuditCheck, BrokenLink};
    let mut stmt = conn.prepare(
        "SELECT id, at, user_id, action, record_kind, record_id, prev_hash, hash FROM audit ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_id = 1;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get("id")?;
        let at: String = r.get("at")?;
        let user_id: Option<i64> = r.get("user_id")?;
        let action: String = r.get("action")?;
        let record_kind: String = r.get("record_kind")?;
        let record_id: String = r.get("record_id")?;
        let prev_hash: String = r.get("prev_hash")?;
        let hash: String = r.get("hash")?;
        let broken = |problem: &str| {
            AuditCheck::new(
                entries,
                Some(BrokenLink {
                    entry: id,
                    at: at.clone(),
                    problem: problem.to_string(),
                }),
            )
        };
        if id != expected_id {
            return Ok(broken(&format!(
                "entry {expected_id} is missing: the chain jumps from {} to {id}",
                expected_id - 1
            )));
        }
        if prev_hash != prev {
            return Ok(broken(
                "it does not name the entry before it: an entry was removed, added or replaced",
            ));
        }
        let change = Change {
            user_id,
            action: &action,
            record_kind: &record_kind,
            record_id: &record_id,
        };
        if entry_hash(&prev_hash, id, &at, &change) != hash {
            return Ok(broken("it was changed after it was written"));
        }
        entries += 1;
        expected_id += 1;
        prev = hash;
    }
    Ok(AuditCheck::new(entries, None))
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// The hash an entry with these values would carry.
    pub fn hash_of(
        prev: &str,
        id: i64,
        at: &str,
        user_id: Option<i64>,
        action: &str,
        record_kind: &str,
        record_id: &str,
    ) -> String {
        super::entry_hash(
            prev,
            id,
            at,
            &super::Change {
                user_id,
                action,
                record_kind,
                record_id,
            },
        )
    }
}
