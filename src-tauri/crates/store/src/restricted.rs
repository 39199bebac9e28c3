//! Restricted records: an incident only the users granted it can read.
//!
//! A restricted record lives in a database file of its own (`restricted/<random>.db` in the
//! vault folder), a SQLCipher database with the vault's schema keyed with a random 256-bit
//! record key. That key is sealed (X25519, HKDF-SHA256, XChaCha20-Poly1305, as the data key is
//! sealed to each user) to the box key of each user granted the record, and to the recovery key
//! so that the school's safe can still reach it. The vault database holds only the sealed
//! copies: a user who is not granted has the data key and every file, and still cannot read the
//! record's facts, people, entries, evidence, chronology or search text.
//!
//! What stays in the vault database: the record's identity row (reference, number, flow
//! version, who recorded it and when), with its projection emptied; its anonymous figures row,
//! so that the governor figures count it; and the audit entries made before it was restricted.
//! People named only in the record leave the vault database with it. The record's own audit
//! chain (its changes, and who opened or printed it) continues in its file, signed by the same
//! keys; Verify checks it for those granted.
//!
//! Removing someone from a record re-keys its file (`PRAGMA rekey`) under a new key sealed to
//! those who remain. Deleting rows leaves no trace in the vault database's pages: every
//! connection deletes securely, the search index is merged, and the log is checkpointed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use dsl_domain::vault::Role;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;
use x25519_dalek::StaticSecret;

use crate::audit::{self, Author};
use crate::keyslots::{new_data_key, random_bytes, DataKey, Sealed, SlotFile};
use crate::time::StoredTime;
use crate::vault::{open_db, slots_path};
use crate::{migrations, users, Result, StoreError, Vault};

/// The folder inside the vault folder that holds restricted records' files.
pub const RESTRICTED_DIR: &str = "restricted";
const RECOVERY_SLOT: &str = "recovery";
/// Each restricted file gives new people and evidence ids from its own range.
const ID_SPAN: i64 = 1 << 32;
const ONLY_EDITORS: &str = "only a DSL or deputy can restrict a record";

/// One restricted record the signed-in user holds: its open file and its key.
pub(crate) struct SealedRecord {
    pub(crate) conn: Connection,
    pub(crate) key: DataKey,
}

/// The restricted records the signed-in user holds, by incident.
pub(crate) type Held = BTreeMap<i64, SealedRecord>;

/// Who may read a restricted record, as the incident screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Restriction {
    pub restricted: bool,
    pub restricted_at: Option<DateTime<Utc>>,
    pub restricted_by: Option<String>,
    /// Every current vault user, granted or not.
    pub users: Vec<RestrictionUser>,
}

/// One vault user and whether they may read the record.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestrictionUser {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub granted: bool,
    /// The record names the member of staff this user is (left out of the offer).
    pub named: bool,
}

fn user_slot(user: i64) -> String {
    format!("user:{user}")
}

/// The label sealed into the key's derivation: the record, the generation and the holder.
fn seal_label(incident: i64, slot: &str) -> String {
    format!("record {incident} {slot}")
}

fn record_path(dir: &Path, file: &str) -> PathBuf {
    dir.join(RESTRICTED_DIR).join(file)
}

/// The vault's tables whose rows are the incident's content, in the order they are copied
/// (deleted in reverse), with how each names the incident.
const CONTENT: [(&str, &str); 8] = [
    ("incident_facts", "incident_id = ?1"),
    ("involvements", "incident_id = ?1"),
    ("flow_entries", "incident_id = ?1"),
    ("evidence_items", "incident_id = ?1"),
    (
        "custody_events",
        "evidence_id IN (SELECT id FROM evidence_items WHERE incident_id = ?1)",
    ),
    (
        "evidence_digests",
        "evidence_id IN (SELECT id FROM evidence_items WHERE incident_id = ?1)",
    ),
    ("device_reviews", "incident_id = ?1"),
    ("retention_reviews", "incident_id = ?1"),
];

/// People the incident names (in its people or its entries).
const NAMED_PEOPLE: &str = "SELECT person_id FROM involvements WHERE incident_id = ?1
     UNION SELECT person_id FROM flow_entries WHERE incident_id = ?1 AND person_id IS NOT NULL";

/// Copies the rows `select` returns from `from` into the same table of `to`; `conflict` is
/// appended to the insert (e.g. to skip rows already there).
fn copy_rows(
    from: &Connection,
    to: &Connection,
    table: &str,
    select: &str,
    args: impl rusqlite::Params,
    conflict: &str,
) -> Result<()> {
    let mut stmt = from.prepare(select)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let marks = vec!["?"; names.len()].join(", ");
    let mut insert = to.prepare(&format!(
        "INSERT INTO {table} ({}) VALUES ({marks}) {conflict}",
        names.join(", ")
    ))?;
    let mut rows = stmt.query(args)?;
    while let Some(r) = rows.next()? {
        let values: Vec<Value> = (0..names.len())
            .map(|i| r.get::<_, Value>(i))
            .collect::<rusqlite::Result<_>>()?;
        insert.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// Copies a restricted record's figures row into the vault without its lesson text (which is
/// the record's words, not a figure): the governor figures count it, the lessons offered for
/// the report never quote it.
fn copy_stat(record: &Connection, main: &Connection, incident: i64) -> Result<()> {
    let row: Option<(String, String)> = record
        .query_row(
            "SELECT reported_at, stat FROM incident_stats WHERE incident_id = ?1",
            [incident],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((reported_at, stat)) = row else {
        return Ok(());
    };
    let mut stat: dsl_domain::stats::IncidentStat =
        crate::columns::json::from_text(&stat, "an incident's figures")?;
    stat.events
        .retain(|e| !matches!(e, dsl_domain::stats::StatEvent::Lesson { .. }));
    let text = crate::columns::json::to_text(&stat, "an incident's figures")?;
    main.execute(
        "INSERT INTO incident_stats (incident_id, reported_at, stat) VALUES (?1, ?2, ?3)
         ON CONFLICT (incident_id) DO UPDATE SET reported_at = excluded.reported_at,
         stat = excluded.stat",
        params![incident, reported_at, text],
    )?;
    Ok(())
}

/// Brings a record file's copy of the vault's users and keys up to date, so that its entries
/// name their authors and its audit chain verifies against the vault's certified keys.
fn sync_directory(main: &Connection, record: &Connection) -> Result<()> {
    copy_rows(
        main,
        record,
        "users",
        "SELECT id, name, role, created_at, removed_at, person_id FROM users",
        [],
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
         removed_at = excluded.removed_at, person_id = excluded.person_id",
    )?;
    copy_rows(
        main,
        record,
        "founding_keys",
        "SELECT * FROM founding_keys",
        [],
        "ON CONFLICT DO NOTHING",
    )?;
    copy_rows(
        main,
        record,
        "user_keys",
        "SELECT * FROM user_keys",
        [],
        "ON CONFLICT DO NOTHING",
    )?;
    for key in [
        crate::settings::VAULT_ID,
        crate::settings::SCHOOL_NAME,
        crate::settings::SMALL_NUMBER_THRESHOLD,
        crate::settings::CONCERN_YEARS_AFTER_LEAVING,
    ] {
        if let Some(v) = crate::settings::get(main, key)? {
            crate::settings::put(record, key, &v)?;
        }
    }
    Ok(())
}

/// Opens a record's file with its key: its schema brought up to date, foreign keys not
/// enforced (the vault's users and people it refers to are partly elsewhere).
fn open_record(path: &Path, key: &DataKey, create: bool) -> Result<Connection> {
    let (mut conn, _) = open_db(path, Some(key), create)?;
    migrations::migrate(&mut conn)?;
    conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    Ok(conn)
}

/// The next id for a new row of `table`: above every id it holds and its floor.
pub(crate) fn next_id(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.query_row(
        &format!(
            "SELECT max(coalesce((SELECT max(id) FROM {table}), 0) + 1,
                        coalesce((SELECT floor FROM id_floors WHERE tbl = ?1), 0))"
        ),
        [table],
        |r| r.get(0),
    )?)
}

fn raise_floor(conn: &Connection, table: &str, floor: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO id_floors (tbl, floor) VALUES (?1, ?2)
         ON CONFLICT (tbl) DO UPDATE SET floor = max(floor, excluded.floor)",
        params![table, floor],
    )?;
    Ok(())
}

/// The newest box key of each user (the one their slot holds now).
fn box_key(conn: &Connection, user: i64) -> Result<String> {
    conn.query_row(
        "SELECT box_key FROM user_keys WHERE user_id = ?1 ORDER BY rowid DESC LIMIT 1",
        [user],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// Seals `key` for `slot` (a user or the recovery key) and stores it.
#[allow(clippy::too_many_arguments)]
fn store_sealed(
    conn: &Connection,
    vault_id: &str,
    incident: i64,
    generation: u32,
    slot: &str,
    user: Option<i64>,
    box_key: &str,
    key: &DataKey,
    author: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let sealed = Sealed::seal(
        vault_id,
        generation,
        &seal_label(incident, slot),
        box_key,
        key,
    )?;
    let text = serde_json::to_string(&sealed).map_err(|_| StoreError::Crypto)?;
    conn.execute(
        "INSERT INTO record_keys (incident_id, slot, user_id, sealed, granted_at, granted_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (incident_id, slot) DO UPDATE SET sealed = excluded.sealed",
        params![incident, slot, user, text, StoredTime(now), author],
    )?;
    Ok(())
}

/// Opens every restricted record sealed to `user`, with their box secret. A record whose file
/// cannot be opened is left out (and said once on stderr, without naming it).
pub(crate) fn open_held(
    main: &Connection,
    dir: &Path,
    vault_id: &str,
    user: i64,
    secret: &StaticSecret,
) -> Result<Held> {
    let mut stmt = main.prepare(
        "SELECT r.incident_id, r.file, k.sealed FROM restricted_records r
         JOIN record_keys k ON k.incident_id = r.incident_id AND k.slot = ?1",
    )?;
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([user_slot(user)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut held = Held::new();
    for (incident, file, sealed) in rows {
        let key = serde_json::from_str::<Sealed>(&sealed)
            .ok()
            .and_then(|s| s.open(vault_id, secret));
        let opened = key.ok_or(StoreError::Crypto).and_then(|key| {
            let conn = open_record(&record_path(dir, &file), &key, false)?;
            sync_directory(main, &conn)?;
            Ok(SealedRecord { conn, key })
        });
        match opened {
            Ok(r) => {
                held.insert(incident, r);
            }
            Err(_) => eprintln!("a restricted record could not be opened with your key"),
        }
    }
    Ok(held)
}

/// Reseals to `user`'s new box key every record key sealed to them, opening each with the
/// recovery key (a passphrase replaced with the recovery key gives the user new keys).
pub(crate) fn reseal_after_recovery(
    main: &Connection,
    vault_id: &str,
    user: i64,
    recovery: &StaticSecret,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut stmt = main.prepare(
        "SELECT k.incident_id, r.generation, k.sealed FROM record_keys k
         JOIN restricted_records r ON r.incident_id = k.incident_id
         WHERE k.slot = ?1
           AND EXISTS (SELECT 1 FROM record_keys u WHERE u.incident_id = k.incident_id
                       AND u.slot = ?2)",
    )?;
    let rows: Vec<(i64, u32, String)> = stmt
        .query_map(params![RECOVERY_SLOT, user_slot(user)], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let public = box_key(main, user)?;
    for (incident, generation, sealed) in rows {
        let Some(key) = serde_json::from_str::<Sealed>(&sealed)
            .ok()
            .and_then(|s| s.open(vault_id, recovery))
        else {
            continue;
        };
        store_sealed(
            main,
            vault_id,
            incident,
            generation,
            &user_slot(user),
            Some(user),
            &public,
            &key,
            user,
            now,
        )?;
    }
    Ok(())
}

/// Whether the incident is restricted.
pub(crate) fn is_restricted(conn: &Connection, incident: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM restricted_records WHERE incident_id = ?1",
            [incident],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Not found unless the database holds the incident.
fn exists(conn: &Connection, incident: i64) -> Result<()> {
    conn.query_row("SELECT 1 FROM incidents WHERE id = ?1", [incident], |_| {
        Ok(())
    })
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// Vault users whose linked member of staff the incident names.
fn named_users(record: &Connection, main: &Connection, incident: i64) -> Result<Vec<i64>> {
    let named: Vec<i64> = record
        .prepare(NAMED_PEOPLE)?
        .query_map([incident], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt =
        main.prepare("SELECT id FROM users WHERE person_id = ?1 AND removed_at IS NULL")?;
    let mut out = Vec::new();
    for p in named {
        for u in stmt.query_map([p], |r| r.get::<_, i64>(0))? {
            out.push(u?);
        }
    }
    Ok(out)
}

impl Vault {
    /// The database an incident's content is in: its restricted file when the signed-in user
    /// holds it, the vault otherwise. Not found when it is restricted and not held, or when the
    /// user sees only records granted to them and this one is not.
    pub(crate) fn db(&self, incident: i64) -> Result<&Connection> {
        if let Some(r) = self.held.get(&incident) {
            return Ok(&r.conn);
        }
        if is_restricted(&self.conn, incident)? || self.role()?.sees_only_granted() {
            return Err(StoreError::NotFound);
        }
        Ok(&self.conn)
    }

    /// Refuses a change to an incident unless the signed-in user is a DSL or deputy, or the
    /// chair of governors holding this restricted record (the case manager's decisions).
    pub(crate) fn require_case_editor(&self, incident: i64) -> Result<()> {
        self.require_in_place()?;
        let role = self.role()?;
        if role.can_edit() || (role == Role::Chair && self.held.contains_key(&incident)) {
            Ok(())
        } else {
            Err(StoreError::NotPermitted(
                "only a DSL or deputy can change records",
            ))
        }
    }

    /// The databases whose incidents the signed-in user may list: the vault (unless they see
    /// only what is granted to them) and each restricted record they hold.
    pub(crate) fn readable(&self) -> Result<Vec<&Connection>> {
        let mut out = Vec::with_capacity(self.held.len() + 1);
        if !self.role()?.sees_only_granted() {
            out.push(&self.conn);
        }
        out.extend(self.held.values().map(|r| &r.conn));
        Ok(out)
    }

    /// After a change to an incident: a restricted one's figures row is copied into the vault,
    /// so that the governor figures still count it.
    pub(crate) fn after_change(&self, incident: i64) -> Result<()> {
        if let Some(r) = self.held.get(&incident) {
            copy_stat(&r.conn, &self.conn, incident)?;
        }
        Ok(())
    }

    /// Who may read the incident, and every user who could be granted it.
    pub fn restriction(&self, incident: i64) -> Result<Restriction> {
        let record = self.db(incident)?;
        exists(record, incident)?;
        let row: Option<(StoredTime, String)> = self
            .conn
            .query_row(
                "SELECT r.restricted_at, u.name FROM restricted_records r
                 JOIN users u ON u.id = r.restricted_by WHERE r.incident_id = ?1",
                [incident],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let granted: Vec<i64> = self
            .conn
            .prepare(
                "SELECT user_id FROM record_keys WHERE incident_id = ?1 AND user_id IS NOT NULL",
            )?
            .query_map([incident], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let named = named_users(record, &self.conn, incident)?;
        let users = users::list(&self.conn)?
            .into_iter()
            .map(|u| RestrictionUser {
                granted: if row.is_some() {
                    granted.contains(&u.id)
                } else {
                    u.role.can_edit()
                },
                named: named.contains(&u.id),
                id: u.id,
                name: u.name,
                role: u.role,
            })
            .collect();
        Ok(Restriction {
            restricted: row.is_some(),
            restricted_at: row.as_ref().map(|r| r.0 .0),
            restricted_by: row.map(|r| r.1),
            users,
        })
    }

    /// Restricts an incident to `granted` (the signed-in user always among them): its content
    /// moves into a file of its own under a new key sealed to each of them and the recovery key.
    pub fn restrict(&mut self, incident: i64, granted: &[i64], now: DateTime<Utc>) -> Result<()> {
        self.require_editor(ONLY_EDITORS)?;
        if is_restricted(&self.conn, incident)? {
            return self.set_grants(incident, granted, now);
        }
        exists(&self.conn, incident)?;
        let record_users = self.grantees(granted)?;
        let slots = SlotFile::read(&slots_path(&self.dir))?;
        let index: i64 = self.conn.query_row(
            "SELECT coalesce(max(id_base), 0) / ?1 + 1 FROM restricted_records",
            [ID_SPAN],
            |r| r.get(0),
        )?;
        let file = format!("{}.db", hex::encode(random_bytes::<12>()));
        std::fs::create_dir_all(self.dir.join(RESTRICTED_DIR))?;
        let path = record_path(&self.dir, &file);
        let key = new_data_key();
        let made = self.fill_record(&path, &key, incident, index * ID_SPAN, now);
        let conn = match made {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                return Err(e);
            }
        };
        if let Err(e) = self.move_out(
            &conn,
            incident,
            &file,
            index * ID_SPAN,
            &record_users,
            &slots,
            &key,
            now,
        ) {
            drop(conn);
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        // The log would still hold the pages as they were before the move.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        self.held.insert(incident, SealedRecord { conn, key });
        Ok(())
    }

    /// The users a record is granted to: those chosen, and the signed-in user.
    fn grantees(&self, granted: &[i64]) -> Result<Vec<i64>> {
        let current = users::list(&self.conn)?;
        let mut out = vec![self.user_id];
        for id in granted {
            if !current.iter().any(|u| u.id == *id) {
                return Err(StoreError::NotFound);
            }
            if !out.contains(id) {
                out.push(*id);
            }
        }
        Ok(out)
    }

    /// Writes the record's file: the schema, the vault's users and keys, the incident and every
    /// row of its content, the people it names, and the first entry of its own audit chain.
    fn fill_record(
        &self,
        path: &Path,
        key: &DataKey,
        incident: i64,
        id_base: i64,
        now: DateTime<Utc>,
    ) -> Result<Connection> {
        let record = open_record(path, key, true)?;
        let main = &self.conn;
        let tx = record.unchecked_transaction()?;
        sync_directory(main, &tx)?;
        copy_rows(
            main,
            &tx,
            "incidents",
            "SELECT * FROM incidents WHERE id = ?1",
            [incident],
            "",
        )?;
        copy_rows(
            main,
            &tx,
            "people",
            &format!("SELECT * FROM people WHERE id IN ({NAMED_PEOPLE})"),
            [incident],
            "",
        )?;
        copy_rows(
            main,
            &tx,
            "staff_details",
            &format!("SELECT * FROM staff_details WHERE person_id IN ({NAMED_PEOPLE})"),
            [incident],
            "",
        )?;
        for (table, cond) in CONTENT {
            copy_rows(
                main,
                &tx,
                table,
                &format!("SELECT * FROM {table} WHERE {cond}"),
                [incident],
                "",
            )?;
        }
        copy_rows(
            main,
            &tx,
            "incident_stats",
            "SELECT * FROM incident_stats WHERE incident_id = ?1",
            [incident],
            "",
        )?;
        let text: Option<String> = main
            .query_row(
                "SELECT text FROM incident_search WHERE rowid = ?1",
                [incident],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(text) = text {
            tx.execute(
                "INSERT INTO incident_search (rowid, text) VALUES (?1, ?2)",
                params![incident, text],
            )?;
        }
        raise_floor(&tx, "people", id_base)?;
        raise_floor(&tx, "evidence_items", id_base)?;
        // The record's own chain begins here (the vault's chain says who restricted it).
        audit::record(
            &tx,
            now,
            &self.author(),
            "incident.sealed",
            "incident",
            &incident.to_string(),
        )?;
        tx.commit()?;
        Ok(record)
    }

    /// Takes the incident's content out of the vault database, leaving its identity and
    /// figures, and stores who may read it.
    #[allow(clippy::too_many_arguments)]
    fn move_out(
        &mut self,
        record: &Connection,
        incident: i64,
        file: &str,
        id_base: i64,
        grantees: &[i64],
        slots: &SlotFile,
        key: &DataKey,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let vault_id = self.vault_id.clone();
        let author = self.author_owned();
        let tx = self.conn.transaction()?;
        let named: Vec<i64> = tx
            .prepare(NAMED_PEOPLE)?
            .query_map([incident], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let top = |table: &str, cond: &str| -> Result<i64> {
            Ok(tx.query_row(
                &format!("SELECT coalesce(max(id), 0) + 1 FROM {table} WHERE {cond}"),
                [incident],
                |r| r.get(0),
            )?)
        };
        let people_top = top("people", &format!("id IN ({NAMED_PEOPLE})"))?;
        let evidence_top = top("evidence_items", "incident_id = ?1")?;
        raise_floor(&tx, "people", people_top)?;
        raise_floor(&tx, "evidence_items", evidence_top)?;
        tx.execute(
            "INSERT INTO moving_out (incident_id) VALUES (?1)",
            [incident],
        )?;
        for (table, cond) in CONTENT.iter().rev() {
            tx.execute(&format!("DELETE FROM {table} WHERE {cond}"), [incident])?;
        }
        tx.execute("DELETE FROM moving_out WHERE incident_id = ?1", [incident])?;
        tx.execute("DELETE FROM incident_search WHERE rowid = ?1", [incident])?;
        tx.execute(
            "INSERT INTO incident_search (incident_search) VALUES ('optimize')",
            [],
        )?;
        for person in named {
            let used: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM involvements WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM flow_entries WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM low_level_concerns WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM users WHERE person_id = ?1)
                     OR EXISTS (SELECT 1 FROM transfers WHERE person_id = ?1)",
                [person],
                |r| r.get(0),
            )?;
            if !used {
                tx.execute("DELETE FROM staff_details WHERE person_id = ?1", [person])?;
                tx.execute("DELETE FROM people WHERE id = ?1", [person])?;
                // The chain records that the person left with the record (Verify then finds
                // them gone as it should).
                audit::record(
                    &tx,
                    now,
                    &Author {
                        user: author.0,
                        key: &author.1,
                    },
                    "person.restricted",
                    "person",
                    &person.to_string(),
                )?;
            }
        }
        copy_stat(record, &tx, incident)?;
        tx.execute(
            "UPDATE incidents SET status = 'restricted', mark = NULL, occurred_at = created_at,
                    activity_type = '', risk_area = '', summary = '', people_names = '[]',
                    current_step = '', due = NULL
             WHERE id = ?1",
            [incident],
        )?;
        tx.execute(
            "INSERT INTO restricted_records (incident_id, file, id_base, restricted_at, restricted_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![incident, file, id_base, StoredTime(now), author.0],
        )?;
        for user in grantees {
            let public = box_key(&tx, *user)?;
            store_sealed(
                &tx,
                &vault_id,
                incident,
                1,
                &user_slot(*user),
                Some(*user),
                &public,
                key,
                author.0,
                now,
            )?;
        }
        store_sealed(
            &tx,
            &vault_id,
            incident,
            1,
            RECOVERY_SLOT,
            None,
            &slots.recovery.box_key,
            key,
            author.0,
            now,
        )?;
        audit::record(
            &tx,
            now,
            &Author {
                user: author.0,
                key: &author.1,
            },
            "incident.restricted",
            "incident",
            &incident.to_string(),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn author_owned(&self) -> (i64, ed25519_dalek::SigningKey) {
        (self.user_id, self.signer.clone())
    }

    /// Changes who may read a restricted record. Adding someone seals its key to them;
    /// removing anyone re-keys the record's file under a new key sealed to those who remain.
    pub fn set_grants(&mut self, incident: i64, granted: &[i64], now: DateTime<Utc>) -> Result<()> {
        self.require_editor(ONLY_EDITORS)?;
        let wanted = self.grantees(granted)?;
        self.regrant(incident, &wanted, false, now)
    }

    /// Seals the record's key to `wanted`; re-keys its file first when anyone who held it is
    /// left out, or when `rekey` asks for it.
    fn regrant(
        &mut self,
        incident: i64,
        wanted: &[i64],
        rekey: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let held = self.held.get(&incident).ok_or(StoreError::NotFound)?;
        let before: Vec<i64> = self
            .conn
            .prepare(
                "SELECT user_id FROM record_keys WHERE incident_id = ?1 AND user_id IS NOT NULL",
            )?
            .query_map([incident], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let removed = rekey || before.iter().any(|u| !wanted.contains(u));
        let slots = SlotFile::read(&slots_path(&self.dir))?;
        let generation: u32 = self.conn.query_row(
            "SELECT generation FROM restricted_records WHERE incident_id = ?1",
            [incident],
            |r| r.get(0),
        )?;
        let (key, generation) = if removed {
            let key = new_data_key();
            let pragma = zeroize::Zeroizing::new(format!(
                "PRAGMA rekey = \"{}\";",
                crate::vault::raw_key(&key).as_str()
            ));
            held.conn.execute_batch(&pragma)?;
            (key, generation + 1)
        } else {
            (held.key.clone(), generation)
        };
        let vault_id = self.vault_id.clone();
        let author = self.author_owned();
        let tx = self.conn.transaction()?;
        if removed {
            tx.execute("DELETE FROM record_keys WHERE incident_id = ?1", [incident])?;
            tx.execute(
                "UPDATE restricted_records SET generation = ?2, rekey_due = 0 WHERE incident_id = ?1",
                params![incident, generation],
            )?;
            store_sealed(
                &tx,
                &vault_id,
                incident,
                generation,
                RECOVERY_SLOT,
                None,
                &slots.recovery.box_key,
                &key,
                author.0,
                now,
            )?;
        }
        for user in wanted {
            if removed || !before.contains(user) {
                let public = box_key(&tx, *user)?;
                store_sealed(
                    &tx,
                    &vault_id,
                    incident,
                    generation,
                    &user_slot(*user),
                    Some(*user),
                    &public,
                    &key,
                    author.0,
                    now,
                )?;
            }
        }
        audit::record(
            &tx,
            now,
            &Author {
                user: author.0,
                key: &author.1,
            },
            "incident.access_changed",
            "incident",
            &incident.to_string(),
        )?;
        tx.commit()?;
        if let Some(h) = self.held.get_mut(&incident) {
            h.key = key;
            if removed {
                audit::record(
                    &h.conn,
                    now,
                    &Author {
                        user: author.0,
                        key: &author.1,
                    },
                    "incident.rekeyed",
                    "incident",
                    &incident.to_string(),
                )?;
            }
        }
        Ok(())
    }

    fn holders(&self, incident: i64, except: Option<i64>) -> Result<Vec<i64>> {
        Ok(self
            .conn
            .prepare("SELECT user_id FROM record_keys WHERE incident_id = ?1 AND user_id IS NOT NULL AND user_id IS NOT ?2")?
            .query_map(params![incident, except], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Takes a removed user out of every restricted record: the records the signed-in user
    /// holds are re-keyed now; the others are marked to be re-keyed by the next holder to sign in.
    pub(crate) fn ungrant_removed(&mut self, user: i64, now: DateTime<Utc>) -> Result<()> {
        let records: Vec<i64> = self
            .conn
            .prepare("SELECT incident_id FROM record_keys WHERE slot = ?1")?
            .query_map([user_slot(user)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for incident in records {
            if self.held.contains_key(&incident) {
                let keep = self.holders(incident, Some(user))?;
                self.regrant(incident, &keep, true, now)?;
            } else {
                self.conn.execute(
                    "DELETE FROM record_keys WHERE incident_id = ?1 AND slot = ?2",
                    params![incident, user_slot(user)],
                )?;
                self.conn.execute(
                    "UPDATE restricted_records SET rekey_due = 1 WHERE incident_id = ?1",
                    [incident],
                )?;
            }
        }
        Ok(())
    }

    /// Re-keys the held records someone was removed from while no holder was signed in.
    pub(crate) fn finish_record_rekeys(&mut self, now: DateTime<Utc>) -> Result<()> {
        if !self.role()?.can_edit() {
            return Ok(());
        }
        let due: Vec<i64> = self
            .conn
            .prepare("SELECT incident_id FROM restricted_records WHERE rekey_due = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let due: Vec<i64> = due
            .into_iter()
            .filter(|i| self.held.contains_key(i))
            .collect();
        for incident in due {
            let keep = self.holders(incident, None)?;
            self.regrant(incident, &keep, true, now)?;
        }
        Ok(())
    }

    /// Deletes a destroyed restricted record's file (its keys and entry are gone already).
    pub(crate) fn remove_record_file(&mut self, incident: i64) -> Result<()> {
        let Some(record) = self.held.remove(&incident) else {
            return Ok(());
        };
        let path = record
            .conn
            .path()
            .map(PathBuf::from)
            .ok_or(StoreError::Corrupt(
                "a restricted record's file has no path",
            ))?;
        drop(record);
        for p in [
            path.clone(),
            PathBuf::from(format!("{}-wal", path.display())),
            PathBuf::from(format!("{}-shm", path.display())),
        ] {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Verifies each held record's own audit chain; the first broken one is reported.
    pub(crate) fn verify_held(&self) -> Result<Option<dsl_domain::vault::AuditCheck>> {
        for r in self.held.values() {
            sync_directory(&self.conn, &r.conn)?;
            let check = audit::verify(&r.conn, &self.vault_id, &|_, _| {})?;
            if check.broken.is_some() {
                return Ok(Some(check));
            }
        }
        Ok(None)
    }
}

impl Drop for SealedRecord {
    /// Folds the record's log into its file when it closes, as the vault's own connection does.
    fn drop(&mut self) {
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}

impl Vault {
    /// Every restricted record's file, for a backup: those the signed-in user holds as a
    /// consistent copy, the others as they are on disk (encrypted under keys they do not hold).
    pub(crate) fn record_files(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let rows: Vec<(i64, String)> = self
            .conn
            .prepare("SELECT incident_id, file FROM restricted_records ORDER BY incident_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (incident, file) in rows {
            let path = record_path(&self.dir, &file);
            let bytes = match self.held.get(&incident) {
                Some(r) => {
                    let snapshot = self.dir.join(RESTRICTED_DIR).join("backup-snapshot.db");
                    let _ = std::fs::remove_file(&snapshot);
                    let copied = crate::vault::export_copy(&r.conn, &r.key, &snapshot)
                        .and_then(|()| Ok(std::fs::read(&snapshot)?));
                    let _ = std::fs::remove_file(&snapshot);
                    copied?
                }
                None => std::fs::read(&path)?,
            };
            out.push((file, bytes));
        }
        Ok(out)
    }

    /// True when every restricted record the vault lists has its file beside it.
    pub(crate) fn record_files_present(&self) -> Result<bool> {
        let files: Vec<String> = self
            .conn
            .prepare("SELECT file FROM restricted_records")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(files.iter().all(|f| record_path(&self.dir, f).is_file()))
    }
}

/// Moves a restored copy's restricted records' folder into the vault folder. A folder already
/// there (left by another vault) is kept under another name, never deleted.
pub(crate) fn move_record_files(staging: &Path, dir: &Path) -> Result<()> {
    let from = staging.join(RESTRICTED_DIR);
    if !from.is_dir() {
        return Ok(());
    }
    let to = dir.join(RESTRICTED_DIR);
    if to.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
        std::fs::rename(
            &to,
            dir.join(format!("{RESTRICTED_DIR}-before-restore-{stamp}")),
        )?;
    }
    std::fs::rename(&from, &to)?;
    Ok(())
}
