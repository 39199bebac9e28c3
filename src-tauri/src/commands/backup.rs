//! Encrypted backups to a file the user chooses, and restoring one where no vault is yet: checked
//! first, shown to the user (its date, its users, its recovery key), restored once they agree.

use dsl_domain::vault::{BackupPreview, Session};
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
            // Refused before the save dialog opens.
            state.with_vault(|v| Ok(v.require_backup_role()?))?;
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

/// Checks a backup the user chooses for restoring into the vault folder (which must hold no
/// vault yet): it must open with `passphrase` and authenticate with the vault's key before
/// anything is written; it is then staged beside the vault folder's contents, checked, and what
/// it brings back (its date, its users, its recovery key) is returned for the user to confirm
/// with `restore_vault`. Nothing is restored yet.
#[tauri::command]
pub async fn check_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> CmdResult<BackupPreview> {
    let passphrase = Zeroizing::new(passphrase);
    state
        .run(move |state| {
            // A restore checked before and not confirmed is let go first.
            state.pending_restore().take();
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
            let prepared = state
                .guarded(|| Vault::prepare_restore(&file, &state.0.vault_dir, &passphrase))?;
            let preview = prepared.preview()?.clone();
            *state.pending_restore() = Some(prepared);
            Ok(preview)
        })
        .await
}

/// Restores the backup checked by `check_backup`, once the user has seen what it brings back
/// and agreed, and opens it.
#[tauri::command]
pub async fn restore_vault(state: State<'_, AppState>) -> CmdResult<Session> {
    state
        .run(move |state| {
            let prepared = state.pending_restore().take().ok_or_else(|| {
                CmdError::new(
                    ErrorKind::Conflict,
                    "No backup is waiting to be restored. Choose the backup again.",
                )
            })?;
            let session = opened(state, prepared.commit(now())?)?;
            if session.rollback.is_some() {
                // The user has just agreed to bring back this backup, having been shown its date
                // and what it brings back: that is the answer to "older than the one seen here".
                return state.open_older_copy(now());
            }
            Ok(session)
        })
        .await
}

/// Lets go of the backup checked by `check_backup` without restoring it: what was staged is
/// removed and the vault folder is as it was.
#[tauri::command]
pub async fn cancel_restore(state: State<'_, AppState>) -> CmdResult<()> {
    state
        .run(move |state| {
            state.pending_restore().take();
            Ok(())
        })
        .await
}
