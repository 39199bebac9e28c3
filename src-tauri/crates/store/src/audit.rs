//! The audit chain: every write appends who, when, what kind of change, which record and a
//! digest of that record's content after the change, chained by hash and signed with the
//! author's own signing key. Verify checks every link, every signature against a certificate
//! that leads back to the vault's founding key, and that each record's content is still what
//! its last signed entry says.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dsl_domain::vault::{AuditCheck, BrokenLink};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::keyslots::{self, public_hex, KeyRecord};
use crate::Result;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who makes a change: their user id and signing key. Stored as the user id where a row
/// records who made it.
#[derive(Clone, Copy)]
pub struct Author<'a> {
    pub user: i64,
    pub key: &'a SigningKey,
}

impl rusqlite::ToSql for Author<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.user.into())
    }
}

/// One entry's fields, as hashed.
struct Fields<'a> {
    id: i64,
    at: &'a str,
    user_id: Option<i64>,
    action: &'a str,
    record_kind: &'a str,
    record_id: &'a str,
    content: &'a str,
    signed_by: &'a str,
}

fn entry_hash(prev: &str, f: &Fields<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &f.id.to_string(),
        f.at,
        &f.user_id.map(|u| u.to_string()).unwrap_or_default(),
        f.action,
        f.record_kind,
        f.record_id,
        f.content,
        f.signed_by,
    ] {
        h.update(part.len().to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

fn signed_text(hash: &str) -> Vec<u8> {
    format!("dsl-desk audit entry\n{hash}\n").into_bytes()
}

/// The record whose content an entry covers: an incident (everything recorded on it), a
/// person, a transfer of a pupil's records, a vault user (with their keys), or the school's
/// settings (for changes to the vault as a whole). The term dates and the governor report's
/// drafts are covered by who, when and what only.
fn scope_of(conn: &Connection, kind: &str, id: &str) -> Result<Option<(&'static str, i64)>> {
    if matches!(kind, "settings" | "vault") {
        return Ok(Some(("settings", 0)));
    }
    let Ok(n) = id.parse::<i64>() else {
        return Ok(None);
    };
    let incident_of = |table: &str| -> Result<Option<i64>> {
        Ok(conn
            .query_row(
                &format!("SELECT incident_id FROM {table} WHERE id = ?1"),
                [n],
                |r| r.get(0),
            )
            .optional()?)
    };
    Ok(match kind {
        "incident" => Some(("incident", n)),
        "flow_entry" => incident_of("flow_entries")?.map(|i| ("incident", i)),
        "evidence" => incident_of("evidence_items")?.map(|i| ("incident", i)),
        "person" => Some(("person", n)),
        "concern" => Some(("concern", n)),
        "user" => Some(("user", n)),
        "transfer" => Some(("transfer", n)),
        _ => None,
    })
}

/// The queries whose rows make up a scope's content, in a fixed order.
fn scope_queries(scope: &str) -> &'static [&'static str] {
    match scope {
        "incident" => &[
            "SELECT id, reference, year, seq, flow_id, flow_version, created_at, created_by FROM incidents WHERE id = ?1",
            "SELECT * FROM incident_facts WHERE incident_id = ?1 ORDER BY id",
            "SELECT * FROM involvements WHERE incident_id = ?1 ORDER BY id",
            "SELECT * FROM flow_entries WHERE incident_id = ?1 ORDER BY id",
            "SELECT * FROM evidence_items WHERE incident_id = ?1 ORDER BY id",
            "SELECT c.* FROM custody_events c JOIN evidence_items e ON e.id = c.evidence_id WHERE e.incident_id = ?1 ORDER BY c.id",
            "SELECT d.* FROM evidence_digests d JOIN evidence_items e ON e.id = d.evidence_id WHERE e.incident_id = ?1 ORDER BY d.id",
            "SELECT * FROM device_reviews WHERE incident_id = ?1 ORDER BY id",
            "SELECT * FROM retention_reviews WHERE incident_id = ?1 ORDER BY id",
        ],
        "person" => &["SELECT * FROM people WHERE id = ?1"],
        "concern" => &["SELECT * FROM low_level_concerns WHERE id = ?1"],
        "user" => &[
            "SELECT id, name, role, created_at, removed_at FROM users WHERE id = ?1",
            "SELECT * FROM user_keys WHERE user_id = ?1 ORDER BY rowid",
        ],
        "transfer" => &[
            "SELECT * FROM transfers WHERE id = ?1",
            "SELECT * FROM transfer_receipts WHERE transfer_id = ?1",
        ],
        // The school's own settings; the vault's bookkeeping (last backup, re-key) is not.
        "settings" => &[
            "SELECT key, value FROM settings WHERE ?1 = 0 AND key IN
             ('school_name', 'idle_minutes', 'small_number_threshold', 'backup_reminder_days', 'demo',
              'concern_years_after_leaving')
             ORDER BY key",
        ],
        _ => &[],
    }
}

/// Queries for details added after a scope's first version, hashed only when they have rows.
fn extra_queries(scope: &str) -> &'static [&'static str] {
    match scope {
        "person" => &["SELECT * FROM staff_details WHERE person_id = ?1"],
        "user" => &["SELECT person_id FROM users WHERE id = ?1 AND person_id IS NOT NULL"],
        _ => &[],
    }
}

/// Adds one row's values to the digest, each tagged with its type and length.
fn hash_row(h: &mut Sha256, r: &rusqlite::Row<'_>, columns: usize) -> Result<()> {
    for i in 0..columns {
        let (tag, bytes): (u8, Vec<u8>) = match r.get_ref(i)? {
            ValueRef::Null => (0, Vec::new()),
            ValueRef::Integer(v) => (1, v.to_le_bytes().to_vec()),
            ValueRef::Real(v) => (2, v.to_le_bytes().to_vec()),
            ValueRef::Text(t) => (3, t.to_vec()),
            ValueRef::Blob(b) => (4, b.to_vec()),
        };
        h.update([tag]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(())
}

/// The digest of a scope's rows now, and whether it has any.
fn scope_digest(conn: &Connection, scope: &str, id: i64) -> Result<(String, bool)> {
    let mut h = Sha256::new();
    let mut any = false;
    for sql in scope_queries(scope) {
        let mut stmt = conn.prepare_cached(sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([id])?;
        h.update(b"table");
        while let Some(r) = rows.next()? {
            any = true;
            h.update(b"row");
            hash_row(&mut h, r, columns)?;
        }
    }
    // Details added in later versions are hashed only where they exist, so that entries signed
    // before they did still verify.
    for sql in extra_queries(scope) {
        let mut stmt = conn.prepare_cached(sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            h.update(b"extra");
            hash_row(&mut h, r, columns)?;
        }
    }
    Ok((hex::encode(h.finalize()), any))
}

/// Appends a change made by `author` to the chain; call inside the transaction that makes it.
pub fn record(
    conn: &Connection,
    now: DateTime<Utc>,
    author: &Author<'_>,
    action: &str,
    record_kind: &str,
    record_id: &str,
) -> Result<()> {
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
    #[cfg(feature = "bench-baseline")]
    if UNSIGNED.load(std::sync::atomic::Ordering::Relaxed) {
        return record_unsigned(
            conn,
            (id, &prev, &at),
            author,
            [action, record_kind, record_id],
        );
    }
    let content = match scope_of(conn, record_kind, record_id)? {
        Some((scope, n)) => format!("{scope}:{n}:{}", scope_digest(conn, scope, n)?.0),
        None => String::new(),
    };
    let signed_by = public_hex(author.key);
    let fields = Fields {
        id,
        at: &at,
        user_id: Some(author.user),
        action,
        record_kind,
        record_id,
        content: &content,
        signed_by: &signed_by,
    };
    let hash = entry_hash(&prev, &fields);
    let signature = keyslots::sign(author.key, &signed_text(&hash));
    conn.execute(
        "INSERT INTO audit (id, at, user_id, action, record_kind, record_id, prev_hash, hash,
                            content, signed_by, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            at,
            author.user,
            action,
            record_kind,
            record_id,
            prev,
            hash,
            content,
            signed_by,
            signature
        ],
    )?;
    Ok(())
}

/// Benchmarks only: entries written without content digest or signature, to measure their
/// cost. Never enabled by the app.
#[cfg(feature = "bench-baseline")]
pub static UNSIGNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(feature = "bench-baseline")]
fn record_unsigned(
    conn: &Connection,
    (id, prev, at): (i64, &str, &str),
    author: &Author<'_>,
    what: [&str; 3],
) -> Result<()> {
    let fields = Fields {
        id,
        at,
        user_id: Some(author.user),
        action: what[0],
        record_kind: what[1],
        record_id: what[2],
        content: "",
        signed_by: "",
    };
    let hash = entry_hash(prev, &fields);
    conn.execute(
        "INSERT INTO audit (id, at, user_id, action, record_kind, record_id, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, at, author.user, what[0], what[1], what[2], prev, hash],
    )?;
    Ok(())
}

/// The certified keys, by signing key: every certificate checked back to the founding key.
pub fn trusted_keys(
    conn: &Connection,
    vault_id: &str,
) -> Result<std::result::Result<HashMap<String, KeyRecord>, String>> {
    let founding = crate::signing::founding_keys(conn)?;
    let keys = crate::signing::key_records(conn)?;
    Ok(crate::signing::check_chain(vault_id, &founding, &keys))
}

/// Where a walk of the chain has got to, for a progress bar.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Walks the whole chain from the first entry: each must be numbered in turn, name the hash of
/// the one before, hash to what it says and carry a good signature by a certified key of the
/// user it names; then each record's content must be what its latest entry signed. Reports the
/// first thing that fails.
pub fn verify(conn: &Connection, vault_id: &str, progress: Progress<'_>) -> Result<AuditCheck> {
    let total: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
    let total = total.max(0) as u64;
    let keys = match trusted_keys(conn, vault_id)? {
        Ok(keys) => keys,
        Err(problem) => {
            return Ok(AuditCheck::new(
                0,
                Some(BrokenLink {
                    entry: 0,
                    at: String::new(),
                    problem,
                }),
            ))
        }
    };
    let mut signatures = Signatures::default();
    let mut stmt = conn.prepare(
        "SELECT id, at, user_id, action, record_kind, record_id, prev_hash, hash, content,
                signed_by, signature
         FROM audit ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_id = 1;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    // Each scope's latest signed content, and the entry that signed it.
    let mut latest: HashMap<(String, i64), (String, i64, String)> = HashMap::new();
    let mut last_destroyed = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get("id")?;
        let at: String = r.get("at")?;
        let user_id: Option<i64> = r.get("user_id")?;
        let action: String = r.get("action")?;
        let record_kind: String = r.get("record_kind")?;
        let record_id: String = r.get("record_id")?;
        let prev_hash: String = r.get("prev_hash")?;
        let hash: String = r.get("hash")?;
        let content: String = r.get("content")?;
        let signed_by: String = r.get("signed_by")?;
        let signature: String = r.get("signature")?;
        // A signature not yet checked, earlier than this entry, is reported first.
        let mut broken = |problem: &str| {
            let (entry, at, problem) = match signatures.check() {
                Some((entry, at)) => (entry, at, SIGNATURE_FAILS.to_string()),
                None => (id, at.clone(), problem.to_string()),
            };
            AuditCheck::new(entries, Some(BrokenLink { entry, at, problem }))
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
        let fields = Fields {
            id,
            at: &at,
            user_id,
            action: &action,
            record_kind: &record_kind,
            record_id: &record_id,
            content: &content,
            signed_by: &signed_by,
        };
        if entry_hash(&prev_hash, &fields) != hash {
            return Ok(broken("it was changed after it was written"));
        }
        match keys.get(&signed_by) {
            None => return Ok(broken("it is not signed by a key the vault's users hold")),
            Some(key) if Some(key.user_id) != user_id => {
                return Ok(broken(
                    "it is signed by someone other than the user it names",
                ))
            }
            Some(_) => {}
        }
        if !signatures.push(id, &at, &signed_by, &hash, &signature) {
            let (entry, at) = signatures.check().unwrap_or((id, at.clone()));
            return Ok(signature_broken(entries, entry, at));
        }
        if action == "incident.destroyed" {
            last_destroyed = id;
        }
        if let Some((scope, n, digest)) = split_content(&content) {
            latest.insert((scope.to_string(), n), (digest.to_string(), id, at.clone()));
        }
        entries += 1;
        expected_id += 1;
        prev = hash;
        if signatures.pending.len() >= CHUNK {
            if let Some((entry, at)) = signatures.check() {
                return Ok(signature_broken(entries, entry, at));
            }
            progress(entries as u64, total);
        }
    }
    drop(rows);
    drop(stmt);
    if let Some((entry, at)) = signatures.check() {
        return Ok(signature_broken(entries, entry, at));
    }
    let mut scopes: Vec<_> = latest.into_iter().collect();
    scopes.sort_by_key(|(_, (_, entry, _))| *entry);
    for ((scope, n), (digest, entry, at)) in scopes {
        let Some(scope) = [
            "incident", "person", "user", "transfer", "settings", "concern",
        ]
        .into_iter()
        .find(|s| *s == scope) else {
            continue;
        };
        let (now, any) = scope_digest(conn, scope, n)?;
        if now == digest {
            continue;
        }
        if !any && last_destroyed > entry {
            // Destroyed at the end of its retention, which the chain records.
            continue;
        }
        return Ok(AuditCheck::new(
            entries,
            Some(BrokenLink {
                entry,
                at,
                problem: format!(
                    "the {} it covers was changed outside DSL Desk after this entry was signed",
                    match scope {
                        "incident" => "incident",
                        "person" => "person",
                        "concern" => "low-level concern",
                        "user" => "vault user",
                        "transfer" => "record transfer",
                        _ => "school's settings",
                    }
                ),
            }),
        ));
    }
    progress(total, total);
    Ok(AuditCheck::new(entries, None))
}

const SIGNATURE_FAILS: &str = "its signature does not match it";

/// Signatures are checked this many at a time, in parallel.
const CHUNK: usize = 32_768;

fn signature_broken(entries: i64, entry: i64, at: String) -> AuditCheck {
    AuditCheck::new(
        entries,
        Some(BrokenLink {
            entry,
            at,
            problem: SIGNATURE_FAILS.to_string(),
        }),
    )
}

/// One entry's signature, waiting to be checked.
struct PendingSignature {
    entry: i64,
    at: String,
    key: VerifyingKey,
    message: Vec<u8>,
    signature: Signature,
}

/// The walk's signatures, gathered and checked a chunk at a time: each signing key is decoded
/// once, and each chunk is split between the processor's cores and checked as a batch (one
/// multi-scalar multiplication instead of one check per entry). A chunk that fails as a batch
/// is checked one by one to name its first failing entry.
#[derive(Default)]
struct Signatures {
    keys: HashMap<String, VerifyingKey>,
    pending: Vec<PendingSignature>,
}

impl Signatures {
    /// Queues an entry's signature; false when it cannot be read at all.
    fn push(&mut self, entry: i64, at: &str, signed_by: &str, hash: &str, signature: &str) -> bool {
        let key = match self.keys.get(signed_by) {
            Some(k) => *k,
            None => {
                let Some(k) = hex::decode(signed_by)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .and_then(|b| VerifyingKey::from_bytes(&b).ok())
                else {
                    return false;
                };
                self.keys.insert(signed_by.to_string(), k);
                k
            }
        };
        let Some(signature) = hex::decode(signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
        else {
            return false;
        };
        self.pending.push(PendingSignature {
            entry,
            at: at.to_string(),
            key,
            message: signed_text(hash),
            signature,
        });
        true
    }

    /// Checks every queued signature; the first entry whose signature fails, if any.
    fn check(&mut self) -> Option<(i64, String)> {
        let pending = std::mem::take(&mut self.pending);
        if pending.is_empty() {
            return None;
        }
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let size = pending.len().div_ceil(threads);
        let failures: Vec<Option<usize>> = std::thread::scope(|scope| {
            let handles: Vec<_> = pending
                .chunks(size)
                .enumerate()
                .map(|(n, chunk)| scope.spawn(move || first_failure(chunk).map(|i| n * size + i)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Some(0)))
                .collect()
        });
        let first = failures.into_iter().flatten().min()?;
        pending.into_iter().nth(first).map(|p| (p.entry, p.at))
    }
}

/// The index of the first signature in `chunk` that does not hold, if any.
fn first_failure(chunk: &[PendingSignature]) -> Option<usize> {
    let messages: Vec<&[u8]> = chunk.iter().map(|p| p.message.as_slice()).collect();
    let signatures: Vec<Signature> = chunk.iter().map(|p| p.signature).collect();
    let keys: Vec<VerifyingKey> = chunk.iter().map(|p| p.key).collect();
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        return None;
    }
    chunk
        .iter()
        .position(|p| p.key.verify_strict(&p.message, &p.signature).is_err())
}

fn split_content(content: &str) -> Option<(&str, i64, &str)> {
    let mut parts = content.splitn(3, ':');
    let scope = parts.next()?;
    let n = parts.next()?.parse().ok()?;
    let digest = parts.next()?;
    Some((scope, n, digest))
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// The hash an entry with these values would carry: `what` is its action, record kind
    /// and record id.
    pub fn hash_of(
        prev: &str,
        id: i64,
        at: &str,
        user_id: Option<i64>,
        what: [&str; 3],
        content: &str,
        signed_by: &str,
    ) -> String {
        super::entry_hash(
            prev,
            &super::Fields {
                id,
                at,
                user_id,
                action: what[0],
                record_kind: what[1],
                record_id: what[2],
                content,
                signed_by,
            },
        )
    }
}
