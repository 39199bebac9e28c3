//! The people who can open the vault.

use chrono::{DateTime, Utc};
use dsl_domain::vault::Role;
use rusqlite::{params, Connection, OptionalExtension};

use crate::time::StoredTime;
use crate::{Result, StoreError};

/// A vault user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Adds a user and returns their id.
pub fn insert(conn: &Connection, name: &str, role: Role, now: DateTime<Utc>) -> Result<i64> {
    conn.execute(
        "INSERT INTO users (name, role, created_at) VALUES (?1, ?2, ?3)",
        params![name, role.as_str(), StoredTime(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A current (not removed) user by id.
pub fn get(conn: &Connection, id: i64) -> Result<User> {
    let row: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, name, role FROM users WHERE id = ?1 AND removed_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (id, name, role) = row.ok_or(StoreError::NotFound)?;
    let role = Role::parse(&role).ok_or(StoreError::Corrupt("unknown user role"))?;
    Ok(User { id, name, role })
}

/// The current users, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt =
        conn.prepare("SELECT id, name, role FROM users WHERE removed_at IS NULL ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, role) = row?;
        let role = Role::parse(&role).ok_or(StoreError::Corrupt("unknown user role"))?;
        out.push(User { id, name, role });
    }
    Ok(out)
}

/// When each current user was added.
pub fn added_at(conn: &Connection, id: i64) -> Result<DateTime<Utc>> {
    let at: StoredTime =
        conn.query_row("SELECT created_at FROM users WHERE id = ?1", [id], |r| {
            r.get("created_at")
        })?;
    Ok(at.into())
}

/// Marks a user as removed; their past entries keep naming them.
pub fn mark_removed(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    let changed = conn.execute(
        "UPDATE users SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL",
        params![id, StoredTime(now)],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
