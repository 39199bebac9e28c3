//! What the domain's tests share: a fixed start time and a person in an incident.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::flow::{FieldKind, ItemField};
use crate::incident::{Involvement, Person, PersonKind, PersonRole};

/// When the tests' incidents happen: 20 November 2026, 09:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// Person `id` of `kind` in `role` (a pupil is in Year 9), added at `t0`.
pub fn person(id: i64, kind: PersonKind, role: PersonRole) -> Involvement {
    Involvement {
        id,
        person: Person {
            id,
            kind,
            name: format!("Person {id}"),
            year_group: (kind == PersonKind::Pupil).then_some(9),
            date_of_birth: NaiveDate::from_ymd_opt(2012, 1, 1),
            job_title: String::new(),
            headteacher: false,
        },
        role,
        added_at: t0(),
    }
}

/// A plausible value for each of a checklist item's fields, as a DSL would fill them in.
pub fn details(fields: &[ItemField]) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter_map(|f| {
            let v = match f.kind {
                FieldKind::Datetime => "2026-11-20T10:30".to_string(),
                FieldKind::Date => "2027-01-15".to_string(),
                FieldKind::Choice => f.options[0].clone(),
                // A register item the store checks is the incident's.
                FieldKind::Evidence => "1".to_string(),
                // The people are named with the entry; the store fills this in.
                FieldKind::People => return None,
                _ => format!("{} value", f.label),
            };
            Some((f.id.clone(), v))
        })
        .collect()
}
