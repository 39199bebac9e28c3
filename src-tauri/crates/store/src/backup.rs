//! Encrypted backups: one file holding the key slots and an encrypted copy of the database,
//! authenticated with a key derived from the vault's data key, so a backup changed after it was
//! made (one byte anywhere), damaged, incomplete or newer is refused before anything of it is
//! written to disk.
//!
//! Layout (format 2): the line `DSLDESK-BACKUP`, a one-line JSON header, the key slot file's
//! bytes, the database's bytes (SQLCipher pages, encrypted with the vault's own data key), then
//! a 32-byte HMAC-SHA256 over all of that, keyed by [`mac_key`]. The data key is unwrapped in
//! memory from the backup's own key slots with the passphrase, so the check needs no disk.
//!
//! Format 1 (no MAC, unkeyed SHA-256 digests) is still read: anyone with the file could have
//! rewritten it, so its preview says it cannot be authenticated and the user decides.
//!
//! Restoring is two steps: [`Vault::prepare_restore`] checks the backup, stages it inside the
//! vault folder, runs SQLite's integrity check and the audit chain on the staged copy, and
//! reports what it brings back; [`PreparedRestore::commit`] moves it into place once the user
//! has agreed. Dropping a prepared restore removes what was staged.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use dsl_domain::vault::BackupPreview;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::files::{replace_durably, write_atomically};
use crate::keyslots::{DataKey, SlotFile};
use crate::migrations::SCHEMA_VERSION;
use crate::time::{parse_ts, ts};
use crate::vault::{db_files_present, export_copy, RESTORING_DIR};
use crate::{settings, Result, StoreError, Vault, DB_FILE, KEYSLOTS_FILE};

/// The first line of every backup file.
pub const MAGIC: &[u8] = b"DSLDESK-BACKUP\n";
/// The backup layout this version writes: format 2 with the restricted records' files.
pub const FORMAT: u32 = 3;
/// Format 2: the key file and the database.
const FORMAT_WITHOUT_RECORDS: u32 = 2;
/// The first layout, without a MAC: still read, never written.
const FORMAT_UNAUTHENTICATED: u32 = 1;
/// The longest header accepted.
const MAX_HEADER: usize = 4096;
/// The length of the MAC at the end of a format 2 backup.
const MAC_LEN: usize = 32;
/// Keeps the backup's MAC key apart from every other use of the data key.
const MAC_LABEL: &[u8] = b"dsl-desk backup authentication key, format 2";

/// Why a backup that does not authenticate is refused: it says neither which part nor how.
const CHANGED: &str = "it is damaged or was changed after it was made";

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    format: u32,
    schema_version: i64,
    created_at: String,
    keyslots_len: u64,
    db_len: u64,
    /// Format 1 only: unkeyed digests, which catch damage but not a deliberate change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyslots_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    db_sha256: Option<String>,
    /// Format 3: each restricted record's file (still encrypted under its own key), in order
    /// after the database.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    records: Vec<RecordPart>,
}

/// One restricted record's file in a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordPart {
    file: String,
    len: u64,
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// The check a backup's record file names must pass.
    pub(crate) fn record_name_ok(name: &str) -> bool {
        super::record_file_name_ok(name)
    }
}

/// A restricted record's file name as the vault makes them: 24 hex digits and `.db`. Anything
/// else in a backup is refused (it could name a path outside the vault folder).
fn record_file_name_ok(name: &str) -> bool {
    name.strip_suffix(".db")
        .is_some_and(|h| h.len() == 24 && h.bytes().all(|b| b.is_ascii_hexdigit()))
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

/// The key the backup's MAC is made with: the data key through HMAC with its own label, so
/// it is never the key SQLCipher or the key slots use.
fn mac_key(data_key: &DataKey) -> Result<Zeroizing<[u8; 32]>> {
    let mut mac = HmacSha256::new_from_slice(data_key.as_ref()).map_err(|_| StoreError::Crypto)?;
    mac.update(MAC_LABEL);
    Ok(Zeroizing::new(mac.finalize().into_bytes().into()))
}

/// The MAC over the magic, the header line (without its newline) and each part, each
/// preceded by its length so no byte can move from one part to another.
fn mac_over(
    data_key: &DataKey,
    header: &[u8],
    slots: &[u8],
    db: &[u8],
    records: &[Vec<u8>],
) -> Result<HmacSha256> {
    let key = mac_key(data_key)?;
    let mut mac = HmacSha256::new_from_slice(key.as_ref()).map_err(|_| StoreError::Crypto)?;
    let parts = [MAGIC, header, slots, db]
        .into_iter()
        .chain(records.iter().map(Vec::as_slice));
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    Ok(mac)
}

/// The bytes of a format 2 backup of `slots` and `db`, made at `created_at`.
pub(crate) fn backup_bytes(
    data_key: &DataKey,
    created_at: DateTime<Utc>,
    slots: &[u8],
    db: &[u8],
    records: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    let header = Header {
        format: if records.is_empty() {
            FORMAT_WITHOUT_RECORDS
        } else {
            FORMAT
        },
        records: records
            .iter()
            .map(|(file, bytes)| RecordPart {
                file: file.clone(),
                len: bytes.len() as u64,
            })
            .collect(),
        schema_version: SCHEMA_VERSION,
        created_at: ts(created_at),
        keyslots_len: slots.len() as u64,
        db_len: db.len() as u64,
        keyslots_sha256: None,
        db_sha256: None,
    };
    let line =
        serde_json::to_vec(&header).map_err(|_| StoreError::Encoding("the backup header"))?;
    let files: Vec<Vec<u8>> = records.iter().map(|(_, b)| b.clone()).collect();
    let tag = mac_over(data_key, &line, slots, db, &files)?
        .finalize()
        .into_bytes();
    let mut out = Vec::with_capacity(MAGIC.len() + line.len() + 1 + slots.len() + db.len() + 32);
    for part in [MAGIC, &line[..], &b"\n"[..], slots, db] {
        out.extend_from_slice(part);
    }
    for f in &files {
        out.extend_from_slice(f);
    }
    out.extend_from_slice(&tag);
    Ok(out)
}

impl Vault {
    /// Writes an encrypted, authenticated backup of the whole vault to `dest` (replaced only
    /// once complete). Only a DSL or deputy makes backups: a backup carries every record.
    pub fn backup_to(&mut self, dest: &Path, now: DateTime<Utc>) -> Result<BackupInfo> {
        self.require_backup_role()?;
        let snapshot = self.dir.join("backup-snapshot.db");
        let _ = crate::files::remove_file(&snapshot);
        let exported = export_copy(&self.conn, &self.key, &snapshot)
            .and_then(|()| Ok(std::fs::read(&snapshot)?));
        let _ = crate::files::remove_file(&snapshot);
        let db = exported?;
        let slots = std::fs::read(self.dir.join(KEYSLOTS_FILE))?;
        let records = self.record_files()?;
        let bytes = backup_bytes(&self.key, now, &slots, &db, &records)?;
        write_atomically(dest, &[&bytes])?;
        let tx = self.conn.transaction()?;
        settings::put(&tx, settings::LAST_BACKUP_AT, &ts(now))?;
        let author = crate::audit::Author {
            user: self.user_id,
            key: &self.signer,
        };
        crate::audit::record(&tx, now, &author, "vault.backed_up", "vault", "1")?;
        tx.commit()?;
        Ok(BackupInfo {
            path: dest.to_path_buf(),
            bytes: bytes.len() as u64,
            created_at: now,
        })
    }

    /// Refuses a backup to a user whose role only reads (the headteacher). The role alone, not
    /// `require_editor`: a backup is how a vault whose file was deleted while open is rescued,
    /// so it must still be made then.
    pub fn require_backup_role(&self) -> Result<()> {
        if self.role()?.can_edit() {
            Ok(())
        } else {
            Err(StoreError::NotPermitted(
                "only the DSL or a deputy DSL makes backups",
            ))
        }
    }

    /// Checks the backup in `file` and stages it for restoring into `dir` (which must hold no
    /// vault and no vault database). The data key comes from the backup's own key slots and
    /// `passphrase`, in memory; the backup must authenticate with it before anything is
    /// written. The staged copy (in a folder inside `dir`) must then pass SQLite's integrity
    /// check and its audit chain must verify. Nothing outside that folder is touched, and
    /// dropping the result removes it.
    pub fn prepare_restore(file: &Path, dir: &Path, passphrase: &str) -> Result<PreparedRestore> {
        let backup = read_backup(file)?;
        if Vault::exists(dir) {
            return Err(StoreError::VaultExists);
        }
        let slots = SlotFile::parse(&backup.slots).map_err(|e| match e {
            StoreError::NewerVersion { .. } => e,
            _ => refused(CHANGED),
        })?;
        let (key, user_id, keys) = slots.data_key_for_passphrase(passphrase)?;
        let vault_id = slots.vault_id.clone();
        let authenticated = backup.authenticate(&key)?;
        let created_at = parse_ts(&backup.header.created_at).map_err(|_| refused(CHANGED))?;

        let staging = dir.join(RESTORING_DIR);
        if !dir.join(DB_FILE).exists() {
            // Left by a restore that stopped before its copy was moved into place: that copy
            // is of a backup, which is still where it was.
            let _ = crate::files::remove_dir_all(&staging);
        }
        if db_files_present(dir) {
            return Err(StoreError::KeyFileMissing);
        }
        std::fs::create_dir_all(&staging)?;
        let mut prepared = PreparedRestore {
            staging,
            dir: dir.to_path_buf(),
            key,
            user_id,
            signer: keys.signing,
            boxing: keys.boxing,
            vault_id,
            created_at,
            preview: None,
            keep_staging: false,
        };
        // Any failure from here drops `prepared`, which removes the staged copy.
        prepared.stage(&backup, authenticated)?;
        Ok(prepared)
    }

    /// Restores the backup in `file` into `dir` without asking: [`Vault::prepare_restore`]
    /// then [`PreparedRestore::commit`].
    pub fn restore_from(
        file: &Path,
        dir: &Path,
        passphrase: &str,
        now: DateTime<Utc>,
    ) -> Result<Vault> {
        Vault::prepare_restore(file, dir, passphrase)?.commit(now)
    }
}

/// A backup checked and staged inside the vault folder, waiting for the user to agree.
pub struct PreparedRestore {
    staging: PathBuf,
    dir: PathBuf,
    key: DataKey,
    user_id: i64,
    /// The restoring user's signing and box keys, from their slot in the backup.
    signer: ed25519_dalek::SigningKey,
    boxing: x25519_dalek::StaticSecret,
    vault_id: String,
    created_at: DateTime<Utc>,
    preview: Option<BackupPreview>,
    /// Set when the staged files could not be put back after a failed move: they are then
    /// the only copy of the key file beside the moved database, so they stay.
    keep_staging: bool,
}

impl Drop for PreparedRestore {
    fn drop(&mut self) {
        if !self.keep_staging {
            let _ = crate::files::remove_dir_all(&self.staging);
        }
    }
}

impl PreparedRestore {
    /// What the backup brings back.
    pub fn preview(&self) -> Result<&BackupPreview> {
        self.preview
            .as_ref()
            .ok_or(StoreError::Corrupt("the backup was not checked"))
    }

    fn stage(&mut self, backup: &BackupFile, authenticated: bool) -> Result<()> {
        write_atomically(&self.staging.join(DB_FILE), &[&backup.db])?;
        write_atomically(&self.staging.join(KEYSLOTS_FILE), &[&backup.slots])?;
        if !backup.records.is_empty() {
            let folder = self.staging.join(crate::restricted::RESTRICTED_DIR);
            std::fs::create_dir_all(&folder)?;
            for (name, bytes) in &backup.records {
                write_atomically(&folder.join(name), &[bytes])?;
            }
        }
        let vault = self.open_at(&self.staging)?;
        if !vault.integrity_check()? {
            return Err(refused(
                "its database fails SQLite's integrity check: it is damaged",
            ));
        }
        let check = vault.verify_audit()?;
        if check.broken.is_some() {
            return Err(refused("its audit chain does not verify"));
        }
        let at = |sql: &str| -> Result<Option<DateTime<Utc>>> {
            let text: Option<String> = vault.conn.query_row(sql, [], |r| r.get(0))?;
            text.map(|t| parse_ts(&t)).transpose()
        };
        self.preview = Some(BackupPreview {
            created_at: self.created_at,
            authenticated,
            users: vault.users()?,
            recovery_key_made_at: at("SELECT max(at) FROM audit \
                 WHERE action IN ('vault.created', 'recovery_key.replaced')")?,
            last_change_at: at("SELECT max(at) FROM audit")?,
            audit_entries: check.entries,
        });
        vault.close();
        Ok(())
    }

    /// Moves the staged copy into the vault folder and opens it. The restore is recorded in
    /// the copy first; the copy is moved in only where no database has appeared meanwhile.
    pub fn commit(mut self, now: DateTime<Utc>) -> Result<Vault> {
        let mut vault = self.open_at(&self.staging)?;
        let tx = vault.conn.transaction()?;
        // The restored vault was backed up when the backup was made.
        settings::put(&tx, settings::LAST_BACKUP_AT, &ts(self.created_at))?;
        let author = crate::audit::Author {
            user: self.user_id,
            key: &self.signer,
        };
        crate::audit::record(&tx, now, &author, "vault.restored", "vault", "1")?;
        tx.commit()?;
        // Closing folds the log into the copy, which must then be whole on its own.
        vault.close();
        let log = self.staging.join(format!("{DB_FILE}-wal"));
        if std::fs::metadata(&log)
            .map(|m| m.len() > 0)
            .unwrap_or(false)
        {
            return Err(StoreError::Corrupt("the restored copy could not be closed"));
        }
        // The key file goes last, as it is what makes the folder a vault.
        if Vault::exists(&self.dir) {
            return Err(StoreError::VaultExists);
        }
        if database_in(&self.dir) {
            return Err(StoreError::KeyFileMissing);
        }
        let (staging, dir) = (self.staging.clone(), self.dir.clone());
        crate::restricted::move_record_files(&staging, &dir)?;
        replace_durably(&staging.join(DB_FILE), &dir.join(DB_FILE))?;
        if let Err(e) = replace_durably(&staging.join(KEYSLOTS_FILE), &dir.join(KEYSLOTS_FILE)) {
            // Back where it came from, so the folder is as it was. Should even that fail,
            // the copy's key file stays in the restore's folder, beside the moved database.
            self.keep_staging =
                crate::files::rename(dir.join(DB_FILE), staging.join(DB_FILE)).is_err();
            return Err(e);
        }
        let opened = self.open_at(&dir);
        drop(self);
        opened
    }

    /// Opens the copy in `dir` as the restoring user.
    fn open_at(&self, dir: &Path) -> Result<Vault> {
        Vault::open(
            dir,
            self.key.clone(),
            self.user_id,
            self.signer.clone(),
            &self.boxing,
            self.vault_id.clone(),
        )
    }
}

/// True when `dir` holds a database or one of its journals (not the restore's own folder).
fn database_in(dir: &Path) -> bool {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .any(|suffix| std::fs::symlink_metadata(dir.join(format!("{DB_FILE}{suffix}"))).is_ok())
}

/// A backup file read and split into its parts, not yet authenticated.
struct BackupFile {
    header: Header,
    header_line: Vec<u8>,
    slots: Vec<u8>,
    db: Vec<u8>,
    /// Format 3: each restricted record's file name and bytes.
    records: Vec<(String, Vec<u8>)>,
    /// Format 2's MAC; none in format 1.
    mac: Option<Vec<u8>>,
}

impl BackupFile {
    /// Checks the backup with the data key: true when it is authenticated (format 2), false
    /// for a format 1 backup whose digests match (which anyone could have recomputed).
    fn authenticate(&self, key: &DataKey) -> Result<bool> {
        match &self.mac {
            Some(tag) => {
                let files: Vec<Vec<u8>> = self.records.iter().map(|(_, b)| b.clone()).collect();
                mac_over(key, &self.header_line, &self.slots, &self.db, &files)?
                    .verify_slice(tag)
                    .map_err(|_| refused(CHANGED))?;
                Ok(true)
            }
            None => {
                let matches = |digest: &Option<String>, part: &[u8]| {
                    digest.as_deref() == Some(sha(part).as_str())
                };
                if matches(&self.header.keyslots_sha256, &self.slots)
                    && matches(&self.header.db_sha256, &self.db)
                {
                    Ok(false)
                } else {
                    Err(refused(CHANGED))
                }
            }
        }
    }
}

/// Reads a backup file and checks its kind, version and completeness. Nothing is trusted yet:
/// [`BackupFile::authenticate`] does that.
fn read_backup(file: &Path) -> Result<BackupFile> {
    let mut bytes = Vec::new();
    std::fs::File::open(file)?.read_to_end(&mut bytes)?;
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or(refused("it is not a DSL Desk backup"))?;
    let end = rest
        .iter()
        .take(MAX_HEADER)
        .position(|b| *b == b'\n')
        .ok_or(refused(CHANGED))?;
    let header_line = &rest[..end];
    let header: Header = serde_json::from_slice(header_line).map_err(|_| refused(CHANGED))?;
    if header.format > FORMAT {
        return Err(refused(
            "it was made by a newer version of DSL Desk: install that version to restore it",
        ));
    }
    if header.format < FORMAT_UNAUTHENTICATED {
        return Err(refused(CHANGED));
    }
    if header.schema_version > SCHEMA_VERSION {
        return Err(StoreError::NewerVersion {
            found: header.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let mac_len = if header.format >= FORMAT_WITHOUT_RECORDS {
        MAC_LEN
    } else {
        0
    };
    if header.format < FORMAT && !header.records.is_empty() {
        return Err(refused(CHANGED));
    }
    if !header.records.iter().all(|r| record_file_name_ok(&r.file)) {
        return Err(refused(CHANGED));
    }
    let body = &rest[end + 1..];
    let records_len = header
        .records
        .iter()
        .try_fold(0u64, |n, r| n.checked_add(r.len))
        .ok_or(refused(CHANGED))?;
    let expected = header
        .keyslots_len
        .checked_add(header.db_len)
        .and_then(|n| n.checked_add(records_len))
        .and_then(|n| n.checked_add(mac_len as u64))
        .ok_or(refused(CHANGED))?;
    if (body.len() as u64) < expected {
        return Err(refused("it is incomplete: the file was cut short"));
    }
    if body.len() as u64 > expected {
        return Err(refused("it has extra bytes at the end"));
    }
    let (slots, rest) = body.split_at(header.keyslots_len as usize);
    let (db, mut rest) = rest.split_at(header.db_len as usize);
    let mut records = Vec::with_capacity(header.records.len());
    for r in &header.records {
        let (bytes, after) = rest.split_at(r.len as usize);
        records.push((r.file.clone(), bytes.to_vec()));
        rest = after;
    }
    Ok(BackupFile {
        header_line: header_line.to_vec(),
        slots: slots.to_vec(),
        db: db.to_vec(),
        records,
        mac: (header.format >= FORMAT_WITHOUT_RECORDS).then(|| rest.to_vec()),
        header,
    })
}
