//! Demonstration vaults: deterministic, walked through the real flow, pupils on roll.

use dsl_domain::flow::IncidentStatus;
use dsl_domain::incident::{IncidentFilter, PersonKind};

use super::incidents::{now, vault};

#[test]
fn demo_vaults_are_deterministic_and_walk_the_real_flow() {
    let spec = crate::demo::DemoSpec {
        seed: 42,
        incidents: 60,
        pupils: 40,
        years: 3,
        until: now(),
    };
    let summaries = |seed_dir: &std::path::Path| {
        let mut v = vault(seed_dir);
        let stats = v.generate_demo(&spec).expect("generated");
        let rows: Vec<(String, String, Vec<String>)> = v
            .list_incidents(&IncidentFilter::default(), 1000)
            .expect("list")
            .into_iter()
            .map(|s| (s.reference, s.summary, s.people))
            .collect();
        (stats, rows, v)
    };
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let (stats_a, rows_a, v) = summaries(a.path());
    let (stats_b, rows_b, _) = summaries(b.path());
    assert_eq!(stats_a, stats_b);
    assert_eq!(rows_a, rows_b, "same seed, same vault");
    assert_eq!(stats_a.incidents, 60);
    assert!(
        stats_a.entries > 60 * 5,
        "each incident walks the flow: {}",
        stats_a.entries
    );
    let closed = v
        .list_incidents(
            &IncidentFilter {
                status: Some(IncidentStatus::Closed),
                ..Default::default()
            },
            1000,
        )
        .expect("closed");
    assert!(
        closed.len() > 30,
        "older incidents are closed: {}",
        closed.len()
    );
    let illegal = v
        .list_incidents(
            &IncidentFilter {
                illegal: Some(true),
                ..Default::default()
            },
            1000,
        )
        .expect("illegal");
    assert!(!illegal.is_empty() && illegal.len() < 60);
    // Every generated incident opens and replays cleanly.
    for s in &closed {
        let d = v.incident(s.id).expect("opens");
        assert!(d.flow.at_end);
    }
}

#[test]
fn demo_pupils_are_on_roll_and_the_right_age_when_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut v = vault(dir.path());
    let stats = v
        .generate_demo(&crate::demo::DemoSpec {
            seed: 9,
            incidents: 700,
            pupils: 350,
            years: 12,
            until: now(),
        })
        .expect("generated");
    // 50 join each September; 12 years of incidents see about 18 cohorts.
    assert!(
        stats.people > 350 && stats.people < 18 * 50,
        "pupils: {}",
        stats.people
    );
    assert!(
        stats.evidence > 700,
        "about two items each: {}",
        stats.evidence
    );
    let mut seen = std::collections::HashMap::new();
    for s in v
        .list_incidents(&IncidentFilter::default(), 1000)
        .expect("list")
    {
        let d = v.incident(s.id).expect("opens");
        let on = d.facts.occurred_at.date_naive();
        for p in d
            .people
            .iter()
            .filter(|i| i.person.kind == PersonKind::Pupil)
        {
            let born = p.person.date_of_birth.expect("pupils have a date of birth");
            let age = on.years_since(born).expect("born before");
            assert!((11..=18).contains(&age), "a pupil aged {age} at school");
            *seen.entry(p.person.id).or_insert(0) += 1;
        }
    }
    let repeat = seen.values().filter(|n| **n > 1).count();
    assert!(
        repeat > 20,
        "some pupils are named more than once: {repeat}"
    );
}
