//! Term dates, the termly dashboard and the governor report's draft.

use dsl_domain::governor::{GovernorDraft, TermDashboard};
use dsl_domain::terms::{Term, TermName};
use tauri::State;

use super::now;
use crate::error::{from_store, from_write, CmdResult};
use crate::state::{blocking, AppState};

/// The terms a report can be made for, newest first.
#[tauri::command]
pub async fn term_choices(state: State<'_, AppState>) -> CmdResult<Vec<Term>> {
    let state = state.inner().clone();
    blocking(move || {
        state.with_vault(|v| {
            v.term_choices(dsl_domain::time::uk_day(now()))
                .map_err(from_store)
        })
    })
    .await
}

/// One academic year's terms (the school's dates or the defaults).
#[tauri::command]
pub async fn terms_of_year(state: State<'_, AppState>, year: i32) -> CmdResult<Vec<Term>> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| Ok(v.terms_of_year(year).map_err(from_write)?.to_vec())))
        .await
}

/// Saves one academic year's term dates.
#[tauri::command]
pub async fn save_terms(state: State<'_, AppState>, terms: Vec<Term>) -> CmdResult<Vec<Term>> {
    let state = state.inner().clone();
    blocking(move || {
        state.with_vault(|v| Ok(v.save_terms(&terms, now()).map_err(from_write)?.to_vec()))
    })
    .await
}

/// The figures, flagged lessons and report draft for one term.
#[tauri::command]
pub async fn term_dashboard(
    state: State<'_, AppState>,
    year: i32,
    term: TermName,
) -> CmdResult<TermDashboard> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.term_dashboard(year, term).map_err(from_write))).await
}

/// Saves the head's narrative, the chosen lessons and the filtering review date.
#[tauri::command]
pub async fn save_governor_draft(
    state: State<'_, AppState>,
    year: i32,
    term: TermName,
    draft: GovernorDraft,
) -> CmdResult<GovernorDraft> {
    let state = state.inner().clone();
    blocking(move || {
        state.with_vault(|v| {
            v.save_governor_draft(year, term, &draft, now())
                .map_err(from_write)
        })
    })
    .await
}
