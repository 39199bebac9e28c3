//! The audit chain: every write appends who, when, what kind of change and which record,
//! chained by hash so that a change made outside the app shows.

use chrono::{DateTime, SecondsFormat, Utc};
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
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
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
