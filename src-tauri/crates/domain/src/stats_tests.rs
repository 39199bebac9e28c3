//! Hand-made data sets with known answers.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::disclosure::{
    given_away_in_table, secure_breakdown, secure_table, Printed, TableTotals,
};
use super::suppression::{breakdown, cross_tab};
use super::*;
use crate::flow::{EntryBody, FlowEntry, Mark};
use crate::incident::{
    Discovery, IncidentFacts, Involvement, Location, Person, PersonKind, PersonRole, RiskArea,
};
use crate::terms::default_terms;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid time")
}

fn stat(reported: DateTime<Utc>, events: Vec<StatEvent>) -> IncidentStat {
    IncidentStat {
        reported_at: reported,
        risk_area: RiskArea::Contact,
        activity_type: "bullying".into(),
        mark: Some(Mark::NotIllegal),
        discovery: Discovery::Disclosure,
        kinds: vec![PersonKind::Pupil],
        key_stages: vec![KeyStage::Ks3],
        events,
        was_illegal: false,
        flow_version: 2,
    }
}

fn closed(at: DateTime<Utc>) -> StatEvent {
    StatEvent::Closed { at }
}

fn reopened(at: DateTime<Utc>) -> StatEvent {
    StatEvent::Reopened { at }
}

/// A: 1 Sep 00:30 BST (31 Aug in UTC) is in Autumn; B: 31 Aug 23:00 BST is in Summer;
/// C: 31 Dec 23:30 GMT, closed in January (spans two terms); D: closed, reopened and closed
/// again; E: illegal and still open.
fn five() -> Vec<IncidentStat> {
    let mut e = stat(utc(2026, 11, 1, 10, 0), vec![]);
    e.mark = Some(Mark::Illegal);
    e.risk_area = RiskArea::Content;
    e.activity_type = "child-abuse-images".into();
    e.key_stages = vec![KeyStage::Ks3, KeyStage::Ks4];
    vec![
        stat(
            utc(2026, 8, 31, 23, 30),
            vec![closed(utc(2026, 9, 10, 12, 0))],
        ),
        stat(
            utc(2026, 8, 31, 22, 0),
            vec![closed(utc(2026, 9, 2, 12, 0))],
        ),
        stat(
            utc(2026, 12, 31, 23, 30),
            vec![closed(utc(2027, 1, 5, 12, 0))],
        ),
        stat(
            utc(2026, 10, 1, 9, 0),
            vec![
                closed(utc(2026, 10, 11, 9, 0)),
                reopened(utc(2027, 1, 10, 9, 0)),
                closed(utc(2027, 1, 20, 9, 0)),
            ],
        ),
        e,
    ]
}

fn autumn_and_spring() -> (Term, Term) {
    let t = default_terms(2026).expect("terms");
    (t[0], t[1])
}

#[test]
fn term_boundaries_follow_uk_days() {
    let (autumn, _) = autumn_and_spring();
    let f = term_figures(&five(), &autumn, &[], 5);
    assert_eq!(f.open_at_start, 1, "B was reported on 31 August, UK time");
    assert_eq!(f.opened, 4, "A (1 September, UK time), C, D and E");
    assert_eq!(f.closed, 3, "B, A and D");
    assert_eq!(f.reopened, 0);
    assert_eq!(f.open_at_end, 2, "C and E");
    assert_eq!(
        f.open_at_start + f.opened + f.reopened - f.closed,
        f.open_at_end
    );
    // Days to close: B 2, A 9, D 10.
    assert_eq!(f.median_days_to_close, Some(9.0));
}

#[test]
fn an_incident_spanning_two_terms_and_a_reopened_one() {
    let (autumn, spring) = autumn_and_spring();
    let f = term_figures(&five(), &spring, &[autumn], 5);
    assert_eq!(f.open_at_start, 2, "C and E");
    assert_eq!(f.opened, 0);
    assert_eq!(f.reopened, 1, "D");
    assert_eq!(f.closed, 2, "C and D");
    assert_eq!(f.open_at_end, 1, "E");
    assert_eq!(
        f.open_at_start + f.opened + f.reopened - f.closed,
        f.open_at_end
    );
    // C: 31 Dec to 5 Jan is 5 days; D: 1 Oct to 20 Jan is 111 days.
    assert_eq!(f.median_days_to_close, Some(58.0));
    assert_eq!(f.trend.len(), 2);
    assert_eq!(f.trend[0].term, "Autumn term 2026/27");
    assert_eq!(f.trend[0].opened, 4);
    assert_eq!(f.trend[0].illegal, 1);
    assert_eq!(f.trend[1].closed, 2);
    assert_eq!(f.trend[1].open_at_end, 1);
}

fn rows(f: &TermFigures, title: &str) -> Vec<(String, u32, Shown)> {
    f.breakdowns
        .iter()
        .find(|b| b.title == title)
        .expect("breakdown present")
        .rows
        .iter()
        .map(|c| (c.label.clone(), c.count, c.shown))
        .collect()
}

#[test]
fn breakdowns_count_incidents_opened_in_the_term() {
    let (autumn, _) = autumn_and_spring();
    let f = term_figures(&five(), &autumn, &[], 1);
    assert_eq!(
        rows(&f, "Risk area"),
        vec![
            ("Content".into(), 1, Shown::Exact),
            ("Contact".into(), 3, Shown::Exact),
            ("Conduct".into(), 0, Shown::Exact),
            ("Commerce".into(), 0, Shown::Exact),
        ]
    );
    assert_eq!(
        rows(&f, "Illegal or not"),
        vec![
            ("Illegal".into(), 1, Shown::Exact),
            ("Not illegal".into(), 3, Shown::Exact),
            (
                "Referred to the police, who found nothing illegal".into(),
                0,
                Shown::Exact
            ),
            ("Not yet decided".into(), 0, Shown::Exact),
        ]
    );
    let ks = rows(&f, "Key stage of pupils involved");
    assert_eq!(
        ks,
        vec![
            ("KS3".into(), 4, Shown::Exact),
            ("KS4".into(), 1, Shown::Exact)
        ]
    );
    let types = rows(&f, "Type of activity");
    assert_eq!(types.len(), 2);
    assert_eq!(types[0].1, 1, "abuse images first, in the policy's order");
    assert_eq!(types[1].1, 3);
    let cross = &f.type_by_key_stage;
    assert_eq!(cross.column_labels, vec!["KS3", "KS4"]);
    let counts: Vec<Vec<u32>> = cross
        .cells
        .iter()
        .map(|r| r.iter().map(|c| c.count).collect())
        .collect();
    assert_eq!(counts, vec![vec![1, 1], vec![3, 0]]);
}

#[test]
fn small_counts_are_suppressed_and_cannot_be_recovered_from_totals() {
    let mut b = breakdown(
        "x",
        vec![
            ("a".into(), 7),
            ("b".into(), 3),
            ("c".into(), 0),
            ("d".into(), 6),
        ],
        16,
        5,
    );
    assert!(
        !secure_breakdown(&mut b, 5),
        "two of three counts unshown says less than it hides"
    );
    let shown: Vec<Shown> = b.rows.iter().map(|c| c.shown).collect();
    assert_eq!(
        shown,
        vec![Shown::Exact, Shown::FewerThan, Shown::Exact, Shown::Hidden],
        "3 is suppressed; 6, the next smallest, is withheld so 3 = 16 - 7 - 6 cannot be worked out"
    );
    assert_eq!(b.total, 16, "totals stay exact");
    assert_eq!(b.rows[1].printed(5), "fewer than 5");
    assert_eq!(b.rows[2].printed(5), "0");
    assert_eq!(b.rows[3].printed(5), "not shown");

    let mut two = breakdown(
        "y",
        vec![("a".into(), 7), ("b".into(), 3), ("c".into(), 2)],
        12,
        5,
    );
    secure_breakdown(&mut two, 5);
    let shown: Vec<Shown> = two.rows.iter().map(|c| c.shown).collect();
    assert_eq!(
        shown,
        vec![Shown::Exact, Shown::FewerThan, Shown::FewerThan]
    );

    let off = breakdown("z", vec![("a".into(), 1)], 1, 1);
    assert_eq!(off.rows[0].shown, Shown::Exact);

    let mut at_threshold = breakdown("w", vec![("a".into(), 5), ("b".into(), 4)], 9, 5);
    secure_breakdown(&mut at_threshold, 5);
    assert_eq!(at_threshold.rows[0].shown, Shown::Hidden);
    assert_eq!(at_threshold.rows[1].shown, Shown::FewerThan);
    assert!(suppression_rule(5).contains("1 to 4"));
}

#[test]
fn cross_tabs_protect_columns_against_the_key_stage_counts() {
    let mut t = cross_tab(
        "t",
        vec!["r1".into(), "r2".into()],
        vec!["c1".into(), "c2".into(), "c3".into()],
        vec![vec![2, 9, 8], vec![10, 12, 7]],
        5,
    );
    let exact = |n: u32| {
        Printed::of(
            &Cell {
                label: String::new(),
                count: n,
                shown: Shown::Exact,
            },
            5,
        )
    };
    let totals = TableTotals {
        columns: vec![exact(12), exact(21), exact(15)],
        rows: vec![Printed::UNKNOWN; 2],
    };
    assert_eq!(
        given_away_in_table(&t, 5, &totals),
        vec![(Some(0), 0)],
        "2 = 12 - 10"
    );
    secure_table(&mut t, 5, &totals);
    assert!(given_away_in_table(&t, 5, &totals).is_empty());
    assert_eq!(t.cells[0][0].shown, Shown::FewerThan);
    assert_eq!(
        t.cells[1][0].shown,
        Shown::Hidden,
        "10 is withheld beside it"
    );
    assert_eq!(
        t.cells[0][1].shown,
        Shown::Exact,
        "other columns are untouched"
    );
}

#[test]
fn suppression_applies_to_the_figures() {
    let (autumn, _) = autumn_and_spring();
    let f = term_figures(&five(), &autumn, &[], 5);
    let risk = rows(&f, "Risk area");
    assert_eq!(risk[0].2, Shown::FewerThan, "one Content incident");
    assert_eq!(risk[1].2, Shown::FewerThan, "three Contact incidents");
    assert_eq!(risk[2].2, Shown::Exact, "0 is printed");
    let b = f
        .breakdowns
        .iter()
        .find(|b| b.title == "Risk area")
        .expect("risk");
    assert_eq!(b.total, 4);
}

fn person(id: i64, kind: PersonKind, year: Option<u8>) -> Involvement {
    Involvement {
        id,
        person: Person {
            id,
            kind,
            name: format!("Person {id}"),
            year_group: year,
            date_of_birth: None,
            job_title: String::new(),
            headteacher: false,
        },
        role: PersonRole::Victim,
        added_at: utc(2026, 10, 1, 9, 0),
    }
}

fn item(id: i64, node: &str, item: &str, details: &[(&str, &str)]) -> FlowEntry {
    FlowEntry {
        id,
        at: utc(2026, 10, 2, 9, 0) + Duration::hours(id),
        user_name: "DSL".into(),
        node_id: Some(node.into()),
        person_id: None,
        supersedes: None,
        body: EntryBody::Item {
            item: item.into(),
            done: true,
            details: details
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            reason: String::new(),
        },
        happened: None,
    }
}

#[test]
fn an_incident_contributes_referrals_sanctions_lessons_and_closures() {
    let facts = IncidentFacts {
        occurred_at: utc(2026, 10, 1, 8, 0),
        reported_at: utc(2026, 10, 1, 9, 0),
        reported_by_name: "Ms Nguyễn".into(),
        reported_by_role: "Tutor".into(),
        discovery: Discovery::Monitoring,
        monitoring: None,
        location: Location::InSchool,
        platform: String::new(),
        summary: "s".into(),
        childs_words: String::new(),
        risk_area: RiskArea::Conduct,
        activity_type: "bullying".into(),
    };
    let people = vec![
        person(1, PersonKind::Pupil, Some(8)),
        person(2, PersonKind::Pupil, Some(12)),
        person(3, PersonKind::Staff, None),
    ];
    let mut replaced = item(
        5,
        "instigator-sanction",
        "sanction",
        &[("category", "Category A")],
    );
    replaced.id = 5;
    let mut replacement = item(
        6,
        "instigator-sanction",
        "sanction",
        &[("category", "Category B")],
    );
    replacement.supersedes = Some(5);
    let entries = vec![
        item(1, "illegal-police", "police-report", &[]),
        item(2, "child-referral", "social-care", &[]),
        item(
            3,
            "instigator-sanction",
            "social-care",
            &[("decision", "No")],
        ),
        item(4, "adult-lado", "lado", &[]),
        replaced,
        replacement,
        item(7, "staff-action", "course", &[("action", "Warning")]),
        item(
            8,
            "review-learning",
            "learning",
            &[("lessons", "Block the proxy"), ("governors", "Yes")],
        ),
        item(
            9,
            "review-learning",
            "learning",
            &[("lessons", "Private note"), ("governors", "No")],
        ),
        FlowEntry {
            id: 10,
            at: utc(2026, 10, 9, 9, 0),
            user_name: "DSL".into(),
            node_id: None,
            person_id: None,
            supersedes: None,
            body: EntryBody::Closed { reason: "r".into() },
            happened: None,
        },
    ];
    // Recorded under version 1, whose items these are.
    let v1 = crate::flow::find("online-safety", 1).ok();
    let s = incident_stat_in(v1, &facts, &people, &entries, Some(Mark::NotIllegal));
    assert_eq!(s.kinds, vec![PersonKind::Pupil, PersonKind::Staff]);
    assert_eq!(s.key_stages, vec![KeyStage::Ks3, KeyStage::Ks5]);
    let agencies: Vec<Agency> = s
        .events
        .iter()
        .filter_map(|e| match e {
            StatEvent::Referral { agency, .. } => Some(*agency),
            _ => None,
        })
        .collect();
    assert_eq!(
        agencies,
        vec![Agency::Police, Agency::SocialCare, Agency::Lado],
        "the instigator's 'social care considered' is not a referral"
    );
    let sanctions: Vec<&str> = s
        .events
        .iter()
        .filter_map(|e| match e {
            StatEvent::PupilSanction { category, .. } => Some(category.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        sanctions,
        vec!["Category B"],
        "the replaced sanction does not count"
    );
    let (autumn, _) = autumn_and_spring();
    let lessons = lessons_in_term(std::slice::from_ref(&s), &autumn);
    assert_eq!(lessons.len(), 1);
    assert_eq!(lessons[0].text, "Block the proxy");
    assert_eq!(lessons[0].entry_id, 8);
    assert_eq!(lessons[0].times, 1);
    let twice = lessons_in_term(&[s.clone(), s.clone()], &autumn);
    assert_eq!(twice.len(), 1, "the same words appear once");
    assert_eq!(twice[0].times, 2);
    let f = term_figures(std::slice::from_ref(&s), &autumn, &[], 1);
    assert_eq!(f.closed, 1);
    assert_eq!(f.median_days_to_close, Some(8.0));
    let referrals = rows(&f, "Referrals by agency");
    assert_eq!(referrals[0], ("Police".into(), 1, Shown::Exact));
    assert!(
        referrals.iter().all(|r| r.0 != "LADO"),
        "LADO referrals are about adults"
    );
    let allegations = rows(&f, "Allegations about adults");
    assert_eq!(
        allegations[1],
        ("Referred to the LADO".into(), 1, Shown::Exact)
    );
    let sanctions = rows(&f, "Sanctions for pupils");
    assert!(sanctions.contains(&("Category B".into(), 1, Shown::Exact)));
    let staff = rows(&f, "Actions taken about staff or volunteers");
    assert!(staff.contains(&("Warning".into(), 1, Shown::Exact)));
    assert_eq!(
        rows(&f, "How incidents came to light")[3],
        ("Filtering or monitoring alert".into(), 1, Shown::Exact)
    );
}

#[test]
fn types_are_read_from_the_flow_version_each_incident_followed() {
    let (autumn, _) = autumn_and_spring();
    let at = utc(2026, 10, 5, 10, 0);
    let of = |activity: &str, version: u32| IncidentStat {
        activity_type: activity.into(),
        flow_version: version,
        ..stat(at, vec![])
    };
    let stats = vec![
        // Version 3 has sextortion and terrorist material.
        of("sextortion", 3),
        of("terrorist-material", 3),
        // Version 2 had neither: a record naming one there is counted as other.
        of("sextortion", 2),
        // Extremism in version 2 included terrorism; version 3's does not: two rows, each
        // under the words its incidents were recorded with.
        of("extremism", 2),
        of("extremism", 3),
        of("extremism", 3),
    ];
    let f = term_figures(&stats, &autumn, &[], 1);
    let types = rows(&f, "Type of activity");
    let count = |label: &str| {
        types
            .iter()
            .find(|(l, _, _)| l == label)
            .map(|(_, c, _)| *c)
            .unwrap_or_else(|| panic!("{label} missing from {types:?}"))
    };
    assert_eq!(
        count("Financially motivated sexual extortion (sextortion)"),
        1
    );
    assert_eq!(
        count("Terrorist material (sharing terrorist publications, e.g. propaganda videos)"),
        1
    );
    assert_eq!(count("Promotion of extremism (not terrorist material)"), 2);
    assert_eq!(count("Promotion of extremism or terrorism"), 1);
    assert_eq!(count("Other"), 1);
    // The current flow's order: the illegal types lead.
    assert_eq!(
        types[0].0,
        "Financially motivated sexual extortion (sextortion)"
    );
}

#[test]
fn filtering_changes_are_listed_by_when_they_were_recorded() {
    let (autumn, spring) = autumn_and_spring();
    let change = |at: DateTime<Utc>, what: &str| StatEvent::FilteringChange {
        at,
        what: what.into(),
        when: at.format("%Y-%m-%dT%H:%M").to_string(),
        by: "Network manager".into(),
        approved_by: "Deputy head".into(),
    };
    let stats = vec![stat(
        utc(2026, 10, 1, 9, 0),
        vec![
            change(utc(2026, 10, 9, 9, 0), "Blocked a proxy site"),
            change(utc(2026, 10, 2, 9, 0), "Added a keyword list"),
            change(utc(2027, 1, 12, 9, 0), "Next term's change"),
        ],
    )];
    let f = term_figures(&stats, &autumn, &[], 5);
    let listed: Vec<(&str, &str)> = f
        .filtering_changes
        .iter()
        .map(|c| (c.when.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("02/10/2026", "Added a keyword list"),
            ("09/10/2026", "Blocked a proxy site")
        ]
    );
    assert_eq!(
        term_figures(&stats, &spring, &[], 5)
            .filtering_changes
            .len(),
        1
    );
}
