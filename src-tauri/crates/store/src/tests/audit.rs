//! The audit chain verified: intact after ordinary use; a row altered, removed or forged with
//! the key, outside the app, is found and named.

use rusqlite::Connection;

use crate::tests::support::now;
use crate::{Vault, DB_FILE};

fn used_vault(dir: &std::path::Path) -> Vault {
    crate::tests::support::demo_vault(dir, 3, 20, 30, 1, now())
}

/// A second connection to the vault file, keyed as an attacker holding the key would key it,
/// with the append-only guard on the audit table removed.
fn outside(v: &Vault, dir: &std::path::Path) -> Connection {
    let conn = Connection::open(dir.join(DB_FILE)).expect("opens");
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;
         DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;",
        hex::encode(v.key_bytes())
    ))
    .expect("keyed");
    conn
}

#[test]
fn an_untouched_chain_is_intact() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = used_vault(dir.path());
    let check = v.verify_audit().expect("verified");
    assert!(check.broken.is_none(), "{}", check.summary);
    assert!(
        check.entries > 100,
        "every write is audited: {}",
        check.entries
    );
    assert!(check.summary.starts_with("Intact"));
}

#[test]
fn a_changed_entry_is_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = used_vault(dir.path());
    outside(&v, dir.path())
        .execute(
            "UPDATE audit SET action = 'settings.updated' WHERE id = 7",
            [],
        )
        .expect("altered");
    let check = v.verify_audit().expect("verified");
    let b = check.broken.expect("broken");
    assert_eq!(b.entry, 7);
    assert_eq!(check.entries, 6, "the six before it are intact");
    assert!(b.problem.contains("changed after it was written"));
}

#[test]
fn a_removed_entry_is_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = used_vault(dir.path());
    outside(&v, dir.path())
        .execute("DELETE FROM audit WHERE id = 12", [])
        .expect("removed");
    let b = v.verify_audit().expect("verified").broken.expect("broken");
    assert_eq!(b.entry, 13);
    assert!(b.problem.contains("entry 12 is missing"), "{}", b.problem);
}

#[test]
fn a_forged_entry_that_hashes_correctly_fails_its_signature() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = used_vault(dir.path());
    let conn = outside(&v, dir.path());
    // Rewrite entry 5 with a new action and recompute its own hash, as a careful forger would.
    let (at, prev, content, signed_by): (String, String, String, String) = conn
        .query_row(
            "SELECT at, prev_hash, content, signed_by FROM audit WHERE id = 5",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("row");
    let forged = crate::audit::tests_support::hash_of(
        &prev,
        5,
        &at,
        Some(1),
        ["incident.deleted", "incident", "1"],
        &content,
        &signed_by,
    );
    conn.execute(
        "UPDATE audit SET action = 'incident.deleted', record_kind = 'incident', record_id = '1', user_id = 1, hash = ?1 WHERE id = 5",
        [&forged],
    )
    .expect("forged");
    let b = v.verify_audit().expect("verified").broken.expect("broken");
    assert_eq!(b.entry, 5);
    assert!(
        b.problem.contains("signature does not match"),
        "{}",
        b.problem
    );
}
