//! Encrypted backups to a file the user chooses, and restoring one where no vault is yet.

use dsl_domain::vault::Session;
use dsl_domain::{ApiError, ErrorKind};
use dsl_store::Vault;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use zeroize::Zeroizing;

use super::now;
use super::vault::opened;
use crate::error::{from_store, CmdResult};
use crate::state::{blocking, AppState};

/// The extension of backup files.
const EXTENSION: &str = "dsldesk-backup";

/// Writes an encrypted backup where the user chooses. Returns the file's path.
#[tauri::command]
pub async fn backup_vault(app: AppHandle, state: State<'_, AppState>) -> CmdResult<String> {
    let state = state.inner().clone();
    blocking(move || {
        let name = format!(
            "DSL Desk backup {}.{EXTENSION}",
            dsl_domain::time::uk_day(now()).format("%Y-%m-%d")
        );
        let path = app
            .dialog()
            .file()
            .set_title("Back up the vault")
            .set_file_name(&name)
            .add_filter("DSL Desk backup", &[EXTENSION])
            .blocking_save_file()
            .ok_or_else(|| ApiError::new(ErrorKind::Cancelled, "No backup was made."))?
            .into_path()
            .map_err(|_| ApiError::new(ErrorKind::Io, "That place cannot be saved to."))?;
        let info = state.with_vault(|v| v.backup_to(&path, now()).map_err(from_store))?;
        Ok(info.path.to_string_lossy().into_owned())
    })
    .await
}

/// Restores a backup the user chooses into the vault folder (which must hold no vault yet),
/// opens it with `passphrase` and verifies it before use.
#[tauri::command]
pub async fn restore_vault(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> CmdResult<Session> {
    let state = state.inner().clone();
    let passphrase = Zeroizing::new(passphrase);
    blocking(move || {
        if Vault::exists(&state.0.vault_dir) {
            return Err(ApiError::new(
                ErrorKind::Conflict,
                "A vault already exists here. Restore into a new place: start DSL Desk with --vault and a new folder.",
            ));
        }
        state.attempts().check(std::time::Instant::now())?;
        let file = app
            .dialog()
            .file()
            .set_title("Choose a DSL Desk backup")
            .add_filter("DSL Desk backup", &[EXTENSION])
            .blocking_pick_file()
            .ok_or_else(|| ApiError::new(ErrorKind::Cancelled, "Nothing was restored."))?
            .into_path()
            .map_err(|_| ApiError::new(ErrorKind::Io, "That file cannot be read."))?;
        opened(
            &state,
            Vault::restore_from(&file, &state.0.vault_dir, &passphrase, now()),
        )
    })
    .await
}
