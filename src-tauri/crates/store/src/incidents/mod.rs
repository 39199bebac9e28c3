//! Incidents: facts (versioned), people and their roles, and flow entries. Every record is
//! appended, never changed; the `incidents` row also carries a projection for the list.
//!
//! - [`rows`]: reading rows into typed values, by column name;
//! - [`load`]: loading one incident, and showing it;
//! - [`projections`]: the list, search and figures rows rebuilt after each write;
//! - [`writes`]: new incidents, people, facts and flow entries;
//! - [`queries`]: the filtered list, name look-ups and a person's history.

mod concerns;
mod corrections;
mod load;
mod projections;
mod queries;
mod rows;
mod writes;

use dsl_domain::incident::{IncidentSummary, Person, PersonRole};
use dsl_domain::ApiError;
use serde::Serialize;
use ts_rs::TS;

use crate::StoreError;

pub(crate) use concerns::linked_person;
#[cfg(test)]
pub(crate) use concerns::{insert_concern, ConcernText};
pub(crate) use load::involvements;
pub(crate) use projections::{backfill_stats, refresh_projection};
pub(crate) use writes::{insert_entry, insert_incident, settle};

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
