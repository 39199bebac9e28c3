//! The people who can open the vault: listing, adding and removing them.

use dsl_domain::vault::{clean_name, NewUser, VaultUser};
use dsl_store::KdfParams;
use tauri::{AppHandle, Runtime, State};
use zeroize::Zeroizing;

use super::now;
use super::vault::{check_new_passphrase, rekey_progress};
use crate::error::CmdResult;
use crate::state::AppState;

/// Everyone who can open the vault.
#[tauri::command]
pub async fn list_users(state: State<'_, AppState>) -> CmdResult<Vec<VaultUser>> {
    state.vault(|v| Ok(v.users()?)).await
}

/// Adds a user with their own passphrase (typed by them, twice).
#[tauri::command]
pub async fn add_user(state: State<'_, AppState>, mut user: NewUser) -> CmdResult<VaultUser> {
    // Moved, not copied: each buffer is wiped once, when its Zeroizing drops.
    let passphrase = Zeroizing::new(std::mem::take(&mut user.passphrase));
    let repeat = Zeroizing::new(std::mem::take(&mut user.passphrase_repeat));
    state
        .run(move |state| {
            let name = clean_name("userName", &user.name)?;
            state.with_vault(|v| {
                let school = v.settings()?.school_name;
                check_new_passphrase("userPassphrase", &passphrase, &repeat, &[&school, &name])?;
                Ok(v.add_user(&name, user.role, &passphrase, KdfParams::default(), now())?)
            })
        })
        .await
}

/// Removes a user and re-keys the vault (progress goes to the UI as it is made): their
/// passphrase stops opening the vault at once, and no copy of the old key file opens anything
/// written after.
#[tauri::command]
pub async fn remove_user<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<()> {
    state
        .vault(move |v| Ok(v.remove_user(id, now(), &rekey_progress(app))?))
        .await
}
