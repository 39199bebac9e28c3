//! The schema, as append-only migrations embedded in the binary. Never edit one that has shipped.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::{Result, StoreError};

const V1: &str = r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('dsl', 'deputy_dsl', 'headteacher')),
    created_at TEXT NOT NULL,
    removed_at TEXT
) STRICT;

-- Every write appends here; each entry carries the hash of the one before.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    action      TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
"#;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(V1)])
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// Refuses a vault from a newer version, then brings an older one up to date.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerVersion {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    migrations().to_latest(conn).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => StoreError::from(err),
        other => StoreError::Migration(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_match_the_version() {
        assert!(migrations().validate().is_ok());
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate(&mut conn).expect("migrates");
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(v, SCHEMA_VERSION);
    }
}
