//! DSL Desk's domain: the types that cross to the UI, validation and the rules a DSL relies on.
//! Pure Rust: no database, no files, no clock (time is passed in).

pub mod activity;
pub mod allegation;
pub mod concern;
pub mod error;
pub mod evidence;
pub mod flow;
pub mod governor;
pub mod incident;
pub mod labels;
pub mod meaning;
pub mod passphrase;
pub mod recovery;
pub mod report;
pub mod retention;
#[doc(hidden)]
pub mod specimen;
pub mod stats;
pub mod terms;
pub mod text;
pub mod time;
pub mod transfer;
pub mod vault;

pub use error::{ApiError, ErrorKind};

#[cfg(test)]
mod agreement_tests;
#[cfg(test)]
mod test_fixtures;
