//! School terms: Autumn, Spring and Summer of each academic year. The dates are data the school
//! edits; the defaults cover the whole year so that no incident falls between terms.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ApiError;

/// Which of the three terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TermName {
    Autumn,
    Spring,
    Summer,
}

impl TermName {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            TermName::Autumn => "autumn",
            TermName::Spring => "spring",
            TermName::Summer => "summer",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        TermName::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One term's dates (both inclusive). `academic_year` is the year it starts in: 2026 for 2026/27.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Term {
    pub academic_year: i32,
    pub name: TermName,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

impl Term {
    /// "Autumn term 2026/27".
    pub fn label(&self) -> String {
        format!(
            "{} term {}/{:02}",
            self.name.label(),
            self.academic_year,
            (self.academic_year + 1).rem_euclid(100)
        )
    }

    /// True if `date` falls within the term.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.starts <= date && date <= self.ends
    }

    /// The term before this one (its default dates; the caller replaces them with the school's).
    pub fn previous_key(&self) -> (i32, TermName) {
        match self.name {
            TermName::Autumn => (self.academic_year - 1, TermName::Summer),
            TermName::Spring => (self.academic_year, TermName::Autumn),
            TermName::Summer => (self.academic_year, TermName::Spring),
        }
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The default terms for England: Autumn 1 September to 31 December, Spring 1 January to Easter
/// Sunday, Summer Easter Monday to 31 August. Holidays belong to the term before them.
pub fn default_terms(academic_year: i32) -> Option<[Term; 3]> {
    let sep1 = NaiveDate::from_ymd_opt(academic_year, 9, 1)?;
    let dec31 = NaiveDate::from_ymd_opt(academic_year, 12, 31)?;
    let jan1 = NaiveDate::from_ymd_opt(academic_year + 1, 1, 1)?;
    let easter = easter_sunday(academic_year + 1)?;
    let aug31 = NaiveDate::from_ymd_opt(academic_year + 1, 8, 31)?;
    Some([
        Term {
            academic_year,
            name: TermName::Autumn,
            starts: sep1,
            ends: dec31,
        },
        Term {
            academic_year,
            name: TermName::Spring,
            starts: jan1,
            ends: easter,
        },
        Term {
            academic_year,
            name: TermName::Summer,
            starts: easter + Duration::days(1),
            ends: aug31,
        },
    ])
}

/// The academic year a date falls in by default (September starts a new one).
pub fn academic_year_of(date: NaiveDate) -> i32 {
    if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// The earliest and latest academic years the app accepts.
pub const FIRST_YEAR: i32 = 1990;
pub const LAST_YEAR: i32 = 2200;

/// Checks an academic year's three terms: each in order, starting no earlier than 1 August of
/// its year and ending no later than 31 August of the next, without overlapping.
pub fn check_year(terms: &[Term]) -> Result<[Term; 3], ApiError> {
    let [a, b, c] = terms else {
        return Err(ApiError::validation(
            "terms",
            "Give the dates of all three terms: Autumn, Spring and Summer.",
        ));
    };
    let year = a.academic_year;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(ApiError::validation(
            "academicYear",
            format!("The academic year must be between {FIRST_YEAR} and {LAST_YEAR}."),
        ));
    }
    let set = [*a, *b, *c];
    for (t, name) in set.iter().zip(TermName::ALL) {
        if t.academic_year != year || t.name != name {
            return Err(ApiError::validation(
                "terms",
                "Give Autumn, Spring and Summer of the same academic year, in that order.",
            ));
        }
        if t.ends < t.starts {
            return Err(ApiError::validation(
                &field_for(name, false),
                format!("The {} term cannot end before it starts.", name.label()),
            ));
        }
    }
    let earliest = NaiveDate::from_ymd_opt(year, 8, 1);
    let latest = NaiveDate::from_ymd_opt(year + 1, 8, 31);
    if earliest.is_some_and(|d| a.starts < d) {
        return Err(ApiError::validation(
            &field_for(TermName::Autumn, true),
            format!(
                "The Autumn term of {year}/{:02} cannot start before 1 August {year}.",
                (year + 1) % 100
            ),
        ));
    }
    if latest.is_some_and(|d| c.ends > d) {
        return Err(ApiError::validation(
            &field_for(TermName::Summer, false),
            format!("The Summer term cannot end after 31 August {}.", year + 1),
        ));
    }
    if b.starts <= a.ends {
        return Err(ApiError::validation(
            &field_for(TermName::Spring, true),
            "The Spring term must start after the Autumn term ends.",
        ));
    }
    if c.starts <= b.ends {
        return Err(ApiError::validation(
            &field_for(TermName::Summer, true),
            "The Summer term must start after the Spring term ends.",
        ));
    }
    Ok(set)
}

fn field_for(name: TermName, start: bool) -> String {
    format!("{}{}", name.as_str(), if start { "Starts" } else { "Ends" })
}

/// Days that fall between two of the year's terms (not covered by any), for a warning.
pub fn gaps(terms: &[Term; 3]) -> i64 {
    (terms[1].starts - terms[0].ends).num_days() - 1 + (terms[2].starts - terms[1].ends).num_days()
        - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn easter_matches_known_dates() {
        assert_eq!(easter_sunday(2024), Some(d(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(d(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(d(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(d(2027, 3, 28)));
        assert_eq!(easter_sunday(2038), Some(d(2038, 4, 25)));
    }

    #[test]
    fn default_terms_cover_the_year_without_gaps() {
        let t = default_terms(2026).expect("terms");
        assert_eq!(t[0].starts, d(2026, 9, 1));
        assert_eq!(t[0].ends, d(2026, 12, 31));
        assert_eq!(t[1].starts, d(2027, 1, 1));
        assert_eq!(t[1].ends, d(2027, 3, 28));
        assert_eq!(t[2].starts, d(2027, 3, 29));
        assert_eq!(t[2].ends, d(2027, 8, 31));
        assert_eq!(gaps(&t), 0);
        assert!(check_year(&t).is_ok());
        assert_eq!(t[0].label(), "Autumn term 2026/27");
        assert_eq!(t[2].previous_key(), (2026, TermName::Spring));
        assert_eq!(t[0].previous_key(), (2025, TermName::Summer));
        assert_eq!(academic_year_of(d(2027, 8, 31)), 2026);
        assert_eq!(academic_year_of(d(2027, 9, 1)), 2027);
    }

    #[test]
    fn edited_terms_are_checked() {
        let t = default_terms(2026).expect("terms");
        let mut overlap = t;
        overlap[1].starts = d(2026, 12, 20);
        let e = check_year(&overlap).expect_err("overlap");
        assert_eq!(e.field.as_deref(), Some("springStarts"));
        let mut backwards = t;
        backwards[0].ends = d(2026, 8, 30);
        assert!(check_year(&backwards)
            .expect_err("backwards")
            .message
            .contains("cannot end before it starts"));
        let mut late = t;
        late[2].ends = d(2027, 9, 5);
        assert!(check_year(&late).is_err());
        assert!(check_year(&t[..2]).is_err());
        let mut real_dates = t;
        real_dates[0].starts = d(2026, 9, 3);
        real_dates[0].ends = d(2026, 12, 18);
        real_dates[1].starts = d(2027, 1, 5);
        assert!(check_year(&real_dates).is_ok());
        assert_eq!(gaps(&real_dates), 17);
    }
}
