//! The incident report read back as a reader would: text, fonts, pages.

mod pdf_tools;

use dsl_domain::report::{EvidenceBlock, Field, IncidentReport, Table};
use dsl_report::incident_report::render;

fn f(label: &str, value: &str) -> Field {
    Field {
        label: label.into(),
        value: value.into(),
    }
}

fn table(headers: &[&str], rows: Vec<Vec<String>>) -> Table {
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        widths: vec![1.0; headers.len()],
        rows,
    }
}

pub fn report(entries: usize, items: usize) -> IncidentReport {
    let long =
        "A long account that must wrap across the width of the page and, repeated, across pages. "
            .repeat(6);
    IncidentReport {
        school_name: "Ysgol Gyfun Oakfield".into(),
        reference: "OS-2026-0007".into(),
        status: "Closed".into(),
        redaction_note: None,
        facts: vec![
            f("Happened", "20/11/2026 09:00"),
            f("What happened", &long),
            f("The child's exact words", "“He said he was 15”"),
        ],
        people: table(
            &["Person", "Role", "Details"],
            [
                "Zoë Nguyễn",
                "Siobhán O'Neill",
                "Łukasz Kowalski",
                "Αλέξανδρος Παππάς",
            ]
            .iter()
            .map(|n| vec![n.to_string(), "Victim".into(), "Pupil, Year 9".into()])
            .collect(),
        ),
        route: table(
            &["Stage", "Step", "Answer"],
            vec![vec![
                "Decision".into(),
                "Was illegal material found?".into(),
                "Yes: indecent image".into(),
            ]],
        ),
        referrals: table(
            &["Agency", "When", "Contact", "Reference", "For"],
            vec![vec![
                "Police".into(),
                "2026-11-20T10:30".into(),
                "PC 1234".into(),
                "CR/118/26".into(),
                "".into(),
            ]],
        ),
        support_and_sanctions: table(
            &["What", "For", "Detail"],
            vec![vec![
                "Sanction".into(),
                "Pupil B".into(),
                "Category B; detention".into(),
            ]],
        ),
        evidence: (1..=items)
            .map(|i| EvidenceBlock {
                title: format!("E{i}: Item number {i}"),
                fields: vec![
                    f("Kind", "Device"),
                    f("Now", "with PC 1234 at the police property store"),
                ],
                custody: table(
                    &["When", "What", "Holder", "Where", "Why"],
                    vec![
                        vec![
                            "20/11/2026 09:10".into(),
                            "Secured".into(),
                            "Jo Bloggs".into(),
                            format!("Sealed bag {i:04}"),
                            "".into(),
                        ],
                        vec![
                            "20/11/2026 11:00".into(),
                            "HandedOver".into(),
                            "Jo Bloggs → PC 1234".into(),
                            "Police store".into(),
                            "CR/118/26".into(),
                        ],
                    ],
                ),
            })
            .collect(),
        reviews: table(&["When", "Reviewers", "Reviewed", "Conclusion"], vec![]),
        chronology: table(
            &["When", "Who", "Step", "What was recorded"],
            (1..=entries)
                .map(|i| {
                    vec![
                        "20/11/2026 10:00".into(),
                        "Jo Bloggs".into(),
                        format!("Step {i}"),
                        format!(
                            "CHRON-{i:04} {}",
                            if i % 10 == 0 { long.as_str() } else { "done" }
                        ),
                    ]
                })
                .collect(),
        ),
        outcome: vec![f("Outcome", "Handled in line with policy")],
        integrity: "ab".repeat(32),
        generated_by: "Jo Bloggs".into(),
        generated_at: "22/11/2026 10:00".into(),
        app_version: "0.1.0".into(),
    }
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn typical_report_holds_every_section_and_names_as_written() {
    let path = pdf_tools::save(
        "incident-report.pdf",
        &render(&report(12, 2)).expect("renders"),
    );
    let text = flat(&pdf_tools::text(&path));
    for expected in [
        "OFFICIAL-SENSITIVE · Ysgol Gyfun Oakfield · OS-2026-0007",
        "Online-safety incident report",
        "OS-2026-0007 · Closed",
        "1. The incident",
        "2. People involved",
        "3. Route through the flowchart",
        "4. Referrals",
        "CR/118/26",
        "5. Support and sanctions",
        "6. Evidence register",
        "E2: Item number 2",
        "7. Reviews of devices or sites",
        "8. Outcome",
        "9. Chronology",
        "CHRON-0012",
        "10. Sign-off",
        "Designated Safeguarding Lead",
        "Headteacher",
        "Zoë Nguyễn",
        "Siobhán O'Neill",
        "Łukasz Kowalski",
        "Αλέξανδρος Παππάς",
        "Integrity: SHA-256 of this record as exported:",
        "Generated by Jo Bloggs at 22/11/2026 10:00 with DSL Desk 0.1.0",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    let pages = pdf_tools::pages(&path);
    assert!(
        text.contains(&format!("Page 1 of {pages}"))
            && text.contains(&format!("Page {pages} of {pages}"))
    );
    let fonts = pdf_tools::fonts(&path);
    assert!(fonts.lines().filter(|l| l.contains("DejaVuSans")).all(|l| {
        let c: Vec<&str> = l.split_whitespace().collect();
        c[c.len() - 5] == "yes" && c[c.len() - 4] == "yes"
    }));
}

#[test]
fn three_hundred_entries_and_fifty_items_paginate_with_nothing_cut_off() {
    let r = report(300, 50);
    let path = pdf_tools::save("incident-report-large.pdf", &render(&r).expect("renders"));
    let pages = pdf_tools::pages(&path);
    assert!(pages > 10, "{pages} pages");
    let text = flat(&pdf_tools::text(&path));
    for i in 1..=300 {
        assert!(text.contains(&format!("CHRON-{i:04}")), "entry {i} missing");
    }
    for i in 1..=50 {
        assert!(
            text.contains(&format!("E{i}: Item number {i}")),
            "item {i} missing"
        );
        assert!(
            text.contains(&format!("Sealed bag {i:04}")),
            "custody of item {i} missing"
        );
    }
    // The chronology's header repeats on every page it runs onto.
    let raw = pdf_tools::text(&path);
    let pages_with_header = raw
        .split('\u{c}')
        .filter(|p| p.contains("What was recorded"))
        .count();
    assert!(
        pages_with_header >= 3,
        "header repeated on {pages_with_header} pages"
    );
    // Nothing runs off the page: every page's text lies within the printable box.
    assert!(
        pdf_tools::all_text_inside(&path, 15.0),
        "text outside the margins"
    );
}
