//! The sections drawn from the checklist items done, by the meaning the flow tags each with:
//! referrals, advice sought, support and sanctions, and the outcome.

use std::collections::BTreeMap;

use super::{field, joined, Ctx, Field, Table};
use crate::flow::{display_value, ChronologyEntry, EntryBody};
use crate::meaning::{fields, ItemMeaning};
use crate::time::happened_and_recorded;

/// The referrals, advice and support-or-sanction tables.
pub(super) struct Actions {
    pub referrals: Table,
    pub advice: Table,
    pub support: Table,
}

/// One checklist entry being printed.
struct Done<'a> {
    cx: &'a Ctx<'a>,
    entry: &'a ChronologyEntry,
    done: bool,
    details: &'a BTreeMap<String, String>,
    reason: &'a str,
}

impl Done<'_> {
    /// The values of these detail fields, redacted, joined.
    fn text(&self, keys: &[&str]) -> String {
        joined(
            keys.iter()
                .filter_map(|k| self.details.get(*k))
                .map(|v| self.cx.r(&display_value(v))),
        )
    }

    /// When it was done: its `when` field, or when it was recorded.
    fn when(&self) -> String {
        self.details
            .get(fields::WHEN)
            .map(|w| display_value(w))
            .unwrap_or_else(|| {
                happened_and_recorded(self.entry.entry.happened, self.entry.entry.at)
            })
    }

    /// The details if done, else the reason it was not.
    fn or_reason(&self, done: String) -> String {
        if self.done {
            done
        } else {
            self.cx.r(self.reason)
        }
    }

    fn who(&self) -> String {
        self.cx.person_label(self.entry.entry.person_id)
    }

    fn referral_row(&self, meaning: ItemMeaning) -> Vec<String> {
        vec![
            meaning.label().to_string(),
            if self.done {
                self.when()
            } else {
                "Not made".into()
            },
            self.or_reason(self.text(&fields::CONTACT)),
            self.text(&fields::REFERENCE),
            self.who(),
        ]
    }

    fn advice_row(&self, meaning: ItemMeaning) -> Vec<String> {
        vec![
            meaning.label().to_string(),
            if self.done {
                self.when()
            } else {
                "Not sought".into()
            },
            if self.done {
                self.text(&[fields::ADVISER])
            } else {
                String::new()
            },
            self.or_reason(self.text(&[fields::ADVICE])),
            self.who(),
        ]
    }

    fn support_row(&self, meaning: ItemMeaning) -> Vec<String> {
        let detail = if self.done {
            joined(self.details.values().map(|v| self.cx.r(&display_value(v))))
        } else {
            format!("Not done: {}", self.cx.r(self.reason))
        };
        vec![meaning.label().to_string(), self.who(), detail]
    }
}

/// 4 and 5. Referrals, advice sought, and support and sanctions, from the items still in force.
pub(super) fn actions(cx: &Ctx) -> Actions {
    let mut referrals = Vec::new();
    let mut advice = Vec::new();
    let mut support = Vec::new();
    // One LADO referral per adult, as the figures count it: a second route's referral of the
    // same adult stays in the chronology.
    let mut lado_for = std::collections::BTreeSet::new();
    for c in cx.detail.chronology.iter().filter(|c| !c.superseded) {
        let EntryBody::Item {
            done,
            details,
            reason,
            ..
        } = &c.entry.body
        else {
            continue;
        };
        let Some(meaning) = cx.meaning(&c.entry) else {
            continue;
        };
        let d = Done {
            cx,
            entry: c,
            done: *done,
            details,
            reason,
        };
        if meaning == ItemMeaning::Referral(crate::stats::Agency::Lado)
            && c.entry.person_id.is_some()
            && !lado_for.insert(c.entry.person_id)
        {
            continue;
        }
        match meaning {
            ItemMeaning::Referral(_) => referrals.push(d.referral_row(meaning)),
            ItemMeaning::Advice(_) => advice.push(d.advice_row(meaning)),
            m if m.is_support_or_sanction() => support.push(d.support_row(m)),
            _ => {}
        }
    }
    Actions {
        referrals: Table::new(
            &["Agency", "When", "Contact", "Reference", "For"],
            &[2.2, 1.8, 2.5, 2.0, 1.5],
            referrals,
        ),
        advice: Table::new(
            &["Advice from", "When", "Adviser", "Advice", "For"],
            &[2.2, 1.8, 2.0, 3.0, 1.5],
            advice,
        ),
        support: Table::new(&["What", "For", "Detail"], &[2.0, 2.0, 5.0], support),
    }
}

/// 8. Outcome: from the latest closing item done, or "not yet recorded".
pub(super) fn outcome(cx: &Ctx) -> Vec<Field> {
    let closing = cx
        .detail
        .chronology
        .iter()
        .rev()
        .find_map(|c| match &c.entry.body {
            EntryBody::Item {
                done: true,
                details,
                ..
            } if !c.superseded && cx.meaning(&c.entry) == Some(ItemMeaning::Closure) => {
                Some(details)
            }
            _ => None,
        });
    let outcome: Vec<Field> = closing
        .map(|details| {
            fields::CLOSURE
                .iter()
                .filter_map(|(k, label)| {
                    details
                        .get(*k)
                        .map(|v| field(label, cx.r(&display_value(v))))
                })
                .collect()
        })
        .unwrap_or_default();
    if outcome.is_empty() {
        return vec![field(
            "Outcome",
            "Not yet recorded: the incident is still open.",
        )];
    }
    outcome
}
