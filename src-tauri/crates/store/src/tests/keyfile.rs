//! A vault whose key file has gone: nothing is made over its database, the key file can be put
//! back, restoring never replaces or removes what is there, and locking folds the log in.

use std::collections::BTreeMap;
use std::path::Path;

use dsl_domain::vault::Role;

use crate::tests::support::{now, vault, PASS};
use crate::{KdfParams, StoreError, Vault, DB_FILE, KEYSLOTS_FILE};

/// Every file in `dir` (not in sub-folders) by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect()
}

fn wal(dir: &Path) -> std::path::PathBuf {
    dir.join(format!("{DB_FILE}-wal"))
}

fn create(dir: &Path) -> crate::Result<crate::Unlocked> {
    Vault::create(
        dir,
        "Other School",
        "Other DSL",
        Role::Dsl,
        PASS,
        KdfParams::default(),
        now(),
    )
}

/// A folder holding a vault's `vault.db` and its write-ahead log, as a copy taken while the
/// vault was open leaves them, but not its key file (kept aside in `keep`).
fn database_without_key_file(dir: &Path, keep: &Path) {
    let source = dir.with_extension("source");
    let v = vault(&source);
    v.conn()
        .execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .expect("no automatic checkpoint");
    crate::settings::put(v.conn(), "note", "written after the last checkpoint").expect("write");
    assert!(
        std::fs::metadata(wal(&source)).expect("wal").len() > 0,
        "the log holds the latest write"
    );
    std::fs::create_dir_all(dir).expect("dir");
    for name in [DB_FILE.to_string(), format!("{DB_FILE}-wal")] {
        std::fs::copy(source.join(&name), dir.join(&name)).expect("copy");
    }
    std::fs::copy(source.join(KEYSLOTS_FILE), keep).expect("keep the key file");
    drop(v);
}

#[test]
fn create_is_refused_over_a_database_whose_key_file_is_missing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("vault");
    let keep = tmp.path().join("kept-keyslots.json");
    database_without_key_file(&dir, &keep);
    let before = snapshot(&dir);
    assert_eq!(before.len(), 2, "vault.db and its log");

    assert!(Vault::key_file_missing(&dir));
    assert!(!Vault::exists(&dir));
    let err = create(&dir).err().expect("refused");
    assert!(matches!(err, StoreError::KeyFileMissing), "{err:?}");
    assert!(err.to_string().contains("keyslots.json"));
    assert!(err.to_string().contains("Nothing was changed"));
    assert_eq!(
        snapshot(&dir),
        before,
        "the files are byte-for-byte the same"
    );

    // The key file put back: the vault opens as before, with the write only the log held.
    std::fs::copy(&keep, dir.join(KEYSLOTS_FILE)).expect("put back");
    assert!(!Vault::key_file_missing(&dir));
    let v = Vault::unlock(&dir, PASS).expect("opens as before");
    assert_eq!(
        crate::settings::get(v.conn(), "note").expect("read"),
        Some("written after the last checkpoint".to_string())
    );
}

#[test]
fn any_leftover_copy_of_the_database_refuses_create() {
    let tmp = tempfile::tempdir().expect("tmp");
    for name in [
        "vault.db-wal",
        "vault.db-shm",
        "vault.db.converting",
        "backup-snapshot.db",
    ] {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(name), b"pages").expect("write");
        assert!(Vault::key_file_missing(&dir), "{name}");
        assert!(
            matches!(create(&dir).err(), Some(StoreError::KeyFileMissing)),
            "{name}"
        );
        assert_eq!(
            snapshot(&dir),
            BTreeMap::from([(name.to_string(), b"pages".to_vec())]),
            "{name}: untouched"
        );
    }
    let dir = tmp.path().join("restore");
    std::fs::create_dir_all(dir.join("restoring")).expect("dir");
    assert!(matches!(
        create(&dir).err(),
        Some(StoreError::KeyFileMissing)
    ));
    assert!(dir.join("restoring").exists());
}

#[test]
fn a_chosen_key_file_is_checked_and_copied_in_beside_the_database() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("vault");
    let keep = tmp.path().join("kept-keyslots.json");
    database_without_key_file(&dir, &keep);
    let before = snapshot(&dir);

    let not_a_key_file = tmp.path().join("notes.json");
    std::fs::write(&not_a_key_file, br#"{"slots": "no"}"#).expect("write");
    let err = Vault::install_key_file(&dir, &not_a_key_file).expect_err("refused");
    assert!(matches!(err, StoreError::NotAKeyFile), "{err:?}");
    std::fs::write(&not_a_key_file, br#"{"format": 1, "slots": []}"#).expect("write");
    assert!(matches!(
        Vault::install_key_file(&dir, &not_a_key_file).err(),
        Some(StoreError::NotAKeyFile)
    ));
    assert_eq!(snapshot(&dir), before, "nothing copied");

    Vault::install_key_file(&dir, &keep).expect("copied in");
    assert_eq!(
        std::fs::read(dir.join(KEYSLOTS_FILE)).expect("read"),
        std::fs::read(&keep).expect("read")
    );
    // Never over a key file that is there.
    assert!(matches!(
        Vault::install_key_file(&dir, &not_a_key_file).err(),
        Some(StoreError::VaultExists)
    ));
    assert_eq!(
        std::fs::read(dir.join(KEYSLOTS_FILE)).expect("read"),
        std::fs::read(&keep).expect("read")
    );
    Vault::unlock(&dir, PASS).expect("opens");

    // Nowhere to put it without the database.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    assert!(matches!(
        Vault::install_key_file(&empty, &keep).err(),
        Some(StoreError::NoVault)
    ));
    assert!(!empty.join(KEYSLOTS_FILE).exists());
}

#[test]
fn a_failing_restore_leaves_the_files_that_were_there_byte_for_byte() {
    let tmp = tempfile::tempdir().expect("tmp");
    let source = tmp.path().join("source");
    let backup = tmp.path().join("vault.backup");
    let mut v = vault(&source);
    v.backup_to(&backup, now()).expect("backed up");
    drop(v);

    // A whole vault there: refused, untouched.
    let whole = tmp.path().join("whole");
    drop(vault(&whole));
    let before = snapshot(&whole);
    assert!(matches!(
        Vault::restore_from(&backup, &whole, PASS, now()).err(),
        Some(StoreError::VaultExists)
    ));
    assert_eq!(snapshot(&whole), before);

    // A database whose key file is missing: refused, untouched (its records are newer than
    // any backup).
    let orphan = tmp.path().join("orphan");
    database_without_key_file(&orphan, &tmp.path().join("kept.json"));
    let before = snapshot(&orphan);
    assert!(matches!(
        Vault::restore_from(&backup, &orphan, PASS, now()).err(),
        Some(StoreError::KeyFileMissing)
    ));
    assert_eq!(snapshot(&orphan), before);

    // A restore that fails once its copy is written (the wrong passphrase) leaves the folder
    // as it was: the other files in it and no copy.
    let target = tmp.path().join("target");
    std::fs::create_dir_all(&target).expect("dir");
    std::fs::write(target.join("readme.txt"), b"kept").expect("write");
    let before = snapshot(&target);
    assert!(matches!(
        Vault::restore_from(&backup, &target, "not the passphrase at all", now()).err(),
        Some(StoreError::WrongCredentials)
    ));
    assert_eq!(snapshot(&target), before);
    assert!(!target.join("restoring").exists(), "its copy is removed");
    let restored = Vault::restore_from(&backup, &target, PASS, now()).expect("restores");
    assert!(!target.join("restoring").exists());
    assert!(restored.verify_audit().expect("verified").broken.is_none());
}

#[test]
fn closing_folds_the_write_ahead_log_into_the_database() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let v = vault(dir);
    v.conn()
        .execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .expect("no automatic checkpoint");
    for i in 0..50 {
        crate::settings::put(v.conn(), &format!("note-{i}"), "x").expect("write");
    }
    assert!(std::fs::metadata(wal(dir)).expect("wal").len() > 0);
    // A second connection (another program) keeps SQLite from removing the log at close:
    // the checkpoint still folds it in and empties it.
    let other = Vault::unlock(dir, PASS).expect("second connection");
    v.close();
    assert_eq!(
        std::fs::metadata(wal(dir)).map(|m| m.len()).unwrap_or(0),
        0,
        "the log is empty"
    );
    other.close();
    assert!(
        std::fs::metadata(wal(dir)).map(|m| m.len()).unwrap_or(0) == 0,
        "the log is absent or empty"
    );
    // Everything is in vault.db alone.
    std::fs::remove_file(dir.join(format!("{DB_FILE}-shm"))).ok();
    let v = Vault::unlock(dir, PASS).expect("opens");
    assert_eq!(
        crate::settings::get(v.conn(), "note-49").expect("read"),
        Some("x".to_string())
    );
}
