//! The incident report and the governor figures read the same facts the same way: incidents
//! walked through the shipped flow give the same referrals in both.

use std::collections::{BTreeMap, VecDeque};

use chrono::Duration;

use crate::flow::{
    check_entry, chronology, evaluate, EntryBody, EntryInput, FlowDefinition, FlowEntry,
    ScreeningAnswer, StepKind, StepView,
};
use crate::incident::{
    Discovery, IncidentDetail, IncidentFacts, Involvement, Location, PersonKind, PersonRole,
    RiskArea,
};
use crate::report::incident_report;
use crate::stats::{incident_stat_in, StatEvent};
use crate::test_fixtures::{details, person, t0};

/// An incident being walked: each entry is checked as the app checks it.
struct Walk<'a> {
    flow: &'a FlowDefinition,
    people: &'a [Involvement],
    entries: Vec<FlowEntry>,
}

impl Walk<'_> {
    fn record(&mut self, node: Option<&str>, person_id: Option<i64>, body: EntryBody) {
        let input = EntryInput {
            node_id: node.map(str::to_string),
            person_id,
            body,
            people: None,
            evidence: None,
            happened: None,
        };
        let (body, supersedes) =
            check_entry(self.flow, self.people, &self.entries, &input).expect("entry accepted");
        let id = self.entries.len() as i64 + 1;
        self.entries.push(FlowEntry {
            id,
            at: t0() + Duration::minutes(id),
            user_name: "DSL".into(),
            node_id: input.node_id,
            person_id: input.person_id,
            supersedes,
            body,
            happened: None,
        });
    }

    /// Screening with every question answered no.
    fn screening(step: &StepView) -> EntryBody {
        EntryBody::Screening {
            answers: step
                .questions
                .iter()
                .map(|q| ScreeningAnswer {
                    question: q.id.clone(),
                    yes: false,
                })
                .collect(),
            reason: "rationale".into(),
        }
    }

    /// Every item of the step done, then the step completed.
    fn do_every_item(&mut self, step: &StepView) {
        let node = Some(step.node_id.as_str());
        for item in &step.items {
            self.record(
                node,
                step.person_id,
                EntryBody::Item {
                    item: item.item.id.clone(),
                    done: true,
                    details: details(&item.item.fields),
                    reason: String::new(),
                },
            );
        }
        self.record(node, step.person_id, EntryBody::Complete { open: vec![] });
    }
}

/// Walks the flow to its end, answering each question from `answers` (in turn, per step;
/// otherwise the first choice), screening all "no", and doing every checklist item.
fn walk(flow: &FlowDefinition, people: &[Involvement], answers: &[(&str, &str)]) -> Vec<FlowEntry> {
    let mut queued: BTreeMap<&str, VecDeque<&str>> = BTreeMap::new();
    for (node, choice) in answers {
        queued.entry(node).or_default().push_back(choice);
    }
    let mut w = Walk {
        flow,
        people,
        entries: Vec::new(),
    };
    for _ in 0..500 {
        let state = evaluate(flow, people, &w.entries);
        let step = match state.current {
            Some(step) if step.kind != StepKind::End => step,
            _ => {
                assert!(state.at_end, "the walk reached the end");
                let closed = EntryBody::Closed {
                    reason: "All done".into(),
                };
                w.record(None, None, closed);
                return w.entries;
            }
        };
        let node = Some(step.node_id.as_str());
        match step.kind {
            StepKind::Info => w.record(node, step.person_id, EntryBody::Acknowledged),
            StepKind::Question => {
                let choice = queued
                    .get_mut(step.node_id.as_str())
                    .and_then(VecDeque::pop_front)
                    .map(str::to_string)
                    .unwrap_or_else(|| step.choices[0].id.clone());
                let reason = "reason".into();
                w.record(node, step.person_id, EntryBody::Answer { choice, reason });
            }
            StepKind::Screening => w.record(node, step.person_id, Walk::screening(&step)),
            StepKind::Action => w.do_every_item(&step),
            StepKind::End => unreachable!("handled above"),
        }
    }
    panic!("the walk did not end");
}

fn facts() -> IncidentFacts {
    IncidentFacts {
        occurred_at: t0(),
        reported_at: t0(),
        reported_by_name: "Ms Tutor".into(),
        reported_by_role: "Tutor".into(),
        discovery: Discovery::Disclosure,
        monitoring: None,
        location: Location::InSchool,
        platform: String::new(),
        summary: "Messages in a group chat".into(),
        childs_words: String::new(),
        risk_area: RiskArea::Contact,
        activity_type: "bullying".into(),
    }
}

/// The referrals each side lists, as agency words, sorted; and the report's advice rows.
/// A walk of flow `version` with these answers: its entries, where it stands, and its report.
fn walked(
    version: u32,
    people: &[Involvement],
    answers: &[(&str, &str)],
) -> (
    &'static FlowDefinition,
    Vec<FlowEntry>,
    crate::flow::FlowState,
    crate::report::IncidentReport,
) {
    let flow = crate::flow::find("online-safety", version).expect("flow");
    let entries = walk(flow, people, answers);
    let state = evaluate(flow, people, &entries);
    let detail = IncidentDetail {
        activity: None,
        id: 1,
        reference: "OS-2026-0001".into(),
        flow_id: flow.id.clone(),
        flow_version: flow.version,
        created_at: t0(),
        created_by: "DSL".into(),
        facts: facts(),
        people: people.to_vec(),
        flow: state.clone(),
        chronology: chronology(flow, people, &entries),
        due: Vec::new(),
    };
    let report = incident_report("School", &detail, &[], &[], None, "DSL", t0(), "0");
    (flow, entries, state, report)
}

fn both_sides(
    version: u32,
    people: Vec<Involvement>,
    answers: &[(&str, &str)],
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (flow, entries, state, report) = walked(version, &people, answers);
    let mut printed: Vec<String> = report.referrals.rows.iter().map(|r| r[0].clone()).collect();
    printed.sort();
    let stat = incident_stat_in(Some(flow), &facts(), &people, &entries, state.mark);
    let mut counted: Vec<String> = stat
        .events
        .iter()
        .filter_map(|e| match e {
            StatEvent::Referral { agency, .. } => Some(agency.label().to_string()),
            _ => None,
        })
        .collect();
    counted.sort();
    let advice = report.advice.rows.iter().map(|r| r[0].clone()).collect();
    (printed, counted, advice)
}

#[test]
fn the_report_lists_the_referrals_the_figures_count() {
    // Police advice first, then the illegal route (police, CEOP, IWF, Prevent, social care for
    // the victim, the LADO for the staff member), then, not confirmed, the internal procedures:
    // the staff member to the LADO, the instigator's "social care considered" (a decision).
    let people = vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Staff, PersonRole::Alleged),
        person(3, PersonKind::Pupil, PersonRole::Instigator),
        person(4, PersonKind::Volunteer, PersonRole::Victim),
    ];
    let (printed, counted, advice) = both_sides(
        1,
        people,
        &[
            ("nudes-check", "no"),
            ("illegal-decision", "not-sure"),
            ("illegal-decision-after-advice", "yes"),
            ("illegal-await-police", "not-confirmed"),
            ("unsuitable-staff", "yes"),
            ("staff-threshold", "yes"),
        ],
    );
    assert_eq!(printed, counted);
    for agency in [
        "Police",
        "CEOP",
        "Internet Watch Foundation",
        "Prevent",
        "LADO",
        "Children's social care",
    ] {
        assert!(
            printed.iter().any(|p| p == agency),
            "{agency} in {printed:?}"
        );
    }
    assert_eq!(advice, vec!["Police".to_string()], "advice is listed apart");
    assert!(!printed.iter().any(|p| p.contains("advice")));
}

#[test]
fn a_route_without_referrals_lists_and_counts_none_or_the_same() {
    let people = vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Pupil, PersonRole::Instigator),
        person(3, PersonKind::Staff, PersonRole::Alleged),
    ];
    let (printed, counted, advice) = both_sides(
        1,
        people,
        &[
            ("nudes-check", "no"),
            ("illegal-decision", "no"),
            ("unsuitable-staff", "yes"),
            ("staff-threshold", "no"),
        ],
    );
    assert_eq!(printed, counted);
    assert!(advice.is_empty());
    // The victim's "children's social care informed" is the only referral on this route.
    assert_eq!(printed, vec!["Children's social care".to_string()]);
}

#[test]
fn an_allegation_referred_on_both_sides_is_one_lado_referral_printed_and_counted() {
    // Version 2: the illegal route assesses the adult; the police find nothing illegal; the
    // not-illegal route does not ask again.
    let people = vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Staff, PersonRole::Alleged),
    ];
    let (printed, counted, _) = both_sides(
        2,
        people,
        &[
            ("nudes-check", "no"),
            ("illegal-decision", "yes"),
            ("il-threshold", "yes"),
            ("illegal-await-police", "not-confirmed"),
            ("ao-outcome", "unsubstantiated"),
        ],
    );
    assert_eq!(printed, counted);
    assert_eq!(printed.iter().filter(|p| *p == "LADO").count(), 1);
    assert!(printed.iter().any(|p| p == "Police"));
}

/// The report of a version-2 walk.
fn report_of(people: Vec<Involvement>, answers: &[(&str, &str)]) -> crate::report::IncidentReport {
    walked(2, &people, answers).3
}

#[test]
fn the_report_sets_out_the_allegation_and_who_signs_it() {
    let people = vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Staff, PersonRole::Alleged),
    ];
    let r = report_of(
        people.clone(),
        &[
            ("nudes-check", "no"),
            ("illegal-decision", "no"),
            ("na-threshold", "yes"),
            ("ao-outcome", "unsubstantiated"),
        ],
    );
    assert_eq!(r.allegations.len(), 1);
    let a = &r.allegations[0];
    assert_eq!(a.title, "Allegation about Person 2");
    let value = |label: &str| {
        a.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.clone())
            .unwrap_or_else(|| panic!("{label} in {:?}", a.fields))
    };
    assert!(value("Harm threshold").starts_with("Yes: it is an allegation"));
    assert_eq!(value("Case manager"), "The headteacher, with the LADO");
    assert!(value("LADO consulted").contains("LADO's name value"));
    assert!(value("Suspension").starts_with("Not suspended"));
    assert!(value("Outcome").starts_with("Unsubstantiated: there is insufficient evidence"));
    assert!(value("What follows").contains("Do not mention it in employer references"));
    assert!(value("Keep until").contains("pension age"));
    assert_eq!(r.sign_off, ["Designated Safeguarding Lead", "Headteacher"]);

    // About the head: the chair manages it and signs in the head's place.
    let mut head = people;
    head[1].person.headteacher = true;
    let r = report_of(
        head,
        &[
            ("nudes-check", "no"),
            ("illegal-decision", "no"),
            ("na-threshold", "yes"),
            ("ao-outcome", "malicious"),
        ],
    );
    let a = &r.allegations[0];
    let manager = a
        .fields
        .iter()
        .find(|f| f.label == "Case manager")
        .expect("manager");
    assert!(manager.value.starts_with("The chair of governors"));
    assert!(manager.value.contains("Chair of governors' name value"));
    assert!(
        !a.fields.iter().any(|f| f.label == "Keep until"),
        "malicious: not kept on the adult's account"
    );
    assert_eq!(
        r.sign_off,
        [
            "Designated Safeguarding Lead",
            "Chair of governors (case manager)"
        ]
    );
    assert!(!r.sign_off.iter().any(|s| s == "Headteacher"));
}
