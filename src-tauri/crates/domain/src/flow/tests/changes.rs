//! Changing an earlier answer, and people added after their steps were passed.

use super::*;

#[test]
fn changing_an_answer_supersedes_it_and_asks_dependent_steps_again() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    let first = s.answer("illegal-decision", "yes");
    s.do_step("illegal-evidence");
    assert_eq!(s.current().node_id, "illegal-police");

    // Change the decision: the evidence step no longer applies; the other route is asked.
    let step = reask(&s.flow, &s.people, &s.entries, "illegal-decision", None).expect("changeable");
    assert_eq!(step.replaces, Some(first));
    let second = s
        .try_record(
            Some("illegal-decision"),
            None,
            EntryBody::Answer {
                choice: "no".into(),
                reason: "Police advised it is not illegal".into(),
            },
        )
        .expect("changed");
    assert_eq!(s.current().node_id, "unsuitable-record");
    assert_eq!(s.state().mark, Some(Mark::NotIllegal));

    // Changing back asks the evidence step again rather than reusing the old record.
    s.try_record(
        Some("illegal-decision"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "New information".into(),
        },
    )
    .expect("changed back");
    let c = s.current();
    assert_eq!(c.node_id, "illegal-evidence");
    assert!(
        c.items.iter().all(|i| i.record.is_none()),
        "asked again, nothing pre-filled"
    );

    // Both answers stay in the chronology; the replaced ones are marked.
    let chron = chronology(&s.flow, &s.people, &s.entries);
    let answers: Vec<&ChronologyEntry> = chron
        .iter()
        .filter(|c| c.entry.node_id.as_deref() == Some("illegal-decision"))
        .collect();
    assert_eq!(answers.len(), 3);
    assert!(answers[0].superseded && answers[1].superseded && !answers[2].superseded);
    assert_eq!(answers[1].entry.id, second);
    assert_eq!(answers[1].entry.supersedes, Some(first));
    assert_eq!(s.entries.len(), chron.len(), "nothing lost");
}

#[test]
fn changing_only_the_reason_keeps_later_steps() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "yes");
    s.do_step("illegal-evidence");
    s.try_record(
        Some("illegal-decision"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "Clearer reason".into(),
        },
    )
    .expect("reason changed");
    assert_eq!(s.current().node_id, "illegal-police");
}

#[test]
fn per_person_steps_run_for_each_victim_and_for_people_added_later() {
    let mut s = Sim::new(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Pupil, PersonRole::Victim),
        person(3, PersonKind::Pupil, PersonRole::Instigator),
    ]);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    s.do_step("unsuitable-record");
    s.do_step("unsuitable-investigate");
    s.answer("unsuitable-staff", "no");
    s.do_step("victim-support");
    assert_eq!(s.current().person_id, Some(2));
    s.do_step("victim-support");
    s.do_step("instigator-review");
    s.do_step("instigator-sanction");
    assert_eq!(s.current().node_id, "review-parents");
    // The instigator review found another pupil involved: their steps are asked too.
    s.people
        .push(person(4, PersonKind::Pupil, PersonRole::Instigator));
    assert_eq!(
        (s.current().node_id.as_str(), s.current().person_id),
        ("instigator-review", Some(4))
    );
    // A pupil who is both victim and instigator is asked both ways.
    s.people
        .push(person(3, PersonKind::Pupil, PersonRole::Victim));
    assert_eq!(
        (s.current().node_id.as_str(), s.current().person_id),
        ("victim-support", Some(3))
    );
}
