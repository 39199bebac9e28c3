//! The app's state: the vault is either locked (no key, no connection) or unlocked.
//! The backend owns the idle timer; the UI only reports activity.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use dsl_domain::recovery::RecoveryKey;
use dsl_domain::{ApiError, ErrorKind};
use dsl_store::backup::PreparedRestore;
use dsl_store::Vault;

use crate::error::{internal, locked, CmdResult};

/// An unlocked vault and when the user last did anything.
pub struct OpenVault {
    pub vault: Vault,
    pub idle: IdleTimer,
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

/// Failed unlock attempts, for the growing delay.
#[derive(Default)]
pub struct Attempts {
    failures: u32,
    next_allowed: Option<Instant>,
}

/// Failures allowed before a delay starts.
const FREE_FAILURES: u32 = 3;
/// The longest delay between attempts.
const MAX_DELAY: Duration = Duration::from_secs(300);

impl Attempts {
    /// Refuses an attempt made before the delay has passed.
    pub fn check(&self, now: Instant) -> Result<(), ApiError> {
        match self.next_allowed {
            Some(at) if at > now => {
                let wait = (at - now).as_secs_f64().ceil() as u32;
                let mut e = ApiError::new(
                    ErrorKind::TooManyAttempts,
                    format!("Too many attempts. Wait {wait} seconds, then try again."),
                );
                e.retry_after_seconds = Some(wait);
                Err(e)
            }
            _ => Ok(()),
        }
    }

    /// Records a failure and returns the delay before the next attempt.
    pub fn failed(&mut self, now: Instant) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let delay = if self.failures < FREE_FAILURES {
            Duration::ZERO
        } else {
            let doublings = (self.failures - FREE_FAILURES).min(10);
            (Duration::from_secs(5) * 2u32.pow(doublings)).min(MAX_DELAY)
        };
        self.next_allowed = Some(now + delay);
        delay
    }

    /// Clears the count after a success.
    pub fn succeeded(&mut self) {
        *self = Attempts::default();
    }
}

/// Everything the commands share.
pub struct Shared {
    pub vault_dir: PathBuf,
    /// Started with `--demo`: the vault folder is the demonstration vault's.
    pub demo_mode: bool,
    pub open: Mutex<Option<OpenVault>>,
    pub pending_recovery: Mutex<Option<PendingRecovery>>,
    pub attempts: Mutex<Attempts>,
    /// A backup checked and staged, waiting for the user to confirm the restore.
    pub pending_restore: Mutex<Option<PreparedRestore>>,
    /// The report saved last, which the user may open to print.
    pub last_export: Mutex<Option<PathBuf>>,
}

/// The state handed to commands: cheap to clone into blocking tasks.
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// State for a vault kept in `vault_dir`, starting locked.
    pub fn new(vault_dir: PathBuf, demo_mode: bool) -> Self {
        Self(Arc::new(Shared {
            vault_dir,
            demo_mode,
            open: Mutex::new(None),
            pending_recovery: Mutex::new(None),
            attempts: Mutex::new(Attempts::default()),
            pending_restore: Mutex::new(None),
            last_export: Mutex::new(None),
        }))
    }

    /// The open vault slot.
    pub fn open(&self) -> MutexGuard<'_, Option<OpenVault>> {
        guard(&self.0.open)
    }

    /// The recovery key waiting to be confirmed.
    pub fn pending_recovery(&self) -> MutexGuard<'_, Option<PendingRecovery>> {
        guard(&self.0.pending_recovery)
    }

    /// The failed-attempt counter.
    pub fn attempts(&self) -> MutexGuard<'_, Attempts> {
        guard(&self.0.attempts)
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
        f(&mut open.vault)
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

    /// Makes `vault` the open vault.
    pub fn set_open(&self, vault: Vault) -> CmdResult<()> {
        let idle_minutes = vault.settings()?.idle_minutes;
        *self.open() = Some(OpenVault {
            vault,
            idle: IdleTimer::new(minutes(idle_minutes), Moment::now()),
        });
        Ok(())
    }

    /// Drops the connection and key, and any recovery key waiting to be confirmed.
    /// Returns true if the vault was open.
    pub fn lock(&self) -> bool {
        let was_open = self.open().take().is_some();
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

    #[test]
    fn delay_grows_after_three_failures_and_resets_on_success() {
        let mut a = Attempts::default();
        let t0 = Instant::now();
        assert_eq!(a.failed(t0), Duration::ZERO);
        assert_eq!(a.failed(t0), Duration::ZERO);
        assert!(a.check(t0).is_ok());
        assert_eq!(a.failed(t0), Duration::from_secs(5));
        let refused = a.check(t0).expect_err("refused");
        assert_eq!(refused.kind, ErrorKind::TooManyAttempts);
        assert_eq!(refused.retry_after_seconds, Some(5));
        assert_eq!(a.failed(t0), Duration::from_secs(10));
        assert_eq!(a.failed(t0), Duration::from_secs(20));
        for _ in 0..20 {
            a.failed(t0);
        }
        assert_eq!(a.failed(t0), MAX_DELAY);
        assert!(a.check(t0 + MAX_DELAY).is_ok());
        a.succeeded();
        assert_eq!(a.failed(t0), Duration::ZERO);
    }

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
        let state = AppState::new(dir, false);
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
