//! The counts for a term: headline totals, breakdowns, the cross-tab and the trend.

use std::collections::BTreeMap;

use chrono::Duration;

use super::disclosure;
use super::suppression::{breakdown, cross_tab};
use super::{
    Agency, Breakdown, CrossTab, IncidentStat, KeyStage, StatEvent, TermFigures, TrendPoint,
};
use crate::allegation::Outcome;
use crate::flow::Mark;
use crate::incident::{Discovery, PersonKind, RiskArea};
use crate::meaning::{fields, ItemMeaning};
use crate::terms::Term;
use crate::time::uk_day;

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

/// The type an incident was recorded with, as the flow version it followed names it: its id
/// and label ("other" for one that version does not know). The same id worded differently in
/// two versions is two rows, so an old "extremism or terrorism" is not counted under a newer
/// label that leaves terrorism out.
fn type_of(s: &IncidentStat) -> (&str, &str) {
    crate::activity::activity_type_in(s.flow_version, &s.activity_type)
        .map_or(("other", "Other"), |a| (a.id.as_str(), a.label.as_str()))
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

/// A stretch of days the figures are counted over: the term, or a longer window.
struct Span {
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
    /// None for the term itself.
    label: Option<String>,
}

impl Span {
    fn of_term(term: &Term) -> Span {
        Span {
            starts: term.starts,
            ends: term.ends,
            label: None,
        }
    }

    fn contains(&self, day: chrono::NaiveDate) -> bool {
        day >= self.starts && day <= self.ends
    }
}

/// The school year to date (when the term is not its first) and the last three terms (or as
/// many as there are), each labelled with the terms it covers.
fn longer_spans(term: &Term, earlier: &[Term]) -> (Option<Span>, Option<Span>) {
    let span = |first: &Term, what: String| Span {
        starts: first.starts,
        ends: term.ends,
        label: Some(format!("{what} ({} to {})", first.label(), term.label())),
    };
    let year = earlier
        .iter()
        .find(|t| t.academic_year == term.academic_year && t.starts < term.starts)
        .map(|first| span(first, "the school year to date".to_string()));
    let last: Vec<&Term> = earlier.iter().rev().take(2).collect();
    let three = last.last().map(|first| {
        let what = if last.len() == 2 {
            "the last three terms".to_string()
        } else {
            "the last two terms".to_string()
        };
        span(first, what)
    });
    // In the summer the school year is the last three terms.
    match (year, three) {
        (Some(y), Some(t)) if y.starts == t.starts => (None, Some(t)),
        other => other,
    }
}

/// What is counted over one span: the incidents opened in it and the events recorded in it.
struct Counted<'a> {
    span: Span,
    opened: Vec<&'a IncidentStat>,
    events: Vec<&'a StatEvent>,
    types: Vec<(String, u32)>,
    stages: Vec<KeyStage>,
}

impl<'a> Counted<'a> {
    fn over(stats: &'a [IncidentStat], span: Span) -> Self {
        let opened: Vec<&IncidentStat> = stats
            .iter()
            .filter(|s| span.contains(s.reported_day()))
            .collect();
        // Referrals and sanctions are counted when they were recorded, whichever term the
        // incident was opened in.
        let events = stats
            .iter()
            .flat_map(|s| s.events.iter())
            .filter(|e| span.contains(uk_day(e.at())))
            .collect();
        let types = types_seen(&opened);
        let stages = KeyStage::ALL
            .into_iter()
            .filter(|k| opened.iter().any(|s| s.key_stages.contains(k)))
            .collect();
        Counted {
            span,
            opened,
            events,
            types,
            stages,
        }
    }

    fn total(&self) -> u32 {
        self.opened.len() as u32
    }

    fn count(&self, f: impl Fn(&IncidentStat) -> bool) -> u32 {
        self.opened.iter().filter(|s| f(s)).count() as u32
    }
}

/// The breakdown over the shortest of `spans` where it says more than it hides and gives
/// nothing away; over the longest, protected as far as it must be, when none does.
fn over_shortest(
    spans: &[&Counted],
    threshold: u32,
    build: impl Fn(&Counted, u32) -> Breakdown,
) -> Vec<Breakdown> {
    let mut chosen = Vec::new();
    for c in spans {
        let mut b = build(c, threshold);
        let good = disclosure::secure_breakdown(&mut b, threshold);
        b.window = c.span.label.clone();
        chosen = vec![b];
        if good {
            break;
        }
    }
    chosen
}

fn risk_breakdown(opened: &Counted, threshold: u32) -> Breakdown {
    breakdown(
        "Risk area",
        RiskArea::ALL
            .into_iter()
            .map(|r| (r.label().to_string(), opened.count(|s| s.risk_area == r)))
            .collect(),
        opened.total(),
        threshold,
    )
}

/// The activity types seen, by label, in the current flow's order (then older types, then
/// "other"), with how many of each.
fn types_seen(opened: &[&IncidentStat]) -> Vec<(String, u32)> {
    let order = crate::incident::all_activity_types();
    let mut by_type: BTreeMap<(usize, &str), u32> = BTreeMap::new();
    for s in opened {
        let (id, label) = type_of(s);
        let pos = order.iter().position(|a| a.id == id).unwrap_or(order.len());
        let pos = if id == "other" { order.len() } else { pos };
        *by_type.entry((pos, label)).or_default() += 1;
    }
    by_type
        .into_iter()
        .map(|((_, label), c)| (label.to_string(), c))
        .collect()
}

fn type_breakdown(opened: &Counted, threshold: u32) -> Breakdown {
    breakdown(
        TYPE_TITLE,
        opened
            .types
            .iter()
            .map(|(label, c)| (label.clone(), *c))
            .collect(),
        opened.total(),
        threshold,
    )
}

fn illegal_breakdown(opened: &Counted, threshold: u32) -> Breakdown {
    breakdown(
        "Illegal or not",
        vec![
            (
                Mark::Illegal.label().to_string(),
                opened.count(|s| s.mark == Some(Mark::Illegal)),
            ),
            (
                Mark::NotIllegal.label().to_string(),
                opened.count(|s| {
                    s.mark == Some(Mark::NotIllegal) && !s.police_found_nothing_illegal()
                }),
            ),
            (
                "Referred to the police, who found nothing illegal".to_string(),
                opened.count(|s| s.police_found_nothing_illegal()),
            ),
            (
                "Not yet decided".to_string(),
                opened.count(|s| s.mark.is_none()),
            ),
        ],
        opened.total(),
        threshold,
    )
}

fn people_breakdown(opened: &Counted, threshold: u32) -> Breakdown {
    let any = |s: &IncidentStat, kinds: &[PersonKind]| s.kinds.iter().any(|k| kinds.contains(k));
    let mut people = breakdown(
        "Who was involved",
        vec![
            (
                "Pupils".to_string(),
                opened.count(|s| any(s, &[PersonKind::Pupil])),
            ),
            (
                "Staff or volunteers".to_string(),
                opened.count(|s| any(s, &[PersonKind::Staff, PersonKind::Volunteer])),
            ),
            (
                "Others (parents, adults outside school, unknown)".to_string(),
                opened.count(|s| {
                    any(
                        s,
                        &[
                            PersonKind::Parent,
                            PersonKind::AdultOutside,
                            PersonKind::Unknown,
                        ],
                    )
                }),
            ),
        ],
        opened.total(),
        threshold,
    );
    people.note = Some(
        "Incidents involving more than one kind of person are counted under each.".to_string(),
    );
    people.partition = false;
    people.about_adults = true;
    people
}

fn key_stage_breakdown(opened: &Counted, threshold: u32) -> Breakdown {
    let mut key_stage = breakdown(
        KEY_STAGE_TITLE,
        opened
            .stages
            .iter()
            .map(|k| {
                (
                    k.label().to_string(),
                    opened.count(|s| s.key_stages.contains(k)),
                )
            })
            .collect(),
        opened.count(|s| !s.key_stages.is_empty()),
        threshold,
    );
    key_stage.note = Some(
        "The total is the number of incidents involving pupils; an incident with pupils from \
         more than one key stage is counted under each."
            .to_string(),
    );
    key_stage.partition = false;
    // The number of incidents involving pupils is also the first row of who was involved, so a
    // small one is suppressed like any count.
    key_stage.total_shown = super::suppression::primary(key_stage.total, threshold);
    key_stage
}

fn discovery_breakdown(opened: &Counted, threshold: u32) -> Breakdown {
    breakdown(
        "How incidents came to light",
        Discovery::ALL
            .into_iter()
            .map(|d| (d.label().to_string(), opened.count(|s| s.discovery == d)))
            .collect(),
        opened.total(),
        threshold,
    )
}

/// Referrals to every agency but the LADO, whose referrals are about adults.
fn referral_breakdown(counted: &Counted, threshold: u32) -> Breakdown {
    let in_term = &counted.events;
    let counts: Vec<(String, u32)> = Agency::ALL
        .into_iter()
        .filter(|a| *a != Agency::Lado)
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
    let total = counts.iter().map(|(_, c)| c).sum();
    let mut referrals = breakdown("Referrals by agency", counts, total, threshold);
    referrals.note = Some(
        "Counted when made; a referral is counted for each child or adult referred.".to_string(),
    );
    referrals
}

/// Allegations about adults, the LADO referrals and the outcomes recorded in the term: each
/// adult once per incident, however many routes asked.
fn allegation_breakdown(counted: &Counted, threshold: u32) -> Breakdown {
    let in_term = &counted.events;
    let count = |f: &dyn Fn(&StatEvent) -> bool| in_term.iter().filter(|e| f(e)).count() as u32;
    let mut rows = vec![
        (
            "Allegations (harm threshold met, or unsure)".to_string(),
            count(&|e| matches!(e, StatEvent::Allegation { .. })),
        ),
        (
            "Referred to the LADO".to_string(),
            count(&|e| {
                matches!(
                    e,
                    StatEvent::Referral {
                        agency: Agency::Lado,
                        ..
                    }
                )
            }),
        ),
    ];
    for o in Outcome::ALL {
        rows.push((
            format!("Outcome: {}", o.label().to_lowercase()),
            count(&|e| matches!(e, StatEvent::AllegationOutcome { outcome, .. } if *outcome == o)),
        ));
    }
    let total = rows[0].1;
    let mut b = breakdown("Allegations about adults", rows, total, threshold);
    b.total_shown = super::suppression::primary(total, threshold);
    b.partition = false;
    b.about_adults = true;
    b.note = Some(
        "Counted when recorded; each adult once per incident. Outcomes are recorded when the \
         LADO's process ends, often in a later term."
            .to_string(),
    );
    b
}

fn pupil_sanctions(counted: &Counted, threshold: u32) -> Breakdown {
    // Every category the flow offers is listed, even at 0.
    let categories = crate::flow::current()
        .map(|f| f.options_of(ItemMeaning::Sanction, fields::CATEGORY))
        .unwrap_or_default();
    let mut counts: BTreeMap<String, u32> = categories.into_iter().map(|c| (c, 0)).collect();
    for e in &counted.events {
        if let StatEvent::PupilSanction { category, .. } = e {
            *counts.entry(category.clone()).or_default() += 1;
        }
    }
    let total = counts.values().sum();
    let mut sanctions = breakdown(
        "Sanctions for pupils",
        counts.into_iter().collect(),
        total,
        threshold,
    );
    sanctions.note = Some("Counted when decided, for each pupil.".to_string());
    sanctions
}

fn staff_actions(counted: &Counted, threshold: u32) -> Breakdown {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for e in &counted.events {
        if let StatEvent::StaffAction { action, .. } = e {
            *counts.entry(action.clone()).or_default() += 1;
        }
    }
    let total = counts.values().sum();
    let mut actions = breakdown(
        "Actions taken about staff or volunteers",
        counts.into_iter().collect(),
        total,
        threshold,
    );
    actions.note = Some("Counted when decided, for each adult.".to_string());
    actions.about_adults = true;
    actions.total_shown = super::suppression::primary(total, threshold);
    actions
}

/// Type by key stage: counted over the last three terms, so that a type seen without pupils in
/// one term is never printed beside that term.
fn type_by_key_stage(counted: &Counted, threshold: u32, beside: &[Breakdown]) -> CrossTab {
    let of_type = |s: &IncidentStat, label: &str| type_of(s).1 == label;
    let mut x = cross_tab(
        "Type of activity by key stage",
        counted
            .types
            .iter()
            .map(|(label, _)| label.clone())
            .collect(),
        counted
            .stages
            .iter()
            .map(|k| k.label().to_string())
            .collect(),
        counted
            .types
            .iter()
            .map(|(id, _)| {
                counted
                    .stages
                    .iter()
                    .map(|k| counted.count(|s| s.key_stages.contains(k) && of_type(s, id)))
                    .collect()
            })
            .collect(),
        threshold,
    );
    // The key stage and type breakdowns printed over the same window bound its columns and rows.
    let printed = |title: &str, labels: &[String]| -> Vec<disclosure::Printed> {
        let b = beside
            .iter()
            .find(|b| b.title == title && b.window == counted.span.label && !b.withheld);
        labels
            .iter()
            .map(|l| {
                b.and_then(|b| b.rows.iter().find(|r| &r.label == l))
                    .map_or(disclosure::Printed::UNKNOWN, |c| {
                        disclosure::Printed::of(c, threshold)
                    })
            })
            .collect()
    };
    let totals = disclosure::TableTotals {
        columns: printed(KEY_STAGE_TITLE, &x.column_labels),
        rows: printed(TYPE_TITLE, &x.row_labels),
    };
    disclosure::secure_table(&mut x, threshold, &totals);
    x.window = counted.span.label.clone();
    x
}

const KEY_STAGE_TITLE: &str = "Key stage of pupils involved";
const TYPE_TITLE: &str = "Type of activity";

fn trend(stats: &[IncidentStat], term: &Term, earlier: &[Term]) -> Vec<TrendPoint> {
    earlier
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
        .collect()
}

/// The figures for `term`, with the trend over `earlier` terms (oldest first).
pub fn term_figures(
    stats: &[IncidentStat],
    term: &Term,
    earlier: &[Term],
    threshold: u32,
) -> TermFigures {
    let t = totals(stats, term);
    let this = Counted::over(stats, Span::of_term(term));
    let (year, three) = longer_spans(term, earlier);
    let year = year.map(|s| Counted::over(stats, s));
    let three = three.map(|s| Counted::over(stats, s));
    // Counts about pupils and incidents: the term where it is enough, else longer.
    let spans: Vec<&Counted> = std::iter::once(&this)
        .chain(year.as_ref())
        .chain(three.as_ref())
        .collect();
    // Counts about adults: never one term alone.
    let adult_span: &Counted = three.as_ref().unwrap_or(&this);
    let mut breakdowns = Vec::new();
    for build in [
        risk_breakdown,
        type_breakdown,
        illegal_breakdown,
        key_stage_breakdown,
        discovery_breakdown,
        referral_breakdown,
        pupil_sanctions,
    ] {
        breakdowns.extend(over_shortest(&spans, threshold, build));
    }
    for build in [people_breakdown, allegation_breakdown, staff_actions] {
        breakdowns.extend(over_shortest(&[adult_span], threshold, build));
    }
    let type_by_key_stage = type_by_key_stage(adult_span, threshold, &breakdowns);
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
        breakdowns,
        type_by_key_stage,
        trend: trend(stats, term, earlier),
        filtering_changes: filtering_changes(&this.events),
    }
}

/// The filtering and monitoring changes recorded in the term, oldest first.
fn filtering_changes(in_term: &[&StatEvent]) -> Vec<super::FilteringChangeRow> {
    let mut rows: Vec<(chrono::DateTime<chrono::Utc>, super::FilteringChangeRow)> = in_term
        .iter()
        .filter_map(|e| match e {
            StatEvent::FilteringChange {
                at,
                what,
                when,
                by,
                approved_by,
            } => {
                let day = chrono::NaiveDateTime::parse_from_str(when, "%Y-%m-%dT%H:%M")
                    .map(|d| d.date())
                    .unwrap_or_else(|_| uk_day(*at));
                Some((
                    *at,
                    super::FilteringChangeRow {
                        when: crate::time::uk_date_of(day),
                        what: what.clone(),
                        by: by.clone(),
                        approved_by: approved_by.clone(),
                    },
                ))
            }
            _ => None,
        })
        .collect();
    rows.sort_by_key(|(at, _)| *at);
    rows.into_iter().map(|(_, r)| r).collect()
}
