//! Walking a generated incident through the real flow rules, one careful step at a time.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use dsl_domain::flow::{
    self, check_entry, EntryBody, EntryInput, FieldKind, FlowEntry, ScreeningAnswer, StepKind,
};
use dsl_domain::incident::Involvement;

use super::text::details_for;
use super::{Batch, Rng};
use crate::incidents::{insert_entry, WriteError};
use crate::StoreError;

/// The next entry a careful DSL would make at this step, or none at the end of the flow.
/// The incident a demo walk records on.
pub(super) struct Walk<'a> {
    pub(super) id: i64,
    pub(super) activity: &'a str,
    pub(super) people: &'a [Involvement],
    /// The number of the first item of its evidence register, if it has one.
    pub(super) evidence: Option<i64>,
}

fn next_entry(
    rng: &mut Rng,
    state: &flow::FlowState,
    at: DateTime<Utc>,
    evidence: Option<i64>,
) -> Option<EntryInput> {
    let step = state.current.as_ref()?;
    let node_id = Some(step.node_id.clone());
    let person_id = step.person_id;
    let body = match step.kind {
        StepKind::End => EntryBody::Closed {
            reason: "All actions complete; reviewed with the headteacher.".into(),
        },
        StepKind::Info => EntryBody::Acknowledged,
        StepKind::Question => {
            let choice = match step.node_id.as_str() {
                "nudes-check" => if rng.chance(15) { "yes" } else { "no" }.to_string(),
                "illegal-decision" => match rng.below(100) {
                    0..=11 => "yes",
                    12..=15 => "not-sure",
                    _ => "no",
                }
                .to_string(),
                "na-threshold" | "il-threshold" => match rng.below(100) {
                    0..=39 => "yes",
                    40..=49 => "unsure",
                    _ => "no",
                }
                .to_string(),
                "illegal-await-police" => if rng.chance(70) {
                    "confirmed"
                } else {
                    "not-confirmed"
                }
                .to_string(),
                _ => rng.pick(&step.choices).id.clone(),
            };
            EntryBody::Answer {
                choice,
                reason: "Decided with the information available at the time.".into(),
            }
        }
        StepKind::Screening => EntryBody::Screening {
            answers: step
                .questions
                .iter()
                .map(|q| ScreeningAnswer {
                    question: q.id.clone(),
                    yes: rng.chance(12),
                })
                .collect(),
            reason: "Checked against the UKCIS guidance.".into(),
        },
        StepKind::Action => match step
            .items
            .iter()
            .find(|i| i.record.is_none() && (i.item.mandatory || rng.chance(30)))
        {
            Some(item) if item.item.mandatory && rng.chance(8) => EntryBody::Item {
                item: item.item.id.clone(),
                done: false,
                details: BTreeMap::new(),
                reason: "Not appropriate in this case; agreed with the headteacher.".into(),
            },
            Some(item) => {
                let mut details = details_for(rng, &item.item.fields, at);
                let register = item
                    .item
                    .fields
                    .iter()
                    .find(|f| f.kind == FieldKind::Evidence);
                match (register, evidence) {
                    (Some(f), Some(e)) => {
                        details.insert(f.id.clone(), e.to_string());
                    }
                    (Some(_), None) => {
                        return Some(EntryInput {
                            node_id,
                            person_id,
                            body: EntryBody::Item {
                                item: item.item.id.clone(),
                                done: false,
                                details: BTreeMap::new(),
                                reason: "Nothing was taken: the messages are kept by the police."
                                    .into(),
                            },
                            people: None,
                            evidence: None,
                            happened: None,
                        })
                    }
                    _ => {}
                }
                EntryBody::Item {
                    item: item.item.id.clone(),
                    done: true,
                    details,
                    reason: String::new(),
                }
            }
            None => EntryBody::Complete { open: vec![] },
        },
    };
    Some(EntryInput {
        node_id: if matches!(body, EntryBody::Closed { .. }) {
            None
        } else {
            node_id
        },
        person_id,
        body,
        people: None,
        evidence: None,
        happened: None,
    })
}

/// Records the entries a DSL would make on an incident recorded at `recorded`: recent ones are
/// still in progress, older ones closed (a few reopened and closed again). Returns how many
/// entries were made and the time of the last.
pub(super) fn walk_flow(
    b: &Batch<'_>,
    rng: &mut Rng,
    walk: &Walk<'_>,
    occurred: DateTime<Utc>,
    recorded: DateTime<Utc>,
) -> Result<(u64, DateTime<Utc>), WriteError> {
    let mut made = 0;
    // Recent incidents are still in progress; older ones are closed.
    let age_days = (b.until - occurred).num_days();
    let limit = if age_days > 30 {
        200
    } else {
        rng.below(12) as usize
    };
    let mut entries: Vec<FlowEntry> = Vec::new();
    let mut at = recorded;
    let (id, linked) = (walk.id, walk.people);
    let flow = flow::current()
        .and_then(|f| flow::find_for(&f.id, f.version, walk.activity))
        .map_err(|_| StoreError::Corrupt("the shipped flow is not valid"))?;
    // Some closed incidents are reopened later (new information) and closed again.
    let reopen = rng.chance(4);
    let mut reopened = false;
    for _ in 0..limit {
        let state = flow::evaluate(flow, linked, &entries);
        let input = if state.status == flow::IncidentStatus::Closed {
            if !reopen || reopened {
                break;
            }
            reopened = true;
            at += Duration::days(7 + rng.below(50) as i64);
            EntryInput {
                node_id: None,
                person_id: None,
                body: EntryBody::Reopened {
                    reason: "New information from a parent; the actions were reviewed again."
                        .into(),
                },
                people: None,
                evidence: None,
                happened: None,
            }
        } else {
            match next_entry(rng, &state, at, walk.evidence) {
                Some(input) => input,
                None => break,
            }
        };
        let step = Duration::minutes(10 + rng.below(24 * 60) as i64);
        if at + step > b.until {
            break;
        }
        at += step;
        let (body, supersedes) = check_entry(flow, linked, &entries, &input)?;
        let entry = insert_entry(b.tx, b.user, id, &input, &body, supersedes, at)?;
        entries.push(FlowEntry {
            id: entry,
            at,
            user_name: String::new(),
            node_id: input.node_id.clone(),
            person_id: input.person_id,
            supersedes,
            body,
            happened: None,
        });
        made += 1;
    }
    Ok((made, at))
}
