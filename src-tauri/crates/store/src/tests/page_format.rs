//! The page format: new vaults are written with HMAC-SHA256 page codes; a vault in SQLCipher's
//! default HMAC-SHA512 format (every vault made before the change) opens, and is converted in
//! place on unlock without losing a record; a conversion that cannot be written leaves it whole.

use std::path::Path;

use dsl_domain::incident::IncidentFilter;
use rusqlite::Connection;

use crate::tests::support::{demo_vault, now, PASS};
use crate::vault::PageFormat;
use crate::{Vault, DB_FILE};

/// Whether the database in `dir` reads with `key` in `format` (the key, then the format, then a
/// first read, as the vault does).
fn reads_as(dir: &Path, key: [u8; 32], format: PageFormat) -> bool {
    let conn = Connection::open(dir.join(DB_FILE)).expect("opens");
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = {};",
        hex::encode(key),
        format.pragma()
    ))
    .expect("keyed");
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .is_ok()
}

/// Rewrites the closed vault's database in the older format, as a vault made before the change.
fn make_older(v: Vault, dir: &Path) -> [u8; 32] {
    let key = v.key_bytes();
    let older = dir.join("older.db");
    v.conn()
        .execute_batch(&format!(
            "ATTACH DATABASE '{}' AS older KEY \"x'{}'\";
             PRAGMA older.cipher_hmac_algorithm = HMAC_SHA512;
             SELECT sqlcipher_export('older');
             PRAGMA older.user_version = {};
             DETACH DATABASE older;",
            older.display(),
            hex::encode(key),
            crate::migrations::SCHEMA_VERSION
        ))
        .expect("exported");
    drop(v);
    assert!(!dir.join(format!("{DB_FILE}-wal")).exists());
    std::fs::rename(&older, dir.join(DB_FILE)).expect("replaced");
    assert!(reads_as(dir, key, PageFormat::HmacSha512));
    assert!(!reads_as(dir, key, PageFormat::HmacSha256));
    key
}

/// The records listed, the number a search finds, the audit trail's length.
type Contents = (Vec<String>, usize, i64);

/// What a DSL would check after the conversion: the records, a search, the audit trail.
fn contents(v: &Vault) -> Contents {
    let all = v
        .list_incidents(&IncidentFilter::default(), 1000)
        .expect("listed");
    let found = v
        .list_incidents(
            &IncidentFilter {
                text: Some("snapchat".into()),
                ..Default::default()
            },
            1000,
        )
        .expect("searched")
        .len();
    let check = v.verify_audit().expect("verified");
    assert!(check.broken.is_none(), "{}", check.summary);
    (
        all.iter()
            .map(|s| format!("{} {} {}", s.reference, s.status.as_str(), s.summary))
            .collect(),
        found,
        check.entries,
    )
}

#[test]
fn new_vaults_are_written_with_sha256_page_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = demo_vault(dir.path(), 5, 3, 10, 1, now());
    let key = v.key_bytes();
    drop(v);
    assert!(reads_as(dir.path(), key, PageFormat::HmacSha256));
    assert!(!reads_as(dir.path(), key, PageFormat::HmacSha512));
}

#[test]
fn an_older_vault_is_converted_on_unlock_with_every_record() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = demo_vault(dir.path(), 11, 60, 40, 2, now());
    let before = contents(&v);
    assert_eq!(before.0.len(), 60);
    assert!(before.1 > 0, "the search finds something");
    let key = make_older(v, dir.path());

    let v = Vault::unlock(dir.path(), PASS).expect("the older vault unlocks");
    assert_eq!(contents(&v), before);
    drop(v);
    assert!(reads_as(dir.path(), key, PageFormat::HmacSha256));
    assert!(!reads_as(dir.path(), key, PageFormat::HmacSha512));
    assert!(!dir.path().join("vault.db.converting").exists());

    // It goes on working: a write, then a second unlock (no second conversion).
    let mut v = Vault::unlock(dir.path(), PASS).expect("unlocks again");
    let mut settings = v.settings().expect("settings");
    settings.school_name = "Oakfield Academy".into();
    v.update_settings(&settings, now()).expect("writes");
    let after = contents(&v);
    assert_eq!(after.0, before.0);
    assert!(after.2 > before.2);
}

/// A small demo vault in `dir` (from `seed`) rewritten in the older format: what it held, and
/// its key.
fn older_demo_vault(dir: &Path, seed: u64) -> (Contents, [u8; 32]) {
    let v = demo_vault(dir, seed, 20, 20, 1, now());
    let before = contents(&v);
    (before, make_older(v, dir))
}

#[test]
fn a_conversion_that_cannot_be_written_leaves_the_older_vault_working() {
    let dir = tempfile::tempdir().expect("tmp");
    let (before, key) = older_demo_vault(dir.path(), 12);

    // Something in the way of the converted copy: it cannot be written.
    let obstacle = dir.path().join("vault.db.converting");
    std::fs::create_dir(&obstacle).expect("obstacle");
    let v = Vault::unlock(dir.path(), PASS).expect("unlocks in the older format");
    assert_eq!(contents(&v), before);
    drop(v);
    assert!(reads_as(dir.path(), key, PageFormat::HmacSha512));

    // Once the way is clear, the next unlock converts it.
    std::fs::remove_dir(&obstacle).expect("cleared");
    let v = Vault::unlock(dir.path(), PASS).expect("unlocks");
    assert_eq!(contents(&v), before);
    drop(v);
    assert!(reads_as(dir.path(), key, PageFormat::HmacSha256));
}

#[test]
fn a_copy_left_by_an_interrupted_conversion_is_discarded() {
    let dir = tempfile::tempdir().expect("tmp");
    let (before, key) = older_demo_vault(dir.path(), 13);

    // A crash part-way through a conversion leaves the old database as it was and a partial
    // copy (and its journal) beside it.
    std::fs::write(dir.path().join("vault.db.converting"), vec![7u8; 10_000]).expect("partial");
    std::fs::write(dir.path().join("vault.db.converting-journal"), [1u8; 512]).expect("journal");
    let v = Vault::unlock(dir.path(), PASS).expect("unlocks");
    assert_eq!(contents(&v), before);
    drop(v);
    assert!(reads_as(dir.path(), key, PageFormat::HmacSha256));
    assert!(!dir.path().join("vault.db.converting").exists());
    assert!(!dir.path().join("vault.db.converting-journal").exists());
}
