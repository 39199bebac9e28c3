//! The one error type that crosses to the UI: a kind the UI decides on, and a safe message.
//! Messages never carry case data (names, summaries, references).

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, for the UI to decide on without matching text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub enum ErrorKind {
    /// The vault is locked: the UI must show the unlock screen.
    Locked,
    /// No vault exists yet at the vault location.
    NoVault,
    /// A vault already exists where one was to be created.
    VaultExists,
    /// The passphrase or recovery key did not open the vault.
    WrongCredentials,
    /// Too many failed attempts: wait before trying again.
    TooManyAttempts,
    /// Input failed validation; `field` names the input.
    Validation,
    /// A record that was asked for does not exist.
    NotFound,
    /// The request conflicts with the current state.
    Conflict,
    /// The signed-in user's role does not allow this (e.g. a headteacher changing a record).
    Forbidden,
    /// The vault was written by a newer version of DSL Desk.
    NewerVersion,
    /// The vault files are damaged or not a DSL Desk vault.
    Corrupt,
    /// The user cancelled (e.g. closed a save dialog).
    Cancelled,
    /// Reading or writing a file failed.
    Io,
    /// Anything else; the message says what to do.
    Internal,
}

/// The error every command returns to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[error("{message}")]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    /// The input field at fault, for validation errors.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before the next attempt, for `TooManyAttempts`.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u32>,
}

impl ApiError {
    /// An error of `kind` with a message safe to show.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            retry_after_seconds: None,
        }
    }

    /// A validation error about one input field.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Validation,
            message: message.into(),
            field: Some(field.to_string()),
            retry_after_seconds: None,
        }
    }
}
