//! What this computer remembers of each vault it has opened, so that an older copy put back
//! (a restored backup, a folder copied over the live one) is noticed when it is unlocked.
//!
//! The record lives outside the vault folder, in DSL Desk's folder in the operating system's
//! configuration folder (or a folder the caller names, for tests): `seen-vaults.json`, and
//! beside it `seen-vaults.key`, a random 256-bit secret made once per computer. Both are written
//! atomically and readable by their owner only. For each vault the record holds:
//!
//! - the vault's identity: the hash of its first audit entry (its creation, to the millisecond),
//!   which never changes and differs between vaults (nothing is added to the vault to make it;
//!   two vaults made in the same millisecond by the same first user would share it, and then
//!   the second one's entry fails its check and is reported, never believed);
//! - the latest audit position seen: how many entries the log had and the hash of the last;
//! - when it was seen.
//!
//! # Why two keys
//!
//! Each vault's entry carries a keyed BLAKE2b MAC (RFC 7693; `blake2` is already in the build,
//! through Argon2) whose 64-byte key is the computer's secret followed by a key derived from the
//! vault's data key. The file alone cannot be used to forge an entry (the vault's key is not in
//! it), and neither can the vault alone (the computer's secret is not in it): someone who copies
//! an older vault back, even one who knows its passphrase, cannot also make this computer's
//! record agree with it. The whole list is covered by a second MAC under the computer's secret,
//! so an entry taken out of the file shows too. A record that fails either check is reported
//! as [`RollbackKind::RecordNotTrusted`], never ignored: DSL Desk then cannot tell whether the
//! copy is the latest, and says so. So is a record file missing while its secret is there.
//!
//! What it cannot catch: someone who removes both files (a computer that has never opened the
//! vault looks the same), or an older copy opened only on a computer that never saw the newer.
//! If a vault's data key is ever changed, its entry stops verifying and the user is asked once.

use std::path::{Path, PathBuf};

use blake2::digest::consts::U32;
use blake2::digest::Mac;
use blake2::Blake2bMac;
use chrono::{DateTime, Utc};
use dsl_domain::vault::{RollbackKind, RollbackWarning};
use rand::RngCore;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::files::write_atomically;
use crate::time::StoredTime;
use crate::{Result, StoreError, Vault};

/// The record's file name.
pub const RECORD_FILE: &str = "seen-vaults.json";
/// The computer's secret's file name, beside the record.
pub const SECRET_FILE: &str = "seen-vaults.key";
/// The environment variable naming another folder for the record (tests, portable installs).
pub const SEEN_VAULTS_ENV: &str = "DSL_DESK_SEEN_VAULTS";

const VERSION: u32 = 1;
const ENTRY_PERSONA: &[u8] = b"dsl-seen-entry";
const LIST_PERSONA: &[u8] = b"dsl-seen-list";
const VAULT_KEY_PERSONA: &[u8] = b"dsl-seen-vkey";

type Mac32 = Blake2bMac<U32>;

/// Where this computer keeps its record of the vaults it has opened.
#[derive(Debug, Clone)]
pub struct SeenVaults {
    dir: PathBuf,
}

/// A point in a vault's audit log: how many entries it has and the hash of the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPosition {
    pub entries: i64,
    pub hash: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordFile {
    version: u32,
    vaults: Vec<Entry>,
    /// MAC, under the computer's secret alone, of every entry's MAC in order.
    list_mac: String,
}

#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Entry {
    vault: String,
    entries: i64,
    last_hash: String,
    seen_at: String,
    mac: String,
}

/// What the record says about one vault.
enum Lookup {
    /// Nothing: this computer has not opened the vault (or has no record at all).
    Absent,
    /// The entry, checked.
    Trusted {
        position: AuditPosition,
        seen_at: DateTime<Utc>,
    },
    /// There is a record, but it does not check out.
    Untrusted,
}

impl SeenVaults {
    /// The record kept in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// DSL Desk's folder in the operating system's configuration folder (outside the vault's
    /// data folder), if the system has one.
    pub fn default_location() -> Option<Self> {
        directories::ProjectDirs::from("uk.org", "DSL Desk", "DSL Desk")
            .map(|p| Self::at(p.config_dir().join("seen-vaults")))
    }

    /// The folder holding the record.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn record_path(&self) -> PathBuf {
        self.dir.join(RECORD_FILE)
    }

    fn secret_path(&self) -> PathBuf {
        self.dir.join(SECRET_FILE)
    }

    /// The computer's secret; `Ok(None)` when it has not been made.
    fn read_secret(&self) -> Result<Option<Zeroizing<[u8; 32]>>> {
        let text = match std::fs::read_to_string(self.secret_path()) {
            Ok(t) => Zeroizing::new(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let mut secret = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), &mut secret[..]).map_err(|_| {
            StoreError::Corrupt("this computer's vault record secret is unreadable")
        })?;
        Ok(Some(secret))
    }

    /// The computer's secret, made now if there is none.
    fn secret_or_new(&self) -> Result<Zeroizing<[u8; 32]>> {
        if let Some(secret) = self.read_secret()? {
            return Ok(secret);
        }
        let mut secret = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut secret[..]);
        let text = Zeroizing::new(hex::encode(&secret[..]));
        write_atomically(&self.secret_path(), &[text.as_bytes()])?;
        Ok(secret)
    }

    fn make_dir(&self) -> Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&self.dir)?;
        Ok(())
    }

    /// The record file, if there is one and it reads; `Err(())` when it is there but unreadable.
    fn read_record(&self) -> std::result::Result<Option<RecordFile>, ()> {
        match std::fs::read(self.record_path()) {
            Ok(bytes) => match serde_json::from_slice::<RecordFile>(&bytes) {
                Ok(file) if file.version == VERSION => Ok(Some(file)),
                _ => Err(()),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(_) => Err(()),
        }
    }

    fn lookup(&self, vault: &str, vault_key: &[u8; 32]) -> Lookup {
        let secret = match self.read_secret() {
            Ok(s) => s,
            Err(_) => return Lookup::Untrusted,
        };
        let file = match self.read_record() {
            Ok(f) => f,
            Err(()) => return Lookup::Untrusted,
        };
        let (file, secret) = match (file, secret) {
            (None, None) => return Lookup::Absent,
            (Some(file), Some(secret)) => (file, secret),
            // One without the other: part of the record was taken away.
            _ => return Lookup::Untrusted,
        };
        if !list_mac_ok(&secret, &file) {
            return Lookup::Untrusted;
        }
        let Some(entry) = file.vaults.iter().find(|e| e.vault == vault) else {
            return Lookup::Absent;
        };
        let Ok(mac) = hex::decode(&entry.mac) else {
            return Lookup::Untrusted;
        };
        if entry_mac(&secret, vault_key, entry)
            .verify_slice(&mac)
            .is_err()
        {
            return Lookup::Untrusted;
        }
        match StoredTime::parse(&entry.seen_at) {
            Ok(seen_at) => Lookup::Trusted {
                position: AuditPosition {
                    entries: entry.entries,
                    hash: entry.last_hash.clone(),
                },
                seen_at: seen_at.0,
            },
            Err(_) => Lookup::Untrusted,
        }
    }

    /// Writes `position` as the latest seen of `vault` at `now`, keeping the other vaults'
    /// entries (all of them are dropped if the file no longer checks out).
    fn write(
        &self,
        vault: &str,
        vault_key: &[u8; 32],
        position: &AuditPosition,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.make_dir()?;
        let secret = self.secret_or_new()?;
        let mut vaults = match self.read_record() {
            Ok(Some(file)) if list_mac_ok(&secret, &file) => file.vaults,
            _ => Vec::new(),
        };
        vaults.retain(|e| e.vault != vault);
        let mut entry = Entry {
            vault: vault.to_string(),
            entries: position.entries,
            last_hash: position.hash.clone(),
            seen_at: StoredTime(now).text(),
            mac: String::new(),
        };
        entry.mac = hex::encode(
            entry_mac(&secret, vault_key, &entry)
                .finalize()
                .into_bytes(),
        );
        vaults.push(entry);
        let mut file = RecordFile {
            version: VERSION,
            vaults,
            list_mac: String::new(),
        };
        file.list_mac = hex::encode(list_mac(&secret, &file.vaults).finalize().into_bytes());
        let bytes = serde_json::to_vec_pretty(&file)
            .map_err(|_| StoreError::Corrupt("the vault record could not be written"))?;
        write_atomically(&self.record_path(), &[&bytes])
    }
}

fn mac_with(key: &[u8], persona: &[u8]) -> Mac32 {
    // Keys here are 32 or 64 bytes and personas at most 16: within BLAKE2b's limits.
    match Mac32::new_with_salt_and_personal(key, &[], persona) {
        Ok(mac) => mac,
        Err(_) => unreachable!("BLAKE2b takes keys of up to 64 bytes and personas of up to 16"),
    }
}

fn update_field(mac: &mut Mac32, field: &[u8]) {
    mac.update(&(field.len() as u64).to_le_bytes());
    mac.update(field);
}

/// The MAC of one vault's entry, keyed by the computer's secret and the vault's record key.
fn entry_mac(secret: &[u8; 32], vault_key: &[u8; 32], entry: &Entry) -> Mac32 {
    let mut key = Zeroizing::new([0u8; 64]);
    key[..32].copy_from_slice(secret);
    key[32..].copy_from_slice(vault_key);
    let mut mac = mac_with(&key[..], ENTRY_PERSONA);
    for field in [
        entry.vault.as_bytes(),
        &entry.entries.to_le_bytes(),
        entry.last_hash.as_bytes(),
        entry.seen_at.as_bytes(),
    ] {
        update_field(&mut mac, field);
    }
    mac
}

/// The MAC of the whole list, keyed by the computer's secret alone.
fn list_mac(secret: &[u8; 32], vaults: &[Entry]) -> Mac32 {
    let mut mac = mac_with(secret, LIST_PERSONA);
    for e in vaults {
        update_field(&mut mac, e.vault.as_bytes());
        update_field(&mut mac, e.mac.as_bytes());
    }
    mac
}

fn list_mac_ok(secret: &[u8; 32], file: &RecordFile) -> bool {
    hex::decode(&file.list_mac)
        .ok()
        .is_some_and(|m| list_mac(secret, &file.vaults).verify_slice(&m).is_ok())
}

impl Vault {
    /// The key this vault contributes to its entries in computers' records, derived from its
    /// data key (never the data key itself).
    fn seen_key(&self) -> Zeroizing<[u8; 32]> {
        let mut mac = mac_with(&self.key[..], VAULT_KEY_PERSONA);
        mac.update(b"the key of this vault's entry in a computer's record");
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }

    /// The vault's identity: the hash of its first audit entry (none for a log with no entries).
    fn identity(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT hash FROM audit WHERE id = 1", [], |r| r.get(0))
            .optional()?)
    }

    /// The last entry of the audit log, if it has any.
    pub fn audit_position(&self) -> Result<Option<AuditPosition>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(AuditPosition {
                        entries: r.get("id")?,
                        hash: r.get("hash")?,
                    })
                },
            )
            .optional()?)
    }

    /// Compares this copy with what `seen` remembers of the vault: a warning when the copy is
    /// behind it (fewer entries, or not the entry remembered at that place), or when the record
    /// does not check out. None when they agree or this computer has not seen the vault.
    pub fn check_seen(&self, seen: &SeenVaults) -> Result<Option<RollbackWarning>> {
        // A user who holds no data key does not open the vault's database: nothing to compare.
        if self.role()?.sees_only_granted() {
            return Ok(None);
        }
        let Some(identity) = self.identity()? else {
            return Ok(None);
        };
        let entries_now = self.audit_position()?.map_or(0, |p| p.entries);
        let warning = |kind, seen_at: Option<DateTime<Utc>>, entries_then| RollbackWarning {
            kind,
            seen_at,
            seen_at_text: seen_at.map(dsl_domain::time::uk_long_date_time),
            entries_then,
            entries_now,
        };
        Ok(match seen.lookup(&identity, &self.seen_key()) {
            Lookup::Absent => None,
            Lookup::Untrusted => Some(warning(RollbackKind::RecordNotTrusted, None, None)),
            Lookup::Trusted { position, seen_at } => {
                if entries_now < position.entries {
                    Some(warning(
                        RollbackKind::OlderCopy,
                        Some(seen_at),
                        Some(position.entries),
                    ))
                } else {
                    let here: Option<String> = self
                        .conn
                        .query_row(
                            "SELECT hash FROM audit WHERE id = ?1",
                            [position.entries],
                            |r| r.get(0),
                        )
                        .optional()?;
                    (here.as_deref() != Some(position.hash.as_str())).then(|| {
                        warning(
                            RollbackKind::DifferentHistory,
                            Some(seen_at),
                            Some(position.entries),
                        )
                    })
                }
            }
        })
    }

    /// Records this copy's audit position in `seen` as the latest this computer has seen, at
    /// `now`. Returns the position written (none for a log with no entries, which is not kept).
    pub fn remember_seen(
        &self,
        seen: &SeenVaults,
        now: DateTime<Utc>,
    ) -> Result<Option<AuditPosition>> {
        if self.role()?.sees_only_granted() {
            return Ok(None);
        }
        let (Some(identity), Some(position)) = (self.identity()?, self.audit_position()?) else {
            return Ok(None);
        };
        seen.write(&identity, &self.seen_key(), &position, now)?;
        Ok(Some(position))
    }

    /// The user chose to go on with this copy after `warning`: an audit entry says so (its
    /// record id is how many entries the log had when this computer last saw it, if known).
    pub fn record_older_copy_opened(
        &self,
        warning: &RollbackWarning,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let action = match warning.kind {
            RollbackKind::OlderCopy => "vault.older_copy_opened",
            RollbackKind::DifferentHistory => "vault.different_copy_opened",
            RollbackKind::RecordNotTrusted => "vault.unchecked_copy_opened",
        };
        let then = warning
            .entries_then
            .map(|n| n.to_string())
            .unwrap_or_default();
        self.audit(now, action, "audit_log", &then)
    }

    /// [`Vault::record_older_copy_opened`], then `seen` remembers this copy, so the question is
    /// not asked again.
    pub fn open_older_copy(
        &self,
        warning: &RollbackWarning,
        seen: &SeenVaults,
        now: DateTime<Utc>,
    ) -> Result<Option<AuditPosition>> {
        self.record_older_copy_opened(warning, now)?;
        self.remember_seen(seen, now)
    }
}
