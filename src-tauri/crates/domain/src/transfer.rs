//! Moving a pupil's records to a new school, and a subject access export: the log of what was
//! sent, and the printed bundle of incident reports with other people redacted.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::incident::{check_name, Person, MAX_SHORT_CHARS};
use crate::report::{field, kind_name, Field, IncidentReport, Table};
use crate::retention::check_short;
use crate::time::{uk_date, uk_date_of, uk_date_time, uk_day};
use crate::ApiError;

/// A receipt is expected within this many school days of sending.
pub const RECEIPT_SCHOOL_DAYS: u32 = 5;

/// A transfer the DSL is about to send.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TransferInput {
    #[ts(type = "number")]
    pub person_id: i64,
    pub to_school: String,
    /// How it goes: secure transfer system, by hand, recorded delivery...
    pub method: String,
    pub sent_at: DateTime<Utc>,
}

/// The new school's acknowledgement.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReceiptInput {
    #[ts(type = "number")]
    pub transfer_id: i64,
    pub received_on: NaiveDate,
    /// Who at the new school acknowledged it.
    pub acknowledged_by: String,
}

/// A receipt as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Receipt {
    pub received_on: NaiveDate,
    pub acknowledged_by: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// One line of the transfer log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Transfer {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub person_id: i64,
    pub pupil_name: String,
    pub to_school: String,
    pub method: String,
    pub sent_at: DateTime<Utc>,
    pub sent_by: String,
    /// The incident references the package held.
    pub references: Vec<String>,
    #[ts(optional)]
    pub receipt: Option<Receipt>,
    /// Five school days after sending.
    pub receipt_due: NaiveDate,
    /// No receipt and the due date has passed.
    pub overdue: bool,
}

/// Checks a transfer before it is logged.
pub fn check_transfer(t: &TransferInput, now: DateTime<Utc>) -> Result<TransferInput, ApiError> {
    if t.sent_at > now + chrono::Duration::minutes(5) {
        return Err(ApiError::validation(
            "sentAt",
            "The time it was sent cannot be in the future.",
        ));
    }
    Ok(TransferInput {
        person_id: t.person_id,
        to_school: check_name("toSchool", &t.to_school, MAX_SHORT_CHARS, true)?,
        method: check_short("method", &t.method)?,
        sent_at: t.sent_at,
    })
}

/// Checks a receipt against the transfer's sending date and today.
pub fn check_receipt(
    r: &ReceiptInput,
    sent_at: DateTime<Utc>,
    today: NaiveDate,
) -> Result<ReceiptInput, ApiError> {
    if r.received_on > today {
        return Err(ApiError::validation(
            "receivedOn",
            "The date of receipt cannot be in the future.",
        ));
    }
    if r.received_on < uk_day(sent_at) {
        return Err(ApiError::validation(
            "receivedOn",
            "The date of receipt cannot be before the records were sent.",
        ));
    }
    Ok(ReceiptInput {
        transfer_id: r.transfer_id,
        received_on: r.received_on,
        acknowledged_by: check_name("acknowledgedBy", &r.acknowledged_by, MAX_SHORT_CHARS, true)?,
    })
}

/// The date `n` school days after `start`: weekdays for which `in_term` holds.
pub fn add_school_days(start: NaiveDate, n: u32, in_term: impl Fn(NaiveDate) -> bool) -> NaiveDate {
    let mut day = start;
    let mut counted = 0;
    // A year of days without a school day means the term dates are unusable: stop there.
    let mut guard = 0;
    while counted < n && guard < 366 {
        day = day.succ_opt().unwrap_or(day);
        guard += 1;
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && in_term(day) {
            counted += 1;
            guard = 0;
        }
    }
    day
}

/// Which printed bundle: a transfer to a new school, or a subject access export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BundleKind {
    Transfer,
    SubjectAccess,
}

/// A printed bundle: a cover page about one person, then each incident report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordBundle {
    pub kind: BundleKind,
    pub title: String,
    pub school_name: String,
    pub intro: String,
    pub cover: Vec<Field>,
    pub contents: Table,
    /// Further cover-page sections: a heading and a table.
    pub sections: Vec<(String, Table)>,
    pub reports: Vec<IncidentReport>,
    /// The slip the receiving school signs and returns (transfers only).
    pub receipt_slip: Option<Vec<Field>>,
    pub generated_by: String,
    pub generated_at: String,
    pub app_version: String,
}

fn person_fields(p: &Person) -> Vec<Field> {
    let mut out = vec![field("Name", &p.name), field("Kind", kind_name(p.kind))];
    if let Some(y) = p.year_group {
        out.push(field(
            "Year group",
            if y == 0 {
                "Reception".to_string()
            } else {
                format!("Year {y}")
            },
        ));
    }
    if let Some(dob) = p.date_of_birth {
        out.push(field("Date of birth", uk_date_of(dob)));
    }
    if !p.job_title.is_empty() {
        out.push(field("Job title", &p.job_title));
    }
    out
}

fn contents(reports: &[IncidentReport], roles: &[String]) -> Table {
    Table {
        headers: vec!["Reference".into(), "Status".into(), "Their part".into()],
        widths: vec![1.2, 1.0, 2.0],
        rows: reports
            .iter()
            .zip(roles)
            .map(|(r, role)| vec![r.reference.clone(), r.status.clone(), role.clone()])
            .collect(),
    }
}

/// What the bundle needs besides the person and their reports.
pub struct BundleContext<'a> {
    pub school_name: &'a str,
    pub generated_by: &'a str,
    pub generated_at: DateTime<Utc>,
    pub app_version: &'a str,
}

/// The package sent with a pupil to their new school. `roles` gives the pupil's part in each
/// report, in the same order.
pub fn transfer_bundle(
    ctx: &BundleContext,
    pupil: &Person,
    to_school: &str,
    method: &str,
    sent_at: DateTime<Utc>,
    reports: Vec<IncidentReport>,
    roles: &[String],
) -> RecordBundle {
    let mut cover = person_fields(pupil);
    cover.push(field("From", ctx.school_name));
    cover.push(field("To", to_school));
    cover.push(field("Sent", uk_date_time(sent_at)));
    cover.push(field("How", method));
    cover.push(field("Records enclosed", reports.len().to_string()));
    RecordBundle {
        kind: BundleKind::Transfer,
        title: "Child protection file transfer".into(),
        school_name: ctx.school_name.to_string(),
        intro: format!(
            "These are the online-safety child protection records {} holds about this pupil. Other people in them appear by role only. Keep this file separately from the pupil's main file, and acknowledge receipt within {RECEIPT_SCHOOL_DAYS} school days using the slip at the end.",
            ctx.school_name
        ),
        contents: contents(&reports, roles),
        cover,
        sections: Vec::new(),
        reports,
        receipt_slip: Some(vec![
            field("Pupil", &pupil.name),
            field("Sent by", format!("{}, {}", ctx.generated_by, ctx.school_name)),
            field("Sent", uk_date(sent_at)),
            field("Received by (name and role)", ""),
            field("Receiving school", to_school),
            field("Date received", ""),
            field("Signature", ""),
        ]),
        generated_by: ctx.generated_by.to_string(),
        generated_at: uk_date_time(ctx.generated_at),
        app_version: ctx.app_version.to_string(),
    }
}

/// Everything held about one person, for a subject access request. `transfers` is the
/// person's transfer log.
pub fn subject_access_bundle(
    ctx: &BundleContext,
    person: &Person,
    reports: Vec<IncidentReport>,
    roles: &[String],
    transfers: &[Transfer],
) -> RecordBundle {
    let mut sections = Vec::new();
    if !transfers.is_empty() {
        sections.push((
            "Records sent to other schools".to_string(),
            Table {
                headers: vec!["Sent".into(), "To".into(), "How".into(), "Receipt".into()],
                widths: vec![1.2, 1.6, 1.4, 1.4],
                rows: transfers
                    .iter()
                    .map(|t| {
                        vec![
                            uk_date_time(t.sent_at),
                            t.to_school.clone(),
                            t.method.clone(),
                            t.receipt
                                .as_ref()
                                .map_or("Not yet acknowledged".into(), |r| {
                                    format!("{} ({})", uk_date_of(r.received_on), r.acknowledged_by)
                                }),
                        ]
                    })
                    .collect(),
            },
        ));
    }
    let mut cover = person_fields(person);
    cover.push(field("Records held", reports.len().to_string()));
    RecordBundle {
        kind: BundleKind::SubjectAccess,
        title: "Subject access: online-safety records".into(),
        school_name: ctx.school_name.to_string(),
        intro: format!(
            "Everything {}'s DSL Desk vault holds about this person: the details recorded about them, each incident record they appear in, and any transfer of their records. Other people appear by role only, with identifying details removed. Check the whole bundle before release, and withhold anything the law allows you to (for example where release would put someone at risk).",
            ctx.school_name
        ),
        contents: contents(&reports, roles),
        cover,
        sections,
        reports,
        receipt_slip: None,
        generated_by: ctx.generated_by.to_string(),
        generated_at: uk_date_time(ctx.generated_at),
        app_version: ctx.app_version.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn five_school_days_skip_weekends_and_holidays() {
        // Wednesday 4 March 2026 + 5 school days = Wednesday 11 March.
        assert_eq!(add_school_days(d(2026, 3, 4), 5, |_| true), d(2026, 3, 11));
        // Friday: Mon..Fri of the next week.
        assert_eq!(add_school_days(d(2026, 3, 6), 5, |_| true), d(2026, 3, 13));
        // Sent on the last Friday before a fortnight's holiday (28 Mar – 12 Apr 2026).
        let term = |day: NaiveDate| !(d(2026, 3, 28)..=d(2026, 4, 12)).contains(&day);
        assert_eq!(add_school_days(d(2026, 3, 27), 5, term), d(2026, 4, 17));
        // No school days at all: stops after a year rather than running for ever.
        let never = add_school_days(d(2026, 3, 4), 5, |_| false);
        assert!(never > d(2026, 3, 4));
    }

    #[test]
    fn transfers_and_receipts_are_checked() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 4, 12, 0, 0)
            .single()
            .expect("valid");
        let ok = TransferInput {
            person_id: 1,
            to_school: " Northfield Academy ".into(),
            method: "Secure transfer system".into(),
            sent_at: now,
        };
        assert_eq!(
            check_transfer(&ok, now).expect("ok").to_school,
            "Northfield Academy"
        );
        let e = check_transfer(
            &TransferInput {
                to_school: "".into(),
                ..ok.clone()
            },
            now,
        )
        .expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("toSchool"));
        let e = check_transfer(
            &TransferInput {
                sent_at: now + chrono::Duration::days(1),
                ..ok.clone()
            },
            now,
        )
        .expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("sentAt"));
        let r = ReceiptInput {
            transfer_id: 1,
            received_on: d(2026, 3, 3),
            acknowledged_by: "Ms Okafor, DSL".into(),
        };
        let e = check_receipt(&r, now, d(2026, 3, 9)).expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("receivedOn"));
        let r = ReceiptInput {
            received_on: d(2026, 3, 10),
            ..r
        };
        let e = check_receipt(&r, now, d(2026, 3, 9)).expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("receivedOn"));
        assert!(check_receipt(&r, now, d(2026, 3, 10)).is_ok());
    }

    #[test]
    fn the_receiving_school_and_who_acknowledged_are_names() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 4, 12, 0, 0)
            .single()
            .expect("valid");
        let t = TransferInput {
            person_id: 1,
            to_school: "Northfield\u{202E}ymedacA".into(),
            method: "Secure transfer system".into(),
            sent_at: now,
        };
        let e = check_transfer(&t, now).expect_err("override");
        assert_eq!(e.field.as_deref(), Some("toSchool"));
        assert!(e.message.contains("direction of text"));
        let t = TransferInput {
            to_school: "\u{200B}".into(),
            ..t
        };
        assert_eq!(
            check_transfer(&t, now).expect_err("blank").field.as_deref(),
            Some("toSchool")
        );
        let r = ReceiptInput {
            transfer_id: 1,
            received_on: d(2026, 3, 5),
            acknowledged_by: "Ms Okafor\u{200F}".into(),
        };
        let e = check_receipt(&r, now, d(2026, 3, 9)).expect_err("mark");
        assert_eq!(e.field.as_deref(), Some("acknowledgedBy"));
    }
}
