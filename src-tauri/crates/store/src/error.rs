//! The store's errors. Messages never carry case data.

/// Why a vault operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("No vault exists at the vault location.")]
    NoVault,
    #[error("A vault already exists at the vault location.")]
    VaultExists,
    #[error("The passphrase or recovery key is not right.")]
    WrongCredentials,
    #[error("The vault is damaged or is not a DSL Desk vault ({0}).")]
    Corrupt(&'static str),
    #[error("This vault was written by a newer version of DSL Desk (schema {found}; this version reads up to {supported}). Install the newer version to open it.")]
    NewerVersion { found: i64, supported: i64 },
    #[error("That record does not exist.")]
    NotFound,
    #[error("That change is not allowed: {0}.")]
    Conflict(&'static str),
    #[error("The vault files could not be read or written: {0}")]
    Io(#[from] std::io::Error),
    #[error("The vault database reported an error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("The vault could not be upgraded: {0}")]
    Migration(String),
    #[error("The backup cannot be used: {0}.")]
    Backup(&'static str),
    #[error("Your role does not allow this: {0}.")]
    NotPermitted(&'static str),
    #[error("A cryptographic operation failed.")]
    Crypto,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::Corrupt("not readable with its key"),
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt("database pages are damaged"),
            _ => StoreError::Sqlite(e),
        }
    }
}
