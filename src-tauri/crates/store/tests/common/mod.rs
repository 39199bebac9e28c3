//! What the store's tests and benchmarks share.

// Each test binary uses only part of it.
#![allow(dead_code)]

use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use dsl_domain::governor::{governor_report, GovernorDraft, GovernorReport};
use dsl_domain::incident::{
    Discovery, IncidentFacts, InvolvementInput, Location, NewPerson, PersonKind, PersonRole,
    RiskArea,
};
use dsl_domain::terms::TermName;
use dsl_store::Vault;

/// Saves the PDF under the test target folder (to look at) and returns its text, as extracted by
/// `pdftotext`.
pub fn pdf_text(bytes: &[u8], name: &str) -> String {
    pdf_text_with(bytes, name, &[])
}

/// The same, with further `pdftotext` options (e.g. `-raw`, for the text in drawing order).
pub fn pdf_text_with(bytes: &[u8], name: &str, options: &[&str]) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-samples");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    let out = Command::new("pdftotext")
        .args(options)
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new pupil in Year 9, born on `born`, in this role.
pub fn pupil(name: &str, role: PersonRole, born: (i32, u32, u32)) -> InvolvementInput {
    InvolvementInput {
        person_id: None,
        new_person: Some(NewPerson {
            kind: PersonKind::Pupil,
            name: name.into(),
            year_group: Some(9),
            date_of_birth: NaiveDate::from_ymd_opt(born.0, born.1, born.2),
            job_title: String::new(),
            headteacher: None,
        }),
        role,
    }
}

/// The term's governor report for Oakfield Academy, as the app builds it, with `draft` saved
/// first.
pub fn saved_governor_report(
    v: &mut Vault,
    year: i32,
    term: TermName,
    draft: &GovernorDraft,
    now: DateTime<Utc>,
) -> GovernorReport {
    let figures = v.term_figures(year, term).expect("figures");
    let draft = v
        .save_governor_draft(year, term, draft, now)
        .expect("saved");
    governor_report(
        "Oakfield Academy",
        false,
        &figures,
        &draft,
        "22/11/2026 10:00",
        "0.1.0",
    )
}

/// The facts of a bullying incident reported by a form tutor at `at`, with this summary.
pub fn facts(at: DateTime<Utc>, summary: String) -> IncidentFacts {
    IncidentFacts {
        occurred_at: at,
        reported_at: at,
        reported_by_name: "Form Tutor".into(),
        reported_by_role: "Form tutor".into(),
        discovery: Discovery::Disclosure,
        monitoring: None,
        location: Location::InSchool,
        platform: "Snapchat".into(),
        summary,
        childs_words: String::new(),
        risk_area: RiskArea::Conduct,
        activity_type: "bullying".into(),
    }
}

/// What the disclosure check over every term of a vault found.
#[derive(Debug, Default)]
pub struct DisclosureCheck {
    pub terms: u32,
    /// Counts printed in breakdowns and tables, exact or not.
    pub counts: u64,
    /// Printed as "fewer than N".
    pub suppressed: u64,
    /// Withheld so that a suppressed count cannot be worked out ("not shown").
    pub withheld: u64,
    /// Breakdowns or tables printed as a total only, and how many of each.
    pub whole_withheld: u32,
    pub whole_withheld_by_title: std::collections::BTreeMap<String, u32>,
    pub over_year: u32,
    pub over_three: u32,
    pub breakdowns: u32,
    /// Each a term and where: a suppressed count that could be worked out, or a figure about
    /// adults given for a single term beside its types.
    pub given_away: Vec<String>,
    /// Each a term and what kind of thing the vault knows appeared in its printed text.
    pub leaks: Vec<String>,
    /// Whose name had one word (not all) in a report's text, once per report: a word of the
    /// report's own that is also part of a name ("DSL" of a user called "Bench DSL").
    pub name_words: Vec<String>,
}

/// Every term's governor report, as the app builds it, checked: no suppressed count can be
/// worked out from what is printed (`dsl_domain::stats::disclosure`), figures about adults are
/// never given for one term alone, and the PDF's text holds no name, username or reference the
/// vault knows.
pub fn check_every_term(
    v: &dsl_store::Vault,
    today: chrono::NaiveDate,
) -> Result<DisclosureCheck, String> {
    use dsl_domain::stats::disclosure::{given_away, given_away_in_table, Printed, TableTotals};
    use dsl_domain::stats::Shown;
    let mut out = DisclosureCheck::default();
    let mut terms = v.term_choices(today).map_err(|e| e.to_string())?;
    terms.reverse();
    for (n, term) in terms.iter().enumerate() {
        let f = v
            .term_figures(term.academic_year, term.name)
            .map_err(|e| e.to_string())?;
        let t = f.threshold;
        out.terms += 1;
        let label = &f.term_label;
        for b in &f.breakdowns {
            out.breakdowns += 1;
            if b.withheld {
                out.whole_withheld += 1;
                *out.whole_withheld_by_title
                    .entry(b.title.clone())
                    .or_default() += 1;
            }
            match b.window.as_deref() {
                Some(w) if w.starts_with("the school year") => out.over_year += 1,
                Some(_) => out.over_three += 1,
                None if b.about_adults && n > 0 => out
                    .given_away
                    .push(format!("{label}: {} for the term alone", b.title)),
                None => {}
            }
            if !b.withheld {
                for c in &b.rows {
                    out.counts += 1;
                    match c.shown {
                        Shown::FewerThan => out.suppressed += 1,
                        Shown::Hidden => out.withheld += 1,
                        Shown::Exact => {}
                    }
                }
            }
            for row in given_away(b, t) {
                out.given_away
                    .push(format!("{label}: {} row {row}", b.title));
            }
        }
        let x = &f.type_by_key_stage;
        if x.window.is_none() && n > 0 {
            out.given_away
                .push(format!("{label}: {} for the term alone", x.title));
        }
        if x.withheld {
            out.whole_withheld += 1;
            *out.whole_withheld_by_title
                .entry(x.title.clone())
                .or_default() += 1;
        } else {
            for c in x.cells.iter().flatten() {
                out.counts += 1;
                match c.shown {
                    Shown::FewerThan => out.suppressed += 1,
                    Shown::Hidden => out.withheld += 1,
                    Shown::Exact => {}
                }
            }
        }
        // What the breakdowns printed over the same window say of its columns and rows.
        let beside = |title: &str, labels: &[String]| -> Vec<Printed> {
            let b = f
                .breakdowns
                .iter()
                .find(|b| b.title == title && b.window == x.window && !b.withheld);
            labels
                .iter()
                .map(|l| {
                    b.and_then(|b| b.rows.iter().find(|r| &r.label == l))
                        .map_or(Printed::UNKNOWN, |c| Printed::of(c, t))
                })
                .collect()
        };
        let totals = TableTotals {
            columns: beside("Key stage of pupils involved", &x.column_labels),
            rows: beside("Type of activity", &x.row_labels),
        };
        for (i, j) in given_away_in_table(x, t, &totals) {
            out.given_away
                .push(format!("{label}: {} cell {i:?},{j}", x.title));
        }
        let draft = v
            .governor_draft(term.academic_year, term.name)
            .map_err(|e| e.to_string())?;
        let report = dsl_domain::governor::governor_report(
            "Check School",
            false,
            &f,
            &draft,
            "01/12/2026 10:00",
            "check",
        );
        let bytes = dsl_report::governor_report::render(&report).map_err(|e| e.to_string())?;
        let text = pdf_text(&bytes, "governor-check.pdf");
        // A whole name, a username or a reference is a leak; a single word of a name found
        // alone is listed apart: the report's own words are fixed, so it is one of them.
        for m in v.known_in_text(&text).map_err(|e| e.to_string())? {
            if m.whole {
                out.leaks.push(format!("{label}: {}", m.what));
            } else {
                out.name_words.push(m.what);
            }
        }
    }
    Ok(out)
}
