//! What one incident contributes to the figures: kept as a projection, rebuilt with the
//! incident, holding no names and no references.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Agency, KeyStage};
use crate::flow::{EntryBody, FlowDefinition, FlowEntry, Mark, QuestionMeaning};
use crate::incident::{Discovery, IncidentFacts, Involvement, PersonKind, RiskArea};
use crate::meaning::{fields, ItemMeaning, FOR_GOVERNORS};
use crate::time::uk_day;

/// Something that happened in an incident that the figures count, with when it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum StatEvent {
    Closed {
        at: DateTime<Utc>,
    },
    Reopened {
        at: DateTime<Utc>,
    },
    Referral {
        at: DateTime<Utc>,
        agency: Agency,
    },
    /// A pupil's sanction, by the policy's infringement category.
    PupilSanction {
        at: DateTime<Utc>,
        category: String,
    },
    /// The course of action decided for a member of staff.
    StaffAction {
        at: DateTime<Utc>,
        action: String,
    },
    /// An adult's case met the harm threshold (or was unsure): an allegation, counted once
    /// per adult in an incident.
    Allegation {
        at: DateTime<Utc>,
    },
    /// An allegation's outcome when the LADO's process ended.
    AllegationOutcome {
        at: DateTime<Utc>,
        outcome: crate::allegation::Outcome,
    },
    /// Learning the DSL flagged for the governor report.
    Lesson {
        at: DateTime<Utc>,
        entry_id: i64,
        text: String,
    },
    /// A change to filtering or monitoring the technical staff made: what, when (as typed),
    /// by whom and approved by whom (roles), for the governor report's filtering section.
    FilteringChange {
        at: DateTime<Utc>,
        what: String,
        when: String,
        by: String,
        approved_by: String,
    },
}

impl StatEvent {
    pub(super) fn at(&self) -> DateTime<Utc> {
        match self {
            StatEvent::Closed { at }
            | StatEvent::Reopened { at }
            | StatEvent::Referral { at, .. }
            | StatEvent::PupilSanction { at, .. }
            | StatEvent::StaffAction { at, .. }
            | StatEvent::Allegation { at }
            | StatEvent::AllegationOutcome { at, .. }
            | StatEvent::Lesson { at, .. }
            | StatEvent::FilteringChange { at, .. } => *at,
        }
    }
}

/// What one incident contributes to the figures: no names, no references.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentStat {
    pub reported_at: DateTime<Utc>,
    pub risk_area: RiskArea,
    pub activity_type: String,
    pub mark: Option<Mark>,
    pub discovery: Discovery,
    pub kinds: Vec<PersonKind>,
    pub key_stages: Vec<KeyStage>,
    pub events: Vec<StatEvent>,
    /// The route was marked illegal before the police found nothing illegal.
    #[serde(default)]
    pub was_illegal: bool,
    /// The flow version the incident followed, which its type is read from (figures kept
    /// before version 3 followed version 2 or 1, whose types are the same).
    #[serde(default = "before_types_were_data")]
    pub flow_version: u32,
}

fn before_types_were_data() -> u32 {
    2
}

impl IncidentStat {
    /// Taken to the police on the illegal route, and found by them to be nothing illegal.
    pub fn police_found_nothing_illegal(&self) -> bool {
        self.mark == Some(Mark::NotIllegal) && self.was_illegal && self.police_referred()
    }

    /// Referred to the police at some point (whatever the police then found).
    pub fn police_referred(&self) -> bool {
        self.events.iter().any(|e| {
            matches!(
                e,
                StatEvent::Referral {
                    agency: Agency::Police,
                    ..
                }
            )
        })
    }

    /// An allegation about an adult was made in it.
    pub fn allegation(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e, StatEvent::Allegation { .. }))
    }
}

/// Draws an incident's contribution from its facts, people and entries (replaced entries
/// do not count), reading what each checklist item means from the current flow.
pub fn incident_stat(
    facts: &IncidentFacts,
    people: &[Involvement],
    entries: &[FlowEntry],
    mark: Option<Mark>,
) -> IncidentStat {
    let meanings = crate::flow::current().ok();
    incident_stat_in(meanings, facts, people, entries, mark)
}

/// The event a done checklist item contributes, from the meaning its flow tags it with.
fn item_event(
    meaning: ItemMeaning,
    entry_id: i64,
    at: DateTime<Utc>,
    details: &BTreeMap<String, String>,
) -> Option<StatEvent> {
    let detail = |id: &str| details.get(id).cloned();
    match meaning {
        ItemMeaning::Referral(agency) => Some(StatEvent::Referral { at, agency }),
        ItemMeaning::Sanction => {
            detail(fields::CATEGORY).map(|category| StatEvent::PupilSanction { at, category })
        }
        ItemMeaning::StaffAction => {
            detail(fields::ACTION).map(|action| StatEvent::StaffAction { at, action })
        }
        ItemMeaning::Lesson if detail(fields::GOVERNORS).as_deref() == Some(FOR_GOVERNORS) => {
            detail(fields::LESSONS).map(|text| StatEvent::Lesson { at, entry_id, text })
        }
        ItemMeaning::FilteringChange => Some(StatEvent::FilteringChange {
            at,
            what: detail(fields::CHANGE[0]).unwrap_or_default(),
            when: detail(fields::WHEN).unwrap_or_default(),
            by: detail(fields::CHANGE[1]).unwrap_or_default(),
            approved_by: detail(fields::CHANGE[2]).unwrap_or_default(),
        }),
        _ => None,
    }
}

/// As [`incident_stat`], reading meanings from `flow` (the version the incident followed).
pub fn incident_stat_in(
    flow: Option<&FlowDefinition>,
    facts: &IncidentFacts,
    people: &[Involvement],
    entries: &[FlowEntry],
    mark: Option<Mark>,
) -> IncidentStat {
    let kinds: BTreeSet<PersonKind> = people.iter().map(|i| i.person.kind).collect();
    let key_stages: BTreeSet<KeyStage> = people
        .iter()
        .filter(|i| i.person.kind == PersonKind::Pupil)
        .filter_map(|i| i.person.year_group.map(KeyStage::of_year))
        .collect();
    let superseded: BTreeSet<i64> = entries.iter().filter_map(|e| e.supersedes).collect();
    let mut events = Vec::new();
    // One LADO referral, one allegation and one outcome per adult in an incident, however
    // many routes asked.
    let mut once: BTreeSet<(&str, Option<i64>)> = BTreeSet::new();
    for e in entries.iter().filter(|e| !superseded.contains(&e.id)) {
        let at = e.when();
        let question = flow
            .zip(e.node_id.as_deref())
            .and_then(|(f, node)| f.question_meaning(node));
        match &e.body {
            EntryBody::Answer { choice, .. } => match question {
                Some(QuestionMeaning::HarmThreshold)
                    if choice != "no" && once.insert(("allegation", e.person_id)) =>
                {
                    events.push(StatEvent::Allegation { at })
                }
                Some(QuestionMeaning::AllegationOutcome) => {
                    if let Some(outcome) = crate::allegation::Outcome::parse(choice) {
                        if once.insert(("outcome", e.person_id)) {
                            events.push(StatEvent::AllegationOutcome { at, outcome });
                        }
                    }
                }
                _ => {}
            },
            EntryBody::Closed { .. } => events.push(StatEvent::Closed { at }),
            EntryBody::Reopened { .. } => events.push(StatEvent::Reopened { at }),
            EntryBody::Item {
                item,
                done: true,
                details,
                ..
            } => {
                let meaning = flow
                    .zip(e.node_id.as_deref())
                    .and_then(|(f, node)| f.item_meaning(node, item));
                if meaning == Some(ItemMeaning::Referral(Agency::Lado))
                    && e.person_id.is_some()
                    && !once.insert(("lado", e.person_id))
                {
                    continue;
                }
                events.extend(meaning.and_then(|m| item_event(m, e.id, at, details)));
            }
            _ => {}
        }
    }
    events.sort_by_key(StatEvent::at);
    IncidentStat {
        reported_at: facts.reported_at,
        risk_area: facts.risk_area,
        activity_type: facts.activity_type.clone(),
        mark,
        discovery: facts.discovery,
        kinds: kinds.into_iter().collect(),
        key_stages: key_stages.into_iter().collect(),
        events,
        was_illegal: flow.is_some_and(|f| {
            let case = crate::flow::for_case(f, &facts.activity_type);
            crate::flow::evaluate(&case, people, entries).was_illegal
        }),
        flow_version: flow.map_or(before_types_were_data(), |f| f.version),
    }
}

impl IncidentStat {
    pub(super) fn reported_day(&self) -> NaiveDate {
        uk_day(self.reported_at)
    }

    /// Open at the end of `day`: reported by then and not closed (or reopened since).
    pub(super) fn open_at_end_of(&self, day: NaiveDate) -> bool {
        if self.reported_day() > day {
            return false;
        }
        let last = self
            .events
            .iter()
            .filter(|e| matches!(e, StatEvent::Closed { .. } | StatEvent::Reopened { .. }))
            .rfind(|e| uk_day(e.at()) <= day);
        !matches!(last, Some(StatEvent::Closed { .. }))
    }
}
