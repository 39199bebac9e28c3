//! Incidents: recording, the guided flow, the list and people's histories.

use dsl_domain::flow::{EntryInput, StepInput, StepView};
use dsl_domain::incident::{
    ActivityType, IncidentDetail, IncidentFacts, IncidentFilter, IncidentSummary, InvolvementInput,
    NewIncident, Person, PersonCorrection,
};
use dsl_domain::vault::AccessEntry;
use dsl_domain::ErrorKind;
use dsl_store::restricted::Restriction;
use dsl_store::{access, PersonHistory};
use tauri::State;

use super::now;
use crate::error::{CmdError, CmdResult};
use crate::state::AppState;

/// The most rows the list returns at once.
const LIST_LIMIT: u32 = 500;

/// The activity types of the current flow (those a new incident can take), then those only
/// older flow versions had, marked not current.
#[tauri::command]
pub async fn activity_types() -> CmdResult<Vec<ActivityType>> {
    Ok(dsl_domain::incident::all_activity_types())
}

/// Records a new incident and returns it.
#[tauri::command]
pub async fn create_incident(
    state: State<'_, AppState>,
    input: NewIncident,
) -> CmdResult<IncidentDetail> {
    state
        .vault(move |v| Ok(v.create_incident(&input, now())?))
        .await
}

/// One incident with where it stands and its chronology.
#[tauri::command]
pub async fn get_incident(state: State<'_, AppState>, id: i64) -> CmdResult<IncidentDetail> {
    state
        .vault(move |v| {
            let detail = v.incident(id)?;
            // Logged as opened; a vault that cannot be written to (a read-only folder, a full
            // disk) still shows the record, as every read does.
            let _ = v.log_access(access::OPENED, "incident", &id.to_string(), now());
            Ok(detail)
        })
        .await
}

/// The access log: for one incident (who has seen this record), or, for a DSL or deputy, the
/// whole vault's.
#[tauri::command]
pub async fn access_log(
    state: State<'_, AppState>,
    incident_id: Option<i64>,
) -> CmdResult<Vec<AccessEntry>> {
    state
        .vault(move |v| {
            if incident_id.is_none() {
                v.require_editor("only a DSL or deputy can read the whole access log")?;
            } else if let Some(id) = incident_id {
                v.incident(id)?;
            }
            Ok(v.access_log(incident_id, 1000)?)
        })
        .await
}

/// Who may read an incident: whether it is restricted, to whom, and every user who could be
/// granted it (those the record names marked).
#[tauri::command]
pub async fn incident_restriction(state: State<'_, AppState>, id: i64) -> CmdResult<Restriction> {
    state.vault(move |v| Ok(v.restriction(id)?)).await
}

/// Restricts an incident to the users named (the signed-in DSL or deputy always among them),
/// or changes who may read one already restricted; taking anyone off re-keys it.
#[tauri::command]
pub async fn restrict_incident(
    state: State<'_, AppState>,
    id: i64,
    user_ids: Vec<i64>,
) -> CmdResult<Restriction> {
    state
        .vault(move |v| {
            v.restrict(id, &user_ids, now())?;
            Ok(v.restriction(id)?)
        })
        .await
}

/// Records an answer, item, note, close or reopen; returns the incident as it now stands.
#[tauri::command]
pub async fn record_entry(
    state: State<'_, AppState>,
    id: i64,
    input: EntryInput,
) -> CmdResult<IncidentDetail> {
    state
        .vault(move |v| Ok(v.record_entry(id, &input, now())?))
        .await
}

/// Saves a checklist step at once (each item chosen, then the step completed if asked);
/// returns the incident as it now stands. Nothing is recorded if any of it is refused.
#[tauri::command]
pub async fn record_step(
    state: State<'_, AppState>,
    id: i64,
    input: StepInput,
) -> CmdResult<IncidentDetail> {
    state
        .vault(move |v| Ok(v.record_step(id, &input, now())?))
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
    state
        .vault(move |v| {
            v.reask(id, &node_id, person_id)?.ok_or_else(|| {
                CmdError::new(ErrorKind::Conflict, "That answer cannot be changed now.")
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
    state
        .vault(move |v| Ok(v.add_person(id, &input, now())?))
        .await
}

/// Corrects a person's details from an incident that names them, with the reason.
#[tauri::command]
pub async fn correct_person(
    state: State<'_, AppState>,
    id: i64,
    input: PersonCorrection,
) -> CmdResult<IncidentDetail> {
    state
        .vault(move |v| Ok(v.correct_person(id, &input, now())?))
        .await
}

/// Corrects an incident's facts (the earlier version is kept).
#[tauri::command]
pub async fn correct_facts(
    state: State<'_, AppState>,
    id: i64,
    facts: IncidentFacts,
    reason: String,
) -> CmdResult<IncidentDetail> {
    state
        .vault(move |v| Ok(v.correct_facts(id, &facts, &reason, now())?))
        .await
}

/// Incidents matching the filters, newest first.
#[tauri::command]
pub async fn list_incidents(
    state: State<'_, AppState>,
    filter: IncidentFilter,
) -> CmdResult<Vec<IncidentSummary>> {
    state
        .vault(move |v| Ok(v.list_incidents(&filter, LIST_LIMIT)?))
        .await
}

/// Open incidents with a step due (e.g. the LADO consultation), soonest first.
#[tauri::command]
pub async fn due_incidents(state: State<'_, AppState>) -> CmdResult<Vec<IncidentSummary>> {
    state.vault(|v| Ok(v.due_incidents()?)).await
}

/// Known people whose name contains the text.
#[tauri::command]
pub async fn find_people(state: State<'_, AppState>, text: String) -> CmdResult<Vec<Person>> {
    state.vault(move |v| Ok(v.find_people(&text, 20)?)).await
}

/// A person's incidents across the vault.
#[tauri::command]
pub async fn person_history(
    state: State<'_, AppState>,
    person_id: i64,
) -> CmdResult<PersonHistory> {
    state.vault(move |v| Ok(v.person_history(person_id)?)).await
}
