//! Learning flagged for governors, gathered for the head to review.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::{IncidentStat, StatEvent};
use crate::terms::Term;
use crate::time::uk_day;

/// Learning the DSL flagged for governors, recorded during the term: the starting point the
/// head reviews and edits. Never printed unless chosen. The same words flagged in several
/// incidents appear once, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LessonCandidate {
    /// The first entry that flagged it.
    #[ts(type = "number")]
    pub entry_id: i64,
    pub recorded_on: NaiveDate,
    pub text: String,
    /// How many incidents flagged these words this term.
    pub times: u32,
}

/// The flagged lessons recorded in `term`, oldest first, each distinct text once.
pub fn lessons_in_term(stats: &[IncidentStat], term: &Term) -> Vec<LessonCandidate> {
    let mut all: Vec<(NaiveDate, i64, &str)> = stats
        .iter()
        .flat_map(|s| s.events.iter())
        .filter_map(|e| match e {
            StatEvent::Lesson { at, entry_id, text } if term.contains(uk_day(*at)) => {
                Some((uk_day(*at), *entry_id, text.as_str()))
            }
            _ => None,
        })
        .collect();
    all.sort();
    let mut out: Vec<LessonCandidate> = Vec::new();
    for (day, id, text) in all {
        let key = text.trim();
        match out.iter_mut().find(|l| l.text.trim() == key) {
            Some(l) => l.times += 1,
            None => out.push(LessonCandidate {
                entry_id: id,
                recorded_on: day,
                text: text.to_string(),
                times: 1,
            }),
        }
    }
    out
}
