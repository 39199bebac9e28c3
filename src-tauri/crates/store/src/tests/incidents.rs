//! Incident records: round trips, append-only rules, the list, search and a person's history.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dsl_domain::flow::{EntryBody, EntryInput, IncidentStatus, Mark, ScreeningAnswer};
use dsl_domain::incident::{
    Discovery, IncidentDetail, IncidentFacts, IncidentFilter, InvolvementInput, Location,
    MonitoringAlert, NewIncident, NewPerson, PersonKind, PersonRole, RiskArea,
};
use dsl_domain::vault::Role as UserRole;
use dsl_domain::ErrorKind;

use crate::{KdfParams, Vault, WriteError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid")
}

fn vault(dir: &std::path::Path) -> Vault {
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

fn facts(summary: &str, activity: &str) -> IncidentFacts {
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

fn pupil(name: &str, role: PersonRole) -> InvolvementInput {
    InvolvementInput {
        person_id: None,
        new_person: Some(NewPerson {
            kind: PersonKind::Pupil,
            name: name.into(),
            year_group: Some(9),
            date_of_birth: NaiveDate::from_ymd_opt(2012, 5, 6),
            job_title: String::new(),
        }),
        role,
    }
}

fn rejected<T: std::fmt::Debug>(r: Result<T, WriteError>) -> dsl_domain::ApiError {
    match r {
        Err(WriteError::Rejected(e)) => e,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn record(
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
        },
        now(),
    )
}

#[test]
fn every_record_type_round_trips() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let new = NewIncident {
        facts: facts("<b>Image</b> sent to a pupil", "child-abuse-images"),
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
    v.correct_facts(id, &fixed, now()).expect("corrected");
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

fn check(f: &IncidentFacts) -> IncidentFacts {
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
fn list_filters_search_and_person_history() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let a = v
        .create_incident(
            &NewIncident {
                facts: facts("Image from an adult on a social app", "child-abuse-images"),
                people: vec![pupil("Siobhán Kelly", PersonRole::Victim)],
            },
            now(),
        )
        .expect("a")
        .id;
    let siobhan = v.incident(a).expect("a").people[0].person.id;
    let b = v
        .create_incident(
            &NewIncident {
                facts: facts("Group chat bullying", "bullying"),
                people: vec![
                    InvolvementInput {
                        person_id: Some(siobhan),
                        new_person: None,
                        role: PersonRole::Instigator,
                    },
                    pupil("Tom Brown", PersonRole::Victim),
                ],
            },
            now() + Duration::minutes(1),
        )
        .expect("b")
        .id;
    assert_eq!(v.incident(b).expect("b").reference, "OS-2026-0002");
    record(
        &mut v,
        a,
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: true,
            details: [
                ("what".to_string(), "x".to_string()),
                ("by".to_string(), "y".to_string()),
            ]
            .into(),
            reason: String::new(),
        },
    )
    .expect("x");
    record(
        &mut v,
        a,
        Some("intake-immediate"),
        None,
        EntryBody::Complete { open: vec![] },
    )
    .expect("c");
    record(
        &mut v,
        a,
        Some("nudes-check"),
        None,
        EntryBody::Answer {
            choice: "no".into(),
            reason: "not an image of a child".into(),
        },
    )
    .expect("c");
    record(
        &mut v,
        a,
        Some("illegal-decision"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "indecent image".into(),
        },
    )
    .expect("c");

    let all = v
        .list_incidents(&IncidentFilter::default(), 100)
        .expect("list");
    assert_eq!(all.len(), 2);
    let only = |f: IncidentFilter| -> Vec<String> {
        v.list_incidents(&f, 100)
            .expect("list")
            .into_iter()
            .map(|s| s.reference)
            .collect()
    };
    assert_eq!(
        only(IncidentFilter {
            illegal: Some(true),
            ..Default::default()
        }),
        vec!["OS-2026-0001"]
    );
    assert_eq!(
        only(IncidentFilter {
            illegal: Some(false),
            ..Default::default()
        }),
        vec!["OS-2026-0002"]
    );
    assert_eq!(
        only(IncidentFilter {
            activity_type: Some("bullying".into()),
            ..Default::default()
        }),
        vec!["OS-2026-0002"]
    );
    assert_eq!(
        only(IncidentFilter {
            text: Some("tom".into()),
            ..Default::default()
        }),
        vec!["OS-2026-0002"]
    );
    assert_eq!(
        only(IncidentFilter {
            text: Some("OS-2026-0001".into()),
            ..Default::default()
        }),
        vec!["OS-2026-0001"]
    );
    assert_eq!(
        only(IncidentFilter {
            text: Some("indecent image".into()),
            ..Default::default()
        }),
        vec!["OS-2026-0001"]
    );
    assert_eq!(
        only(IncidentFilter {
            person_id: Some(siobhan),
            ..Default::default()
        })
        .len(),
        2
    );
    assert_eq!(
        only(IncidentFilter {
            status: Some(IncidentStatus::Closed),
            ..Default::default()
        })
        .len(),
        0
    );
    let day = now().date_naive();
    assert_eq!(
        only(IncidentFilter {
            from: Some(day),
            to: Some(day),
            ..Default::default()
        })
        .len(),
        2
    );
    assert_eq!(
        only(IncidentFilter {
            from: day.succ_opt(),
            ..Default::default()
        })
        .len(),
        0
    );

    let history = v.person_history(siobhan).expect("history");
    let roles: Vec<PersonRole> = history.incidents.iter().map(|i| i.role).collect();
    assert_eq!(
        roles,
        vec![PersonRole::Instigator, PersonRole::Victim],
        "her own role in each, newest first"
    );
    assert_eq!(v.find_people("SIOB", 10).expect("find").len(), 1);
    let tom = v
        .incident(b)
        .expect("b")
        .people
        .iter()
        .find(|i| i.person.name == "Tom Brown")
        .map(|i| i.role);
    assert_eq!(
        tom,
        Some(PersonRole::Victim),
        "linking two pupils never swaps their roles"
    );
}

#[test]
fn demo_vaults_are_deterministic_and_walk_the_real_flow() {
    let spec = crate::demo::DemoSpec {
        seed: 42,
        incidents: 60,
        pupils: 40,
        years: 3,
        until: now(),
    };
    let summaries = |seed_dir: &std::path::Path| {
        let mut v = vault(seed_dir);
        let stats = v.generate_demo(&spec).expect("generated");
        let rows: Vec<(String, String, Vec<String>)> = v
            .list_incidents(&IncidentFilter::default(), 1000)
            .expect("list")
            .into_iter()
            .map(|s| (s.reference, s.summary, s.people))
            .collect();
        (stats, rows, v)
    };
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let (stats_a, rows_a, v) = summaries(a.path());
    let (stats_b, rows_b, _) = summaries(b.path());
    assert_eq!(stats_a, stats_b);
    assert_eq!(rows_a, rows_b, "same seed, same vault");
    assert_eq!(stats_a.incidents, 60);
    assert!(
        stats_a.entries > 60 * 5,
        "each incident walks the flow: {}",
        stats_a.entries
    );
    let closed = v
        .list_incidents(
            &IncidentFilter {
                status: Some(IncidentStatus::Closed),
                ..Default::default()
            },
            1000,
        )
        .expect("closed");
    assert!(
        closed.len() > 30,
        "older incidents are closed: {}",
        closed.len()
    );
    let illegal = v
        .list_incidents(
            &IncidentFilter {
                illegal: Some(true),
                ..Default::default()
            },
            1000,
        )
        .expect("illegal");
    assert!(!illegal.is_empty() && illegal.len() < 60);
    // Every generated incident opens and replays cleanly.
    for s in &closed {
        let d = v.incident(s.id).expect("opens");
        assert!(d.flow.at_end);
    }
}

#[test]
fn demo_pupils_are_on_roll_and_the_right_age_when_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut v = vault(dir.path());
    let stats = v
        .generate_demo(&crate::demo::DemoSpec {
            seed: 9,
            incidents: 700,
            pupils: 350,
            years: 12,
            until: now(),
        })
        .expect("generated");
    // 50 join each September; 12 years of incidents see about 18 cohorts.
    assert!(
        stats.people > 350 && stats.people < 18 * 50,
        "pupils: {}",
        stats.people
    );
    assert!(
        stats.evidence > 700,
        "about two items each: {}",
        stats.evidence
    );
    let mut seen = std::collections::HashMap::new();
    for s in v
        .list_incidents(&IncidentFilter::default(), 1000)
        .expect("list")
    {
        let d = v.incident(s.id).expect("opens");
        let on = d.facts.occurred_at.date_naive();
        for p in d
            .people
            .iter()
            .filter(|i| i.person.kind == PersonKind::Pupil)
        {
            let born = p.person.date_of_birth.expect("pupils have a date of birth");
            let age = on.years_since(born).expect("born before");
            assert!((11..=18).contains(&age), "a pupil aged {age} at school");
            *seen.entry(p.person.id).or_insert(0) += 1;
        }
    }
    let repeat = seen.values().filter(|n| **n > 1).count();
    assert!(
        repeat > 20,
        "some pupils are named more than once: {repeat}"
    );
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
    let corrected = v.correct_facts(id, &fixed, at).expect("corrected");
    assert_eq!(corrected.facts.summary, fixed.summary);
    same(&v, &corrected);
}
