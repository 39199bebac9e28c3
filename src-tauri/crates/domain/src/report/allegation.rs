//! The allegations section: for each adult an allegation was about, the harm-threshold
//! decision, who manages the case, the LADO consultation, suspension, the outcome and what
//! follows from it, read from the flow's meanings.

use std::collections::BTreeMap;

use super::{field, Ctx, Field};
use crate::allegation::Outcome;
use crate::flow::{display_value, EntryBody, NodeKind, QuestionMeaning};
use crate::incident::Involvement;
use crate::meaning::{fields, ItemMeaning};
use crate::retention::{ALLEGATION_YEARS, RETIREMENT_AGE};
use crate::stats::Agency;

/// One adult's allegation as printed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AllegationBlock {
    pub title: String,
    pub fields: Vec<Field>,
}

/// What was recorded about one adult, from the entries still in force.
#[derive(Default)]
struct Found<'a> {
    threshold: Option<(String, &'a str)>,
    outcome: Option<(Outcome, &'a str)>,
    lado: Option<&'a BTreeMap<String, String>>,
    suspension: Option<&'a BTreeMap<String, String>>,
    chair: Option<&'a BTreeMap<String, String>>,
}

/// The label of a question's choice.
fn choice_label(cx: &Ctx, node: &str, choice: &str) -> String {
    cx.flow
        .and_then(|f| f.find_any(node))
        .and_then(|n| match &n.kind {
            NodeKind::Question { choices, .. } => choices
                .iter()
                .find(|c| c.id == choice)
                .map(|c| c.label.clone()),
            _ => None,
        })
        .unwrap_or_else(|| choice.to_string())
}

/// Whether the chair of governors manages the case about `person`: as the route decided it
/// (recorded when the headteacher branch was passed), else as the person is recorded now.
fn chair_manages(cx: &Ctx, i: &Involvement) -> bool {
    let decided = cx
        .detail
        .chronology
        .iter()
        .filter(|c| !c.superseded && c.entry.person_id == Some(i.person.id))
        .filter_map(|c| {
            let node = cx.flow?.find_any(c.entry.node_id.as_deref()?)?;
            match (&node.kind, &c.entry.body) {
                (NodeKind::Branch { .. }, EntryBody::Answer { choice, .. }) => {
                    Some((c.entry.id, choice == "yes"))
                }
                _ => None,
            }
        })
        .max_by_key(|(id, _)| *id)
        .map(|(_, yes)| yes);
    decided.unwrap_or(i.person.headteacher && i.is_adult_alleged())
}

fn found_for<'a>(cx: &'a Ctx, person: i64) -> Found<'a> {
    let mut f = Found::default();
    for c in cx.detail.chronology.iter().filter(|c| !c.superseded) {
        let e = &c.entry;
        if e.person_id != Some(person) {
            continue;
        }
        let Some(node) = e.node_id.as_deref() else {
            continue;
        };
        match &e.body {
            EntryBody::Answer { choice, reason } => {
                match cx.flow.and_then(|fl| fl.question_meaning(node)) {
                    Some(QuestionMeaning::HarmThreshold) if f.threshold.is_none() => {
                        f.threshold = Some((choice_label(cx, node, choice), reason));
                    }
                    Some(QuestionMeaning::AllegationOutcome) => {
                        f.outcome = Outcome::parse(choice).map(|o| (o, reason.as_str()));
                    }
                    _ => {}
                }
            }
            EntryBody::Item {
                done: true,
                details,
                ..
            } => match cx.meaning(e) {
                Some(ItemMeaning::Referral(Agency::Lado)) if f.lado.is_none() => {
                    f.lado = Some(details)
                }
                Some(ItemMeaning::Suspension) => f.suspension = Some(details),
                Some(ItemMeaning::CaseManager) => f.chair = Some(details),
                _ => {}
            },
            _ => {}
        }
    }
    f
}

/// The allegation blocks, one per adult whose harm threshold was decided.
pub(super) fn blocks(cx: &Ctx) -> Vec<AllegationBlock> {
    let mut out = Vec::new();
    for i in cx.detail.people.iter().filter(|i| i.is_adult_alleged()) {
        let f = found_for(cx, i.person.id);
        let Some((threshold, why)) = &f.threshold else {
            continue;
        };
        let get = |d: Option<&BTreeMap<String, String>>, k: &str| {
            d.and_then(|d| d.get(k))
                .map(|v| cx.r(&display_value(v)))
                .unwrap_or_default()
        };
        let join = |parts: Vec<String>| super::joined(parts);
        let mut fields_out = vec![field(
            "Harm threshold",
            join(vec![threshold.clone(), cx.r(why)]),
        )];
        let allegation = f.threshold.is_some() && f.lado.is_some() || f.outcome.is_some();
        if chair_manages(cx, i) {
            fields_out.push(field(
                "Case manager",
                join(vec![
                    "The chair of governors (the allegation is about the headteacher)".into(),
                    get(f.chair, "name"),
                    get(f.chair, "contact"),
                ]),
            ));
        } else if allegation {
            fields_out.push(field("Case manager", "The headteacher, with the LADO"));
        }
        if f.lado.is_some() {
            fields_out.push(field(
                "LADO consulted",
                join(vec![
                    get(f.lado, fields::WHEN),
                    get(f.lado, "who"),
                    get(f.lado, "reference"),
                ]),
            ));
            fields_out.push(field("The LADO's advice", get(f.lado, fields::ADVICE)));
        }
        if f.suspension.is_some() {
            fields_out.push(field(
                "Suspension",
                join(vec![
                    get(f.suspension, fields::DECISION),
                    get(f.suspension, "alternative"),
                    get(f.suspension, fields::REASON),
                ]),
            ));
        }
        match f.outcome {
            Some((o, why)) => {
                fields_out.push(field(
                    "Outcome",
                    join(vec![
                        format!("{}: {}", o.label(), o.definition()),
                        cx.r(why),
                    ]),
                ));
                fields_out.push(field("What follows", o.what_follows().join(" ")));
            }
            None if f.lado.is_some() => {
                fields_out.push(field(
                    "Outcome",
                    "Not yet known: awaiting the end of the LADO's process.",
                ));
            }
            None => {}
        }
        if f.lado.is_some() && f.outcome.is_none_or(|(o, _)| o.kept_on_adults_account()) {
            fields_out.push(field(
                "Keep until",
                format!(
                    "The adult's normal pension age ({RETIREMENT_AGE}) or {ALLEGATION_YEARS} years from the allegation, whichever is longer."
                ),
            ));
        }
        out.push(AllegationBlock {
            title: format!("Allegation about {}", cx.person_label(Some(i.person.id))),
            fields: fields_out,
        });
    }
    out
}

/// Who signs the record: the DSL and the headteacher, or the chair of governors in place of
/// the headteacher when the allegation is about the headteacher.
pub(super) fn sign_off(cx: &Ctx) -> Vec<String> {
    let head_alleged = cx
        .detail
        .people
        .iter()
        .filter(|i| i.is_adult_alleged())
        .any(|i| chair_manages(cx, i));
    vec![
        crate::vault::Role::Dsl.label().to_string(),
        if head_alleged {
            "Chair of governors (case manager)".to_string()
        } else {
            crate::vault::Role::Headteacher.label().to_string()
        },
    ]
}
