//! The one error the UI sees, and how each crate's errors become it. No case data crosses here.

use dsl_domain::{ApiError, ErrorKind};
use dsl_report::ReportError;
use dsl_store::{StoreError, WriteError};

/// The error every command returns: an [`ApiError`], serialised exactly as one. Each crate's
/// error converts into it, so a command body uses `?` throughout.
#[derive(Debug, serde::Serialize)]
#[serde(transparent)]
pub struct CmdError(pub ApiError);

/// The result every command returns.
pub type CmdResult<T> = Result<T, CmdError>;

impl CmdError {
    /// An error of `kind` with a message safe to show.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(ApiError::new(kind, message))
    }

    /// A validation error about one input field.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self(ApiError::validation(field, message))
    }
}

impl From<ApiError> for CmdError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

/// The UI-facing form of a store error.
impl From<StoreError> for CmdError {
    fn from(e: StoreError) -> Self {
        let kind = match &e {
            StoreError::NoVault => ErrorKind::NoVault,
            StoreError::VaultExists => ErrorKind::VaultExists,
            StoreError::WrongCredentials => ErrorKind::WrongCredentials,
            StoreError::TooManyAttempts { .. } => ErrorKind::TooManyAttempts,
            StoreError::Corrupt(_) | StoreError::Backup(_) => ErrorKind::Corrupt,
            StoreError::NewerVersion { .. } => ErrorKind::NewerVersion,
            StoreError::NotFound => ErrorKind::NotFound,
            StoreError::Conflict(_) | StoreError::KeyFileMissing => ErrorKind::Conflict,
            StoreError::NotAKeyFile | StoreError::OldKeyFile | StoreError::StaleKeyFile => {
                ErrorKind::Corrupt
            }
            StoreError::RekeyPending => ErrorKind::Conflict,
            StoreError::NotPermitted(_) => ErrorKind::Forbidden,
            StoreError::Io(_)
            | StoreError::ReadOnly
            | StoreError::DiskFull
            | StoreError::VaultMissing
            | StoreError::AttemptsUnavailable => ErrorKind::Io,
            StoreError::Sqlite(_)
            | StoreError::Migration(_)
            | StoreError::Encoding(_)
            | StoreError::Crypto => ErrorKind::Internal,
        };
        match kind {
            ErrorKind::Internal => {
                // The detail goes to the log for support; it names no record and no person.
                eprintln!("dsl-desk: internal store error: {e}");
                Self::new(
                    kind,
                    "Something went wrong inside the vault. Nothing was saved by this action; try again, and restart DSL Desk if it keeps happening.",
                )
            }
            ErrorKind::WrongCredentials => {
                Self::new(kind, "That did not open the vault. Check it and try again.")
            }
            ErrorKind::TooManyAttempts => {
                let mut api = ApiError::new(kind, e.to_string());
                if let StoreError::TooManyAttempts { wait_seconds } = e {
                    api.retry_after_seconds = Some(wait_seconds);
                }
                Self(api)
            }
            _ => Self::new(kind, e.to_string()),
        }
    }
}

/// The UI-facing form of a write that the store or the domain rules refused.
impl From<WriteError> for CmdError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Store(s) => s.into(),
            WriteError::Rejected(a) => a.into(),
        }
    }
}

/// A report that could not be drawn (its font is built in, so this is never the user's doing).
impl From<ReportError> for CmdError {
    fn from(e: ReportError) -> Self {
        internal(&format!("a report could not be drawn: {e}"))
    }
}

/// The error for a command that needs the vault open.
pub fn locked() -> CmdError {
    CmdError::new(
        ErrorKind::Locked,
        "The vault is locked. Unlock it to continue.",
    )
}

/// The error for an unexpected failure outside the store.
pub fn internal(what: &str) -> CmdError {
    eprintln!("dsl-desk: internal error: {what}");
    CmdError::new(
        ErrorKind::Internal,
        "Something went wrong. Try again, and restart DSL Desk if it keeps happening.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_exactly_as_the_api_error_it_holds() {
        let mut e = ApiError::validation("current", "Your passphrase is not right.");
        e.retry_after_seconds = Some(5);
        assert_eq!(
            serde_json::to_value(CmdError(e.clone())).expect("json"),
            serde_json::to_value(e).expect("json")
        );
    }

    #[test]
    fn store_and_write_errors_keep_their_kind_and_message() {
        let wrong = CmdError::from(StoreError::WrongCredentials).0;
        assert_eq!(wrong.kind, ErrorKind::WrongCredentials);
        assert_eq!(
            wrong.message,
            "That did not open the vault. Check it and try again."
        );
        let wait = CmdError::from(StoreError::TooManyAttempts { wait_seconds: 40 }).0;
        assert_eq!(wait.kind, ErrorKind::TooManyAttempts);
        assert_eq!(wait.retry_after_seconds, Some(40));
        assert!(wait.message.contains("Wait 40 seconds"), "{}", wait.message);
        assert!(wait.message.contains("restarting DSL Desk does not end it"));
        assert_eq!(
            CmdError::from(WriteError::Store(StoreError::NotFound))
                .0
                .kind,
            ErrorKind::NotFound
        );
        let rejected = ApiError::validation("summary", "Say what happened.");
        assert_eq!(
            CmdError::from(WriteError::Rejected(rejected.clone())).0,
            rejected
        );
        assert_eq!(
            CmdError::from(ReportError::Font).0.kind,
            ErrorKind::Internal
        );
    }
}
