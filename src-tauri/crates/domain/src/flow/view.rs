//! What the screen shows: the current step, the route so far and where the incident stands.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::ctx::Ctx;
use super::definition::{ActionItem, Mark, Node, NodeKind, ScreeningQuestion};
use super::entries::{EntryBody, IncidentStatus};

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
    /// When it was done, where that was earlier than it was recorded.
    #[ts(optional)]
    pub happened: Option<DateTime<Utc>>,
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
    /// When it happened, where that was earlier than it was recorded.
    #[ts(optional)]
    pub happened: Option<DateTime<Utc>>,
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
    /// The route was marked illegal at some point (the police may since have found nothing).
    pub was_illegal: bool,
    /// Branches passed on the facts as they are now, for the store to record as decided:
    /// (step, person, whether the test held).
    #[serde(skip)]
    #[ts(skip)]
    pub undecided_branches: Vec<(String, Option<i64>, bool)>,
    #[ts(optional)]
    pub current: Option<StepView>,
    /// The flow has reached its end: the incident may be closed.
    pub at_end: bool,
    pub path: Vec<PathStep>,
}

/// Each of a step's checklist items with its latest record made after `floor`.
pub(super) fn item_records(
    ctx: &Ctx<'_>,
    node: &Node,
    items: &[ActionItem],
    person: Option<i64>,
    floor: i64,
) -> Vec<ItemView> {
    let head_alleged = crate::allegation::head_alleged(ctx.people);
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
                    happened: e.happened,
                    user_name: e.user_name.clone(),
                });
            ItemView {
                item: item.for_case(head_alleged),
                record,
            }
        })
        .collect()
}

/// A step as the DSL is asked to do it, counting only entries made after `floor`.
pub(super) fn step_view(node: &Node, person: Option<i64>, ctx: &Ctx<'_>, floor: i64) -> StepView {
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
        NodeKind::Info { .. } | NodeKind::PerPerson { .. } | NodeKind::Branch { .. } => {}
        NodeKind::Question { choices, .. } => {
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

/// A step with a deadline, while it is the current one (e.g. the LADO consulted within one
/// working day of the concern being reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DueStep {
    /// What is due: "LADO consultation".
    pub label: String,
    pub at: DateTime<Utc>,
    /// Who it is for, in a per-person step.
    #[ts(optional)]
    pub person_label: Option<String>,
    /// A follow-up's owner (a vault user) and its entry; none for a step of the flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub owner: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub follow_up: Option<i64>,
}
