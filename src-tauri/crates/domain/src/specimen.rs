//! Specimen records that between them hold every variant of every labelled enum, so that the
//! PDF crate's tests can check each printed word against the screen's (no real case data).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::evidence::{
    CustodyAction, CustodyEvent, CustodyInput, EvidenceInput, EvidenceItem, EvidenceKind, Tristate,
};
use crate::flow::{
    ChronologyEntry, EntryBody, FlowEntry, FlowState, IncidentStatus, Mark, NodeKind,
};
use crate::governor::{governor_report, GovernorDraft, GovernorReport};
use crate::incident::{
    Discovery, IncidentDetail, IncidentFacts, Involvement, Location, Person, PersonKind,
    PersonRole, RiskArea,
};
use crate::meaning::ItemMeaning;
use crate::report::{incident_report, IncidentReport};
use crate::stats::{term_figures, IncidentStat, KeyStage, StatEvent};
use crate::terms::{default_terms, TermName};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn people() -> Vec<Involvement> {
    PersonKind::ALL
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Involvement {
            id: i as i64 + 1,
            person: Person {
                id: i as i64 + 1,
                kind,
                name: format!("Specimen Person {}", i + 1),
                year_group: (kind == PersonKind::Pupil).then_some(9),
                date_of_birth: NaiveDate::from_ymd_opt(2012, 1, 1),
                job_title: String::new(),
                headteacher: false,
            },
            role: PersonRole::ALL[i % PersonRole::ALL.len()],
            added_at: t0(),
        })
        .collect()
}

fn evidence() -> Vec<EvidenceItem> {
    EvidenceKind::ALL
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let tri = |k: usize| Tristate::ALL[(i + k) % Tristate::ALL.len()];
            let custody = CustodyAction::ALL
                .into_iter()
                .enumerate()
                .filter(|_| i == 0)
                .map(|(j, action)| CustodyEvent {
                    id: j as i64 + 1,
                    recorded_at: t0(),
                    recorded_by: "DSL".into(),
                    event: CustodyInput {
                        action,
                        at: t0() + Duration::hours(j as i64 + 1),
                        from: "DSL".into(),
                        to: String::new(),
                        location: "Cabinet".into(),
                        reason: String::new(),
                        reference: String::new(),
                        how: String::new(),
                        authorised_by: String::new(),
                    },
                })
                .collect();
            EvidenceItem {
                id: i as i64 + 1,
                incident_id: 1,
                incident_reference: "OS-2026-0001".into(),
                label: format!("E{}", i + 1),
                details: EvidenceInput {
                    kind,
                    description: format!("Specimen item {}", i + 1),
                    make_model_serial: String::new(),
                    url: String::new(),
                    platform_username: String::new(),
                    owner: String::new(),
                    found_where_how: String::new(),
                    switched_on: tri(0),
                    locked: tri(1),
                    network_disconnected: tri(2),
                    secured_by: "DSL".into(),
                    secured_at: t0(),
                    stored_at: "Cabinet".into(),
                },
                recorded_at: t0(),
                recorded_by: "DSL".into(),
                custody,
                digests: Vec::new(),
                holder: "DSL".into(),
                place: "Cabinet".into(),
                since: t0(),
                ended: None,
                with_police: false,
            }
        })
        .collect()
}

/// A done entry for every checklist item of the current flow that carries a meaning.
fn tagged_items() -> Vec<ChronologyEntry> {
    fn walk(nodes: &[crate::flow::Node], out: &mut Vec<(String, String, ItemMeaning)>) {
        for n in nodes {
            match &n.kind {
                NodeKind::Action { items, .. } => {
                    for i in items {
                        if let Some(m) = i.meaning {
                            out.push((n.id.clone(), i.id.clone(), m));
                        }
                    }
                }
                NodeKind::PerPerson { steps, .. } => walk(steps, out),
                _ => {}
            }
        }
    }
    let mut items = Vec::new();
    if let Ok(flow) = crate::flow::current() {
        walk(&flow.nodes, &mut items);
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, (node, item, _))| ChronologyEntry {
            entry: FlowEntry {
                id: i as i64 + 1,
                at: t0() + Duration::minutes(i as i64 + 1),
                user_name: "DSL".into(),
                node_id: Some(node),
                person_id: None,
                supersedes: None,
                body: EntryBody::Item {
                    item,
                    done: true,
                    details: Default::default(),
                    reason: String::new(),
                },
                happened: None,
            },
            step: "Step".into(),
            person_label: None,
            text: "Done".into(),
            superseded: false,
        })
        .collect()
}

/// Incident reports that between them print every variant of every enum the incident report
/// shows: each discovery, location, risk area and status; every kind and role of person; every
/// kind of evidence, custody action and yes/no/not-known; a referral to every agency.
pub fn incident_reports() -> Vec<IncidentReport> {
    let flow = crate::flow::current().ok();
    (0..Discovery::ALL.len())
        .map(|i| {
            let detail = IncidentDetail {
                activity: None,
                id: i as i64 + 1,
                reference: format!("OS-2026-{:04}", i + 1),
                flow_id: flow.map(|f| f.id.clone()).unwrap_or_default(),
                flow_version: flow.map(|f| f.version).unwrap_or_default(),
                created_at: t0(),
                created_by: "DSL".into(),
                facts: IncidentFacts {
                    occurred_at: t0(),
                    reported_at: t0(),
                    reported_by_name: "Specimen Reporter".into(),
                    reported_by_role: "Tutor".into(),
                    discovery: Discovery::ALL[i],
                    monitoring: None,
                    location: Location::ALL[i % Location::ALL.len()],
                    platform: String::new(),
                    summary: "Specimen summary".into(),
                    childs_words: String::new(),
                    risk_area: RiskArea::ALL[i % RiskArea::ALL.len()],
                    activity_type: "bullying".into(),
                },
                people: people(),
                flow: FlowState {
                    was_illegal: false,
                    undecided_branches: Vec::new(),
                    status: IncidentStatus::ALL[i % IncidentStatus::ALL.len()],
                    mark: None,
                    current: None,
                    at_end: false,
                    path: Vec::new(),
                },
                chronology: tagged_items(),
                due: Vec::new(),
            };
            incident_report(
                "Specimen School",
                &detail,
                &evidence(),
                &[],
                None,
                "DSL",
                t0(),
                "0.0.0",
            )
        })
        .collect()
}

/// One governor report for each term, between them printing every term name, key stage, mark,
/// agency, discovery and risk area.
pub fn governor_reports() -> Vec<GovernorReport> {
    let Some(terms) = default_terms(2026) else {
        return Vec::new();
    };
    TermName::ALL
        .into_iter()
        .filter_map(|name| terms.iter().find(|t| t.name == name))
        .map(|term| {
            let at = |d: i64| {
                Utc.from_utc_datetime(
                    &(term.starts + Duration::days(d))
                        .and_hms_opt(12, 0, 0)
                        .unwrap_or_default(),
                )
            };
            let stats: Vec<IncidentStat> = (0..Discovery::ALL.len())
                .map(|i| IncidentStat {
                    reported_at: at(i as i64),
                    risk_area: RiskArea::ALL[i % RiskArea::ALL.len()],
                    activity_type: "bullying".into(),
                    mark: [Some(Mark::Illegal), Some(Mark::NotIllegal), None][i % 3],
                    discovery: Discovery::ALL[i],
                    kinds: vec![PersonKind::Pupil],
                    key_stages: vec![KeyStage::ALL[i % KeyStage::ALL.len()]],
                    events: crate::stats::Agency::ALL
                        .into_iter()
                        .map(|agency| StatEvent::Referral {
                            at: at(i as i64 + 1),
                            agency,
                        })
                        .collect(),
                    was_illegal: i % 3 == 1,
                    flow_version: crate::flow::current().map_or(0, |f| f.version),
                })
                .collect();
            let figures = term_figures(&stats, term, &[], 1);
            governor_report(
                "Specimen School",
                false,
                &figures,
                &GovernorDraft::default(),
                "22/11/2026 10:00",
                "0.0.0",
            )
        })
        .collect()
}
