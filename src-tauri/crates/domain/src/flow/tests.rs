//! Every route through the shipped flow, superseding and re-asking, per-person steps, closing rules.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::incident::{Involvement, Person, PersonKind, PersonRole};
use crate::ErrorKind;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("valid")
}

fn person(id: i64, kind: PersonKind, role: PersonRole) -> Involvement {
    Involvement {
        id,
        person: Person {
            id,
            kind,
            name: format!("Person {id}"),
            year_group: (kind == PersonKind::Pupil).then_some(9),
            date_of_birth: NaiveDate::from_ymd_opt(2012, 1, 1),
            job_title: String::new(),
        },
        role,
        added_at: t0(),
    }
}

/// An incident being walked: entries are checked exactly as the app checks them.
struct Sim {
    flow: FlowDefinition,
    people: Vec<Involvement>,
    entries: Vec<FlowEntry>,
}

impl Sim {
    fn new(people: Vec<Involvement>) -> Self {
        Self {
            flow: online_safety().expect("the shipped flow is valid"),
            people,
            entries: Vec::new(),
        }
    }

    fn state(&self) -> FlowState {
        evaluate(&self.flow, &self.people, &self.entries)
    }

    fn current(&self) -> StepView {
        self.state().current.expect("a current step")
    }

    fn try_record(
        &mut self,
        node: Option<&str>,
        person: Option<i64>,
        body: EntryBody,
    ) -> Result<i64, crate::ApiError> {
        let input = EntryInput {
            node_id: node.map(str::to_string),
            person_id: person,
            body,
        };
        let (body, supersedes) = check_entry(&self.flow, &self.people, &self.entries, &input)?;
        let id = self.entries.len() as i64 + 1;
        self.entries.push(FlowEntry {
            id,
            at: t0() + Duration::minutes(id),
            user_name: "DSL".into(),
            node_id: input.node_id,
            person_id: input.person_id,
            supersedes,
            body,
        });
        Ok(id)
    }

    fn answer(&mut self, node: &str, choice: &str) -> i64 {
        let person = self.current().person_id;
        assert_eq!(self.current().node_id, node, "expected to be asked {node}");
        self.try_record(
            Some(node),
            person,
            EntryBody::Answer {
                choice: choice.into(),
                reason: format!("because {choice}"),
            },
        )
        .expect("answer recorded")
    }

    fn screening(&mut self, yes: &[&str]) {
        let c = self.current();
        assert_eq!(c.kind, StepKind::Screening);
        let answers = c
            .questions
            .iter()
            .map(|q| ScreeningAnswer {
                question: q.id.clone(),
                yes: yes.contains(&q.id.as_str()),
            })
            .collect();
        self.try_record(
            Some(&c.node_id),
            None,
            EntryBody::Screening {
                answers,
                reason: "rationale".into(),
            },
        )
        .expect("screening recorded");
    }

    fn details(item: &ActionItem) -> BTreeMap<String, String> {
        item.fields
            .iter()
            .map(|f| {
                let v = match f.kind {
                    FieldKind::Datetime => "2026-11-20T10:30".to_string(),
                    FieldKind::Date => "2027-01-15".to_string(),
                    FieldKind::Choice => f.options[0].clone(),
                    _ => format!("{} value", f.label),
                };
                (f.id.clone(), v)
            })
            .collect()
    }

    /// Does every mandatory item of the current action step, then completes it.
    fn do_step(&mut self, node: &str) {
        let c = self.current();
        assert_eq!(c.node_id, node, "expected step {node}");
        assert_eq!(c.kind, StepKind::Action);
        for item in c.items.iter().filter(|i| i.item.mandatory) {
            self.try_record(
                Some(node),
                c.person_id,
                EntryBody::Item {
                    item: item.item.id.clone(),
                    done: true,
                    details: Self::details(&item.item),
                    reason: String::new(),
                },
            )
            .expect("item recorded");
        }
        self.try_record(
            Some(node),
            c.person_id,
            EntryBody::Complete { open: vec![] },
        )
        .expect("step completed");
    }

    fn review_and_close(&mut self) {
        for step in [
            "review-parents",
            "review-wellbeing",
            "review-learning",
            "review-complete",
        ] {
            self.do_step(step);
        }
        assert!(self.state().at_end);
        self.try_record(
            None,
            None,
            EntryBody::Closed {
                reason: "All done".into(),
            },
        )
        .expect("closed");
        assert_eq!(self.state().status, IncidentStatus::Closed);
    }
}

#[test]
fn the_shipped_flow_is_valid() {
    let flow = online_safety().expect("valid");
    assert_eq!(flow.id, "online-safety");
    assert!(flow.version >= 1);
}

/// Every path through the top level, following every choice, reaches the end.
#[test]
fn every_path_ends() {
    let flow = online_safety().expect("valid");
    fn paths(flow: &FlowDefinition, id: &str, depth: usize, count: &mut usize) {
        assert!(depth < 100, "path too long at {id}");
        let node = flow.node(id).unwrap_or_else(|| panic!("missing {id}"));
        let next = node.successors();
        if next.is_empty() {
            assert!(
                matches!(node.kind, NodeKind::End { .. }),
                "{id} is a dead end"
            );
            *count += 1;
        }
        for n in next {
            paths(flow, n, depth + 1, count);
        }
    }
    let mut count = 0;
    paths(&flow, &flow.start, 0, &mut count);
    assert!(count >= 8, "expected many routes, found {count}");
}

#[test]
fn broken_definitions_are_refused() {
    let base = ONLINE_SAFETY_JSON;
    let dangling = base.replacen("\"next\": \"nudes-check\"", "\"next\": \"nowhere\"", 1);
    assert!(matches!(
        FlowDefinition::parse(&dangling),
        Err(FlowError::Dangling { .. })
    ));
    let dup = base.replacen(
        "\"id\": \"police-advice\"",
        "\"id\": \"intake-immediate\"",
        1,
    );
    assert!(matches!(
        FlowDefinition::parse(&dup),
        Err(FlowError::DuplicateId(_))
    ));
    let looped = base.replacen(
        "\"next\": \"illegal-decision-after-advice\"",
        "\"next\": \"illegal-decision\"",
        1,
    );
    assert!(matches!(
        FlowDefinition::parse(&looped),
        Err(FlowError::Cycle(_))
    ));
    assert!(matches!(
        FlowDefinition::parse("{"),
        Err(FlowError::Parse(_))
    ));
}

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

#[test]
fn mandatory_items_block_and_optional_ones_are_recorded_as_left_open() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    let blocked = s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Complete { open: vec![] },
    );
    assert_eq!(blocked.expect_err("blocked").kind, ErrorKind::Validation);
    // Not done needs a reason.
    let no_reason = s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: false,
            details: BTreeMap::new(),
            reason: " ".into(),
        },
    );
    assert!(no_reason
        .expect_err("reason needed")
        .message
        .contains("why"));
    // Done needs its required details.
    let missing = s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: true,
            details: BTreeMap::new(),
            reason: String::new(),
        },
    );
    assert_eq!(missing.expect_err("details").field.as_deref(), Some("what"));
    s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: false,
            details: BTreeMap::new(),
            reason: "Nothing needed: pupils safe at home".into(),
        },
    )
    .expect("not done with reason");
    s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Complete { open: vec![] },
    )
    .expect("complete");
    let done = s.entries.last().expect("entry");
    assert_eq!(
        done.body,
        EntryBody::Complete {
            open: vec!["emergency-call".into()]
        }
    );
    // A bad date is refused.
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "yes");
    s.do_step("illegal-evidence");
    let mut details = BTreeMap::new();
    for (k, v) in [
        ("force", "Met"),
        ("officer", "PC 1"),
        ("when", "yesterday"),
        ("crimeRef", "CR1"),
    ] {
        details.insert(k.to_string(), v.to_string());
    }
    let bad = s.try_record(
        Some("illegal-police"),
        None,
        EntryBody::Item {
            item: "police-report".into(),
            done: true,
            details,
            reason: String::new(),
        },
    );
    assert_eq!(bad.expect_err("date").field.as_deref(), Some("when"));
}

#[test]
fn steps_out_of_turn_and_unknown_ids_are_refused() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    let early = s.try_record(
        Some("illegal-decision"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "x".into(),
        },
    );
    assert_eq!(early.expect_err("not yet").kind, ErrorKind::Conflict);
    let unknown = s.try_record(Some("no-such-step"), None, EntryBody::Acknowledged);
    assert_eq!(unknown.expect_err("unknown").kind, ErrorKind::NotFound);
    let stranger = s.try_record(
        Some("intake-immediate"),
        Some(99),
        EntryBody::Complete { open: vec![] },
    );
    assert_eq!(stranger.expect_err("stranger").kind, ErrorKind::NotFound);
}

#[test]
fn closing_rules() {
    let mut s = Sim::new(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Pupil, PersonRole::Instigator),
    ]);
    let early = s.try_record(None, None, EntryBody::Closed { reason: "x".into() });
    assert_eq!(early.expect_err("too early").kind, ErrorKind::Conflict);
    let reopen = s.try_record(None, None, EntryBody::Reopened { reason: "x".into() });
    assert_eq!(reopen.expect_err("not closed").kind, ErrorKind::Conflict);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    s.do_step("unsuitable-record");
    s.do_step("unsuitable-investigate");
    s.answer("unsuitable-staff", "no");
    s.do_step("victim-support");
    s.do_step("instigator-review");
    s.do_step("instigator-sanction");
    s.review_and_close();
    assert!(s.state().current.is_none());
    let after = s.try_record(
        None,
        None,
        EntryBody::Closed {
            reason: "again".into(),
        },
    );
    assert_eq!(after.expect_err("closed").kind, ErrorKind::Conflict);
    let change = s.try_record(
        Some("illegal-decision"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "x".into(),
        },
    );
    assert_eq!(change.expect_err("closed").kind, ErrorKind::Conflict);
    s.try_record(
        None,
        None,
        EntryBody::Reopened {
            reason: "Parent raised a new concern".into(),
        },
    )
    .expect("reopened");
    assert_eq!(s.state().status, IncidentStatus::Open);
    assert!(s.state().at_end);
    s.try_record(
        None,
        None,
        EntryBody::Closed {
            reason: "Resolved again".into(),
        },
    )
    .expect("closed again");
    assert_eq!(s.state().status, IncidentStatus::Closed);
}
