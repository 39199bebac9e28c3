//! Vault tests: each works in its own temporary folder.

use std::path::Path;

use chrono::{TimeZone, Utc};
use dsl_domain::recovery::RecoveryKey;
use dsl_domain::vault::{Role, Settings};

use crate::{KdfParams, StoreError, Vault, DB_FILE, KEYSLOTS_FILE};

const PASS: &str = "lantern mauve copper harbour";
const MARKER: &str = "PLAINTEXT-MARKER-Zq81x";

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn new_vault(dir: &Path) -> crate::Unlocked {
    Vault::create(
        dir,
        "Oakfield Academy",
        "Siobhán Zoë",
        Role::Dsl,
        PASS,
        KdfParams::default(),
        now(),
    )
    .expect("vault created")
}

fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect()
}

fn assert_no_marker(dir: &Path) {
    let needle = MARKER.as_bytes();
    let mut seen = 0;
    for path in files_in(dir) {
        let bytes = std::fs::read(&path).expect("read file");
        seen += 1;
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "plaintext marker found in {}",
            path.display()
        );
    }
    assert!(seen >= 2, "expected the db and key files");
}

#[test]
fn create_then_unlock_with_passphrase() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let created = new_vault(tmp.path());
    let session = created.vault.session().expect("session");
    assert_eq!(session.user_name, "Siobhán Zoë");
    assert_eq!(session.school_name, "Oakfield Academy");
    assert_eq!(session.idle_minutes, 10);
    drop(created);
    let vault = Vault::unlock(tmp.path(), PASS).expect("unlocks");
    assert_eq!(vault.session().expect("session").role, Role::Dsl);
    assert!(Vault::exists(tmp.path()));
}

#[test]
fn no_plaintext_in_db_wal_or_journal_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let mut vault = Vault::create(
        dir,
        MARKER,
        "Test DSL",
        Role::Dsl,
        PASS,
        KdfParams::default(),
        now(),
    )
    .expect("created")
    .vault;
    for i in 0..200 {
        crate::settings::put(vault.conn(), &format!("note-{i}"), &format!("{MARKER} {i}"))
            .expect("write");
    }
    vault
        .update_settings(
            &Settings {
                school_name: MARKER.into(),
                idle_minutes: 5,
                small_number_threshold: 5,
                backup_reminder_days: 7,
            },
            now(),
        )
        .expect("update");
    // While open, the WAL holds the latest pages.
    assert!(
        dir.join(format!("{DB_FILE}-wal")).exists(),
        "WAL mode is on"
    );
    assert_no_marker(dir);
    drop(vault);
    assert_no_marker(dir);
    // A rollback journal, if one is ever used, is encrypted too.
    let vault = Vault::unlock(dir, PASS).expect("unlocks");
    vault
        .conn()
        .execute_batch(
            "PRAGMA journal_mode = DELETE; BEGIN; UPDATE settings SET value = value || 'x'; ",
        )
        .expect("journal write");
    assert_no_marker(dir);
    vault.conn().execute_batch("COMMIT;").expect("commit");
    assert_no_marker(dir);
}

#[test]
fn wrong_passphrase_is_a_typed_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    drop(new_vault(tmp.path()));
    assert!(matches!(
        Vault::unlock(tmp.path(), "not the passphrase at all"),
        Err(StoreError::WrongCredentials)
    ));
}

#[test]
fn changed_passphrase_opens_and_old_one_does_not() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut vault = new_vault(tmp.path()).vault;
    let new = "quartz meadow violin ember";
    assert!(matches!(
        vault.change_passphrase("wrong current one", new, KdfParams::default(), now()),
        Err(StoreError::WrongCredentials)
    ));
    let key_before = vault.key_bytes();
    let salt_before = std::fs::read(tmp.path().join(DB_FILE)).expect("db")[..16].to_vec();
    vault
        .change_passphrase(PASS, new, KdfParams::default(), now())
        .expect("changed");
    drop(vault);
    assert!(matches!(
        Vault::unlock(tmp.path(), PASS),
        Err(StoreError::WrongCredentials)
    ));
    let vault = Vault::unlock(tmp.path(), new).expect("new opens");
    assert_eq!(vault.session().expect("session").user_name, "Siobhán Zoë");
    assert_eq!(
        key_before,
        vault.key_bytes(),
        "the data key is rewrapped, not replaced"
    );
    let salt_after = std::fs::read(tmp.path().join(DB_FILE)).expect("db")[..16].to_vec();
    assert_eq!(salt_before, salt_after, "the database is not re-encrypted");
}

#[test]
fn recovery_key_opens_and_sets_a_new_passphrase() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let created = new_vault(tmp.path());
    let typed = created.recovery_key.grouped().to_lowercase();
    drop(created);
    let wrong = RecoveryKey::parse(&"7".repeat(32)).expect("well formed");
    assert!(matches!(
        Vault::unlock_with_recovery(tmp.path(), &wrong, None, "x", KdfParams::default(), now()),
        Err(StoreError::WrongCredentials)
    ));
    let key = RecoveryKey::parse(&typed).expect("parses");
    let new = "willow granite parsnip orbit";
    let vault =
        Vault::unlock_with_recovery(tmp.path(), &key, None, new, KdfParams::default(), now())
            .expect("recovery opens");
    assert_eq!(vault.session().expect("session").user_name, "Siobhán Zoë");
    drop(vault);
    assert!(Vault::unlock(tmp.path(), new).is_ok());
    assert!(matches!(
        Vault::unlock(tmp.path(), PASS),
        Err(StoreError::WrongCredentials)
    ));
}

#[test]
fn vault_from_a_newer_version_is_refused_clearly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = new_vault(tmp.path()).vault;
    vault
        .conn()
        .execute_batch("PRAGMA user_version = 99;")
        .expect("set version");
    drop(vault);
    let err = Vault::unlock(tmp.path(), PASS).err().expect("refused");
    assert!(matches!(
        err,
        StoreError::NewerVersion {
            found: 99,
            supported: crate::SCHEMA_VERSION
        }
    ));
    assert!(err.to_string().contains("newer version of DSL Desk"));
}

#[test]
fn truncated_or_corrupted_files_give_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    drop(new_vault(tmp.path()));
    let db = tmp.path().join(DB_FILE);
    let original = std::fs::read(&db).expect("db");
    assert!(original.len() > 4096);

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated to 100 bytes", original[..100].to_vec()),
        ("first page overwritten", {
            let mut b = original.clone();
            for x in &mut b[200..1200] {
                *x ^= 0x5a;
            }
            b
        }),
    ];
    for (what, bytes) in cases {
        std::fs::write(&db, &bytes).expect("write");
        let err = Vault::unlock(tmp.path(), PASS).err();
        assert!(
            matches!(
                err,
                Some(StoreError::Corrupt(_)) | Some(StoreError::StaleKeyFile)
            ),
            "{what}: expected Corrupt, got {err:?}"
        );
        assert!(err
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("damaged"));
    }
    std::fs::remove_file(&db).expect("remove");
    assert!(matches!(
        Vault::unlock(tmp.path(), PASS),
        Err(StoreError::Corrupt(_))
    ));

    std::fs::write(tmp.path().join(KEYSLOTS_FILE), b"{ not json").expect("write");
    assert!(matches!(
        Vault::unlock(tmp.path(), PASS),
        Err(StoreError::Corrupt(_))
    ));
    std::fs::remove_file(tmp.path().join(KEYSLOTS_FILE)).expect("remove");
    assert!(matches!(
        Vault::unlock(tmp.path(), PASS),
        Err(StoreError::NoVault)
    ));
}

#[test]
fn creating_over_an_existing_vault_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    drop(new_vault(tmp.path()));
    let again = Vault::create(
        tmp.path(),
        "Other",
        "Other",
        Role::Dsl,
        PASS,
        KdfParams::default(),
        now(),
    );
    assert!(matches!(again, Err(StoreError::VaultExists)));
    assert!(
        Vault::unlock(tmp.path(), PASS).is_ok(),
        "the first vault is intact"
    );
}

#[test]
fn settings_persist_and_audit_is_append_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut vault = new_vault(tmp.path()).vault;
    vault
        .update_settings(
            &Settings {
                school_name: "Łukasz High".into(),
                idle_minutes: 25,
                small_number_threshold: 3,
                backup_reminder_days: 14,
            },
            now(),
        )
        .expect("update");
    drop(vault);
    let vault = Vault::unlock(tmp.path(), PASS).expect("unlocks");
    assert_eq!(
        vault.settings().expect("settings"),
        Settings {
            school_name: "Łukasz High".into(),
            idle_minutes: 25,
            small_number_threshold: 3,
            backup_reminder_days: 14,
        }
    );
    let entries: i64 = vault
        .conn()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .expect("count");
    assert_eq!(entries, 2);
    assert!(vault
        .conn()
        .execute("UPDATE audit SET action = 'x'", [])
        .is_err());
    assert!(vault.conn().execute("DELETE FROM audit", []).is_err());
    let linked: i64 = vault
        .conn()
        .query_row(
            "SELECT count(*) FROM audit a JOIN audit b ON b.id = a.id + 1 WHERE b.prev_hash = a.hash",
            [],
            |r| r.get(0),
        )
        .expect("links");
    assert_eq!(linked, 1);
}

#[test]
fn key_file_holds_no_secret_in_the_clear() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let created = new_vault(tmp.path());
    let grouped = created.recovery_key.grouped();
    let canonical = created.recovery_key.canonical().to_string();
    drop(created);
    let text = std::fs::read_to_string(tmp.path().join(KEYSLOTS_FILE)).expect("read");
    assert!(!text.contains(PASS));
    assert!(!text.contains(canonical.as_str()));
    assert!(!text.contains(grouped.as_str()));
    // Who can sign in is listed (for the unlock screen's choice), but nothing recorded.
    assert!(!text.contains("Oakfield"));
}

#[test]
fn a_new_recovery_key_replaces_the_old_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let created = new_vault(tmp.path());
    let old = created.recovery_key;
    let mut vault = created.vault;
    assert!(vault.check_passphrase(PASS).expect("checked"));
    assert!(!vault.check_passphrase("not it at all").expect("checked"));
    let fresh = Vault::new_recovery_key();
    assert_ne!(fresh.canonical(), old.canonical());
    vault
        .replace_recovery_key(&fresh, KdfParams::default(), now(), &|_| {})
        .expect("replaced");
    drop(vault);
    let refused = Vault::unlock_with_recovery(
        tmp.path(),
        &old,
        None,
        "copper lantern harbour mauve",
        KdfParams::default(),
        now(),
    );
    assert!(matches!(refused, Err(StoreError::WrongCredentials)));
    let v = Vault::unlock_with_recovery(
        tmp.path(),
        &fresh,
        None,
        "copper lantern harbour mauve",
        KdfParams::default(),
        now(),
    )
    .expect("the new key opens the vault");
    assert!(v.verify_audit().expect("verified").broken.is_none());
}
