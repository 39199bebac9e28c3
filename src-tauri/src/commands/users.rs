//! The people who can open the vault: listing, adding and removing them.

use dsl_domain::vault::{clean_name, NewUser, VaultUser};
use dsl_store::KdfParams;
use tauri::State;
use zeroize::Zeroizing;

use super::now;
use super::vault::check_new_passphrase;
use crate::error::{from_store, CmdResult};
use crate::state::{blocking, AppState};

/// Everyone who can open the vault.
#[tauri::command]
pub async fn list_users(state: State<'_, AppState>) -> CmdResult<Vec<VaultUser>> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.users().map_err(from_store))).await
}

/// Adds a user with their own passphrase (typed by them, twice).
#[tauri::command]
pub async fn add_user(state: State<'_, AppState>, user: NewUser) -> CmdResult<VaultUser> {
    let state = state.inner().clone();
    let passphrase = Zeroizing::new(user.passphrase.clone());
    let repeat = Zeroizing::new(user.passphrase_repeat.clone());
    drop(user.passphrase);
    drop(user.passphrase_repeat);
    blocking(move || {
        let name = clean_name("userName", &user.name)?;
        state.with_vault(|v| {
            let school = v.settings().map_err(from_store)?.school_name;
            check_new_passphrase("userPassphrase", &passphrase, &repeat, &[&school, &name])?;
            v.add_user(&name, user.role, &passphrase, KdfParams::default(), now())
                .map_err(from_store)
        })
    })
    .await
}

/// Removes a user: their passphrase stops opening the vault at once.
#[tauri::command]
pub async fn remove_user(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let state = state.inner().clone();
    blocking(move || state.with_vault(|v| v.remove_user(id, now()).map_err(from_store))).await
}
