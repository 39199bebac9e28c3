//! School settings held in the vault as key/value rows.

use rusqlite::{params, Connection, OptionalExtension};

use crate::Result;

pub const SCHOOL_NAME: &str = "school_name";
pub const IDLE_MINUTES: &str = "idle_minutes";
pub const SMALL_NUMBER_THRESHOLD: &str = "small_number_threshold";
pub const DEMO: &str = "demo";
pub const LAST_BACKUP_AT: &str = "last_backup_at";
pub const BACKUP_REMINDER_DAYS: &str = "backup_reminder_days";
/// Years low-level concerns are kept after the adult leaves.
pub const CONCERN_YEARS_AFTER_LEAVING: &str = "concern_years_after_leaving";
/// The vault's random identity, the same in its key file (certificates name it).
pub const VAULT_ID: &str = "vault_id";
/// Set while a removal or a new recovery key waits for the vault to be re-encrypted.
pub const REKEY_PENDING: &str = "rekey_pending";

/// Reads one setting.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Writes one setting.
pub fn put(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
