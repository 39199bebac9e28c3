//! Restricted records: an incident, or the low-level concerns about one adult, that only the
//! users granted it can read.
//!
//! A restricted record lives in a database file of its own (`restricted/<random>.db` in the
//! vault folder), a SQLCipher database with the vault's schema keyed with a random 256-bit
//! record key. That key is sealed (X25519, HKDF-SHA256, XChaCha20-Poly1305, as the data key is
//! sealed to each user) to the box key of each user granted the record, and to the recovery key
//! so that the school's safe can still reach it. The vault database holds only the sealed
//! copies: a user who is not granted has the data key and every file, and still cannot read the
//! record's facts, people, entries, evidence, concerns, chronology or search text.
//!
//! What stays in the vault database for an incident: its identity row (reference, number, flow
//! version, who recorded it and when), with its projection emptied; its anonymous figures row
//! (without lesson text), so that the governor figures count it; and the audit entries made
//! before it was restricted. People named only in the record leave the vault database with it,
//! as do the concerns recorded through its flow. For the concerns about an adult, the vault
//! keeps the adult. Each file's own audit chain (its changes, and who opened or printed it)
//! continues in it, signed by the same keys; Verify checks it for those granted.
//!
//! Removing someone from a record re-keys its file (`PRAGMA rekey`) under a new key sealed to
//! those who remain. Deleting rows leaves no trace in the vault database's pages: every
//! connection deletes securely, the search index is merged, and the log is checkpointed.
//!
//! - [`incident`]: restricting an incident, and who may read it;
//! - [`concerns`]: restricting the concerns about an adult.

mod concerns;
mod incident;

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
use crate::keyslots::{new_data_key, random_bytes, DataKey, RecordSeal, Sealed, SlotFile};
use crate::time::StoredTime;
use crate::vault::{open_db, slots_path};
use crate::{migrations, users, Result, StoreError, Vault};

/// The folder inside the vault folder that holds restricted records' files.
pub const RESTRICTED_DIR: &str = "restricted";
const RECOVERY_SLOT: &str = "recovery";
/// A key sealed while its file is being re-keyed: kept beside the old one until the file is
/// under the new key, so that a failure between leaves one of them opening it.
const NEXT: &str = "#next";
/// Each restricted file gives new people, evidence and concern ids from its own range.
const ID_SPAN: i64 = 1 << 32;
const ONLY_EDITORS: &str = "only a DSL or deputy can restrict a record";

/// What a restricted file holds, and the vault's tables that list such files and their keys.
pub(crate) struct Kind {
    records: &'static str,
    keys: &'static str,
    /// The column naming what is restricted (an incident, or the adult the concerns are about).
    subject: &'static str,
    label: &'static str,
}

/// An incident.
pub(crate) const INCIDENT: Kind = Kind {
    records: "restricted_records",
    keys: "record_keys",
    subject: "incident_id",
    label: "record",
};

/// The low-level concerns about one adult.
pub(crate) const CONCERNS: Kind = Kind {
    records: "restricted_concerns",
    keys: "concern_keys",
    subject: "person_id",
    label: "concerns",
};

const KINDS: [&Kind; 2] = [&INCIDENT, &CONCERNS];

/// One restricted file the signed-in user holds: its open connection and its key.
pub(crate) struct SealedRecord {
    pub(crate) conn: Connection,
    pub(crate) key: DataKey,
}

/// The restricted files the signed-in user holds, by what they restrict.
pub(crate) type Held = BTreeMap<i64, SealedRecord>;

/// Who may read a restricted record, as the incident and concern screens show it.
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

/// The label sealed into the key's derivation: what is restricted and who holds the key.
fn seal_label(kind: &Kind, subject: i64, slot: &str) -> String {
    format!("{} {subject} {slot}", kind.label)
}

fn record_path(dir: &Path, file: &str) -> PathBuf {
    dir.join(RESTRICTED_DIR).join(file)
}

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
    // Read whole before writing: both connections may be on one file (a session opened
    // through a restricted file), and a read left open would block the write.
    let mut all: Vec<Vec<Value>> = Vec::new();
    let mut rows = stmt.query(args)?;
    while let Some(r) = rows.next()? {
        all.push(
            (0..names.len())
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<_>>()?,
        );
    }
    drop(rows);
    drop(stmt);
    let mut insert = to.prepare(&format!(
        "INSERT INTO {table} ({}) VALUES ({marks}) {conflict}",
        names.join(", ")
    ))?;
    for values in all {
        insert.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// Copies a restricted record's figures row into the vault without its lesson text or the words
/// of a filtering change (the record's words, not figures): the governor figures count it, the
/// lessons offered for the report never quote it, and a change it records is listed by its
/// date and roles only.
/// What the vault keeps of a filtering change recorded in a restricted record.
pub(crate) const RESTRICTED_CHANGE: &str =
    "A change recorded in a restricted record (its description is kept there).";

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
    for e in &mut stat.events {
        if let dsl_domain::stats::StatEvent::FilteringChange { what, .. } = e {
            *what = RESTRICTED_CHANGE.to_string();
        }
    }
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
        crate::settings::IDLE_MINUTES,
        crate::settings::DEMO,
        crate::settings::BACKUP_REMINDER_DAYS,
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
    // A rollback journal, not a log: every commit is in the file itself, so a copy of the file
    // (a backup made by someone who does not hold it) is always whole and under its key.
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::Corrupt("journal mode could not be set"));
    }
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

/// Gives a new file its own ranges of ids: new people and evidence from its floor, new
/// concerns (an AUTOINCREMENT table) from its sequence.
fn give_id_range(conn: &Connection, base: i64) -> Result<()> {
    raise_floor(conn, "people", base)?;
    raise_floor(conn, "evidence_items", base)?;
    let updated = conn.execute(
        "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'low_level_concerns'",
        [base],
    )?;
    if updated == 0 {
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('low_level_concerns', ?1)",
            [base],
        )?;
    }
    Ok(())
}

/// The base of the ids the next restricted file gives, of either kind.
fn next_id_base(conn: &Connection) -> Result<i64> {
    let top: i64 = conn.query_row(
        "SELECT max(coalesce((SELECT max(id_base) FROM restricted_records), 0),
                    coalesce((SELECT max(id_base) FROM restricted_concerns), 0))",
        [],
        |r| r.get(0),
    )?;
    Ok((top / ID_SPAN + 1) * ID_SPAN)
}

/// The newest box key of a user (the one their slot holds now).
fn box_key(conn: &Connection, user: i64) -> Result<String> {
    conn.query_row(
        "SELECT box_key FROM user_keys WHERE user_id = ?1 ORDER BY rowid DESC LIMIT 1",
        [user],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// Who seals a key, and when.
#[derive(Clone, Copy)]
struct Sealing<'a> {
    vault_id: &'a str,
    author: i64,
    now: DateTime<Utc>,
}

/// Seals `key` for `slot` (a user, or the recovery key with `user` none) and stores it.
fn store_sealed(
    conn: &Connection,
    kind: &Kind,
    subject: (i64, u32),
    holder: (&str, Option<i64>, &str),
    key: &DataKey,
    by: Sealing<'_>,
) -> Result<()> {
    let (id, generation) = subject;
    let (row_slot, user, public) = holder;
    let slot = row_slot.strip_suffix(NEXT).unwrap_or(row_slot);
    let sealed = Sealed::seal(
        by.vault_id,
        generation,
        &seal_label(kind, id, slot),
        public,
        key,
    )?;
    let text = serde_json::to_string(&sealed).map_err(|_| StoreError::Crypto)?;
    conn.execute(
        &format!(
            "INSERT INTO {} ({}, slot, user_id, sealed, granted_at, granted_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT ({}, slot) DO UPDATE SET sealed = excluded.sealed",
            kind.keys, kind.subject, kind.subject
        ),
        params![id, row_slot, user, text, StoredTime(by.now), by.author],
    )?;
    Ok(())
}

/// Seals a new key for `wanted` and the recovery key (their old copies are replaced).
#[allow(clippy::too_many_arguments)]
fn seal_for_all(
    conn: &Connection,
    kind: &Kind,
    subject: (i64, u32),
    wanted: &[i64],
    recovery: &str,
    key: &DataKey,
    by: Sealing<'_>,
    pending: bool,
) -> Result<()> {
    let suffix = if pending { NEXT } else { "" };
    for user in wanted {
        let public = box_key(conn, *user)?;
        store_sealed(
            conn,
            kind,
            subject,
            (
                &format!("{}{suffix}", user_slot(*user)),
                Some(*user),
                &public,
            ),
            key,
            by,
        )?;
    }
    store_sealed(
        conn,
        kind,
        subject,
        (&format!("{RECOVERY_SLOT}{suffix}"), None, recovery),
        key,
        by,
    )
}

/// Records a newly restricted file in the vault, inside the caller's transaction: its row, its
/// key sealed to `grantees` and the recovery key, and the signed entry saying who restricted it.
#[allow(clippy::too_many_arguments)]
fn record_restriction(
    tx: &Connection,
    kind: &Kind,
    subject: i64,
    (file, base): (&str, i64),
    grantees: &[i64],
    recovery: &str,
    key: &DataKey,
    (vault_id, author, signer): (&str, i64, &ed25519_dalek::SigningKey),
    (action, record_kind): (&str, &str),
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO {} ({}, file, id_base, restricted_at, restricted_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            kind.records, kind.subject
        ),
        params![subject, file, base, StoredTime(now), author],
    )?;
    seal_for_all(
        tx,
        kind,
        (subject, 1),
        grantees,
        recovery,
        key,
        Sealing {
            vault_id,
            author,
            now,
        },
        false,
    )?;
    audit::record(
        tx,
        now,
        &Author {
            user: author,
            key: signer,
        },
        action,
        record_kind,
        &subject.to_string(),
    )
}

/// The restricted files of `kind` whose keys are sealed to `slot` (or, with `pending`, also
/// those sealed to it for a re-key not yet finished).
fn sealed_to(conn: &Connection, kind: &Kind, slot: &str, pending: bool) -> Result<Vec<i64>> {
    let slots = if pending {
        format!("(?1, ?1 || '{NEXT}')")
    } else {
        "(?1)".to_string()
    };
    Ok(conn
        .prepare(&format!(
            "SELECT DISTINCT {} FROM {} WHERE slot IN {slots}",
            kind.subject, kind.keys
        ))?
        .query_map([slot], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Opens every restricted file of `kind` sealed to `user`, with their box secret. A file that
/// cannot be opened is left out (and said once on stderr, without naming it).
fn open_kind(
    main: &Connection,
    dir: &Path,
    vault_id: &str,
    user: i64,
    secret: &StaticSecret,
    kind: &Kind,
) -> Result<Held> {
    // The key sealed to the user, and any sealed for a re-key that did not finish: whichever
    // the file is under opens it.
    let mut stmt = main.prepare(&format!(
        "SELECT r.{s}, r.file, k.sealed FROM {} r
         JOIN {} k ON k.{s} = r.{s} AND k.slot IN (?1, ?1 || '{NEXT}')
         ORDER BY r.{s}, k.slot",
        kind.records,
        kind.keys,
        s = kind.subject
    ))?;
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([user_slot(user)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut held = Held::new();
    let mut failed = Vec::new();
    for (subject, file, sealed) in rows {
        if held.contains_key(&subject) {
            continue;
        }
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
                held.insert(subject, r);
            }
            Err(_) => failed.push(subject),
        }
    }
    if failed.iter().any(|s| !held.contains_key(s)) {
        eprintln!("a restricted record could not be opened with your key");
    }
    Ok(held)
}

/// Reseals to `user`'s new box key every key sealed to them, opening each with the recovery
/// key (a passphrase replaced with the recovery key gives the user new keys).
pub(crate) fn reseal_after_recovery(
    main: &Connection,
    vault_id: &str,
    user: i64,
    recovery: &StaticSecret,
    now: DateTime<Utc>,
) -> Result<()> {
    let public = box_key(main, user)?;
    for kind in KINDS {
        let mut stmt = main.prepare(&format!(
            "SELECT k.{s}, r.generation, k.sealed FROM {keys} k
             JOIN {records} r ON r.{s} = k.{s}
             WHERE k.slot = ?1
               AND EXISTS (SELECT 1 FROM {keys} u WHERE u.{s} = k.{s} AND u.slot = ?2)",
            keys = kind.keys,
            records = kind.records,
            s = kind.subject
        ))?;
        let rows: Vec<(i64, u32, String)> = stmt
            .query_map(params![RECOVERY_SLOT, user_slot(user)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (subject, generation, sealed) in rows {
            let Some(key) = serde_json::from_str::<Sealed>(&sealed)
                .ok()
                .and_then(|s| s.open(vault_id, recovery))
            else {
                continue;
            };
            store_sealed(
                main,
                kind,
                (subject, generation),
                (&user_slot(user), Some(user), &public),
                &key,
                Sealing {
                    vault_id,
                    author: user,
                    now,
                },
            )?;
        }
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

/// A fresh file for a restricted record, with the vault's schema, users, keys and settings,
/// and its own ranges of ids.
fn new_file(
    main: &Connection,
    dir: &Path,
    key: &DataKey,
    base: i64,
) -> Result<(String, Connection)> {
    let file = format!("{}.db", hex::encode(random_bytes::<12>()));
    std::fs::create_dir_all(dir.join(RESTRICTED_DIR))?;
    let path = record_path(dir, &file);
    let made = (|| {
        let conn = open_record(&path, key, true)?;
        sync_directory(main, &conn)?;
        give_id_range(&conn, base)?;
        Ok(conn)
    })();
    match made {
        Ok(conn) => Ok((file, conn)),
        Err(e) => {
            remove_files(&path);
            Err(e)
        }
    }
}

/// Removes a record's file and its journals, as far as it can (a failed restriction).
fn remove_files(path: &Path) {
    for p in journals(path) {
        let _ = crate::files::remove_file(p);
    }
}

fn journals(path: &Path) -> [PathBuf; 3] {
    [
        path.to_path_buf(),
        PathBuf::from(format!("{}-wal", path.display())),
        PathBuf::from(format!("{}-shm", path.display())),
    ]
}

impl Vault {
    /// Opens the restricted files sealed to the signed-in user, with their box secret.
    pub(crate) fn open_held(&mut self, secret: &StaticSecret) -> Result<()> {
        let (dir, id) = (self.dir.clone(), self.vault_id.clone());
        self.held = open_kind(&self.conn, &dir, &id, self.user_id, secret, &INCIDENT)?;
        self.held_concerns = open_kind(&self.conn, &dir, &id, self.user_id, secret, &CONCERNS)?;
        // Figures copies a failed change left behind are made again.
        for incident in self.held.keys() {
            self.after_change(*incident);
        }
        // A re-key left half done elsewhere still reaches the key file's copies.
        let _ = self.sync_records_only();
        Ok(())
    }

    fn held_of(&self, kind: &Kind) -> &Held {
        if kind.records == CONCERNS.records {
            &self.held_concerns
        } else {
            &self.held
        }
    }

    fn held_of_mut(&mut self, kind: &Kind) -> &mut Held {
        if kind.records == CONCERNS.records {
            &mut self.held_concerns
        } else {
            &mut self.held
        }
    }

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

    /// The databases whose records the signed-in user may list: the vault (unless they see
    /// only what is granted to them) and each restricted file they hold.
    pub(crate) fn readable(&self) -> Result<Vec<&Connection>> {
        let mut out = Vec::with_capacity(self.held.len() + self.held_concerns.len() + 1);
        if !self.role()?.sees_only_granted() {
            out.push(&self.conn);
        }
        out.extend(self.held.values().map(|r| &r.conn));
        out.extend(self.held_concerns.values().map(|r| &r.conn));
        Ok(out)
    }

    /// After a change to an incident: a restricted one's figures row is copied into the vault,
    /// so that the governor figures still count it.
    ///
    /// The change itself is already saved: a copy that fails (a full disk) is made again at the
    /// next change or the next unlock, and the change is not reported as failed.
    pub(crate) fn after_change(&self, incident: i64) {
        if let Some(r) = self.held.get(&incident) {
            // A user who holds no data key has no vault to copy it to: the next holder with
            // one copies it at unlock.
            if self.role().is_ok_and(|r| !r.sees_only_granted()) {
                let _ = copy_stat(&r.conn, &self.conn, incident);
            }
            // Rebuilt from the file at the next unlock should this fail.
            let _ = self.index_held(incident);
        }
    }

    /// How many restricted files sealed to the signed-in user did not open at unlock (their
    /// file missing or damaged): a restore from a backup brings them back.
    pub fn unopened_records(&self) -> Result<u32> {
        if self.role()?.sees_only_granted() {
            return Ok(0);
        }
        let mut n = 0;
        for kind in KINDS {
            let subjects = sealed_to(&self.conn, kind, &user_slot(self.user_id), true)?;
            n += subjects
                .iter()
                .filter(|s| !self.held_of(kind).contains_key(s))
                .count() as u32;
        }
        Ok(n)
    }

    /// Refuses what reads or changes the whole vault to a user who sees only the records
    /// granted to them (the chair of governors).
    pub(crate) fn require_whole_vault(&self) -> Result<()> {
        if self.role()?.sees_only_granted() {
            return Err(StoreError::NotPermitted(
                "your role sees only the records restricted to you",
            ));
        }
        Ok(())
    }

    /// The restricted records among `references` that the signed-in user holds, by incident.
    pub(crate) fn held_references(&self, references: &[String]) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for (incident, r) in &self.held {
            let reference: String = r.conn.query_row(
                "SELECT reference FROM incidents WHERE id = ?1",
                [incident],
                |row| row.get(0),
            )?;
            if references.contains(&reference) {
                out.push((reference, *incident));
            }
        }
        Ok(out)
    }

    /// Adds to a held record's file a person the vault knows (an existing pupil added to it).
    pub(crate) fn bring_person(&self, incident: i64, person: i64) -> Result<()> {
        let Some(r) = self.held.get(&incident) else {
            return Ok(());
        };
        let there: bool = r.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
            [person],
            |row| row.get(0),
        )?;
        if there || self.role()?.sees_only_granted() {
            return Ok(());
        }
        let tx = r.conn.unchecked_transaction()?;
        for (table, select) in [
            ("people", "SELECT * FROM people WHERE id = ?1"),
            (
                "staff_details",
                "SELECT * FROM staff_details WHERE person_id = ?1",
            ),
        ] {
            copy_rows(&self.conn, &tx, table, select, [person], "")?;
        }
        tx.commit()?;
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

    /// When a file was restricted, and by whom (none when it is not restricted).
    fn restricted_when(&self, kind: &Kind, subject: i64) -> Result<Option<(StoredTime, String)>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT r.restricted_at, u.name FROM {} r
                     JOIN users u ON u.id = r.restricted_by WHERE r.{} = ?1",
                    kind.records, kind.subject
                ),
                [subject],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Who may read a restricted file, and when and by whom it was restricted, for the screen.
    fn restriction_of(
        &self,
        kind: &Kind,
        subject: i64,
        named: &[i64],
        offer: impl Fn(Role) -> bool,
    ) -> Result<Restriction> {
        if self.role()?.sees_only_granted() {
            return self.noted_restriction(kind, subject);
        }
        let row = self.restricted_when(kind, subject)?;
        let granted = self.holders(kind, subject, None)?;
        let users = users::list(&self.conn)?
            .into_iter()
            .map(|u| RestrictionUser {
                granted: if row.is_some() {
                    granted.contains(&u.id)
                } else {
                    offer(u.role)
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

    /// Seals the file's key to `wanted`; re-keys the file first when anyone who held it is
    /// left out, or when `rekey` asks for it.
    fn regrant(
        &mut self,
        kind: &Kind,
        subject: i64,
        wanted: &[i64],
        rekey: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.holders(kind, subject, None)?;
        let removed = rekey || before.iter().any(|u| !wanted.contains(u));
        let slots = SlotFile::read(&slots_path(&self.dir))?;
        let generation: u32 = self.conn.query_row(
            &format!(
                "SELECT generation FROM {} WHERE {} = ?1",
                kind.records, kind.subject
            ),
            [subject],
            |r| r.get(0),
        )?;
        let old_key = self
            .held_of(kind)
            .get(&subject)
            .ok_or(StoreError::NotFound)?
            .key
            .clone();
        let vault_id = self.vault_id.clone();
        let (author, signer) = (self.user_id, self.signer.clone());
        let by = Sealing {
            vault_id: &vault_id,
            author,
            now,
        };
        let (key, generation) = if removed {
            // The new key is sealed (beside the old) before the file changes key, and the old
            // copies go only once it has: a failure in between leaves a key that opens it.
            let key = new_data_key();
            let next = generation + 1;
            let tx = self.conn.unchecked_transaction()?;
            seal_for_all(
                &tx,
                kind,
                (subject, next),
                wanted,
                &slots.recovery.box_key,
                &key,
                by,
                true,
            )?;
            tx.commit()?;
            let pragma = zeroize::Zeroizing::new(format!(
                "PRAGMA rekey = \"{}\";",
                crate::vault::raw_key(&key).as_str()
            ));
            let held = self
                .held_of(kind)
                .get(&subject)
                .ok_or(StoreError::NotFound)?;
            if let Err(e) = held.conn.execute_batch(&pragma) {
                let _ = self.conn.execute(
                    &format!(
                        "DELETE FROM {} WHERE {} = ?1 AND slot LIKE '%{NEXT}'",
                        kind.keys, kind.subject
                    ),
                    [subject],
                );
                return Err(e.into());
            }
            (key, next)
        } else {
            (old_key, generation)
        };
        let tx = self.conn.transaction()?;
        if removed {
            tx.execute(
                &format!(
                    "DELETE FROM {} WHERE {} = ?1 AND slot NOT LIKE '%{NEXT}'",
                    kind.keys, kind.subject
                ),
                [subject],
            )?;
            tx.execute(
                &format!(
                    "UPDATE {} SET slot = substr(slot, 1, length(slot) - {}) WHERE {} = ?1",
                    kind.keys,
                    NEXT.len(),
                    kind.subject
                ),
                [subject],
            )?;
            tx.execute(
                &format!(
                    "UPDATE {} SET generation = ?2, rekey_due = 0 WHERE {} = ?1",
                    kind.records, kind.subject
                ),
                params![subject, generation],
            )?;
        } else {
            let added: Vec<i64> = wanted
                .iter()
                .copied()
                .filter(|u| !before.contains(u))
                .collect();
            for user in added {
                let public = box_key(&tx, user)?;
                store_sealed(
                    &tx,
                    kind,
                    (subject, generation),
                    (&user_slot(user), Some(user), &public),
                    &key,
                    by,
                )?;
            }
        }
        let author_key = Author {
            user: author,
            key: &signer,
        };
        let (record_kind, id) = if kind.records == CONCERNS.records {
            ("person", subject.to_string())
        } else {
            ("incident", subject.to_string())
        };
        audit::record(
            &tx,
            now,
            &author_key,
            "incident.access_changed",
            record_kind,
            &id,
        )?;
        tx.commit()?;
        if let Some(h) = self.held_of_mut(kind).get_mut(&subject) {
            h.key = key;
            if removed {
                audit::record(
                    &h.conn,
                    now,
                    &author_key,
                    "incident.rekeyed",
                    record_kind,
                    &id,
                )?;
            }
        }
        self.sync_records_only()
    }

    /// The users a restricted file is sealed to, but `except`.
    fn holders(&self, kind: &Kind, subject: i64, except: Option<i64>) -> Result<Vec<i64>> {
        Ok(self
            .conn
            .prepare(&format!(
                "SELECT user_id FROM {} WHERE {} = ?1 AND user_id IS NOT NULL AND user_id IS NOT ?2
                 AND slot NOT LIKE '%{NEXT}'",
                kind.keys, kind.subject
            ))?
            .query_map(params![subject, except], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Takes a removed user out of every restricted file: those the signed-in user holds are
    /// re-keyed now; the others are marked to be re-keyed by the next holder to sign in.
    pub(crate) fn ungrant_removed(&mut self, user: i64, now: DateTime<Utc>) -> Result<()> {
        for kind in KINDS {
            let subjects = sealed_to(&self.conn, kind, &user_slot(user), false)?;
            for subject in subjects {
                if self.held_of(kind).contains_key(&subject) {
                    let keep = self.holders(kind, subject, Some(user))?;
                    self.regrant(kind, subject, &keep, true, now)?;
                } else {
                    self.conn.execute(
                        &format!(
                            "DELETE FROM {} WHERE {} = ?1 AND slot IN (?2, ?2 || '{NEXT}')",
                            kind.keys, kind.subject
                        ),
                        params![subject, user_slot(user)],
                    )?;
                    self.conn.execute(
                        &format!(
                            "UPDATE {} SET rekey_due = 1 WHERE {} = ?1",
                            kind.records, kind.subject
                        ),
                        [subject],
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Marks every restricted file to be re-keyed (the recovery key was replaced).
    pub(crate) fn all_records_rekey_due(&self) -> Result<()> {
        for kind in KINDS {
            self.conn
                .execute(&format!("UPDATE {} SET rekey_due = 1", kind.records), [])?;
        }
        Ok(())
    }

    /// Refuses to remove the last DSL or deputy who can open a restricted record: nobody left
    /// could change who may read it.
    pub(crate) fn require_other_editor_holders(&self, user: i64) -> Result<()> {
        for kind in KINDS {
            let orphaned: bool = self.conn.query_row(
                &format!(
                    "SELECT EXISTS (
                       SELECT 1 FROM {keys} k WHERE k.slot = ?1
                       AND NOT EXISTS (
                         SELECT 1 FROM {keys} o JOIN users u ON u.id = o.user_id
                         WHERE o.{s} = k.{s} AND o.user_id <> ?2 AND u.removed_at IS NULL
                           AND u.role IN ('dsl', 'deputy_dsl') AND o.slot NOT LIKE '%{NEXT}'))",
                    keys = kind.keys,
                    s = kind.subject
                ),
                params![user_slot(user), user],
                |r| r.get(0),
            )?;
            if orphaned {
                return Err(StoreError::Conflict(
                    "they are the only DSL or deputy who can open a restricted record: they must grant it to another DSL or deputy first",
                ));
            }
        }
        Ok(())
    }

    /// Re-keys the held files someone was removed from while no holder was signed in.
    pub(crate) fn finish_record_rekeys(&mut self, now: DateTime<Utc>) -> Result<()> {
        if !self.role()?.can_edit() {
            return Ok(());
        }
        for kind in KINDS {
            let due: Vec<i64> = self
                .conn
                .prepare(&format!(
                    "SELECT {} FROM {} WHERE rekey_due = 1",
                    kind.subject, kind.records
                ))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let due: Vec<i64> = due
                .into_iter()
                .filter(|i| self.held_of(kind).contains_key(i))
                .collect();
            for subject in due {
                let keep = self.holders(kind, subject, None)?;
                self.regrant(kind, subject, &keep, true, now)?;
            }
        }
        Ok(())
    }

    /// Deletes a destroyed restricted file (its keys and entry are gone already).
    pub(crate) fn remove_record_file(&mut self, kind: &Kind, subject: i64) -> Result<()> {
        let Some(record) = self.held_of_mut(kind).remove(&subject) else {
            return Ok(());
        };
        if kind.records == INCIDENT.records {
            self.index_held(subject)?;
        }
        let path = record
            .conn
            .path()
            .map(PathBuf::from)
            .ok_or(StoreError::Corrupt(
                "a restricted record's file has no path",
            ))?;
        drop(record);
        for p in journals(&path) {
            match crate::files::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Verifies each held file's own audit chain; the first broken one is reported.
    pub(crate) fn verify_held(&self) -> Result<Option<dsl_domain::vault::AuditCheck>> {
        let syncs = self.role()?.can_edit();
        for r in self.held.values().chain(self.held_concerns.values()) {
            if syncs {
                sync_directory(&self.conn, &r.conn)?;
            }
            let check = audit::verify(&r.conn, &self.vault_id, &|_, _| {})?;
            if check.broken.is_some() {
                return Ok(Some(check));
            }
        }
        Ok(None)
    }

    /// Every restricted file, for a backup: those the signed-in user holds as a consistent
    /// copy, the others as they are on disk (encrypted under keys they do not hold).
    pub(crate) fn record_files(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        for kind in KINDS {
            let rows: Vec<(i64, String)> = self
                .conn
                .prepare(&format!(
                    "SELECT {s}, file FROM {} ORDER BY {s}",
                    kind.records,
                    s = kind.subject
                ))?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (subject, file) in rows {
                let bytes = match self.held_of(kind).get(&subject) {
                    Some(r) => {
                        let snapshot = self.dir.join(RESTRICTED_DIR).join("backup-snapshot.db");
                        let _ = crate::files::remove_file(&snapshot);
                        let copied = crate::vault::export_copy(&r.conn, &r.key, &snapshot)
                            .and_then(|()| Ok(std::fs::read(&snapshot)?));
                        let _ = crate::files::remove_file(&snapshot);
                        copied?
                    }
                    None => match std::fs::read(record_path(&self.dir, &file)) {
                        Ok(bytes) => bytes,
                        // A file already missing cannot be saved; the rest of the vault is.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(e.into()),
                    },
                };
                out.push((file, bytes));
            }
        }
        Ok(out)
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
        crate::files::rename(
            &to,
            dir.join(format!("{RESTRICTED_DIR}-before-restore-{stamp}")),
        )?;
    }
    crate::files::rename(&from, &to)?;
    Ok(())
}

/// Opens a held record's file as unlock does (the benchmarks time it).
#[cfg(feature = "bench-baseline")]
pub(crate) fn bench_open(main: &Connection, path: &Path, key: &DataKey) -> Result<()> {
    let conn = open_record(path, key, false)?;
    sync_directory(main, &conn)
}

/// The list rows of the restricted records the signed-in user holds, kept in memory on the
/// vault's connection (its temporary tables live in memory only): the lists, searches and
/// person look-ups read them in one query however many records are held, not one per file.
const HELD_INDEX: &str = "
    CREATE TEMP TABLE IF NOT EXISTS held_incidents AS SELECT * FROM main.incidents WHERE 0;
    CREATE TEMP TABLE IF NOT EXISTS held_involvements AS SELECT * FROM main.involvements WHERE 0;
    CREATE TEMP TABLE IF NOT EXISTS held_people AS SELECT * FROM main.people WHERE 0;
    CREATE TEMP TABLE IF NOT EXISTS held_staff AS SELECT * FROM main.staff_details WHERE 0;
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.held_search USING fts5 (text, tokenize = 'trigram');";

/// A query written for the vault's tables, made to read the held records' rows instead.
pub(crate) fn held_sql(sql: &str) -> String {
    sql.replace(
        "FROM incident_search WHERE incident_search MATCH",
        "FROM temp.held_search WHERE held_search MATCH",
    )
    .replace("FROM incident_search WHERE", "FROM temp.held_search WHERE")
    .replace("FROM incidents i", "FROM temp.held_incidents i")
    .replace("JOIN incidents i", "JOIN temp.held_incidents i")
    .replace("FROM involvements", "FROM temp.held_involvements")
    .replace("FROM people p", "FROM temp.held_people p")
    .replace("FROM staff_details s", "FROM temp.held_staff s")
}

impl Vault {
    /// Rebuilds the in-memory list rows of one held record (or takes them away when it is no
    /// longer held).
    pub(crate) fn index_held(&self, incident: i64) -> Result<()> {
        let main = &self.conn;
        main.execute_batch(HELD_INDEX)?;
        let tx = main.unchecked_transaction()?;
        let people: Vec<i64> = tx
            .prepare("SELECT person_id FROM temp.held_involvements WHERE incident_id = ?1")?
            .query_map([incident], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for p in people {
            tx.execute("DELETE FROM temp.held_people WHERE id = ?1", [p])?;
            tx.execute("DELETE FROM temp.held_staff WHERE person_id = ?1", [p])?;
        }
        tx.execute("DELETE FROM temp.held_incidents WHERE id = ?1", [incident])?;
        tx.execute(
            "DELETE FROM temp.held_involvements WHERE incident_id = ?1",
            [incident],
        )?;
        tx.execute("DELETE FROM temp.held_search WHERE rowid = ?1", [incident])?;
        if let Some(r) = self.held.get(&incident) {
            let from = &r.conn;
            let copy =
                |table: &str, select: &str| copy_rows(from, &tx, table, select, [incident], "");
            copy(
                "temp.held_incidents",
                "SELECT * FROM incidents WHERE id = ?1",
            )?;
            copy(
                "temp.held_involvements",
                "SELECT * FROM involvements WHERE incident_id = ?1",
            )?;
            copy(
                "temp.held_people",
                "SELECT * FROM people WHERE id IN (SELECT person_id FROM involvements WHERE incident_id = ?1)",
            )?;
            copy(
                "temp.held_staff",
                "SELECT * FROM staff_details WHERE person_id IN (SELECT person_id FROM involvements WHERE incident_id = ?1)",
            )?;
            copy(
                "temp.held_search",
                "SELECT rowid, text FROM incident_search WHERE rowid = ?1",
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Who may open a restricted file, as its holders' sessions last saw it: kept in the file, for
/// a user who reads nothing else of the vault (the chair of governors).
const RESTRICTION_INFO: &str = "restriction";

#[derive(Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestrictionInfo {
    restricted_at: Option<DateTime<Utc>>,
    restricted_by: Option<String>,
    holders: Vec<i64>,
}

/// Every restricted file's key sealed to a user who holds no data key, for the key file.
pub(crate) fn records_only_seals(main: &Connection) -> Result<Vec<RecordSeal>> {
    let mut out = Vec::new();
    for kind in KINDS {
        let mut stmt = main.prepare(&format!(
            "SELECT k.user_id, k.{s}, r.file, k.sealed FROM {keys} k
             JOIN {records} r ON r.{s} = k.{s}
             JOIN users u ON u.id = k.user_id
             WHERE u.role = '{role}' AND u.removed_at IS NULL
             ORDER BY k.user_id, k.{s}, k.slot",
            keys = kind.keys,
            records = kind.records,
            s = kind.subject,
            role = crate::keyslots::RECORDS_ONLY_ROLE
        ))?;
        let rows: Vec<(i64, i64, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (user_id, subject, file, sealed) in rows {
            let sealed: Sealed =
                serde_json::from_str(&sealed).map_err(|_| StoreError::Corrupt("a sealed key"))?;
            out.push(RecordSeal {
                user_id,
                kind: kind.label.to_string(),
                subject,
                file,
                sealed,
            });
        }
    }
    Ok(out)
}

impl Vault {
    /// Brings the key file's copies of the keys sealed to users without a data key (and each
    /// held file's note of who may open it) up to date with the vault.
    pub(crate) fn sync_records_only(&self) -> Result<()> {
        if !self.role()?.can_edit() {
            return Ok(());
        }
        let seals = records_only_seals(&self.conn)?;
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        if file.records != seals {
            file.records = seals;
            file.write(&path)?;
        }
        for kind in KINDS {
            for (subject, r) in self.held_of(kind) {
                let row = self.restricted_when(kind, *subject)?;
                let info = RestrictionInfo {
                    restricted_at: row.as_ref().map(|x| x.0 .0),
                    restricted_by: row.map(|x| x.1),
                    holders: self.holders(kind, *subject, None)?,
                };
                let text = serde_json::to_string(&info).map_err(|_| StoreError::Crypto)?;
                sync_directory(&self.conn, &r.conn)?;
                crate::settings::put(&r.conn, RESTRICTION_INFO, &text)?;
            }
        }
        Ok(())
    }

    /// Who may open a held file, as it notes it (for a user who reads nothing else).
    fn noted_restriction(&self, kind: &Kind, subject: i64) -> Result<Restriction> {
        let r = self
            .held_of(kind)
            .get(&subject)
            .ok_or(StoreError::NotFound)?;
        let info: RestrictionInfo = crate::settings::get(&r.conn, RESTRICTION_INFO)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(RestrictionInfo {
                restricted_at: None,
                restricted_by: None,
                holders: Vec::new(),
            });
        let users = users::list(&r.conn)?
            .into_iter()
            .map(|u| RestrictionUser {
                granted: info.holders.contains(&u.id),
                named: false,
                id: u.id,
                name: u.name,
                role: u.role,
            })
            .collect();
        Ok(Restriction {
            restricted: true,
            restricted_at: info.restricted_at,
            restricted_by: info.restricted_by,
            users,
        })
    }

    /// Opens the vault for a user whose slot holds no data key (the chair of governors): only
    /// the restricted files sealed to them, from the key file. The first one also serves as the
    /// session's own database (its users, keys, settings and audit chain).
    pub(crate) fn open_records_only(
        dir: &Path,
        file: &SlotFile,
        slot: &crate::keyslots::UserSlot,
        keys: crate::keyslots::UserKeys,
    ) -> Result<Vault> {
        let mut held = Held::new();
        let mut held_concerns = Held::new();
        let mut first: Option<(PathBuf, DataKey)> = None;
        for seal in file.records.iter().filter(|r| r.user_id == slot.user_id) {
            let map = if seal.kind == CONCERNS.label {
                &mut held_concerns
            } else {
                &mut held
            };
            if map.contains_key(&seal.subject) {
                continue;
            }
            let Some(key) = seal.sealed.open(&file.vault_id, &keys.boxing) else {
                continue;
            };
            let path = record_path(dir, &seal.file);
            let Ok(conn) = open_record(&path, &key, false) else {
                continue;
            };
            if first.is_none() && seal.kind != CONCERNS.label {
                first = Some((path, key.clone()));
            }
            map.insert(seal.subject, SealedRecord { conn, key });
        }
        let (path, key) = first.ok_or(StoreError::NotPermitted(
            "nothing has been restricted to you yet, so there is nothing for you to open",
        ))?;
        let conn = open_record(&path, &key, false)?;
        let vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id: slot.user_id,
            signer: keys.signing,
            vault_id: file.vault_id.clone(),
            file: crate::vault::file_identity(&crate::vault::db_path(dir)),
            held,
            held_concerns,
            known: Default::default(),
        };
        vault.check_key_file(file, &slot.record()?)?;
        for incident in vault.held.keys() {
            vault.index_held(*incident)?;
        }
        Ok(vault)
    }
}
