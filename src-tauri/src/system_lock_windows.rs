//! Locks the vault when Windows locks the session (Windows+L, the screensaver's lock, switching
//! user) or is about to suspend or hibernate: the Windows side of `system_lock`, with the same
//! `listen`. The Win32 calls live in the `dsl-winlock` crate, so this crate still forbids unsafe
//! code. Where the window cannot be made, nothing is heard and the app runs as before (the idle
//! timer still locks the vault).

use std::sync::Arc;

/// What to do when Windows says "lock now".
pub type OnLock = Arc<dyn Fn() + Send + Sync>;

/// Starts watching, in the background; never fails.
pub fn listen(on_lock: OnLock) {
    dsl_winlock::listen(move || on_lock());
}
