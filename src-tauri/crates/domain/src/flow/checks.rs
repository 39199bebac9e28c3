//! Checking an entry the DSL wants to record against the flow and where the incident stands,
//! before it is recorded.

use std::collections::BTreeMap;

use chrono::DateTime;

use super::definition::{
    ActionItem, Choice, FieldKind, FlowDefinition, ItemField, Node, NodeKind, ScreeningQuestion,
};
use super::entries::{EntryBody, EntryInput, FlowEntry, IncidentStatus, ScreeningAnswer};
use super::view::FlowState;
use super::walk::evaluate;
use crate::incident::{check_text, Involvement, MAX_TEXT_CHARS};
use crate::{ApiError, ErrorKind};

/// A checked entry body, and the id of the entry it supersedes, if any.
type Checked = Result<(EntryBody, Option<i64>), ApiError>;

/// Checks an entry the DSL wants to record against where the incident stands, and returns the
/// tidied entry body and the id of the entry it supersedes, if any.
pub fn check_entry(
    flow: &FlowDefinition,
    people: &[Involvement],
    entries: &[FlowEntry],
    input: &EntryInput,
) -> Result<(EntryBody, Option<i64>), ApiError> {
    let state = evaluate(flow, people, entries);
    let closed = state.status == IncidentStatus::Closed;
    match &input.body {
        EntryBody::Note { text } => return check_note(text),
        EntryBody::Closed { reason } => return check_close(&state, closed, reason),
        EntryBody::Reopened { reason } => return check_reopen(closed, reason),
        EntryBody::FollowUp {
            what, waiting_for, ..
        } => return check_follow_up(&input.body, closed, what, waiting_for.as_deref()),
        EntryBody::FollowUpDone { follow_up, note } => {
            return check_follow_up_done(entries, *follow_up, note)
        }
        EntryBody::Corrected { .. } => {
            return Err(ApiError::validation(
                "body",
                "A correction is made with \"Correct details\", giving the reason.",
            ))
        }
        _ => {}
    }
    if closed {
        return Err(conflict(
            "The incident is closed. Reopen it to record more.",
        ));
    }
    let target = Target::find(flow, people, &state, input)?;
    match (&target.node.kind, &input.body) {
        (NodeKind::Question { choices, .. }, EntryBody::Answer { choice, reason }) => {
            check_answer(&target, entries, choices, choice, reason)
        }
        (NodeKind::Screening { questions, .. }, EntryBody::Screening { answers, reason }) => {
            check_screening(&target, entries, questions, answers, reason)
        }
        (
            NodeKind::Action { items, .. },
            EntryBody::Item {
                item,
                done,
                details,
                reason,
            },
        ) => check_item(&target, entries, items, item, *done, details, reason),
        (NodeKind::Action { items, .. }, EntryBody::Complete { .. }) => {
            check_complete(&target, &state, items)
        }
        (NodeKind::Info { .. }, EntryBody::Acknowledged) if target.is_current => {
            Ok((EntryBody::Acknowledged, None))
        }
        _ => Err(ApiError::validation(
            "body",
            "That cannot be recorded at this step.",
        )),
    }
}

fn conflict(message: &str) -> ApiError {
    ApiError::new(ErrorKind::Conflict, message)
}

fn validate_reason(field: &str, reason: &str) -> Result<String, ApiError> {
    check_text(field, reason, MAX_TEXT_CHARS, true)
}

/// A note, allowed at any time, even once closed.
fn check_note(text: &str) -> Checked {
    let text = check_text("text", text, MAX_TEXT_CHARS, true)?;
    Ok((EntryBody::Note { text }, None))
}

/// A follow-up: what is to be done, and whom it waits for if anyone (the owner and the date
/// are the store's to check).
fn check_follow_up(
    body: &EntryBody,
    closed: bool,
    what: &str,
    waiting_for: Option<&str>,
) -> Checked {
    if closed {
        return Err(conflict(
            "The incident is closed. Reopen it to add a follow-up.",
        ));
    }
    let checked = check_text("followUpWhat", what, crate::incident::MAX_SHORT_CHARS, true)?;
    if waiting_for.is_some_and(|w| super::entries::waiting_for(w).is_none()) {
        return Err(ApiError::validation(
            "followUpWaiting",
            "Choose the police, the LADO or children's social care, or nobody.",
        ));
    }
    let mut body = body.clone();
    if let EntryBody::FollowUp { what, .. } = &mut body {
        *what = checked;
    }
    Ok((body, None))
}

/// A follow-up done: one still open, with an optional note.
fn check_follow_up_done(entries: &[FlowEntry], follow_up: i64, note: &str) -> Checked {
    if !super::entries::open_follow_ups(entries)
        .iter()
        .any(|f| f.entry_id == follow_up)
    {
        return Err(conflict("That follow-up is already done."));
    }
    let note = check_text("followUpNote", note, MAX_TEXT_CHARS, false)?;
    Ok((EntryBody::FollowUpDone { follow_up, note }, None))
}

/// Closing: only at the end of the flow, and not twice.
fn check_close(state: &FlowState, closed: bool, reason: &str) -> Checked {
    if closed {
        return Err(conflict("The incident is already closed."));
    }
    if !state.at_end {
        return Err(conflict(
            "Finish review and close first: the incident can be closed only at the end of its flow.",
        ));
    }
    let reason = validate_reason("reason", reason)?;
    Ok((EntryBody::Closed { reason }, None))
}

/// Reopening: only a closed incident.
fn check_reopen(closed: bool, reason: &str) -> Checked {
    if !closed {
        return Err(conflict("Only a closed incident can be reopened."));
    }
    let reason = validate_reason("reason", reason)?;
    Ok((EntryBody::Reopened { reason }, None))
}

/// The step an entry is for, and where that step stands in the walk.
struct Target<'a> {
    node: &'a Node,
    node_id: &'a str,
    person_id: Option<i64>,
    /// The step is the one being asked now.
    is_current: bool,
    /// The step was passed and its answer can be changed.
    on_path: bool,
    /// The headteacher is the alleged adult: options that would give them the case are refused.
    head_alleged: bool,
}

impl<'a> Target<'a> {
    /// Finds the entry's step in the flow, and checks its person is part of the incident.
    fn find(
        flow: &'a FlowDefinition,
        people: &[Involvement],
        state: &FlowState,
        input: &'a EntryInput,
    ) -> Result<Self, ApiError> {
        let node_id = input
            .node_id
            .as_deref()
            .ok_or_else(|| ApiError::validation("nodeId", "Say which step this is for."))?;
        let node = flow.find_any(node_id).ok_or_else(|| {
            ApiError::new(
                ErrorKind::NotFound,
                "That step is not in this incident's flow.",
            )
        })?;
        if let Some(pid) = input.person_id {
            if !people.iter().any(|i| i.person.id == pid) {
                return Err(ApiError::new(
                    ErrorKind::NotFound,
                    "That person is not part of this incident.",
                ));
            }
        }
        let is_current = state
            .current
            .as_ref()
            .is_some_and(|c| c.node_id == node_id && c.person_id == input.person_id);
        let on_path = state
            .path
            .iter()
            .any(|p| p.node_id == node_id && p.person_id == input.person_id && p.changeable);
        Ok(Target {
            node,
            node_id,
            person_id: input.person_id,
            is_current,
            on_path,
            head_alleged: crate::allegation::head_alleged(people),
        })
    }

    /// The latest entry already recorded for this step whose body `pick` accepts.
    fn previous(&self, entries: &[FlowEntry], pick: impl Fn(&EntryBody) -> bool) -> Option<i64> {
        entries
            .iter()
            .filter(|e| {
                e.node_id.as_deref() == Some(self.node_id)
                    && e.person_id == self.person_id
                    && pick(&e.body)
            })
            .map(|e| e.id)
            .max()
    }
}

/// An answer to a question being asked now, or to one passed (changing it).
fn check_answer(
    target: &Target<'_>,
    entries: &[FlowEntry],
    choices: &[Choice],
    choice: &str,
    reason: &str,
) -> Checked {
    if !target.is_current && !target.on_path {
        return Err(conflict("That question is not being asked now."));
    }
    if !choices.iter().any(|c| c.id == *choice) {
        return Err(ApiError::validation("choice", "Choose one of the answers."));
    }
    let reason = validate_reason("reason", reason)?;
    let supersedes = target.previous(entries, |b| matches!(b, EntryBody::Answer { .. }));
    Ok((
        EntryBody::Answer {
            choice: choice.to_string(),
            reason,
        },
        supersedes,
    ))
}

/// Screening answers: one for every question asked, and none for a question not asked.
fn check_screening(
    target: &Target<'_>,
    entries: &[FlowEntry],
    questions: &[ScreeningQuestion],
    answers: &[ScreeningAnswer],
    reason: &str,
) -> Checked {
    if !target.is_current && !target.on_path {
        return Err(conflict("Those questions are not being asked now."));
    }
    for q in questions {
        if !answers.iter().any(|a| a.question == q.id) {
            return Err(ApiError::validation(&q.id, "Answer every question."));
        }
    }
    if answers
        .iter()
        .any(|a| !questions.iter().any(|q| q.id == a.question))
    {
        return Err(ApiError::validation(
            "answers",
            "An answer is for a question not asked.",
        ));
    }
    let reason = validate_reason("reason", reason)?;
    let supersedes = target.previous(entries, |b| matches!(b, EntryBody::Screening { .. }));
    Ok((
        EntryBody::Screening {
            answers: answers.to_vec(),
            reason,
        },
        supersedes,
    ))
}

/// A checklist item of the current step: done with its details, or not done with a reason.
fn check_item(
    target: &Target<'_>,
    entries: &[FlowEntry],
    items: &[ActionItem],
    item: &str,
    done: bool,
    details: &BTreeMap<String, String>,
    reason: &str,
) -> Checked {
    if !target.is_current {
        return Err(conflict("That step is not the current one."));
    }
    let def = items
        .iter()
        .find(|i| i.id == *item)
        .ok_or_else(|| ApiError::validation("item", "That item is not part of this step."))?
        .for_case(target.head_alleged);
    let clean = if done {
        check_details(&def, details)?
    } else {
        BTreeMap::new()
    };
    let reason = if done {
        check_text("reason", reason, MAX_TEXT_CHARS, false)?
    } else {
        validate_reason("reason", reason)
            .map_err(|_| ApiError::validation("reason", "Say why this was not done."))?
    };
    let supersedes = target.previous(
        entries,
        |b| matches!(b, EntryBody::Item { item: i, .. } if i == item),
    );
    Ok((
        EntryBody::Item {
            item: item.to_string(),
            done,
            details: clean,
            reason,
        },
        supersedes,
    ))
}

/// The details of a done item, tidied: each field checked, empty ones dropped, none unasked.
fn check_details(
    def: &ActionItem,
    details: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut clean = BTreeMap::new();
    for field in &def.fields {
        let value = details.get(&field.id).map(String::as_str).unwrap_or("");
        let value = check_text(&field.id, value, MAX_TEXT_CHARS, field.required)?;
        if !value.is_empty() {
            check_field_value(field, &value)?;
            clean.insert(field.id.clone(), value);
        }
    }
    if let Some(unknown) = details
        .keys()
        .find(|k| !def.fields.iter().any(|f| f.id == **k))
    {
        return Err(ApiError::validation(
            unknown,
            "That detail is not asked for here.",
        ));
    }
    Ok(clean)
}

/// A value typed into a field, checked against the field's kind.
fn check_field_value(field: &ItemField, value: &str) -> Result<(), ApiError> {
    let ok = match field.kind {
        FieldKind::Text | FieldKind::Longtext => true,
        // Record ids, checked against the incident and filled in by the store.
        FieldKind::People => value.split(',').all(|id| id.trim().parse::<i64>().is_ok()),
        FieldKind::Evidence => value.parse::<i64>().is_ok(),
        FieldKind::Choice => field.options.iter().any(|o| o == value),
        FieldKind::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        FieldKind::Datetime => {
            chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").is_ok()
                || DateTime::parse_from_rfc3339(value).is_ok()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(
            &field.id,
            format!("{} is not valid.", field.label),
        ))
    }
}

/// Completing the current step once no mandatory item is left; records the optional items
/// left open.
fn check_complete(target: &Target<'_>, state: &FlowState, items: &[ActionItem]) -> Checked {
    let current = state
        .current
        .as_ref()
        .filter(|_| target.is_current)
        .ok_or_else(|| conflict("That step is not the current one."))?;
    if !current.blocking.is_empty() {
        return Err(ApiError::validation(
            "items",
            format!(
                "Record each required item as done, or not done with a reason, first: {}.",
                current.blocking.join("; ")
            ),
        ));
    }
    let open = items
        .iter()
        .filter(|i| {
            !current
                .items
                .iter()
                .any(|v| v.item.id == i.id && v.record.is_some())
        })
        .map(|i| i.id.clone())
        .collect();
    Ok((EntryBody::Complete { open }, None))
}
