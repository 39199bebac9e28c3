//! Term dates, the termly dashboard and the governor report's draft.

use dsl_domain::governor::{GovernorDraft, TermDashboard};
use dsl_domain::terms::{Term, TermName};
use dsl_domain::time::uk_day;
use tauri::State;

use super::now;
use crate::error::CmdResult;
use crate::state::AppState;

/// The terms a report can be made for, newest first.
#[tauri::command]
pub async fn term_choices(state: State<'_, AppState>) -> CmdResult<Vec<Term>> {
    state.vault(|v| Ok(v.term_choices(uk_day(now()))?)).await
}

/// One academic year's terms (the school's dates or the defaults).
#[tauri::command]
pub async fn terms_of_year(state: State<'_, AppState>, year: i32) -> CmdResult<Vec<Term>> {
    state
        .vault(move |v| Ok(v.terms_of_year(year)?.to_vec()))
        .await
}

/// Saves one academic year's term dates.
#[tauri::command]
pub async fn save_terms(state: State<'_, AppState>, terms: Vec<Term>) -> CmdResult<Vec<Term>> {
    state
        .vault(move |v| Ok(v.save_terms(&terms, now())?.to_vec()))
        .await
}

/// The figures, flagged lessons and report draft for one term.
#[tauri::command]
pub async fn term_dashboard(
    state: State<'_, AppState>,
    year: i32,
    term: TermName,
) -> CmdResult<TermDashboard> {
    state
        .vault(move |v| Ok(v.term_dashboard(year, term)?))
        .await
}

/// Saves the head's narrative, the chosen lessons and the filtering review date.
#[tauri::command]
pub async fn save_governor_draft(
    state: State<'_, AppState>,
    year: i32,
    term: TermName,
    draft: GovernorDraft,
) -> CmdResult<GovernorDraft> {
    state
        .vault(move |v| Ok(v.save_governor_draft(year, term, &draft, now())?))
        .await
}

/// The names, usernames and references known to the vault that a text for governors holds:
/// shown to the DSL before the text goes into the report, never printed.
#[tauri::command]
pub async fn known_in_text(
    state: State<'_, AppState>,
    text: String,
) -> CmdResult<Vec<dsl_store::governor::KnownMatch>> {
    state.vault(move |v| Ok(v.known_in_text(&text)?)).await
}
