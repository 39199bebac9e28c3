//! The low-level concerns register and the allegations route as stored: concerns typed in or
//! recorded through the flow, the pattern about one adult, escalation to an allegation, the
//! headteacher as the alleged adult, retention after leaving, and who may see the register.

use chrono::Duration;
use dsl_domain::concern::NewConcern;
use dsl_domain::flow::{EntryBody, EntryInput, IncidentStatus};
use dsl_domain::incident::{IncidentFilter, PersonKind, PersonRole};
use dsl_domain::vault::Role;

use super::records::{d, forbidden, incident, person, person_id};
use crate::tests::support::{now, vault};
use crate::{KdfParams, StoreError, Vault, WriteError};

const HEAD_PASS: &str = "granite puffin saucer meadow";

fn concern(person: i64, on: chrono::NaiveDate, what: &str) -> NewConcern {
    NewConcern {
        person_id: Some(person),
        new_person: None,
        concern: what.into(),
        happened_on: on,
        raised_by: "Mr Łukasz Nowak".into(),
        context: "Break duty".into(),
        action: "Spoken to by the DSL".into(),
    }
}

fn answer(v: &mut Vault, id: i64, node: &str, person: Option<i64>, choice: &str) {
    v.record_entry(
        id,
        &EntryInput {
            node_id: Some(node.into()),
            person_id: person,
            body: EntryBody::Answer {
                choice: choice.into(),
                reason: "Recorded for the test".into(),
            },
            people: None,
            evidence: None,
            happened: None,
        },
        now(),
    )
    .expect("answer recorded");
}

fn item(
    v: &mut Vault,
    id: i64,
    node: &str,
    person: Option<i64>,
    item: &str,
    details: &[(&str, &str)],
) {
    v.record_entry(
        id,
        &EntryInput {
            node_id: Some(node.into()),
            person_id: person,
            body: EntryBody::Item {
                item: item.into(),
                done: true,
                details: details
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                reason: String::new(),
            },
            people: None,
            evidence: None,
            happened: None,
        },
        now(),
    )
    .expect("item recorded");
}

fn complete(v: &mut Vault, id: i64, node: &str, person: Option<i64>) {
    v.record_entry(
        id,
        &EntryInput {
            node_id: Some(node.into()),
            person_id: person,
            body: EntryBody::Complete { open: vec![] },
            people: None,
            evidence: None,
            happened: None,
        },
        now(),
    )
    .expect("step completed");
}

/// An incident about a member of staff walked to the harm-threshold question.
fn staff_incident(v: &mut Vault, name: &str) -> (i64, i64) {
    let id = incident(
        v,
        "Messages to a pupil outside school hours",
        vec![
            person(
                PersonKind::Pupil,
                "Zoë Pupil",
                Some(d(2011, 4, 2)),
                PersonRole::Victim,
            ),
            person(PersonKind::Staff, name, None, PersonRole::Alleged),
        ],
    )
    .expect("incident");
    let staff = person_id(v, id, name);
    item(
        v,
        id,
        "intake-immediate",
        None,
        "immediate-actions",
        &[("what", "Pupil safe"), ("by", "DSL")],
    );
    complete(v, id, "intake-immediate", None);
    answer(v, id, "nudes-check", None, "no");
    answer(v, id, "illegal-decision", None, "no");
    item(v, id, "unsuitable-record", None, "logged", &[]);
    complete(v, id, "unsuitable-record", None);
    (id, staff)
}

/// Judges the adult's case below the harm threshold and records the low-level concern in the flow.
fn flow_concern(v: &mut Vault, id: i64, staff: i64, what: &str) {
    answer(v, id, "na-threshold", Some(staff), "no");
    answer(v, id, "na-review", Some(staff), "deliberate");
    item(
        v,
        id,
        "na-low-level",
        Some(staff),
        "low-level",
        &[("detail", what)],
    );
}

#[test]
fn concerns_typed_and_recorded_through_the_flow_show_as_one_pattern() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (id, staff) = staff_incident(&mut v, "Mr Tom Adult");
    flow_concern(&mut v, id, staff, "Shared his personal number with a pupil");
    let today = d(2026, 11, 22);
    v.add_concern(
        &concern(staff, d(2026, 9, 14), "Over-familiar with Year 10 pupils"),
        now(),
    )
    .expect("typed in");
    let p = v
        .add_concern(
            &concern(
                staff,
                d(2026, 10, 3),
                "Photographed pupils on his own phone",
            ),
            now(),
        )
        .expect("typed in");
    assert_eq!(p.count, 3);
    assert_eq!(p.first, Some(d(2026, 9, 14)));
    assert_eq!(
        p.last,
        Some(d(2026, 11, 19)),
        "the flow's concern is dated when it happened"
    );
    assert_eq!(p.in_last_year, 3);
    let from_flow = p
        .concerns
        .iter()
        .find(|c| c.from_incident.is_some())
        .expect("the flow's concern is in the register");
    assert_eq!(from_flow.concern, "Shared his personal number with a pupil");
    assert_eq!(from_flow.from_incident.as_ref().map(|l| l.id), Some(id));
    let register = v.concern_register(today).expect("register");
    assert_eq!(register.len(), 1);
    assert_eq!(register[0].count, 3);
    assert_eq!(register[0].person.id, staff);

    // Recorded again in the flow (corrected), the earlier words leave the register.
    item(
        &mut v,
        id,
        "na-low-level",
        Some(staff),
        "low-level",
        &[("detail", "Gave his personal number to a pupil")],
    );
    let p = v.concerns_about(staff, today).expect("pattern");
    assert_eq!(p.count, 3);
    assert!(p
        .concerns
        .iter()
        .any(|c| c.concern == "Gave his personal number to a pupil"));
    assert!(!p
        .concerns
        .iter()
        .any(|c| c.concern == "Shared his personal number with a pupil"));
    assert!(v.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn escalating_concerns_opens_an_allegation_whose_route_asks_the_threshold_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let first = v
        .add_concern(
            &NewConcern {
                person_id: None,
                new_person: Some(dsl_domain::incident::NewPerson {
                    kind: PersonKind::Volunteer,
                    name: "Siobhán Volunteer".into(),
                    year_group: None,
                    date_of_birth: None,
                    job_title: "Reading volunteer".into(),
                    headteacher: None,
                }),
                concern: "Kept a pupil behind alone".into(),
                happened_on: d(2026, 9, 1),
                raised_by: "Teacher".into(),
                context: String::new(),
                action: String::new(),
            },
            now(),
        )
        .expect("new adult and concern");
    let adult = first.person.id;
    v.add_concern(
        &concern(adult, d(2026, 10, 1), "Messaged a pupil on social media"),
        now(),
    )
    .expect("second");
    let p = v
        .add_concern(
            &concern(adult, d(2026, 11, 1), "Gave a pupil a gift"),
            now(),
        )
        .expect("third");
    let ids: Vec<i64> = p.concerns.iter().map(|c| c.id).collect();
    let escalated = v.escalate_concerns(adult, &ids, now()).expect("escalated");
    assert!(escalated
        .facts
        .summary
        .contains("Escalated from 3 low-level concerns"));
    assert!(escalated.facts.summary.contains("Gave a pupil a gift"));
    let alleged = escalated
        .people
        .iter()
        .find(|i| i.person.id == adult)
        .expect("the adult is in it");
    assert_eq!(alleged.role, PersonRole::Alleged);
    // Each escalated concern links to the incident; escalating again is refused.
    let p = v.concerns_about(adult, d(2026, 11, 22)).expect("pattern");
    assert!(p
        .concerns
        .iter()
        .all(|c| c.escalated_to.as_ref().map(|l| l.id) == Some(escalated.id)));
    assert!(matches!(
        v.escalate_concerns(adult, &ids[..1], now()),
        Err(WriteError::Rejected(_))
    ));
    // The new incident's route reaches the threshold question for the adult.
    let id = escalated.id;
    item(
        &mut v,
        id,
        "intake-immediate",
        None,
        "immediate-actions",
        &[("what", "None needed"), ("by", "DSL")],
    );
    complete(&mut v, id, "intake-immediate", None);
    answer(&mut v, id, "nudes-check", None, "no");
    answer(&mut v, id, "illegal-decision", None, "no");
    item(&mut v, id, "unsuitable-record", None, "logged", &[]);
    complete(&mut v, id, "unsuitable-record", None);
    let detail = v.incident(id).expect("incident");
    let current = detail.flow.current.expect("current");
    assert_eq!(
        (current.node_id.as_str(), current.person_id),
        ("na-threshold", Some(adult))
    );
    let due = detail
        .due
        .first()
        .cloned()
        .expect("the LADO consultation is due");
    assert_eq!(due.label, "LADO consultation");
    // Sunday 22 November 10:00 UTC: the clock starts Monday; due by the end of Monday.
    assert_eq!(due.at.to_rfc3339(), "2026-11-23T23:59:00+00:00");
    let listed = v
        .list_incidents(&IncidentFilter::default(), 100)
        .expect("list");
    assert_eq!(listed[0].due.as_ref(), Some(&due), "the list shows it too");
    assert!(v.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn an_allegation_about_the_head_goes_to_the_chair_once_the_head_is_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (id, head) = staff_incident(&mut v, "Dr Pat Head");
    answer(&mut v, id, "na-threshold", Some(head), "yes");
    assert_eq!(
        v.incident(id).expect("i").flow.current.expect("c").node_id,
        "na-lado"
    );
    // Recorded as the headteacher: the same answers now lead to the chair of governors.
    let p = v
        .set_staff_details(head, true, None, now())
        .expect("recorded as the head");
    assert!(p.headteacher);
    let detail = v.incident(id).expect("incident");
    assert_eq!(detail.flow.current.expect("current").node_id, "na-chair");
    assert!(detail.people.iter().any(|i| i.person.headteacher));
    // Pupils cannot be the headteacher; dates left cannot be in the future.
    let pupil = person_id(&v, id, "Zoë Pupil");
    assert!(matches!(
        v.set_staff_details(pupil, true, None, now()),
        Err(WriteError::Rejected(_))
    ));
    assert!(matches!(
        v.set_staff_details(head, true, Some(d(2027, 1, 1)), now()),
        Err(WriteError::Rejected(_))
    ));
    assert!(v.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn the_outcome_waits_as_awaiting_the_lado() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (id, staff) = staff_incident(&mut v, "Ms Ann Teacher");
    answer(&mut v, id, "na-threshold", Some(staff), "unsure");
    item(
        &mut v,
        id,
        "na-lado",
        Some(staff),
        "lado",
        &[
            ("when", "2026-11-21T09:15"),
            ("who", "Jan LADO"),
            ("advice", "No investigation yet; strategy meeting Monday"),
        ],
    );
    complete(&mut v, id, "na-lado", Some(staff));
    assert!(
        v.incident(id).expect("i").due.is_empty(),
        "consulted: nothing due"
    );
    item(
        &mut v,
        id,
        "na-suspension",
        Some(staff),
        "suspension",
        &[
            ("decision", "Not suspended"),
            (
                "alternative",
                "Supervision: no unsupervised contact with children",
            ),
            (
                "reason",
                "The LADO advised supervision is enough while the facts are gathered",
            ),
        ],
    );
    complete(&mut v, id, "na-suspension", Some(staff));
    complete(&mut v, id, "na-agencies", Some(staff));
    item(
        &mut v,
        id,
        "unsuitable-investigate",
        None,
        "discussed",
        &[("findings", "As far as the LADO agreed")],
    );
    complete(&mut v, id, "unsuitable-investigate", None);
    let pupil = person_id(&v, id, "Zoë Pupil");
    item(
        &mut v,
        id,
        "victim-support",
        Some(pupil),
        "support",
        &[
            ("by", "Class teacher"),
            ("detail", "Check-ins with the form tutor"),
        ],
    );
    item(
        &mut v,
        id,
        "victim-support",
        Some(pupil),
        "parents",
        &[("when", "2026-11-21T10:00"), ("by", "DSL")],
    );
    complete(&mut v, id, "victim-support", Some(pupil));
    let listed = v
        .list_incidents(
            &IncidentFilter {
                status: Some(IncidentStatus::AwaitingLado),
                ..Default::default()
            },
            100,
        )
        .expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, IncidentStatus::AwaitingLado);
}

#[test]
fn concerns_are_kept_until_the_adult_has_left_plus_the_setting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (id, staff) = staff_incident(&mut v, "Mr Al Leaver");
    let _ = id;
    v.add_concern(&concern(staff, d(2020, 1, 10), "Shouted at pupils"), now())
        .expect("concern");
    let p = v.concerns_about(staff, d(2026, 11, 22)).expect("pattern");
    assert_eq!(p.retention.keep_until, None, "kept while they work here");
    assert!(matches!(
        v.destroy_concerns(staff, "Retention ended", now()),
        Err(WriteError::Rejected(_))
    ));
    v.set_concern_years(2, now()).expect("setting");
    v.set_staff_details(staff, false, Some(d(2023, 7, 31)), now())
        .expect("left");
    let p = v.concerns_about(staff, d(2026, 11, 22)).expect("pattern");
    assert_eq!(p.retention.keep_until, Some(d(2025, 7, 31)));
    assert!(p.retention.basis.contains("2 years after leaving"));
    assert_eq!(
        v.destroy_concerns(staff, "Retention ended", now())
            .expect("destroyed"),
        1
    );
    assert!(v
        .concern_register(d(2026, 11, 22))
        .expect("register")
        .is_empty());
    assert!(v.verify_audit().expect("verify").broken.is_none());
    // Nothing deletes a concern outside DSL Desk's destroy.
    v.add_concern(&concern(staff, d(2026, 1, 10), "Late to duty"), now())
        .expect("concern");
    assert!(v
        .conn()
        .execute("DELETE FROM low_level_concerns", [])
        .is_err());
    assert!(v
        .conn()
        .execute("UPDATE low_level_concerns SET concern = 'x'", [])
        .is_err());
}

#[test]
fn only_the_dsl_and_deputies_see_the_register() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (_, staff) = staff_incident(&mut v, "Mr Dan Staff");
    v.add_concern(&concern(staff, d(2026, 11, 2), "Favouritism"), now())
        .expect("concern");
    v.add_user(
        "Pat Head",
        Role::Headteacher,
        HEAD_PASS,
        KdfParams::default(),
        now(),
    )
    .expect("head");
    drop(v);
    let mut head = Vault::unlock(dir.path(), HEAD_PASS).expect("head unlocks");
    assert!(matches!(
        head.concern_register(d(2026, 11, 22)),
        Err(StoreError::NotPermitted(_))
    ));
    assert!(matches!(
        head.concerns_about(staff, d(2026, 11, 22)),
        Err(StoreError::NotPermitted(_))
    ));
    forbidden(head.add_concern(&concern(staff, d(2026, 11, 3), "x"), now()));
    forbidden(head.escalate_concerns(staff, &[1], now()));
    let _ = Duration::days(1);
}

#[test]
fn a_vault_user_is_linked_to_the_member_of_staff_they_are_in_the_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (id, head) = staff_incident(&mut v, "Dr Pat Head");
    let user = v
        .add_user(
            "Pat Head",
            Role::Headteacher,
            HEAD_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("head's user");
    v.link_user_person(user.id, Some(head), now())
        .expect("linked");
    let listed = v.users().expect("users");
    let linked = listed
        .iter()
        .find(|u| u.id == user.id)
        .expect("the head's user");
    assert_eq!(linked.person.as_ref().map(|p| p.id), Some(head));
    // Only staff and volunteers; only a DSL or deputy links.
    let pupil = person_id(&v, id, "Zoë Pupil");
    assert!(matches!(
        v.link_user_person(user.id, Some(pupil), now()),
        Err(WriteError::Rejected(_))
    ));
    assert!(v.verify_audit().expect("verify").broken.is_none());
    drop(v);
    let mut as_head = Vault::unlock(dir.path(), HEAD_PASS).expect("head unlocks");
    forbidden(as_head.link_user_person(user.id, None, now()));
}

#[test]
fn a_changed_threshold_answer_takes_the_flows_concern_out_of_the_register() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (id, staff) = staff_incident(&mut v, "Mr Jo Changed");
    flow_concern(&mut v, id, staff, "Shouted at a pupil");
    let today = d(2026, 11, 22);
    assert_eq!(v.concerns_about(staff, today).expect("pattern").count, 1);
    // On reflection the threshold is met: the concern leaves the register (it stays in the
    // incident's chronology), and the adult is an allegation instead.
    answer(&mut v, id, "na-threshold", Some(staff), "yes");
    assert_eq!(v.concerns_about(staff, today).expect("pattern").count, 0);
    assert!(v.concern_register(today).expect("register").is_empty());
    assert!(v.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn no_one_decides_on_concerns_about_themselves_and_the_years_are_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (_, me) = staff_incident(&mut v, "Jo DSL");
    v.add_concern(&concern(me, d(2020, 1, 10), "Late to duty"), now())
        .expect("concern about the DSL");
    let jo = v
        .users()
        .expect("users")
        .into_iter()
        .find(|u| u.is_you)
        .expect("the signed-in DSL");
    v.link_user_person(jo.id, Some(me), now()).expect("linked");
    for refused in [
        v.set_staff_details(me, false, Some(d(2021, 1, 1)), now())
            .map(|_| ()),
        v.destroy_concerns(me, "Retention ended", now()).map(|_| ()),
        v.escalate_concerns(me, &[1], now()).map(|_| ()),
    ] {
        match refused {
            Err(WriteError::Rejected(e)) => {
                assert_eq!(e.kind, dsl_domain::ErrorKind::Forbidden);
                assert!(!e.message.contains("Jo DSL"), "no name in the message");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert!(matches!(
        v.set_concern_years(0, now()),
        Err(WriteError::Rejected(_))
    ));
}

/// Walks an incident to its end and closes it: the first choice of each question (or the one
/// given for that step), every mandatory item done with plausible details.
fn walk_to_close(v: &mut Vault, id: i64, answers: &[(&str, &str)]) {
    use dsl_domain::flow::{FieldKind, StepKind};
    for _ in 0..200 {
        let detail = v.incident(id).expect("incident");
        let Some(step) = detail.flow.current else {
            return;
        };
        let node = step.node_id.clone();
        let person = step.person_id;
        match step.kind {
            StepKind::End => {
                v.record_entry(
                    id,
                    &EntryInput {
                        node_id: None,
                        person_id: None,
                        body: EntryBody::Closed {
                            reason: "All done".into(),
                        },
                        people: None,
                        evidence: None,
                        happened: None,
                    },
                    now(),
                )
                .expect("closed");
                return;
            }
            StepKind::Question => {
                let choice = answers
                    .iter()
                    .find(|(n, _)| *n == node)
                    .map(|(_, c)| c.to_string())
                    .unwrap_or_else(|| step.choices[0].id.clone());
                answer(v, id, &node, person, &choice);
            }
            StepKind::Action => {
                for it in step.items.iter().filter(|i| i.item.mandatory) {
                    let details: Vec<(String, String)> = it
                        .item
                        .fields
                        .iter()
                        .map(|f| {
                            let value = match f.kind {
                                FieldKind::Choice => f.options[0].clone(),
                                FieldKind::Datetime => "2026-11-20T10:30".into(),
                                FieldKind::Date => "2027-01-15".into(),
                                _ => "Recorded".into(),
                            };
                            (f.id.clone(), value)
                        })
                        .collect();
                    let pairs: Vec<(&str, &str)> = details
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    item(v, id, &node, person, &it.item.id, &pairs);
                }
                complete(v, id, &node, person);
            }
            other => panic!("unexpected step kind {other:?}"),
        }
    }
    panic!("the walk did not end");
}

#[test]
fn a_closed_case_about_the_head_keeps_the_chair_when_the_mark_is_later_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let (id, head) = staff_incident(&mut v, "Dr Pat Former");
    v.set_staff_details(head, true, None, now())
        .expect("the head");
    walk_to_close(
        &mut v,
        id,
        &[("na-threshold", "yes"), ("ao-outcome", "unfounded")],
    );
    let closed = v.incident(id).expect("incident");
    assert_eq!(closed.flow.status, IncidentStatus::Closed);
    assert!(closed.flow.path.iter().any(|p| p.node_id == "na-chair"));
    // The head leaves and the mark is removed: the closed case still went to the chair.
    v.set_staff_details(head, false, Some(d(2026, 11, 1)), now())
        .expect("no longer the head");
    let after = v.incident(id).expect("incident");
    assert!(!after.people.iter().any(|i| i.person.headteacher));
    assert!(after.flow.path.iter().any(|p| p.node_id == "na-chair"));
    assert_eq!(after.flow.status, IncidentStatus::Closed);
    assert!(v.verify_audit().expect("verify").broken.is_none());
}
