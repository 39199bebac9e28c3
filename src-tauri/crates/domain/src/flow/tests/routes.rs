//! Routes through the shipped flow, from the first step to closing.

use super::*;

#[test]
fn illegal_route_year9_pupil_sent_an_indecent_image_by_an_adult() {
    let mut s = Sim::new(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::AdultOutside, PersonRole::Alleged),
    ]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "yes");
    s.screening(&["adult"]);
    assert_eq!(s.state().mark, Some(Mark::Illegal));
    s.do_step("illegal-evidence");
    s.do_step("illegal-police");
    let c = s.current();
    assert_eq!(
        (c.node_id.as_str(), c.person_id),
        ("child-referral", Some(1))
    );
    assert_eq!(c.person_label.as_deref(), Some("Person 1"));
    s.do_step("child-referral");
    // The adult outside school is not staff: no LADO step.
    s.do_step("illegal-irm");
    assert_eq!(s.state().status, IncidentStatus::AwaitingPolice);
    s.try_record(
        None,
        None,
        EntryBody::Note {
            text: "PC 1234 says the phone is with forensics".into(),
        },
    )
    .expect("update while awaiting police");
    assert_eq!(s.state().status, IncidentStatus::AwaitingPolice);
    s.answer("illegal-await-police", "confirmed");
    assert_eq!(s.state().status, IncidentStatus::Open);
    s.review_and_close();
    assert_eq!(s.state().mark, Some(Mark::Illegal));
    let route: Vec<String> = s.state().path.iter().map(|p| p.node_id.clone()).collect();
    assert!(route.contains(&"illegal-adults".to_string()));
}

#[test]
fn illegal_route_with_staff_runs_the_lado_step_for_each() {
    let mut s = Sim::new(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Staff, PersonRole::Alleged),
        person(3, PersonKind::Volunteer, PersonRole::Alleged),
    ]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "yes");
    s.do_step("illegal-evidence");
    s.do_step("illegal-police");
    s.do_step("child-referral");
    assert_eq!(s.current().person_id, Some(2));
    s.do_step("adult-lado");
    assert_eq!(s.current().person_id, Some(3));
    s.do_step("adult-lado");
    s.do_step("illegal-irm");
    s.answer("illegal-await-police", "not-confirmed");
    assert_eq!(s.state().mark, Some(Mark::NotIllegal));
    assert_eq!(
        s.current().node_id,
        "unsuitable-record",
        "reverts to internal procedures"
    );
}

#[test]
fn non_illegal_route_bullying_in_a_group_chat() {
    let mut s = Sim::new(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Pupil, PersonRole::Instigator),
        person(3, PersonKind::Pupil, PersonRole::Witness),
    ]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    assert_eq!(s.state().mark, Some(Mark::NotIllegal));
    s.do_step("unsuitable-record");
    s.do_step("unsuitable-investigate");
    s.answer("unsuitable-staff", "no");
    assert_eq!(
        (s.current().node_id.as_str(), s.current().person_id),
        ("victim-support", Some(1))
    );
    s.do_step("victim-support");
    assert_eq!(
        (s.current().node_id.as_str(), s.current().person_id),
        ("instigator-review", Some(2))
    );
    s.do_step("instigator-review");
    s.do_step("instigator-sanction");
    s.review_and_close();
}

#[test]
fn staff_conduct_route_asks_accidental_or_deliberate_and_the_threshold() {
    let mut s = Sim::new(vec![person(5, PersonKind::Staff, PersonRole::Instigator)]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    s.do_step("unsuitable-record");
    s.do_step("unsuitable-investigate");
    s.answer("unsuitable-staff", "yes");
    s.answer("staff-review", "deliberate");
    s.do_step("staff-action");
    s.answer("staff-threshold", "no");
    s.do_step("staff-low-level");
    s.review_and_close();
}

#[test]
fn not_sure_leads_to_police_advice_then_asks_again() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "not-sure");
    s.do_step("police-advice");
    s.answer("illegal-decision-after-advice", "no");
    assert_eq!(s.current().node_id, "unsuitable-record");
}

#[test]
fn ukcis_all_no_allows_handling_in_school() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "yes");
    s.screening(&[]);
    assert_eq!(s.current().node_id, "unsuitable-record");
    assert_eq!(s.state().mark, Some(Mark::NotIllegal));
    let chronology = chronology(&s.flow, &s.people, &s.entries);
    assert!(chronology
        .iter()
        .any(|c| c.text.starts_with("All answered no. Rationale: rationale")));
}
