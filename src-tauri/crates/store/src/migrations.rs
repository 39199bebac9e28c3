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

const V2: &str = r#"
CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    year_group    INTEGER,
    date_of_birth TEXT,
    job_title     TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES users(id)
) STRICT;

-- Identity columns never change; the rest is a projection of the records below, kept for the
-- list, filters and search, and rebuilt on every write.
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL UNIQUE,
    year          INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    flow_id       TEXT NOT NULL,
    flow_version  INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    status        TEXT NOT NULL,
    mark          TEXT,
    occurred_at   TEXT NOT NULL,
    activity_type TEXT NOT NULL,
    risk_area     TEXT NOT NULL,
    summary       TEXT NOT NULL,
    people_names  TEXT NOT NULL,
    current_step  TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (year, seq)
) STRICT;
CREATE INDEX incidents_occurred ON incidents (occurred_at);
CREATE INDEX incidents_status ON incidents (status, occurred_at);
CREATE INDEX incidents_type ON incidents (activity_type, occurred_at);

-- Search over reference, names and text: a projection, rebuilt with the incident's row.
CREATE VIRTUAL TABLE incident_search USING fts5 (text, tokenize = 'trigram');

CREATE TABLE incident_facts (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at          TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    facts       TEXT NOT NULL
) STRICT;
CREATE INDEX incident_facts_incident ON incident_facts (incident_id, id);

CREATE TABLE involvements (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    INTEGER NOT NULL REFERENCES users(id),
    UNIQUE (incident_id, person_id, role)
) STRICT;
CREATE INDEX involvements_person ON involvements (person_id);

CREATE TABLE flow_entries (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at          TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    node_id     TEXT,
    person_id   INTEGER REFERENCES people(id),
    supersedes  INTEGER REFERENCES flow_entries(id),
    body        TEXT NOT NULL
) STRICT;
CREATE INDEX flow_entries_incident ON flow_entries (incident_id, id);

CREATE TRIGGER incident_facts_no_update BEFORE UPDATE ON incident_facts
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER incident_facts_no_delete BEFORE DELETE ON incident_facts
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER involvements_no_update BEFORE UPDATE ON involvements
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER involvements_no_delete BEFORE DELETE ON involvements
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER flow_entries_no_update BEFORE UPDATE ON flow_entries
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER flow_entries_no_delete BEFORE DELETE ON flow_entries
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER incidents_identity_fixed
BEFORE UPDATE OF id, reference, year, seq, flow_id, flow_version, created_at, created_by ON incidents
BEGIN SELECT RAISE(ABORT, 'an incident''s identity cannot change'); END;
CREATE TRIGGER people_no_delete BEFORE DELETE ON people
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
"#;

const V3: &str = r#"
CREATE TABLE evidence_items (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    number      INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    details     TEXT NOT NULL,
    UNIQUE (incident_id, number)
) STRICT;

CREATE TABLE custody_events (
    id          INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    event       TEXT NOT NULL
) STRICT;
CREATE INDEX custody_events_item ON custody_events (evidence_id, id);

CREATE TABLE evidence_digests (
    id          INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
    computed_at TEXT NOT NULL,
    computed_by INTEGER NOT NULL REFERENCES users(id),
    file_name   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL
) STRICT;

CREATE TABLE device_reviews (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    review      TEXT NOT NULL
) STRICT;

CREATE TRIGGER evidence_items_no_update BEFORE UPDATE ON evidence_items
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER evidence_items_no_delete BEFORE DELETE ON evidence_items
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER custody_events_no_update BEFORE UPDATE ON custody_events
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER evidence_digests_no_update BEFORE UPDATE ON evidence_digests
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER evidence_digests_no_delete BEFORE DELETE ON evidence_digests
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER device_reviews_no_update BEFORE UPDATE ON device_reviews
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER device_reviews_no_delete BEFORE DELETE ON device_reviews
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
"#;

const V4: &str = r#"
-- What each incident contributes to the termly figures (no names): a projection, rebuilt with
-- the incident's row.
CREATE TABLE incident_stats (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
    reported_at TEXT NOT NULL,
    stat        TEXT NOT NULL
) STRICT;

-- The school's own term dates, where they differ from the defaults.
CREATE TABLE terms (
    academic_year INTEGER NOT NULL,
    name          TEXT NOT NULL CHECK (name IN ('autumn', 'spring', 'summer')),
    starts        TEXT NOT NULL,
    ends          TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (academic_year, name)
) STRICT;

-- The head's narrative and the lessons chosen for each term's governor report.
CREATE TABLE governor_reports (
    academic_year INTEGER NOT NULL,
    term          TEXT NOT NULL,
    draft         TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (academic_year, term)
) STRICT;
"#;

const V5: &str = r#"
-- What is left of a destroyed record: what kind, when, by whom, why. Its content is gone.
CREATE TABLE tombstones (
    id           INTEGER PRIMARY KEY,
    record_kind  TEXT NOT NULL,
    incident_id  INTEGER NOT NULL UNIQUE,
    reference    TEXT NOT NULL,
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    destroyed_at TEXT NOT NULL,
    destroyed_by INTEGER NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL
) STRICT;
CREATE TRIGGER tombstones_no_update BEFORE UPDATE ON tombstones
BEGIN SELECT RAISE(ABORT, 'tombstones are permanent'); END;
CREATE TRIGGER tombstones_no_delete BEFORE DELETE ON tombstones
BEGIN SELECT RAISE(ABORT, 'tombstones are permanent'); END;

-- Decisions to keep a record past its review date.
CREATE TABLE retention_reviews (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    decided_at  TEXT NOT NULL,
    decided_by  INTEGER NOT NULL REFERENCES users(id),
    reason      TEXT NOT NULL,
    next_review TEXT NOT NULL
) STRICT;
CREATE INDEX retention_reviews_incident ON retention_reviews (incident_id, id);
CREATE TRIGGER retention_reviews_no_update BEFORE UPDATE ON retention_reviews
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- Records sent to a pupil's new school, and the receipts.
CREATE TABLE transfers (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    sent_at     TEXT NOT NULL,
    to_school   TEXT NOT NULL,
    method      TEXT NOT NULL,
    refs        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
) STRICT;
CREATE INDEX transfers_person ON transfers (person_id);
CREATE TABLE transfer_receipts (
    id              INTEGER PRIMARY KEY,
    transfer_id     INTEGER NOT NULL UNIQUE REFERENCES transfers(id),
    received_on     TEXT NOT NULL,
    acknowledged_by TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    recorded_by     INTEGER NOT NULL REFERENCES users(id)
) STRICT;
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER transfer_receipts_no_update BEFORE UPDATE ON transfer_receipts
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- Records may now be deleted, but only once a tombstone with its reason exists.
DROP TRIGGER incident_facts_no_delete;
CREATE TRIGGER incident_facts_no_delete BEFORE DELETE ON incident_facts
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER involvements_no_delete;
CREATE TRIGGER involvements_no_delete BEFORE DELETE ON involvements
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER flow_entries_no_delete;
CREATE TRIGGER flow_entries_no_delete BEFORE DELETE ON flow_entries
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER incidents_no_delete;
CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER evidence_items_no_delete;
CREATE TRIGGER evidence_items_no_delete BEFORE DELETE ON evidence_items
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER custody_events_no_delete;
CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events
WHEN NOT EXISTS (SELECT 1 FROM tombstones t JOIN evidence_items e ON e.incident_id = t.incident_id
                 WHERE e.id = OLD.evidence_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER evidence_digests_no_delete;
CREATE TRIGGER evidence_digests_no_delete BEFORE DELETE ON evidence_digests
WHEN NOT EXISTS (SELECT 1 FROM tombstones t JOIN evidence_items e ON e.incident_id = t.incident_id
                 WHERE e.id = OLD.evidence_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER device_reviews_no_delete;
CREATE TRIGGER device_reviews_no_delete BEFORE DELETE ON device_reviews
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER retention_reviews_no_delete BEFORE DELETE ON retention_reviews
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
-- A person goes only when no record names them any more.
DROP TRIGGER people_no_delete;
CREATE TRIGGER people_no_delete BEFORE DELETE ON people
WHEN EXISTS (SELECT 1 FROM involvements WHERE person_id = OLD.id)
  OR EXISTS (SELECT 1 FROM flow_entries WHERE person_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
WHEN EXISTS (SELECT 1 FROM involvements WHERE person_id = OLD.person_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER transfer_receipts_no_delete BEFORE DELETE ON transfer_receipts
WHEN EXISTS (SELECT 1 FROM transfers t JOIN involvements i ON i.person_id = t.person_id
             WHERE t.id = OLD.transfer_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
"#;

const V6: &str = r#"
-- The figures read the projection by date (the terms before a term, the earliest report).
CREATE INDEX incident_stats_reported ON incident_stats (reported_at);
"#;

const V7: &str = r#"
-- The figures now read what each checklist item means from the flow file (a referral, a
-- sanction ...), and the victim's "children's social care informed" counts as a referral to
-- children's social care, as the incident report always listed it. The projection is emptied
-- here and rebuilt from the records when the vault is next opened.
DELETE FROM incident_stats;
"#;

const V8: &str = r#"
-- Every entry is signed by its author and covers a digest of the record it changed.
ALTER TABLE audit ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN signed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN signature TEXT NOT NULL DEFAULT '';

-- The vault's founding keys: the first made with the vault, each later one introduced when
-- the recovery key was replaced, endorsed by the DSL or deputy who replaced it.
CREATE TABLE founding_keys (
    idx         INTEGER PRIMARY KEY,
    public      TEXT NOT NULL UNIQUE,
    endorsed_by TEXT,
    endorsement TEXT,
    added_at    TEXT NOT NULL
) STRICT;

-- Every signing key a user has had, with its certificate (kept after removal, for Verify).
CREATE TABLE user_keys (
    sign_key    TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL,
    box_key     TEXT NOT NULL,
    certifier   TEXT NOT NULL,
    certificate TEXT NOT NULL,
    added_at    TEXT NOT NULL
) STRICT;

CREATE TRIGGER founding_keys_no_update BEFORE UPDATE ON founding_keys
BEGIN SELECT RAISE(ABORT, 'keys are append-only'); END;
CREATE TRIGGER founding_keys_no_delete BEFORE DELETE ON founding_keys
BEGIN SELECT RAISE(ABORT, 'keys are append-only'); END;
CREATE TRIGGER user_keys_no_update BEFORE UPDATE ON user_keys
BEGIN SELECT RAISE(ABORT, 'keys are append-only'); END;
CREATE TRIGGER user_keys_no_delete BEFORE DELETE ON user_keys
BEGIN SELECT RAISE(ABORT, 'keys are append-only'); END;
"#;

const V9: &str = r#"
-- What is known about a member of staff beyond one incident: recorded as the headteacher (an
-- allegation about them goes to the chair of governors), and the date they left (low-level
-- concerns are kept until then plus the school's setting). A row only for those with details.
CREATE TABLE staff_details (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id),
    headteacher INTEGER NOT NULL DEFAULT 0,
    left_on     TEXT,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES users(id)
) STRICT;

-- The low-level concerns register, apart from incidents.
-- AUTOINCREMENT: a destroyed concern's id (and its tombstone) is never reused.
CREATE TABLE low_level_concerns (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    concern      TEXT NOT NULL,
    happened_on  TEXT NOT NULL,
    raised_by    TEXT NOT NULL,
    context      TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL DEFAULT '',
    -- Recorded through an incident's flow: the entry that recorded it. Not foreign keys: a
    -- concern is kept by its own retention, and may outlive the incident.
    incident_id  INTEGER,
    entry_id     INTEGER,
    -- Escalated to an allegation: the incident opened for it, set once.
    escalated_to INTEGER,
    escalated_at TEXT,
    -- Recorded through the flow and since replaced or no longer on the incident's route: kept,
    -- and no longer counted in the register. Set once.
    withdrawn_at TEXT,
    recorded_at  TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users(id)
) STRICT;
CREATE INDEX low_level_concerns_person ON low_level_concerns (person_id);

-- A concern destroyed at the end of its retention: when, by whom and why, with no content.
CREATE TABLE concern_tombstones (
    concern_id   INTEGER PRIMARY KEY,
    destroyed_at TEXT NOT NULL,
    destroyed_by INTEGER NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL
) STRICT;

CREATE TRIGGER low_level_concerns_no_update BEFORE UPDATE ON low_level_concerns
WHEN (OLD.escalated_to IS NOT NULL AND NEW.escalated_to IS NOT OLD.escalated_to)
  OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NOT OLD.withdrawn_at)
  OR NEW.escalated_at IS NOT OLD.escalated_at AND OLD.escalated_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.person_id IS NOT OLD.person_id
  OR NEW.concern IS NOT OLD.concern OR NEW.happened_on IS NOT OLD.happened_on
  OR NEW.raised_by IS NOT OLD.raised_by OR NEW.context IS NOT OLD.context
  OR NEW.action IS NOT OLD.action OR NEW.incident_id IS NOT OLD.incident_id
  OR NEW.entry_id IS NOT OLD.entry_id OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.recorded_by IS NOT OLD.recorded_by
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER low_level_concerns_no_delete BEFORE DELETE ON low_level_concerns
WHEN NOT EXISTS (SELECT 1 FROM concern_tombstones WHERE concern_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER concern_tombstones_no_update BEFORE UPDATE ON concern_tombstones
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER concern_tombstones_no_delete BEFORE DELETE ON concern_tombstones
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- A person goes only when no record names them any more, the register included.
DROP TRIGGER people_no_delete;
CREATE TRIGGER people_no_delete BEFORE DELETE ON people
WHEN EXISTS (SELECT 1 FROM involvements WHERE person_id = OLD.id)
  OR EXISTS (SELECT 1 FROM flow_entries WHERE person_id = OLD.id)
  OR EXISTS (SELECT 1 FROM low_level_concerns WHERE person_id = OLD.id)
  OR EXISTS (SELECT 1 FROM users WHERE person_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- The member of staff a vault user is in the records, when linked.
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people(id);

-- The list row's due step (e.g. the LADO consultation), kept with the projection.
ALTER TABLE incidents ADD COLUMN due TEXT;

-- The figures are rebuilt from the records (they now tell a police-referred case the police
-- found nothing illegal in from one that was never illegal).
DELETE FROM incident_stats;
"#;

const V10: &str = r#"
-- A restricted record: its content lives in its own database file, keyed with a key of its
-- own sealed to each user granted it (and to the recovery key). The vault keeps only the
-- record's identity (reference and number) and its anonymous figures row.
CREATE TABLE restricted_records (
    incident_id   INTEGER PRIMARY KEY REFERENCES incidents(id),
    file          TEXT NOT NULL UNIQUE,
    id_base       INTEGER NOT NULL UNIQUE,
    restricted_at TEXT NOT NULL,
    restricted_by INTEGER NOT NULL REFERENCES users(id),
    generation    INTEGER NOT NULL DEFAULT 1,
    rekey_due     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A restricted record's key, sealed to one user's box key ('user:<id>') or the recovery key.
CREATE TABLE record_keys (
    incident_id INTEGER NOT NULL REFERENCES restricted_records(incident_id),
    slot        TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    sealed      TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    granted_by  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (incident_id, slot)
) STRICT;

-- The low-level concerns about one adult, restricted in the same way: their file holds the
-- concerns (and the adult's details); the vault keeps the adult.
CREATE TABLE restricted_concerns (
    person_id     INTEGER PRIMARY KEY REFERENCES people(id),
    file          TEXT NOT NULL UNIQUE,
    id_base       INTEGER NOT NULL UNIQUE,
    restricted_at TEXT NOT NULL,
    restricted_by INTEGER NOT NULL REFERENCES users(id),
    generation    INTEGER NOT NULL DEFAULT 1,
    rekey_due     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE concern_keys (
    person_id   INTEGER NOT NULL REFERENCES restricted_concerns(person_id),
    slot        TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    sealed      TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    granted_by  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (person_id, slot)
) STRICT;

-- The lowest id the next new row of a table may take, so that ids of rows moved into a
-- restricted record's file are never given to new rows (and the other way round).
CREATE TABLE id_floors (
    tbl   TEXT PRIMARY KEY,
    floor INTEGER NOT NULL
) STRICT;

-- The incident whose rows are being moved into its restricted file, inside that one
-- transaction: the only other way, besides a tombstone, its rows may leave.
CREATE TABLE moving_out (
    incident_id INTEGER PRIMARY KEY
) STRICT;

-- The same for concerns moving into a restricted file (the concerns about an adult, or those
-- recorded through a restricted incident's flow).
CREATE TABLE concerns_moving_out (
    concern_id INTEGER PRIMARY KEY
) STRICT;
DROP TRIGGER low_level_concerns_no_delete;
CREATE TRIGGER low_level_concerns_no_delete BEFORE DELETE ON low_level_concerns
WHEN NOT EXISTS (SELECT 1 FROM concern_tombstones WHERE concern_id = OLD.id)
 AND NOT EXISTS (SELECT 1 FROM concerns_moving_out WHERE concern_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

DROP TRIGGER incident_facts_no_delete;
CREATE TRIGGER incident_facts_no_delete BEFORE DELETE ON incident_facts
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER involvements_no_delete;
CREATE TRIGGER involvements_no_delete BEFORE DELETE ON involvements
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER flow_entries_no_delete;
CREATE TRIGGER flow_entries_no_delete BEFORE DELETE ON flow_entries
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER evidence_items_no_delete;
CREATE TRIGGER evidence_items_no_delete BEFORE DELETE ON evidence_items
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER device_reviews_no_delete;
CREATE TRIGGER device_reviews_no_delete BEFORE DELETE ON device_reviews
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER retention_reviews_no_delete;
CREATE TRIGGER retention_reviews_no_delete BEFORE DELETE ON retention_reviews
WHEN NOT EXISTS (SELECT 1 FROM tombstones WHERE incident_id = OLD.incident_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out WHERE incident_id = OLD.incident_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER custody_events_no_delete;
CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events
WHEN NOT EXISTS (SELECT 1 FROM tombstones t JOIN evidence_items e ON e.incident_id = t.incident_id
                 WHERE e.id = OLD.evidence_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out m JOIN evidence_items e ON e.incident_id = m.incident_id
                 WHERE e.id = OLD.evidence_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER evidence_digests_no_delete;
CREATE TRIGGER evidence_digests_no_delete BEFORE DELETE ON evidence_digests
WHEN NOT EXISTS (SELECT 1 FROM tombstones t JOIN evidence_items e ON e.incident_id = t.incident_id
                 WHERE e.id = OLD.evidence_id)
 AND NOT EXISTS (SELECT 1 FROM moving_out m JOIN evidence_items e ON e.incident_id = m.incident_id
                 WHERE e.id = OLD.evidence_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- The chair of governors joins the roles (a CHECK constraint changes no stored row).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''headteacher'')', '''headteacher'', ''chair'')')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;
"#;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9),
        M::up(V10),
    ])
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 10;

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
