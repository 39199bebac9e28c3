//! Calls back when Windows locks the session (WTS_SESSION_LOCK) or is about to suspend
//! (PBT_APMSUSPEND). A hidden window of our own, on its own thread, is registered for this
//! session's notifications and receives the power broadcasts.
//!
//! The window is a hidden top-level window rather than a message-only one (parent
//! HWND_MESSAGE): message-only windows are not sent broadcast messages such as
//! WM_POWERBROADCAST. It is never shown, and is a tool window, so it has no taskbar button.
//! On anything but Windows the crate is empty.

#![cfg(windows)]

use std::sync::OnceLock;

use windows_sys::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
use windows_sys::Win32::System::RemoteDesktop::{
    WTSRegisterSessionNotification, NOTIFY_FOR_THIS_SESSION,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DispatchMessageW, GetMessageW, RegisterClassW,
    TranslateMessage, MSG, PBT_APMSUSPEND, WM_POWERBROADCAST, WM_WTSSESSION_CHANGE, WNDCLASSW,
    WS_EX_TOOLWINDOW, WS_OVERLAPPED, WTS_SESSION_LOCK,
};

/// What to call; set once, by the first [`listen`].
static ON_LOCK: OnceLock<Box<dyn Fn() + Send + Sync>> = OnceLock::new();

/// What a window message means for the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Lock now: the session is locking or the computer is about to suspend.
    Lock,
    /// Anything else (unlocking, resuming, other messages).
    Other,
}

/// Reads a window message: `message` with its `wparam`.
pub fn meaning(message: u32, wparam: usize) -> Meaning {
    let lock = match message {
        WM_WTSSESSION_CHANGE => wparam == WTS_SESSION_LOCK as usize,
        WM_POWERBROADCAST => wparam == PBT_APMSUSPEND as usize,
        _ => false,
    };
    if lock {
        Meaning::Lock
    } else {
        Meaning::Other
    }
}

/// Starts listening on a thread of its own; calls `on_lock` from that thread. Never fails:
/// if the window cannot be made, nothing is heard and the app runs as before (the idle timer
/// still locks the vault). Only the first call listens.
pub fn listen(on_lock: impl Fn() + Send + Sync + 'static) {
    if ON_LOCK.set(Box::new(on_lock)).is_err() {
        return;
    }
    // A thread that cannot start only means nothing is heard.
    let _ = std::thread::Builder::new()
        .name("lock-on-session-lock".into())
        .spawn(run);
}

/// The window procedure: locks on the two messages, leaves the rest to Windows.
unsafe extern "system" fn window_proc(
    hwnd: HWND,
    message: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if meaning(message, wparam) == Meaning::Lock {
        if let Some(on_lock) = ON_LOCK.get() {
            // A panic must not unwind into Windows' code.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(on_lock));
        }
    }
    // SAFETY: the arguments are those Windows passed to this window procedure.
    unsafe { DefWindowProcW(hwnd, message, wparam, lparam) }
}

/// Makes the window, registers it and runs its message loop until the thread ends.
fn run() {
    let class_name: Vec<u16> = "DslDeskSessionWatch\0".encode_utf16().collect();
    // SAFETY: a null module name asks for this executable's own handle.
    let instance = unsafe { GetModuleHandleW(std::ptr::null()) };
    let class = WNDCLASSW {
        style: 0,
        lpfnWndProc: Some(window_proc),
        cbClsExtra: 0,
        cbWndExtra: 0,
        hInstance: instance,
        hIcon: std::ptr::null_mut(),
        hCursor: std::ptr::null_mut(),
        hbrBackground: std::ptr::null_mut(),
        lpszMenuName: std::ptr::null(),
        lpszClassName: class_name.as_ptr(),
    };
    // SAFETY: `class` is fully initialised and its class name, NUL-terminated, outlives the
    // window (both live until this function, which runs the loop, returns).
    if unsafe { RegisterClassW(&class) } == 0 {
        return;
    }
    // SAFETY: the class was registered above; a hidden window (no WS_VISIBLE) with no parent,
    // menu or creation data.
    let hwnd = unsafe {
        CreateWindowExW(
            WS_EX_TOOLWINDOW,
            class_name.as_ptr(),
            class_name.as_ptr(),
            WS_OVERLAPPED,
            0,
            0,
            0,
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            instance,
            std::ptr::null(),
        )
    };
    if hwnd.is_null() {
        return;
    }
    // SAFETY: `hwnd` is the window just made, owned by this thread. If this fails, the power
    // broadcasts are still heard.
    unsafe { WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION) };
    // SAFETY: MSG is plain data, for which all zeroes is a valid value.
    let mut msg: MSG = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `msg` is a valid MSG to write to; a null window reads this thread's messages.
        let got = unsafe { GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) };
        // 0: WM_QUIT; -1: an error. Either way, stop.
        if got <= 0 {
            return;
        }
        // SAFETY: `msg` was filled in by GetMessageW.
        unsafe {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_session_lock_or_a_suspend_means_lock() {
        use windows_sys::Win32::UI::WindowsAndMessaging::{
            PBT_APMRESUMEAUTOMATIC, WM_PAINT, WTS_SESSION_UNLOCK,
        };
        assert_eq!(
            meaning(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK as usize),
            Meaning::Lock
        );
        assert_eq!(
            meaning(WM_POWERBROADCAST, PBT_APMSUSPEND as usize),
            Meaning::Lock
        );
        assert_eq!(
            meaning(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK as usize),
            Meaning::Other
        );
        assert_eq!(
            meaning(WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC as usize),
            Meaning::Other
        );
        assert_eq!(meaning(WM_PAINT, WTS_SESSION_LOCK as usize), Meaning::Other);
    }
}
