//! Flow definitions: the versioned flowcharts shipped as data in `assets/flows/`.
//! A school can reword steps or add checklist items by editing the JSON and raising the version.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::entries::IncidentStatus;
use crate::activity::ActivityType;
use crate::meaning::ItemMeaning;

/// A whole flowchart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowDefinition {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub start: String,
    /// The kinds of incident a DSL chooses from, each with what it adds to the checklists.
    #[serde(default)]
    pub types: Vec<ActivityType>,
    pub nodes: Vec<Node>,
    /// Set on a flow made for one type of incident ([`FlowDefinition::for_type`]): that type.
    #[serde(skip)]
    pub case_type: Option<ActivityType>,
}

/// One step of a flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: String,
    pub section: String,
    pub title: String,
    #[serde(default)]
    pub guidance: Vec<String>,
    /// The incident's status while this is the current step (e.g. awaiting police).
    #[serde(default)]
    pub status_while_current: Option<String>,
    /// While this is the current step, it is due this many working days after the concern was
    /// reported (e.g. the LADO consulted within one working day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_working_days: Option<u32>,
    /// What the step is due for, shown with the due time ("LADO consultation").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_label: Option<String>,
    #[serde(flatten)]
    pub kind: NodeKind,
}

/// What a step asks of the DSL.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum NodeKind {
    /// Guidance to read and acknowledge.
    Info { next: String },
    /// One answer from fixed choices; the reason is recorded with it.
    Question {
        choices: Vec<Choice>,
        /// What the answer means to the record and the figures (e.g. an allegation's outcome).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meaning: Option<QuestionMeaning>,
    },
    /// Decided by a fact of the record, not asked: each way is taken automatically.
    #[serde(rename_all = "camelCase")]
    Branch {
        test: BranchTest,
        yes: String,
        no: String,
        /// What the route shows when the test is true, and when false.
        yes_note: String,
        no_note: String,
        /// The mark each way sets, if any (the type of activity is illegal in itself).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        yes_marks: Option<Mark>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no_marks: Option<Mark>,
    },
    /// Several yes/no questions: any yes goes one way, all no the other (the UKCIS questions).
    #[serde(rename_all = "camelCase")]
    Screening {
        questions: Vec<ScreeningQuestion>,
        any_yes: String,
        all_no: String,
        #[serde(default)]
        any_yes_marks: Option<Mark>,
        #[serde(default)]
        all_no_marks: Option<Mark>,
    },
    /// A checklist: each item done, or not done with a reason.
    Action {
        items: Vec<ActionItem>,
        next: String,
    },
    /// A sub-flow run once for each person with one of the given roles and kinds.
    #[serde(rename_all = "camelCase")]
    PerPerson {
        applies_to: PersonFilter,
        /// Only for the people for whom one of these earlier questions was answered with one
        /// of these choices (e.g. the adults whose case met the harm threshold).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        only_if: Option<AnsweredWith>,
        /// Not for the people for whom one of these questions was already answered with one of
        /// these choices on the way here (e.g. an adult already assessed on the other route).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        except_if: Option<AnsweredWith>,
        start: String,
        steps: Vec<Node>,
        next: String,
    },
    /// The flow's outcome.
    End { outcome: String },
}

/// Whether an answer marks the incident as illegal or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Mark {
    Illegal,
    NotIllegal,
}

/// The fact a branch step reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BranchTest {
    /// The person the per-person step is for is recorded as the headteacher.
    PersonIsHeadteacher,
    /// The incident's type of activity is illegal in itself (a top-level step). Read from the
    /// facts each time, so correcting the type changes the route.
    TypeIsIllegal,
}

impl BranchTest {
    /// True for a test of the person a per-person step is for; false for one of the incident.
    pub fn reads_person(self) -> bool {
        matches!(self, BranchTest::PersonIsHeadteacher)
    }
}

/// What a question's answer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QuestionMeaning {
    /// The outcome of an allegation about an adult: its choices are KCSIE's five outcomes.
    AllegationOutcome,
    /// The harm-threshold test for an adult: its choices are `yes`, `unsure` and `no`.
    HarmThreshold,
}

/// The choices a harm-threshold question has.
pub const THRESHOLD_CHOICES: [&str; 3] = ["yes", "unsure", "no"];

/// The earlier answers a per-person step depends on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnsweredWith {
    pub steps: Vec<String>,
    pub choices: Vec<String>,
}

/// One choice of a question.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub id: String,
    pub label: String,
    pub next: String,
    #[serde(default)]
    pub marks: Option<Mark>,
}

/// One yes/no question of a screening step.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScreeningQuestion {
    pub id: String,
    pub text: String,
}

/// One checklist item.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionItem {
    pub id: String,
    pub label: String,
    /// Must be done, or explicitly not done with a reason, before the step can be completed.
    pub mandatory: bool,
    #[serde(default)]
    pub guidance: Option<String>,
    #[serde(default)]
    pub fields: Vec<ItemField>,
    /// What the item means to the incident report and the governor figures, when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(skip)]
    pub meaning: Option<ItemMeaning>,
    /// Offered only for the types of activity that add it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(skip)]
    pub by_type: bool,
}

/// A detail recorded when an item is done (e.g. a crime reference number).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ItemField {
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    /// Options not offered when the adult an allegation is about is the headteacher (e.g.
    /// "Refer to headteacher").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(skip)]
    pub hide_when_head_alleged: Vec<String>,
    /// Options offered only then (e.g. "Refer to the chair of governors").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(skip)]
    pub only_when_head_alleged: Vec<String>,
}

impl ActionItem {
    /// The item as offered in this case: when the headteacher is the alleged adult, without
    /// the options that would put the case in their hands.
    pub fn for_case(&self, head_alleged: bool) -> ActionItem {
        let mut item = self.clone();
        for f in &mut item.fields {
            let (hide, only) = (&f.hide_when_head_alleged, &f.only_when_head_alleged);
            f.options.retain(|o| {
                if head_alleged {
                    !hide.contains(o)
                } else {
                    !only.contains(o)
                }
            });
        }
        item
    }
}

/// How a field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FieldKind {
    Text,
    Longtext,
    Datetime,
    Date,
    Choice,
    /// People named in the incident, each added to it with their role (filled in by the store
    /// from the people named with the entry).
    People,
    /// An item of the incident's evidence register: one picked, or one added with the entry.
    Evidence,
}

/// Which people a per-person step runs for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonFilter {
    pub roles: Vec<String>,
    pub kinds: Vec<String>,
}

/// Why a flow definition is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("the flow definition is not valid JSON: {0}")]
    Parse(String),
    #[error("node id {0} is used twice")]
    DuplicateId(String),
    #[error("node {from} refers to {to}, which does not exist in its scope")]
    Dangling { from: String, to: String },
    #[error("node {0} cannot be reached from the start")]
    Unreachable(String),
    #[error("the flow loops back through node {0}")]
    Cycle(String),
    #[error("node {0} leads nowhere: every path must end")]
    DeadEnd(String),
    #[error("node {0} is not valid: {1}")]
    Invalid(String, String),
}

impl Node {
    /// Where this node can lead (empty string: the end of a per-person sub-flow).
    pub fn successors(&self) -> Vec<&str> {
        match &self.kind {
            NodeKind::Info { next } | NodeKind::Action { next, .. } => vec![next],
            NodeKind::PerPerson { next, .. } => vec![next],
            NodeKind::Question { choices, .. } => choices.iter().map(|c| c.next.as_str()).collect(),
            NodeKind::Branch { yes, no, .. } => vec![yes, no],
            NodeKind::Screening {
                any_yes, all_no, ..
            } => vec![any_yes, all_no],
            NodeKind::End { .. } => vec![],
        }
    }
}

impl FlowDefinition {
    /// Reads and validates a flow definition.
    pub fn parse(json: &str) -> Result<Self, FlowError> {
        let flow: FlowDefinition =
            serde_json::from_str(json).map_err(|e| FlowError::Parse(e.to_string()))?;
        flow.validate()?;
        Ok(flow)
    }

    /// A top-level node by id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Any node, top-level or inside a per-person step, by id.
    pub fn find_any(&self, id: &str) -> Option<&Node> {
        fn walk<'a>(nodes: &'a [Node], id: &str) -> Option<&'a Node> {
            for n in nodes {
                if n.id == id {
                    return Some(n);
                }
                if let NodeKind::PerPerson { steps, .. } = &n.kind {
                    if let Some(found) = walk(steps, id) {
                        return Some(found);
                    }
                }
            }
            None
        }
        walk(&self.nodes, id)
    }

    /// The meaning tagged on question `node`, if any.
    pub fn question_meaning(&self, node: &str) -> Option<QuestionMeaning> {
        match &self.find_any(node)?.kind {
            NodeKind::Question { meaning, .. } => *meaning,
            _ => None,
        }
    }

    /// The meaning tagged on checklist item `item` of step `node` (step ids are unique across
    /// the flow, per-person steps included).
    pub fn item_meaning(&self, node: &str, item: &str) -> Option<ItemMeaning> {
        match &self.find_any(node)?.kind {
            NodeKind::Action { items, .. } => items.iter().find(|i| i.id == item)?.meaning,
            _ => None,
        }
    }

    /// The options of field `field` on every item tagged `meaning`, in flow order, each once
    /// (e.g. the sanction categories the figures list even when none was given).
    pub fn options_of(&self, meaning: ItemMeaning, field: &str) -> Vec<String> {
        fn walk(nodes: &[Node], meaning: ItemMeaning, field: &str, out: &mut Vec<String>) {
            for n in nodes {
                match &n.kind {
                    NodeKind::Action { items, .. } => {
                        let fields = items
                            .iter()
                            .filter(|i| i.meaning == Some(meaning))
                            .flat_map(|i| i.fields.iter().filter(|f| f.id == field));
                        for option in fields.flat_map(|f| f.options.iter()) {
                            if !out.contains(option) {
                                out.push(option.clone());
                            }
                        }
                    }
                    NodeKind::PerPerson { steps, .. } => walk(steps, meaning, field, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, meaning, field, &mut out);
        out
    }

    /// Checks: ids unique, every reference resolves, every node reachable, no loops, every path
    /// ends, and every item's meaning is one the record and the figures can read.
    pub fn validate(&self) -> Result<(), FlowError> {
        let mut seen = BTreeSet::new();
        check_ids(&self.nodes, &mut seen)?;
        check_scope(&self.nodes, &self.start, false)?;
        check_one_closure(&self.nodes, &mut 0)?;
        check_extras(self, &self.nodes)?;
        check_types(self)
    }

    /// Every checklist item by its "step/item" key, with whether it is offered only by type
    /// and whether it is mandatory.
    fn item_keys(&self) -> BTreeMap<String, (bool, bool)> {
        fn walk(nodes: &[Node], out: &mut BTreeMap<String, (bool, bool)>) {
            for n in nodes {
                match &n.kind {
                    NodeKind::Action { items, .. } => {
                        for i in items {
                            out.insert(format!("{}/{}", n.id, i.id), (i.by_type, i.mandatory));
                        }
                    }
                    NodeKind::PerPerson { steps, .. } => walk(steps, out),
                    _ => {}
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.nodes, &mut out);
        out
    }

    /// The type `id` of this flow version.
    pub fn activity_type(&self, id: &str) -> Option<&ActivityType> {
        self.types.iter().find(|t| t.id == id)
    }

    /// The flow as it applies to an incident of type `type_id`: the items the type adds are
    /// offered, those it hides are not, those it requires are mandatory. An unknown type gets
    /// the items every type has.
    pub fn for_type(&self, type_id: &str) -> FlowDefinition {
        let t = self.activity_type(type_id).cloned();
        fn apply(nodes: &mut [Node], t: Option<&ActivityType>) {
            for n in nodes {
                let node = n.id.clone();
                match &mut n.kind {
                    NodeKind::Action { items, .. } => {
                        let listed = |list: fn(&ActivityType) -> &Vec<String>, item: &str| {
                            t.is_some_and(|t| list(t).contains(&format!("{node}/{item}")))
                        };
                        items.retain(|i| {
                            (!i.by_type || listed(|t| &t.adds, &i.id))
                                && !listed(|t| &t.hides, &i.id)
                        });
                        for i in items.iter_mut() {
                            i.mandatory |= listed(|t| &t.requires, &i.id);
                        }
                    }
                    NodeKind::PerPerson { steps, .. } => apply(steps, t),
                    _ => {}
                }
            }
        }
        let mut flow = self.clone();
        apply(&mut flow.nodes, t.as_ref());
        flow.case_type = t;
        flow
    }
}

/// The types: ids unique, labels given, and every item they add, require or hide is one the
/// flow has and can be so treated; each item offered by type is offered by some type; and no
/// type leaves a checklist empty.
fn check_types(flow: &FlowDefinition) -> Result<(), FlowError> {
    let bad = |id: &str, why: String| Err(FlowError::Invalid(format!("type {id}"), why));
    if flow.types.is_empty() {
        return bad("list", "the flow has no types of activity".into());
    }
    let keys = flow.item_keys();
    let mut ids = BTreeSet::new();
    for t in &flow.types {
        if t.id.is_empty() || !ids.insert(t.id.as_str()) {
            return bad(&t.id, "its id is empty or used twice".into());
        }
        if t.label.trim().is_empty() {
            return bad(&t.id, "it has no label".into());
        }
        for key in t.adds.iter().chain(&t.requires).chain(&t.hides) {
            if !keys.contains_key(key) {
                return bad(
                    &t.id,
                    format!("it names {key}, which is not an item of the flow"),
                );
            }
        }
        for key in &t.adds {
            if keys.get(key).is_some_and(|(by_type, _)| !by_type) {
                return bad(&t.id, format!("it adds {key}, which every type has"));
            }
        }
        for key in &t.hides {
            if keys.get(key).is_some_and(|(_, mandatory)| *mandatory) || t.requires.contains(key) {
                return bad(&t.id, format!("it hides {key}, which is mandatory"));
            }
            if t.adds.contains(key) {
                return bad(&t.id, format!("it both adds and hides {key}"));
            }
        }
        for key in &t.requires {
            if keys.get(key).is_some_and(|(by_type, _)| *by_type) && !t.adds.contains(key) {
                return bad(&t.id, format!("it requires {key} without adding it"));
            }
        }
        let specific = flow.for_type(&t.id);
        if let Some(empty) = empty_checklist(&specific.nodes) {
            return bad(&t.id, format!("it leaves step {empty} with no items"));
        }
    }
    // A record whose type the flow does not know (a damaged one) gets the items every type has.
    if let Some(empty) = empty_checklist(&flow.for_type("").nodes) {
        return bad(
            "unknown",
            format!("step {empty} has no item every type has"),
        );
    }
    for (key, (by_type, _)) in &keys {
        if *by_type && !flow.types.iter().any(|t| t.adds.contains(key)) {
            return Err(FlowError::Invalid(
                key.clone(),
                "it is offered only by type, and no type adds it".into(),
            ));
        }
    }
    Ok(())
}

/// A checklist step left with no items, if any.
fn empty_checklist(nodes: &[Node]) -> Option<String> {
    nodes.iter().find_map(|n| match &n.kind {
        NodeKind::Action { items, .. } if items.is_empty() => Some(n.id.clone()),
        NodeKind::PerPerson { steps, .. } => empty_checklist(steps),
        _ => None,
    })
}

/// The statuses, due times, branches and conditions a step may carry.
fn check_extras(flow: &FlowDefinition, nodes: &[Node]) -> Result<(), FlowError> {
    for n in nodes {
        let bad = |why: &str| Err(FlowError::Invalid(n.id.clone(), why.to_string()));
        if let Some(status) = n.status_while_current.as_deref() {
            if IncidentStatus::waiting(status).is_none() {
                return bad("statusWhileCurrent must be awaitingPolice or awaitingLado");
            }
        }
        if n.due_working_days == Some(0) || n.due_working_days.is_some_and(|d| d > 20) {
            return bad("dueWorkingDays must be from 1 to 20");
        }
        if n.due_working_days.is_some() != n.due_label.is_some() {
            return bad("dueWorkingDays and dueLabel go together");
        }
        match &n.kind {
            NodeKind::PerPerson {
                only_if,
                except_if,
                steps,
                ..
            } if only_if.is_some() || except_if.is_some() => {
                for only in only_if.iter().chain(except_if) {
                    for step in &only.steps {
                        let Some(NodeKind::Question { choices, .. }) =
                            flow.find_any(step).map(|s| &s.kind)
                        else {
                            return bad(&format!("onlyIf names {step}, which is not a question"));
                        };
                        if !only
                            .choices
                            .iter()
                            .all(|c| choices.iter().any(|x| x.id == *c))
                        {
                            return bad(&format!("onlyIf names a choice {step} does not have"));
                        }
                    }
                }
                check_extras(flow, steps)?;
            }
            NodeKind::PerPerson { steps, .. } => check_extras(flow, steps)?,
            _ => {}
        }
    }
    Ok(())
}

/// At most one item closes the record: the report prints its outcome.
fn check_one_closure(nodes: &[Node], found: &mut u32) -> Result<(), FlowError> {
    for n in nodes {
        match &n.kind {
            NodeKind::Action { items, .. } => {
                for item in items {
                    if item.meaning == Some(ItemMeaning::Closure) {
                        *found += 1;
                        if *found > 1 {
                            return Err(FlowError::Invalid(
                                n.id.clone(),
                                format!("item {} is a second closing item", item.id),
                            ));
                        }
                    }
                }
            }
            NodeKind::PerPerson { steps, .. } => check_one_closure(steps, found)?,
            _ => {}
        }
    }
    Ok(())
}

fn check_ids(nodes: &[Node], seen: &mut BTreeSet<String>) -> Result<(), FlowError> {
    for n in nodes {
        if n.id.is_empty() || !seen.insert(n.id.clone()) {
            return Err(FlowError::DuplicateId(n.id.clone()));
        }
        match &n.kind {
            NodeKind::Question { choices, meaning } => {
                if let Some(QuestionMeaning::HarmThreshold) = meaning {
                    let mut ids: Vec<&str> = choices.iter().map(|c| c.id.as_str()).collect();
                    ids.sort_unstable();
                    if ids != ["no", "unsure", "yes"] {
                        return Err(FlowError::Invalid(
                            n.id.clone(),
                            "a harm-threshold question's choices are yes, unsure and no".into(),
                        ));
                    }
                }
                if let Some(QuestionMeaning::AllegationOutcome) = meaning {
                    for c in choices {
                        if crate::allegation::Outcome::parse(&c.id).is_none() {
                            return Err(FlowError::Invalid(
                                n.id.clone(),
                                format!(
                                    "choice {} is not one of the five allegation outcomes",
                                    c.id
                                ),
                            ));
                        }
                    }
                }
                if choices.len() < 2 {
                    return Err(FlowError::Invalid(
                        n.id.clone(),
                        "a question needs two or more choices".into(),
                    ));
                }
                let ids: BTreeSet<&str> = choices.iter().map(|c| c.id.as_str()).collect();
                if ids.len() != choices.len() {
                    return Err(FlowError::Invalid(n.id.clone(), "choice ids repeat".into()));
                }
            }
            NodeKind::Action { items, .. } => {
                let ids: BTreeSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
                if items.is_empty() || ids.len() != items.len() {
                    return Err(FlowError::Invalid(
                        n.id.clone(),
                        "items are missing or repeat".into(),
                    ));
                }
                for item in items {
                    if let Some(meaning) = item.meaning {
                        meaning
                            .check(item)
                            .map_err(|why| FlowError::Invalid(n.id.clone(), why))?;
                    } else {
                        crate::meaning::check_filled_fields(None, item)
                            .map_err(|why| FlowError::Invalid(n.id.clone(), why))?;
                    }
                    for field in &item.fields {
                        let listed = field
                            .hide_when_head_alleged
                            .iter()
                            .chain(&field.only_when_head_alleged)
                            .all(|o| field.options.contains(o));
                        if !listed {
                            return Err(FlowError::Invalid(
                                n.id.clone(),
                                format!("field {} hides an option it does not have", field.id),
                            ));
                        }
                        if field.kind == FieldKind::Choice && field.options.is_empty() {
                            return Err(FlowError::Invalid(
                                n.id.clone(),
                                format!("field {} has no options", field.id),
                            ));
                        }
                    }
                }
            }
            NodeKind::Screening { questions, .. } if questions.is_empty() => {
                return Err(FlowError::Invalid(n.id.clone(), "no questions".into()));
            }
            NodeKind::PerPerson { steps, .. } => check_ids(steps, seen)?,
            _ => {}
        }
    }
    Ok(())
}

/// Checks one scope (the top level, or a per-person sub-flow, where "" ends the sub-flow).
fn check_scope(nodes: &[Node], start: &str, sub: bool) -> Result<(), FlowError> {
    let by_id: BTreeMap<&str, &Node> = nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    if !by_id.contains_key(start) {
        return Err(FlowError::Dangling {
            from: "start".into(),
            to: start.into(),
        });
    }
    for n in nodes {
        for to in n.successors() {
            let ends_sub = sub && to.is_empty();
            if !ends_sub && !by_id.contains_key(to) {
                return Err(FlowError::Dangling {
                    from: n.id.clone(),
                    to: to.into(),
                });
            }
        }
        if let NodeKind::Branch {
            test,
            yes_marks,
            no_marks,
            ..
        } = &n.kind
        {
            if test.reads_person() && (yes_marks.is_some() || no_marks.is_some()) {
                return Err(FlowError::Invalid(
                    n.id.clone(),
                    "a branch on a person does not mark the incident".into(),
                ));
            }
            if test.reads_person() != sub {
                let why = if sub {
                    "this branch reads the incident: it belongs at the top level"
                } else {
                    "a branch reads a person: it belongs inside a per-person step"
                };
                return Err(FlowError::Invalid(n.id.clone(), why.into()));
            }
        }
        if let NodeKind::End { .. } = n.kind {
            if sub {
                return Err(FlowError::Invalid(
                    n.id.clone(),
                    "an end inside a per-person step".into(),
                ));
            }
        }
        if let NodeKind::PerPerson { start, steps, .. } = &n.kind {
            check_scope(steps, start, true)?;
        }
    }
    // Depth-first walk: reachability, loops, and every path reaching an end.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = on the stack, 2 = done
    fn visit<'a>(
        id: &'a str,
        by_id: &BTreeMap<&'a str, &'a Node>,
        state: &mut BTreeMap<&'a str, u8>,
        sub: bool,
    ) -> Result<(), FlowError> {
        match state.get(id) {
            Some(1) => return Err(FlowError::Cycle(id.to_string())),
            Some(_) => return Ok(()),
            None => {}
        }
        let Some(node) = by_id.get(id) else {
            return Ok(());
        };
        state.insert(id, 1);
        let next = node.successors();
        if next.is_empty() && !matches!(node.kind, NodeKind::End { .. }) {
            return Err(FlowError::DeadEnd(id.to_string()));
        }
        for to in next {
            if !(sub && to.is_empty()) {
                visit(to, by_id, state, sub)?;
            }
        }
        state.insert(id, 2);
        Ok(())
    }
    visit(start, &by_id, &mut state, sub)?;
    for n in nodes {
        if !state.contains_key(n.id.as_str()) {
            return Err(FlowError::Unreachable(n.id.clone()));
        }
    }
    if !sub && !nodes.iter().any(|n| matches!(n.kind, NodeKind::End { .. })) {
        return Err(FlowError::DeadEnd(start.to_string()));
    }
    Ok(())
}
