//! What is due, and by when, in an open incident: the current step's deadline, and for every
//! adult an allegation may be about, the LADO consultation due in working days from when the
//! concern was reported, whatever step the incident is at (with two adults, or on the illegal
//! route while the police come first, the second one's deadline still shows).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::definition::{FlowDefinition, Node, NodeKind, PersonFilter, QuestionMeaning};
use super::entries::{EntryBody, FlowEntry, IncidentStatus};
use super::view::{DueStep, FlowState};
use crate::allegation::due_after_working_days;
use crate::incident::Involvement;
use crate::meaning::ItemMeaning;
use crate::stats::Agency;

/// A harm-threshold question with a deadline, and the people its per-person step is for.
struct DueQuestion<'f> {
    node: &'f Node,
    days: u32,
    filter: &'f PersonFilter,
}

fn due_questions(flow: &FlowDefinition) -> Vec<DueQuestion<'_>> {
    let mut out = Vec::new();
    for n in &flow.nodes {
        if let NodeKind::PerPerson {
            applies_to, steps, ..
        } = &n.kind
        {
            for s in steps {
                let threshold = matches!(
                    s.kind,
                    NodeKind::Question {
                        meaning: Some(QuestionMeaning::HarmThreshold),
                        ..
                    }
                );
                if let (true, Some(days)) = (threshold, s.due_working_days) {
                    out.push(DueQuestion {
                        node: s,
                        days,
                        filter: applies_to,
                    });
                }
            }
        }
    }
    out
}

/// Every deadline in the incident now, soonest first.
pub fn due_steps(
    flow: &FlowDefinition,
    state: &FlowState,
    people: &[Involvement],
    entries: &[FlowEntry],
    reported_at: DateTime<Utc>,
) -> Vec<DueStep> {
    if state.status == IncidentStatus::Closed {
        return Vec::new();
    }
    let superseded: BTreeSet<i64> = entries.iter().filter_map(|e| e.supersedes).collect();
    let live = || entries.iter().filter(|e| !superseded.contains(&e.id));
    let mut out: Vec<DueStep> = Vec::new();
    let mut for_person: BTreeSet<i64> = BTreeSet::new();
    let questions = due_questions(flow);
    let thresholds: BTreeSet<&str> = questions.iter().map(|q| q.node.id.as_str()).collect();
    for q in &questions {
        for i in people.iter().filter(|i| {
            q.filter.roles.iter().any(|r| r == i.role.as_str())
                && q.filter.kinds.iter().any(|k| k == i.person.kind.as_str())
        }) {
            let who = Some(i.person.id);
            if for_person.contains(&i.person.id) {
                continue;
            }
            // Not due once the threshold was judged not met, or once the LADO was consulted.
            let not_met = live()
                .filter(|e| e.person_id == who)
                .filter(|e| e.node_id.as_deref().is_some_and(|n| thresholds.contains(n)))
                .max_by_key(|e| e.id)
                .is_some_and(
                    |e| matches!(&e.body, EntryBody::Answer { choice, .. } if choice == "no"),
                );
            let consulted = live()
                .filter(|e| e.person_id == who)
                .any(|e| match &e.body {
                    EntryBody::Item {
                        item, done: true, ..
                    } => {
                        e.node_id
                            .as_deref()
                            .and_then(|n| flow.item_meaning(n, item))
                            == Some(ItemMeaning::Referral(Agency::Lado))
                    }
                    _ => false,
                });
            if not_met || consulted {
                continue;
            }
            for_person.insert(i.person.id);
            out.push(DueStep {
                label: q.node.due_label.clone().unwrap_or_default(),
                at: due_after_working_days(reported_at, q.days),
                person_label: Some(i.person.name.clone()),
                owner: None,
                follow_up: None,
            });
        }
    }
    // Any other step a school gives a deadline, while it is the one asked.
    if let Some(current) = &state.current {
        let node = flow.find_any(&current.node_id);
        let covered = current.person_id.is_some_and(|p| for_person.contains(&p));
        if let (Some(node), false) = (node, covered) {
            if let Some(days) = node.due_working_days {
                out.push(DueStep {
                    label: node.due_label.clone().unwrap_or_default(),
                    at: due_after_working_days(reported_at, days),
                    person_label: current.person_label.clone(),
                    owner: None,
                    follow_up: None,
                });
            }
        }
    }
    // Each follow-up still open, due by the end of its day (UK time).
    for f in super::entries::open_follow_ups(entries) {
        let what = f
            .waiting_for
            .as_deref()
            .and_then(super::entries::waiting_for)
            .map_or_else(
                || f.what.clone(),
                |(_, who)| format!("Chase {who}: {}", f.what),
            );
        out.push(DueStep {
            label: what,
            at: end_of_uk_day(f.due),
            person_label: Some(f.owner_name.clone()),
            owner: Some(f.owner),
            follow_up: Some(f.entry_id),
        });
    }
    out.sort_by_key(|d| d.at);
    out
}

/// The last moment of a UK calendar day.
fn end_of_uk_day(day: chrono::NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let end = day.and_hms_opt(23, 59, 0).unwrap_or_default();
    chrono_tz::Europe::London
        .from_local_datetime(&end)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&end), |t| t.with_timezone(&Utc))
}
