//! What the store's tests and benchmarks share.

// Each test binary uses only part of it.
#![allow(dead_code)]

use std::process::Command;

use chrono::{DateTime, Utc};
use dsl_domain::incident::{Discovery, IncidentFacts, Location, RiskArea};

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
