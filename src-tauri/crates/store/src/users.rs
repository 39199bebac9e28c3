//! The people who can open the vault.

use chrono::{DateTime, Utc};
use dsl_domain::vault::Role;
use rusqlite::{params, Connection, OptionalExtension};

use crate::columns::{collect, corrupt, FromRow};
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

impl FromRow for User {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let role: String = r.get("role")?;
        Ok(User {
            id: r.get("id")?,
            name: r.get("name")?,
            role: Role::parse(&role).ok_or_else(|| corrupt("unknown user role"))?,
        })
    }
}

/// A current (not removed) user by id.
pub fn get(conn: &Connection, id: i64) -> Result<User> {
    conn.query_row(
        "SELECT id, name, role FROM users WHERE id = ?1 AND removed_at IS NULL",
        [id],
        User::from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// The current users, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt =
        conn.prepare("SELECT id, name, role FROM users WHERE removed_at IS NULL ORDER BY id")?;
    collect(&mut stmt, [])
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
