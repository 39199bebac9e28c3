//! A colleague with the files, a key file copy or their own passphrase tries to get more than
//! their role gives: each attempt fails with a clear error, and nothing is lost.

use dsl_domain::vault::Role;
use rusqlite::Connection;

use crate::tests::support::{demo_vault, now, vault, PASS};
use crate::{KdfParams, StoreError, Vault, DB_FILE, KEYSLOTS_FILE};

const HEAD_PASS: &str = "willow granite ember tide";
const DEPUTY_PASS: &str = "harbour violet thistle drum";

fn with_head(dir: &std::path::Path) -> (Vault, i64) {
    let mut dsl = vault(dir);
    let head = dsl
        .add_user(
            "Pat Head",
            Role::Headteacher,
            HEAD_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("head");
    (dsl, head.id)
}

fn key_file(dir: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(KEYSLOTS_FILE)).expect("key file");
    serde_json::from_str(&text).expect("json")
}

fn write_key_file(dir: &std::path::Path, value: &serde_json::Value) {
    std::fs::write(
        dir.join(KEYSLOTS_FILE),
        serde_json::to_vec_pretty(value).expect("json"),
    )
    .expect("written");
}

/// The database opened outside the app with the data key, as a user holding it could.
fn outside(key: [u8; 32], dir: &std::path::Path) -> Connection {
    let conn = Connection::open(dir.join(DB_FILE)).expect("opens");
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
        hex::encode(key)
    ))
    .expect("keyed");
    conn
}

#[test]
fn a_slot_edited_to_name_the_dsl_opens_for_nobody() {
    let dir = tempfile::tempdir().expect("tmp");
    let (dsl, head) = with_head(dir.path());
    let dsl_id = dsl.user_id();
    drop(dsl);
    let before = std::fs::read(dir.path().join(DB_FILE)).expect("db");
    let original = key_file(dir.path());
    for (field, value) in [
        ("userId", serde_json::json!(dsl_id)),
        ("role", serde_json::json!("dsl")),
        ("name", serde_json::json!("Jo DSL")),
    ] {
        let mut file = original.clone();
        let slots = file["users"].as_array_mut().expect("users");
        let slot = slots
            .iter_mut()
            .find(|s| s["userId"] == serde_json::json!(head))
            .expect("head slot");
        slot[field] = value;
        write_key_file(dir.path(), &file);
        assert!(
            matches!(
                Vault::unlock(dir.path(), HEAD_PASS),
                Err(StoreError::WrongCredentials)
            ),
            "editing {field} must not open the vault"
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join(DB_FILE)).expect("db"),
        before,
        "nothing was written"
    );
    // The DSL's own slot is untouched and still opens as the DSL.
    write_key_file(dir.path(), &original);
    let v = Vault::unlock(dir.path(), PASS).expect("dsl unlocks");
    assert_eq!(v.user_id(), dsl_id);
}

#[test]
fn a_slot_certified_by_the_headteacher_is_refused() {
    // The headteacher holds the data key and their own signing key; they make themselves a
    // new DSL slot (keys, a certificate signed with their key) in the key file and the vault.
    let dir = tempfile::tempdir().expect("tmp");
    let (dsl, head) = with_head(dir.path());
    let dsl_id = dsl.user_id();
    drop(dsl);
    let hd = Vault::unlock(dir.path(), HEAD_PASS).expect("head unlocks");
    let key = hd.key_bytes();
    let file = crate::keyslots::SlotFile::read(&dir.path().join(KEYSLOTS_FILE)).expect("file");
    let (forged, _) = crate::keyslots::UserSlot::new(
        &file.vault_id,
        dsl_id,
        "Jo DSL",
        Role::Dsl,
        None,
        HEAD_PASS,
        KdfParams::default(),
        crate::keyslots::Certifier::User(crate::keyslots::public_hex(&hd.signer)),
        &hd.signer,
    )
    .expect("forged slot");
    drop(hd);
    let conn = outside(key, dir.path());
    crate::signing::insert_key(&conn, &forged.record().expect("record"), now()).expect("row");
    drop(conn);
    let mut file = file;
    let sealed = crate::keyslots::Sealed::seal(
        &file.vault_id,
        file.generation,
        &forged.id,
        &forged.box_key,
        &zeroize::Zeroizing::new(key),
    )
    .expect("sealed");
    file.users.retain(|s| s.user_id != head);
    file.users.insert(0, forged);
    file.sealed.push(sealed);
    file.write(&dir.path().join(KEYSLOTS_FILE))
        .expect("written");
    match Vault::unlock(dir.path(), HEAD_PASS) {
        Err(StoreError::Corrupt(why)) => assert!(why.contains("certif"), "{why}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("the forged slot must not open the vault as the DSL"),
    }
}

#[test]
fn a_removed_users_old_key_file_opens_nothing_written_after() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut dsl = vault(dir.path());
    let deputy = dsl
        .add_user(
            "Sam Deputy",
            Role::DeputyDsl,
            DEPUTY_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("deputy");
    let old_key_file = std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("copy");
    let fractions = std::sync::Mutex::new(Vec::new());
    dsl.remove_user(deputy.id, now(), &|f| {
        fractions.lock().expect("lock").push(f)
    })
    .expect("removed");
    let fractions = fractions.into_inner().expect("fractions");
    assert_eq!(fractions.last(), Some(&1.0), "progress ends at the whole");
    assert!(dsl.verify_audit().expect("verify").broken.is_none());
    drop(dsl);
    let current = std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("current");
    std::fs::write(dir.path().join(KEYSLOTS_FILE), &old_key_file).expect("old back");
    for pass in [DEPUTY_PASS, PASS] {
        match Vault::unlock(dir.path(), pass) {
            Err(StoreError::StaleKeyFile) => {}
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("the old key file must not open today's vault"),
        }
    }
    // Nothing was lost: the current key file opens it as before.
    std::fs::write(dir.path().join(KEYSLOTS_FILE), &current).expect("current back");
    let v = Vault::unlock(dir.path(), PASS).expect("unlocks");
    assert_eq!(v.users().expect("users").len(), 1);
}

#[test]
fn the_old_recovery_key_opens_nothing_after_it_is_replaced() {
    let dir = tempfile::tempdir().expect("tmp");
    let created = Vault::create(
        dir.path(),
        "Oakfield",
        "Jo DSL",
        Role::Dsl,
        PASS,
        KdfParams::default(),
        now(),
    )
    .expect("created");
    let old = created.recovery_key;
    let mut v = created.vault;
    let fingerprint = v.founding_fingerprint().expect("fingerprint");
    let old_key_file = std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("copy");
    let fresh = Vault::new_recovery_key();
    v.replace_recovery_key(&fresh, KdfParams::default(), now(), &|_| {})
        .expect("replaced");
    assert_eq!(
        v.founding_fingerprint().expect("fingerprint"),
        fingerprint,
        "the vault keeps its fingerprint"
    );
    assert!(v.verify_audit().expect("verify").broken.is_none());
    drop(v);
    let again = |key: &dsl_domain::recovery::RecoveryKey| {
        Vault::unlock_with_recovery(
            dir.path(),
            key,
            None,
            "new words for a new day",
            KdfParams::default(),
            now(),
        )
    };
    assert!(matches!(again(&old), Err(StoreError::WrongCredentials)));
    let current = std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("current");
    std::fs::write(dir.path().join(KEYSLOTS_FILE), &old_key_file).expect("old back");
    assert!(again(&old).is_err(), "not even with the old key file");
    std::fs::write(dir.path().join(KEYSLOTS_FILE), &current).expect("current back");
    let v = again(&fresh).expect("the new key opens it");
    assert!(v.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn a_record_changed_with_the_data_key_is_named_by_verify() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = demo_vault(dir.path(), 5, 12, 20, 1, now());
    let key = v.key_bytes();
    let conn = outside(key, dir.path());
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS flow_entries_no_update;
         UPDATE flow_entries SET body = replace(body, '\"done\"', '\"not_done\"')
         WHERE id = (SELECT max(id) FROM flow_entries WHERE body LIKE '%\"done\"%');",
    )
    .expect("changed");
    drop(conn);
    let b = v.verify_audit().expect("verify").broken.expect("broken");
    assert!(
        b.problem.contains("changed outside DSL Desk"),
        "{}",
        b.problem
    );
}

/// An audit row as a forger reads it: id, at, user, action, kind, record id, content, signer.
type AuditRow = (
    i64,
    String,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
);

#[test]
fn a_chain_rewritten_with_the_data_key_fails_its_signatures() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = demo_vault(dir.path(), 6, 10, 20, 1, now());
    let conn = outside(v.key_bytes(), dir.path());
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;",
    )
    .expect("guards off");
    // Recompute every hash from entry 3 on, after changing what entry 3 says.
    let rows: Vec<AuditRow> = {
        let mut stmt = conn
            .prepare(
                "SELECT id, at, user_id, action, record_kind, record_id, content, signed_by
                 FROM audit WHERE id >= 3 ORDER BY id",
            )
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
            .expect("rows");
        rows.collect::<rusqlite::Result<_>>().expect("collect")
    };
    let mut prev: String = conn
        .query_row("SELECT hash FROM audit WHERE id = 2", [], |r| r.get(0))
        .expect("prev");
    for (id, at, user, action, kind, rid, content, signed_by) in rows {
        let action = if id == 3 {
            "vault.backed_up".into()
        } else {
            action
        };
        let hash = crate::audit::tests_support::hash_of(
            &prev,
            id,
            &at,
            user,
            [&action, &kind, &rid],
            &content,
            &signed_by,
        );
        conn.execute(
            "UPDATE audit SET action = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            rusqlite::params![id, action, prev, hash],
        )
        .expect("rewritten");
        prev = hash;
    }
    drop(conn);
    let b = v.verify_audit().expect("verify").broken.expect("broken");
    assert_eq!(b.entry, 3);
    assert!(b.problem.contains("signature"), "{}", b.problem);
}

#[test]
fn an_old_key_file_format_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tmp");
    drop(vault(dir.path()));
    let mut file = key_file(dir.path());
    file["format"] = serde_json::json!(1);
    write_key_file(dir.path(), &file);
    let err = Vault::unlock(dir.path(), PASS).err().expect("refused");
    assert!(matches!(err, StoreError::OldKeyFile));
    assert!(err.to_string().contains("early test version"));
}

#[test]
fn a_role_or_setting_changed_with_the_data_key_is_named_by_verify() {
    let dir = tempfile::tempdir().expect("tmp");
    let (dsl, head) = with_head(dir.path());
    let key = dsl.key_bytes();
    assert!(dsl.verify_audit().expect("verify").broken.is_none());
    let conn = outside(key, dir.path());
    conn.execute("UPDATE users SET role = 'dsl' WHERE id = ?1", [head])
        .expect("promoted");
    drop(conn);
    let b = dsl.verify_audit().expect("verify").broken.expect("broken");
    assert!(b.problem.contains("vault user"), "{}", b.problem);
    let conn = outside(key, dir.path());
    conn.execute(
        "UPDATE users SET role = 'headteacher' WHERE id = ?1",
        [head],
    )
    .expect("put back");
    conn.execute(
        "UPDATE settings SET value = '60' WHERE key = 'idle_minutes'",
        [],
    )
    .expect("idle changed");
    drop(conn);
    let b = dsl.verify_audit().expect("verify").broken.expect("broken");
    assert!(b.problem.contains("school's settings"), "{}", b.problem);
}
