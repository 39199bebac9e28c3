//! The low-level concerns register (KCSIE Part 4, section 2): concerns about an adult that do
//! not meet the harm threshold, kept apart from incidents, seen together so that a pattern
//! shows, and kept until the adult has left plus the school's setting.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::incident::{
    check_name, check_text, NewPerson, Person, PersonKind, MAX_SHORT_CHARS, MAX_TEXT_CHARS,
};
use crate::retention::add_years;
use crate::time::uk_date_of;
use crate::ApiError;

/// Years a concern is kept after the adult has left, unless the school sets otherwise.
pub const DEFAULT_YEARS_AFTER_LEAVING: u32 = 6;
/// The longest a school may set.
pub const MAX_YEARS_AFTER_LEAVING: u32 = 50;

/// A concern as typed into the register.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewConcern {
    /// A member of staff or volunteer already in the vault...
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    /// ...or a new one.
    #[ts(optional)]
    pub new_person: Option<NewPerson>,
    /// What the concern is: the behaviour seen or reported.
    pub concern: String,
    /// When it happened.
    pub happened_on: NaiveDate,
    /// Who raised it.
    pub raised_by: String,
    #[serde(default)]
    pub context: String,
    /// The action taken.
    #[serde(default)]
    pub action: String,
}

/// A concern checked: the text tidied, the date not in the future.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedConcern {
    pub concern: String,
    pub happened_on: NaiveDate,
    pub raised_by: String,
    pub context: String,
    pub action: String,
}

/// Checks a concern against the date today.
pub fn check_concern(c: &NewConcern, today: NaiveDate) -> Result<CheckedConcern, ApiError> {
    if c.person_id.is_some() == c.new_person.is_some() {
        return Err(ApiError::validation(
            "person",
            "Choose the adult the concern is about, or add them.",
        ));
    }
    if let Some(p) = &c.new_person {
        if !matches!(p.kind, PersonKind::Staff | PersonKind::Volunteer) {
            return Err(ApiError::validation(
                "personKind",
                "A low-level concern is about a member of staff or a volunteer.",
            ));
        }
    }
    if c.happened_on > today {
        return Err(ApiError::validation(
            "happenedOn",
            "When it happened cannot be in the future.",
        ));
    }
    Ok(CheckedConcern {
        concern: check_text("concern", &c.concern, MAX_TEXT_CHARS, true)?,
        happened_on: c.happened_on,
        raised_by: check_name("raisedBy", &c.raised_by, MAX_SHORT_CHARS, true)?,
        context: check_text("context", &c.context, MAX_TEXT_CHARS, false)?,
        action: check_text("action", &c.action, MAX_TEXT_CHARS, false)?,
    })
}

/// One concern in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LowLevelConcern {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub person_id: i64,
    pub concern: String,
    pub happened_on: NaiveDate,
    pub raised_by: String,
    pub context: String,
    pub action: String,
    /// Recorded in an incident's flow (its reference), rather than typed into the register.
    #[ts(optional)]
    pub from_incident: Option<IncidentLink>,
    /// Escalated to an allegation: the incident opened for it.
    #[ts(optional)]
    pub escalated_to: Option<IncidentLink>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// An incident a concern came from or went to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IncidentLink {
    #[ts(type = "number")]
    pub id: i64,
    pub reference: String,
}

/// When an adult's concerns are kept until.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConcernRetention {
    /// The date they may be destroyed from, once the adult has left.
    #[ts(optional)]
    pub keep_until: Option<NaiveDate>,
    pub basis: String,
}

/// When the concerns about an adult who left on `left_on` may be destroyed.
pub fn concern_retention(left_on: Option<NaiveDate>, years_after: u32) -> ConcernRetention {
    match left_on {
        None => ConcernRetention {
            keep_until: None,
            basis: format!(
                "Kept while the adult works or volunteers here, then {years_after} years after they leave."
            ),
        },
        Some(left) => {
            let until = add_years(left, years_after as i32);
            ConcernRetention {
                keep_until: Some(until),
                basis: format!(
                    "The adult left on {}: kept until {} ({years_after} years after leaving).",
                    uk_date_of(left),
                    uk_date_of(until)
                ),
            }
        }
    }
}

/// Every concern about one adult, with the pattern they make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConcernPattern {
    pub person: Person,
    #[ts(optional)]
    pub left_on: Option<NaiveDate>,
    /// Oldest first.
    pub concerns: Vec<LowLevelConcern>,
    pub count: u32,
    #[ts(optional)]
    pub first: Option<NaiveDate>,
    #[ts(optional)]
    pub last: Option<NaiveDate>,
    /// The concerns in the last 12 months: a pattern to review when there are two or more.
    pub in_last_year: u32,
    pub retention: ConcernRetention,
}

/// One adult's line in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConcernAdult {
    pub person: Person,
    pub count: u32,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub in_last_year: u32,
    pub escalated: u32,
}

/// The pattern of concerns about one adult, as of `today`.
pub fn pattern(
    person: Person,
    left_on: Option<NaiveDate>,
    mut concerns: Vec<LowLevelConcern>,
    today: NaiveDate,
    years_after: u32,
) -> ConcernPattern {
    concerns.sort_by_key(|c| (c.happened_on, c.id));
    let year_ago = add_years(today, -1);
    ConcernPattern {
        person,
        left_on,
        count: concerns.len() as u32,
        first: concerns.first().map(|c| c.happened_on),
        last: concerns.last().map(|c| c.happened_on),
        in_last_year: concerns.iter().filter(|c| c.happened_on > year_ago).count() as u32,
        concerns,
        retention: concern_retention(left_on, years_after),
    }
}

/// Checks the date an adult left: not in the future.
pub fn check_left_on(left_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), ApiError> {
    if left_on.is_some_and(|d| d > today) {
        return Err(ApiError::validation(
            "leftOn",
            "Record the date they left once they have left.",
        ));
    }
    Ok(())
}

/// The summary of an incident opened from several concerns.
pub fn escalation_summary(concerns: &[LowLevelConcern]) -> String {
    let mut out = format!(
        "Escalated from {} low-level concern{} about this adult, which together may meet the harm threshold:",
        concerns.len(),
        if concerns.len() == 1 { "" } else { "s" }
    );
    for c in concerns {
        out.push_str(&format!(
            "\n- {} (raised by {}): {}",
            uk_date_of(c.happened_on),
            c.raised_by,
            c.concern
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn concern(id: i64, on: NaiveDate) -> LowLevelConcern {
        LowLevelConcern {
            id,
            person_id: 1,
            concern: format!("concern {id}"),
            happened_on: on,
            raised_by: "A Colleague".into(),
            context: String::new(),
            action: String::new(),
            from_incident: None,
            escalated_to: None,
            recorded_at: chrono::Utc::now(),
            recorded_by: "DSL".into(),
        }
    }

    fn staff() -> Person {
        Person {
            id: 1,
            kind: PersonKind::Staff,
            name: "Staff".into(),
            year_group: None,
            date_of_birth: None,
            job_title: String::new(),
            headteacher: false,
        }
    }

    #[test]
    fn a_pattern_counts_and_dates_the_concerns() {
        let p = pattern(
            staff(),
            None,
            vec![
                concern(3, d(2026, 11, 2)),
                concern(1, d(2025, 9, 10)),
                concern(2, d(2026, 3, 4)),
            ],
            d(2026, 12, 1),
            6,
        );
        assert_eq!(p.count, 3);
        assert_eq!(p.first, Some(d(2025, 9, 10)));
        assert_eq!(p.last, Some(d(2026, 11, 2)));
        assert_eq!(p.in_last_year, 2);
        assert_eq!(
            p.concerns.iter().map(|c| c.id).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(p.retention.keep_until, None);
    }

    #[test]
    fn concerns_are_kept_until_the_adult_has_left_plus_the_setting() {
        let r = concern_retention(Some(d(2026, 7, 31)), 6);
        assert_eq!(r.keep_until, Some(d(2032, 7, 31)));
        assert!(r.basis.contains("31/07/2026"));
        assert!(check_left_on(Some(d(2027, 1, 1)), d(2026, 12, 1)).is_err());
    }

    #[test]
    fn a_concern_needs_an_adult_words_and_a_past_date() {
        let c = NewConcern {
            person_id: Some(1),
            new_person: None,
            concern: "Over-friendly messages to a Year 10 pupil".into(),
            happened_on: d(2026, 11, 30),
            raised_by: "A Colleague".into(),
            context: String::new(),
            action: String::new(),
        };
        assert!(check_concern(&c, d(2026, 12, 1)).is_ok());
        let future = NewConcern {
            happened_on: d(2026, 12, 2),
            ..c.clone()
        };
        assert_eq!(
            check_concern(&future, d(2026, 12, 1)).map_err(|e| e.field),
            Err(Some("happenedOn".to_string()))
        );
        let pupil = NewConcern {
            person_id: None,
            new_person: Some(NewPerson {
                kind: PersonKind::Pupil,
                name: "P".into(),
                year_group: Some(9),
                date_of_birth: None,
                job_title: String::new(),
                headteacher: None,
            }),
            ..c
        };
        assert!(check_concern(&pupil, d(2026, 12, 1)).is_err());
    }
}
