//! The store's errors. Messages never carry case data.

/// Why a vault operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("No vault exists at the vault location.")]
    NoVault,
    #[error("A vault already exists at the vault location.")]
    VaultExists,
    #[error("The vault folder holds a vault database but not its key file (keyslots.json). Nothing was changed. Put the key file back into the vault folder from a backup, or choose it, and the vault opens as before.")]
    KeyFileMissing,
    #[error("This vault's key file was made by an early test version of DSL Desk, before each user had keys of their own. It cannot be upgraded safely: restore it with that version and make a new vault, or create a new vault in another folder.")]
    OldKeyFile,
    #[error("The change was made, but the vault could not yet be re-encrypted under a new key, most likely because it is open in another window or on another computer. Close it there: DSL Desk finishes the re-encryption the next time a DSL or deputy unlocks the vault.")]
    RekeyPending,
    #[error("The vault does not open with this key file. The key file may be an older copy, from before someone was removed or the recovery key was replaced, or belong to another vault; or the vault's database is damaged. Nothing was changed. Put back the key file that belongs with this vault (from the latest backup of the vault folder), or restore the latest backup.")]
    StaleKeyFile,
    #[error("That file is not a DSL Desk key file (keyslots.json). Nothing was copied.")]
    NotAKeyFile,
    #[error("The passphrase or recovery key is not right.")]
    WrongCredentials,
    #[error("Too many wrong attempts. To slow down guessing, DSL Desk waits before it tests another passphrase or recovery key. Wait {wait_seconds} seconds, then try again. The wait grows with each wrong attempt, up to 5 minutes, and restarting DSL Desk does not end it.")]
    TooManyAttempts { wait_seconds: u32 },
    #[error("DSL Desk could not read or write its count of wrong attempts (in its data folder), so nothing was tested. Check that your user folder can be written to and is not full, then try again.")]
    AttemptsUnavailable,
    #[error("The vault is damaged or is not a DSL Desk vault ({0}).")]
    Corrupt(&'static str),
    #[error("This vault was written by a newer version of DSL Desk (schema {found}; this version reads up to {supported}). Install the newer version to open it.")]
    NewerVersion { found: i64, supported: i64 },
    #[error("That record does not exist.")]
    NotFound,
    #[error("That change is not allowed: {0}.")]
    Conflict(&'static str),
    #[error("The vault files could not be read or written: {0}")]
    Io(std::io::Error),
    #[error("The vault database reported an error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("The vault could not be upgraded: {0}")]
    Migration(String),
    #[error("The backup cannot be used: {0}.")]
    Backup(&'static str),
    #[error("Your role does not allow this: {0}.")]
    NotPermitted(&'static str),
    #[error("A record could not be put in the vault's stored form ({0}). Nothing was saved.")]
    Encoding(&'static str),
    #[error("A cryptographic operation failed.")]
    Crypto,
    #[error("The vault folder cannot be written to. Nothing was saved. Check that the folder and its drive are not read-only, then try again.")]
    ReadOnly,
    #[error("The vault could not be written to disk: the disk may be full. Nothing was saved. Free some space, then try again.")]
    DiskFull,
    #[error("The vault file has been moved or deleted while DSL Desk had it open, so nothing more can be saved. Put it back where it was and try again. If it was deleted, make a backup now (Settings): it holds everything up to this moment.")]
    VaultMissing,
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind;
        match e.kind() {
            ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied => StoreError::ReadOnly,
            ErrorKind::StorageFull | ErrorKind::FileTooLarge => StoreError::DiskFull,
            _ => StoreError::Io(e),
        }
    }
}

/// True for SQLite's extended codes of a failed write, sync or growth of a file.
fn is_write_failure(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _) if [
            ffi::SQLITE_IOERR_WRITE,
            ffi::SQLITE_IOERR_FSYNC,
            ffi::SQLITE_IOERR_DIR_FSYNC,
            ffi::SQLITE_IOERR_TRUNCATE,
            ffi::SQLITE_IOERR_SHMSIZE,
            ffi::SQLITE_IOERR_SHMMAP,
        ]
        .contains(&f.extended_code)
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        // A column whose stored text does not read (see `columns::Unreadable`).
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(unreadable) = inner.downcast_ref::<crate::columns::Unreadable>() {
                return StoreError::Corrupt(unreadable.0);
            }
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::Corrupt("not readable with its key"),
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt("database pages are damaged"),
            Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) => StoreError::ReadOnly,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            // A write or sync the system refused: a full disk, a file size limit, a failing drive.
            Some(ErrorCode::SystemIoFailure) if is_write_failure(&e) => StoreError::DiskFull,
            _ => StoreError::Sqlite(e),
        }
    }
}
