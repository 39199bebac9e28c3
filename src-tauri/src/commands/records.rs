//! Records over the years: the retention review, tombstones, transfers to a new school and
//! subject access exports.

use chrono::NaiveDate;
use dsl_domain::retention::{RetentionDecision, RetentionItem, Tombstone};
use dsl_domain::time::uk_day;
use dsl_domain::transfer::{
    check_transfer, subject_access_bundle, transfer_bundle, BundleContext, ReceiptInput, Transfer,
    TransferInput,
};
use tauri::{AppHandle, Runtime, State};

use super::now;
use super::reports::{save_path, write_report};
use crate::error::{from_store, from_write, internal, CmdResult};
use crate::state::{blocking, AppState};

/// Records whose review date has come.
#[tauri::command]
pub async fn retention_due(state: State<'_, AppState>) -> CmdResult<Vec<RetentionItem>> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.retention_due(uk_day(now())).map_err(from_store))).await
}

/// When one incident comes up for review.
#[tauri::command]
pub async fn retention_of(state: State<'_, AppState>, id: i64) -> CmdResult<RetentionItem> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.retention_of(id).map_err(from_store))).await
}

/// Keeps a due record until a new review date, or destroys it leaving a tombstone.
#[tauri::command]
pub async fn decide_retention(
    state: State<'_, AppState>,
    id: i64,
    decision: RetentionDecision,
) -> CmdResult<()> {
    let state = state.inner().clone();
    blocking(move || {
        state.with_vault(|v| v.decide_retention(id, &decision, now()).map_err(from_write))
    })
    .await
}

/// What is left of each destroyed record.
#[tauri::command]
pub async fn list_tombstones(state: State<'_, AppState>) -> CmdResult<Vec<Tombstone>> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.tombstones().map_err(from_store))).await
}

/// The transfer log, for one person or everyone.
#[tauri::command]
pub async fn list_transfers(
    state: State<'_, AppState>,
    person_id: Option<i64>,
) -> CmdResult<Vec<Transfer>> {
    let state = state.inner().clone();
    blocking(move || {
        state.with_vault(|v| v.transfers(person_id, uk_day(now())).map_err(from_store))
    })
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
    let state = state.inner().clone();
    blocking(move || {
        let at = now();
        let (bytes, refs) = state.with_vault(|v| {
            v.require_editor("only a DSL or deputy can send records")
                .map_err(from_store)?;
            let t = check_transfer(&transfer, at)?;
            let session = v.session().map_err(from_store)?;
            let set = v
                .person_reports(
                    t.person_id,
                    &session.user_name,
                    at,
                    env!("CARGO_PKG_VERSION"),
                )
                .map_err(from_store)?;
            if set.person.kind != dsl_domain::incident::PersonKind::Pupil {
                return Err(dsl_domain::ApiError::new(
                    dsl_domain::ErrorKind::Conflict,
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
            let bytes = dsl_report::bundle::render(&bundle)
                .map_err(|_| internal("transfer package could not be drawn"))?;
            Ok((bytes, refs))
        })?;
        let name = format!("Records transfer {}.pdf", file_day(uk_day(at)));
        let path = save_path(&app, "Save the transfer package", &name)?;
        write_report(&path, &bytes)?;
        *state.last_export() = Some(path);
        state.with_vault(|v| v.log_transfer(&transfer, &refs, at).map_err(from_write))
    })
    .await
}

/// Records the new school's acknowledgement.
#[tauri::command]
pub async fn record_receipt(state: State<'_, AppState>, receipt: ReceiptInput) -> CmdResult<()> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.record_receipt(&receipt, now()).map_err(from_write)))
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
    let state = state.inner().clone();
    blocking(move || {
        let at = now();
        let bytes = state.with_vault(|v| {
            let session = v.session().map_err(from_store)?;
            let set = v
                .person_reports(person_id, &session.user_name, at, env!("CARGO_PKG_VERSION"))
                .map_err(from_store)?;
            let transfers = v
                .transfers(Some(person_id), uk_day(at))
                .map_err(from_store)?;
            let ctx = BundleContext {
                school_name: &session.school_name,
                generated_by: &session.user_name,
                generated_at: at,
                app_version: env!("CARGO_PKG_VERSION"),
            };
            let bundle =
                subject_access_bundle(&ctx, &set.person, set.reports, &set.roles, &transfers);
            dsl_report::bundle::render(&bundle)
                .map_err(|_| internal("subject access bundle could not be drawn"))
        })?;
        let name = format!("Subject access {}.pdf", file_day(uk_day(at)));
        let path = save_path(&app, "Save the subject access export", &name)?;
        write_report(&path, &bytes)?;
        *state.last_export() = Some(path.clone());
        Ok(path.to_string_lossy().into_owned())
    })
    .await
}
