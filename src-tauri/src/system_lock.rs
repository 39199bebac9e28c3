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
                SCREENSAVER_RULE,
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
        let rule = session_lock_rule(session.as_ref().map(|p| p.as_str()));
        watch(&lock_conn, &rule, When::Always, None, &lock_on_lock);
    });
    watch(&conn, &sleep_rule(), When::ArgTrue, None, &on_lock);
}

/// logind's signal before the computer sleeps (true) and after it wakes (false).
fn sleep_rule() -> String {
    format!(
        "type='signal',sender='{LOGIND}',path='{LOGIND_PATH}',interface='{LOGIND_MANAGER}',member='PrepareForSleep'"
    )
}

/// logind's signal that the session at `path` is to lock its screen. Without our session's path,
/// any session's lock locks the vault: the safe way round.
fn session_lock_rule(path: Option<&str>) -> String {
    let path = path.map(|p| format!(",path='{p}'")).unwrap_or_default();
    format!(
        "type='signal',sender='{LOGIND}',interface='org.freedesktop.login1.Session',member='Lock'{path}"
    )
}

/// The screensaver's signal that it turned on (true) or off (false).
const SCREENSAVER_RULE: &str = "type='signal',member='ActiveChanged'";

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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use zbus::MatchRule;

    use super::*;

    #[test]
    fn the_match_rules_are_well_formed() {
        let session = session_lock_rule(Some("/org/freedesktop/login1/session/_32"));
        for rule in [
            sleep_rule(),
            session_lock_rule(None),
            session,
            SCREENSAVER_RULE.to_string(),
        ] {
            assert!(MatchRule::try_from(rule.as_str()).is_ok(), "{rule}");
        }
    }

    /// A private bus of the test's own, where `dbus-daemon` is installed (never the desktop's, so
    /// no real program hears the signals sent on it); it stops when dropped.
    struct PrivateBus(std::process::Child, String);

    impl PrivateBus {
        fn start() -> Option<Self> {
            use std::io::BufRead;
            let mut child = std::process::Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .ok()?;
            let mut address = String::new();
            let stdout = child.stdout.take()?;
            std::io::BufReader::new(stdout)
                .read_line(&mut address)
                .ok()?;
            Some(Self(child, address.trim().to_string()))
        }

        fn connect(&self) -> Connection {
            zbus::blocking::connection::Builder::address(self.1.as_str())
                .and_then(|b| b.build())
                .expect("connected to the private bus")
        }
    }

    impl Drop for PrivateBus {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Signals sent on a private bus, logind's by a connection that takes logind's name. Without
    /// `dbus-daemon` it checks only that listening neither fails nor blocks.
    #[test]
    fn sleep_session_lock_and_screensaver_signals_lock_and_their_opposites_do_not() {
        let Some(bus) = PrivateBus::start() else {
            listen(Arc::new(|| {}));
            return;
        };
        let (conn, sender) = (bus.connect(), bus.connect());
        sender
            .request_name(LOGIND)
            .expect("logind's name on a test bus");
        let (tx, rx) = mpsc::channel();
        let on_lock: OnLock = Arc::new(move || {
            let _ = tx.send(());
        });
        let watches = [
            (sleep_rule(), When::ArgTrue, None),
            (session_lock_rule(Some("/s/ours")), When::Always, None),
            (
                SCREENSAVER_RULE.to_string(),
                When::ArgTrue,
                Some("ScreenSaver"),
            ),
        ];
        for (rule, when, interface) in watches {
            let (conn, on_lock) = (conn.clone(), on_lock.clone());
            std::thread::spawn(move || watch(&conn, &rule, when, interface, &on_lock));
        }
        let emit = |path: &str, interface: &str, member: &str, arg: Option<bool>| {
            match arg {
                Some(b) => sender.emit_signal(None::<&str>, path, interface, member, &b),
                None => sender.emit_signal(None::<&str>, path, interface, member, &()),
            }
            .expect("sent");
        };
        let sleep = |b| emit(LOGIND_PATH, LOGIND_MANAGER, "PrepareForSleep", Some(b));
        let saver = |i: &str, b| emit("/org/freedesktop/ScreenSaver", i, "ActiveChanged", Some(b));
        let lock = |p: &str| emit(p, "org.freedesktop.login1.Session", "Lock", None);

        // The watches start listening in their own time: send until one is heard, then drain.
        let mut heard = false;
        for _ in 0..50 {
            sleep(true);
            saver("org.freedesktop.ScreenSaver", true);
            lock("/s/ours");
            if rx.recv_timeout(Duration::from_millis(100)).is_ok() {
                heard = true;
                break;
            }
        }
        assert!(heard, "a signal was heard");
        std::thread::sleep(Duration::from_millis(300));
        while rx.try_recv().is_ok() {}

        let quiet = |what: &str| {
            assert!(
                rx.recv_timeout(Duration::from_millis(300)).is_err(),
                "{what} did not lock"
            )
        };
        let locks = |what: &str| {
            assert!(
                rx.recv_timeout(Duration::from_secs(5)).is_ok(),
                "{what} locked"
            );
            quiet(what);
        };
        sleep(false);
        quiet("waking");
        saver("org.gnome.ScreenSaver", false);
        quiet("the screensaver turning off");
        saver("org.example.Music", true);
        quiet("another interface's ActiveChanged");
        lock("/s/theirs");
        quiet("another session's lock");
        sleep(true);
        locks("going to sleep");
        saver("org.gnome.ScreenSaver", true);
        locks("the screensaver turning on");
        lock("/s/ours");
        locks("our session's lock");
    }
}
