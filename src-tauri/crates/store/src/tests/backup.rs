//! Backups: a restored vault equals the original; damaged, cut-short, foreign and newer backups
//! are refused with a clear reason and leave nothing behind; no plaintext in either file.

use std::path::Path;

use chrono::Duration;
use dsl_domain::incident::{
    Discovery, IncidentFacts, IncidentFilter, Location, NewIncident, RiskArea,
};

use crate::tests::support::{now, PASS};
use crate::{StoreError, Vault, DB_FILE, KEYSLOTS_FILE};

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
