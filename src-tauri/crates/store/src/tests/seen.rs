//! What a computer remembers of a vault: an older copy put back is noticed when it is unlocked,
//! and a record edited outside the app is reported rather than believed.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use dsl_domain::vault::{RollbackKind, RollbackWarning};

use dsl_domain::vault::Role;

use super::support::{now, vault, PASS};
use crate::seen::{SeenVaults, RECORD_FILE, SECRET_FILE};
use crate::{KdfParams, Vault};

/// Another vault, made `minutes` after the first: its first audit entry, and so its identity,
/// differs.
fn another_vault(dir: &Path, minutes: i64) -> Vault {
    let at = now() + Duration::minutes(minutes);
    Vault::create(
        dir,
        "Elm Park",
        "Sam DSL",
        Role::Dsl,
        PASS,
        KdfParams::default(),
        at,
    )
    .expect("vault")
    .vault
}

/// A change that adds one entry to the audit log.
fn change(v: &mut Vault, n: u32, at: DateTime<Utc>) {
    let mut s = v.settings().expect("settings");
    s.school_name = format!("Oakfield {n}");
    v.update_settings(&s, at).expect("changed");
}

fn entries(v: &Vault) -> i64 {
    v.audit_position().expect("position").expect("some").entries
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for f in std::fs::read_dir(from).expect("read") {
        let f = f.expect("entry");
        std::fs::copy(f.path(), to.join(f.file_name())).expect("copy");
    }
}

fn put_back(copy: &Path, dir: &Path) {
    std::fs::remove_dir_all(dir).expect("remove");
    copy_folder(copy, dir);
}

fn unlock(dir: &Path) -> Vault {
    Vault::unlock(dir, PASS).expect("unlocked")
}

/// A vault seen by this computer, a copy of it taken aside, and then two more changes made and
/// seen an hour later. Returns the figures then (at the copy) and at the end.
fn seen_copy_then_changed(dir: &Path, aside: &Path, seen: &SeenVaults) -> (i64, i64) {
    let v = vault(dir);
    v.remember_seen(seen, now()).expect("remembered");
    let at_copy = entries(&v);
    v.close();
    copy_folder(dir, aside);

    let mut v = unlock(dir);
    assert_eq!(v.check_seen(seen).expect("checked"), None, "the same copy");
    change(&mut v, 1, now());
    change(&mut v, 2, now());
    let later = entries(&v);
    v.remember_seen(seen, now() + Duration::hours(1))
        .expect("remembered");
    v.close();
    (at_copy, later)
}

#[test]
fn an_older_copy_put_back_is_noticed_with_the_figures_and_the_date_last_seen() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (dir, aside) = (tmp.path().join("vault"), tmp.path().join("aside"));
    let seen = SeenVaults::at(tmp.path().join("this computer"));
    let (at_copy, later) = seen_copy_then_changed(&dir, &aside, &seen);
    assert!(later > at_copy);

    put_back(&aside, &dir);
    let v = unlock(&dir);
    let warning = v.check_seen(&seen).expect("checked").expect("a warning");
    assert_eq!(
        warning,
        RollbackWarning {
            kind: RollbackKind::OlderCopy,
            seen_at: Some(now() + Duration::hours(1)),
            seen_at_text: Some("22 November 2026 at 11:00".into()),
            entries_then: Some(later),
            entries_now: at_copy,
        }
    );
}

#[test]
fn a_copy_changed_elsewhere_past_the_remembered_entry_is_a_different_history() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (dir, aside) = (tmp.path().join("vault"), tmp.path().join("aside"));
    let seen = SeenVaults::at(tmp.path().join("this computer"));
    let (_, later) = seen_copy_then_changed(&dir, &aside, &seen);

    // The old copy is changed on another computer until its log is longer than the one seen.
    let other = SeenVaults::at(tmp.path().join("another computer"));
    let mut v = unlock(&aside);
    for n in 10..15 {
        change(&mut v, n, now() + Duration::minutes(5));
    }
    assert_eq!(v.check_seen(&other).expect("checked"), None, "new there");
    v.close();

    put_back(&aside, &dir);
    let v = unlock(&dir);
    let warning = v.check_seen(&seen).expect("checked").expect("a warning");
    assert_eq!(warning.kind, RollbackKind::DifferentHistory);
    assert_eq!(warning.entries_then, Some(later));
    assert!(warning.entries_now > later);
}

#[test]
fn a_computer_that_never_opened_the_vault_says_nothing_and_the_same_copy_passes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seen = SeenVaults::at(tmp.path().join("fresh computer"));
    let mut v = vault(&tmp.path().join("vault"));
    assert_eq!(v.check_seen(&seen).expect("checked"), None);
    assert!(!seen.dir().exists(), "checking writes nothing");

    v.remember_seen(&seen, now()).expect("remembered");
    change(&mut v, 1, now());
    assert_eq!(v.check_seen(&seen).expect("checked"), None, "ahead is fine");

    // Another vault on the same computer has its own entry and is not confused with this one.
    let other = another_vault(&tmp.path().join("other"), 1);
    assert_eq!(other.check_seen(&seen).expect("checked"), None);
    other.remember_seen(&seen, now()).expect("remembered");
    assert_eq!(v.check_seen(&seen).expect("checked"), None);
}

#[cfg(unix)]
#[test]
fn the_record_and_its_secret_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let seen = SeenVaults::at(tmp.path().join("this computer"));
    vault(&tmp.path().join("vault"))
        .remember_seen(&seen, now())
        .expect("remembered");
    for (path, mode) in [
        (seen.dir().to_path_buf(), 0o700),
        (seen.dir().join(RECORD_FILE), 0o600),
        (seen.dir().join(SECRET_FILE), 0o600),
    ] {
        let m = std::fs::metadata(&path)
            .expect("there")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(m, mode, "{}", path.display());
    }
}

/// A record of a vault seen with 3 more entries than it has; returns the vault, open.
fn remembered_ahead(tmp: &Path, seen: &SeenVaults) -> Vault {
    let dir = tmp.join("vault");
    let aside = tmp.join("aside");
    seen_copy_then_changed(&dir, &aside, seen);
    put_back(&aside, &dir);
    unlock(&dir)
}

fn record_text(seen: &SeenVaults) -> String {
    std::fs::read_to_string(seen.dir().join(RECORD_FILE)).expect("record")
}

fn not_trusted(v: &Vault, seen: &SeenVaults, what: &str) {
    let w = v.check_seen(seen).expect("checked").expect(what);
    assert_eq!(w.kind, RollbackKind::RecordNotTrusted, "{what}");
    assert_eq!(
        (w.seen_at, w.entries_then),
        (None, None),
        "{what}: no figures believed"
    );
    assert_eq!(w.entries_now, entries(v));
}

#[test]
fn an_edited_record_is_reported_not_believed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seen = SeenVaults::at(tmp.path().join("this computer"));
    let v = remembered_ahead(tmp.path(), &seen);
    let original = record_text(&seen);
    let then = v.check_seen(&seen).expect("checked").expect("warning");
    let then = then.entries_then.expect("figures");

    // Someone puts the figures back to match the old copy, to hide that it is older.
    let edited = original.replace(
        &format!("\"entries\": {then}"),
        &format!("\"entries\": {}", entries(&v)),
    );
    assert_ne!(edited, original);
    std::fs::write(seen.dir().join(RECORD_FILE), &edited).expect("edit");
    not_trusted(&v, &seen, "figures edited");

    // Or takes this vault's entry out of the list.
    let parsed: serde_json::Value = serde_json::from_str(&original).expect("json");
    let mut emptied = parsed.clone();
    emptied["vaults"] = serde_json::json!([]);
    std::fs::write(seen.dir().join(RECORD_FILE), emptied.to_string()).expect("edit");
    not_trusted(&v, &seen, "entry removed");

    // Or breaks the file, or deletes it while its secret stays.
    std::fs::write(seen.dir().join(RECORD_FILE), "{ not json").expect("edit");
    not_trusted(&v, &seen, "unreadable");
    std::fs::remove_file(seen.dir().join(RECORD_FILE)).expect("remove");
    not_trusted(&v, &seen, "record deleted, secret kept");

    // Or replaces the computer's secret with one of their own.
    std::fs::write(seen.dir().join(RECORD_FILE), &original).expect("restore");
    std::fs::write(seen.dir().join(SECRET_FILE), "ab".repeat(32)).expect("new secret");
    not_trusted(&v, &seen, "another secret");
}

#[test]
fn the_record_cannot_be_made_with_the_vault_alone_nor_the_computer_alone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seen = SeenVaults::at(tmp.path().join("this computer"));
    let v = remembered_ahead(tmp.path(), &seen);

    // The same vault remembered on another computer (the vault's key, another secret): its
    // record copied here does not check out.
    let other = SeenVaults::at(tmp.path().join("another computer"));
    v.remember_seen(&other, now()).expect("remembered there");
    std::fs::copy(other.dir().join(RECORD_FILE), seen.dir().join(RECORD_FILE)).expect("copied");
    not_trusted(&v, &seen, "a record from elsewhere");

    // This computer's secret and another vault's key: an entry made for one vault, relabelled
    // with this vault's identity, does not check out either.
    let seen2 = SeenVaults::at(tmp.path().join("this computer again"));
    let w = another_vault(&tmp.path().join("different vault"), 1);
    w.remember_seen(&seen2, now()).expect("remembered");
    v.remember_seen(&seen2, now()).expect("remembered");
    let mut file: serde_json::Value = serde_json::from_str(&record_text(&seen2)).expect("json");
    let list = file["vaults"].as_array_mut().expect("list");
    let (this_id, that_mac) = (list[1]["vault"].clone(), list[0]["mac"].clone());
    list[1]["mac"] = that_mac;
    list[1]["entries"] = list[0]["entries"].clone();
    list[1]["lastHash"] = list[0]["lastHash"].clone();
    list[1]["vault"] = this_id;
    std::fs::write(seen2.dir().join(RECORD_FILE), file.to_string()).expect("edit");
    not_trusted(&v, &seen2, "another vault's entry");
}

#[test]
fn opening_the_older_copy_is_audited_and_not_asked_again() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seen = SeenVaults::at(tmp.path().join("this computer"));
    let v = remembered_ahead(tmp.path(), &seen);
    let before = entries(&v);
    let warning = v.check_seen(&seen).expect("checked").expect("a warning");

    let position = v
        .open_older_copy(&warning, &seen, now() + Duration::hours(2))
        .expect("opened")
        .expect("a position");
    assert_eq!(position.entries, before + 1, "one audit entry");
    let action: String = v
        .conn()
        .query_row(
            "SELECT action FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("entry");
    assert_eq!(action, "vault.older_copy_opened");
    assert!(v.verify_audit().expect("verified").broken.is_none());
    assert_eq!(
        v.check_seen(&seen).expect("checked"),
        None,
        "not asked again"
    );
    v.close();
    assert_eq!(
        unlock(&tmp.path().join("vault"))
            .check_seen(&seen)
            .expect("checked"),
        None
    );

    // An untrusted record accepted is rewritten, and trusted again.
    std::fs::write(seen.dir().join(RECORD_FILE), "{ not json").expect("edit");
    let v = unlock(&tmp.path().join("vault"));
    let warning = v.check_seen(&seen).expect("checked").expect("a warning");
    assert_eq!(warning.kind, RollbackKind::RecordNotTrusted);
    v.open_older_copy(&warning, &seen, now()).expect("opened");
    assert_eq!(v.check_seen(&seen).expect("checked"), None);
}
