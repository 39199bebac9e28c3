//! Users and roles, and the retention review with tombstones.

use chrono::{Duration, NaiveDate};
use dsl_domain::incident::{
    Discovery, IncidentFacts, IncidentFilter, InvolvementInput, Location, NewIncident, NewPerson,
    PersonKind, PersonRole, RiskArea,
};
use dsl_domain::retention::RetentionDecision;
use dsl_domain::vault::Role;

use crate::tests::support::{now, vault, PASS};
use crate::{KdfParams, StoreError, Vault, WriteError};

const DEPUTY_PASS: &str = "orchard velvet lantern quarry";
const HEAD_PASS: &str = "granite puffin saucer meadow";

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

pub(super) fn person(
    kind: PersonKind,
    name: &str,
    dob: Option<NaiveDate>,
    role: PersonRole,
) -> InvolvementInput {
    InvolvementInput {
        person_id: None,
        new_person: Some(NewPerson {
            kind,
            name: name.into(),
            year_group: (kind == PersonKind::Pupil).then_some(11),
            date_of_birth: dob,
            job_title: String::new(),
            headteacher: None,
        }),
        role,
    }
}

pub(super) fn known(id: i64, role: PersonRole) -> InvolvementInput {
    InvolvementInput {
        person_id: Some(id),
        new_person: None,
        role,
    }
}

pub(super) fn incident(
    v: &mut Vault,
    summary: &str,
    people: Vec<InvolvementInput>,
) -> std::result::Result<i64, WriteError> {
    v.create_incident(
        &NewIncident {
            facts: IncidentFacts {
                occurred_at: now() - Duration::days(3),
                reported_at: now() - Duration::days(2),
                reported_by_name: "Ms Siobhán Kelly".into(),
                reported_by_role: "Form tutor".into(),
                discovery: Discovery::Disclosure,
                monitoring: None,
                location: Location::InSchool,
                platform: "WhatsApp".into(),
                summary: summary.into(),
                childs_words: String::new(),
                risk_area: RiskArea::Conduct,
                activity_type: "bullying".into(),
            },
            people,
        },
        now(),
    )
    .map(|detail| detail.id)
}

pub(super) fn person_id(v: &Vault, incident: i64, name: &str) -> i64 {
    v.incident(incident)
        .expect("incident")
        .people
        .iter()
        .find(|i| i.person.name == name)
        .expect("person")
        .person
        .id
}

pub(super) fn forbidden<T: std::fmt::Debug>(r: std::result::Result<T, WriteError>) {
    match r {
        Err(WriteError::Store(StoreError::NotPermitted(_))) => {}
        other => panic!("expected a refusal for the role, got {other:?}"),
    }
}

#[test]
fn users_have_their_own_slots_roles_and_removal_revokes_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
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
    let head = dsl
        .add_user(
            "Pat Head",
            Role::Headteacher,
            HEAD_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("head");
    let names: Vec<String> = dsl
        .users()
        .expect("users")
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Jo DSL", "Sam Deputy", "Pat Head"]);

    // Refused: a name already in use, a passphrase that already opens the vault for someone.
    assert!(matches!(
        dsl.add_user(
            "sam deputy",
            Role::DeputyDsl,
            "other words entirely here",
            KdfParams::default(),
            now()
        ),
        Err(StoreError::Conflict(_))
    ));
    // A passphrase someone else has is accepted without a word: nothing tells the adder
    // whose it is, and each slot opens only for the user it names.
    let kim = dsl
        .add_user(
            "Kim Other",
            Role::DeputyDsl,
            DEPUTY_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("same passphrase accepted");
    let choices = Vault::sign_in_choices(dir.path()).expect("choices");
    let slot_of = |name: &str| {
        choices
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.slot_id.clone())
            .expect("slot")
    };
    let as_kim = Vault::unlock_as(dir.path(), &slot_of("Kim Other"), DEPUTY_PASS).expect("kim");
    assert_eq!(as_kim.user_id(), kim.id);
    drop(as_kim);
    let as_sam = Vault::unlock_as(dir.path(), &slot_of("Sam Deputy"), DEPUTY_PASS).expect("sam");
    assert_eq!(as_sam.user_id(), deputy.id);
    drop(as_sam);
    dsl.remove_user(kim.id, now(), &|_| {})
        .expect("kim removed");

    // Each opens the vault as themselves; entries record who made them.
    let mut dep = Vault::unlock(dir.path(), DEPUTY_PASS).expect("deputy unlocks");
    assert_eq!(dep.session().expect("session").user_name, "Sam Deputy");
    let id = incident(&mut dep, "Recorded by the deputy", vec![]).expect("deputy records");
    assert_eq!(dep.incident(id).expect("incident").created_by, "Sam Deputy");

    // The headteacher reads and prints, but changes nothing.
    let mut hd = Vault::unlock(dir.path(), HEAD_PASS).expect("head unlocks");
    assert_eq!(hd.session().expect("session").role, Role::Headteacher);
    assert_eq!(
        hd.list_incidents(&IncidentFilter::default(), 100)
            .expect("list")
            .len(),
        1
    );
    forbidden(incident(&mut hd, "Not allowed", vec![]));
    assert!(matches!(
        hd.add_user(
            "Someone",
            Role::Dsl,
            "quiet meadow harbour lantern",
            KdfParams::default(),
            now()
        ),
        Err(StoreError::NotPermitted(_))
    ));
    assert!(matches!(
        hd.remove_user(deputy.id, now(), &|_| {}),
        Err(StoreError::NotPermitted(_))
    ));
    let settings = hd.settings().expect("settings");
    assert!(matches!(
        hd.update_settings(&settings, now()),
        Err(StoreError::NotPermitted(_))
    ));

    // Nobody removes themselves, and the last DSL or deputy stays.
    assert!(matches!(
        dsl.remove_user(dsl.user_id(), now(), &|_| {}),
        Err(StoreError::Conflict(_))
    ));
    // Re-keying needs the vault open only here.
    drop(dep);
    drop(hd);
    dsl.remove_user(head.id, now(), &|_| {})
        .expect("head removed");
    let slots = std::fs::read_to_string(dir.path().join(crate::KEYSLOTS_FILE)).expect("slots");
    assert!(
        !slots.contains(&format!("\"userId\": {}", head.id)),
        "the head's slot is gone"
    );
    assert!(matches!(
        Vault::unlock(dir.path(), HEAD_PASS),
        Err(StoreError::WrongCredentials)
    ));
    dsl.remove_user(deputy.id, now(), &|_| {})
        .expect("deputy removed");
    assert!(matches!(
        Vault::unlock(dir.path(), DEPUTY_PASS),
        Err(StoreError::WrongCredentials)
    ));
    // The deputy's record still names them.
    assert_eq!(dsl.incident(id).expect("incident").created_by, "Sam Deputy");
    let remaining: Vec<String> = dsl
        .users()
        .expect("users")
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(remaining, ["Jo DSL"]);
    Vault::unlock(dir.path(), PASS).expect("the DSL still unlocks");
    assert!(dsl.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn the_vault_always_keeps_a_dsl_or_deputy() {
    let dir = tempfile::tempdir().expect("tempdir");
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
    let head = dsl
        .add_user(
            "Pat Head",
            Role::Headteacher,
            HEAD_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("head");
    // Both editors have the vault open; the DSL removes the deputy.
    let mut dep = Vault::unlock(dir.path(), DEPUTY_PASS).expect("deputy unlocks");
    // The removal stands; re-encryption waits until the vault is open only once.
    assert!(matches!(
        dsl.remove_user(deputy.id, now(), &|_| {}),
        Err(StoreError::RekeyPending)
    ));
    // The deputy's session, still open, can no longer remove the last DSL.
    assert!(dep.remove_user(dsl.user_id(), now(), &|_| {}).is_err());
    // The headteacher cannot, and the DSL cannot remove themselves.
    let mut hd = Vault::unlock(dir.path(), HEAD_PASS).expect("head unlocks");
    assert!(matches!(
        hd.remove_user(dsl.user_id(), now(), &|_| {}),
        Err(StoreError::NotPermitted(_))
    ));
    assert!(matches!(
        dsl.remove_user(dsl.user_id(), now(), &|_| {}),
        Err(StoreError::Conflict(_))
    ));
    let users = dsl.users().expect("users");
    assert_eq!(users.len(), 2, "the DSL and the head remain");
    assert!(users.iter().any(|u| u.role.can_edit()));
    assert!(users.iter().any(|u| u.id == head.id));
}

/// Every text value in every table of the open vault, for searching for leftovers.
fn all_text(v: &Vault) -> String {
    let conn = v.conn();
    let tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .expect("tables");
        let rows = stmt.query_map([], |r| r.get(0)).expect("rows");
        rows.collect::<rusqlite::Result<_>>().expect("names")
    };
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .expect("select");
        let cols = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            for c in 0..cols {
                if let Ok(rusqlite::types::ValueRef::Text(s)) = row.get_ref(c) {
                    out.push_str(&String::from_utf8_lossy(s));
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn records_come_up_for_review_and_destruction_leaves_only_a_tombstone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    // Born 2000: 25 on 1 March 2025, so due. Born 2012: not due until 2037.
    let old = incident(
        &mut v,
        "Marker-Zephyr summary of an old case",
        vec![
            person(
                PersonKind::Pupil,
                "Zoë Marker-Quill",
                Some(d(2000, 3, 1)),
                PersonRole::Victim,
            ),
            person(
                PersonKind::Pupil,
                "Ben Shared",
                Some(d(2001, 6, 1)),
                PersonRole::Witness,
            ),
        ],
    )
    .expect("old");
    let shared = person_id(&v, old, "Ben Shared");
    let young = incident(
        &mut v,
        "A recent case",
        vec![
            person(
                PersonKind::Pupil,
                "Amir Young",
                Some(d(2012, 1, 10)),
                PersonRole::Victim,
            ),
            known(shared, PersonRole::Reporter),
        ],
    )
    .expect("young");
    let staff = incident(
        &mut v,
        "An allegation",
        vec![person(
            PersonKind::Staff,
            "Mr Teach",
            None,
            PersonRole::Alleged,
        )],
    )
    .expect("staff");

    let today = dsl_domain::time::uk_day(now());
    let due = v.retention_due(today).expect("due");
    assert_eq!(due.iter().map(|i| i.incident_id).collect::<Vec<_>>(), [old]);
    assert_eq!(
        due[0].review_from,
        d(2026, 6, 1),
        "the younger pupil's 25th birthday"
    );
    let rule = v.retention_of(staff).expect("staff");
    assert_eq!(rule.review_from, d(2036, 11, 20));
    assert!(rule.check_retirement);
    assert_eq!(
        v.retention_of(young).expect("young").review_from,
        d(2037, 1, 10)
    );

    // Not due: refused, whatever the decision.
    let destroy_young = RetentionDecision::Destroy {
        reason: "Retention period over".into(),
        confirm_reference: v.incident(young).expect("young").reference,
    };
    assert!(matches!(
        v.decide_retention(young, &destroy_young, now()),
        Err(WriteError::Store(StoreError::Conflict(_)))
    ));

    // Keep with a reason: off the list until the next review, then back with the decision.
    v.decide_retention(
        old,
        &RetentionDecision::Keep {
            reason: "Civil claim pending".into(),
            next_review: d(2027, 11, 22),
        },
        now(),
    )
    .expect("kept");
    assert!(v.retention_due(today).expect("due").is_empty());
    let back = v.retention_due(d(2027, 11, 22)).expect("due later");
    assert_eq!(back.len(), 1);
    assert_eq!(
        back[0].last_keep.as_ref().map(|k| k.reason.as_str()),
        Some("Civil claim pending")
    );

    // The database refuses a deletion without a tombstone, even from inside.
    assert!(v
        .conn()
        .execute("DELETE FROM incident_facts WHERE incident_id = ?1", [old])
        .is_err());
    assert!(v
        .conn()
        .execute("DELETE FROM people WHERE id = ?1", [shared])
        .is_err());

    // Destroy, a year later, after typing the reference back.
    let later = now() + Duration::days(366);
    let reference = v.incident(old).expect("old").reference;
    let wrong = RetentionDecision::Destroy {
        reason: "Retention period over".into(),
        confirm_reference: "OS-1999-0001".into(),
    };
    match v.decide_retention(old, &wrong, later) {
        Err(WriteError::Rejected(e)) => assert_eq!(e.field.as_deref(), Some("confirmReference")),
        other => panic!("expected a rejection, got {other:?}"),
    }
    v.decide_retention(
        old,
        &RetentionDecision::Destroy {
            reason: "Retention period over; no reason to keep".into(),
            confirm_reference: reference.clone(),
        },
        later,
    )
    .expect("destroyed");

    assert!(matches!(v.incident(old), Err(StoreError::NotFound)));
    let tombs = v.tombstones().expect("tombstones");
    assert_eq!(tombs.len(), 1);
    assert_eq!(tombs[0].reference, reference);
    assert_eq!(tombs[0].record_kind, "incident");
    assert_eq!(tombs[0].destroyed_by, "Jo DSL");
    assert_eq!(tombs[0].reason, "Retention period over; no reason to keep");
    // The content is gone from every table; the shared pupil stays for the other record.
    let text = all_text(&v);
    for gone in ["Marker-Zephyr", "Zoë Marker-Quill", "Civil claim pending"] {
        assert!(!text.contains(gone), "{gone} is still in the vault");
    }
    assert!(text.contains("Ben Shared"));
    assert!(v.person_history(shared).is_ok());
    let filter = IncidentFilter {
        text: Some("marker".into()),
        ..IncidentFilter::default()
    };
    assert!(v.list_incidents(&filter, 100).expect("search").is_empty());
    assert_eq!(
        v.list_incidents(&IncidentFilter::default(), 100)
            .expect("list")
            .len(),
        2
    );
    // The chain still verifies, and a new incident gets a new number.
    assert!(v.verify_audit().expect("verify").broken.is_none());
    let next = incident(&mut v, "After destruction", vec![]).expect("new");
    assert!(next > staff);
    assert_ne!(v.incident(next).expect("new").reference, reference);
}
