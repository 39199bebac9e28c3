//! A sample incident report view model, for the report's tests and benchmark.

use dsl_domain::evidence::{CustodyAction, EvidenceKind};
use dsl_domain::flow::IncidentStatus;
use dsl_domain::incident::{PersonKind, PersonRole};
use dsl_domain::meaning::ItemMeaning;
use dsl_domain::report::{EvidenceBlock, Field, IncidentReport, Table};
use dsl_domain::stats::Agency;

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

/// Evidence item `i`: a device handed to the police.
fn evidence_block(i: usize) -> EvidenceBlock {
    EvidenceBlock {
        title: format!("E{i}: Item number {i}"),
        fields: vec![
            f("Kind", EvidenceKind::Device.label()),
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
                    CustodyAction::HandedOver.label().into(),
                    "Jo Bloggs → PC 1234".into(),
                    "Police store".into(),
                    "CR/118/26".into(),
                ],
            ],
        ),
    }
}

/// `entries` chronology lines, every tenth a long one.
fn chronology(entries: usize, long: &str) -> Table {
    table(
        &["When", "Who", "Step", "What was recorded"],
        (1..=entries)
            .map(|i| {
                vec![
                    "20/11/2026 10:00".into(),
                    "Jo Bloggs".into(),
                    format!("Step {i}"),
                    format!("CHRON-{i:04} {}", if i % 10 == 0 { long } else { "done" }),
                ]
            })
            .collect(),
    )
}

/// A report with `entries` chronology lines and `items` evidence items, names in several scripts.
pub fn report(entries: usize, items: usize) -> IncidentReport {
    let long =
        "A long account that must wrap across the width of the page and, repeated, across pages. "
            .repeat(6);
    IncidentReport {
        school_name: "Ysgol Gyfun Oakfield".into(),
        reference: "OS-2026-0007".into(),
        status: IncidentStatus::Closed.label().into(),
        redaction_note: None,
        restriction_note: None,
        at_a_glance: vec![
            f("Status", IncidentStatus::Closed.label()),
            f("Judged", "Illegal"),
            f("References", "Police: CR/0412/26"),
            f("People", "Zoë Nguyễn (victim); Siobhán O'Neill (victim)"),
            f(
                "Decisions",
                "Is anything illegal? Yes\nIs a member of staff involved? No",
            ),
        ],
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
            .map(|n| {
                vec![
                    n.to_string(),
                    PersonRole::Victim.label().into(),
                    format!("{}, Year 9", PersonKind::Pupil.label()),
                ]
            })
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
                Agency::Police.label().into(),
                "2026-11-20T10:30".into(),
                "PC 1234".into(),
                "CR/118/26".into(),
                "".into(),
            ]],
        ),
        advice: table(
            &["Advice from", "When", "Adviser", "Advice", "For"],
            vec![vec![
                Agency::Police.label().into(),
                "20/11/2026 09:30".into(),
                "PC 1234".into(),
                "Secure the device; do not view the images".into(),
                "".into(),
            ]],
        ),
        support_and_sanctions: table(
            &["What", "For", "Detail"],
            vec![vec![
                ItemMeaning::Sanction.label().into(),
                "Pupil B".into(),
                "Category B; detention".into(),
            ]],
        ),
        allegations: Vec::new(),
        evidence: (1..=items).map(evidence_block).collect(),
        reviews: table(&["When", "Reviewers", "Reviewed", "Conclusion"], vec![]),
        chronology: chronology(entries, &long),
        outcome: vec![f("Outcome", "Handled in line with policy")],
        sign_off: vec!["Designated Safeguarding Lead".into(), "Headteacher".into()],
        integrity: "ab".repeat(32),
        generated_by: "Jo Bloggs".into(),
        generated_at: "22/11/2026 10:00".into(),
        app_version: "0.1.0".into(),
    }
}
