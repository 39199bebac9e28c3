//! Creating, unlocking and locking the vault, and the recovery key.

use dsl_domain::passphrase::{self, PassphraseAssessment};
use dsl_domain::recovery::{RecoveryKey, GROUPS};
use dsl_domain::vault::{
    check_create_vault, CreateVaultInput, FirstUser, RecoveryKeyShown, Session, VaultStatus,
};
use dsl_domain::{ApiError, ErrorKind};
use dsl_store::{access, KdfParams, StoreError, Vault};
use rand::seq::index::sample;
use tauri::{AppHandle, Emitter, Runtime, State};
use zeroize::Zeroizing;

use super::now;
use super::reports::write_exported;
use crate::dialogs::{pick_file, save_file};
use crate::error::{CmdError, CmdResult};
use crate::state::{blocking, AppState, PendingRecovery};

/// The event the UI listens for: the vault was locked and the UI must forget what it holds.
pub const LOCKED_EVENT: &str = "vault-locked";

/// The event that tells the UI how far re-encrypting the vault under a new key has got.
pub const REKEY_EVENT: &str = "vault-rekey";

/// How far a re-key has got, sent with the event: from 0 to 1.
#[derive(Clone, serde::Serialize)]
pub struct RekeyPayload {
    pub fraction: f64,
}

/// Sends a re-key's progress to the UI.
pub fn rekey_progress<R: Runtime>(app: AppHandle<R>) -> impl Fn(f64) + Sync {
    move |fraction| {
        // A progress bar that misses a step still ends at the result.
        let _ = app.emit(REKEY_EVENT, RekeyPayload { fraction });
    }
}

/// Why the vault was locked, sent with the event.
#[derive(Clone, serde::Serialize)]
pub struct LockedPayload {
    /// "idle" (the idle limit passed), "user" (the Lock button or quick hide) or "system" (the
    /// computer going to sleep, or the session or screensaver locking the screen).
    pub reason: &'static str,
}

/// Locks the vault and tells the UI.
pub fn lock_and_notify<R: Runtime>(app: &AppHandle<R>, state: &AppState, reason: &'static str) {
    state.lock();
    if app.emit(LOCKED_EVENT, LockedPayload { reason }).is_err() {
        eprintln!("dsl-desk: could not deliver the lock event");
    }
}

/// Checks a new passphrase and its repeat; the context words are names it must not use.
pub fn check_new_passphrase(
    field: &str,
    passphrase: &str,
    repeat: &str,
    context: &[&str],
) -> Result<(), ApiError> {
    let verdict = passphrase::assess(passphrase, context);
    if !verdict.acceptable {
        return Err(ApiError::validation(field, verdict.problems.join(" ")));
    }
    if passphrase != repeat {
        return Err(ApiError::validation(
            &format!("{field}Repeat"),
            "The two passphrases are not the same.",
        ));
    }
    Ok(())
}

/// Whether a vault exists and whether it is open.
#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> CmdResult<VaultStatus> {
    Ok(status_of(&state))
}

/// The vault's status, as `vault_status` answers it (also given to the page as it starts, so the
/// first screen needs no round trip).
pub fn status_of(state: &AppState) -> VaultStatus {
    let dir = &state.0.vault_dir;
    let key_file_missing = Vault::key_file_missing(dir);
    VaultStatus {
        exists: Vault::exists(dir),
        unlocked: state.open().is_some(),
        key_file_missing,
        vault_folder: key_file_missing.then(|| dir.to_string_lossy().into_owned()),
        demo_mode: state.0.demo_mode,
        demo_passphrase: state.0.demo_mode.then(|| DEMO_PASSPHRASE.to_string()),
        sign_in: if Vault::exists(dir) {
            Vault::sign_in_choices(dir).unwrap_or_default()
        } else {
            Vec::new()
        },
    }
}

/// The demonstration vault's passphrase, shown on its unlock screen. It guards generated data
/// only: the demo vault lives in its own folder and every screen and report is marked DEMO.
pub const DEMO_PASSPHRASE: &str = "demo vault generated data";

/// Makes the demonstration vault (started with `--demo`, none there yet): a few school years
/// of generated incidents walked through the real flowchart, with evidence, referrals and
/// closures. Opens it.
#[tauri::command]
pub async fn create_demo_vault(state: State<'_, AppState>) -> CmdResult<Session> {
    state
        .run(|state| {
            if !state.0.demo_mode {
                return Err(CmdError::new(
                    ErrorKind::Conflict,
                    "Demo data can only be made in the demo vault: start DSL Desk with --demo.",
                ));
            }
            let at = now();
            let mut vault = Vault::create(
                &state.0.vault_dir,
                "Demo Academy",
                "Demo DSL",
                dsl_domain::vault::Role::Dsl,
                DEMO_PASSPHRASE,
                KdfParams::default(),
                at,
            )?
            .vault;
            vault.mark_demo(at)?;
            vault.generate_demo(&dsl_store::demo::DemoSpec {
                seed: 2026,
                incidents: 420,
                pupils: 700,
                years: 3,
                until: at,
            })?;
            let session = vault.session()?;
            state.set_open(vault)?;
            Ok(session)
        })
        .await
}

/// The strength check, as the user types a new passphrase.
#[tauri::command]
pub async fn assess_passphrase(
    passphrase: String,
    context: Vec<String>,
) -> CmdResult<PassphraseAssessment> {
    let passphrase = Zeroizing::new(passphrase);
    blocking(move || {
        let context: Vec<&str> = context.iter().map(String::as_str).collect();
        Ok(passphrase::assess(&passphrase, &context))
    })
    .await
}

/// Makes the vault on first run and shows its recovery key once.
#[tauri::command]
pub async fn create_vault(
    state: State<'_, AppState>,
    input: CreateVaultInput,
) -> CmdResult<RecoveryKeyShown> {
    state
        .run(move |state| {
            let FirstUser {
                school_name: school,
                user_name: user,
                role,
            } = check_create_vault(&input)?;
            check_new_passphrase(
                "passphrase",
                &input.passphrase,
                &input.passphrase_repeat,
                &[&school, &user],
            )?;
            let at = now();
            let created = Vault::create(
                &state.0.vault_dir,
                &school,
                &user,
                role,
                &input.passphrase,
                KdfParams::default(),
                at,
            )?;
            state.set_open(created.vault)?;
            Ok(hold_recovery_key(state, created.recovery_key, at, false))
        })
        .await
}

/// Keeps a recovery key until the user types back two of its groups; returns what to show.
fn hold_recovery_key(
    state: &AppState,
    key: RecoveryKey,
    at: chrono::DateTime<chrono::Utc>,
    replaces_current: bool,
) -> RecoveryKeyShown {
    let mut groups: Vec<u32> = sample(&mut rand::thread_rng(), GROUPS, 2)
        .into_iter()
        .map(|i| i as u32 + 1)
        .collect();
    groups.sort_unstable();
    let shown = RecoveryKeyShown {
        // Wiped on drop, as the Zeroizing it is copied from is.
        grouped: key.grouped().to_string(),
        confirm_groups: groups.clone(),
    };
    *state.pending_recovery() = Some(PendingRecovery {
        key,
        confirm_groups: groups,
        created_at: at,
        replaces_current,
    });
    shown
}

/// Makes a new recovery key (the signed-in user's passphrase confirms it). It replaces the old
/// one, which stops working, once the user has typed back two of its groups.
#[tauri::command]
pub async fn regenerate_recovery_key(
    state: State<'_, AppState>,
    current: String,
) -> CmdResult<RecoveryKeyShown> {
    let current = Zeroizing::new(current);
    state
        .run(move |state| {
            let checked = state.with_vault(|v| {
                Ok(state.guarded(|| match v.check_passphrase(&current)? {
                    true => Ok(()),
                    false => Err(StoreError::WrongCredentials),
                }))
            })?;
            match checked {
                Ok(()) => {}
                Err(StoreError::WrongCredentials) => {
                    return Err(CmdError::validation(
                        "current",
                        "Your passphrase is not right.",
                    ))
                }
                Err(other) => return Err(other.into()),
            }
            Ok(hold_recovery_key(
                state,
                Vault::new_recovery_key(),
                now(),
                true,
            ))
        })
        .await
}

/// Saves the one-page recovery sheet where the user chooses. Returns the file's path.
#[tauri::command]
pub async fn save_recovery_sheet<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<String> {
    state
        .run(move |state| {
            let sheet = {
                let pending = state.pending_recovery();
                let pending = pending.as_ref().ok_or_else(|| {
                    CmdError::new(
                        ErrorKind::Conflict,
                        "The recovery key is shown only once, when it is made.",
                    )
                })?;
                let session = state.with_vault(|v| Ok(v.session()?))?;
                dsl_report::recovery_sheet::RecoverySheet {
                    school_name: session.school_name,
                    created_by: format!("{}, {}", session.user_name, session.role.label()),
                    created_at: dsl_domain::time::uk_date_time(pending.created_at),
                    grouped_key: pending.key.grouped().to_string(),
                    app_version: env!("CARGO_PKG_VERSION").to_string(),
                    founding_fingerprint: session.founding_fingerprint,
                }
            };
            let bytes = Zeroizing::new(dsl_report::recovery_sheet::render(&sheet)?);
            drop(sheet);
            let path = save_file(
                &app,
                "Save the recovery sheet",
                "DSL Desk recovery sheet.pdf",
                ("PDF", &["pdf"]),
                "The recovery sheet was not saved.",
            )?;
            write_exported(
                &path,
                bytes.as_slice(),
                "The recovery sheet could not be written there. Choose another place.",
            )?;
            state.touch();
            Ok(path.to_string_lossy().into_owned())
        })
        .await
}

/// Checks the groups typed back from the recovery key; on success the key is forgotten. A
/// key that replaces the current one re-keys the vault (progress goes to the UI).
#[tauri::command]
pub async fn confirm_recovery_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    answers: Vec<String>,
) -> CmdResult<Session> {
    state
        .run(move |state| {
            {
                let mut pending = state.pending_recovery();
                let p = pending.as_ref().ok_or_else(|| {
                    CmdError::new(ErrorKind::Conflict, "There is no recovery key to confirm.")
                })?;
                if answers.len() != p.confirm_groups.len() {
                    return Err(CmdError::validation(
                        "answers",
                        "Type each group asked for.",
                    ));
                }
                for (n, typed) in p.confirm_groups.iter().zip(&answers) {
                    if !p.key.group_matches(*n as usize, typed) {
                        return Err(CmdError::validation(
                            &format!("group{n}"),
                            format!("Group {n} does not match the key. Check what you wrote down."),
                        ));
                    }
                }
                if p.replaces_current {
                    // Kept until it is in place, so a failure here loses nothing.
                    state.with_vault(|v| {
                        Ok(v.replace_recovery_key(
                            &p.key,
                            KdfParams::default(),
                            now(),
                            &rekey_progress(app.clone()),
                        )?)
                    })?;
                }
                pending.take();
            }
            state.with_vault(|v| Ok(v.session()?))
        })
        .await
}

/// Makes an unlocked vault the open one; if this computer has seen a later state of it, the
/// session carries the warning and the vault waits for the user's answer.
pub fn opened(state: &AppState, vault: Vault) -> CmdResult<Session> {
    open_and_log(state, vault, None)
}

/// [`opened`], after an unlock: the unlock, and the wrong attempts on this computer before it,
/// go into the access log, unless the copy opened is an older one awaiting the user's answer
/// (nothing is written to it before they choose).
pub fn unlocked(state: &AppState, vault: Vault, failed: u32) -> CmdResult<Session> {
    open_and_log(state, vault, Some(failed))
}

/// Opens the vault; `unlock` (the wrong attempts before it) logs the unlock.
fn open_and_log(state: &AppState, mut vault: Vault, unlock: Option<u32>) -> CmdResult<Session> {
    let mut session = vault.session()?;
    session.rollback = state.check_seen(&vault)?;
    if let (Some(failed), None) = (unlock, &session.rollback) {
        let at = now();
        if failed > 0 {
            vault.log_access(access::FAILED_UNLOCKS, "session", &failed.to_string(), at)?;
        }
        vault.log_access(access::UNLOCKED, "session", "", at)?;
    }
    state.set_open_asking(vault, session.rollback.clone())?;
    Ok(session)
}

/// Puts back a vault's missing key file: the user chooses it (from a backup copy of the vault
/// folder), it is checked to be a DSL Desk key file and copied in beside the database, never
/// over anything. The vault is then unlocked as usual, which shows whether it is the right one.
#[tauri::command]
pub async fn choose_key_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<()> {
    state
        .run(move |state| {
            if !Vault::key_file_missing(&state.0.vault_dir) {
                return Err(CmdError::new(
                    ErrorKind::Conflict,
                    "The vault's key file is already in the vault folder. Nothing was copied.",
                ));
            }
            let file = pick_file(
                &app,
                "Choose the key file",
                Some(("DSL Desk key file", &["json"])),
                "No key file was copied.",
            )?;
            Vault::install_key_file(&state.0.vault_dir, &file)?;
            Ok(())
        })
        .await
}

/// Opens the vault as the user who chose their name, with their passphrase.
#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    slot_id: String,
    passphrase: String,
) -> CmdResult<Session> {
    let passphrase = Zeroizing::new(passphrase);
    state
        .run(move |state| {
            let (vault, failed) = state
                .guarded_counted(|| Vault::unlock_as(&state.0.vault_dir, &slot_id, &passphrase))?;
            unlocked(state, vault, failed)
        })
        .await
}

/// Opens the vault with the recovery key and sets a new passphrase.
#[tauri::command]
pub async fn unlock_with_recovery(
    state: State<'_, AppState>,
    recovery_key: String,
    new_passphrase: String,
    new_passphrase_repeat: String,
) -> CmdResult<Session> {
    let (recovery_key, new_passphrase, new_passphrase_repeat) = (
        Zeroizing::new(recovery_key),
        Zeroizing::new(new_passphrase),
        Zeroizing::new(new_passphrase_repeat),
    );
    state
        .run(move |state| {
            let key = RecoveryKey::parse(&recovery_key)
                .map_err(|e| CmdError::validation("recoveryKey", e.to_string()))?;
            check_new_passphrase(
                "newPassphrase",
                &new_passphrase,
                &new_passphrase_repeat,
                &[],
            )?;
            let (vault, failed) = state.guarded_counted(|| {
                Vault::unlock_with_recovery(
                    &state.0.vault_dir,
                    &key,
                    None,
                    &new_passphrase,
                    KdfParams::default(),
                    now(),
                )
            })?;
            unlocked(state, vault, failed)
        })
        .await
}

/// Locks the vault now (the Lock button and the quick-hide shortcut).
#[tauri::command]
pub async fn lock<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> CmdResult<()> {
    lock_and_notify(&app, state.inner(), "user");
    Ok(())
}

/// Notes that the user is active, resetting the idle timer.
#[tauri::command]
pub async fn report_activity(state: State<'_, AppState>) -> CmdResult<()> {
    state.touch();
    Ok(())
}

/// Who is signed in (and, when this copy of the vault is older than one this computer has
/// opened, the question the user has not yet answered).
#[tauri::command]
pub async fn get_session(state: State<'_, AppState>) -> CmdResult<Session> {
    state.run(|state| state.session()).await
}

/// Goes on with the copy of the vault the user was warned is older than one this computer has
/// opened: an audit entry says so, and this computer remembers it as the latest.
#[tauri::command]
pub async fn open_older_copy(state: State<'_, AppState>) -> CmdResult<Session> {
    state.run(|state| state.open_older_copy(now())).await
}
