//! Termly figures for the dashboard and the governor report: what each incident contributes
//! (kept as a projection, rebuilt with the incident), and the counts for a term, with small
//! numbers suppressed so that no child can be identified.

mod contribution;
pub mod disclosure;
mod figures;
mod lessons;
mod suppression;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::terms::Term;

pub use contribution::{incident_stat, incident_stat_in, IncidentStat, StatEvent};
pub use figures::term_figures;
pub use lessons::{lessons_in_term, LessonCandidate};
pub use suppression::suppression_rule;

/// Where a referral went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Agency {
    Police,
    Ceop,
    Iwf,
    Lado,
    SocialCare,
    Prevent,
    /// Online terrorist content reported to counter-terrorism policing.
    CounterTerrorism,
}

/// A pupil's key stage, from their year group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyStage {
    EarlyYears,
    Ks1,
    Ks2,
    Ks3,
    Ks4,
    Ks5,
}

impl KeyStage {
    /// Reception is year 0.
    pub fn of_year(year: u8) -> KeyStage {
        match year {
            0 => KeyStage::EarlyYears,
            1..=2 => KeyStage::Ks1,
            3..=6 => KeyStage::Ks2,
            7..=9 => KeyStage::Ks3,
            10..=11 => KeyStage::Ks4,
            _ => KeyStage::Ks5,
        }
    }
}

/// How a count is printed for governors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Shown {
    /// The exact count.
    Exact,
    /// Between 1 and the threshold less one: "fewer than 5".
    FewerThan,
    /// Hidden so that a suppressed count cannot be worked out from the total.
    Hidden,
}

/// One row of a breakdown: the exact count (for the dashboard) and how the report prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Cell {
    pub label: String,
    pub count: u32,
    pub shown: Shown,
}

impl Cell {
    /// The count as the governor report prints it.
    pub fn printed(&self, threshold: u32) -> String {
        match self.shown {
            Shown::Exact => self.count.to_string(),
            Shown::FewerThan => format!("fewer than {threshold}"),
            Shown::Hidden => "not shown".to_string(),
        }
    }
}

/// Counts under one heading, with their exact total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Breakdown {
    pub title: String,
    pub rows: Vec<Cell>,
    pub total: u32,
    /// How the report prints the total: exact, except where it counts adults (allegations),
    /// where a small total is suppressed like any count.
    pub total_shown: Shown,
    /// How to read it, when the rows do not simply add up to the total.
    #[ts(optional)]
    pub note: Option<String>,
    /// Set when it is counted over a longer time than the term ("the school year to date
    /// (…)"), because the term's own counts would mostly be suppressed.
    #[ts(optional)]
    pub window: Option<String>,
    /// The rows are not printed at all (only the total): even over the longest window, some
    /// count could be worked out from the others.
    pub withheld: bool,
    /// It counts adults (staff, volunteers, allegations): never printed for a single term, so
    /// that it cannot be set beside the term's types of incident.
    pub about_adults: bool,
    /// The rows divide the incidents, so they add up to the total.
    #[serde(skip)]
    #[ts(skip)]
    pub partition: bool,
}

impl Breakdown {
    /// The total as the governor report prints it.
    pub fn printed_total(&self, threshold: u32) -> String {
        Cell {
            label: String::new(),
            count: self.total,
            shown: self.total_shown,
        }
        .printed(threshold)
    }
}

/// A two-way table (e.g. type by key stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CrossTab {
    pub title: String,
    pub row_labels: Vec<String>,
    pub column_labels: Vec<String>,
    pub cells: Vec<Vec<Cell>>,
    /// The longer time it is counted over, as for a breakdown.
    #[ts(optional)]
    pub window: Option<String>,
    /// No cell is printed: even over the longest window, some could be worked out.
    pub withheld: bool,
}

/// One term's totals, for the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TrendPoint {
    pub term: String,
    pub opened: u32,
    pub closed: u32,
    pub illegal: u32,
    pub open_at_end: u32,
}

/// Everything the dashboard and the governor report show for a term.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TermFigures {
    pub term: Term,
    pub term_label: String,
    pub threshold: u32,
    pub open_at_start: u32,
    pub opened: u32,
    pub reopened: u32,
    pub closed: u32,
    pub open_at_end: u32,
    /// Median whole days from report to closure, over the closures in the term.
    #[ts(optional)]
    pub median_days_to_close: Option<f64>,
    pub breakdowns: Vec<Breakdown>,
    pub type_by_key_stage: CrossTab,
    /// Earlier terms first, this term last.
    pub trend: Vec<TrendPoint>,
    /// The changes to filtering or monitoring recorded this term, oldest first.
    pub filtering_changes: Vec<FilteringChangeRow>,
}

/// A change to filtering or monitoring, as the governor report lists it: roles, not names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FilteringChangeRow {
    /// When it was changed, as a UK date.
    pub when: String,
    pub what: String,
    pub by: String,
    pub approved_by: String,
}

/// The smallest count printed exactly, by default.
pub const DEFAULT_THRESHOLD: u32 = 5;
/// The highest threshold a school may set.
pub const MAX_THRESHOLD: u32 = 20;

#[cfg(test)]
#[path = "../stats_tests.rs"]
mod tests;
