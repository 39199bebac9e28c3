//! Termly figures for the dashboard and the governor report: what each incident contributes
//! (kept as a projection, rebuilt with the incident), and the counts for a term, with small
//! numbers suppressed so that no child can be identified.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::flow::{EntryBody, FlowDefinition, FlowEntry, Mark};
use crate::incident::{activity_type, Discovery, IncidentFacts, Involvement, PersonKind, RiskArea};
use crate::meaning::{fields, ItemMeaning, FOR_GOVERNORS};
use crate::terms::Term;
use crate::time::uk_day;

/// Where a referral went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Agency {
    Police,
    Ceop,
    Iwf,
    Lado,
    SocialCare,
    Prevent,
}

impl Agency {}

/// A pupil's key stage, from their year group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyStage {
    EarlyYears,
    Ks1,
    Ks2,
    Ks3,
    Ks4,
    Ks5,
}

impl KeyStage {
    /// Reception is year 0.
    pub fn of_year(year: u8) -> KeyStage {
        match year {
            0 => KeyStage::EarlyYears,
            1..=2 => KeyStage::Ks1,
            3..=6 => KeyStage::Ks2,
            7..=9 => KeyStage::Ks3,
            10..=11 => KeyStage::Ks4,
            _ => KeyStage::Ks5,
        }
    }
}

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
    /// Learning the DSL flagged for the governor report.
    Lesson {
        at: DateTime<Utc>,
        entry_id: i64,
        text: String,
    },
}

impl StatEvent {
    fn at(&self) -> DateTime<Utc> {
        match self {
            StatEvent::Closed { at }
            | StatEvent::Reopened { at }
            | StatEvent::Referral { at, .. }
            | StatEvent::PupilSanction { at, .. }
            | StatEvent::StaffAction { at, .. }
            | StatEvent::Lesson { at, .. } => *at,
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
    for e in entries.iter().filter(|e| !superseded.contains(&e.id)) {
        let at = e.at;
        match &e.body {
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
    }
}

impl IncidentStat {
    fn reported_day(&self) -> NaiveDate {
        uk_day(self.reported_at)
    }

    /// Open at the end of `day`: reported by then and not closed (or reopened since).
    fn open_at_end_of(&self, day: NaiveDate) -> bool {
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

/// How a count is printed for governors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Shown {
    /// The exact count.
    Exact,
    /// Between 1 and the threshold less one: "fewer than 5".
    FewerThan,
    /// Hidden so that a suppressed count cannot be worked out from the total.
    Hidden,
}

/// One row of a breakdown: the exact count (for the dashboard) and how the report prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Cell {
    pub label: String,
    pub count: u32,
    pub shown: Shown,
}

impl Cell {
    /// The count as the governor report prints it.
    pub fn printed(&self, threshold: u32) -> String {
        match self.shown {
            Shown::Exact => self.count.to_string(),
            Shown::FewerThan => format!("fewer than {threshold}"),
            Shown::Hidden => "not shown".to_string(),
        }
    }
}

/// Counts under one heading, with their exact total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Breakdown {
    pub title: String,
    pub rows: Vec<Cell>,
    pub total: u32,
    /// How to read it, when the rows do not simply add up to the total.
    #[ts(optional)]
    pub note: Option<String>,
}

/// A two-way table (e.g. type by key stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CrossTab {
    pub title: String,
    pub row_labels: Vec<String>,
    pub column_labels: Vec<String>,
    pub cells: Vec<Vec<Cell>>,
}

/// One term's totals, for the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TrendPoint {
    pub term: String,
    pub opened: u32,
    pub closed: u32,
    pub illegal: u32,
    pub open_at_end: u32,
}

/// Everything the dashboard and the governor report show for a term.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TermFigures {
    pub term: Term,
    pub term_label: String,
    pub threshold: u32,
    pub open_at_start: u32,
    pub opened: u32,
    pub reopened: u32,
    pub closed: u32,
    pub open_at_end: u32,
    /// Median whole days from report to closure, over the closures in the term.
    #[ts(optional)]
    pub median_days_to_close: Option<f64>,
    pub breakdowns: Vec<Breakdown>,
    pub type_by_key_stage: CrossTab,
    /// Earlier terms first, this term last.
    pub trend: Vec<TrendPoint>,
}

/// The smallest count printed exactly, by default.
pub const DEFAULT_THRESHOLD: u32 = 5;
/// The highest threshold a school may set.
pub const MAX_THRESHOLD: u32 = 20;

/// The rule in words, printed with the figures.
pub fn suppression_rule(threshold: u32) -> String {
    if threshold <= 1 {
        return "Small numbers are not suppressed in this report: every count is exact. \
                Totals are always exact."
            .to_string();
    }
    format!(
        "To keep every child unidentifiable, a count from 1 to {} in a breakdown is printed as \
         \"fewer than {threshold}\". Where a single suppressed count could be worked out from a \
         total, the next smallest count in that row or column is also withheld (\"not shown\"). \
         Totals, and the term's headline figures, are always exact; a count of 0 is printed as 0.",
        threshold - 1
    )
}

fn primary(count: u32, threshold: u32) -> Shown {
    if count > 0 && count < threshold {
        Shown::FewerThan
    } else {
        Shown::Exact
    }
}

/// If exactly one count in the line is suppressed, withholds the smallest other non-zero count,
/// so the suppressed one cannot be worked out by subtraction. True if it changed anything.
fn protect_line(cells: &mut [&mut Cell]) -> bool {
    let suppressed = cells.iter().filter(|c| c.shown != Shown::Exact).count();
    if suppressed != 1 {
        return false;
    }
    let smallest = cells
        .iter_mut()
        .filter(|c| c.shown == Shown::Exact && c.count > 0)
        .min_by_key(|c| c.count);
    match smallest {
        Some(c) => {
            c.shown = Shown::Hidden;
            true
        }
        None => false,
    }
}

fn breakdown(title: &str, rows: Vec<(String, u32)>, total: u32, threshold: u32) -> Breakdown {
    let mut rows: Vec<Cell> = rows
        .into_iter()
        .map(|(label, count)| Cell {
            label,
            count,
            shown: primary(count, threshold),
        })
        .collect();
    let mut refs: Vec<&mut Cell> = rows.iter_mut().collect();
    protect_line(&mut refs);
    Breakdown {
        title: title.to_string(),
        rows,
        total,
        note: None,
    }
}

fn cross_tab(
    title: &str,
    row_labels: Vec<String>,
    column_labels: Vec<String>,
    counts: Vec<Vec<u32>>,
    threshold: u32,
) -> CrossTab {
    let mut cells: Vec<Vec<Cell>> = counts
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|count| Cell {
                    label: String::new(),
                    count,
                    shown: primary(count, threshold),
                })
                .collect()
        })
        .collect();
    let columns = column_labels.len();
    // Rows and columns each have a known total; protect both until nothing changes.
    for _ in 0..(cells.len() + columns + 1) {
        let mut changed = false;
        for row in cells.iter_mut() {
            let mut refs: Vec<&mut Cell> = row.iter_mut().collect();
            changed |= protect_line(&mut refs);
        }
        for col in 0..columns {
            let mut refs: Vec<&mut Cell> =
                cells.iter_mut().filter_map(|r| r.get_mut(col)).collect();
            changed |= protect_line(&mut refs);
        }
        if !changed {
            break;
        }
    }
    CrossTab {
        title: title.to_string(),
        row_labels,
        column_labels,
        cells,
    }
}

fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

fn type_label(id: &str) -> String {
    activity_type(id)
        .map(|a| a.label.to_string())
        .unwrap_or_else(|| "Other".to_string())
}

struct Totals {
    open_at_start: u32,
    opened: u32,
    reopened: u32,
    closed: u32,
    open_at_end: u32,
    illegal: u32,
    days_to_close: Vec<i64>,
}

fn totals(stats: &[IncidentStat], term: &Term) -> Totals {
    let before = term.starts - Duration::days(1);
    let mut t = Totals {
        open_at_start: 0,
        opened: 0,
        reopened: 0,
        closed: 0,
        open_at_end: 0,
        illegal: 0,
        days_to_close: Vec::new(),
    };
    for s in stats {
        let reported = s.reported_day();
        if reported > term.ends {
            continue;
        }
        if reported < term.starts && s.open_at_end_of(before) {
            t.open_at_start += 1;
        }
        if term.contains(reported) {
            t.opened += 1;
            if s.mark == Some(Mark::Illegal) {
                t.illegal += 1;
            }
        }
        if s.open_at_end_of(term.ends) {
            t.open_at_end += 1;
        }
        for e in &s.events {
            let day = uk_day(e.at());
            if !term.contains(day) {
                continue;
            }
            match e {
                StatEvent::Closed { .. } => {
                    t.closed += 1;
                    t.days_to_close.push((day - reported).num_days().max(0));
                }
                StatEvent::Reopened { .. } => t.reopened += 1,
                _ => {}
            }
        }
    }
    t
}

/// The figures for `term`, with the trend over `earlier` terms (oldest first).
pub fn term_figures(
    stats: &[IncidentStat],
    term: &Term,
    earlier: &[Term],
    threshold: u32,
) -> TermFigures {
    let t = totals(stats, term);
    let opened: Vec<&IncidentStat> = stats
        .iter()
        .filter(|s| term.contains(s.reported_day()))
        .collect();
    let n = opened.len() as u32;
    let count = |f: &dyn Fn(&IncidentStat) -> bool| opened.iter().filter(|s| f(s)).count() as u32;

    let risk = breakdown(
        "Risk area",
        RiskArea::ALL
            .into_iter()
            .map(|r| (r.label().to_string(), count(&|s| s.risk_area == r)))
            .collect(),
        n,
        threshold,
    );

    let mut by_type: BTreeMap<usize, u32> = BTreeMap::new();
    for s in &opened {
        let pos = crate::incident::ACTIVITY_TYPES
            .iter()
            .position(|a| a.id == s.activity_type)
            .unwrap_or(crate::incident::ACTIVITY_TYPES.len());
        *by_type.entry(pos).or_default() += 1;
    }
    let type_ids: Vec<String> = by_type
        .keys()
        .map(|p| {
            crate::incident::ACTIVITY_TYPES
                .get(*p)
                .map(|a| a.id.to_string())
                .unwrap_or_else(|| "other".to_string())
        })
        .collect();
    let types = breakdown(
        "Type of activity",
        by_type
            .iter()
            .zip(&type_ids)
            .map(|((_, c), id)| (type_label(id), *c))
            .collect(),
        n,
        threshold,
    );

    let illegal = breakdown(
        "Illegal or not",
        vec![
            (
                Mark::Illegal.label().to_string(),
                count(&|s| s.mark == Some(Mark::Illegal)),
            ),
            (
                Mark::NotIllegal.label().to_string(),
                count(&|s| s.mark == Some(Mark::NotIllegal)),
            ),
            ("Not yet decided".to_string(), count(&|s| s.mark.is_none())),
        ],
        n,
        threshold,
    );

    let mut people = breakdown(
        "Who was involved",
        vec![
            (
                "Pupils".to_string(),
                count(&|s| s.kinds.contains(&PersonKind::Pupil)),
            ),
            (
                "Staff or volunteers".to_string(),
                count(&|s| {
                    s.kinds
                        .iter()
                        .any(|k| matches!(k, PersonKind::Staff | PersonKind::Volunteer))
                }),
            ),
            (
                "Others (parents, adults outside school, unknown)".to_string(),
                count(&|s| {
                    s.kinds.iter().any(|k| {
                        matches!(
                            k,
                            PersonKind::Parent | PersonKind::AdultOutside | PersonKind::Unknown
                        )
                    })
                }),
            ),
        ],
        n,
        threshold,
    );
    people.note = Some(
        "Incidents involving more than one kind of person are counted under each.".to_string(),
    );

    let stages: Vec<KeyStage> = KeyStage::ALL
        .into_iter()
        .filter(|k| opened.iter().any(|s| s.key_stages.contains(k)))
        .collect();
    let mut key_stage = breakdown(
        "Key stage of pupils involved",
        stages
            .iter()
            .map(|k| (k.label().to_string(), count(&|s| s.key_stages.contains(k))))
            .collect(),
        count(&|s| !s.key_stages.is_empty()),
        threshold,
    );
    key_stage.note = Some(
        "The total is the number of incidents involving pupils; an incident with pupils from \
         more than one key stage is counted under each."
            .to_string(),
    );

    let discovery = breakdown(
        "How incidents came to light",
        Discovery::ALL
            .into_iter()
            .map(|d| (d.label().to_string(), count(&|s| s.discovery == d)))
            .collect(),
        n,
        threshold,
    );

    // Referrals and sanctions are counted when they were recorded, whichever term the incident
    // was opened in.
    let in_term: Vec<&StatEvent> = stats
        .iter()
        .flat_map(|s| s.events.iter())
        .filter(|e| term.contains(uk_day(e.at())))
        .collect();
    let referral_counts: Vec<(String, u32)> = Agency::ALL
        .into_iter()
        .map(|a| {
            (
                a.label().to_string(),
                in_term
                    .iter()
                    .filter(|e| matches!(e, StatEvent::Referral { agency, .. } if *agency == a))
                    .count() as u32,
            )
        })
        .collect();
    let referral_total = referral_counts.iter().map(|(_, c)| c).sum();
    let mut referrals = breakdown(
        "Referrals by agency",
        referral_counts,
        referral_total,
        threshold,
    );
    referrals.note = Some(
        "Counted when made; a referral is counted for each child or adult referred.".to_string(),
    );

    let mut sanction_counts: BTreeMap<String, u32> = ["Category A", "Category B", "Category C"]
        .into_iter()
        .map(|c| (format!("Pupil sanction: {c}"), 0))
        .collect();
    for e in &in_term {
        match e {
            StatEvent::PupilSanction { category, .. } => {
                *sanction_counts
                    .entry(format!("Pupil sanction: {category}"))
                    .or_default() += 1;
            }
            StatEvent::StaffAction { action, .. } => {
                *sanction_counts
                    .entry(format!("Staff: {action}"))
                    .or_default() += 1;
            }
            _ => {}
        }
    }
    let sanction_total = sanction_counts.values().sum();
    let mut sanctions = breakdown(
        "Sanctions and staff actions",
        sanction_counts.into_iter().collect(),
        sanction_total,
        threshold,
    );
    sanctions.note = Some("Counted when decided, for each person.".to_string());

    let type_by_key_stage = cross_tab(
        "Type of activity by key stage",
        type_ids.iter().map(|id| type_label(id)).collect(),
        stages.iter().map(|k| k.label().to_string()).collect(),
        type_ids
            .iter()
            .map(|id| {
                stages
                    .iter()
                    .map(|k| {
                        count(&|s| {
                            s.key_stages.contains(k)
                                && (s.activity_type == *id
                                    || (id == "other" && activity_type(&s.activity_type).is_none()))
                        })
                    })
                    .collect()
            })
            .collect(),
        threshold,
    );

    let trend = earlier
        .iter()
        .chain(std::iter::once(term))
        .map(|tm| {
            let x = totals(stats, tm);
            TrendPoint {
                term: tm.label(),
                opened: x.opened,
                closed: x.closed,
                illegal: x.illegal,
                open_at_end: x.open_at_end,
            }
        })
        .collect();

    TermFigures {
        term: *term,
        term_label: term.label(),
        threshold,
        open_at_start: t.open_at_start,
        opened: t.opened,
        reopened: t.reopened,
        closed: t.closed,
        open_at_end: t.open_at_end,
        median_days_to_close: median(t.days_to_close),
        breakdowns: vec![
            risk, types, illegal, people, key_stage, discovery, referrals, sanctions,
        ],
        type_by_key_stage,
        trend,
    }
}

/// Learning the DSL flagged for governors, recorded during the term: the starting point the
/// head reviews and edits. Never printed unless chosen. The same words flagged in several
/// incidents appear once, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LessonCandidate {
    /// The first entry that flagged it.
    #[ts(type = "number")]
    pub entry_id: i64,
    pub recorded_on: NaiveDate,
    pub text: String,
    /// How many incidents flagged these words this term.
    pub times: u32,
}

/// The flagged lessons recorded in `term`, oldest first, each distinct text once.
pub fn lessons_in_term(stats: &[IncidentStat], term: &Term) -> Vec<LessonCandidate> {
    let mut all: Vec<(NaiveDate, i64, &str)> = stats
        .iter()
        .flat_map(|s| s.events.iter())
        .filter_map(|e| match e {
            StatEvent::Lesson { at, entry_id, text } if term.contains(uk_day(*at)) => {
                Some((uk_day(*at), *entry_id, text.as_str()))
            }
            _ => None,
        })
        .collect();
    all.sort();
    let mut out: Vec<LessonCandidate> = Vec::new();
    for (day, id, text) in all {
        let key = text.trim();
        match out.iter_mut().find(|l| l.text.trim() == key) {
            Some(l) => l.times += 1,
            None => out.push(LessonCandidate {
                entry_id: id,
                recorded_on: day,
                text: text.to_string(),
                times: 1,
            }),
        }
    }
    out
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
