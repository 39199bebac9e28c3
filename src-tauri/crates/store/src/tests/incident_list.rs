//! The incident list: filters, search and a person's history.

use chrono::Duration;
use dsl_domain::flow::{EntryBody, IncidentStatus};
use dsl_domain::incident::{IncidentFilter, InvolvementInput, NewIncident, PersonRole};

use super::incidents::{facts, now, pupil, record, vault};

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
    // The type is illegal in itself: the route is marked illegal without a question.

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
            text: Some("social app".into()),
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
