//! Locks the vault when the computer is about to sleep or the desktop session is locked, where
//! the platform says so. On Linux: logind's `PrepareForSleep` and our session's `Lock` on the
//! system bus, and the screensaver's `ActiveChanged` on the session bus. Each signal is watched
//! on its own thread; where a bus (or logind, or a screensaver) is missing, as in CI or under a
//! bare X server, that signal is simply not watched and the app runs as before.

use std::sync::Arc;

use zbus::blocking::{Connection, MessageIterator};
use zbus::zvariant::OwnedObjectPath;

/// What to do when a signal says "lock now".
pub type OnLock = Arc<dyn Fn() + Send + Sync>;

const LOGIND: &str = "org.freedesktop.login1";
const LOGIND_PATH: &str = "/org/freedesktop/login1";
const LOGIND_MANAGER: &str = "org.freedesktop.login1.Manager";

/// Whether a signal's message means "lock now".
#[derive(Clone, Copy)]
enum When {
    /// Always (`Lock`).
    Always,
    /// When its one argument is true (`PrepareForSleep(true)`, `ActiveChanged(true)`).
    ArgTrue,
}

/// Starts watching, in the background; never fails.
pub fn listen(on_lock: OnLock) {
    let system = on_lock.clone();
    spawn("lock-on-sleep", move || watch_system_bus(system));
    spawn("lock-on-screensaver", move || {
        if let Ok(conn) = Connection::session() {
            // GNOME, KDE, Cinnamon, MATE and others each name their own interface
            // (org.freedesktop.ScreenSaver, org.gnome.ScreenSaver…): any ScreenSaver will do.
            watch(
                &conn,
                "type='signal',member='ActiveChanged'",
                When::ArgTrue,
                Some("ScreenSaver"),
                &on_lock,
            );
        }
    });
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) {
    // A thread that cannot start only means that signal is not watched.
    let _ = std::thread::Builder::new().name(name.into()).spawn(f);
}

/// Watches logind: sleep on this thread, our session's lock on another.
fn watch_system_bus(on_lock: OnLock) {
    let Ok(conn) = Connection::system() else {
        return;
    };
    let session = our_session(&conn);
    let lock_conn = conn.clone();
    let lock_on_lock = on_lock.clone();
    spawn("lock-on-session-lock", move || {
        // Without our session's path, any session's lock locks the vault: the safe way round.
        let path = session
            .map(|p| format!(",path='{}'", p.as_str()))
            .unwrap_or_default();
        let rule = format!(
            "type='signal',sender='{LOGIND}',interface='org.freedesktop.login1.Session',member='Lock'{path}"
        );
        watch(&lock_conn, &rule, When::Always, None, &lock_on_lock);
    });
    let rule = format!(
        "type='signal',sender='{LOGIND}',path='{LOGIND_PATH}',interface='{LOGIND_MANAGER}',member='PrepareForSleep'"
    );
    watch(&conn, &rule, When::ArgTrue, None, &on_lock);
}

/// The object path of the logind session this process belongs to.
fn our_session(conn: &Connection) -> Option<OwnedObjectPath> {
    let reply = conn
        .call_method(
            Some(LOGIND),
            LOGIND_PATH,
            Some(LOGIND_MANAGER),
            "GetSessionByPID",
            &(std::process::id()),
        )
        .or_else(|_| {
            conn.call_method(
                Some(LOGIND),
                LOGIND_PATH,
                Some(LOGIND_MANAGER),
                "GetSession",
                &("auto"),
            )
        })
        .ok()?;
    reply.body().deserialize::<OwnedObjectPath>().ok()
}

/// Calls `on_lock` for every signal matching `rule` that means "lock now", until the bus goes.
fn watch(
    conn: &Connection,
    rule: &str,
    when: When,
    interface_ends_with: Option<&str>,
    on_lock: &OnLock,
) {
    let Ok(messages) = MessageIterator::for_match_rule(rule, conn, Some(16)) else {
        return;
    };
    for message in messages {
        let Ok(message) = message else {
            continue;
        };
        if let Some(suffix) = interface_ends_with {
            let header = message.header();
            let ours = header
                .interface()
                .is_some_and(|i| i.as_str().ends_with(suffix));
            if !ours {
                continue;
            }
        }
        let lock = match when {
            When::Always => true,
            When::ArgTrue => message.body().deserialize::<bool>().unwrap_or(false),
        };
        if lock {
            on_lock();
        }
    }
}
