//! DSL Desk's encrypted vault: a SQLCipher database keyed with a random data key,
//! the key slots that wrap that key, schema migrations and the audit chain.

pub mod access;
mod accounts;
pub mod attempts;
mod audit;
pub mod backup;
#[cfg(feature = "bench-baseline")]
pub mod baseline;
mod columns;
pub mod demo;
mod error;
pub mod evidence;
pub mod files;
pub mod governor;
mod incidents;
mod keyslots;
mod migrations;
mod reports;
pub mod restricted;
mod retention;
pub mod seen;
mod settings;
mod signing;
mod time;
mod transfers;
mod users;
mod vault;

pub use attempts::Attempts;
pub use error::StoreError;
pub use incidents::{PersonHistory, PersonIncident, WriteError};
pub use keyslots::KdfParams;
pub use migrations::SCHEMA_VERSION;
pub use transfers::PersonReports;
pub use vault::{RekeyProgress, Unlocked, Vault, DB_FILE, KEYSLOTS_FILE};

/// The result of every store operation.
pub type Result<T> = std::result::Result<T, StoreError>;

#[cfg(test)]
mod tests;
