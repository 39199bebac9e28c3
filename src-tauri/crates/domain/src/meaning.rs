//! What a checklist item means to the printed record and the governor figures, tagged on the
//! item in the flow file (`"meaning": {"referral": "police"}`, `"meaning": "sanction"`), so that
//! no item id is written in Rust. The detail fields a meaning reads have fixed ids, which the
//! flow validator checks the item records.

use serde::{Deserialize, Serialize};

use crate::flow::{ActionItem, FieldKind};
use crate::stats::Agency;

/// The meaning of a checklist item when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ItemMeaning {
    /// A referral to an agency: listed under referrals in the incident report and counted in
    /// the governor figures. Reads `when`, and the contact and reference fields it has.
    Referral(Agency),
    /// Advice sought from an agency: printed apart from referrals and not counted as one.
    /// Reads `when`, `who` and `advice`.
    Advice(Agency),
    /// Support arranged for a pupil.
    Support,
    /// Support for someone's wellbeing.
    Wellbeing,
    /// A pupil's sanction, counted by its `category`.
    Sanction,
    /// The course of action decided for a member of staff, counted by its `action`.
    StaffAction,
    /// A low-level concern recorded about an adult: also added to the low-level concerns
    /// register. Reads `detail`, and `context` and `action` if it has them.
    LowLevelConcern,
    /// The chair of governors told, as case manager of an allegation about the headteacher:
    /// reads `name`, and `contact` and `when` if it has them.
    CaseManager,
    /// Suspension of an adult considered: the `decision`, the `alternative` and the `reason`.
    Suspension,
    /// Parents or carers informed.
    ParentsInformed,
    /// Parents or carers updated at the review.
    ParentsUpdated,
    /// Children's social care considered: a decision, not a referral.
    SocialCareConsidered,
    /// Learning: its `lessons` go to the governor report when `governors` is "Yes".
    Lesson,
    /// The incident's closing record: `outcome`, with `reason` and `reviewDate` if recorded.
    Closure,
    /// An item of the evidence register (a device confiscated): its `item` field holds the
    /// register entry, picked or added with the entry, once.
    EvidenceItem,
    /// The other children who received, shared or saw it: each named in `named` is added to
    /// the incident with their role.
    OthersInvolved,
    /// A change to filtering or monitoring made by the technical staff: `what`, `by`, `when`
    /// and `approvedBy`, listed in the governor report.
    FilteringChange,
}

/// The answer to the `governors` field that flags a lesson for the governor report.
pub const FOR_GOVERNORS: &str = "Yes";

/// The detail fields each meaning reads.
pub mod fields {
    /// When a referral was made or advice sought.
    pub const WHEN: &str = "when";
    /// Who was contacted for a referral, in the order printed.
    pub const CONTACT: [&str; 4] = ["contact", "officer", "force", "who"];
    /// A referral's reference.
    pub const REFERENCE: [&str; 2] = ["crimeRef", "reference"];
    /// Who gave advice.
    pub const ADVISER: &str = "who";
    /// The advice given.
    pub const ADVICE: &str = "advice";
    /// A pupil sanction's infringement category.
    pub const CATEGORY: &str = "category";
    /// A staff course of action.
    pub const ACTION: &str = "action";
    /// The learning recorded.
    pub const LESSONS: &str = "lessons";
    /// A suspension decision.
    pub const DECISION: &str = "decision";
    /// The reason for a decision.
    pub const REASON: &str = "reason";
    /// A low-level concern's detail.
    pub const DETAIL: &str = "detail";
    /// Whether the learning goes to governors.
    pub const GOVERNORS: &str = "governors";
    /// The evidence register entry of an evidence item: its number in the incident's register.
    pub const EVIDENCE: &str = "item";
    /// The people named by an others-involved item.
    pub const NAMED: &str = "named";
    /// A filtering change: what, by whom (a role), and who approved it (a role).
    pub const CHANGE: [&str; 3] = ["what", "by", "approvedBy"];
    /// The closing record: (field, printed label).
    pub const CLOSURE: [(&str, &str); 3] = [
        ("outcome", "Outcome"),
        ("reason", "Closure reason"),
        ("reviewDate", "Review date"),
    ];
}

impl ItemMeaning {
    /// The words the incident report prints for it.
    pub fn label(self) -> &'static str {
        match self {
            ItemMeaning::Referral(a) | ItemMeaning::Advice(a) => a.label(),
            ItemMeaning::Support => "Support",
            ItemMeaning::Wellbeing => "Wellbeing",
            ItemMeaning::Sanction => "Sanction",
            ItemMeaning::StaffAction => "Staff course of action",
            ItemMeaning::LowLevelConcern => "Low-level concern",
            ItemMeaning::Suspension => "Suspension considered",
            ItemMeaning::CaseManager => "Case manager",
            ItemMeaning::ParentsInformed => "Parents informed",
            ItemMeaning::ParentsUpdated => "Parents updated",
            ItemMeaning::SocialCareConsidered => "Children's social care considered",
            ItemMeaning::Lesson => "Learning",
            ItemMeaning::Closure => "Incident closed",
            ItemMeaning::EvidenceItem => "Evidence",
            ItemMeaning::OthersInvolved => "Others involved",
            ItemMeaning::FilteringChange => "Filtering or monitoring change",
        }
    }

    /// True for the meanings listed under "Support and sanctions".
    pub fn is_support_or_sanction(self) -> bool {
        matches!(
            self,
            ItemMeaning::Support
                | ItemMeaning::Wellbeing
                | ItemMeaning::Sanction
                | ItemMeaning::StaffAction
                | ItemMeaning::LowLevelConcern
                | ItemMeaning::ParentsInformed
                | ItemMeaning::ParentsUpdated
                | ItemMeaning::SocialCareConsidered
        )
    }

    /// The fields the item must record for this meaning to be read, with the kind each must be
    /// (`None`: any kind).
    fn required_fields(self) -> &'static [(&'static str, Option<FieldKind>)] {
        match self {
            ItemMeaning::Referral(_) => &[(fields::WHEN, Some(FieldKind::Datetime))],
            ItemMeaning::Advice(_) => &[
                (fields::WHEN, Some(FieldKind::Datetime)),
                (fields::ADVICE, None),
            ],
            ItemMeaning::Sanction => &[(fields::CATEGORY, Some(FieldKind::Choice))],
            ItemMeaning::StaffAction => &[(fields::ACTION, Some(FieldKind::Choice))],
            ItemMeaning::Lesson => &[
                (fields::LESSONS, None),
                (fields::GOVERNORS, Some(FieldKind::Choice)),
            ],
            ItemMeaning::Closure => &[(fields::CLOSURE[0].0, None)],
            ItemMeaning::Suspension => &[
                (fields::DECISION, Some(FieldKind::Choice)),
                (fields::REASON, None),
            ],
            ItemMeaning::LowLevelConcern => &[(fields::DETAIL, None)],
            ItemMeaning::CaseManager => &[("name", None)],
            ItemMeaning::EvidenceItem => &[(fields::EVIDENCE, Some(FieldKind::Evidence))],
            ItemMeaning::OthersInvolved => &[(fields::NAMED, Some(FieldKind::People))],
            ItemMeaning::FilteringChange => &[
                (fields::CHANGE[0], None),
                (fields::CHANGE[1], None),
                (fields::WHEN, Some(FieldKind::Datetime)),
                (fields::CHANGE[2], None),
            ],
            _ => &[],
        }
    }

    /// Checks that `item` records the fields this meaning reads (the message names no case data).
    pub fn check(self, item: &ActionItem) -> Result<(), String> {
        check_filled_fields(Some(self), item)?;
        for (id, kind) in self.required_fields() {
            let Some(field) = item.fields.iter().find(|f| f.id == *id) else {
                return Err(format!(
                    "item {} is tagged {:?} but has no {id} field",
                    item.id, self
                ));
            };
            if kind.is_some_and(|k| k != field.kind) {
                return Err(format!(
                    "item {}'s {id} field is not of the kind its meaning reads",
                    item.id
                ));
            }
        }
        if self == ItemMeaning::Lesson {
            let flags = item
                .fields
                .iter()
                .find(|f| f.id == fields::GOVERNORS)
                .is_some_and(|f| f.options.iter().any(|o| o == FOR_GOVERNORS));
            if !flags {
                return Err(format!(
                    "item {}'s {} field has no {FOR_GOVERNORS:?} option",
                    item.id,
                    fields::GOVERNORS
                ));
            }
        }
        Ok(())
    }
}

/// Fields the store fills in (people, an evidence item) only on the item whose meaning reads
/// them, once each.
pub fn check_filled_fields(meaning: Option<ItemMeaning>, item: &ActionItem) -> Result<(), String> {
    for (kind, wants) in [
        (FieldKind::People, ItemMeaning::OthersInvolved),
        (FieldKind::Evidence, ItemMeaning::EvidenceItem),
    ] {
        let n = item.fields.iter().filter(|f| f.kind == kind).count();
        if n > 1 || (n == 1 && meaning != Some(wants)) {
            return Err(format!(
                "item {} has a {kind:?} field, which only one item tagged {wants:?} may have",
                item.id
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{FlowDefinition, FlowError, NodeKind, ONLINE_SAFETY_JSON};

    /// The shipped flow with one item's meaning (and fields) replaced.
    fn flow_with(node: &str, item: &str, edit: impl Fn(&mut serde_json::Value)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(ONLINE_SAFETY_JSON).expect("json");
        fn find<'a>(
            nodes: &'a mut serde_json::Value,
            node: &str,
            item: &str,
        ) -> Option<&'a mut serde_json::Value> {
            for n in nodes.as_array_mut()? {
                if n["id"] == node {
                    return n["items"]
                        .as_array_mut()?
                        .iter_mut()
                        .find(|it| it["id"] == item);
                }
                if n.get("steps").is_some() {
                    if let Some(found) = find(&mut n["steps"], node, item) {
                        return Some(found);
                    }
                }
            }
            None
        }
        let it = find(&mut v["nodes"], node, item).expect("the item is in the flow");
        edit(it);
        v.to_string()
    }

    #[test]
    fn the_shipped_flow_tags_each_referral_once_per_step() {
        let flow = crate::flow::online_safety().expect("flow");
        let tagged = |node: &str, item: &str| flow.item_meaning(node, item);
        assert_eq!(
            tagged("illegal-police", "police-report"),
            Some(ItemMeaning::Referral(Agency::Police))
        );
        assert_eq!(
            tagged("child-referral", "social-care"),
            Some(ItemMeaning::Referral(Agency::SocialCare))
        );
        assert_eq!(
            tagged("instigator-review", "own-safeguarding"),
            Some(ItemMeaning::SocialCareConsidered),
            "the instigator's own safeguarding considered is a decision, not a referral"
        );
        assert_eq!(
            tagged("police-advice", "advice"),
            Some(ItemMeaning::Advice(Agency::Police))
        );
        assert_eq!(
            tagged("review-complete", "complete"),
            Some(ItemMeaning::Closure)
        );
        assert_eq!(tagged("intake", "immediate-actions"), None);
    }

    #[test]
    fn the_sanction_categories_come_from_the_flow() {
        let flow = crate::flow::online_safety().expect("flow");
        assert_eq!(
            flow.options_of(ItemMeaning::Sanction, fields::CATEGORY),
            vec!["Category A", "Category B", "Category C"]
        );
    }

    #[test]
    fn an_unknown_meaning_is_refused() {
        let json = flow_with("illegal-police", "ceop", |it| {
            it["meaning"] = serde_json::json!({"referral": "the-press"});
        });
        assert!(matches!(
            FlowDefinition::parse(&json),
            Err(FlowError::Parse(_))
        ));
        let json = flow_with("victim-support", "support", |it| {
            it["meaning"] = serde_json::json!("hugs");
        });
        assert!(matches!(
            FlowDefinition::parse(&json),
            Err(FlowError::Parse(_))
        ));
    }

    #[test]
    fn a_meaning_without_the_fields_it_reads_is_refused() {
        // A sanction counted by a category the item never records.
        let json = flow_with("victim-support", "support", |it| {
            it["meaning"] = serde_json::json!("sanction");
        });
        assert!(matches!(
            FlowDefinition::parse(&json),
            Err(FlowError::Invalid(node, why)) if node == "victim-support" && why.contains("category")
        ));
        // A referral with no time it was made.
        let json = flow_with("unsuitable-record", "logged", |it| {
            it["meaning"] = serde_json::json!({"referral": "police"});
        });
        assert!(matches!(
            FlowDefinition::parse(&json),
            Err(FlowError::Invalid(_, why)) if why.contains("when")
        ));
        // Lessons that could never be flagged for governors.
        let json = flow_with("review-learning", "learning", |it| {
            it["fields"][1]["options"] = serde_json::json!(["Oui", "Non"]);
        });
        assert!(matches!(
            FlowDefinition::parse(&json),
            Err(FlowError::Invalid(_, why)) if why.contains("governors")
        ));
        // A category that is free text, not a choice to count by.
        let json = flow_with("instigator-sanction", "sanction", |it| {
            it["fields"][0]["kind"] = serde_json::json!("text");
            it["fields"][0]["options"] = serde_json::json!([]);
        });
        assert!(FlowDefinition::parse(&json).is_err());
    }

    #[test]
    fn a_second_closing_item_is_refused() {
        let json = flow_with("review-parents", "parents-updated", |it| {
            it["meaning"] = serde_json::json!("closure");
            it["fields"] = serde_json::json!([
                {"id": "outcome", "label": "Outcome", "kind": "longtext", "required": true}
            ]);
        });
        assert!(matches!(
            FlowDefinition::parse(&json),
            Err(FlowError::Invalid(_, why)) if why.contains("closing")
        ));
    }

    #[test]
    fn every_tag_in_the_shipped_flow_reads_fields_the_item_has() {
        let flow = crate::flow::online_safety().expect("flow");
        fn items(nodes: &[crate::flow::Node], out: &mut Vec<ActionItem>) {
            for n in nodes {
                match &n.kind {
                    NodeKind::Action { items, .. } => out.extend(items.iter().cloned()),
                    NodeKind::PerPerson { steps, .. } => items(steps, out),
                    _ => {}
                }
            }
        }
        let mut all = Vec::new();
        items(&flow.nodes, &mut all);
        let tagged: Vec<&ActionItem> = all.iter().filter(|i| i.meaning.is_some()).collect();
        assert!(tagged.len() >= 15, "{} tagged", tagged.len());
        for item in tagged {
            assert_eq!(item.meaning.map(|m| m.check(item)), Some(Ok(())));
        }
    }
}
