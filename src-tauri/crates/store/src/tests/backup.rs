//! Backups: a restored vault equals the original; damaged, cut-short, foreign and newer backups
//! are refused with a clear reason and leave nothing behind; one byte changed anywhere is
//! refused before anything is written; a staged copy must pass SQLite's integrity check; what a
//! backup brings back is reported before it is restored; only a DSL or deputy backs up; no
//! plaintext in either file.

use std::path::Path;

use chrono::Duration;
use dsl_domain::incident::{
    Discovery, IncidentFacts, IncidentFilter, Location, NewIncident, RiskArea,
};

use dsl_domain::vault::Role;

use crate::backup::{backup_bytes, MAGIC};
use crate::tests::support::{now, PASS};
use crate::{KdfParams, StoreError, Vault, DB_FILE, KEYSLOTS_FILE};

const MARKER: &str = "PLAINTEXT-MARKER-7f3a";

fn vault_with_backup(dir: &Path, file: &Path) -> Vault {
    let mut v = crate::tests::support::demo_vault(dir, 5, 30, 40, 1, now() - Duration::days(1));
    v.create_incident(
        &NewIncident {
            facts: IncidentFacts {
                occurred_at: now() - Duration::hours(3),
                reported_at: now() - Duration::hours(2),
                reported_by_name: "Ms Nguyễn".into(),
                reported_by_role: "Tutor".into(),
                discovery: Discovery::Disclosure,
                monitoring: None,
                location: Location::InSchool,
                platform: String::new(),
                summary: format!("{MARKER} in the summary"),
                childs_words: String::new(),
                risk_area: RiskArea::Conduct,
                activity_type: "bullying".into(),
            },
            people: vec![],
        },
        now(),
    )
    .expect("incident");
    // Backed up as a DSL does it on a later day: on a vault opened by unlock, not the one
    // just created.
    drop(v);
    let mut v = Vault::unlock(dir, PASS).expect("unlocks");
    v.backup_to(file, now()).expect("backed up");
    v
}

fn audit_rows(v: &Vault) -> Vec<(i64, String)> {
    let mut stmt = v
        .conn()
        .prepare("SELECT id, hash FROM audit ORDER BY id")
        .expect("query");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows");
    rows.collect::<rusqlite::Result<_>>().expect("read")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_restored_vault_equals_the_original() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("vault.backup");
    let original = vault_with_backup(&tmp.path().join("a"), &file);
    let backup = std::fs::read(&file).expect("backup");
    assert!(!contains(&backup, MARKER), "no plaintext in the backup");
    assert!(!contains(&backup, "Oakfield"));
    let db = std::fs::read(tmp.path().join("a").join(DB_FILE)).expect("db");
    assert!(!contains(&db, MARKER), "no plaintext in the vault file");
    assert!(original.session().expect("session").last_backup_at == Some(now()));

    let restored =
        Vault::restore_from(&file, &tmp.path().join("b"), PASS, now()).expect("restored");
    let all = |v: &Vault| {
        format!(
            "{:?}",
            v.list_incidents(&IncidentFilter::default(), 10_000)
                .expect("list")
        )
    };
    assert_eq!(all(&original), all(&restored), "same incidents");
    for s in original
        .list_incidents(&IncidentFilter::default(), 10_000)
        .expect("list")
    {
        assert_eq!(
            format!("{:?}", original.incident(s.id).expect("a")),
            format!("{:?}", restored.incident(s.id).expect("b")),
            "same record"
        );
        assert_eq!(
            format!("{:?}", original.evidence_for_incident(s.id).expect("a")),
            format!("{:?}", restored.evidence_for_incident(s.id).expect("b"))
        );
    }
    // The same chain up to the backup; then the original records the backup and the copy
    // records its restoring.
    let a = audit_rows(&original);
    let b = audit_rows(&restored);
    assert_eq!(b.len(), a.len());
    assert_eq!(&a[..a.len() - 1], &b[..b.len() - 1]);
    assert_eq!(
        restored.session().expect("session").last_backup_at,
        Some(now()),
        "restored from the backup made then"
    );
    assert!(restored.verify_audit().expect("verified").broken.is_none());
    let search = restored
        .list_incidents(
            &IncidentFilter {
                text: Some(MARKER.to_lowercase()),
                ..Default::default()
            },
            10,
        )
        .expect("search");
    assert_eq!(search.len(), 1, "the search index came across too");
}

fn refusal(file: &Path, dir: &Path) -> StoreError {
    let e = Vault::restore_from(file, dir, PASS, now())
        .err()
        .expect("refused");
    assert!(!dir.join(KEYSLOTS_FILE).exists(), "nothing left behind");
    assert!(!dir.join(DB_FILE).exists(), "nothing left behind");
    e
}

#[test]
fn bad_backups_are_refused_clearly() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("vault.backup");
    let _v = vault_with_backup(&tmp.path().join("a"), &file);
    let good = std::fs::read(&file).expect("backup");
    let target = tmp.path().join("b");
    let bad = tmp.path().join("bad.backup");

    let mut flipped = good.clone();
    let at = flipped.len() - 5000;
    flipped[at] ^= 0x40;
    std::fs::write(&bad, &flipped).expect("write");
    assert!(refusal(&bad, &target).to_string().contains("damaged"));

    std::fs::write(&bad, &good[..good.len() - 4096]).expect("write");
    assert!(refusal(&bad, &target).to_string().contains("cut short"));

    std::fs::write(&bad, b"%PDF-1.7 not a backup").expect("write");
    assert!(refusal(&bad, &target)
        .to_string()
        .contains("not a DSL Desk backup"));

    let text = String::from_utf8_lossy(&good[..300]).into_owned();
    let newer = text.replacen(
        &format!("\"schemaVersion\":{}", crate::SCHEMA_VERSION),
        "\"schemaVersion\":99",
        1,
    );
    assert_ne!(text, newer);
    let mut bytes = newer.into_bytes();
    bytes.extend_from_slice(&good[300..]);
    std::fs::write(&bad, &bytes).expect("write");
    assert!(matches!(
        refusal(&bad, &target),
        StoreError::NewerVersion { found: 99, .. }
    ));

    let wrong = Vault::restore_from(&file, &target, "not the passphrase at all", now()).err();
    assert!(matches!(wrong, Some(StoreError::WrongCredentials)));
    assert!(!target.join(KEYSLOTS_FILE).exists());

    assert!(matches!(
        Vault::restore_from(&file, &tmp.path().join("a"), PASS, now()).err(),
        Some(StoreError::VaultExists)
    ));
    Vault::restore_from(&file, &target, PASS, now()).expect("the good backup still restores");
}

/// Every file under `dir` with its bytes, to show a refused restore changed nothing.
fn tree(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.push((path.clone(), Vec::new()));
                todo.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// Where the parts of a backup file start: (header line, slots, db, mac).
fn parts(bytes: &[u8]) -> (usize, usize, usize, usize) {
    let header = MAGIC.len();
    let newline = header
        + bytes[header..]
            .iter()
            .position(|b| *b == b'\n')
            .expect("header line");
    let line: serde_json::Value =
        serde_json::from_slice(&bytes[header..newline]).expect("header json");
    let slots_len = line["keyslotsLen"].as_u64().expect("slots len") as usize;
    let db_len = line["dbLen"].as_u64().expect("db len") as usize;
    let slots = newline + 1;
    (header, slots, slots + slots_len, slots + slots_len + db_len)
}

/// The offset of the first `needle` at or after `from`.
fn find(bytes: &[u8], needle: &[u8], from: usize) -> usize {
    from + bytes[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("found")
}

#[test]
fn one_changed_byte_in_any_part_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("vault.backup");
    let _v = vault_with_backup(&tmp.path().join("a"), &file);
    let good = std::fs::read(&file).expect("backup");
    let (header, slots, db, mac) = parts(&good);
    assert_eq!(good.len() - mac, 32, "a 32-byte MAC ends the file");

    // A folder with something in it already: it must come out byte for byte the same.
    let target = tmp.path().join("b");
    std::fs::create_dir_all(&target).expect("dir");
    std::fs::write(target.join("notes.txt"), b"kept as it is").expect("write");
    let before = tree(&target);

    // Each change keeps the part readable, so only the MAC can tell: a digit of the date in
    // the header; a hex digit of the recovery slot (the passphrase slot still opens the key);
    // a byte in the middle of the database; a byte of the MAC. And the magic.
    let date = find(&good, b"createdAt\":\"2026", header) + "createdAt\":\"202".len();
    let recovery = find(&good, b"\"recovery\"", slots);
    let wrapped = find(&good, b"\"wrapped\": \"", recovery) + "\"wrapped\": \"".len();
    let cases = [
        ("magic", 3, "not a DSL Desk backup"),
        ("header", date, "changed after it was made"),
        ("key slots", wrapped, "changed after it was made"),
        ("database", db + (mac - db) / 2, "changed after it was made"),
        ("MAC", mac + 7, "changed after it was made"),
    ];
    let bad = tmp.path().join("bad.backup");
    for (part, at, why) in cases {
        let mut changed = good.clone();
        changed[at] = match changed[at] {
            b'0'..=b'8' => changed[at] + 1,
            b'9' => b'0',
            b'a'..=b'e' => changed[at] + 1,
            b'f' => b'a',
            other => other ^ 0x01,
        };
        std::fs::write(&bad, &changed).expect("write");
        let e = Vault::prepare_restore(&bad, &target, PASS)
            .err()
            .unwrap_or_else(|| panic!("a changed {part} is refused"));
        assert!(
            matches!(&e, StoreError::Backup(m) if m.contains(why)),
            "{part}: {e}"
        );
        assert_eq!(tree(&target), before, "{part}: the folder is unchanged");
        assert!(!target.join("restoring").exists(), "{part}: nothing staged");
    }

    // A structural change in the key slots is refused as damage too.
    let mut changed = good.clone();
    changed[slots] = b'[';
    std::fs::write(&bad, &changed).expect("write");
    let e = Vault::prepare_restore(&bad, &target, PASS).err();
    assert!(matches!(e, Some(StoreError::Backup(m)) if m.contains("changed after it was made")));
    assert_eq!(tree(&target), before);

    let restored = Vault::restore_from(&file, &target, PASS, now()).expect("the good one restores");
    assert!(restored.verify_audit().expect("verify").broken.is_none());
    assert_eq!(
        std::fs::read(target.join("notes.txt")).expect("kept"),
        b"kept as it is"
    );
}

#[test]
fn a_first_format_backup_still_restores_but_says_it_cannot_be_authenticated() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("vault.backup");
    let _v = vault_with_backup(&tmp.path().join("a"), &file);
    let good = std::fs::read(&file).expect("backup");
    let (_, slots, db, mac) = parts(&good);
    let digest = |b: &[u8]| hex::encode(Sha256::digest(b));
    let header = serde_json::json!({
        "format": 1,
        "schemaVersion": crate::SCHEMA_VERSION,
        "createdAt": crate::time::ts(now()),
        "keyslotsLen": db - slots,
        "dbLen": mac - db,
        "keyslotsSha256": digest(&good[slots..db]),
        "dbSha256": digest(&good[db..mac]),
    });
    let mut old = MAGIC.to_vec();
    old.extend_from_slice(header.to_string().as_bytes());
    old.push(b'\n');
    old.extend_from_slice(&good[slots..mac]);
    let old_file = tmp.path().join("old.backup");
    std::fs::write(&old_file, &old).expect("write");

    let target = tmp.path().join("b");
    let prepared = Vault::prepare_restore(&old_file, &target, PASS).expect("readable");
    assert!(!prepared.preview().expect("preview").authenticated);
    let restored = prepared.commit(now()).expect("restored");
    assert!(restored.verify_audit().expect("verify").broken.is_none());

    // Its digests still catch damage.
    let mut damaged = old.clone();
    let at = damaged.len() - 100;
    damaged[at] ^= 0x01;
    std::fs::write(&old_file, &damaged).expect("write");
    let e = Vault::prepare_restore(&old_file, &tmp.path().join("c"), PASS).err();
    assert!(matches!(e, Some(StoreError::Backup(m)) if m.contains("damaged")));
}

fn test_kdf() -> KdfParams {
    KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    }
}

#[test]
fn an_older_backup_reports_its_date_users_and_recovery_key_before_anything_is_restored() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("a");
    let file = tmp.path().join("vault.backup");
    let made = now() + Duration::days(3);
    let mut v = crate::tests::support::vault(&dir);
    let sam = v
        .add_user(
            "Sam Deputy",
            Role::DeputyDsl,
            "violet anchor quarry meadow",
            test_kdf(),
            now(),
        )
        .expect("added");
    v.backup_to(&file, made).expect("backed up");
    // Since the backup: Sam is removed and the recovery key replaced.
    v.remove_user(sam.id, made + Duration::days(1), &|_| {})
        .expect("removed");
    v.replace_recovery_key(
        &Vault::new_recovery_key(),
        test_kdf(),
        made + Duration::days(2),
        &|_| {},
    )
    .expect("replaced");
    drop(v);

    let target = tmp.path().join("b");
    let prepared = Vault::prepare_restore(&file, &target, PASS).expect("checked");
    let preview = prepared.preview().expect("preview").clone();
    assert_eq!(preview.created_at, made);
    assert!(preview.authenticated);
    let names: Vec<_> = preview
        .users
        .iter()
        .map(|u| (u.name.as_str(), u.role))
        .collect();
    assert_eq!(
        names,
        [("Jo DSL", Role::Dsl), ("Sam Deputy", Role::DeputyDsl)],
        "the users of that date, the one removed since included"
    );
    assert_eq!(
        preview.recovery_key_made_at,
        Some(now()),
        "the recovery key of that date"
    );
    assert_eq!(
        preview.last_change_at,
        Some(now()),
        "its last change is Sam being added"
    );
    assert_eq!(preview.audit_entries, 2, "the vault made and Sam added");

    // Saying no leaves nothing behind.
    drop(prepared);
    assert!(
        tree(&target).is_empty(),
        "nothing left when the restore is not confirmed"
    );

    // A key file put in the folder while the question was on screen (another vault) is never
    // replaced. (Creating a vault there is refused while a restore is staged.)
    let prepared = Vault::prepare_restore(&file, &target, PASS).expect("checked");
    std::fs::write(target.join(KEYSLOTS_FILE), b"another vault's key file").expect("write");
    let made_meanwhile = tree(&target)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(target.join("restoring")))
        .collect::<Vec<_>>();
    assert!(matches!(
        prepared.commit(now()).err(),
        Some(StoreError::VaultExists)
    ));
    assert_eq!(
        tree(&target),
        made_meanwhile,
        "the vault made meanwhile is as it was"
    );
    std::fs::remove_dir_all(&target).expect("cleared");

    // Saying yes brings back Sam, who can open it with the passphrase of then.
    Vault::prepare_restore(&file, &target, PASS)
        .expect("checked")
        .commit(now() + Duration::days(10))
        .expect("restored");
    let sam_opens = Vault::unlock(&target, "violet anchor quarry meadow").expect("Sam opens it");
    assert_eq!(sam_opens.user_id(), sam.id);
}

#[test]
fn a_database_that_fails_the_integrity_check_is_refused_even_with_a_good_mac() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("a");
    let file = tmp.path().join("vault.backup");
    let mut v = crate::tests::support::vault(&dir);
    v.add_user(
        "Pat Head",
        Role::Headteacher,
        "violet anchor quarry meadow",
        test_kdf(),
        now(),
    )
    .expect("added");
    v.backup_to(&file, now()).expect("backed up");
    let key: crate::keyslots::DataKey = zeroize::Zeroizing::new(v.key_bytes());
    drop(v);
    let good = std::fs::read(&file).expect("backup");
    let (_, slots, db, mac) = parts(&good);

    // The database part, changed through SQLCipher with the vault's key so every page still
    // decrypts and passes its page MAC: a row that breaks a CHECK constraint, written with the
    // checks turned off. Only SQLite's integrity check notices.
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).expect("dir");
    let copy = work.join(DB_FILE);
    std::fs::write(&copy, &good[db..mac]).expect("write");
    {
        let (conn, _) = crate::vault::open_db(&copy, Some(&key), false).expect("opens");
        conn.execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE users SET role = 'caretaker' WHERE name = 'Pat Head';
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .expect("changed");
    }
    let corrupt_db = std::fs::read(&copy).expect("read");
    let bytes = backup_bytes(&key, now(), &good[slots..db], &corrupt_db, &[]).expect("re-made");
    let bad = tmp.path().join("bad.backup");
    std::fs::write(&bad, &bytes).expect("write");

    let target = tmp.path().join("b");
    let e = Vault::prepare_restore(&bad, &target, PASS)
        .err()
        .expect("refused");
    assert!(
        matches!(&e, StoreError::Backup(m) if m.contains("integrity check")),
        "{e}"
    );
    assert!(tree(&target).is_empty(), "the staged copy is gone");
}

#[test]
fn a_headteacher_cannot_make_a_backup() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("a");
    let mut v = crate::tests::support::vault(&dir);
    v.add_user(
        "Pat Head",
        Role::Headteacher,
        "violet anchor quarry meadow",
        test_kdf(),
        now(),
    )
    .expect("added");
    drop(v);
    let mut head = Vault::unlock(&dir, "violet anchor quarry meadow").expect("unlocks");
    let file = tmp.path().join("vault.backup");
    let e = head.backup_to(&file, now()).expect_err("refused");
    assert!(matches!(e, StoreError::NotPermitted(_)), "{e}");
    assert!(e.to_string().contains("DSL"), "{e}");
    assert!(!file.exists(), "no backup written");
    assert_eq!(head.session().expect("session").last_backup_at, None);
}
