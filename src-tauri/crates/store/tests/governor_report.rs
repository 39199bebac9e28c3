//! The governor report built from a generated vault, as the app builds it: every figure is in
//! the printed text, and none of the vault's names or incident references is anywhere in it.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dsl_domain::governor::GovernorDraft;
use dsl_domain::incident::IncidentFilter;
use dsl_domain::stats::Shown;
use dsl_domain::terms::TermName;
use dsl_domain::vault::Role;
use dsl_store::demo::DemoSpec;
use dsl_store::{KdfParams, Vault};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid")
}

fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_figure_prints_and_no_name_or_reference_does() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = Vault::create(
        tmp.path(),
        "Oakfield Academy",
        "Jo Bloggs",
        Role::Dsl,
        "lantern mauve copper harbour",
        KdfParams::default(),
        now(),
    )
    .expect("vault")
    .vault;
    v.generate_demo(&DemoSpec {
        seed: 7,
        incidents: 600,
        pupils: 400,
        years: 3,
        until: now(),
    })
    .expect("demo");
    let (year, term) = (2025, TermName::Spring);
    let figures = v.term_figures(year, term).expect("figures");
    assert!(figures.opened > 20, "a busy term: {}", figures.opened);
    let lessons = v.lesson_candidates(year, term).expect("lessons");
    assert!(!lessons.is_empty());
    let draft = GovernorDraft {
        narrative: "A steady term. Filtering was strengthened after two alerts.".into(),
        lessons: vec![format!("Edited for governors: {}", lessons[0].text)],
        filtering_review: NaiveDate::from_ymd_opt(2026, 1, 12),
    };
    let report = common::saved_governor_report(&mut v, year, term, &draft, now());
    let bytes = dsl_report::governor_report::render(&report).expect("drawn");
    let text = common::pdf_text(&bytes, "governor-report.pdf");
    let flat = collapsed(&text);
    // In drawing order, each row's label and count stay together (a long label in the layout
    // order can put "Total" before the last row's count).
    let raw = collapsed(&common::pdf_text_with(
        &bytes,
        "governor-report.pdf",
        &["-raw"],
    ));

    for h in &report.headlines {
        assert!(flat.contains(&collapsed(&h.label)), "{}", h.label);
        assert!(flat.contains(&h.value), "{}: {}", h.label, h.value);
    }
    let mut suppressed = 0;
    for b in &report.breakdowns {
        assert!(flat.contains(&b.title), "{}", b.title);
        assert!(
            raw.contains(&format!("Total {}", b.printed_total(report.threshold))),
            "{} total",
            b.title
        );
        for row in &b.rows {
            assert!(flat.contains(&collapsed(&row.label)), "{}", row.label);
            assert!(flat.contains(&row.printed(report.threshold)));
            if row.shown != Shown::Exact {
                suppressed += 1;
            }
        }
    }
    assert!(suppressed > 0, "a term this size has some small counts");
    assert!(flat.contains("fewer than 5"));
    for p in &report.trend {
        assert!(flat.contains(&p.term));
    }
    assert!(flat.contains("Edited for governors"));
    assert!(flat.contains("12/01/2026"), "filtering review date");
    assert!(flat.contains(&collapsed(&report.rule)));
    assert!(text.contains("Page 1 of"));

    // Nothing identifying: no person's name, no reference, no flagged lesson that was not chosen.
    let all = v
        .list_incidents(&IncidentFilter::default(), 100_000)
        .expect("list");
    assert_eq!(all.len(), 600);
    let raw = String::from_utf8_lossy(&bytes);
    for s in &all {
        assert!(!flat.contains(&s.reference), "a reference printed");
        assert!(!raw.contains(&s.reference));
        for name in &s.people {
            assert!(!flat.contains(name.as_str()), "a name printed");
            assert!(!raw.contains(name.as_str()));
            for part in name.split_whitespace().filter(|p| p.len() > 3) {
                assert!(
                    !flat.contains(&format!(" {part} ")),
                    "part of a name printed"
                );
            }
        }
    }
    for l in lessons.iter().skip(1) {
        if l.text != lessons[0].text {
            assert!(
                !flat.contains(&collapsed(&l.text)),
                "an unchosen lesson printed"
            );
        }
    }
}
