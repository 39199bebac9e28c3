//! The allegations route of the current flow (KCSIE Part 4), from both sides of the chart: the
//! harm threshold first, the LADO before anything else, suspension considered, the outcome and
//! what follows, the headteacher as the alleged adult, and no double counting.

use super::*;
use crate::allegation::Outcome;
use crate::stats::{incident_stat_in, StatEvent};

fn head(id: i64) -> Involvement {
    let mut p = person(id, PersonKind::Staff, PersonRole::Alleged);
    p.person.headteacher = true;
    p
}

/// The current step's id and person.
fn at(s: &Sim) -> (String, Option<i64>) {
    let c = s.current();
    (c.node_id, c.person_id)
}

fn route(s: &Sim) -> Vec<String> {
    s.state().path.iter().map(|p| p.node_id.clone()).collect()
}

/// Walks a not-illegal incident to the allegations step.
fn to_not_illegal(s: &mut Sim) {
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    s.do_step("unsuitable-record");
}

/// Walks an incident onto the illegal route, through the evidence and the police.
fn to_illegal_police(s: &mut Sim) {
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "yes");
    s.do_step("illegal-evidence");
    s.do_step("illegal-police");
}

/// The rest of the not-illegal route for a victim pupil.
fn pupils_and_review_steps(s: &mut Sim) {
    s.do_step("unsuitable-investigate");
    s.do_step("victim-support");
}

/// The LADO part of the allegations route for one adult on the not-illegal side.
fn lado_part(s: &mut Sim, prefix: &str) {
    s.do_step(&format!("{prefix}-lado"));
    s.do_step(&format!("{prefix}-suspension"));
    s.do_step(&format!("{prefix}-agencies"));
}

#[test]
fn not_illegal_side_threshold_met_asks_the_lado_first_and_waits_for_the_outcome() {
    let mut s = Sim::current_flow(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Staff, PersonRole::Alleged),
    ]);
    to_not_illegal(&mut s);
    // The threshold comes before anyone investigates.
    assert_eq!(at(&s), ("na-threshold".to_string(), Some(2)));
    let guidance = s.current().guidance.join(" ");
    assert!(guidance.contains("Do not investigate, do not interview the child or the adult"));
    assert!(guidance.contains("do not tell the adult"));
    s.answer("na-threshold", "yes");
    // Not the head: straight to the LADO.
    assert_eq!(at(&s).0, "na-lado");
    lado_part(&mut s, "na");
    pupils_and_review_steps(&mut s);
    // The outcome waits for the LADO's process.
    assert_eq!(at(&s), ("ao-outcome".to_string(), Some(2)));
    assert_eq!(s.state().status, IncidentStatus::AwaitingLado);
    s.answer("ao-outcome", "unsubstantiated");
    assert_eq!(s.state().status, IncidentStatus::Open);
    s.do_step("ao-not-proven");
    s.do_step("ao-review");
    s.review_and_close();
    let r = route(&s);
    let pos = |id: &str| r.iter().position(|x| x == id).expect(id);
    assert!(pos("na-threshold") < pos("na-lado"));
    assert!(pos("na-lado") < pos("unsuitable-investigate"));
    assert!(pos("unsuitable-investigate") < pos("ao-outcome"));
    assert!(
        !r.iter().any(|x| x == "na-chair"),
        "not the head: no chair step"
    );
}

#[test]
fn a_police_referral_the_lado_advised_on_the_not_illegal_side_is_not_a_police_finding() {
    let mut s = Sim::current_flow(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    to_not_illegal(&mut s);
    s.answer("na-threshold", "yes");
    s.do_step("na-lado");
    s.do_step("na-suspension");
    s.try_record(
        Some("na-agencies"),
        Some(2),
        EntryBody::Item {
            item: "police".into(),
            done: true,
            details: [("when".to_string(), "2026-11-20T10:30".to_string())].into(),
            reason: String::new(),
        },
    )
    .expect("police referral recorded");
    let stat = incident_stat_in(
        Some(&s.flow),
        &facts(),
        &s.people,
        &s.entries,
        s.state().mark,
    );
    assert!(stat.police_referred());
    assert!(!stat.was_illegal);
    assert!(!stat.police_found_nothing_illegal());
}

#[test]
fn unsure_is_treated_as_an_allegation() {
    let mut s = Sim::current_flow(vec![person(2, PersonKind::Volunteer, PersonRole::Alleged)]);
    to_not_illegal(&mut s);
    s.answer("na-threshold", "unsure");
    assert_eq!(at(&s).0, "na-lado");
}

#[test]
fn threshold_not_met_records_a_low_level_concern_and_asks_no_outcome() {
    let mut s = Sim::current_flow(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    to_not_illegal(&mut s);
    s.answer("na-threshold", "no");
    s.answer("na-review", "deliberate");
    s.do_step("na-low-level");
    s.do_step("unsuitable-investigate");
    // Straight past the outcomes to the review.
    assert_eq!(at(&s).0, "review-parents");
    let outcomes = s
        .state()
        .path
        .into_iter()
        .find(|p| p.node_id == "allegation-outcomes")
        .expect("the outcomes step is passed");
    assert_eq!(outcomes.summary, "No one in this incident needs this step");
    assert!(!route(&s).contains(&"na-lado".to_string()));
}

#[test]
fn illegal_side_then_police_find_nothing_illegal_asks_the_threshold_once() {
    let mut s = Sim::current_flow(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Staff, PersonRole::Alleged),
    ]);
    to_illegal_police(&mut s);
    s.do_step("child-referral");
    assert_eq!(at(&s), ("il-threshold".to_string(), Some(2)));
    s.answer("il-threshold", "yes");
    s.do_step("il-lado");
    s.do_step("il-suspension");
    s.do_step("il-agencies");
    s.do_step("illegal-irm");
    s.answer("illegal-await-police", "not-confirmed");
    s.do_step("unsuitable-record");
    // The adult was assessed on the illegal side: not asked again.
    assert_eq!(at(&s).0, "unsuitable-investigate");
    let skipped = s
        .state()
        .path
        .into_iter()
        .find(|p| p.node_id == "unsuitable-allegations")
        .expect("passed");
    assert_eq!(skipped.summary, "No one in this incident needs this step");
    s.do_step("unsuitable-investigate");
    s.do_step("victim-support");
    s.answer("ao-outcome", "substantiated");
    s.do_step("ao-substantiated");
    s.do_step("ao-review");
    s.review_and_close();
    assert_eq!(s.state().mark, Some(Mark::NotIllegal));
    // One allegation, one LADO referral, one outcome; the police referral is kept.
    let stat = incident_stat_in(
        Some(&s.flow),
        &facts(),
        &s.people,
        &s.entries,
        s.state().mark,
    );
    let lado = stat
        .events
        .iter()
        .filter(|e| {
            matches!(
                e,
                StatEvent::Referral {
                    agency: crate::stats::Agency::Lado,
                    ..
                }
            )
        })
        .count();
    assert_eq!(lado, 1);
    assert!(stat.police_referred());
    assert!(
        stat.police_found_nothing_illegal(),
        "counted as what it was"
    );
    assert!(stat.allegation());
    assert_eq!(
        stat.events
            .iter()
            .filter(|e| matches!(
                e,
                StatEvent::AllegationOutcome {
                    outcome: Outcome::Substantiated,
                    ..
                }
            ))
            .count(),
        1
    );
}

#[test]
fn illegal_side_confirmed_goes_to_the_outcome_before_review() {
    let mut s = Sim::current_flow(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    to_illegal_police(&mut s);
    s.answer("il-threshold", "unsure");
    s.do_step("il-lado");
    s.do_step("il-suspension");
    s.do_step("il-agencies");
    s.do_step("illegal-irm");
    s.answer("illegal-await-police", "confirmed");
    assert_eq!(at(&s), ("ao-outcome".to_string(), Some(2)));
    assert_eq!(s.state().status, IncidentStatus::AwaitingLado);
}

#[test]
fn illegal_side_threshold_not_met_records_the_concern() {
    let mut s = Sim::current_flow(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    to_illegal_police(&mut s);
    s.answer("il-threshold", "no");
    s.answer("il-review", "accidental");
    s.do_step("il-low-level");
    assert_eq!(at(&s).0, "illegal-irm");
}

#[test]
fn each_outcome_leads_to_what_follows_from_it() {
    let follows = [
        (Outcome::Substantiated, "ao-substantiated"),
        (Outcome::Malicious, "ao-malicious"),
        (Outcome::False, "ao-false"),
        (Outcome::Unsubstantiated, "ao-not-proven"),
        (Outcome::Unfounded, "ao-not-proven"),
    ];
    for (outcome, step) in follows {
        let mut s = Sim::current_flow(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
        to_not_illegal(&mut s);
        s.answer("na-threshold", "yes");
        lado_part(&mut s, "na");
        s.do_step("unsuitable-investigate");
        s.answer("ao-outcome", outcome.as_str());
        assert_eq!(at(&s).0, step, "{outcome:?}");
        let labels: Vec<String> = s
            .current()
            .items
            .iter()
            .map(|i| i.item.label.clone())
            .collect();
        let text = labels.join(" | ");
        assert_eq!(
            text.contains("remove it from the adult's personnel record"),
            outcome.remove_from_personnel_record(),
            "{outcome:?}: {text}"
        );
        assert_eq!(
            text.contains("not to be mentioned in employer references"),
            !outcome.in_references(),
            "{outcome:?}: {text}"
        );
        // Disciplinary steps only now, and not after a malicious or false allegation.
        assert_eq!(
            text.contains("Course of action decided"),
            matches!(
                outcome,
                Outcome::Substantiated | Outcome::Unsubstantiated | Outcome::Unfounded
            ),
            "{outcome:?}"
        );
        s.do_step(step);
        s.do_step("ao-review");
        s.review_and_close();
    }
}

#[test]
fn an_allegation_about_the_head_goes_to_the_chair_and_never_offers_the_head() {
    let mut s = Sim::current_flow(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        head(2),
    ]);
    to_not_illegal(&mut s);
    s.answer("na-threshold", "yes");
    let chair = s.current();
    assert_eq!(chair.node_id, "na-chair");
    let ids: Vec<&str> = chair.items.iter().map(|i| i.item.id.as_str()).collect();
    assert_eq!(ids, ["chair", "restricted"]);
    assert!(chair
        .guidance
        .join(" ")
        .contains("must not handle the allegation"));
    s.do_step("na-chair");
    lado_part(&mut s, "na");
    s.do_step("unsuitable-investigate");
    // The pupil's support is never offered by the head.
    let support = s.current();
    assert_eq!(support.node_id, "victim-support");
    for item in &support.items {
        for f in &item.item.fields {
            assert!(
                !f.options.iter().any(|o| o.contains("eadteacher")),
                "{}: {:?}",
                f.id,
                f.options
            );
        }
    }
    s.do_step("victim-support");
    s.answer("ao-outcome", "unsubstantiated");
    let course = s
        .current()
        .items
        .into_iter()
        .find(|i| i.item.id == "course")
        .expect("course of action");
    let options = &course.item.fields[0].options;
    assert!(
        !options.iter().any(|o| o.contains("eadteacher")),
        "{options:?}"
    );
    assert!(options
        .iter()
        .any(|o| o == "Refer to the chair of governors"));
    // Typing the head's option in anyway is refused.
    let mut details = BTreeMap::new();
    details.insert("action".to_string(), "Refer to headteacher".to_string());
    let refused = s.try_record(
        Some("ao-not-proven"),
        Some(2),
        EntryBody::Item {
            item: "course".into(),
            done: true,
            details,
            reason: String::new(),
        },
    );
    assert!(refused.is_err());
    let path = s.state().path;
    let branch = path
        .iter()
        .find(|p| p.node_id == "na-head")
        .expect("branch");
    assert!(branch
        .summary
        .contains("chair of governors is the case manager"));
}

#[test]
fn for_anyone_else_the_head_is_offered_and_the_chair_is_not() {
    let mut s = Sim::current_flow(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    to_not_illegal(&mut s);
    s.answer("na-threshold", "no");
    s.answer("na-review", "accidental");
    let course = s
        .current()
        .items
        .into_iter()
        .find(|i| i.item.id == "course")
        .expect("course");
    let options = &course.item.fields[0].options;
    assert!(options.iter().any(|o| o == "Refer to headteacher"));
    assert!(!options
        .iter()
        .any(|o| o == "Refer to the chair of governors"));
}

#[test]
fn the_lado_consultation_is_due_one_working_day_after_the_report() {
    use chrono::{TimeZone, Utc};
    let mut s = Sim::current_flow(vec![
        person(2, PersonKind::Staff, PersonRole::Alleged),
        person(3, PersonKind::Volunteer, PersonRole::Alleged),
    ]);
    // Reported on Friday 4 December 2026 at 15:00 (GMT): due on Monday at 15:00, for each
    // adult, from the start (before the route reaches them).
    let reported = Utc
        .with_ymd_and_hms(2026, 12, 4, 15, 0, 0)
        .single()
        .expect("time");
    let due = |s: &Sim| due_steps(&s.flow, &s.state(), &s.people, &s.entries, reported);
    let monday = Utc
        .with_ymd_and_hms(2026, 12, 7, 15, 0, 0)
        .single()
        .expect("time");
    let first = due(&s);
    assert_eq!(first.len(), 2);
    assert!(first
        .iter()
        .all(|d| d.label == "LADO consultation" && d.at == monday));
    to_not_illegal(&mut s);
    s.answer("na-threshold", "yes");
    s.do_step("na-lado");
    // The first adult's LADO was consulted; the second's is still due while the first's
    // suspension is considered.
    assert_eq!(s.current().node_id, "na-suspension");
    let left = due(&s);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].person_label.as_deref(), Some("Person 3"));
    s.do_step("na-suspension");
    s.do_step("na-agencies");
    s.answer("na-threshold", "no");
    assert!(due(&s).is_empty(), "threshold not met: nothing due");
}

#[test]
fn on_the_illegal_route_the_lado_is_due_while_the_police_come_first() {
    use chrono::{TimeZone, Utc};
    let mut s = Sim::current_flow(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "yes");
    assert_eq!(s.current().node_id, "illegal-evidence");
    let reported = Utc
        .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
        .single()
        .expect("time");
    let due = due_steps(&s.flow, &s.state(), &s.people, &s.entries, reported);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].person_label.as_deref(), Some("Person 2"));
    // Version 1 has no deadlines.
    let v1 = Sim::new(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    assert!(due_steps(&v1.flow, &v1.state(), &v1.people, &v1.entries, reported).is_empty());
}

#[test]
fn version_one_incidents_keep_their_route() {
    // An incident recorded before version 2 replays against version 1's steps.
    let mut s = Sim::new(vec![person(2, PersonKind::Staff, PersonRole::Alleged)]);
    to_not_illegal(&mut s);
    assert_eq!(at(&s).0, "unsuitable-investigate");
}

fn facts() -> crate::incident::IncidentFacts {
    crate::incident::IncidentFacts {
        occurred_at: t0(),
        reported_at: t0(),
        reported_by_name: "A Teacher".into(),
        reported_by_role: "Teacher".into(),
        discovery: crate::incident::Discovery::Disclosure,
        monitoring: None,
        location: crate::incident::Location::InSchool,
        platform: String::new(),
        summary: "s".into(),
        childs_words: String::new(),
        risk_area: crate::incident::RiskArea::Conduct,
        activity_type: "bullying".into(),
    }
}
