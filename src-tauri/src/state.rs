//! The app's state: the vault is either locked (no key, no connection) or unlocked.
//! The backend owns the idle timer; the UI only reports activity.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use dsl_domain::recovery::RecoveryKey;
use dsl_domain::vault::{RollbackWarning, Session};
use dsl_domain::ErrorKind;
use dsl_store::backup::PreparedRestore;
use dsl_store::seen::{AuditPosition, SeenVaults};
use dsl_store::{Attempts, Vault};

use crate::error::{internal, locked, CmdError, CmdResult};

/// An unlocked vault and when the user last did anything.
pub struct OpenVault {
    pub vault: Vault,
    pub idle: IdleTimer,
    /// This copy is behind what this computer saw (or its record did not check out): until the
    /// user answers, nothing else is done with it and it is not remembered as the latest.
    pub rollback: Option<RollbackWarning>,
    /// The audit position last written to this computer's record, to write only when it moves.
    remembered: Option<AuditPosition>,
}

/// A moment read from both clocks: the wall clock keeps counting while the computer sleeps (the
/// monotonic one stops), and the monotonic one cannot be wound back.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub wall: SystemTime,
    pub mono: Instant,
}

impl Moment {
    /// The time now.
    pub fn now() -> Self {
        Self {
            wall: SystemTime::now(),
            mono: Instant::now(),
        }
    }
}

/// How long the vault has been left alone, against how long it may be.
#[derive(Debug, Clone, Copy)]
pub struct IdleTimer {
    last_activity: Moment,
    limit: Duration,
}

impl IdleTimer {
    /// A timer of `limit` whose last activity is `now`.
    pub fn new(limit: Duration, now: Moment) -> Self {
        Self {
            last_activity: now,
            limit,
        }
    }

    /// Whether the vault has been idle for its limit at `now`: by the wall clock (so a sleep
    /// counts) or by the monotonic clock (so winding the wall clock back does not keep it open),
    /// whichever says longer. A wall clock that went back before the last activity counts as
    /// activity at `now`, so the timer starts again rather than waiting for the clock to catch up.
    pub fn expired(&mut self, now: Moment) -> bool {
        let wall = match now.wall.duration_since(self.last_activity.wall) {
            Ok(elapsed) => elapsed,
            Err(_) => {
                self.last_activity.wall = now.wall;
                Duration::ZERO
            }
        };
        let mono = now.mono.saturating_duration_since(self.last_activity.mono);
        wall.max(mono) >= self.limit
    }

    /// Notes activity at `now`, unless the limit has already passed: activity after that (the
    /// first key press on waking from sleep) must not keep the vault open, the lock comes first.
    /// True if the activity counted.
    pub fn touch(&mut self, now: Moment) -> bool {
        if self.expired(now) {
            return false;
        }
        self.last_activity = now;
        true
    }

    /// Sets the limit, counting from the last activity.
    pub fn set_limit(&mut self, limit: Duration) {
        self.limit = limit;
    }
}

/// The idle limit for a setting in minutes.
fn minutes(m: u32) -> Duration {
    Duration::from_secs(u64::from(m) * 60)
}

/// The recovery key of a vault just made, held until the user confirms they wrote it down.
pub struct PendingRecovery {
    pub key: RecoveryKey,
    pub confirm_groups: Vec<u32>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// A replacement for the vault's recovery key: put in place only once confirmed.
    pub replaces_current: bool,
}

/// Everything the commands share.
pub struct Shared {
    pub vault_dir: PathBuf,
    /// Started with `--demo`: the vault folder is the demonstration vault's.
    pub demo_mode: bool,
    pub open: Mutex<Option<OpenVault>>,
    pub pending_recovery: Mutex<Option<PendingRecovery>>,
    /// Failed passphrase and recovery-key attempts, kept on disk (see `dsl_store::attempts`).
    pub attempts: Attempts,
    /// A backup checked and staged, waiting for the user to confirm the restore.
    pub pending_restore: Mutex<Option<PreparedRestore>>,
    /// The report saved last, which the user may open to print.
    pub last_export: Mutex<Option<PathBuf>>,
    /// Where this computer remembers the vaults it has opened (none: not remembered, as in
    /// tests that must not touch the user's own folder).
    pub seen_vaults: Option<SeenVaults>,
}

/// The state handed to commands: cheap to clone into blocking tasks.
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// State for a vault kept in `vault_dir`, starting locked, its failed attempts counted in
    /// the usual place, that this computer does not remember (the tests', which must not touch
    /// the user's own record).
    #[cfg(test)]
    pub fn new(vault_dir: PathBuf, demo_mode: bool) -> Self {
        let attempts = Attempts::for_vault(&vault_dir);
        Self::build(vault_dir, demo_mode, attempts, None)
    }

    /// State for a vault kept in `vault_dir`, its failed attempts counted in `attempts`, not
    /// remembered.
    #[cfg(test)]
    pub fn with_attempts(vault_dir: PathBuf, demo_mode: bool, attempts: Attempts) -> Self {
        Self::build(vault_dir, demo_mode, attempts, None)
    }

    /// State for a vault kept in `vault_dir`, starting locked, its failed attempts counted in
    /// the usual place, remembered in `seen_vaults`.
    pub fn remembering(
        vault_dir: PathBuf,
        demo_mode: bool,
        seen_vaults: Option<SeenVaults>,
    ) -> Self {
        let attempts = Attempts::for_vault(&vault_dir);
        Self::build(vault_dir, demo_mode, attempts, seen_vaults)
    }

    fn build(
        vault_dir: PathBuf,
        demo_mode: bool,
        attempts: Attempts,
        seen_vaults: Option<SeenVaults>,
    ) -> Self {
        Self(Arc::new(Shared {
            vault_dir,
            demo_mode,
            open: Mutex::new(None),
            pending_recovery: Mutex::new(None),
            attempts,
            pending_restore: Mutex::new(None),
            last_export: Mutex::new(None),
            seen_vaults,
        }))
    }

    /// What this computer remembers of `vault`, against it: a warning when this copy is older
    /// (none when not remembered here).
    pub fn check_seen(&self, vault: &Vault) -> CmdResult<Option<RollbackWarning>> {
        match &self.0.seen_vaults {
            Some(seen) => Ok(vault.check_seen(seen)?),
            None => Ok(None),
        }
    }

    /// Writes the open vault's audit position to this computer's record when it has moved
    /// since last written (always when `force`), unless a question about the copy is open.
    /// A record that cannot be written does not stop the work: it is said on stderr, without
    /// details.
    fn remember(&self, open: &mut OpenVault, force: bool) {
        let Some(seen) = &self.0.seen_vaults else {
            return;
        };
        if open.rollback.is_some() {
            return;
        }
        if !force {
            match open.vault.audit_position() {
                Ok(position) if position == open.remembered => return,
                Ok(_) => {}
                Err(_) => {
                    eprintln!("dsl-desk: the vault's audit position could not be read");
                    return;
                }
            }
        }
        match open.vault.remember_seen(seen, chrono::Utc::now()) {
            Ok(position) => open.remembered = position,
            Err(_) => {
                eprintln!("dsl-desk: this computer's record of the vault could not be updated")
            }
        }
    }

    /// The open vault slot.
    pub fn open(&self) -> MutexGuard<'_, Option<OpenVault>> {
        guard(&self.0.open)
    }

    /// The recovery key waiting to be confirmed.
    pub fn pending_recovery(&self) -> MutexGuard<'_, Option<PendingRecovery>> {
        guard(&self.0.pending_recovery)
    }

    /// Runs `test`, which tests a passphrase or recovery key, unless the wait after earlier
    /// wrong attempts has not passed; every wrong one counts (see `dsl_store::attempts`).
    pub fn guarded<T>(&self, test: impl FnOnce() -> dsl_store::Result<T>) -> dsl_store::Result<T> {
        self.0.attempts.guarded(test)
    }

    /// As [`Self::guarded`], with how many wrong attempts came before a success.
    pub fn guarded_counted<T>(
        &self,
        test: impl FnOnce() -> dsl_store::Result<T>,
    ) -> dsl_store::Result<(T, u32)> {
        self.0.attempts.guarded_counted(test)
    }

    /// The restore waiting to be confirmed.
    pub fn pending_restore(&self) -> MutexGuard<'_, Option<PreparedRestore>> {
        guard(&self.0.pending_restore)
    }

    /// The report saved last.
    pub fn last_export(&self) -> MutexGuard<'_, Option<PathBuf>> {
        guard(&self.0.last_export)
    }

    /// Runs `f` on the open vault, counting the call as activity. A vault already past its idle
    /// limit is refused as locked (the idle-lock thread locks it and tells the UI).
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> CmdResult<T>) -> CmdResult<T> {
        let mut slot = self.open();
        let open = slot.as_mut().ok_or_else(locked)?;
        if !open.idle.touch(Moment::now()) {
            return Err(locked());
        }
        if open.rollback.is_some() {
            return Err(unanswered());
        }
        let result = f(&mut open.vault);
        self.remember(open, false);
        result
    }

    /// Who is signed in, with the question about this copy if one is open (so a reloaded
    /// window asks it again).
    pub fn session(&self) -> CmdResult<Session> {
        let mut slot = self.open();
        let open = slot.as_mut().ok_or_else(locked)?;
        if !open.idle.touch(Moment::now()) {
            return Err(locked());
        }
        let mut session = open.vault.session()?;
        session.rollback = open.rollback.clone();
        Ok(session)
    }

    /// The user chose to go on with the copy they were warned about: it is audited, this
    /// computer remembers it as the latest and the vault is used as usual.
    pub fn open_older_copy(&self, now: chrono::DateTime<chrono::Utc>) -> CmdResult<Session> {
        let mut slot = self.open();
        let open = slot.as_mut().ok_or_else(locked)?;
        if !open.idle.touch(Moment::now()) {
            return Err(locked());
        }
        let Some(warning) = open.rollback.clone() else {
            return Err(CmdError::new(
                ErrorKind::Conflict,
                "There is no question about this copy of the vault to answer.",
            ));
        };
        open.vault.record_older_copy_opened(&warning, now)?;
        open.rollback = None;
        // A record that cannot be written (a read-only folder) must not keep the user out of
        // the vault: it is said on stderr, and the question comes again next time.
        self.remember(open, true);
        Ok(open.vault.session()?)
    }

    /// Runs `f` on the open vault off the UI thread: the whole of most commands.
    pub fn vault<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vault) -> CmdResult<T> + Send + 'static,
    ) -> impl Future<Output = CmdResult<T>> + Send + 'static {
        let state = self.clone();
        blocking(move || state.with_vault(f))
    }

    /// Runs `f` with the state off the UI thread, for a command that does more than one thing
    /// with the vault (or opens it, or shows a dialog).
    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState) -> CmdResult<T> + Send + 'static,
    ) -> impl Future<Output = CmdResult<T>> + Send + 'static {
        let state = self.clone();
        blocking(move || f(&state))
    }

    /// Makes `vault` the open vault, remembered by this computer as the latest.
    pub fn set_open(&self, vault: Vault) -> CmdResult<()> {
        self.set_open_asking(vault, None)
    }

    /// Makes `vault` the open vault; with a `rollback` warning it waits for the user's answer
    /// (and is not remembered), otherwise this computer remembers it as the latest.
    pub fn set_open_asking(
        &self,
        vault: Vault,
        rollback: Option<RollbackWarning>,
    ) -> CmdResult<()> {
        let idle_minutes = vault.settings()?.idle_minutes;
        let mut open = OpenVault {
            vault,
            idle: IdleTimer::new(minutes(idle_minutes), Moment::now()),
            rollback,
            remembered: None,
        };
        self.remember(&mut open, true);
        *self.open() = Some(open);
        Ok(())
    }

    /// Drops the connection and key, and any recovery key waiting to be confirmed; this
    /// computer first remembers where the vault's audit log stands (not for a copy it was
    /// warned about and not told to open). Returns true if the vault was open.
    pub fn lock(&self) -> bool {
        let taken = self.open().take();
        let was_open = taken.is_some();
        if let Some(mut open) = taken {
            self.remember(&mut open, true);
        }
        self.pending_recovery().take();
        self.pending_restore().take();
        self.last_export().take();
        was_open
    }

    /// Locks the vault if it has been idle too long at `now` (time asleep included); true if
    /// it did.
    pub fn lock_if_idle(&self, now: Moment) -> bool {
        let expired = match self.open().as_mut() {
            Some(open) => open.idle.expired(now),
            None => false,
        };
        expired && self.lock()
    }

    /// Notes user activity (any key, click or pointer move in the window).
    pub fn touch(&self) {
        self.touch_at(Moment::now());
    }

    /// Notes user activity at `now`.
    fn touch_at(&self, now: Moment) {
        if let Some(open) = self.open().as_mut() {
            open.idle.touch(now);
        }
    }

    /// Sets the idle timeout of the open vault.
    pub fn set_idle(&self, idle_minutes: u32) {
        if let Some(open) = self.open().as_mut() {
            open.idle.set_limit(minutes(idle_minutes));
        }
    }
}

/// The refusal of any work on a copy of the vault the user was warned about and has not
/// answered.
fn unanswered() -> CmdError {
    CmdError::new(
        ErrorKind::Conflict,
        "This copy of the vault is older than one this computer has opened. Choose Lock or Open this older copy first.",
    )
}

/// Runs blocking work (SQLCipher, Argon2id, PDF) off the UI thread.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| internal("background task stopped"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_MINUTES: Duration = Duration::from_secs(600);
    const SECOND: Duration = Duration::from_secs(1);

    /// A moment `wall` after (or, negative, before) `t0` by the wall clock and `mono` after it by
    /// the monotonic clock.
    fn at(t0: Moment, wall: i64, mono: u64) -> Moment {
        let shift = Duration::from_secs(wall.unsigned_abs());
        Moment {
            wall: if wall >= 0 {
                t0.wall + shift
            } else {
                t0.wall.checked_sub(shift).expect("a time before t0")
            },
            mono: t0.mono + Duration::from_secs(mono),
        }
    }

    #[test]
    fn time_asleep_counts_towards_the_idle_limit() {
        let t0 = Moment::now();
        let mut timer = IdleTimer::new(TEN_MINUTES, t0);
        assert!(!timer.expired(at(t0, 599, 599)));
        assert!(timer.expired(at(t0, 600, 600)));
        // The lid was shut for two hours: the monotonic clock stood still.
        assert!(timer.expired(at(t0, 7200, 3)));
        assert!(!IdleTimer::new(TEN_MINUTES, t0).expired(at(t0, 599, 3)));
    }

    #[test]
    fn a_wall_clock_wound_back_starts_the_timer_again_and_never_keeps_the_vault_open() {
        let t0 = Moment::now();
        let mut timer = IdleTimer::new(TEN_MINUTES, t0);
        // The clock goes back an hour: that counts as activity now, not as an hour to wait.
        assert!(!timer.expired(at(t0, -3600, 1)));
        assert!(!timer.expired(at(t0, -3600 + 599, 1)));
        assert!(timer.expired(at(t0, -3600 + 600, 1)));

        // Winding it back again and again does not help: the monotonic clock still counts.
        let mut timer = IdleTimer::new(TEN_MINUTES, t0);
        for s in 1..600 {
            assert!(!timer.expired(at(t0, -1, s)), "at {s} s");
        }
        assert!(timer.expired(at(t0, -1, 600)));
    }

    #[test]
    fn activity_restarts_the_timer_but_not_once_the_limit_has_passed() {
        let t0 = Moment::now();
        let mut timer = IdleTimer::new(TEN_MINUTES, t0);
        assert!(timer.touch(at(t0, 300, 300)));
        assert!(!timer.expired(at(t0, 899, 899)));
        assert!(timer.expired(at(t0, 900, 900)));

        // Waking from sleep, the first key press comes after the limit: the lock comes first.
        let mut timer = IdleTimer::new(TEN_MINUTES, t0);
        assert!(!timer.touch(at(t0, 3600, 2)));
        assert!(timer.expired(at(t0, 3601, 3)));
    }

    #[test]
    fn a_new_limit_counts_from_the_last_activity() {
        let t0 = Moment::now();
        let mut timer = IdleTimer::new(TEN_MINUTES, t0);
        timer.set_limit(SECOND * 60);
        assert!(!timer.expired(at(t0, 59, 59)));
        assert!(timer.expired(at(t0, 60, 60)));
    }

    const PASS: &str = "correct horse battery staple orbit";

    fn fast_kdf() -> dsl_store::KdfParams {
        dsl_store::KdfParams {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }

    fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).expect("folder");
        for f in std::fs::read_dir(from).expect("read") {
            let f = f.expect("entry");
            std::fs::copy(f.path(), to.join(f.file_name())).expect("copy");
        }
    }

    fn unlock(state: &AppState) -> CmdResult<Session> {
        crate::commands::vault::opened(state, Vault::unlock(&state.0.vault_dir, PASS)?)
    }

    /// One audited change through the state, as a command makes it.
    fn change(state: &AppState, n: u32) -> CmdResult<()> {
        state.with_vault(|v| {
            let mut s = v.settings()?;
            s.school_name = format!("Oakfield {n}");
            Ok(v.update_settings(&s, chrono::Utc::now())?)
        })
    }

    #[test]
    fn an_older_copy_waits_for_an_answer_and_is_remembered_only_once_opened() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("vault");
        let aside = tmp.path().join("aside");
        let seen = SeenVaults::at(tmp.path().join("this computer"));
        let state = AppState::remembering(dir.clone(), false, Some(seen.clone()));
        let created = Vault::create(
            &dir,
            "Oakfield",
            "Jo DSL",
            dsl_domain::vault::Role::Dsl,
            PASS,
            fast_kdf(),
            chrono::Utc::now(),
        )
        .expect("vault");
        state.set_open(created.vault).expect("open");
        assert!(state.lock());
        copy_folder(&dir, &aside);

        // Changes made through commands are remembered as they are made, without a lock.
        assert_eq!(unlock(&state).expect("unlocked").rollback, None);
        change(&state, 1).expect("changed");
        change(&state, 2).expect("changed");
        let newest = state
            .with_vault(|v| Ok(v.audit_position()?))
            .expect("position")
            .expect("some");
        let on_record = Vault::unlock(&dir, PASS).expect("unlocked");
        assert_eq!(on_record.check_seen(&seen).expect("checked"), None);
        drop(on_record);
        // A crash (no lock): the older copy put back is still noticed.
        *state.open() = None;

        std::fs::remove_dir_all(&dir).expect("remove");
        copy_folder(&aside, &dir);
        let warning = unlock(&state).expect("unlocked").rollback.expect("warned");
        assert_eq!(warning.kind, dsl_domain::vault::RollbackKind::OlderCopy);
        assert_eq!(warning.entries_then, Some(newest.entries));
        let refused = change(&state, 3).expect_err("nothing else until answered");
        assert_eq!(refused.0.kind, ErrorKind::Conflict);
        assert_eq!(
            state.session().expect("session").rollback,
            Some(warning.clone())
        );

        // Locking without an answer leaves the record as it was: asked again next time.
        assert!(state.lock());
        let again = unlock(&state)
            .expect("unlocked")
            .rollback
            .expect("asked again");
        assert_eq!(again.entries_then, warning.entries_then);

        let session = state.open_older_copy(chrono::Utc::now()).expect("opened");
        assert_eq!(session.rollback, None);
        change(&state, 4).expect("usable");
        assert!(state.lock());
        assert_eq!(
            unlock(&state).expect("unlocked").rollback,
            None,
            "not asked again"
        );
    }

    #[test]
    fn a_state_without_a_record_never_asks_and_writes_nothing() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("vault");
        let state = AppState::new(dir.clone(), false);
        let created = Vault::create(
            &dir,
            "Oakfield",
            "Jo DSL",
            dsl_domain::vault::Role::Dsl,
            PASS,
            fast_kdf(),
            chrono::Utc::now(),
        )
        .expect("vault");
        state.set_open(created.vault).expect("open");
        assert!(state.lock());
        assert_eq!(unlock(&state).expect("unlocked").rollback, None);
        let refused = state
            .open_older_copy(chrono::Utc::now())
            .expect_err("nothing to answer");
        assert_eq!(refused.0.kind, ErrorKind::Conflict);
    }

    #[test]
    fn the_open_vault_locks_after_its_idle_minutes_by_the_wall_clock() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("vault");
        let vault = dsl_store::Vault::create(
            &dir,
            "Oakfield",
            "Jo DSL",
            dsl_domain::vault::Role::Dsl,
            "correct horse battery staple orbit",
            dsl_store::KdfParams {
                memory_kib: 19 * 1024,
                iterations: 2,
                parallelism: 1,
            },
            chrono::Utc::now(),
        )
        .expect("vault")
        .vault;
        let minutes = vault.settings().expect("settings").idle_minutes;
        let state = AppState::with_attempts(
            dir.clone(),
            false,
            dsl_store::Attempts::in_dir(&tmp.path().join("attempts"), &dir),
        );
        state.set_open(vault).expect("open");
        let t0 = Moment::now();
        let limit = i64::from(minutes) * 60;

        assert!(!state.lock_if_idle(at(t0, limit - 5, 1)));
        state.touch_at(at(t0, limit - 5, 1));
        assert!(!state.lock_if_idle(at(t0, 2 * limit - 10, 2)));
        // Asleep past the limit: a touch on waking does not save it, and the check locks it.
        state.touch_at(at(t0, 3 * limit, 3));
        assert!(state.lock_if_idle(at(t0, 3 * limit, 3)));
        assert!(state.open().is_none(), "locked");
        assert!(!state.lock_if_idle(at(t0, 4 * limit, 4)), "already locked");
    }
}
