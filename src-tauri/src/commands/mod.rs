//! The commands the UI calls, one file per area. Each takes the state, calls the crates and
//! maps the error.

pub mod backup;
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
