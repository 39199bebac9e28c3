//! The counts for a term: headline totals, breakdowns, the cross-tab and the trend.

use std::collections::BTreeMap;

use chrono::Duration;

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

/// The incidents opened in a term, with a counter over them.
struct Opened<'a>(Vec<&'a IncidentStat>);

impl<'a> Opened<'a> {
    fn in_term(stats: &'a [IncidentStat], term: &Term) -> Self {
        Opened(
            stats
                .iter()
                .filter(|s| term.contains(s.reported_day()))
                .collect(),
        )
    }

    fn total(&self) -> u32 {
        self.0.len() as u32
    }

    fn count(&self, f: impl Fn(&IncidentStat) -> bool) -> u32 {
        self.0.iter().filter(|s| f(s)).count() as u32
    }
}

fn risk_breakdown(opened: &Opened, threshold: u32) -> Breakdown {
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
fn types_seen(opened: &Opened) -> Vec<(String, u32)> {
    let order = crate::incident::all_activity_types();
    let mut by_type: BTreeMap<(usize, &str), u32> = BTreeMap::new();
    for s in &opened.0 {
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

fn type_breakdown(opened: &Opened, types: &[(String, u32)], threshold: u32) -> Breakdown {
    breakdown(
        "Type of activity",
        types.iter().map(|(label, c)| (label.clone(), *c)).collect(),
        opened.total(),
        threshold,
    )
}

fn illegal_breakdown(opened: &Opened, threshold: u32) -> Breakdown {
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

fn people_breakdown(opened: &Opened, threshold: u32) -> Breakdown {
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
    people
}

fn key_stage_breakdown(opened: &Opened, stages: &[KeyStage], threshold: u32) -> Breakdown {
    let mut key_stage = breakdown(
        "Key stage of pupils involved",
        stages
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
    key_stage
}

fn discovery_breakdown(opened: &Opened, threshold: u32) -> Breakdown {
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

fn referral_breakdown(in_term: &[&StatEvent], threshold: u32) -> Breakdown {
    let counts: Vec<(String, u32)> = Agency::ALL
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
    let total = counts.iter().map(|(_, c)| c).sum();
    let mut referrals = breakdown("Referrals by agency", counts, total, threshold);
    referrals.note = Some(
        "Counted when made; a referral is counted for each child or adult referred.".to_string(),
    );
    referrals
}

/// Allegations about adults, the LADO referrals and the outcomes recorded in the term: each
/// adult once per incident, however many routes asked.
fn allegation_breakdown(in_term: &[&StatEvent], threshold: u32) -> Breakdown {
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
    b.note = Some(
        "Counted when recorded; each adult once per incident. Outcomes are recorded when the \
         LADO's process ends, often in a later term."
            .to_string(),
    );
    b
}

fn sanction_breakdown(in_term: &[&StatEvent], threshold: u32) -> Breakdown {
    // Every category the flow offers is listed, even at 0.
    let categories = crate::flow::current()
        .map(|f| f.options_of(ItemMeaning::Sanction, fields::CATEGORY))
        .unwrap_or_default();
    let mut counts: BTreeMap<String, u32> = categories
        .into_iter()
        .map(|c| (format!("Pupil sanction: {c}"), 0))
        .collect();
    for e in in_term {
        match e {
            StatEvent::PupilSanction { category, .. } => {
                *counts
                    .entry(format!("Pupil sanction: {category}"))
                    .or_default() += 1;
            }
            StatEvent::StaffAction { action, .. } => {
                *counts.entry(format!("Staff: {action}")).or_default() += 1;
            }
            _ => {}
        }
    }
    let total = counts.values().sum();
    let mut sanctions = breakdown(
        "Sanctions and staff actions",
        counts.into_iter().collect(),
        total,
        threshold,
    );
    sanctions.note = Some("Counted when decided, for each person.".to_string());
    sanctions
}

fn type_by_key_stage(
    opened: &Opened,
    types: &[(String, u32)],
    stages: &[KeyStage],
    threshold: u32,
) -> CrossTab {
    let of_type = |s: &IncidentStat, label: &str| type_of(s).1 == label;
    cross_tab(
        "Type of activity by key stage",
        types.iter().map(|(label, _)| label.clone()).collect(),
        stages.iter().map(|k| k.label().to_string()).collect(),
        types
            .iter()
            .map(|(id, _)| {
                stages
                    .iter()
                    .map(|k| opened.count(|s| s.key_stages.contains(k) && of_type(s, id)))
                    .collect()
            })
            .collect(),
        threshold,
    )
}

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
    let opened = Opened::in_term(stats, term);
    let types = types_seen(&opened);
    let stages: Vec<KeyStage> = KeyStage::ALL
        .into_iter()
        .filter(|k| opened.0.iter().any(|s| s.key_stages.contains(k)))
        .collect();
    // Referrals and sanctions are counted when they were recorded, whichever term the incident
    // was opened in.
    let in_term: Vec<&StatEvent> = stats
        .iter()
        .flat_map(|s| s.events.iter())
        .filter(|e| term.contains(uk_day(e.at())))
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
            risk_breakdown(&opened, threshold),
            type_breakdown(&opened, &types, threshold),
            illegal_breakdown(&opened, threshold),
            people_breakdown(&opened, threshold),
            key_stage_breakdown(&opened, &stages, threshold),
            discovery_breakdown(&opened, threshold),
            referral_breakdown(&in_term, threshold),
            sanction_breakdown(&in_term, threshold),
            allegation_breakdown(&in_term, threshold),
        ],
        type_by_key_stage: type_by_key_stage(&opened, &types, &stages, threshold),
        trend: trend(stats, term, earlier),
        filtering_changes: filtering_changes(&in_term),
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
