//! The flow engine. Records are append-only: the state of an incident is worked out from its
//! entries. An entry only counts if it was made after the answers that led to its step, so
//! changing an earlier answer asks the steps that depended on it again, and nothing is lost.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::definition::*;
use crate::incident::{check_text, Involvement, MAX_TEXT_CHARS};
use crate::ApiError;

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum IncidentStatus {
    Open,
    AwaitingPolice,
    Closed,
}

impl IncidentStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::AwaitingPolice => "awaitingPolice",
            IncidentStatus::Closed => "closed",
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
    pub body: EntryBody,
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
}

/// The kind of the current step, for the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepKind {
    Info,
    Question,
    Screening,
    Action,
    End,
}

/// A choice as shown.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChoiceView {
    pub id: String,
    pub label: String,
}

/// An item's recorded state.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ItemRecord {
    #[ts(type = "number")]
    pub entry_id: i64,
    pub done: bool,
    pub details: BTreeMap<String, String>,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub user_name: String,
}

/// A checklist item with what was recorded for it so far.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ItemView {
    pub item: ActionItem,
    #[ts(optional)]
    pub record: Option<ItemRecord>,
}

/// The step the DSL is asked to do now.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepView {
    pub node_id: String,
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    #[ts(optional)]
    pub person_label: Option<String>,
    pub section: String,
    pub title: String,
    pub guidance: Vec<String>,
    pub kind: StepKind,
    pub choices: Vec<ChoiceView>,
    pub questions: Vec<ScreeningQuestion>,
    pub items: Vec<ItemView>,
    /// Mandatory items still to resolve before the step can be completed.
    pub blocking: Vec<String>,
    /// The answer being replaced, when an earlier answer is being changed.
    #[ts(optional, type = "number")]
    pub replaces: Option<i64>,
}

/// A step already passed, as shown in the route.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PathStep {
    pub node_id: String,
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    #[ts(optional)]
    pub person_label: Option<String>,
    pub section: String,
    pub title: String,
    pub summary: String,
    /// True for a question whose answer can be changed.
    pub changeable: bool,
    /// When the deciding entry was made, and by whom.
    #[ts(optional)]
    pub at: Option<DateTime<Utc>>,
    #[ts(optional)]
    pub by: Option<String>,
}

/// Where the incident stands in its flow.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FlowState {
    pub status: IncidentStatus,
    #[ts(optional)]
    pub mark: Option<Mark>,
    #[ts(optional)]
    pub current: Option<StepView>,
    /// The flow has reached its end: the incident may be closed.
    pub at_end: bool,
    pub path: Vec<PathStep>,
}

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

type Key = (String, Option<i64>);

struct Ctx<'a> {
    by_key: BTreeMap<Key, Vec<&'a FlowEntry>>,
    by_id: BTreeMap<i64, &'a FlowEntry>,
    people: &'a [Involvement],
}

impl<'a> Ctx<'a> {
    fn entries(&self, node: &str, person: Option<i64>) -> &[&'a FlowEntry] {
        self.by_key
            .get(&(node.to_string(), person))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The latest entry for a step made after `floor` that `pick` accepts.
    fn latest<T>(
        &self,
        node: &str,
        person: Option<i64>,
        floor: i64,
        pick: impl Fn(&'a FlowEntry) -> Option<T>,
    ) -> Option<(&'a FlowEntry, T)> {
        self.entries(node, person)
            .iter()
            .rev()
            .filter(|e| e.id > floor)
            .find_map(|e| pick(e).map(|t| (*e, t)))
    }

    /// The earliest entry of an unbroken run of answers with the same outcome: a changed reason
    /// does not make later steps be asked again, a changed choice does.
    fn since(&self, entry: &FlowEntry) -> i64 {
        let mut since = entry.id;
        let mut current = entry;
        while let Some(prev) = current.supersedes.and_then(|id| self.by_id.get(&id)) {
            if same_outcome(&prev.body, &current.body) {
                since = prev.id;
                current = prev;
            } else {
                break;
            }
        }
        since
    }

    fn label(&self, person: Option<i64>) -> Option<String> {
        let id = person?;
        self.people
            .iter()
            .find(|i| i.person.id == id)
            .map(|i| i.person.name.clone())
    }
}

fn same_outcome(a: &EntryBody, b: &EntryBody) -> bool {
    match (a, b) {
        (EntryBody::Answer { choice: x, .. }, EntryBody::Answer { choice: y, .. }) => x == y,
        (EntryBody::Screening { answers: x, .. }, EntryBody::Screening { answers: y, .. }) => {
            x.iter().any(|a| a.yes) == y.iter().any(|a| a.yes)
        }
        _ => false,
    }
}

fn item_records<'a>(
    ctx: &Ctx<'a>,
    node: &Node,
    items: &[ActionItem],
    person: Option<i64>,
    floor: i64,
) -> Vec<ItemView> {
    items
        .iter()
        .map(|item| {
            let record = ctx
                .latest(&node.id, person, floor, |e| match &e.body {
                    EntryBody::Item {
                        item: id,
                        done,
                        details,
                        reason,
                    } if *id == item.id => Some((*done, details.clone(), reason.clone())),
                    _ => None,
                })
                .map(|(e, (done, details, reason))| ItemRecord {
                    entry_id: e.id,
                    done,
                    details,
                    reason,
                    at: e.at,
                    user_name: e.user_name.clone(),
                });
            ItemView {
                item: item.clone(),
                record,
            }
        })
        .collect()
}

fn step_view(node: &Node, person: Option<i64>, ctx: &Ctx<'_>, floor: i64) -> StepView {
    let mut view = StepView {
        node_id: node.id.clone(),
        person_id: person,
        person_label: ctx.label(person),
        section: node.section.clone(),
        title: node.title.clone(),
        guidance: node.guidance.clone(),
        kind: StepKind::Info,
        choices: Vec::new(),
        questions: Vec::new(),
        items: Vec::new(),
        blocking: Vec::new(),
        replaces: None,
    };
    match &node.kind {
        NodeKind::Info { .. } | NodeKind::PerPerson { .. } => {}
        NodeKind::Question { choices } => {
            view.kind = StepKind::Question;
            view.choices = choices
                .iter()
                .map(|c| ChoiceView {
                    id: c.id.clone(),
                    label: c.label.clone(),
                })
                .collect();
        }
        NodeKind::Screening { questions, .. } => {
            view.kind = StepKind::Screening;
            view.questions = questions.clone();
        }
        NodeKind::Action { items, .. } => {
            view.kind = StepKind::Action;
            view.items = item_records(ctx, node, items, person, floor);
            view.blocking = view
                .items
                .iter()
                .filter(|i| i.item.mandatory && i.record.is_none())
                .map(|i| i.item.label.clone())
                .collect();
        }
        NodeKind::End { .. } => view.kind = StepKind::End,
    }
    view
}

enum Walk {
    /// The DSL must do this step next.
    Stop(Box<StepView>),
    /// The scope ran to `next` ("" at the end of a per-person sub-flow).
    Next(String),
}

/// Walks one node; on success returns where to go and records the path.
fn walk_node(
    node: &Node,
    person: Option<i64>,
    ctx: &Ctx<'_>,
    floor: &mut i64,
    mark: &mut Option<Mark>,
    path: &mut Vec<PathStep>,
) -> Walk {
    let mut push = |summary: String, changeable: bool, entry: Option<&FlowEntry>| {
        path.push(PathStep {
            node_id: node.id.clone(),
            person_id: person,
            person_label: ctx.label(person),
            section: node.section.clone(),
            title: node.title.clone(),
            summary,
            changeable,
            at: entry.map(|e| e.at),
            by: entry.map(|e| e.user_name.clone()),
        })
    };
    match &node.kind {
        NodeKind::Info { next } => {
            match ctx.latest(&node.id, person, *floor, |e| {
                matches!(e.body, EntryBody::Acknowledged).then_some(())
            }) {
                Some((entry, _)) => {
                    push("Read".into(), false, Some(entry));
                    Walk::Next(next.clone())
                }
                None => Walk::Stop(Box::new(step_view(node, person, ctx, *floor))),
            }
        }
        NodeKind::Question { choices } => {
            let answer = ctx.latest(&node.id, person, *floor, |e| match &e.body {
                EntryBody::Answer { choice, reason } => choices
                    .iter()
                    .find(|c| c.id == *choice)
                    .map(|c| (c, reason.clone())),
                _ => None,
            });
            match answer {
                Some((entry, (choice, reason))) => {
                    *floor = (*floor).max(ctx.since(entry));
                    if choice.marks.is_some() {
                        *mark = choice.marks;
                    }
                    push(format!("{}: {}", choice.label, reason), true, Some(entry));
                    Walk::Next(choice.next.clone())
                }
                None => Walk::Stop(Box::new(step_view(node, person, ctx, *floor))),
            }
        }
        NodeKind::Screening {
            questions,
            any_yes,
            all_no,
            any_yes_marks,
            all_no_marks,
        } => {
            let answer = ctx.latest(&node.id, person, *floor, |e| match &e.body {
                EntryBody::Screening { answers, reason } => Some((answers.clone(), reason.clone())),
                _ => None,
            });
            match answer {
                Some((entry, (answers, reason))) => {
                    *floor = (*floor).max(ctx.since(entry));
                    let yes: Vec<&str> = questions
                        .iter()
                        .filter(|q| answers.iter().any(|a| a.question == q.id && a.yes))
                        .map(|q| q.text.as_str())
                        .collect();
                    if yes.is_empty() {
                        if all_no_marks.is_some() {
                            *mark = *all_no_marks;
                        }
                        push(format!("All no. Rationale: {reason}"), true, Some(entry));
                        Walk::Next(all_no.clone())
                    } else {
                        if any_yes_marks.is_some() {
                            *mark = *any_yes_marks;
                        }
                        push(
                            format!("Yes to: {} Rationale: {reason}", yes.join(" ")),
                            true,
                            Some(entry),
                        );
                        Walk::Next(any_yes.clone())
                    }
                }
                None => Walk::Stop(Box::new(step_view(node, person, ctx, *floor))),
            }
        }
        NodeKind::Action { items, next } => {
            let complete = ctx.latest(&node.id, person, *floor, |e| {
                matches!(e.body, EntryBody::Complete { .. }).then_some(())
            });
            if let Some((completed, _)) = complete {
                let records = item_records(ctx, node, items, person, *floor);
                let done = records
                    .iter()
                    .filter(|r| r.record.as_ref().is_some_and(|x| x.done))
                    .count();
                let not_done = records
                    .iter()
                    .filter(|r| r.record.as_ref().is_some_and(|x| !x.done))
                    .count();
                let open = records.len() - done - not_done;
                let mut parts = vec![format!("{done} done")];
                if not_done > 0 {
                    parts.push(format!("{not_done} not done, with reasons"));
                }
                if open > 0 {
                    parts.push(format!("{open} optional left open"));
                }
                push(parts.join(", "), false, Some(completed));
                Walk::Next(next.clone())
            } else {
                Walk::Stop(Box::new(step_view(node, person, ctx, *floor)))
            }
        }
        NodeKind::PerPerson {
            applies_to,
            start,
            steps,
            next,
        } => {
            let matching: Vec<i64> = ctx
                .people
                .iter()
                .filter(|i| {
                    applies_to.roles.iter().any(|r| r == i.role.as_str())
                        && applies_to.kinds.iter().any(|k| k == i.person.kind.as_str())
                })
                .map(|i| i.person.id)
                .fold(Vec::new(), |mut acc, id| {
                    if !acc.contains(&id) {
                        acc.push(id);
                    }
                    acc
                });
            if matching.is_empty() {
                push("No one in this incident has this role".into(), false, None);
                return Walk::Next(next.clone());
            }
            for who in &matching {
                let mut sub_floor = *floor;
                let mut cursor = start.clone();
                while !cursor.is_empty() {
                    let Some(sub) = steps.iter().find(|s| s.id == cursor) else {
                        break;
                    };
                    match walk_node(sub, Some(*who), ctx, &mut sub_floor, mark, path) {
                        Walk::Stop(view) => return Walk::Stop(view),
                        Walk::Next(n) => cursor = n,
                    }
                }
            }
            Walk::Next(next.clone())
        }
        NodeKind::End { .. } => Walk::Stop(Box::new(step_view(node, person, ctx, *floor))),
    }
}

/// Works out where an incident stands from its flow, its people and its entries (in id order).
pub fn evaluate(flow: &FlowDefinition, people: &[Involvement], entries: &[FlowEntry]) -> FlowState {
    let mut by_key: BTreeMap<Key, Vec<&FlowEntry>> = BTreeMap::new();
    let mut by_id = BTreeMap::new();
    for e in entries {
        by_id.insert(e.id, e);
        if let Some(node) = &e.node_id {
            by_key
                .entry((node.clone(), e.person_id))
                .or_default()
                .push(e);
        }
    }
    for list in by_key.values_mut() {
        list.sort_by_key(|e| e.id);
    }
    let ctx = Ctx {
        by_key,
        by_id,
        people,
    };
    let closed = entries
        .iter()
        .filter(|e| {
            matches!(
                e.body,
                EntryBody::Closed { .. } | EntryBody::Reopened { .. }
            )
        })
        .max_by_key(|e| e.id)
        .is_some_and(|e| matches!(e.body, EntryBody::Closed { .. }));

    let mut floor = 0;
    let mut mark = None;
    let mut path = Vec::new();
    let mut cursor = flow.start.clone();
    let mut current = None;
    let mut at_end = false;
    // A validated flow has no loops, so this ends; the bound guards a damaged definition.
    for _ in 0..10_000 {
        let Some(node) = flow.node(&cursor) else {
            break;
        };
        match walk_node(node, None, &ctx, &mut floor, &mut mark, &mut path) {
            Walk::Next(next) => cursor = next,
            Walk::Stop(view) => {
                at_end = view.kind == StepKind::End;
                current = Some(*view);
                break;
            }
        }
    }
    let status = if closed {
        IncidentStatus::Closed
    } else if current
        .as_ref()
        .and_then(|c| flow.find_any(&c.node_id))
        .and_then(|n| n.status_while_current.as_deref())
        == Some("awaitingPolice")
    {
        IncidentStatus::AwaitingPolice
    } else {
        IncidentStatus::Open
    };
    FlowState {
        status,
        mark,
        current: if closed { None } else { current },
        at_end,
        path,
    }
}

/// The step to show when an earlier answer is being changed: the same question, noting which
/// answer it will replace.
pub fn reask(
    flow: &FlowDefinition,
    people: &[Involvement],
    entries: &[FlowEntry],
    node_id: &str,
    person_id: Option<i64>,
) -> Option<StepView> {
    let node = flow.find_any(node_id)?;
    if !matches!(
        node.kind,
        NodeKind::Question { .. } | NodeKind::Screening { .. }
    ) {
        return None;
    }
    let state = evaluate(flow, people, entries);
    if !state
        .path
        .iter()
        .any(|p| p.node_id == node_id && p.person_id == person_id && p.changeable)
    {
        return None;
    }
    let mut by_id = BTreeMap::new();
    for e in entries {
        by_id.insert(e.id, e);
    }
    let ctx = Ctx {
        by_key: BTreeMap::new(),
        by_id,
        people,
    };
    let mut view = step_view(node, person_id, &ctx, 0);
    view.replaces = entries
        .iter()
        .filter(|e| e.node_id.as_deref() == Some(node_id) && e.person_id == person_id)
        .filter(|e| {
            matches!(
                e.body,
                EntryBody::Answer { .. } | EntryBody::Screening { .. }
            )
        })
        .map(|e| e.id)
        .max();
    Some(view)
}

fn validate_reason(field: &str, reason: &str) -> Result<String, ApiError> {
    check_text(field, reason, MAX_TEXT_CHARS, true)
}

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
        EntryBody::Note { text } => {
            let text = check_text("text", text, MAX_TEXT_CHARS, true)?;
            return Ok((EntryBody::Note { text }, None));
        }
        EntryBody::Closed { reason } => {
            if closed {
                return Err(ApiError::new(
                    crate::ErrorKind::Conflict,
                    "The incident is already closed.",
                ));
            }
            if !state.at_end {
                return Err(ApiError::new(
                    crate::ErrorKind::Conflict,
                    "Finish review and close first: the incident can be closed only at the end of its flow.",
                ));
            }
            let reason = validate_reason("reason", reason)?;
            return Ok((EntryBody::Closed { reason }, None));
        }
        EntryBody::Reopened { reason } => {
            if !closed {
                return Err(ApiError::new(
                    crate::ErrorKind::Conflict,
                    "Only a closed incident can be reopened.",
                ));
            }
            let reason = validate_reason("reason", reason)?;
            return Ok((EntryBody::Reopened { reason }, None));
        }
        _ => {}
    }
    if closed {
        return Err(ApiError::new(
            crate::ErrorKind::Conflict,
            "The incident is closed. Reopen it to record more.",
        ));
    }
    let node_id = input
        .node_id
        .as_deref()
        .ok_or_else(|| ApiError::validation("nodeId", "Say which step this is for."))?;
    let node = flow.find_any(node_id).ok_or_else(|| {
        ApiError::new(
            crate::ErrorKind::NotFound,
            "That step is not in this incident's flow.",
        )
    })?;
    if let Some(pid) = input.person_id {
        if !people.iter().any(|i| i.person.id == pid) {
            return Err(ApiError::new(
                crate::ErrorKind::NotFound,
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
    let previous = |pick: fn(&EntryBody) -> bool| {
        entries
            .iter()
            .filter(|e| {
                e.node_id.as_deref() == Some(node_id)
                    && e.person_id == input.person_id
                    && pick(&e.body)
            })
            .map(|e| e.id)
            .max()
    };
    match (&node.kind, &input.body) {
        (NodeKind::Question { choices }, EntryBody::Answer { choice, reason }) => {
            if !is_current && !on_path {
                return Err(ApiError::new(
                    crate::ErrorKind::Conflict,
                    "That question is not being asked now.",
                ));
            }
            if !choices.iter().any(|c| c.id == *choice) {
                return Err(ApiError::validation("choice", "Choose one of the answers."));
            }
            let reason = validate_reason("reason", reason)?;
            let supersedes = previous(|b| matches!(b, EntryBody::Answer { .. }));
            Ok((
                EntryBody::Answer {
                    choice: choice.clone(),
                    reason,
                },
                supersedes,
            ))
        }
        (NodeKind::Screening { questions, .. }, EntryBody::Screening { answers, reason }) => {
            if !is_current && !on_path {
                return Err(ApiError::new(
                    crate::ErrorKind::Conflict,
                    "Those questions are not being asked now.",
                ));
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
            let supersedes = previous(|b| matches!(b, EntryBody::Screening { .. }));
            Ok((
                EntryBody::Screening {
                    answers: answers.clone(),
                    reason,
                },
                supersedes,
            ))
        }
        (
            NodeKind::Action { items, .. },
            EntryBody::Item {
                item,
                done,
                details,
                reason,
            },
        ) => {
            if !is_current {
                return Err(ApiError::new(
                    crate::ErrorKind::Conflict,
                    "That step is not the current one.",
                ));
            }
            let def = items.iter().find(|i| i.id == *item).ok_or_else(|| {
                ApiError::validation("item", "That item is not part of this step.")
            })?;
            let mut clean = BTreeMap::new();
            if *done {
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
            }
            let reason = if *done {
                check_text("reason", reason, MAX_TEXT_CHARS, false)?
            } else {
                validate_reason("reason", reason)
                    .map_err(|_| ApiError::validation("reason", "Say why this was not done."))?
            };
            let supersedes = entries
                .iter()
                .filter(|e| e.node_id.as_deref() == Some(node_id) && e.person_id == input.person_id)
                .filter(|e| matches!(&e.body, EntryBody::Item { item: i, .. } if i == item))
                .map(|e| e.id)
                .max();
            Ok((
                EntryBody::Item {
                    item: item.clone(),
                    done: *done,
                    details: clean,
                    reason,
                },
                supersedes,
            ))
        }
        (NodeKind::Action { items, .. }, EntryBody::Complete { .. }) => {
            let current = state
                .current
                .as_ref()
                .filter(|_| is_current)
                .ok_or_else(|| {
                    ApiError::new(
                        crate::ErrorKind::Conflict,
                        "That step is not the current one.",
                    )
                })?;
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
        (NodeKind::Info { .. }, EntryBody::Acknowledged) if is_current => {
            Ok((EntryBody::Acknowledged, None))
        }
        _ => Err(ApiError::validation(
            "body",
            "That cannot be recorded at this step.",
        )),
    }
}

fn check_field_value(field: &ItemField, value: &str) -> Result<(), ApiError> {
    let ok = match field.kind {
        FieldKind::Text | FieldKind::Longtext => true,
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
    let superseded: std::collections::BTreeSet<i64> =
        entries.iter().filter_map(|e| e.supersedes).collect();
    let label = |pid: Option<i64>| {
        pid.and_then(|id| {
            people
                .iter()
                .find(|i| i.person.id == id)
                .map(|i| i.person.name.clone())
        })
    };
    let mut out: Vec<ChronologyEntry> = entries
        .iter()
        .map(|e| {
            let node = e.node_id.as_deref().and_then(|id| flow.find_any(id));
            let step = node
                .map(|n| n.title.clone())
                .unwrap_or_else(|| match e.body {
                    EntryBody::Closed { .. } => "Incident closed".into(),
                    EntryBody::Reopened { .. } => "Incident reopened".into(),
                    _ => "Note".into(),
                });
            let text = match &e.body {
                EntryBody::Answer { choice, reason } => {
                    let label = node
                        .and_then(|n| match &n.kind {
                            NodeKind::Question { choices } => choices
                                .iter()
                                .find(|c| c.id == *choice)
                                .map(|c| c.label.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(|| choice.clone());
                    format!("Answered \"{label}\". Reason: {reason}")
                }
                EntryBody::Screening { answers, reason } => {
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
                EntryBody::Item {
                    item,
                    done,
                    details,
                    reason,
                } => {
                    let def = node.and_then(|n| match &n.kind {
                        NodeKind::Action { items, .. } => items.iter().find(|i| i.id == *item),
                        _ => None,
                    });
                    let name = def.map(|d| d.label.clone()).unwrap_or_else(|| item.clone());
                    let facts: Vec<String> = details
                        .iter()
                        .map(|(k, v)| {
                            let field = def
                                .and_then(|d| d.fields.iter().find(|f| f.id == *k))
                                .map(|f| f.label.clone())
                                .unwrap_or_else(|| k.clone());
                            format!("{field}: {}", display_value(v))
                        })
                        .collect();
                    let mut text = if *done {
                        format!("Done: {name}.")
                    } else {
                        format!("Not done: {name}. Reason: {reason}")
                    };
                    if !facts.is_empty() {
                        text.push_str(&format!(" {}.", facts.join("; ")));
                    }
                    if *done && !reason.is_empty() {
                        text.push_str(&format!(" Note: {reason}"));
                    }
                    text
                }
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
            };
            ChronologyEntry {
                entry: e.clone(),
                step,
                person_label: label(e.person_id),
                text,
                superseded: superseded.contains(&e.id),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.entry
            .at
            .cmp(&b.entry.at)
            .then(a.entry.id.cmp(&b.entry.id))
    });
    out
}
