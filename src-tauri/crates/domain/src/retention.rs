//! How long a record is kept, and the decisions taken when it comes up for review.
//!
//! Child-protection records are kept until the child's date of birth + 25 years; records of an
//! allegation against a member of staff until their normal retirement age or 10 years after the
//! allegation, whichever is later. Nothing is deleted on that date: the record comes up for
//! review, and a DSL keeps it (with a reason and the next review date) or destroys it (with a
//! reason), leaving a tombstone.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::incident::{check_text, PersonKind, PersonRole, MAX_SHORT_CHARS};
use crate::time::uk_date_of;
use crate::ApiError;

/// A child's record is reviewed on their 25th birthday.
pub const CHILD_YEARS: i32 = 25;
/// A staff allegation is kept at least this many years after it was made.
pub const ALLEGATION_YEARS: i32 = 10;
/// Normal retirement age (State Pension age for people born after March 1961).
pub const RETIREMENT_AGE: i32 = 67;
/// Longest reason kept for a decision.
pub const MAX_REASON_CHARS: usize = 2_000;
/// A record kept at review comes back within this many years at most.
pub const MAX_KEEP_YEARS: i32 = 10;

/// What the retention rule needs to know about one person in an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetainedPerson {
    pub kind: PersonKind,
    pub role: PersonRole,
    pub date_of_birth: Option<NaiveDate>,
}

/// When a record is due for review, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRule {
    pub review_from: NaiveDate,
    pub basis: String,
    /// A staff allegation without a date of birth: retirement age could not be worked out.
    pub check_retirement: bool,
}

/// `date` moved by whole years; 29 February becomes 28 February in other years.
pub fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
        .unwrap_or(date)
}

/// The review date for an incident reported on `reported`: the latest date any rule gives.
/// An incident with no pupil and no allegation against staff is kept as a child's record
/// would be for a child born that day (25 years), the most cautious reading.
pub fn rule_for(reported: NaiveDate, people: &[RetainedPerson]) -> RetentionRule {
    let mut best: Option<RetentionRule> = None;
    let mut consider = |rule: RetentionRule| {
        if best
            .as_ref()
            .is_none_or(|b| rule.review_from > b.review_from)
        {
            best = Some(rule);
        }
    };
    let mut check_retirement = false;
    for p in people {
        match p.kind {
            PersonKind::Pupil => {
                let born = p.date_of_birth.unwrap_or(reported);
                let until = add_years(born, CHILD_YEARS);
                consider(RetentionRule {
                    review_from: until,
                    basis: match p.date_of_birth {
                        Some(_) => format!(
                            "A pupil in this record turns {CHILD_YEARS} on {}.",
                            uk_date_of(until)
                        ),
                        None => format!(
                            "A pupil in this record has no date of birth: {CHILD_YEARS} years from the report."
                        ),
                    },
                    check_retirement: false,
                });
            }
            PersonKind::Staff | PersonKind::Volunteer
                if matches!(p.role, PersonRole::Alleged | PersonRole::Instigator) =>
            {
                let ten = add_years(reported, ALLEGATION_YEARS);
                consider(RetentionRule {
                    review_from: ten,
                    basis: format!(
                        "An allegation against a member of staff: {ALLEGATION_YEARS} years from the allegation."
                    ),
                    check_retirement: false,
                });
                match p.date_of_birth {
                    Some(born) => {
                        let retires = add_years(born, RETIREMENT_AGE);
                        consider(RetentionRule {
                            review_from: retires,
                            basis: format!(
                                "An allegation against a member of staff, who reaches retirement age ({RETIREMENT_AGE}) on {}.",
                                uk_date_of(retires)
                            ),
                            check_retirement: false,
                        });
                    }
                    None => check_retirement = true,
                }
            }
            _ => {}
        }
    }
    let mut rule = best.unwrap_or_else(|| RetentionRule {
        review_from: add_years(reported, CHILD_YEARS),
        basis: format!(
            "No pupil or staff allegation in this record: kept {CHILD_YEARS} years from the report."
        ),
        check_retirement: false,
    });
    if check_retirement {
        rule.check_retirement = true;
        rule.basis.push_str(
            " The staff member's date of birth is not recorded: check they have reached retirement age before destroying.",
        );
    }
    rule
}

/// A decision to keep a record past its review date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeepDecision {
    pub decided_at: DateTime<Utc>,
    pub decided_by: String,
    pub reason: String,
    pub next_review: NaiveDate,
}

/// A record due for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RetentionItem {
    #[ts(type = "number")]
    pub incident_id: i64,
    pub reference: String,
    pub reported_at: DateTime<Utc>,
    pub activity_type: String,
    pub people: Vec<String>,
    /// When the retention rule brings the record up for review.
    pub review_from: NaiveDate,
    pub basis: String,
    pub check_retirement: bool,
    /// The last decision to keep it, whose next review date has now come.
    #[ts(optional)]
    pub last_keep: Option<KeepDecision>,
    /// Today's date is on or after this: the later of the rule's date and the last next-review.
    pub due_since: NaiveDate,
}

/// What the DSL decides at review.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "decision"
)]
#[ts(export)]
pub enum RetentionDecision {
    /// Keep the record; it comes back for review on `next_review`.
    Keep {
        reason: String,
        next_review: NaiveDate,
    },
    /// Destroy the record's content; a tombstone stays.
    Destroy {
        reason: String,
        /// The record's reference, typed back to confirm.
        confirm_reference: String,
    },
}

/// Checks a decision against today's date and the record's reference.
pub fn check_decision(
    d: &RetentionDecision,
    reference: &str,
    today: NaiveDate,
) -> Result<RetentionDecision, ApiError> {
    match d {
        RetentionDecision::Keep {
            reason,
            next_review,
        } => {
            let reason = check_text("keepReason", reason, MAX_REASON_CHARS, true)?;
            if *next_review <= today {
                return Err(ApiError::validation(
                    "nextReview",
                    "The next review must be after today.",
                ));
            }
            if *next_review > add_years(today, MAX_KEEP_YEARS) {
                return Err(ApiError::validation(
                    "nextReview",
                    format!("Set the next review within {MAX_KEEP_YEARS} years."),
                ));
            }
            Ok(RetentionDecision::Keep {
                reason,
                next_review: *next_review,
            })
        }
        RetentionDecision::Destroy {
            reason,
            confirm_reference,
        } => {
            let reason = check_text("destroyReason", reason, MAX_REASON_CHARS, true)?;
            if !confirm_reference.trim().eq_ignore_ascii_case(reference) {
                return Err(ApiError::validation(
                    "confirmReference",
                    "Type the record's reference exactly to confirm destruction.",
                ));
            }
            Ok(RetentionDecision::Destroy {
                reason,
                confirm_reference: reference.to_string(),
            })
        }
    }
}

/// What is left of a destroyed record: what kind, when, by whom, why; none of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Tombstone {
    #[ts(type = "number")]
    pub id: i64,
    pub record_kind: String,
    pub reference: String,
    pub destroyed_at: DateTime<Utc>,
    pub destroyed_by: String,
    pub reason: String,
}

/// Checks a short free-text field used by retention and transfer forms.
pub fn check_short(field: &str, value: &str) -> Result<String, ApiError> {
    check_text(field, value, MAX_SHORT_CHARS, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn pupil(dob: NaiveDate, role: PersonRole) -> RetainedPerson {
        RetainedPerson {
            kind: PersonKind::Pupil,
            role,
            date_of_birth: Some(dob),
        }
    }

    #[test]
    fn a_pupil_record_is_reviewed_on_the_25th_birthday_of_the_youngest() {
        let rule = rule_for(
            d(2010, 3, 1),
            &[
                pupil(d(1996, 5, 4), PersonRole::Victim),
                pupil(d(1997, 11, 30), PersonRole::Instigator),
            ],
        );
        assert_eq!(rule.review_from, d(2022, 11, 30));
        assert!(rule.basis.contains("30/11/2022"), "{}", rule.basis);
        assert!(!rule.check_retirement);
    }

    #[test]
    fn a_leap_day_birthday_falls_on_28_february() {
        assert_eq!(add_years(d(2008, 2, 29), 25), d(2033, 2, 28));
        assert_eq!(add_years(d(2008, 2, 29), 4), d(2012, 2, 29));
    }

    #[test]
    fn staff_allegations_keep_the_later_of_retirement_and_ten_years() {
        let young = RetainedPerson {
            kind: PersonKind::Staff,
            role: PersonRole::Alleged,
            date_of_birth: Some(d(1990, 1, 15)),
        };
        let rule = rule_for(d(2020, 6, 1), &[young]);
        assert_eq!(rule.review_from, d(2057, 1, 15), "retirement is later");
        let old = RetainedPerson {
            date_of_birth: Some(d(1958, 1, 15)),
            ..young
        };
        let rule = rule_for(d(2020, 6, 1), &[old]);
        assert_eq!(rule.review_from, d(2030, 6, 1), "ten years is later");
        let unknown = RetainedPerson {
            date_of_birth: None,
            ..young
        };
        let rule = rule_for(d(2020, 6, 1), &[unknown]);
        assert_eq!(rule.review_from, d(2030, 6, 1));
        assert!(rule.check_retirement);
        assert!(rule.basis.contains("retirement age"));
    }

    #[test]
    fn a_staff_witness_is_not_an_allegation_and_no_child_means_25_years() {
        let witness = RetainedPerson {
            kind: PersonKind::Staff,
            role: PersonRole::Witness,
            date_of_birth: Some(d(1950, 1, 1)),
        };
        let rule = rule_for(d(2020, 6, 1), &[witness]);
        assert_eq!(rule.review_from, d(2045, 6, 1));
        assert!(rule.basis.starts_with("No pupil"));
    }

    #[test]
    fn the_child_rule_and_the_staff_rule_take_the_later_date() {
        let rule = rule_for(
            d(2020, 6, 1),
            &[
                pupil(d(2008, 1, 1), PersonRole::Victim),
                RetainedPerson {
                    kind: PersonKind::Staff,
                    role: PersonRole::Alleged,
                    date_of_birth: Some(d(1970, 1, 1)),
                },
            ],
        );
        assert_eq!(rule.review_from, d(2037, 1, 1));
    }

    #[test]
    fn decisions_are_checked() {
        let today = d(2030, 1, 1);
        let keep = |reason: &str, next| RetentionDecision::Keep {
            reason: reason.into(),
            next_review: next,
        };
        assert!(check_decision(
            &keep("Police enquiry open", d(2031, 1, 1)),
            "OS-2001-0001",
            today
        )
        .is_ok());
        let e =
            check_decision(&keep("  ", d(2031, 1, 1)), "OS-2001-0001", today).expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("keepReason"));
        let e = check_decision(&keep("Why", today), "OS-2001-0001", today).expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("nextReview"));
        let e = check_decision(&keep("Why", d(2045, 1, 1)), "OS-2001-0001", today)
            .expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("nextReview"));
        let destroy = |reason: &str, r: &str| RetentionDecision::Destroy {
            reason: reason.into(),
            confirm_reference: r.into(),
        };
        assert!(check_decision(
            &destroy("Retention period over", " os-2001-0001 "),
            "OS-2001-0001",
            today
        )
        .is_ok());
        let e = check_decision(
            &destroy("Retention period over", "OS-2001-0002"),
            "OS-2001-0001",
            today,
        )
        .expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("confirmReference"));
        let e = check_decision(&destroy("", "OS-2001-0001"), "OS-2001-0001", today)
            .expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("destroyReason"));
    }
}
