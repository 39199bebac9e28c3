//! Incident rows as read from the database: each query names its columns, and each row type
//! reads them by name. A stored value that does not read is a damaged vault, never skipped.

use chrono::{DateTime, NaiveDate, Utc};
use dsl_domain::flow::{DueStep, FlowEntry, StoredBody};
use dsl_domain::incident::{IncidentSummary, Involvement, Person, PersonKind, PersonRole};
use rusqlite::Row;

use crate::columns::{corrupt, FromRow};
use crate::time::{StoredDate, StoredTime};

/// The columns [`Person`] reads (from `people p`).
pub(crate) const PERSON_COLUMNS: &str = "p.id AS person_id, p.kind AS person_kind, \
     p.name AS person_name, p.year_group, p.date_of_birth, p.job_title, \
     coalesce((SELECT s.headteacher FROM staff_details s WHERE s.person_id = p.id), 0) AS headteacher";

impl FromRow for Person {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        let kind: String = r.get("person_kind")?;
        let year: Option<i64> = r.get("year_group")?;
        let born: Option<StoredDate> = r.get("date_of_birth")?;
        Ok(Person {
            id: r.get("person_id")?,
            kind: PersonKind::parse(&kind).ok_or_else(|| corrupt("unknown person kind"))?,
            name: r.get("person_name")?,
            year_group: year.and_then(|y| u8::try_from(y).ok()),
            date_of_birth: born.map(NaiveDate::from),
            job_title: r.get("job_title")?,
            headteacher: r.get::<_, i64>("headteacher")? != 0,
        })
    }
}

/// A person's role read from the `role` column.
pub(crate) fn role(r: &Row<'_>) -> rusqlite::Result<PersonRole> {
    let role: String = r.get("role")?;
    PersonRole::parse(&role).ok_or_else(|| corrupt("unknown role"))
}

/// The columns [`Involvement`] reads (from `involvements i JOIN people p`).
pub(crate) fn involvement_columns() -> String {
    format!("i.id AS involvement_id, i.role, i.added_at, {PERSON_COLUMNS}")
}

impl FromRow for Involvement {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Involvement {
            id: r.get("involvement_id")?,
            person: Person::from_row(r)?,
            role: role(r)?,
            added_at: r.get::<_, StoredTime>("added_at")?.into(),
        })
    }
}

/// The columns [`FlowEntry`] reads (from `flow_entries e JOIN users u`).
pub(crate) const ENTRY_COLUMNS: &str = "e.id, e.at, u.name AS user_name, e.node_id, e.person_id, \
     e.supersedes, e.body";

impl FromRow for FlowEntry {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        let body: String = r.get("body")?;
        let stored: StoredBody =
            serde_json::from_str(&body).map_err(|_| corrupt("an entry is unreadable"))?;
        Ok(FlowEntry {
            id: r.get("id")?,
            at: r.get::<_, StoredTime>("at")?.into(),
            user_name: r.get("user_name")?,
            node_id: r.get("node_id")?,
            person_id: r.get("person_id")?,
            supersedes: r.get("supersedes")?,
            body: stored.body,
            happened: stored.happened,
        })
    }
}

/// Who made an incident, when, and under which flow (from `incidents i JOIN users u`).
pub(crate) struct Header {
    pub(crate) reference: String,
    pub(crate) flow_id: String,
    pub(crate) flow_version: u32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) created_by: String,
}

pub(crate) const HEADER_COLUMNS: &str =
    "i.reference, i.flow_id, i.flow_version, i.created_at, u.name AS created_by";

impl FromRow for Header {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        let version: i64 = r.get("flow_version")?;
        Ok(Header {
            reference: r.get("reference")?,
            flow_id: r.get("flow_id")?,
            flow_version: u32::try_from(version).map_err(|_| corrupt("flow version"))?,
            created_at: r.get::<_, StoredTime>("created_at")?.into(),
            created_by: r.get("created_by")?,
        })
    }
}

/// The columns of the list row (from `incidents i`), kept up to date by the projection.
pub(crate) const SUMMARY_COLUMNS: &str = "i.id, i.reference, i.status, i.mark, i.occurred_at, \
     i.activity_type, i.risk_area, i.summary, i.people_names, i.current_step, i.due";

/// A value stored as its serde name (`"open"`, `"notIllegal"`).
fn stored_enum<T: serde::de::DeserializeOwned>(text: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text))
        .map_err(|_| corrupt("a stored value is unreadable"))
}

impl FromRow for IncidentSummary {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        let names: String = r.get("people_names")?;
        // Every deadline; an older vault kept only the soonest.
        let dues: Vec<DueStep> = match r.get::<_, Option<String>>("due")? {
            None => Vec::new(),
            Some(d) => serde_json::from_str::<Vec<DueStep>>(&d)
                .or_else(|_| serde_json::from_str::<DueStep>(&d).map(|one| vec![one]))
                .map_err(|_| corrupt("a due step is unreadable"))?,
        };
        Ok(IncidentSummary {
            id: r.get("id")?,
            reference: r.get("reference")?,
            status: stored_enum(r.get("status")?)?,
            mark: r
                .get::<_, Option<String>>("mark")?
                .map(stored_enum)
                .transpose()?,
            occurred_at: r.get::<_, StoredTime>("occurred_at")?.into(),
            activity_type: r.get("activity_type")?,
            risk_area: stored_enum(r.get("risk_area")?)?,
            summary: r.get("summary")?,
            people: serde_json::from_str(&names).map_err(|_| corrupt("names are unreadable"))?,
            current_step: r.get("current_step")?,
            dues: dues.clone(),
            due: dues.into_iter().next(),
        })
    }
}
