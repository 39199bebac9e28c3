//! Settings, passphrase change and About.

use dsl_domain::vault::{
    check_backup_reminder, check_idle_minutes, check_threshold, clean_name, AboutInfo, AuditCheck,
    Settings,
};
use dsl_store::{KdfParams, StoreError};
use tauri::State;
use zeroize::Zeroizing;

use super::now;
use super::vault::check_new_passphrase;
use crate::error::{CmdError, CmdResult};
use crate::state::AppState;

/// The school's settings.
#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CmdResult<Settings> {
    state.vault(|v| Ok(v.settings()?)).await
}

/// Saves the school's settings; a new idle timeout applies at once.
#[tauri::command]
pub async fn update_settings(
    state: State<'_, AppState>,
    settings: Settings,
) -> CmdResult<Settings> {
    state
        .run(move |state| {
            let clean = Settings {
                school_name: clean_name("schoolName", &settings.school_name)?,
                idle_minutes: check_idle_minutes(settings.idle_minutes)?,
                small_number_threshold: check_threshold(settings.small_number_threshold)?,
                backup_reminder_days: check_backup_reminder(settings.backup_reminder_days)?,
            };
            let saved = state.with_vault(|v| {
                v.update_settings(&clean, now())?;
                Ok(v.settings()?)
            })?;
            state.set_idle(saved.idle_minutes);
            Ok(saved)
        })
        .await
}

/// Changes the signed-in user's passphrase (the data key is rewrapped, not re-encrypted).
#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, AppState>,
    current: String,
    new_passphrase: String,
    new_passphrase_repeat: String,
) -> CmdResult<()> {
    let (current, new_passphrase, new_passphrase_repeat) = (
        Zeroizing::new(current),
        Zeroizing::new(new_passphrase),
        Zeroizing::new(new_passphrase_repeat),
    );
    state
        .run(move |state| {
            state.with_vault(|v| {
                let session = v.session()?;
                check_new_passphrase(
                    "newPassphrase",
                    &new_passphrase,
                    &new_passphrase_repeat,
                    &[&session.school_name, &session.user_name],
                )?;
                state
                    .guarded(|| {
                        v.change_passphrase(&current, &new_passphrase, KdfParams::default(), now())
                    })
                    .map_err(|e| match e {
                        StoreError::WrongCredentials => {
                            CmdError::validation("current", "Your current passphrase is not right.")
                        }
                        other => other.into(),
                    })
            })
        })
        .await
}

/// Walks the audit chain: intact, or the first broken link.
#[tauri::command]
pub async fn verify_vault<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<AuditCheck> {
    use tauri::Emitter;
    state
        .vault(move |v| {
            let progress = move |checked: u64, total: u64| {
                // A progress bar that misses a step still ends at the result.
                let _ = app.emit(VERIFY_EVENT, VerifyPayload { checked, total });
            };
            Ok(v.verify_audit_with(&progress)?)
        })
        .await
}

/// The event that tells the UI how far Verify has got.
pub const VERIFY_EVENT: &str = "vault-verify";

/// How far Verify has got: entries checked of the total.
#[derive(Clone, serde::Serialize)]
pub struct VerifyPayload {
    pub checked: u64,
    pub total: u64,
}

/// Version and where the vault is.
#[tauri::command]
pub async fn about(state: State<'_, AppState>) -> CmdResult<AboutInfo> {
    state
        .run(|state| {
            let schema_version = state
                .with_vault(|v| Ok(v.schema_version()?))
                .unwrap_or(dsl_store::SCHEMA_VERSION);
            let founding_fingerprint = state.with_vault(|v| Ok(v.founding_fingerprint()?)).ok();
            Ok(AboutInfo {
                version: env!("CARGO_PKG_VERSION").to_string(),
                build: format!(
                    "{}, {} ({} build)",
                    env!("DSL_DESK_COMMIT"),
                    env!("DSL_DESK_COMMIT_DATE"),
                    env!("DSL_DESK_PROFILE")
                ),
                vault_dir: state.0.vault_dir.to_string_lossy().into_owned(),
                schema_version,
                founding_fingerprint,
            })
        })
        .await
}
