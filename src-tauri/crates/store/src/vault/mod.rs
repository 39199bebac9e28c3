//! Creating, opening and changing the keys of a vault.
//!
//! A vault is a folder with two files: `vault.db`, a SQLCipher database keyed with a random
//! 256-bit data key, and `keyslots.json`, which holds that key wrapped once per passphrase and
//! once for the recovery key. A vault exists when its key file does.
//!
//! - [`connection`]: opening and keying the database, its pragmas and page format;
//! - [`lifecycle`]: creating and unlocking a vault;
//! - [`credentials`]: passphrases and the recovery key;
//! - [`settings`]: the school's settings and the session.

mod connection;
mod credentials;
mod lifecycle;
mod settings;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use dsl_domain::recovery::RecoveryKey;
use rusqlite::Connection;

use crate::audit::{self, Author};
use crate::keyslots::DataKey;
use crate::{users, Result, StoreError};
use ed25519_dalek::SigningKey;

#[cfg(test)]
pub(crate) use connection::PageFormat;
pub(crate) use connection::{db_files_present, export_copy, open_db, raw_key, RESTORING_DIR};
pub use credentials::RekeyProgress;
#[cfg(feature = "bench-baseline")]
pub(crate) use lifecycle::initialise;

/// The database file's name inside the vault folder.
pub const DB_FILE: &str = "vault.db";
/// The key-slot file's name inside the vault folder.
pub const KEYSLOTS_FILE: &str = "keyslots.json";

/// An open vault: the connection, its data key and the signed-in user.
pub struct Vault {
    pub(crate) conn: Connection,
    pub(crate) dir: PathBuf,
    pub(crate) key: DataKey,
    pub(crate) user_id: i64,
    /// The signed-in user's signing key: every change they make is signed with it.
    pub(crate) signer: SigningKey,
    /// The vault's identity, named in every certificate.
    pub(crate) vault_id: String,
    /// Which file the connection opened, to notice it being moved or deleted while open.
    pub(crate) file: Option<FileIdentity>,
    /// The restricted records this user holds, each open with its own key.
    pub(crate) held: crate::restricted::Held,
    /// The restricted concerns about adults this user holds, by adult.
    pub(crate) held_concerns: crate::restricted::Held,
    /// The names, usernames and references a governor text is checked against, kept until
    /// the vault changes (read whole, they take seconds in a large vault).
    pub(crate) known: std::cell::RefCell<Option<crate::governor::KnownCache>>,
}

/// A file's device and inode (on other systems, only that it exists).
pub(crate) type FileIdentity = (u64, u64);

/// The identity of the file at `path` now, if there is one.
pub(crate) fn file_identity(path: &Path) -> Option<FileIdentity> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        Some((0, 0))
    }
}

/// A vault just created, with its recovery key to show once.
pub struct Unlocked {
    pub vault: Vault,
    pub recovery_key: RecoveryKey,
}

pub(crate) fn db_path(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}

pub(crate) fn slots_path(dir: &Path) -> PathBuf {
    dir.join(KEYSLOTS_FILE)
}

impl Drop for Vault {
    /// Folds the write-ahead log into the database file before the connection closes, so the
    /// vault folder holds the whole vault in `vault.db` once it is locked. A checkpoint that
    /// cannot be made (another program has the file open) leaves the log, which the next open
    /// reads: locking never fails because of it.
    fn drop(&mut self) {
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}

impl Vault {
    /// Closes the vault: its write-ahead log is folded into the database and the connection
    /// and key are dropped.
    pub fn close(self) {
        drop(self);
    }

    /// Refuses a change when the signed-in user's role only reads (the headteacher).
    pub fn require_editor(&self, what: &'static str) -> Result<()> {
        self.require_in_place()?;
        if users::get(&self.conn, self.user_id)?.role.can_edit() {
            Ok(())
        } else {
            Err(StoreError::NotPermitted(what))
        }
    }

    /// Refuses to write when the database file is no longer where it was opened (moved or
    /// deleted while open): what would be written could not be found again.
    pub fn require_in_place(&self) -> Result<()> {
        if self.file.is_some() && file_identity(&db_path(&self.dir)) != self.file {
            return Err(StoreError::VaultMissing);
        }
        Ok(())
    }

    pub(crate) fn audit(
        &self,
        now: DateTime<Utc>,
        action: &str,
        kind: &str,
        id: &str,
    ) -> Result<()> {
        audit::record(&self.conn, now, &self.author(), action, kind, id)
    }

    /// The signed-in user as the author of a change.
    pub(crate) fn author(&self) -> Author<'_> {
        Author {
            user: self.user_id,
            key: &self.signer,
        }
    }

    /// Walks the audit chain and reports intact, or the first broken link.
    pub fn verify_audit(&self) -> Result<dsl_domain::vault::AuditCheck> {
        self.verify_audit_with(&|_, _| {})
    }

    /// The same, telling `progress` how many entries of how many it has checked.
    pub fn verify_audit_with(
        &self,
        progress: audit::Progress<'_>,
    ) -> Result<dsl_domain::vault::AuditCheck> {
        let check = audit::verify(&self.conn, &self.vault_id, progress)?;
        if check.broken.is_some() {
            return Ok(check);
        }
        // The chains of the restricted records this user holds are checked too.
        Ok(self.verify_held()?.unwrap_or(check))
    }

    /// The fingerprint of the vault's first founding key, as the recovery sheet prints it.
    pub fn founding_fingerprint(&self) -> Result<String> {
        let founding = crate::signing::founding_keys(&self.conn)?;
        let first = founding
            .first()
            .ok_or(StoreError::Corrupt("the vault has no founding key"))?;
        Ok(crate::keyslots::fingerprint(&first.public))
    }

    /// SQLite's own check of every page and index: true when it finds nothing wrong.
    pub fn integrity_check(&self) -> Result<bool> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows == ["ok"])
    }

    /// The schema version of the open vault.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The folder holding the vault.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The signed-in user's id.
    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    #[cfg(test)]
    pub(crate) fn key_bytes(&self) -> [u8; 32] {
        *self.key
    }

    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}
