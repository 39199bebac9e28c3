//! The commands the UI calls, one file per area. Each is a `#[tauri::command]` with a one-line
//! doc comment; build.rs finds them here and lists them for the handler and the permissions.
//! A command's body runs off the UI thread through `AppState::vault` or `AppState::run`, and
//! every crate's error becomes the UI's with `?`.

pub mod backup;
pub mod concerns;
pub mod evidence;
pub mod governor;
pub mod incidents;
pub mod records;
pub mod reports;
pub mod settings;
pub mod users;
pub mod vault;

use chrono::{DateTime, Utc};

/// The time now, for the crates (which never read the clock themselves).
pub fn now() -> DateTime<Utc> {
    Utc::now()
}
