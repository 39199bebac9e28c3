//! Encrypted backups to a file the user chooses, and restoring one where no vault is yet.

use dsl_domain::vault::Session;
use dsl_domain::ErrorKind;
use dsl_store::Vault;
use tauri::{AppHandle, Runtime, State};
use zeroize::Zeroizing;

use super::now;
use super::vault::opened;
use crate::dialogs::{pick_file, save_file};
use crate::error::{CmdError, CmdResult};
use crate::state::AppState;

/// The extension of backup files.
const EXTENSION: &str = "dsldesk-backup";

/// Writes an encrypted backup where the user chooses. Returns the file's path.
#[tauri::command]
pub async fn backup_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<String> {
    state
        .run(move |state| {
            let name = format!(
                "DSL Desk backup {}.{EXTENSION}",
                dsl_domain::time::uk_day(now()).format("%Y-%m-%d")
            );
            let path = save_file(
                &app,
                "Back up the vault",
                &name,
                ("DSL Desk backup", &[EXTENSION]),
                "No backup was made.",
            )?;
            let info = state.with_vault(|v| Ok(v.backup_to(&path, now())?))?;
            Ok(info.path.to_string_lossy().into_owned())
        })
        .await
}

/// Restores a backup the user chooses into the vault folder (which must hold no vault yet),
/// opens it with `passphrase` and verifies it before use.
#[tauri::command]
pub async fn restore_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> CmdResult<Session> {
    let passphrase = Zeroizing::new(passphrase);
    state
        .run(move |state| {
            if Vault::exists(&state.0.vault_dir) {
                return Err(CmdError::new(
                    ErrorKind::Conflict,
                    "A vault already exists here. Restore into a new place: start DSL Desk with --vault and a new folder.",
                ));
            }
            // Asked first, so a user who must wait is not sent to choose a file.
            state.0.attempts.check()?;
            let file = pick_file(
                &app,
                "Choose a DSL Desk backup",
                Some(("DSL Desk backup", &[EXTENSION])),
                "Nothing was restored.",
            )?;
            let vault = state.guarded(|| {
                Vault::restore_from(&file, &state.0.vault_dir, &passphrase, now())
            })?;
            opened(state, vault)
        })
        .await
}
