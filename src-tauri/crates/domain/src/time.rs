//! Times are stored in UTC and shown in UK local time (GMT or BST) as UK dates.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;

/// "22/11/2026 14:05" in UK local time.
pub fn uk_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%d/%m/%Y %H:%M")
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
