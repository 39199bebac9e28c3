//! Incidents: recording, the guided flow, the list and people's histories.

use dsl_domain::flow::{EntryInput, StepView};
use dsl_domain::incident::{
    ActivityType, IncidentDetail, IncidentFacts, IncidentFilter, IncidentSummary, InvolvementInput,
    NewIncident, Person, ACTIVITY_TYPES,
};
use dsl_domain::{ApiError, ErrorKind};
use dsl_store::PersonHistory;
use tauri::State;

use super::now;
use crate::error::{from_store, from_write, CmdResult};
use crate::state::{blocking, AppState};

/// The most rows the list returns at once.
const LIST_LIMIT: u32 = 500;

/// The activity types of the policy's User Actions table.
#[tauri::command]
pub async fn activity_types() -> CmdResult<Vec<ActivityType>> {
    Ok(ACTIVITY_TYPES.to_vec())
}

/// Records a new incident and returns it.
#[tauri::command]
pub async fn create_incident(
    state: State<'_, AppState>,
    input: NewIncident,
) -> CmdResult<IncidentDetail> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.create_incident(&input, now()).map_err(from_write)))
        .await
}

/// One incident with where it stands and its chronology.
#[tauri::command]
pub async fn get_incident(state: State<'_, AppState>, id: i64) -> CmdResult<IncidentDetail> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.incident(id).map_err(from_store))).await
}

/// Records an answer, item, note, close or reopen; returns the incident as it now stands.
#[tauri::command]
pub async fn record_entry(
    state: State<'_, AppState>,
    id: i64,
    input: EntryInput,
) -> CmdResult<IncidentDetail> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.record_entry(id, &input, now()).map_err(from_write)))
        .await
}

/// The question to show again when the DSL changes an earlier answer.
#[tauri::command]
pub async fn reask_step(
    state: State<'_, AppState>,
    id: i64,
    node_id: String,
    person_id: Option<i64>,
) -> CmdResult<StepView> {
    let state = state.inner().clone();
    blocking(move || {
        state.with_vault(|v| {
            v.reask(id, &node_id, person_id)
                .map_err(from_store)?
                .ok_or_else(|| {
                    ApiError::new(ErrorKind::Conflict, "That answer cannot be changed now.")
                })
        })
    })
    .await
}

/// Adds a person to an incident.
#[tauri::command]
pub async fn add_person(
    state: State<'_, AppState>,
    id: i64,
    input: InvolvementInput,
) -> CmdResult<IncidentDetail> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.add_person(id, &input, now()).map_err(from_write)))
        .await
}

/// Corrects an incident's facts (the earlier version is kept).
#[tauri::command]
pub async fn correct_facts(
    state: State<'_, AppState>,
    id: i64,
    facts: IncidentFacts,
) -> CmdResult<IncidentDetail> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.correct_facts(id, &facts, now()).map_err(from_write)))
        .await
}

/// Incidents matching the filters, newest first.
#[tauri::command]
pub async fn list_incidents(
    state: State<'_, AppState>,
    filter: IncidentFilter,
) -> CmdResult<Vec<IncidentSummary>> {
    let state = state.inner().clone();
    blocking(move || {
        state.with_vault(|v| v.list_incidents(&filter, LIST_LIMIT).map_err(from_store))
    })
    .await
}

/// Known people whose name contains the text.
#[tauri::command]
pub async fn find_people(state: State<'_, AppState>, text: String) -> CmdResult<Vec<Person>> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.find_people(&text, 20).map_err(from_store))).await
}

/// A person's incidents across the vault.
#[tauri::command]
pub async fn person_history(
    state: State<'_, AppState>,
    person_id: i64,
) -> CmdResult<PersonHistory> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.person_history(person_id).map_err(from_store))).await
}
