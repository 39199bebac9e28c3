//! Times are stored in UTC and shown in UK local time (GMT or BST) as UK dates.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;

/// "22/11/2026 14:05" in UK local time.
pub fn uk_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// When something happened and, where that was earlier, when it was recorded:
/// "17/11/2026 10:30 (recorded 24/11/2026 09:00)".
pub fn happened_and_recorded(happened: Option<DateTime<Utc>>, recorded: DateTime<Utc>) -> String {
    match happened {
        Some(h) => format!("{} (recorded {})", uk_date_time(h), uk_date_time(recorded)),
        None => uk_date_time(recorded),
    }
}

/// "3 November 2026 at 14:02" in UK local time: a moment written out in words, for a sentence.
pub fn uk_long_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%-d %B %Y at %H:%M")
        .to_string()
}

/// The UK calendar day of a moment.
pub fn uk_day(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&London).date_naive()
}

/// "22/11/2026" for a calendar date.
pub fn uk_date_of(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "22/11/2026" in UK local time.
pub fn uk_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&London).format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_in_words_is_in_uk_local_time() {
        let winter = DateTime::parse_from_rfc3339("2026-11-03T14:02:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(uk_long_date_time(winter), "3 November 2026 at 14:02");
        let summer = DateTime::parse_from_rfc3339("2026-07-21T08:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(uk_long_date_time(summer), "21 July 2026 at 09:30");
    }
    use chrono::TimeZone;

    #[test]
    fn winter_is_gmt_and_summer_is_bst() {
        let winter = Utc
            .with_ymd_and_hms(2026, 1, 15, 9, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(uk_date_time(winter), "15/01/2026 09:30");
        let summer = Utc
            .with_ymd_and_hms(2026, 7, 1, 9, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(uk_date_time(summer), "01/07/2026 10:30");
    }

    #[test]
    fn late_evening_in_summer_is_the_next_uk_day() {
        let at = Utc
            .with_ymd_and_hms(2026, 6, 30, 23, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(uk_date(at), "01/07/2026");
    }
}
