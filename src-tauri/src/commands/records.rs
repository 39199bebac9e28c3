//! Records over the years: the retention review, tombstones, transfers to a new school and
//! subject access exports.

use chrono::NaiveDate;
use dsl_domain::incident::PersonKind;
use dsl_domain::retention::{RetentionDecision, RetentionItem, Tombstone};
use dsl_domain::time::uk_day;
use dsl_domain::transfer::{
    check_transfer, subject_access_bundle, transfer_bundle, BundleContext, ReceiptInput, Transfer,
    TransferInput,
};
use dsl_domain::ErrorKind;
use tauri::{AppHandle, Runtime, State};

use super::now;
use super::reports::{save_path, write_report};
use crate::error::{CmdError, CmdResult};
use crate::state::AppState;

/// Records whose review date has come.
#[tauri::command]
pub async fn retention_due(state: State<'_, AppState>) -> CmdResult<Vec<RetentionItem>> {
    state.vault(|v| Ok(v.retention_due(uk_day(now()))?)).await
}

/// When one incident comes up for review.
#[tauri::command]
pub async fn retention_of(state: State<'_, AppState>, id: i64) -> CmdResult<RetentionItem> {
    state.vault(move |v| Ok(v.retention_of(id)?)).await
}

/// Keeps a due record until a new review date, or destroys it leaving a tombstone.
#[tauri::command]
pub async fn decide_retention(
    state: State<'_, AppState>,
    id: i64,
    decision: RetentionDecision,
) -> CmdResult<()> {
    state
        .vault(move |v| Ok(v.decide_retention(id, &decision, now())?))
        .await
}

/// What is left of each destroyed record.
#[tauri::command]
pub async fn list_tombstones(state: State<'_, AppState>) -> CmdResult<Vec<Tombstone>> {
    state.vault(|v| Ok(v.tombstones()?)).await
}

/// The transfer log, for one person or everyone.
#[tauri::command]
pub async fn list_transfers(
    state: State<'_, AppState>,
    person_id: Option<i64>,
) -> CmdResult<Vec<Transfer>> {
    state
        .vault(move |v| Ok(v.transfers(person_id, uk_day(now()))?))
        .await
}

fn file_day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Draws the pupil's transfer package, saves it where the user chooses, then logs the
/// transfer. Returns the logged transfer.
#[tauri::command]
pub async fn export_transfer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    transfer: TransferInput,
) -> CmdResult<Transfer> {
    state
        .run(move |state| {
            let at = now();
            let (bytes, refs) = state.with_vault(|v| {
                v.require_editor("only a DSL or deputy can send records")?;
                let t = check_transfer(&transfer, at)?;
                let session = v.session()?;
                // Refused before the package is written, not after.
                v.require_editor("only a DSL or deputy can send records")?;
                v.require_transfer_loggable(t.person_id)?;
                let set = v.person_reports(
                    t.person_id,
                    &session.user_name,
                    at,
                    env!("CARGO_PKG_VERSION"),
                )?;
                if set.person.kind != PersonKind::Pupil {
                    return Err(CmdError::new(
                        ErrorKind::Conflict,
                        "Only a pupil's records are transferred to a new school.",
                    ));
                }
                let refs: Vec<String> = set.reports.iter().map(|r| r.reference.clone()).collect();
                let ctx = BundleContext {
                    school_name: &session.school_name,
                    generated_by: &session.user_name,
                    generated_at: at,
                    app_version: env!("CARGO_PKG_VERSION"),
                };
                let bundle = transfer_bundle(
                    &ctx,
                    &set.person,
                    &t.to_school,
                    &t.method,
                    t.sent_at,
                    set.reports,
                    &set.roles,
                );
                Ok((dsl_report::bundle::render(&bundle)?, refs))
            })?;
            let name = format!("Records transfer {}.pdf", file_day(uk_day(at)));
            let path = save_path(&app, "Save the transfer package", &name)?;
            write_report(&path, &bytes)?;
            *state.last_export() = Some(path);
            state.with_vault(|v| Ok(v.log_transfer(&transfer, &refs, at)?))
        })
        .await
}

/// Records the new school's acknowledgement.
#[tauri::command]
pub async fn record_receipt(state: State<'_, AppState>, receipt: ReceiptInput) -> CmdResult<()> {
    state
        .vault(move |v| Ok(v.record_receipt(&receipt, now())?))
        .await
}

/// Draws everything held about one person, others redacted, and saves it where the user
/// chooses. Returns the saved file's path.
#[tauri::command]
pub async fn export_subject_access<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    person_id: i64,
) -> CmdResult<String> {
    state
        .run(move |state| {
            let at = now();
            let bytes = state.with_vault(|v| {
                let session = v.session()?;
                let set =
                    v.person_reports(person_id, &session.user_name, at, env!("CARGO_PKG_VERSION"))?;
                let transfers = v.transfers(Some(person_id), uk_day(at))?;
                let ctx = BundleContext {
                    school_name: &session.school_name,
                    generated_by: &session.user_name,
                    generated_at: at,
                    app_version: env!("CARGO_PKG_VERSION"),
                };
                let bundle =
                    subject_access_bundle(&ctx, &set.person, set.reports, &set.roles, &transfers);
                Ok(dsl_report::bundle::render(&bundle)?)
            })?;
            let name = format!("Subject access {}.pdf", file_day(uk_day(at)));
            let path = save_path(&app, "Save the subject access export", &name)?;
            write_report(&path, &bytes)?;
            *state.last_export() = Some(path.clone());
            state.with_vault(|v| {
                Ok(v.log_access(
                    dsl_store::access::SUBJECT_ACCESS,
                    "person",
                    &person_id.to_string(),
                    now(),
                )?)
            })?;
            Ok(path.to_string_lossy().into_owned())
        })
        .await
}
