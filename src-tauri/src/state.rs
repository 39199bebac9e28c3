//! The app's state: the vault is either locked (no key, no connection) or unlocked.
//! The backend owns the idle timer; the UI only reports activity.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use dsl_domain::recovery::RecoveryKey;
use dsl_domain::{ApiError, ErrorKind};
use dsl_store::Vault;

use crate::error::{internal, locked, CmdResult};

/// An unlocked vault and when the user last did anything.
pub struct OpenVault {
    pub vault: Vault,
    pub last_activity: Instant,
    pub idle: Duration,
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

    /// The report saved last.
    pub fn last_export(&self) -> MutexGuard<'_, Option<PathBuf>> {
        guard(&self.0.last_export)
    }

    /// Runs `f` on the open vault, counting the call as activity.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> CmdResult<T>) -> CmdResult<T> {
        let mut slot = self.open();
        let open = slot.as_mut().ok_or_else(locked)?;
        open.last_activity = Instant::now();
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
            last_activity: Instant::now(),
            idle: Duration::from_secs(u64::from(idle_minutes) * 60),
        });
        Ok(())
    }

    /// Drops the connection and key, and any recovery key waiting to be confirmed.
    /// Returns true if the vault was open.
    pub fn lock(&self) -> bool {
        let was_open = self.open().take().is_some();
        self.pending_recovery().take();
        self.last_export().take();
        was_open
    }

    /// Locks the vault if it has been idle too long; true if it did.
    pub fn lock_if_idle(&self, now: Instant) -> bool {
        let expired = match self.open().as_ref() {
            Some(open) => now.saturating_duration_since(open.last_activity) >= open.idle,
            None => false,
        };
        expired && self.lock()
    }

    /// Notes user activity (any key, click or pointer move in the window).
    pub fn touch(&self) {
        if let Some(open) = self.open().as_mut() {
            open.last_activity = Instant::now();
        }
    }

    /// Sets the idle timeout of the open vault.
    pub fn set_idle(&self, minutes: u32) {
        if let Some(open) = self.open().as_mut() {
            open.idle = Duration::from_secs(u64::from(minutes) * 60);
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
}
