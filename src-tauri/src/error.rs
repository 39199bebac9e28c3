//! Maps each crate's errors to the one error the UI sees. No case data crosses here.

use dsl_domain::{ApiError, ErrorKind};
use dsl_store::{StoreError, WriteError};

/// The result every command returns.
pub type CmdResult<T> = Result<T, ApiError>;

/// The UI-facing form of a store error.
pub fn from_store(e: StoreError) -> ApiError {
    let kind = match &e {
        StoreError::NoVault => ErrorKind::NoVault,
        StoreError::VaultExists => ErrorKind::VaultExists,
        StoreError::WrongCredentials => ErrorKind::WrongCredentials,
        StoreError::Corrupt(_) | StoreError::Backup(_) => ErrorKind::Corrupt,
        StoreError::NewerVersion { .. } => ErrorKind::NewerVersion,
        StoreError::NotFound => ErrorKind::NotFound,
        StoreError::Conflict(_) => ErrorKind::Conflict,
        StoreError::NotPermitted(_) => ErrorKind::Forbidden,
        StoreError::Io(_)
        | StoreError::ReadOnly
        | StoreError::DiskFull
        | StoreError::VaultMissing => ErrorKind::Io,
        StoreError::Sqlite(_)
        | StoreError::Migration(_)
        | StoreError::Encoding(_)
        | StoreError::Crypto => ErrorKind::Internal,
    };
    match kind {
        ErrorKind::Internal => {
            // The detail goes to the log for support; it names no record and no person.
            eprintln!("dsl-desk: internal store error: {e}");
            ApiError::new(
                kind,
                "Something went wrong inside the vault. Nothing was saved by this action; try again, and restart DSL Desk if it keeps happening.",
            )
        }
        ErrorKind::WrongCredentials => {
            ApiError::new(kind, "That did not open the vault. Check it and try again.")
        }
        _ => ApiError::new(kind, e.to_string()),
    }
}

/// The error for a command that needs the vault open.
pub fn locked() -> ApiError {
    ApiError::new(
        ErrorKind::Locked,
        "The vault is locked. Unlock it to continue.",
    )
}

/// The error for an unexpected failure outside the store.
pub fn internal(what: &str) -> ApiError {
    eprintln!("dsl-desk: internal error: {what}");
    ApiError::new(
        ErrorKind::Internal,
        "Something went wrong. Try again, and restart DSL Desk if it keeps happening.",
    )
}

/// The UI-facing form of a write that the store or the domain rules refused.
pub fn from_write(e: WriteError) -> ApiError {
    match e {
        WriteError::Store(s) => from_store(s),
        WriteError::Rejected(a) => a,
    }
}
