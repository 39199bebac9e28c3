//! Allegations about adults who work or volunteer with children (KCSIE Part 4): the five
//! outcomes and what follows from each, and the working-day clock for consulting the LADO.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Europe::London;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::incident::{Involvement, PersonKind};
use crate::terms::easter_sunday;

/// Whether the adult an allegation is about is the headteacher: a member of staff recorded as
/// the headteacher is the alleged person or the instigator.
pub fn head_alleged(people: &[Involvement]) -> bool {
    people
        .iter()
        .any(|i| i.person.headteacher && i.person.kind == PersonKind::Staff && i.is_adult_alleged())
}

/// KCSIE's five outcomes of an allegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Outcome {
    Substantiated,
    Malicious,
    False,
    Unsubstantiated,
    Unfounded,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Substantiated,
        Outcome::Malicious,
        Outcome::False,
        Outcome::Unsubstantiated,
        Outcome::Unfounded,
    ];

    /// The stored form: the choice id in the flow file.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Substantiated => "substantiated",
            Outcome::Malicious => "malicious",
            Outcome::False => "false",
            Outcome::Unsubstantiated => "unsubstantiated",
            Outcome::Unfounded => "unfounded",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// "Substantiated".
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Substantiated => "Substantiated",
            Outcome::Malicious => "Malicious",
            Outcome::False => "False",
            Outcome::Unsubstantiated => "Unsubstantiated",
            Outcome::Unfounded => "Unfounded",
        }
    }

    /// KCSIE's definition.
    pub fn definition(self) -> &'static str {
        match self {
            Outcome::Substantiated => "there is sufficient evidence to prove the allegation",
            Outcome::Malicious => {
                "there is sufficient evidence to disprove the allegation and there has been a \
                 deliberate act to deceive"
            }
            Outcome::False => "there is sufficient evidence to disprove the allegation",
            Outcome::Unsubstantiated => {
                "there is insufficient evidence to either prove or disprove the allegation"
            }
            Outcome::Unfounded => {
                "there is no evidence or proper basis which supports the allegation being made"
            }
        }
    }

    /// Removed from the adult's personnel record (unless they consent to its being kept).
    pub fn remove_from_personnel_record(self) -> bool {
        matches!(self, Outcome::Malicious | Outcome::False)
    }

    /// Mentioned in employer references: only a substantiated allegation.
    pub fn in_references(self) -> bool {
        self == Outcome::Substantiated
    }

    /// Kept on the adult's account until normal pension age or 10 years, whichever is longer.
    pub fn kept_on_adults_account(self) -> bool {
        !self.remove_from_personnel_record()
    }

    /// What follows from the outcome, as the record prints it.
    pub fn what_follows(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.remove_from_personnel_record() {
            out.push(
                "Remove the allegation from the adult's personnel record, unless they consent to its being kept.",
            );
        }
        if self.in_references() {
            out.push(
                "Include it in employer references where the reference asks about safeguarding.",
            );
        } else {
            out.push("Do not mention it in employer references.");
        }
        if self == Outcome::Malicious {
            out.push(
                "Consider action against whoever made it: the behaviour policy for a pupil, the police for an adult.",
            );
        }
        if self == Outcome::Substantiated {
            out.push(
                "Consider the referral to the DBS (and, for a teacher, the Teaching Regulation Agency) that the LADO advises.",
            );
        }
        if !self.kept_on_adults_account() {
            out.push("Kept only as the record of the pupils involved requires: not on the adult's account.");
        }
        out
    }
}

/// The bank holidays of England and Wales in `year`, substitute days included.
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let mut out = Vec::new();
    // New Year's Day, or the Monday after if it falls at a weekend.
    if let Some(ny) = date(1, 1) {
        out.push(next_weekday(ny));
    }
    if let Some(easter) = easter_sunday(year) {
        out.push(easter - Duration::days(2));
        out.push(easter + Duration::days(1));
    }
    let early_may = match year {
        2020 => date(5, 8),
        _ => first_monday(year, 5),
    };
    out.extend(early_may);
    let spring = match year {
        2022 => date(6, 2),
        _ => last_monday(year, 5),
    };
    out.extend(spring);
    out.extend(last_monday(year, 8));
    // Christmas and Boxing Day, with substitutes after a weekend.
    if let (Some(christmas), Some(boxing)) = (date(12, 25), date(12, 26)) {
        match christmas.weekday() {
            Weekday::Sat => out.extend([christmas + Duration::days(2), boxing + Duration::days(2)]),
            Weekday::Sun => out.extend([boxing, christmas + Duration::days(2)]),
            Weekday::Fri => out.extend([christmas, boxing + Duration::days(2)]),
            _ => out.extend([christmas, boxing]),
        }
    }
    // One-off days.
    let extra: &[(u32, u32)] = match year {
        2022 => &[(6, 3), (9, 19)],
        2023 => &[(5, 8)],
        _ => &[],
    };
    out.extend(extra.iter().filter_map(|(m, d)| date(*m, *d)));
    out.sort_unstable();
    out.dedup();
    out
}

fn next_weekday(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + Duration::days(2),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

fn first_monday(year: i32, month: u32) -> Option<NaiveDate> {
    (1..=7)
        .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .find(|d| d.weekday() == Weekday::Mon)
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    (22..=31)
        .rev()
        .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .find(|d| d.weekday() == Weekday::Mon)
}

/// A working day: Monday to Friday, not a bank holiday in England. School holidays are working
/// days: the LADO and the school's out-of-term safeguarding cover work through them.
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !bank_holidays(d.year()).contains(&d)
}

/// When something is due `days` working days after `from` (UK local time). From a working day
/// it is the same time of day `days` working days later (reported Friday 15:00: due Monday
/// 15:00); from a weekend or bank holiday, the clock starts on the next working day, so it is
/// due at the end of the `days`th working day after (reported Saturday: due end of Monday).
pub fn due_after_working_days(from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let local = from.with_timezone(&London);
    let mut day = local.date_naive();
    let started_on_working_day = is_working_day(day);
    let mut left = if started_on_working_day {
        days
    } else {
        days.saturating_sub(1)
    };
    if !started_on_working_day {
        while !is_working_day(day) {
            day += Duration::days(1);
        }
    }
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day) {
            left -= 1;
        }
    }
    let time = if started_on_working_day {
        local.time()
    } else {
        chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default()
    };
    let naive = day.and_time(time);
    London
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        // A time that does not exist locally (the spring clock change): an hour later.
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive) + Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uk(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        London
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("a real UK time")
            .with_timezone(&Utc)
    }

    #[test]
    fn the_bank_holidays_of_2026_and_2027() {
        let days = |y| {
            bank_holidays(y)
                .iter()
                .map(|d| d.format("%m-%d").to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            days(2026),
            ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]
        );
        // 2027: Christmas on a Saturday, both days substituted.
        assert_eq!(
            days(2027),
            ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"]
        );
    }

    #[test]
    fn one_working_day_on_a_weekday_is_the_same_time_the_next_day() {
        // Tuesday 1 December 2026, 10:30.
        assert_eq!(
            due_after_working_days(uk(2026, 12, 1, 10, 30), 1),
            uk(2026, 12, 2, 10, 30)
        );
    }

    #[test]
    fn one_working_day_from_friday_runs_over_the_weekend() {
        assert_eq!(
            due_after_working_days(uk(2026, 12, 4, 15, 0), 1),
            uk(2026, 12, 7, 15, 0)
        );
        // Reported on the Saturday: the clock starts on Monday; due by the end of Monday.
        assert_eq!(
            due_after_working_days(uk(2026, 12, 5, 11, 0), 1),
            uk(2026, 12, 7, 23, 59)
        );
    }

    #[test]
    fn a_term_holiday_does_not_stop_the_clock_but_bank_holidays_do() {
        // The last day of the autumn term, Friday 18 December 2026: due Monday 21st, in the
        // holiday (the LADO works through it).
        assert_eq!(
            due_after_working_days(uk(2026, 12, 18, 14, 0), 1),
            uk(2026, 12, 21, 14, 0)
        );
        // Thursday 24 December: Christmas Day (Friday) and the substitute Boxing Day (Monday
        // 28th) are not working days; due Tuesday 29th.
        assert_eq!(
            due_after_working_days(uk(2026, 12, 24, 9, 0), 1),
            uk(2026, 12, 29, 9, 0)
        );
        // The end of the spring term before Easter 2027: Thursday 25 March; Good Friday and
        // Easter Monday are bank holidays, due Tuesday 30 March (after the clocks go forward).
        assert_eq!(
            due_after_working_days(uk(2027, 3, 25, 16, 0), 1),
            uk(2027, 3, 30, 16, 0)
        );
    }

    #[test]
    fn each_outcome_says_what_follows() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
            let follows = o.what_follows().join(" ");
            assert_eq!(
                follows.contains("personnel record"),
                matches!(o, Outcome::Malicious | Outcome::False),
                "{o:?}"
            );
            assert_eq!(
                follows.contains("Do not mention it in employer references"),
                o != Outcome::Substantiated
            );
            assert_eq!(
                follows.contains("not on the adult's account"),
                !o.kept_on_adults_account()
            );
        }
    }
}
