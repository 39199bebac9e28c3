//! Incident records: round trips, append-only rules, refusals, and what each write returns.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dsl_domain::flow::{EntryBody, EntryInput, Mark, ScreeningAnswer};
use dsl_domain::incident::{
    Discovery, IncidentDetail, IncidentFacts, InvolvementInput, Location, MonitoringAlert,
    NewIncident, NewPerson, PersonKind, PersonRole, RiskArea,
};
use dsl_domain::vault::Role as UserRole;
use dsl_domain::ErrorKind;

use crate::{KdfParams, Vault, WriteError};

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid")
}

pub(super) fn vault(dir: &std::path::Path) -> Vault {
    Vault::create(
        dir,
        "Oakfield",
        "Jo DSL",
        UserRole::Dsl,
        "lantern mauve copper harbour",
        KdfParams::default(),
        now(),
    )
    .expect("vault")
    .vault
}

pub(super) fn facts(summary: &str, activity: &str) -> IncidentFacts {
    IncidentFacts {
        occurred_at: now() - Duration::hours(5),
        reported_at: now() - Duration::hours(4),
        reported_by_name: "Mr Łukasz Nowak".into(),
        reported_by_role: "Head of Year 9".into(),
        discovery: Discovery::Monitoring,
        monitoring: Some(MonitoringAlert {
            vendor: "Smoothwall".into(),
            capture_id: "CAP-991".into(),
            severity: "5".into(),
            true_positive: Some(true),
        }),
        location: Location::OutsideSchool,
        platform: "Snapchat".into(),
        summary: summary.into(),
        childs_words: "\"he said he was 15\"".into(),
        risk_area: RiskArea::Contact,
        activity_type: activity.into(),
    }
}

pub(super) fn pupil(name: &str, role: PersonRole) -> InvolvementInput {
    InvolvementInput {
        person_id: None,
        new_person: Some(NewPerson {
            kind: PersonKind::Pupil,
            name: name.into(),
            year_group: Some(9),
            date_of_birth: NaiveDate::from_ymd_opt(2012, 5, 6),
            job_title: String::new(),
            headteacher: None,
        }),
        role,
    }
}

pub(super) fn rejected<T: std::fmt::Debug>(r: Result<T, WriteError>) -> dsl_domain::ApiError {
    match r {
        Err(WriteError::Rejected(e)) => e,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

pub(super) fn record(
    v: &mut Vault,
    id: i64,
    node: Option<&str>,
    person: Option<i64>,
    body: EntryBody,
) -> Result<IncidentDetail, WriteError> {
    v.record_entry(
        id,
        &EntryInput {
            node_id: node.map(str::to_string),
            person_id: person,
            body,
            people: None,
            evidence: None,
            happened: None,
        },
        now(),
    )
}

#[test]
fn every_record_type_round_trips() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let new = NewIncident {
        facts: facts("<b>Image</b> sent to a pupil", "nudes-sharing"),
        people: vec![pupil("Zoë Ålesund", PersonRole::Victim)],
    };
    let id = v.create_incident(&new, now()).expect("created").id;
    let detail = v.incident(id).expect("loaded");
    assert_eq!(detail.reference, "OS-2026-0001");
    assert_eq!(detail.flow_id, "online-safety");
    assert_eq!(detail.facts, check(&new.facts));
    assert_eq!(detail.people.len(), 1);
    assert_eq!(detail.people[0].person.name, "Zoë Ålesund");
    assert_eq!(detail.people[0].person.year_group, Some(9));
    assert_eq!(detail.created_by, "Jo DSL");

    let mut details = BTreeMap::new();
    details.insert("what".to_string(), "Phone taken to the office".to_string());
    details.insert("by".to_string(), "Jo DSL".to_string());
    record(
        &mut v,
        id,
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: true,
            details: details.clone(),
            reason: String::new(),
        },
    )
    .expect("item");
    record(
        &mut v,
        id,
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "emergency-call".into(),
            done: false,
            details: BTreeMap::new(),
            reason: "No immediate danger".into(),
        },
    )
    .expect("not done");
    record(
        &mut v,
        id,
        Some("intake-immediate"),
        None,
        EntryBody::Complete { open: vec![] },
    )
    .expect("complete");
    record(
        &mut v,
        id,
        Some("nudes-check"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "Image of the pupil".into(),
        },
    )
    .expect("answer");
    let answers = ["adult", "coercion", "unusual", "under13", "immediate-risk"]
        .iter()
        .map(|q| ScreeningAnswer {
            question: q.to_string(),
            yes: *q == "adult",
        })
        .collect();
    record(
        &mut v,
        id,
        Some("ukcis"),
        None,
        EntryBody::Screening {
            answers,
            reason: "Sender is an adult".into(),
        },
    )
    .expect("screening");
    record(
        &mut v,
        id,
        None,
        None,
        EntryBody::Note {
            text: "Mum rang at 3pm".into(),
        },
    )
    .expect("note");

    let detail = v.incident(id).expect("loaded");
    assert_eq!(detail.chronology.len(), 6);
    assert_eq!(detail.flow.mark, Some(Mark::Illegal));
    assert_eq!(
        detail.flow.current.as_ref().map(|c| c.node_id.as_str()),
        Some("illegal-evidence")
    );
    let item = &detail.chronology[0].entry;
    assert_eq!(item.user_name, "Jo DSL");
    assert_eq!(
        item.body,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: true,
            details,
            reason: String::new()
        }
    );
    assert!(detail
        .chronology
        .iter()
        .any(|c| c.text == "Mum rang at 3pm"));

    // Facts corrected: a new version; the list shows the new summary.
    let mut fixed = new.facts.clone();
    fixed.summary = "Image sent to a pupil by an adult".into();
    v.correct_facts(id, &fixed, "Corrected at the DSL check", now())
        .expect("corrected");
    assert_eq!(v.incident(id).expect("loaded").facts.summary, fixed.summary);
    let versions: i64 = v
        .conn
        .query_row(
            "SELECT count(*) FROM incident_facts WHERE incident_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(versions, 2);
}

pub(super) fn check(f: &IncidentFacts) -> IncidentFacts {
    dsl_domain::incident::check_facts(f, now()).expect("valid")
}

#[test]
fn records_cannot_be_updated_or_deleted() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let id = v
        .create_incident(
            &NewIncident {
                facts: facts("s", "bullying"),
                people: vec![pupil("A", PersonRole::Victim)],
            },
            now(),
        )
        .expect("created")
        .id;
    record(&mut v, id, None, None, EntryBody::Note { text: "n".into() }).expect("note");
    for sql in [
        "UPDATE flow_entries SET body = '{}'",
        "DELETE FROM flow_entries",
        "UPDATE incident_facts SET facts = '{}'",
        "DELETE FROM incident_facts",
        "UPDATE involvements SET role = 'witness'",
        "DELETE FROM involvements",
        "DELETE FROM incidents",
        "UPDATE incidents SET reference = 'OS-1999-0001'",
        "DELETE FROM people",
    ] {
        assert!(v.conn.execute(sql, []).is_err(), "{sql} must be refused");
    }
}

#[test]
fn bad_input_is_refused_and_nothing_is_half_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let mut f = facts("s", "bullying");
    f.reported_at = f.occurred_at - Duration::hours(1);
    let e = v
        .create_incident(
            &NewIncident {
                facts: f,
                people: vec![],
            },
            now(),
        )
        .expect_err("refused");
    assert!(matches!(e, WriteError::Rejected(ref a) if a.field.as_deref() == Some("reportedAt")));
    // A bad person rolls back the whole incident.
    let mut bad = pupil("", PersonRole::Victim);
    if let Some(p) = bad.new_person.as_mut() {
        p.name = " ".into();
    }
    let e = v
        .create_incident(
            &NewIncident {
                facts: facts("s", "bullying"),
                people: vec![pupil("Ok", PersonRole::Victim), bad],
            },
            now(),
        )
        .expect_err("refused");
    assert!(matches!(e, WriteError::Rejected(_)));
    let count: i64 = v
        .conn
        .query_row(
            "SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM people)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(count, 0, "nothing half-written");
    assert!(matches!(v.incident(999), Err(crate::StoreError::NotFound)));
    let e = record(
        &mut v,
        999,
        None,
        None,
        EntryBody::Note { text: "x".into() },
    )
    .expect_err("unknown");
    assert!(matches!(e, WriteError::Store(crate::StoreError::NotFound)));
    let id = v
        .create_incident(
            &NewIncident {
                facts: facts("s", "bullying"),
                people: vec![],
            },
            now(),
        )
        .expect("ok")
        .id;
    let e = rejected(record(
        &mut v,
        id,
        Some("closed"),
        None,
        EntryBody::Closed { reason: "x".into() },
    ));
    assert_eq!(e.kind, ErrorKind::Conflict);
    let huge = "x".repeat(1_000_000);
    let e = rejected(record(
        &mut v,
        id,
        None,
        None,
        EntryBody::Note { text: huge },
    ));
    assert!(e.message.contains("too long"));
}

#[test]
fn each_write_returns_the_incident_as_it_then_loads() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let same = |v: &Vault, d: &IncidentDetail| {
        assert_eq!(
            format!("{d:?}"),
            format!("{:?}", v.incident(d.id).expect("loads"))
        );
    };
    // A time with more than milliseconds, as the clock gives.
    let at = now() + Duration::nanoseconds(123_456_789);
    let created = v
        .create_incident(
            &NewIncident {
                facts: facts("Messages on a group chat", "bullying"),
                people: vec![pupil("Zoë Ålesund", PersonRole::Victim)],
            },
            at,
        )
        .expect("created");
    same(&v, &created);
    let id = created.id;
    let noted = v
        .record_entry(
            id,
            &EntryInput {
                node_id: None,
                person_id: None,
                body: EntryBody::Note {
                    text: "Parents informed by phone".into(),
                },
                people: None,
                evidence: None,
                happened: None,
            },
            at,
        )
        .expect("note");
    assert_eq!(noted.chronology.len(), created.chronology.len() + 1);
    same(&v, &noted);
    let added = v
        .add_person(id, &pupil("Kai Brown", PersonRole::Witness), at)
        .expect("added");
    assert_eq!(added.people.len(), 2);
    same(&v, &added);
    let mut fixed = added.facts.clone();
    fixed.summary = "Messages and an image on a group chat".into();
    let corrected = v
        .correct_facts(id, &fixed, "Corrected at the DSL check", at)
        .expect("corrected");
    assert_eq!(corrected.facts.summary, fixed.summary);
    same(&v, &corrected);
}
