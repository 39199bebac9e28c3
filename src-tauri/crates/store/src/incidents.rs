//! Incidents: facts (versioned), people and their roles, and flow entries. Every record is
//! appended, never changed; the `incidents` row also carries a projection for the list.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dsl_domain::flow::{
    self, chronology, evaluate, EntryBody, EntryInput, FlowDefinition, FlowEntry,
};
use dsl_domain::incident::{
    check_facts, check_person, reference, IncidentDetail, IncidentFacts, IncidentFilter,
    IncidentSummary, Involvement, InvolvementInput, NewIncident, Person, PersonKind, PersonRole,
};
use dsl_domain::{ApiError, ErrorKind};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use crate::audit;
use crate::time::{parse_ts, ts};
use crate::{Result, StoreError, Vault};

/// Why an incident write was refused: a store failure, or input the domain rules refused.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Rejected(#[from] ApiError),
}

impl From<rusqlite::Error> for WriteError {
    fn from(e: rusqlite::Error) -> Self {
        WriteError::Store(e.into())
    }
}

/// A person with the incidents they appear in, for their history.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonHistory {
    pub person: Person,
    pub incidents: Vec<PersonIncident>,
}

/// One incident in a person's history, with their role in it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonIncident {
    pub role: PersonRole,
    pub incident: IncidentSummary,
}

/// A person row as read from the database.
type PersonRow = (i64, String, String, Option<i64>, Option<String>, String);

/// An incident list row as read from the database.
type SummaryRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn person_from_row(r: &Row<'_>) -> rusqlite::Result<PersonRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_person(row: PersonRow) -> Result<Person> {
    let (id, kind, name, year, dob, job_title) = row;
    Ok(Person {
        id,
        kind: PersonKind::parse(&kind).ok_or(StoreError::Corrupt("unknown person kind"))?,
        name,
        year_group: year.and_then(|y| u8::try_from(y).ok()),
        date_of_birth: dob.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        job_title,
    })
}

const PERSON_COLUMNS: &str = "p.id, p.kind, p.name, p.year_group, p.date_of_birth, p.job_title";

pub(crate) fn involvements(conn: &Connection, incident: i64) -> Result<Vec<Involvement>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.id, i.role, i.added_at, {PERSON_COLUMNS} FROM involvements i
         JOIN people p ON p.id = i.person_id WHERE i.incident_id = ?1 ORDER BY i.id"
    ))?;
    let rows = stmt.query_map([incident], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            (
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, role, added_at, person) = row?;
        out.push(Involvement {
            id,
            person: to_person(person)?,
            role: PersonRole::parse(&role).ok_or(StoreError::Corrupt("unknown role"))?,
            added_at: parse_ts(&added_at)?,
        });
    }
    Ok(out)
}

fn entries(conn: &Connection, incident: i64) -> Result<Vec<FlowEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.at, u.name, e.node_id, e.person_id, e.supersedes, e.body
         FROM flow_entries e JOIN users u ON u.id = e.user_id
         WHERE e.incident_id = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([incident], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, user_name, node_id, person_id, supersedes, body) = row?;
        out.push(FlowEntry {
            id,
            at: parse_ts(&at)?,
            user_name,
            node_id,
            person_id,
            supersedes,
            body: serde_json::from_str(&body)
                .map_err(|_| StoreError::Corrupt("an entry is unreadable"))?,
        });
    }
    Ok(out)
}

fn latest_facts(conn: &Connection, incident: i64) -> Result<IncidentFacts> {
    let json: String = conn
        .query_row(
            "SELECT facts FROM incident_facts WHERE incident_id = ?1 ORDER BY id DESC LIMIT 1",
            [incident],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    serde_json::from_str(&json).map_err(|_| StoreError::Corrupt("incident facts are unreadable"))
}

struct Header {
    reference: String,
    flow_id: String,
    flow_version: u32,
    created_at: DateTime<Utc>,
    created_by: String,
}

fn header(conn: &Connection, incident: i64) -> Result<Header> {
    let row: Option<(String, String, i64, String, String)> = conn
        .query_row(
            "SELECT i.reference, i.flow_id, i.flow_version, i.created_at, u.name
             FROM incidents i JOIN users u ON u.id = i.created_by WHERE i.id = ?1",
            [incident],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let (reference, flow_id, flow_version, created_at, created_by) =
        row.ok_or(StoreError::NotFound)?;
    Ok(Header {
        reference,
        flow_id,
        flow_version: u32::try_from(flow_version)
            .map_err(|_| StoreError::Corrupt("flow version"))?,
        created_at: parse_ts(&created_at)?,
        created_by,
    })
}

fn flow_of(h: &Header) -> Result<&'static FlowDefinition> {
    flow::find(&h.flow_id, h.flow_version)
        .map_err(|_| StoreError::Corrupt("the incident's flow version is not known"))
}

fn entry_text(body: &EntryBody) -> String {
    match body {
        EntryBody::Answer { reason, .. } | EntryBody::Screening { reason, .. } => reason.clone(),
        EntryBody::Item {
            details, reason, ..
        } => {
            let mut t: Vec<&str> = details.values().map(String::as_str).collect();
            t.push(reason);
            t.join(" ")
        }
        EntryBody::Note { text } => text.clone(),
        EntryBody::Closed { reason } | EntryBody::Reopened { reason } => reason.clone(),
        EntryBody::Complete { .. } | EntryBody::Acknowledged => String::new(),
    }
}

/// Rebuilds the list projection of one incident from its records.
pub(crate) fn refresh_projection(
    conn: &Connection,
    incident: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let h = header(conn, incident)?;
    let flow = flow_of(&h)?;
    let facts = latest_facts(conn, incident)?;
    let people = involvements(conn, incident)?;
    let entries = entries(conn, incident)?;
    let state = evaluate(flow, &people, &entries);
    let mut names: Vec<String> = people.iter().map(|i| i.person.name.clone()).collect();
    names.dedup();
    let mut search = vec![
        h.reference.clone(),
        facts.summary.clone(),
        facts.childs_words.clone(),
        facts.platform.clone(),
        facts.reported_by_name.clone(),
    ];
    search.extend(names.iter().cloned());
    search.extend(entries.iter().map(|e| entry_text(&e.body)));
    let current = match (&state.current, state.status) {
        (_, dsl_domain::flow::IncidentStatus::Closed) => "Closed".to_string(),
        (Some(c), _) => c.title.clone(),
        (None, _) => String::new(),
    };
    // Each write touches as few pages as it can: every page written is encrypted and
    // authenticated. The indexed columns are set only when they change (setting one rewrites
    // its index entries even to the same value), and the search text only when it changes.
    conn.execute(
        "UPDATE incidents SET mark = ?2, risk_area = ?3, summary = ?4, people_names = ?5,
         current_step = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            incident,
            state.mark.map(|m| match m {
                dsl_domain::flow::Mark::Illegal => "illegal",
                dsl_domain::flow::Mark::NotIllegal => "notIllegal",
            }),
            serde_json::to_string(&facts.risk_area)
                .map_err(|_| StoreError::Crypto)?
                .trim_matches('"'),
            facts.summary.chars().take(300).collect::<String>(),
            serde_json::to_string(&names).map_err(|_| StoreError::Crypto)?,
            current,
            ts(now),
        ],
    )?;
    conn.execute(
        "UPDATE incidents SET status = ?2, occurred_at = ?3, activity_type = ?4
         WHERE id = ?1 AND (status IS NOT ?2 OR occurred_at IS NOT ?3 OR activity_type IS NOT ?4)",
        params![
            incident,
            state.status.as_str(),
            ts(facts.occurred_at),
            facts.activity_type,
        ],
    )?;
    let text = search.join("\n").to_lowercase();
    let indexed: Option<String> = conn
        .query_row(
            "SELECT text FROM incident_search WHERE rowid = ?1",
            [incident],
            |r| r.get(0),
        )
        .optional()?;
    if indexed.as_deref() != Some(text.as_str()) {
        if indexed.is_some() {
            conn.execute("DELETE FROM incident_search WHERE rowid = ?1", [incident])?;
        }
        conn.execute(
            "INSERT INTO incident_search (rowid, text) VALUES (?1, ?2)",
            params![incident, text],
        )?;
    }
    write_stat(conn, incident, &facts, &people, &entries, state.mark)
}

/// Rebuilds what the incident contributes to the termly figures.
fn write_stat(
    conn: &Connection,
    incident: i64,
    facts: &IncidentFacts,
    people: &[Involvement],
    entries: &[FlowEntry],
    mark: Option<dsl_domain::flow::Mark>,
) -> Result<()> {
    let stat = dsl_domain::stats::incident_stat(facts, people, entries, mark);
    let json = serde_json::to_string(&stat).map_err(|_| StoreError::Crypto)?;
    // As in the projection: the indexed date is set only when it changes, the row only when
    // the figures do.
    let reported = ts(facts.reported_at);
    conn.execute(
        "INSERT INTO incident_stats (incident_id, reported_at, stat) VALUES (?1, ?2, ?3)
         ON CONFLICT(incident_id) DO UPDATE SET stat = excluded.stat
         WHERE stat IS NOT excluded.stat",
        params![incident, reported, json],
    )?;
    conn.execute(
        "UPDATE incident_stats SET reported_at = ?2 WHERE incident_id = ?1 AND reported_at IS NOT ?2",
        params![incident, reported],
    )?;
    Ok(())
}

/// Fills in the termly-figures projection for incidents recorded before it existed.
pub(crate) fn backfill_stats(conn: &Connection) -> Result<()> {
    // Every write keeps an incident and its row together, so only a vault from before the
    // projection (or one whose rows were cleared) lacks the newest incident's row; two index
    // look-ups tell, without reading either table through.
    let complete: bool = conn.query_row(
        "SELECT (SELECT max(id) FROM incidents) IS (SELECT max(incident_id) FROM incident_stats)",
        [],
        |r| r.get(0),
    )?;
    if complete {
        return Ok(());
    }
    let missing: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM incidents WHERE id NOT IN (SELECT incident_id FROM incident_stats)",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for incident in missing {
        let h = header(conn, incident)?;
        let flow = flow_of(&h)?;
        let facts = latest_facts(conn, incident)?;
        let people = involvements(conn, incident)?;
        let entries = entries(conn, incident)?;
        let state = evaluate(flow, &people, &entries);
        write_stat(conn, incident, &facts, &people, &entries, state.mark)?;
    }
    Ok(())
}

fn insert_person(
    conn: &Connection,
    user: i64,
    p: &dsl_domain::incident::NewPerson,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO people (kind, name, year_group, date_of_birth, job_title, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            p.kind.as_str(),
            p.name,
            p.year_group.map(i64::from),
            p.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string()),
            p.job_title,
            ts(now),
            user
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, now, user, "person.added", "person", &id.to_string())?;
    Ok(id)
}

fn add_involvement(
    conn: &Connection,
    user: i64,
    incident: i64,
    input: &InvolvementInput,
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    let person_id = match (&input.person_id, &input.new_person) {
        (Some(id), None) => {
            let exists: Option<i64> = conn
                .query_row("SELECT id FROM people WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            exists.ok_or_else(|| {
                ApiError::new(
                    ErrorKind::NotFound,
                    "That person is not known in this vault.",
                )
            })?
        }
        (None, Some(new)) => {
            let new = check_person(new, now.date_naive())?;
            insert_person(conn, user, &new, now)?
        }
        _ => {
            return Err(
                ApiError::validation("people", "Pick a known person or type a new one.").into(),
            )
        }
    };
    let already: Option<i64> = conn
        .query_row(
            "SELECT id FROM involvements WHERE incident_id = ?1 AND person_id = ?2 AND role = ?3",
            params![incident, person_id, input.role.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    if already.is_some() {
        return Err(ApiError::new(
            ErrorKind::Conflict,
            "That person already has that role in this incident.",
        )
        .into());
    }
    conn.execute(
        "INSERT INTO involvements (incident_id, person_id, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![incident, person_id, input.role.as_str(), ts(now), user],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        now,
        user,
        "involvement.added",
        "incident",
        &incident.to_string(),
    )?;
    Ok(id)
}

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<SummaryRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

const SUMMARY_COLUMNS: &str =
    "i.id, i.reference, i.status, i.mark, i.occurred_at, i.activity_type, i.risk_area, i.summary, i.people_names, i.current_step";

fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| StoreError::Corrupt("a stored value is unreadable"))
}

fn to_summary(row: SummaryRow) -> Result<IncidentSummary> {
    let (
        id,
        reference,
        status,
        mark,
        occurred_at,
        activity_type,
        risk_area,
        summary,
        names,
        current_step,
    ) = row;
    Ok(IncidentSummary {
        id,
        reference,
        status: parse_enum(&status)?,
        mark: mark.map(|m| parse_enum(&m)).transpose()?,
        occurred_at: parse_ts(&occurred_at)?,
        activity_type,
        risk_area: parse_enum(&risk_area)?,
        summary,
        people: serde_json::from_str(&names)
            .map_err(|_| StoreError::Corrupt("names are unreadable"))?,
        current_step,
    })
}

/// Inserts an incident with its first facts and people (facts already checked). The caller
/// refreshes the projection and commits.
pub(crate) fn insert_incident(
    conn: &Connection,
    user: i64,
    facts: &IncidentFacts,
    people: &[InvolvementInput],
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    let flow = flow::current().map_err(|_| StoreError::Corrupt("the shipped flow is not valid"))?;
    let year = now.year();
    let seq: i64 = conn.query_row(
        // A destroyed record's number is never given to a new one.
        // Each MAX is one seek in the (year, seq) index, not a walk through the year's records.
        "SELECT COALESCE(MAX(s), 0) + 1 FROM
         (SELECT MAX(seq) AS s FROM incidents WHERE year = ?1
          UNION ALL SELECT MAX(seq) FROM tombstones WHERE year = ?1)",
        [year],
        |r| r.get(0),
    )?;
    let id: i64 = conn.query_row(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM
         (SELECT MAX(id) AS id FROM incidents UNION ALL SELECT MAX(incident_id) FROM tombstones)",
        [],
        |r| r.get(0),
    )?;
    let reference = reference(year, u32::try_from(seq).unwrap_or(u32::MAX));
    conn.execute(
        "INSERT INTO incidents (id, reference, year, seq, flow_id, flow_version, created_at, created_by,
         status, occurred_at, activity_type, risk_area, summary, people_names, current_step, updated_at)
         VALUES (?9, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?10, '', '', '[]', '', ?6)",
        // The indexed columns are final here, so the projection need not move their entries.
        params![reference, year, seq, flow.id, flow.version, ts(now), user, ts(facts.occurred_at), id, facts.activity_type],
    )?;
    conn.execute(
        "INSERT INTO incident_facts (incident_id, at, user_id, facts) VALUES (?1, ?2, ?3, ?4)",
        params![
            id,
            ts(now),
            user,
            serde_json::to_string(facts).map_err(|_| StoreError::Crypto)?
        ],
    )?;
    audit::record(
        conn,
        now,
        user,
        "incident.created",
        "incident",
        &id.to_string(),
    )?;
    for p in people {
        add_involvement(conn, user, id, p, now)?;
    }
    Ok(id)
}

/// Inserts one checked flow entry and its audit line; returns the entry's id.
pub(crate) fn insert_entry(
    conn: &Connection,
    user: i64,
    incident: i64,
    input: &EntryInput,
    body: &EntryBody,
    supersedes: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO flow_entries (incident_id, at, user_id, node_id, person_id, supersedes, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            incident,
            ts(now),
            user,
            input.node_id,
            input.person_id,
            supersedes,
            serde_json::to_string(body).map_err(|_| StoreError::Crypto)?
        ],
    )?;
    let entry = conn.last_insert_rowid();
    let action = match body {
        EntryBody::Closed { .. } => "incident.closed",
        EntryBody::Reopened { .. } => "incident.reopened",
        _ => "entry.added",
    };
    audit::record(conn, now, user, action, "flow_entry", &entry.to_string())?;
    Ok(entry)
}

impl Vault {
    /// Records a new incident with its people, following the current flow. Returns its id.
    pub fn create_incident(
        &mut self,
        new: &NewIncident,
        now: DateTime<Utc>,
    ) -> std::result::Result<i64, WriteError> {
        let facts = check_facts(&new.facts, now)?;
        self.require_editor("only a DSL or deputy can change records")?;
        let user = self.user_id;
        let tx = self.conn.transaction()?;
        let id = insert_incident(&tx, user, &facts, &new.people, now)?;
        refresh_projection(&tx, id, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// The whole incident, with where it stands in its flow and its chronology.
    pub fn incident(&self, id: i64) -> Result<IncidentDetail> {
        let h = header(&self.conn, id)?;
        let flow = flow_of(&h)?;
        let facts = latest_facts(&self.conn, id)?;
        let people = involvements(&self.conn, id)?;
        let entries = entries(&self.conn, id)?;
        let state = evaluate(flow, &people, &entries);
        let chronology = chronology(flow, &people, &entries);
        Ok(IncidentDetail {
            id,
            reference: h.reference,
            flow_id: h.flow_id,
            flow_version: h.flow_version,
            created_at: h.created_at,
            created_by: h.created_by,
            facts,
            people,
            flow: state,
            chronology,
        })
    }

    /// The question to show when an earlier answer is being changed.
    pub fn reask(
        &self,
        id: i64,
        node_id: &str,
        person_id: Option<i64>,
    ) -> Result<Option<dsl_domain::flow::StepView>> {
        let h = header(&self.conn, id)?;
        let flow = flow_of(&h)?;
        let people = involvements(&self.conn, id)?;
        let entries = entries(&self.conn, id)?;
        Ok(flow::reask(flow, &people, &entries, node_id, person_id))
    }

    /// Records an answer, checklist item, note, close or reopen, after the flow rules accept it.
    pub fn record_entry(
        &mut self,
        id: i64,
        input: &EntryInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<i64, WriteError> {
        self.require_editor("only a DSL or deputy can change records")?;
        let user = self.user_id;
        let tx = self.conn.transaction()?;
        let h = header(&tx, id)?;
        let flow = flow_of(&h)?;
        let people = involvements(&tx, id)?;
        let existing = entries(&tx, id)?;
        let (body, supersedes) = flow::check_entry(flow, &people, &existing, input)?;
        let entry = insert_entry(&tx, user, id, input, &body, supersedes, now)?;
        refresh_projection(&tx, id, now)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Adds a person to an incident (e.g. another pupil found to be involved).
    pub fn add_person(
        &mut self,
        id: i64,
        input: &InvolvementInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), WriteError> {
        self.require_editor("only a DSL or deputy can change records")?;
        let user = self.user_id;
        let tx = self.conn.transaction()?;
        header(&tx, id)?;
        let closed: String =
            tx.query_row("SELECT status FROM incidents WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        if closed == "closed" {
            return Err(ApiError::new(
                ErrorKind::Conflict,
                "The incident is closed. Reopen it to add people.",
            )
            .into());
        }
        add_involvement(&tx, user, id, input, now)?;
        refresh_projection(&tx, id, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Corrects the facts: a new version is added; the old one stays.
    pub fn correct_facts(
        &mut self,
        id: i64,
        facts: &IncidentFacts,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), WriteError> {
        let facts = check_facts(facts, now)?;
        self.require_editor("only a DSL or deputy can change records")?;
        let user = self.user_id;
        let tx = self.conn.transaction()?;
        header(&tx, id)?;
        tx.execute(
            "INSERT INTO incident_facts (incident_id, at, user_id, facts) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                ts(now),
                user,
                serde_json::to_string(&facts).map_err(|_| StoreError::Crypto)?
            ],
        )?;
        audit::record(
            &tx,
            now,
            user,
            "facts.corrected",
            "incident",
            &id.to_string(),
        )?;
        refresh_projection(&tx, id, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Incidents matching the filter, newest first.
    pub fn list_incidents(
        &self,
        filter: &IncidentFilter,
        limit: u32,
    ) -> Result<Vec<IncidentSummary>> {
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM incidents i WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(status) = filter.status {
            sql.push_str(" AND i.status = ?");
            args.push(status.as_str().to_string().into());
        }
        if let Some(from) = filter.from {
            sql.push_str(" AND i.occurred_at >= ?");
            args.push(format!("{}T00:00:00.000Z", from.format("%Y-%m-%d")).into());
        }
        if let Some(to) = filter.to {
            sql.push_str(" AND i.occurred_at < ?");
            let next = to.succ_opt().unwrap_or(to);
            args.push(format!("{}T00:00:00.000Z", next.format("%Y-%m-%d")).into());
        }
        if let Some(kind) = filter.activity_type.as_ref().filter(|s| !s.is_empty()) {
            sql.push_str(" AND i.activity_type = ?");
            args.push(kind.clone().into());
        }
        if let Some(illegal) = filter.illegal {
            sql.push_str(if illegal {
                " AND i.mark = 'illegal'"
            } else {
                " AND (i.mark IS NULL OR i.mark <> 'illegal')"
            });
        }
        if let Some(person) = filter.person_id {
            sql.push_str(" AND i.id IN (SELECT incident_id FROM involvements WHERE person_id = ?)");
            args.push(person.into());
        }
        if let Some(text) = filter
            .text
            .as_ref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
        {
            for word in text.split_whitespace().take(8) {
                if word.chars().count() >= 3 {
                    // Trigram index: any substring of three or more characters is found quickly.
                    sql.push_str(
                        " AND i.id IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)",
                    );
                    args.push(format!("\"{}\"", word.replace('"', "\"\"")).into());
                } else {
                    sql.push_str(
                        " AND i.id IN (SELECT rowid FROM incident_search WHERE instr(text, ?) > 0)",
                    );
                    args.push(word.to_string().into());
                }
            }
        }
        sql.push_str(" ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?");
        args.push(i64::from(limit).into());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), summary_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(to_summary(row?)?);
        }
        Ok(out)
    }

    /// Known people whose name contains `text`, for picking rather than retyping.
    pub fn find_people(&self, text: &str, limit: u32) -> Result<Vec<Person>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE instr(lower(p.name), ?1) > 0 ORDER BY p.name LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![text.trim().to_lowercase(), limit], person_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(to_person(row?)?);
        }
        Ok(out)
    }

    /// A person's incidents across the vault, newest first, with their role in each.
    pub fn person_history(&self, person_id: i64) -> Result<PersonHistory> {
        let person = self
            .conn
            .query_row(
                &format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = ?1"),
                [person_id],
                person_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}, v.role FROM involvements v JOIN incidents i ON i.id = v.incident_id
             WHERE v.person_id = ?1 ORDER BY i.occurred_at DESC, i.id DESC"
        ))?;
        let rows = stmt.query_map([person_id], |r| {
            Ok((summary_from_row(r)?, r.get::<_, String>(10)?))
        })?;
        let mut incidents = Vec::new();
        for row in rows {
            let (summary, role) = row?;
            incidents.push(PersonIncident {
                role: PersonRole::parse(&role).ok_or(StoreError::Corrupt("unknown role"))?,
                incident: to_summary(summary)?,
            });
        }
        Ok(PersonHistory {
            person: to_person(person)?,
            incidents,
        })
    }
}
