//! Loading one incident: its header, latest facts, people and flow entries, read once and
//! then evaluated, projected or shown from what was read.

use dsl_domain::flow::{self, chronology, evaluate, FlowDefinition, FlowEntry, FlowState};
use dsl_domain::incident::{IncidentDetail, IncidentFacts, Involvement};
use rusqlite::{Connection, OptionalExtension};

use super::rows::{involvement_columns, Header, ENTRY_COLUMNS, HEADER_COLUMNS};
use crate::columns::{collect, json, FromRow};

use crate::{Result, StoreError, Vault};

/// An incident's people, in the order they were added.
pub(crate) fn involvements(conn: &Connection, incident: i64) -> Result<Vec<Involvement>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM involvements i
         JOIN people p ON p.id = i.person_id WHERE i.incident_id = ?1 ORDER BY i.id",
        involvement_columns()
    ))?;
    collect(&mut stmt, [incident])
}

/// An incident's flow entries, oldest first.
pub(crate) fn entries(conn: &Connection, incident: i64) -> Result<Vec<FlowEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM flow_entries e JOIN users u ON u.id = e.user_id
         WHERE e.incident_id = ?1 ORDER BY e.id"
    ))?;
    collect(&mut stmt, [incident])
}

/// The newest version of an incident's facts.
fn latest_facts(conn: &Connection, incident: i64) -> Result<IncidentFacts> {
    let text: String = conn
        .query_row(
            "SELECT facts FROM incident_facts WHERE incident_id = ?1 ORDER BY id DESC LIMIT 1",
            [incident],
            |r| r.get("facts"),
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    json::from_text(&text, "incident facts are unreadable")
}

/// Who made the incident and under which flow; not found if there is no such incident.
pub(crate) fn header(conn: &Connection, incident: i64) -> Result<Header> {
    conn.query_row(
        &format!(
            "SELECT {HEADER_COLUMNS} FROM incidents i JOIN users u ON u.id = i.created_by
             WHERE i.id = ?1"
        ),
        [incident],
        Header::from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// The flow the incident was recorded under.
pub(crate) fn flow_of(h: &Header) -> Result<&'static FlowDefinition> {
    flow::find(&h.flow_id, h.flow_version)
        .map_err(|_| StoreError::Corrupt("the incident's flow version is not known"))
}

/// The flow the incident was recorded under, as it applies to its type of activity.
pub(crate) fn case_flow_of(h: &Header, facts: &IncidentFacts) -> Result<&'static FlowDefinition> {
    flow::find_for(&h.flow_id, h.flow_version, &facts.activity_type)
        .map_err(|_| StoreError::Corrupt("the incident's flow version is not known"))
}

/// Everything recorded about one incident.
pub(crate) struct Loaded {
    pub(crate) id: i64,
    pub(crate) header: Header,
    pub(crate) flow: &'static FlowDefinition,
    /// The flow as it applies to the incident's type: what the walk and the checks follow.
    pub(crate) case: &'static FlowDefinition,
    pub(crate) facts: IncidentFacts,
    pub(crate) people: Vec<Involvement>,
    pub(crate) entries: Vec<FlowEntry>,
}

impl Loaded {
    /// Reads the incident's records; not found if there is no such incident.
    pub(crate) fn load(conn: &Connection, id: i64) -> Result<Loaded> {
        let header = header(conn, id)?;
        let flow = flow_of(&header)?;
        let facts = latest_facts(conn, id)?;
        Ok(Loaded {
            id,
            flow,
            case: case_flow_of(&header, &facts)?,
            facts,
            people: involvements(conn, id)?,
            entries: entries(conn, id)?,
            header,
        })
    }

    /// Where the incident stands in its flow.
    pub(crate) fn evaluate(&self) -> FlowState {
        evaluate(self.case, &self.people, &self.entries)
    }

    /// The whole incident for the screen, with its already evaluated `state`.
    pub(crate) fn into_detail(self, state: FlowState) -> IncidentDetail {
        let chronology = chronology(self.flow, &self.people, &self.entries);
        let due = dsl_domain::flow::due_steps(
            self.flow,
            &state,
            &self.people,
            &self.entries,
            self.facts.reported_at,
        );
        IncidentDetail {
            activity: self.flow.activity_type(&self.facts.activity_type).cloned(),
            id: self.id,
            reference: self.header.reference,
            flow_id: self.header.flow_id,
            flow_version: self.header.flow_version,
            created_at: self.header.created_at,
            created_by: self.header.created_by,
            facts: self.facts,
            people: self.people,
            flow: state,
            chronology,
            due,
        }
    }
}

impl Vault {
    /// The whole incident, with where it stands in its flow and its chronology.
    pub fn incident(&self, id: i64) -> Result<IncidentDetail> {
        let loaded = Loaded::load(self.db(id)?, id)?;
        let state = loaded.evaluate();
        Ok(loaded.into_detail(state))
    }

    /// The question to show when an earlier answer is being changed.
    pub fn reask(
        &self,
        id: i64,
        node_id: &str,
        person_id: Option<i64>,
    ) -> Result<Option<dsl_domain::flow::StepView>> {
        let conn = self.db(id)?;
        let h = header(conn, id)?;
        let flow = case_flow_of(&h, &latest_facts(conn, id)?)?;
        let people = involvements(conn, id)?;
        let entries = entries(conn, id)?;
        Ok(flow::reask(flow, &people, &entries, node_id, person_id))
    }
}
