//! An incident's facts and the people involved, with the checks a DSL's input must pass.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::flow::{FlowState, IncidentStatus, Mark};
use crate::{text, ApiError};

pub use crate::activity::{activity_type, all_activity_types, ActivityType};

/// The longest free text accepted in one field (about 20 pages).
pub const MAX_TEXT_CHARS: usize = 50_000;
/// The longest short field (a name, a reference).
pub const MAX_SHORT_CHARS: usize = 300;

/// How the incident came to light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Discovery {
    Disclosure,
    StaffObservation,
    ParentCarer,
    Monitoring,
    ExternalAgency,
    Other,
}

/// Where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Location {
    InSchool,
    OffSiteActivity,
    OutsideSchool,
}

/// The four Cs of online risk (seed 003 §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RiskArea {
    Content,
    Contact,
    Conduct,
    Commerce,
}

/// A filtering or monitoring alert's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MonitoringAlert {
    pub vendor: String,
    pub capture_id: String,
    pub severity: String,
    /// True or false positive, once known.
    #[ts(optional)]
    pub true_positive: Option<bool>,
}

/// The facts recorded at intake. Corrections add a new version; none is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IncidentFacts {
    pub occurred_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub reported_by_name: String,
    pub reported_by_role: String,
    pub discovery: Discovery,
    #[ts(optional)]
    pub monitoring: Option<MonitoringAlert>,
    pub location: Location,
    pub platform: String,
    pub summary: String,
    /// For a disclosure, the child's exact words.
    pub childs_words: String,
    pub risk_area: RiskArea,
    pub activity_type: String,
}

/// What kind of person someone is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PersonKind {
    Pupil,
    Staff,
    Volunteer,
    Parent,
    AdultOutside,
    Unknown,
}

impl PersonKind {
    /// The stored form, also used by flow filters.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Pupil => "pupil",
            PersonKind::Staff => "staff",
            PersonKind::Volunteer => "volunteer",
            PersonKind::Parent => "parent",
            PersonKind::AdultOutside => "adultOutside",
            PersonKind::Unknown => "unknown",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        PersonKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A person's role in one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PersonRole {
    Victim,
    Instigator,
    Alleged,
    Witness,
    Reporter,
}

impl PersonRole {
    /// The stored form, also used by flow filters.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonRole::Victim => "victim",
            PersonRole::Instigator => "instigator",
            PersonRole::Alleged => "alleged",
            PersonRole::Witness => "witness",
            PersonRole::Reporter => "reporter",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        PersonRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A person as known to the vault, across incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Person {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: PersonKind,
    pub name: String,
    /// Pupils: year group, 0 for Reception.
    #[ts(optional)]
    pub year_group: Option<u8>,
    #[ts(optional)]
    pub date_of_birth: Option<NaiveDate>,
    /// Staff and volunteers: their job.
    pub job_title: String,
    /// Staff: recorded as the headteacher (an allegation about them goes to the chair of
    /// governors).
    #[serde(default)]
    pub headteacher: bool,
}

/// A new person typed at intake.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewPerson {
    pub kind: PersonKind,
    pub name: String,
    #[ts(optional)]
    pub year_group: Option<u8>,
    #[ts(optional)]
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default)]
    pub job_title: String,
    /// Staff: this is the headteacher.
    #[serde(default)]
    #[ts(optional)]
    pub headteacher: Option<bool>,
}

/// Someone linked to an incident: a known person, or a new one.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InvolvementInput {
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    #[ts(optional)]
    pub new_person: Option<NewPerson>,
    pub role: PersonRole,
}

/// A person's part in one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Involvement {
    #[ts(type = "number")]
    pub id: i64,
    pub person: Person,
    pub role: PersonRole,
    pub added_at: DateTime<Utc>,
}

impl Involvement {
    /// A member of staff or volunteer who is the alleged person or the instigator: someone an
    /// allegation may be about.
    pub fn is_adult_alleged(&self) -> bool {
        matches!(self.person.kind, PersonKind::Staff | PersonKind::Volunteer)
            && matches!(self.role, PersonRole::Alleged | PersonRole::Instigator)
    }
}

/// What the new-incident form sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewIncident {
    pub facts: IncidentFacts,
    pub people: Vec<InvolvementInput>,
}

/// One row of the incident list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IncidentSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub reference: String,
    pub status: IncidentStatus,
    #[ts(optional)]
    pub mark: Option<Mark>,
    pub occurred_at: DateTime<Utc>,
    pub activity_type: String,
    pub risk_area: RiskArea,
    pub summary: String,
    pub people: Vec<String>,
    pub current_step: String,
    /// What the current step is due for, and by when (e.g. the LADO consultation).
    #[ts(optional)]
    pub due: Option<crate::flow::DueStep>,
    /// Every deadline, soonest first: the flow's, and each follow-up's.
    pub dues: Vec<crate::flow::DueStep>,
}

/// The list's filters.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IncidentFilter {
    #[ts(optional)]
    pub status: Option<IncidentStatus>,
    #[ts(optional)]
    pub from: Option<NaiveDate>,
    #[ts(optional)]
    pub to: Option<NaiveDate>,
    #[ts(optional)]
    pub activity_type: Option<String>,
    #[ts(optional)]
    pub illegal: Option<bool>,
    #[ts(optional, type = "number")]
    pub person_id: Option<i64>,
    #[ts(optional)]
    pub text: Option<String>,
}

/// A whole incident for its screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IncidentDetail {
    #[ts(type = "number")]
    pub id: i64,
    pub reference: String,
    pub flow_id: String,
    pub flow_version: u32,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub facts: IncidentFacts,
    pub people: Vec<Involvement>,
    pub flow: FlowState,
    pub chronology: Vec<crate::flow::ChronologyEntry>,
    /// What is due, and by when (e.g. the LADO consultation for each adult), soonest first.
    pub due: Vec<crate::flow::DueStep>,
    /// The incident's type of activity as its flow version defines it, with its guidance.
    #[ts(optional)]
    pub activity: Option<ActivityType>,
}

/// Checks free text: no control characters other than line breaks and tabs, no explicit
/// direction embeddings, overrides or isolates, within `max`. Nothing is stripped.
pub fn check_text(
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<String, ApiError> {
    let value = typed_text(field, value, max, required)?;
    if required && value.chars().all(text::is_invisible) {
        return Err(ApiError::validation(field, "This is required."));
    }
    match text::text_problem(&value) {
        Some(problem) => Err(ApiError::validation(field, problem)),
        None => Ok(value),
    }
}

/// Trims typed text and checks what names and free text share: present if required, within
/// `max`, no control characters other than line breaks and tabs.
fn typed_text(field: &str, value: &str, max: usize, required: bool) -> Result<String, ApiError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(ApiError::validation(field, "This is required."));
    }
    let len = value.chars().count();
    if len > max {
        return Err(ApiError::validation(
            field,
            format!("This is too long: at most {max} characters (it has {len})."),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ApiError::validation(
            field,
            "This contains control characters that cannot be stored; remove them and try again.",
        ));
    }
    Ok(value.to_string())
}

/// Checks a person's or a place's name: as free text, on one line, and nothing that hides
/// letters or changes the direction of text around it (see [`text::name_problem`]).
pub fn check_name(
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<String, ApiError> {
    let value = typed_text(field, value, max, required)?;
    if value.is_empty() {
        return Ok(value);
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            "A name must be on one line, without tabs.",
        ));
    }
    match text::name_problem(&value) {
        Some(problem) => Err(ApiError::validation(field, problem)),
        None => Ok(value),
    }
}

/// Checks and tidies intake facts against the time now.
pub fn check_facts(f: &IncidentFacts, now: DateTime<Utc>) -> Result<IncidentFacts, ApiError> {
    let version = crate::flow::current()
        .map(|f| f.version)
        .unwrap_or_default();
    check_facts_in(f, version, now)
}

/// As [`check_facts`], for an incident that follows flow version `flow_version`: its type must
/// be one that version has.
pub fn check_facts_in(
    f: &IncidentFacts,
    flow_version: u32,
    now: DateTime<Utc>,
) -> Result<IncidentFacts, ApiError> {
    if f.occurred_at > now {
        return Err(ApiError::validation(
            "occurredAt",
            "When it happened cannot be in the future.",
        ));
    }
    if f.reported_at > now {
        return Err(ApiError::validation(
            "reportedAt",
            "When it was reported cannot be in the future.",
        ));
    }
    if f.reported_at < f.occurred_at {
        return Err(ApiError::validation(
            "reportedAt",
            "It cannot have been reported before it happened.",
        ));
    }
    let known = crate::flow::shipped()
        .iter()
        .filter(|flow| flow.version == flow_version)
        .any(|flow| flow.types.iter().any(|t| t.id == f.activity_type));
    if !known {
        return Err(ApiError::validation(
            "activityType",
            "Choose the type of activity from the list.",
        ));
    }
    let monitoring = match (&f.discovery, &f.monitoring) {
        (Discovery::Monitoring, Some(m)) => Some(MonitoringAlert {
            vendor: check_text("monitoringVendor", &m.vendor, MAX_SHORT_CHARS, true)?,
            capture_id: check_text("monitoringCaptureId", &m.capture_id, MAX_SHORT_CHARS, false)?,
            severity: check_text("monitoringSeverity", &m.severity, MAX_SHORT_CHARS, false)?,
            true_positive: m.true_positive,
        }),
        (Discovery::Monitoring, None) => {
            return Err(ApiError::validation(
                "monitoringVendor",
                "Give the filtering or monitoring system's name.",
            ))
        }
        _ => None,
    };
    Ok(IncidentFacts {
        occurred_at: f.occurred_at,
        reported_at: f.reported_at,
        reported_by_name: check_name("reportedByName", &f.reported_by_name, MAX_SHORT_CHARS, true)?,
        reported_by_role: check_text("reportedByRole", &f.reported_by_role, MAX_SHORT_CHARS, true)?,
        discovery: f.discovery,
        monitoring,
        location: f.location,
        platform: check_text("platform", &f.platform, MAX_SHORT_CHARS, false)?,
        summary: check_text("summary", &f.summary, MAX_TEXT_CHARS, true)?,
        childs_words: check_text("childsWords", &f.childs_words, MAX_TEXT_CHARS, false)?,
        risk_area: f.risk_area,
        activity_type: f.activity_type.clone(),
    })
}

/// A person's details corrected, with the reason: who they are stays the same.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonCorrection {
    #[ts(type = "number")]
    pub person_id: i64,
    pub kind: PersonKind,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub year_group: Option<u8>,
    #[serde(default)]
    #[ts(optional)]
    pub date_of_birth: Option<NaiveDate>,
    pub reason: String,
}

/// What a correction changes, each detail as the DSL reads it; refused when the new details
/// are not valid, nothing changes, or no reason is given.
pub fn person_changes(
    before: &Person,
    c: &PersonCorrection,
    today: NaiveDate,
) -> Result<(NewPerson, Vec<crate::flow::Change>, String), ApiError> {
    let after = check_person(
        &NewPerson {
            kind: c.kind,
            name: c.name.clone(),
            year_group: c.year_group,
            date_of_birth: c.date_of_birth,
            job_title: before.job_title.clone(),
            headteacher: before.headteacher.then_some(true),
        },
        today,
    )?;
    let reason = check_text("correctionReason", &c.reason, MAX_SHORT_CHARS, true)?;
    let year = |y: Option<u8>| match y {
        Some(0) => "Reception".to_string(),
        Some(y) => format!("Year {y}"),
        None => "not given".to_string(),
    };
    let dob =
        |d: Option<NaiveDate>| d.map_or_else(|| "not given".to_string(), crate::time::uk_date_of);
    let changes = changed([
        ("name", "Name", before.name.clone(), after.name.clone()),
        (
            "kind",
            "Kind",
            before.kind.label().into(),
            after.kind.label().into(),
        ),
        (
            "yearGroup",
            "Year group",
            year(before.year_group),
            year(after.year_group),
        ),
        (
            "dateOfBirth",
            "Date of birth",
            dob(before.date_of_birth),
            dob(after.date_of_birth),
        ),
    ]);
    if changes.is_empty() {
        return Err(ApiError::validation(
            "personName",
            "Nothing has changed: correct a detail, or cancel.",
        ));
    }
    Ok((after, changes, reason))
}

/// What a correction of the facts changes, each as the DSL reads it (the summary and the
/// child's words in full, so that the earlier version reads in the chronology).
pub fn facts_changes(before: &IncidentFacts, after: &IncidentFacts) -> Vec<crate::flow::Change> {
    use crate::time::uk_date_time;
    let type_label = |id: &str| {
        crate::flow::shipped()
            .iter()
            .rev()
            .flat_map(|f| f.types.iter())
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.label.clone())
    };
    let alert = |m: &Option<MonitoringAlert>| {
        m.as_ref().map_or_else(String::new, |m| {
            crate::report::joined([
                m.vendor.as_str(),
                m.capture_id.as_str(),
                m.severity.as_str(),
            ])
        })
    };
    let rows: [(&str, &str, String, String); 12] = [
        (
            "occurredAt",
            "When it happened",
            uk_date_time(before.occurred_at),
            uk_date_time(after.occurred_at),
        ),
        (
            "reportedAt",
            "When it was reported",
            uk_date_time(before.reported_at),
            uk_date_time(after.reported_at),
        ),
        (
            "reportedByName",
            "Reported by",
            before.reported_by_name.clone(),
            after.reported_by_name.clone(),
        ),
        (
            "reportedByRole",
            "Their role",
            before.reported_by_role.clone(),
            after.reported_by_role.clone(),
        ),
        (
            "discovery",
            "How it came to light",
            before.discovery.label().into(),
            after.discovery.label().into(),
        ),
        (
            "monitoring",
            "Monitoring alert",
            alert(&before.monitoring),
            alert(&after.monitoring),
        ),
        (
            "location",
            "Where",
            before.location.label().into(),
            after.location.label().into(),
        ),
        (
            "platform",
            "Platform or app",
            before.platform.clone(),
            after.platform.clone(),
        ),
        (
            "summary",
            "Summary",
            before.summary.clone(),
            after.summary.clone(),
        ),
        (
            "childsWords",
            "The child's words",
            before.childs_words.clone(),
            after.childs_words.clone(),
        ),
        (
            "riskArea",
            "Risk area",
            before.risk_area.label().into(),
            after.risk_area.label().into(),
        ),
        (
            "activityType",
            "Type of incident",
            type_label(&before.activity_type),
            type_label(&after.activity_type),
        ),
    ];
    changed(rows)
}

/// The details that differ, each as (field, label, before, after).
fn changed<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, String, String)>,
) -> Vec<crate::flow::Change> {
    rows.into_iter()
        .filter(|(_, _, from, to)| from != to)
        .map(|(field, label, from, to)| crate::flow::Change {
            field: field.into(),
            label: label.into(),
            from,
            to,
        })
        .collect()
}

/// Checks a new person against the date today.
pub fn check_person(p: &NewPerson, today: NaiveDate) -> Result<NewPerson, ApiError> {
    let name = check_name("personName", &p.name, MAX_SHORT_CHARS, true)?;
    let (year_group, date_of_birth) = if p.kind == PersonKind::Pupil {
        let year = p
            .year_group
            .ok_or_else(|| ApiError::validation("yearGroup", "Give the pupil's year group."))?;
        if year > 14 {
            return Err(ApiError::validation(
                "yearGroup",
                "Year groups run from Reception (0) to Year 14.",
            ));
        }
        let dob = p.date_of_birth.ok_or_else(|| {
            ApiError::validation("dateOfBirth", "Give the pupil's date of birth.")
        })?;
        if dob > today {
            return Err(ApiError::validation(
                "dateOfBirth",
                "A date of birth cannot be in the future.",
            ));
        }
        (Some(year), Some(dob))
    } else {
        (None, p.date_of_birth)
    };
    Ok(NewPerson {
        kind: p.kind,
        name,
        year_group,
        date_of_birth,
        job_title: check_text("jobTitle", &p.job_title, MAX_SHORT_CHARS, false)?,
        headteacher: (p.kind == PersonKind::Staff && p.headteacher == Some(true)).then_some(true),
    })
}

/// The reference for the `n`th incident recorded in `year`: OS-2026-0007.
pub fn reference(year: i32, n: u32) -> String {
    format!("OS-{year}-{n:04}")
}

#[cfg(test)]
#[path = "incident_tests.rs"]
mod tests;
