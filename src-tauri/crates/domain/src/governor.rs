//! The termly governor report: the head's draft (narrative, chosen lessons, the last filtering
//! and monitoring review) and the printed report's view model. Nothing identifying goes in:
//! the figures carry no names or references, and the only free text is what the head chose.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::incident::check_text;
use crate::stats::{suppression_rule, Breakdown, CrossTab, TermFigures, TrendPoint};
use crate::time::uk_date_of;
use crate::ApiError;

/// The longest narrative.
pub const MAX_NARRATIVE_CHARS: usize = 6_000;
/// The longest lesson.
pub const MAX_LESSON_CHARS: usize = 1_500;
/// The most lessons in one report.
pub const MAX_LESSONS: usize = 30;

/// What the head writes and chooses for one term's report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GovernorDraft {
    /// A short narrative written by the head.
    pub narrative: String,
    /// Lessons learned and policy changes, as edited for governors.
    pub lessons: Vec<String>,
    /// The date of the last filtering and monitoring review.
    #[ts(optional)]
    pub filtering_review: Option<NaiveDate>,
}

/// Checks and tidies a draft.
pub fn check_draft(d: &GovernorDraft, today: NaiveDate) -> Result<GovernorDraft, ApiError> {
    let narrative = check_text("narrative", &d.narrative, MAX_NARRATIVE_CHARS, false)?;
    if d.lessons.len() > MAX_LESSONS {
        return Err(ApiError::validation(
            "lessons",
            format!("A report can hold at most {MAX_LESSONS} lessons."),
        ));
    }
    let mut lessons = Vec::new();
    for (i, l) in d.lessons.iter().enumerate() {
        let text = check_text(&format!("lesson{i}"), l, MAX_LESSON_CHARS, false)?;
        if !text.is_empty() {
            lessons.push(text);
        }
    }
    if d.filtering_review.is_some_and(|r| r > today) {
        return Err(ApiError::validation(
            "filteringReview",
            "The last filtering and monitoring review cannot be in the future.",
        ));
    }
    Ok(GovernorDraft {
        narrative,
        lessons,
        filtering_review: d.filtering_review,
    })
}

/// Everything the dashboard shows for one term.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TermDashboard {
    pub figures: TermFigures,
    /// Learning flagged for governors during the term, to choose from and edit.
    pub lessons: Vec<crate::stats::LessonCandidate>,
    pub draft: GovernorDraft,
}

/// A headline figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Headline {
    pub label: String,
    pub value: String,
}

/// The printed governor report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GovernorReport {
    pub school_name: String,
    pub term_label: String,
    pub term_dates: String,
    /// Set for a demonstration vault: every page says so.
    pub demo: bool,
    pub headlines: Vec<Headline>,
    pub narrative: String,
    pub breakdowns: Vec<Breakdown>,
    pub type_by_key_stage: CrossTab,
    pub trend: Vec<TrendPoint>,
    pub lessons: Vec<String>,
    pub filtering_review: String,
    /// The changes to filtering or monitoring recorded this term.
    pub filtering_changes: Vec<crate::stats::FilteringChangeRow>,
    pub threshold: u32,
    pub rule: String,
    pub generated_at: String,
    pub app_version: String,
}

/// "4.5 days", "1 day", or "none closed".
pub fn days_text(days: Option<f64>) -> String {
    match days {
        None => "No incidents closed".to_string(),
        Some(d) if (d - 1.0).abs() < f64::EPSILON => "1 day".to_string(),
        Some(d) if d.fract() == 0.0 => format!("{d:.0} days"),
        Some(d) => format!("{d:.1} days"),
    }
}

/// Builds the report from the term's figures and the head's draft.
pub fn governor_report(
    school_name: &str,
    demo: bool,
    figures: &TermFigures,
    draft: &GovernorDraft,
    generated_at: &str,
    app_version: &str,
) -> GovernorReport {
    let h = |label: &str, value: String| Headline {
        label: label.to_string(),
        value,
    };
    GovernorReport {
        school_name: school_name.to_string(),
        term_label: figures.term_label.clone(),
        term_dates: format!(
            "{} to {}",
            uk_date_of(figures.term.starts),
            uk_date_of(figures.term.ends)
        ),
        demo,
        headlines: vec![
            h(
                "Open at the start of term",
                figures.open_at_start.to_string(),
            ),
            h("Opened this term", figures.opened.to_string()),
            h("Reopened this term", figures.reopened.to_string()),
            h("Closed this term", figures.closed.to_string()),
            h("Open at the end of term", figures.open_at_end.to_string()),
            h(
                "Median time from report to closure",
                days_text(figures.median_days_to_close),
            ),
        ],
        narrative: draft.narrative.clone(),
        breakdowns: figures.breakdowns.clone(),
        type_by_key_stage: figures.type_by_key_stage.clone(),
        trend: figures.trend.clone(),
        lessons: draft.lessons.clone(),
        filtering_review: draft
            .filtering_review
            .map(uk_date_of)
            .unwrap_or_else(|| "Not recorded".to_string()),
        filtering_changes: figures.filtering_changes.clone(),
        threshold: figures.threshold,
        rule: suppression_rule(figures.threshold),
        generated_at: generated_at.to_string(),
        app_version: app_version.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    #[test]
    fn drafts_are_checked_and_empty_lessons_dropped() {
        let d = GovernorDraft {
            narrative: "  A calm term.  ".into(),
            lessons: vec!["Block proxy sites".into(), "   ".into()],
            filtering_review: NaiveDate::from_ymd_opt(2026, 9, 14),
        };
        let c = check_draft(&d, today()).expect("valid");
        assert_eq!(c.narrative, "A calm term.");
        assert_eq!(c.lessons, vec!["Block proxy sites"]);
        let mut future = d.clone();
        future.filtering_review = NaiveDate::from_ymd_opt(2027, 1, 1);
        assert_eq!(
            check_draft(&future, today())
                .expect_err("future")
                .field
                .as_deref(),
            Some("filteringReview")
        );
        let mut long = d.clone();
        long.narrative = "x".repeat(MAX_NARRATIVE_CHARS + 1);
        assert!(check_draft(&long, today()).is_err());
        let mut many = d;
        many.lessons = vec!["x".into(); MAX_LESSONS + 1];
        assert!(check_draft(&many, today()).is_err());
    }

    #[test]
    fn days_read_naturally() {
        assert_eq!(days_text(None), "No incidents closed");
        assert_eq!(days_text(Some(1.0)), "1 day");
        assert_eq!(days_text(Some(9.0)), "9 days");
        assert_eq!(days_text(Some(4.5)), "4.5 days");
    }
}
