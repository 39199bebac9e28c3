//! What was recorded: an incident's status, its entries as stored and as sent by the UI.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum IncidentStatus {
    Open,
    AwaitingPolice,
    AwaitingLado,
    AwaitingSocialCare,
    Closed,
}

impl IncidentStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::AwaitingPolice => "awaitingPolice",
            IncidentStatus::AwaitingLado => "awaitingLado",
            IncidentStatus::AwaitingSocialCare => "awaitingSocialCare",
            IncidentStatus::Closed => "closed",
        }
    }

    /// A waiting status a flow step may set while it is current.
    pub fn waiting(s: &str) -> Option<Self> {
        match s {
            "awaitingPolice" => Some(IncidentStatus::AwaitingPolice),
            "awaitingLado" => Some(IncidentStatus::AwaitingLado),
            "awaitingSocialCare" => Some(IncidentStatus::AwaitingSocialCare),
            _ => None,
        }
    }
}

/// One screening answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScreeningAnswer {
    pub question: String,
    pub yes: bool,
}

/// What an entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum EntryBody {
    /// A question answered, with the reason.
    Answer { choice: String, reason: String },
    /// The screening questions answered, with the rationale.
    Screening {
        answers: Vec<ScreeningAnswer>,
        reason: String,
    },
    /// A checklist item done (with details), or not done (with the reason).
    Item {
        item: String,
        done: bool,
        details: BTreeMap<String, String>,
        reason: String,
    },
    /// An action step completed; `open` lists optional items left unresolved.
    Complete { open: Vec<String> },
    /// Guidance read.
    Acknowledged,
    /// A note or update at any time (e.g. news from the police).
    Note { text: String },
    /// The incident closed.
    Closed { reason: String },
    /// The incident reopened.
    Reopened { reason: String },
    /// Something to follow up, by a vault user, by a date; waiting for an agency's answer when
    /// `waiting_for` names it ("police", "lado", "socialCare"), asked when the entry happened.
    #[serde(rename_all = "camelCase")]
    FollowUp {
        what: String,
        #[ts(type = "number")]
        owner: i64,
        owner_name: String,
        due: chrono::NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        waiting_for: Option<String>,
    },
    /// A follow-up done (or the answer came), with a note.
    #[serde(rename_all = "camelCase")]
    FollowUpDone {
        #[ts(type = "number")]
        follow_up: i64,
        note: String,
    },
    /// A correction of the facts or of a person's details: what changed, from what to what,
    /// and why. The earlier version stays where it was recorded.
    Corrected {
        changes: Vec<Change>,
        reason: String,
    },
}

/// One corrected detail: its label as the DSL reads it, and the old and new values as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Change {
    /// "name", "yearGroup", "dateOfBirth", "kind", or a fact's field.
    pub field: String,
    pub label: String,
    pub from: String,
    pub to: String,
}

/// An entry as stored: who, when, where in the flow, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FlowEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_name: String,
    #[ts(optional)]
    pub node_id: Option<String>,
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    /// The earlier entry this one replaces (both stay in the chronology).
    #[ts(optional, type = "number")]
    pub supersedes: Option<i64>,
    /// When it happened, where the DSL said it was earlier than it was recorded (`at`).
    #[ts(optional)]
    pub happened: Option<DateTime<Utc>>,
    pub body: EntryBody,
}

impl FlowEntry {
    /// When it happened: as the DSL said, or when it was recorded.
    pub fn when(&self) -> DateTime<Utc> {
        self.happened.unwrap_or(self.at)
    }
}

/// When an entry happened, checked: nothing (it happened as it is recorded) when not given or
/// within a minute of now; refused in the future or before the incident happened.
pub fn check_happened(
    happened: Option<DateTime<Utc>>,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, crate::error::ApiError> {
    let Some(t) = happened else {
        return Ok(None);
    };
    if t > now + chrono::Duration::minutes(1) {
        return Err(crate::error::ApiError::validation(
            "happened",
            "When it was done cannot be in the future.",
        ));
    }
    if t < occurred_at - chrono::Duration::minutes(1) {
        return Err(crate::error::ApiError::validation(
            "happened",
            format!(
                "When it was done cannot be before the incident happened ({}).",
                crate::time::uk_date_time(occurred_at)
            ),
        ));
    }
    Ok((now - t >= chrono::Duration::minutes(1)).then_some(t))
}

/// Who a follow-up waits for, as a status and in words.
pub fn waiting_for(agency: &str) -> Option<(IncidentStatus, &'static str)> {
    match agency {
        "police" => Some((IncidentStatus::AwaitingPolice, "the police")),
        "lado" => Some((IncidentStatus::AwaitingLado, "the LADO")),
        "socialCare" => Some((IncidentStatus::AwaitingSocialCare, "children's social care")),
        _ => None,
    }
}

/// A follow-up still open: not done, not replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenFollowUp {
    #[ts(type = "number")]
    pub entry_id: i64,
    pub what: String,
    #[ts(type = "number")]
    pub owner: i64,
    pub owner_name: String,
    pub due: chrono::NaiveDate,
    #[ts(optional)]
    pub waiting_for: Option<String>,
    /// When it was asked (or set).
    pub asked: DateTime<Utc>,
}

/// The follow-ups still open among the entries, soonest due first.
pub fn open_follow_ups(entries: &[FlowEntry]) -> Vec<OpenFollowUp> {
    let done: std::collections::BTreeSet<i64> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::FollowUpDone { follow_up, .. } => Some(*follow_up),
            _ => None,
        })
        .chain(entries.iter().filter_map(|e| e.supersedes))
        .collect();
    let mut out: Vec<OpenFollowUp> = entries
        .iter()
        .filter(|e| !done.contains(&e.id))
        .filter_map(|e| match &e.body {
            EntryBody::FollowUp {
                what,
                owner,
                owner_name,
                due,
                waiting_for,
            } => Some(OpenFollowUp {
                entry_id: e.id,
                what: what.clone(),
                owner: *owner,
                owner_name: owner_name.clone(),
                due: *due,
                waiting_for: waiting_for.clone(),
                asked: e.when(),
            }),
            _ => None,
        })
        .collect();
    out.sort_by_key(|f| (f.due, f.entry_id));
    out
}

/// An entry's body as stored: what was recorded, and when it happened when that was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBody {
    #[serde(flatten)]
    pub body: EntryBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub happened: Option<DateTime<Utc>>,
}

/// One checklist item of a step saved as a whole: done with its details (and the people or
/// evidence it names), or not done with the reason.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepItemInput {
    pub item: String,
    pub done: bool,
    #[serde(default)]
    pub details: BTreeMap<String, String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    #[ts(optional)]
    pub people: Option<Vec<crate::incident::InvolvementInput>>,
    #[serde(default)]
    #[ts(optional)]
    pub evidence: Option<crate::evidence::EvidenceInput>,
}

/// A checklist step saved at once: each item the DSL chose done or not done, and whether to
/// complete the step. Nothing is recorded if any of it is refused.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepInput {
    pub node_id: String,
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    pub items: Vec<StepItemInput>,
    /// Complete the step too: refused, naming each, while a required item is left.
    pub complete: bool,
    /// When it was done, if earlier than now.
    #[serde(default)]
    #[ts(optional)]
    pub happened: Option<DateTime<Utc>>,
}

impl StepInput {
    /// Each item as the entry it records, then the completion if asked.
    pub fn entries(&self) -> Vec<EntryInput> {
        let mut out: Vec<EntryInput> = self
            .items
            .iter()
            .map(|i| EntryInput {
                node_id: Some(self.node_id.clone()),
                person_id: self.person_id,
                body: EntryBody::Item {
                    item: i.item.clone(),
                    done: i.done,
                    details: i.details.clone(),
                    reason: i.reason.clone(),
                },
                people: i.people.clone(),
                evidence: i.evidence.clone(),
                happened: self.happened,
            })
            .collect();
        if self.complete {
            out.push(EntryInput {
                node_id: Some(self.node_id.clone()),
                person_id: self.person_id,
                body: EntryBody::Complete { open: vec![] },
                people: None,
                evidence: None,
                happened: self.happened,
            });
        }
        out
    }
}

/// What the UI sends to record something.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EntryInput {
    #[ts(optional)]
    pub node_id: Option<String>,
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    pub body: EntryBody,
    /// For an item that names people (who else received or saw it): each one named, added to
    /// the incident with their role as the item is recorded.
    #[serde(default)]
    #[ts(optional)]
    pub people: Option<Vec<crate::incident::InvolvementInput>>,
    /// For an evidence item: the item to add to the register, when it is not there already.
    #[serde(default)]
    #[ts(optional)]
    pub evidence: Option<crate::evidence::EvidenceInput>,
    /// When it happened, if earlier than now: not in the future, not before the incident.
    #[serde(default)]
    #[ts(optional)]
    pub happened: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_body_reads_with_and_without_when_it_happened() {
        let old = r#"{"type":"acknowledged"}"#;
        let b: StoredBody = serde_json::from_str(old).expect("reads");
        assert_eq!(b.body, EntryBody::Acknowledged);
        assert_eq!(b.happened, None);
        assert_eq!(serde_json::to_string(&b).expect("writes"), old);
        let at = DateTime::parse_from_rfc3339("2026-11-17T10:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let b = StoredBody {
            body: EntryBody::Note { text: "x".into() },
            happened: Some(at),
        };
        let text = serde_json::to_string(&b).expect("writes");
        let back: StoredBody = serde_json::from_str(&text).expect("reads");
        assert_eq!(back, b);
        // Read as a plain body too (older code, transfers): the time is simply not seen.
        let plain: EntryBody = serde_json::from_str(&text).expect("reads");
        assert_eq!(plain, b.body);
    }
}
