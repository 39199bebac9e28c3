//! Encrypted backups: one file holding the key slots and an encrypted copy of the database,
//! each with its SHA-256, so a damaged, incomplete or newer backup is refused before it is used.
//!
//! Layout: the line `DSLDESK-BACKUP`, a one-line JSON header, the key slot file's bytes, then
//! the database's bytes (SQLCipher pages, encrypted with the vault's own data key).

use crate::audit::Author;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::files::{replace_durably, write_atomically};
use crate::keyslots::DataKey;
use crate::migrations::SCHEMA_VERSION;
use crate::time::ts;
use crate::vault::{db_files_present, export_copy, RESTORING_DIR};
use crate::{settings, Result, StoreError, Vault, DB_FILE, KEYSLOTS_FILE};

/// The first line of every backup file.
pub const MAGIC: &[u8] = b"DSLDESK-BACKUP\n";
/// The backup layout this version writes and reads.
pub const FORMAT: u32 = 1;
/// The longest header accepted.
const MAX_HEADER: usize = 4096;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    format: u32,
    schema_version: i64,
    created_at: String,
    keyslots_len: u64,
    db_len: u64,
    keyslots_sha256: String,
    db_sha256: String,
}

/// What a backup holds, as reported after writing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub bytes: u64,
    pub created_at: DateTime<Utc>,
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn refused(why: &'static str) -> StoreError {
    StoreError::Backup(why)
}

impl Vault {
    /// Writes an encrypted backup of the whole vault to `dest` (replaced only once complete).
    pub fn backup_to(&mut self, dest: &Path, now: DateTime<Utc>) -> Result<BackupInfo> {
        let snapshot = self.dir.join("backup-snapshot.db");
        let _ = std::fs::remove_file(&snapshot);
        let exported = export_copy(&self.conn, &self.key, &snapshot)
            .and_then(|()| Ok(std::fs::read(&snapshot)?));
        let _ = std::fs::remove_file(&snapshot);
        let db = exported?;
        let slots = std::fs::read(self.dir.join(KEYSLOTS_FILE))?;
        let header = Header {
            format: FORMAT,
            schema_version: SCHEMA_VERSION,
            created_at: ts(now),
            keyslots_len: slots.len() as u64,
            db_len: db.len() as u64,
            keyslots_sha256: sha(&slots),
            db_sha256: sha(&db),
        };
        let mut line =
            serde_json::to_vec(&header).map_err(|_| StoreError::Encoding("the backup header"))?;
        line.push(b'\n');
        write_atomically(dest, &[MAGIC, &line, &slots, &db])?;
        let tx = self.conn.transaction()?;
        settings::put(&tx, settings::LAST_BACKUP_AT, &ts(now))?;
        crate::audit::record(
            &tx,
            now,
            &Author {
                user: self.user_id,
                key: &self.signer,
            },
            "vault.backed_up",
            "vault",
            "1",
        )?;
        tx.commit()?;
        Ok(BackupInfo {
            path: dest.to_path_buf(),
            bytes: (MAGIC.len() + line.len() + slots.len() + db.len()) as u64,
            created_at: now,
        })
    }

    /// Restores the backup in `file` into `dir` (which must hold no vault and no vault
    /// database), opens it with `passphrase` and verifies its audit chain. The copy is written
    /// and checked in a folder inside `dir` and moved into place only once it opens and
    /// verifies, so anything wrong leaves `dir` as it was.
    pub fn restore_from(
        file: &Path,
        dir: &Path,
        passphrase: &str,
        now: DateTime<Utc>,
    ) -> Result<Vault> {
        let (header, slots, db) = read_backup(file)?;
        if Vault::exists(dir) {
            return Err(StoreError::VaultExists);
        }
        let staging = dir.join(RESTORING_DIR);
        if !dir.join(DB_FILE).exists() {
            // Left by a restore that stopped before its copy was moved into place: that copy
            // is of a backup, which is still where it was.
            let _ = std::fs::remove_dir_all(&staging);
        }
        if db_files_present(dir) {
            return Err(StoreError::KeyFileMissing);
        }
        std::fs::create_dir_all(&staging)?;
        let mut keep_staging = false;
        let checked = (|| -> Result<(DataKey, i64, ed25519_dalek::SigningKey, String)> {
            write_atomically(&staging.join(DB_FILE), &[&db])?;
            write_atomically(&staging.join(KEYSLOTS_FILE), &[&slots])?;
            let mut vault = Vault::unlock(&staging, passphrase)?;
            let check = vault.verify_audit()?;
            if check.broken.is_some() {
                return Err(refused("its audit chain does not verify"));
            }
            // The restored vault was backed up when the backup was made.
            crate::time::parse_ts(&header.created_at)
                .map_err(|_| refused("its header is damaged"))?;
            let user = vault.user_id;
            let tx = vault.conn.transaction()?;
            settings::put(&tx, settings::LAST_BACKUP_AT, &header.created_at)?;
            let author = crate::audit::Author {
                user,
                key: &vault.signer,
            };
            crate::audit::record(&tx, now, &author, "vault.restored", "vault", "1")?;
            tx.commit()?;
            let key = vault.key.clone();
            let signer = vault.signer.clone();
            let vault_id = vault.vault_id.clone();
            // Closing folds the log into the copy, which must then be whole on its own.
            vault.close();
            let log = staging.join(format!("{DB_FILE}-wal"));
            if std::fs::metadata(&log)
                .map(|m| m.len() > 0)
                .unwrap_or(false)
            {
                return Err(StoreError::Corrupt("the restored copy could not be closed"));
            }
            // Moved in only where no database has appeared meanwhile; the key file goes
            // last, as it is what makes the folder a vault.
            if database_in(dir) {
                return Err(StoreError::KeyFileMissing);
            }
            replace_durably(&staging.join(DB_FILE), &dir.join(DB_FILE))?;
            if let Err(e) = replace_durably(&staging.join(KEYSLOTS_FILE), &dir.join(KEYSLOTS_FILE))
            {
                // Back where it came from, so the folder is as it was. Should even that fail,
                // the copy's key file stays in the restore's folder, beside the moved database.
                keep_staging = std::fs::rename(dir.join(DB_FILE), staging.join(DB_FILE)).is_err();
                return Err(e);
            }
            Ok((key, user, signer, vault_id))
        })();
        if !keep_staging {
            let _ = std::fs::remove_dir_all(&staging);
        }
        let (key, user, signer, vault_id) = checked?;
        Vault::open(dir, key, user, signer, vault_id)
    }
}

/// True when `dir` holds a database or one of its journals (not the restore's own folder).
fn database_in(dir: &Path) -> bool {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .any(|suffix| std::fs::symlink_metadata(dir.join(format!("{DB_FILE}{suffix}"))).is_ok())
}

/// Reads and checks a backup file: its kind, version, completeness and digests.
fn read_backup(file: &Path) -> Result<(Header, Vec<u8>, Vec<u8>)> {
    let mut bytes = Vec::new();
    std::fs::File::open(file)?.read_to_end(&mut bytes)?;
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or(refused("it is not a DSL Desk backup"))?;
    let end = rest
        .iter()
        .take(MAX_HEADER)
        .position(|b| *b == b'\n')
        .ok_or(refused("its header is damaged"))?;
    let header: Header =
        serde_json::from_slice(&rest[..end]).map_err(|_| refused("its header is damaged"))?;
    if header.format > FORMAT {
        return Err(refused(
            "it was made by a newer version of DSL Desk: install that version to restore it",
        ));
    }
    if header.schema_version > SCHEMA_VERSION {
        return Err(StoreError::NewerVersion {
            found: header.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let body = &rest[end + 1..];
    let expected = header
        .keyslots_len
        .checked_add(header.db_len)
        .ok_or(refused("its header is damaged"))?;
    if (body.len() as u64) < expected {
        return Err(refused("it is incomplete: the file was cut short"));
    }
    if body.len() as u64 > expected {
        return Err(refused("it has extra bytes at the end"));
    }
    let (slots, db) = body.split_at(header.keyslots_len as usize);
    if sha(slots) != header.keyslots_sha256 || sha(db) != header.db_sha256 {
        return Err(refused(
            "it is damaged: its contents do not match their fingerprints",
        ));
    }
    Ok((header, slots.to_vec(), db.to_vec()))
}
