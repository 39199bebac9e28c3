//! The evidence register: items, custody, fingerprints and device reviews.

use std::path::PathBuf;

use dsl_domain::evidence::{
    CustodyInput, DeviceReview, DeviceReviewInput, DigestCheck, EvidenceInput, EvidenceItem,
};
use dsl_domain::ErrorKind;
use dsl_store::evidence::sha256_file;
use tauri::{AppHandle, Runtime, State};

use super::now;
use crate::dialogs::pick_file;
use crate::error::{CmdError, CmdResult};
use crate::state::AppState;

/// Asks the user for a file with the system's dialog (the UI never sends a path).
fn choose_file<R: Runtime>(app: &AppHandle<R>, title: &str) -> CmdResult<PathBuf> {
    Ok(pick_file(app, title, None, "No file was chosen.")?)
}

/// An incident's register.
#[tauri::command]
pub async fn list_evidence(
    state: State<'_, AppState>,
    incident_id: i64,
) -> CmdResult<Vec<EvidenceItem>> {
    state
        .vault(move |v| Ok(v.evidence_for_incident(incident_id)?))
        .await
}

/// Every item across incidents.
#[tauri::command]
pub async fn all_evidence(state: State<'_, AppState>) -> CmdResult<Vec<EvidenceItem>> {
    state.vault(|v| Ok(v.all_evidence()?)).await
}

/// Adds an item to an incident's register.
#[tauri::command]
pub async fn add_evidence(
    state: State<'_, AppState>,
    incident_id: i64,
    input: EvidenceInput,
) -> CmdResult<EvidenceItem> {
    state
        .vault(move |v| {
            let id = v.add_evidence(incident_id, &input, now())?;
            Ok(v.evidence_item(id)?)
        })
        .await
}

/// Adds a hand-over, move or end of life to an item's custody log.
#[tauri::command]
pub async fn add_custody(
    state: State<'_, AppState>,
    item_id: i64,
    input: CustodyInput,
) -> CmdResult<EvidenceItem> {
    state
        .vault(move |v| {
            v.add_custody(item_id, &input, now())?;
            Ok(v.evidence_item(item_id)?)
        })
        .await
}

/// Fingerprints a file the user chooses: streamed through SHA-256, never shown, never copied.
#[tauri::command]
pub async fn fingerprint_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    item_id: i64,
) -> CmdResult<EvidenceItem> {
    state
        .run(move |state| {
            state.with_vault(|v| Ok(v.evidence_item(item_id)?))?;
            let path = choose_file(
                &app,
                "Choose the file to fingerprint (it will not be opened or copied)",
            )?;
            let (name, size, digest) = sha256_file(&path)?;
            state.with_vault(|v| {
                v.add_digest(item_id, &name, size, &digest, now())?;
                Ok(v.evidence_item(item_id)?)
            })
        })
        .await
}

/// Checks a file the user chooses against an item's stored fingerprint.
#[tauri::command]
pub async fn check_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    item_id: i64,
    digest_id: i64,
) -> CmdResult<DigestCheck> {
    state
        .run(move |state| {
            let item = state.with_vault(|v| Ok(v.evidence_item(item_id)?))?;
            let stored = item
                .digests
                .iter()
                .find(|d| d.id == digest_id)
                .ok_or_else(|| {
                    CmdError::new(ErrorKind::NotFound, "That fingerprint is not on this item.")
                })?
                .sha256
                .clone();
            let path = choose_file(&app, "Choose the file to check against the fingerprint")?;
            let (file_name, size, sha256) = sha256_file(&path)?;
            state.touch();
            Ok(DigestCheck {
                same: sha256 == stored,
                file_name,
                size,
                sha256,
            })
        })
        .await
}

/// Records a review of devices or sites.
#[tauri::command]
pub async fn add_device_review(
    state: State<'_, AppState>,
    incident_id: i64,
    input: DeviceReviewInput,
) -> CmdResult<Vec<DeviceReview>> {
    state
        .vault(move |v| {
            v.add_device_review(incident_id, &input, now())?;
            Ok(v.device_reviews(incident_id)?)
        })
        .await
}

/// An incident's device and site reviews.
#[tauri::command]
pub async fn list_device_reviews(
    state: State<'_, AppState>,
    incident_id: i64,
) -> CmdResult<Vec<DeviceReview>> {
    state
        .vault(move |v| Ok(v.device_reviews(incident_id)?))
        .await
}
