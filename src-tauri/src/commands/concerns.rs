//! The low-level concerns register, and what is known about staff (the headteacher, the date
//! they left).

use chrono::NaiveDate;
use dsl_domain::concern::{ConcernAdult, ConcernPattern, NewConcern};
use dsl_domain::incident::{IncidentDetail, Person};
use dsl_domain::time::uk_day;
use dsl_store::restricted::Restriction;
use tauri::State;

use super::now;
use crate::error::CmdResult;
use crate::state::AppState;

/// Each adult with low-level concerns, with the count and dates.
#[tauri::command]
pub async fn concern_register(state: State<'_, AppState>) -> CmdResult<Vec<ConcernAdult>> {
    state
        .vault(|v| Ok(v.concern_register(uk_day(now()))?))
        .await
}

/// Every concern about one adult, with the pattern they make.
#[tauri::command]
pub async fn concerns_about(
    state: State<'_, AppState>,
    person_id: i64,
) -> CmdResult<ConcernPattern> {
    state
        .vault(move |v| Ok(v.concerns_about(person_id, uk_day(now()))?))
        .await
}

/// Records a low-level concern about a member of staff or volunteer.
#[tauri::command]
pub async fn add_concern(
    state: State<'_, AppState>,
    concern: NewConcern,
) -> CmdResult<ConcernPattern> {
    state
        .vault(move |v| Ok(v.add_concern(&concern, now())?))
        .await
}

/// Escalates concerns about one adult to an allegation: opens an incident for it.
#[tauri::command]
pub async fn escalate_concerns(
    state: State<'_, AppState>,
    person_id: i64,
    concern_ids: Vec<i64>,
) -> CmdResult<IncidentDetail> {
    state
        .vault(move |v| Ok(v.escalate_concerns(person_id, &concern_ids, now())?))
        .await
}

/// Destroys an adult's concerns once their retention has ended.
#[tauri::command]
pub async fn destroy_concerns(
    state: State<'_, AppState>,
    person_id: i64,
    reason: String,
) -> CmdResult<u32> {
    state
        .vault(move |v| Ok(v.destroy_concerns(person_id, &reason, now())?))
        .await
}

/// Records that a member of staff is the headteacher (or not), and when they left.
#[tauri::command]
pub async fn set_staff_details(
    state: State<'_, AppState>,
    person_id: i64,
    headteacher: bool,
    left_on: Option<NaiveDate>,
) -> CmdResult<Person> {
    state
        .vault(move |v| Ok(v.set_staff_details(person_id, headteacher, left_on, now())?))
        .await
}

/// Sets how many years concerns are kept after the adult leaves.
#[tauri::command]
pub async fn set_concern_years(state: State<'_, AppState>, years: u32) -> CmdResult<()> {
    state
        .vault(move |v| Ok(v.set_concern_years(years, now())?))
        .await
}

/// How many years concerns are kept after the adult leaves.
#[tauri::command]
pub async fn concern_years(state: State<'_, AppState>) -> CmdResult<u32> {
    state.vault(|v| Ok(v.concern_years()?)).await
}

/// Links a vault user to the member of staff they are in the records, or unlinks them.
#[tauri::command]
pub async fn link_user_person(
    state: State<'_, AppState>,
    user_id: i64,
    person_id: Option<i64>,
) -> CmdResult<()> {
    state
        .vault(move |v| Ok(v.link_user_person(user_id, person_id, now())?))
        .await
}

/// Who may read the concerns about an adult, and every user who could be granted them.
#[tauri::command]
pub async fn concerns_restriction(
    state: State<'_, AppState>,
    person_id: i64,
) -> CmdResult<Restriction> {
    state
        .vault(move |v| Ok(v.concerns_restriction(person_id)?))
        .await
}

/// Restricts the concerns about an adult to the users named (the signed-in DSL or deputy
/// always among them), or changes who may read them; taking anyone off re-keys them.
#[tauri::command]
pub async fn restrict_concerns(
    state: State<'_, AppState>,
    person_id: i64,
    user_ids: Vec<i64>,
) -> CmdResult<Restriction> {
    state
        .vault(move |v| {
            v.restrict_concerns(person_id, &user_ids, now())?;
            Ok(v.concerns_restriction(person_id)?)
        })
        .await
}
