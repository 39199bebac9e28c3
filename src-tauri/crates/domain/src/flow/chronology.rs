//! The chronology: every entry of an incident in time order, in plain words.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use ts_rs::TS;

use super::definition::{FieldKind, FlowDefinition, Node, NodeKind};
use super::entries::{EntryBody, FlowEntry, ScreeningAnswer};
use crate::incident::Involvement;

/// One line of the chronology.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChronologyEntry {
    pub entry: FlowEntry,
    /// The step's title, or what the entry is.
    pub step: String,
    #[ts(optional)]
    pub person_label: Option<String>,
    /// A plain-words account of what was recorded.
    pub text: String,
    /// A later entry replaced this one.
    pub superseded: bool,
}

/// A recorded detail as a UK reader expects it: "2026-11-20T10:30" becomes "20/11/2026 10:30",
/// "2027-01-15" becomes "15/01/2027"; anything else is unchanged.
pub fn display_value(v: &str) -> String {
    if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M") {
        return dt.format("%d/%m/%Y %H:%M").to_string();
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return d.format("%d/%m/%Y").to_string();
    }
    v.to_string()
}

/// Every entry in time order, in plain words, with who and when.
pub fn chronology(
    flow: &FlowDefinition,
    people: &[Involvement],
    entries: &[FlowEntry],
) -> Vec<ChronologyEntry> {
    let superseded: BTreeSet<i64> = entries.iter().filter_map(|e| e.supersedes).collect();
    let mut out: Vec<ChronologyEntry> = entries
        .iter()
        .map(|e| {
            let node = e.node_id.as_deref().and_then(|id| flow.find_any(id));
            ChronologyEntry {
                entry: e.clone(),
                step: step_name(node, &e.body),
                person_label: person_label(people, e.person_id),
                text: match &e.body {
                    EntryBody::FollowUpDone { follow_up, note } => {
                        let what =
                            entries.iter().find(|f| f.id == *follow_up).and_then(|f| {
                                match &f.body {
                                    EntryBody::FollowUp { what, .. } => Some(what.as_str()),
                                    _ => None,
                                }
                            });
                        let what = what.unwrap_or("a follow-up");
                        if note.trim().is_empty() {
                            format!("Done: {}", sentence(what))
                        } else {
                            format!("Done: {} Note: {note}", sentence(what))
                        }
                    }
                    body => entry_text(node, body, people),
                },
                superseded: superseded.contains(&e.id),
            }
        })
        .collect();
    // In the order things happened: an action recorded late takes its place.
    out.sort_by(|a, b| {
        a.entry
            .when()
            .cmp(&b.entry.when())
            .then(a.entry.id.cmp(&b.entry.id))
    });
    out
}

/// The people a field names ("12,13"), by name with their roles in the incident.
pub fn named_people(ids: &str, people: &[Involvement]) -> String {
    ids.split(',')
        .filter_map(|id| id.trim().parse::<i64>().ok())
        .map(|id| {
            let roles: Vec<&str> = people
                .iter()
                .filter(|i| i.person.id == id)
                .map(|i| i.role.label())
                .collect();
            match people.iter().find(|i| i.person.id == id) {
                Some(i) => format!("{} ({})", i.person.name, roles.join(", ")),
                None => "someone no longer in the incident".to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name of a person in the incident, if any.
fn person_label(people: &[Involvement], person: Option<i64>) -> Option<String> {
    person.and_then(|id| {
        people
            .iter()
            .find(|i| i.person.id == id)
            .map(|i| i.person.name.clone())
    })
}

/// The step's title, or what an entry made outside the flow is.
fn step_name(node: Option<&Node>, body: &EntryBody) -> String {
    node.map(|n| n.title.clone()).unwrap_or_else(|| match body {
        EntryBody::Closed { .. } => "Incident closed".into(),
        EntryBody::Reopened { .. } => "Incident reopened".into(),
        EntryBody::Corrected { .. } => "Correction".into(),
        EntryBody::FollowUp { .. } => "Follow-up".into(),
        EntryBody::FollowUpDone { .. } => "Follow-up done".into(),
        _ => "Note".into(),
    })
}

/// A plain-words account of what an entry recorded at its step.
fn entry_text(node: Option<&Node>, body: &EntryBody, people: &[Involvement]) -> String {
    match body {
        EntryBody::Answer { choice, reason } => answer_text(node, choice, reason),
        EntryBody::Screening { answers, reason } => screening_text(node, answers, reason),
        EntryBody::Item {
            item,
            done,
            details,
            reason,
        } => item_text(node, item, *done, details, reason, people),
        EntryBody::Complete { open } => {
            if open.is_empty() {
                "Step completed.".into()
            } else {
                format!(
                    "Step completed with {} optional item(s) left open.",
                    open.len()
                )
            }
        }
        EntryBody::Acknowledged => "Guidance read.".into(),
        EntryBody::Note { text } => text.clone(),
        EntryBody::Closed { reason } => format!("Closed. Reason: {reason}"),
        EntryBody::Reopened { reason } => format!("Reopened. Reason: {reason}"),
        EntryBody::FollowUp {
            what,
            owner_name,
            due,
            waiting_for,
            ..
        } => {
            let waiting = waiting_for
                .as_deref()
                .and_then(super::entries::waiting_for)
                .map(|(_, who)| format!(" Waiting for {who}."))
                .unwrap_or_default();
            format!(
                "{what} For {owner_name}, due by {}.{waiting}",
                crate::time::uk_date_of(*due)
            )
        }
        EntryBody::FollowUpDone { note, .. } => format!("Follow-up done. {note}"),
        EntryBody::Corrected { changes, reason } => {
            let what: Vec<String> = changes
                .iter()
                .map(|c| format!("{} from \"{}\" to \"{}\"", c.label, c.from, c.to))
                .collect();
            format!("Corrected: {}. Reason: {reason}", what.join("; "))
        }
    }
}

/// The choice by its label (or its id, if the step no longer has it), with the reason.
fn answer_text(node: Option<&Node>, choice: &str, reason: &str) -> String {
    // A branch decided by a fact of the record, kept as it was decided.
    if let Some(NodeKind::Branch { .. }) = node.map(|n| &n.kind) {
        return format!("Recorded as decided: {reason}");
    }
    let label = node
        .and_then(|n| match &n.kind {
            NodeKind::Question { choices, .. } => choices
                .iter()
                .find(|c| c.id == *choice)
                .map(|c| c.label.clone()),
            _ => None,
        })
        .unwrap_or_else(|| choice.to_string());
    format!("Answered \"{label}\". Reason: {reason}")
}

/// The questions answered yes (or that all were no), with the rationale.
fn screening_text(node: Option<&Node>, answers: &[ScreeningAnswer], reason: &str) -> String {
    let yes: Vec<String> = answers
        .iter()
        .filter(|a| a.yes)
        .map(|a| {
            node.and_then(|n| match &n.kind {
                NodeKind::Screening { questions, .. } => questions
                    .iter()
                    .find(|q| q.id == a.question)
                    .map(|q| q.text.clone()),
                _ => None,
            })
            .unwrap_or_else(|| a.question.clone())
        })
        .collect();
    if yes.is_empty() {
        format!("All answered no. Rationale: {reason}")
    } else {
        format!("Yes to: {} Rationale: {reason}", yes.join(" "))
    }
}

/// A checklist item done (with its details and any note) or not done (with the reason).
fn item_text(
    node: Option<&Node>,
    item: &str,
    done: bool,
    details: &BTreeMap<String, String>,
    reason: &str,
    people: &[Involvement],
) -> String {
    let def = node.and_then(|n| match &n.kind {
        NodeKind::Action { items, .. } => items.iter().find(|i| i.id == *item),
        _ => None,
    });
    let name = def
        .map(|d| d.label.clone())
        .unwrap_or_else(|| item.to_string());
    let facts: Vec<String> = details
        .iter()
        .map(|(k, v)| {
            let field = def.and_then(|d| d.fields.iter().find(|f| f.id == *k));
            let label = field.map_or_else(|| k.clone(), |f| f.label.clone());
            let value = match field.map(|f| f.kind) {
                Some(FieldKind::People) => named_people(v, people),
                Some(FieldKind::Evidence) => format!("E{v} in the evidence register"),
                _ => display_value(v),
            };
            // One full stop, at the end of the list: "see the notes; When: …".
            format!("{label}: {}", value.trim_end().trim_end_matches('.'))
        })
        .collect();
    let mut text = if done {
        format!("Done: {}", sentence(&name))
    } else {
        format!("Not done: {} Reason: {reason}", sentence(&name))
    };
    if !facts.is_empty() {
        text.push(' ');
        text.push_str(&sentence(&facts.join("; ")));
    }
    if done && !reason.is_empty() {
        text.push_str(&format!(" Note: {reason}"));
    }
    text
}

/// The text ending in one full stop (none added after ".", "!" or "?").
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}
