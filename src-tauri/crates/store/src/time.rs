//! How times and dates are stored, and the typed columns that read and write them.
//!
//! A time is stored as RFC 3339 text in UTC with milliseconds (`2026-11-22T10:00:00.000Z`) and
//! a date as `YYYY-MM-DD`. [`StoredTime`] and [`StoredDate`] are the only places that format or
//! parse them, so every vault ever written reads back the same way. A stored value that does not
//! read is a damaged vault: it becomes [`StoreError::Corrupt`], never a guess.

use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::columns::unreadable;
use crate::StoreError;

/// A time column: RFC 3339 in UTC with milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct StoredTime(pub DateTime<Utc>);

impl StoredTime {
    /// The stored text.
    pub(crate) fn text(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// The time as it reads back once stored (to the millisecond).
    pub(crate) fn as_stored(at: DateTime<Utc>) -> DateTime<Utc> {
        at.trunc_subsecs(3)
    }

    /// Reads stored text.
    pub(crate) fn parse(s: &str) -> std::result::Result<Self, StoreError> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| StoredTime(d.with_timezone(&Utc)))
            .map_err(|_| StoreError::Corrupt(TIME_UNREADABLE))
    }
}

const TIME_UNREADABLE: &str = "a stored time is unreadable";
const DATE_UNREADABLE: &str = "a stored date is unreadable";

impl From<DateTime<Utc>> for StoredTime {
    fn from(at: DateTime<Utc>) -> Self {
        StoredTime(at)
    }
}

impl From<StoredTime> for DateTime<Utc> {
    fn from(t: StoredTime) -> Self {
        t.0
    }
}

impl ToSql for StoredTime {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.text()))
    }
}

impl FromSql for StoredTime {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str().map_err(|_| unreadable(TIME_UNREADABLE))?;
        StoredTime::parse(s).map_err(|_| unreadable(TIME_UNREADABLE))
    }
}

/// A date column: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct StoredDate(pub NaiveDate);

impl StoredDate {
    /// The stored text.
    pub(crate) fn text(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

impl From<StoredDate> for NaiveDate {
    fn from(d: StoredDate) -> Self {
        d.0
    }
}

impl ToSql for StoredDate {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.text()))
    }
}

impl FromSql for StoredDate {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str().map_err(|_| unreadable(DATE_UNREADABLE))?;
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(StoredDate)
            .map_err(|_| unreadable(DATE_UNREADABLE))
    }
}

/// A time as stored.
pub fn ts(at: DateTime<Utc>) -> String {
    StoredTime(at).text()
}

/// A stored time read back.
pub fn parse_ts(s: &str) -> crate::Result<DateTime<Utc>> {
    StoredTime::parse(s).map(|t| t.0)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn stored_times_keep_their_text_format() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
            .single()
            .expect("valid")
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(ts(at), "2026-11-22T10:00:00.123Z");
        let back = StoredTime::parse("2026-11-22T10:00:00.123Z").expect("reads");
        assert_eq!(back.0, StoredTime::as_stored(at));
        assert!(StoredTime::parse("22/11/2026").is_err());
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        let text: String = conn
            .query_row("SELECT ?1", [StoredTime(at)], |r| r.get(0))
            .expect("written");
        assert_eq!(text, "2026-11-22T10:00:00.123Z");
        let read: StoredTime = conn
            .query_row("SELECT ?1", [text], |r| r.get(0))
            .expect("read");
        assert_eq!(read, StoredTime(StoredTime::as_stored(at)));
        let day = NaiveDate::from_ymd_opt(2012, 3, 4).expect("valid");
        let read: StoredDate = conn
            .query_row("SELECT ?1", [StoredDate(day)], |r| r.get(0))
            .expect("read");
        assert_eq!(read.0, day);
        let bad = conn
            .query_row("SELECT 'not a date'", [], |r| r.get::<_, StoredDate>(0))
            .map_err(StoreError::from);
        assert!(matches!(bad, Err(StoreError::Corrupt(DATE_UNREADABLE))));
    }
}
