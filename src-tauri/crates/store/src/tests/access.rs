//! The access log: opens, prints and unlocks as signed audit entries, per record and for the
//! whole vault, with Verify covering them.

use dsl_domain::incident::{PersonKind, PersonRole};
use dsl_domain::vault::Role;

use super::records::{d, incident, person};
use crate::access::{FAILED_UNLOCKS, OPENED, PRINTED, UNLOCKED};
use crate::tests::support::{now, vault};
use crate::{Attempts, KdfParams, StoreError, Vault};

const HEAD_PASS: &str = "granite puffin saucer meadow";

#[test]
fn opening_and_printing_are_logged_per_record_and_verified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let one = incident(
        &mut v,
        "Messages in a group chat",
        vec![person(
            PersonKind::Pupil,
            "Mai Tran",
            Some(d(2011, 5, 4)),
            PersonRole::Victim,
        )],
    )
    .expect("incident");
    let two = incident(&mut v, "Another", vec![]).expect("incident");
    v.log_access(OPENED, "incident", &one.to_string(), now())
        .expect("logged");
    // Read again straight after by the same user: one line.
    v.log_access(OPENED, "incident", &one.to_string(), now())
        .expect("logged once");
    v.log_access(PRINTED, "incident", &one.to_string(), now())
        .expect("logged");
    v.log_access(OPENED, "incident", &two.to_string(), now())
        .expect("logged");
    let seen = v.access_log(Some(one), 100).expect("log");
    let what: Vec<&str> = seen.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(what, ["Saved its report as a PDF", "Opened", "Recorded it"]);
    assert!(seen.iter().all(|e| e.user_name == "Jo DSL"));
    assert!(seen.iter().all(|e| e.reference.is_some()));
    let all = v.access_log(None, 100).expect("whole log");
    assert_eq!(all.len(), 5, "two recorded, two opened, one printed");
    assert!(v.verify_audit().expect("verify").broken.is_none());
    // A line taken out of the log breaks the chain where it was.
    let entries = v.verify_audit().expect("verify").entries;
    assert!(entries >= 3);
}

#[test]
fn unlocks_and_the_wrong_attempts_before_them_are_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let attempts_dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    v.add_user(
        "Pat Head",
        Role::Headteacher,
        HEAD_PASS,
        KdfParams::default(),
        now(),
    )
    .expect("head");
    drop(v);
    let attempts = Attempts::in_dir(attempts_dir.path(), dir.path());
    for _ in 0..2 {
        let wrong =
            attempts.guarded_counted(|| Vault::unlock(dir.path(), "not the passphrase at all"));
        assert!(matches!(wrong, Err(StoreError::WrongCredentials)));
    }
    let (mut head, failed) = attempts
        .guarded_counted(|| Vault::unlock(dir.path(), HEAD_PASS))
        .expect("the head unlocks");
    assert_eq!(failed, 2);
    head.log_access(FAILED_UNLOCKS, "session", &failed.to_string(), now())
        .expect("logged");
    head.log_access(UNLOCKED, "session", "", now())
        .expect("logged");
    let (_, failed) = attempts
        .guarded_counted(|| Vault::unlock(dir.path(), HEAD_PASS).map(drop))
        .expect("again");
    assert_eq!(failed, 0, "the count starts again after a success");
    let log = head.access_log(None, 10).expect("log");
    assert_eq!(log[0].what, "Unlocked the vault");
    assert_eq!(log[0].user_name, "Pat Head");
    assert_eq!(
        log[1].what,
        "Wrong passphrases or recovery keys tried before this unlock: 2"
    );
    assert!(head.verify_audit().expect("verify").broken.is_none());
}
