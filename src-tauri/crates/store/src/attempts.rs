//! Failed passphrase and recovery-key attempts, counted on disk so that guessing stays slow
//! across restarts and across processes (the app, a second copy of it, `dsl-desk --verify`).
//!
//! The record is a small file outside the vault folder (the operating system's local data folder
//! for DSL Desk, or [`ATTEMPTS_DIR_ENV`]), one per vault, named from the vault folder's canonical
//! path. Every test of a secret runs inside [`Attempts::guarded`], which holds an exclusive lock
//! on that file from the check to the record, so parallel guesses are taken one at a time and
//! each one counts.
//!
//! The attempt is counted *before* the secret is tested and taken back only if it succeeds or
//! fails for a reason other than a wrong secret: killing the process while the key is being
//! derived does not save a guess. The file is rewritten in place, never replaced, so that a
//! waiter's lock stays on the same file.
//!
//! A record that does not read (damaged, or written by something else) is taken as the worst
//! case: the longest wait, counted from now, and rewritten as such. A record that cannot be
//! opened or written at all refuses the attempt: no secret is tested without being counted.
//! A missing or empty record is a fresh start (as on first use).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

/// The environment variable that moves the attempts records (tests, portable installs).
pub const ATTEMPTS_DIR_ENV: &str = "DSL_DESK_ATTEMPTS_DIR";

/// After this many wrong attempts in a row, each further attempt waits.
pub const WAIT_FROM: u32 = 3;
/// The wait after the [`WAIT_FROM`]th wrong attempt; it doubles with each further one.
pub const FIRST_DELAY: Duration = Duration::from_secs(5);
/// The longest wait between attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(300);

/// The failure count a damaged record is read as: enough for the longest wait.
const DAMAGED_FAILURES: u32 = WAIT_FROM + 7;
/// The record's format version.
const FORMAT: u32 = 1;

/// The wait after `failures` wrong attempts in a row.
pub fn delay_after(failures: u32) -> Duration {
    if failures < WAIT_FROM {
        return Duration::ZERO;
    }
    let doublings = (failures - WAIT_FROM).min(16);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

/// The failed-attempt record of one vault.
#[derive(Debug, Clone)]
pub struct Attempts {
    /// None when no folder for the record could be found: every attempt is then refused.
    file: Option<PathBuf>,
}

/// What the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Record {
    format: u32,
    failures: u32,
    next_allowed: Option<DateTime<Utc>>,
}

impl Record {
    const FRESH: Record = Record {
        format: FORMAT,
        failures: 0,
        next_allowed: None,
    };

    /// The record after one more failure at `now`.
    fn failed(self, now: DateTime<Utc>) -> Record {
        let failures = self.failures.saturating_add(1);
        Record {
            format: FORMAT,
            failures,
            next_allowed: Some(now + chrono_delay(delay_after(failures))),
        }
    }
}

fn chrono_delay(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The record's file name for a vault folder: a digest of its canonical path (so the name says
/// nothing about where the vault is, and two spellings of one folder share one record).
fn file_name(vault_dir: &Path) -> String {
    let canonical = canonical(vault_dir);
    let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
    format!("{}.json", hex::encode(&digest[..16]))
}

/// The folder's canonical path; for a folder not made yet (a restore), its parent's canonical
/// path and its name, so the record is the same before and after.
fn canonical(dir: &Path) -> PathBuf {
    if let Ok(c) = dir.canonicalize() {
        return c;
    }
    if let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) {
        if let Ok(p) = parent.canonicalize() {
            return p.join(name);
        }
    }
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// The folder the records live in by default: [`ATTEMPTS_DIR_ENV`], else DSL Desk's data folder
/// ([`crate::files::data_dir`]).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(ATTEMPTS_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    crate::files::data_dir().map(|d| d.join("attempts"))
}

fn unavailable(_: std::io::Error) -> StoreError {
    StoreError::AttemptsUnavailable
}

impl Attempts {
    /// The record of the vault in `vault_dir`, in the default folder ([`default_dir`]).
    pub fn for_vault(vault_dir: &Path) -> Self {
        Self {
            file: default_dir().map(|d| d.join(file_name(vault_dir))),
        }
    }

    /// The record of the vault in `vault_dir`, kept in `records_dir` (tests use their own).
    pub fn in_dir(records_dir: &Path, vault_dir: &Path) -> Self {
        Self {
            file: Some(records_dir.join(file_name(vault_dir))),
        }
    }

    /// Where the record is kept.
    pub fn path(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Runs `test`, which tests a passphrase or recovery key, unless the wait after earlier
    /// failures has not passed; counts a [`StoreError::WrongCredentials`] and clears the count
    /// on success. Refused attempts return [`StoreError::TooManyAttempts`] without running `test`.
    pub fn guarded<T>(&self, test: impl FnOnce() -> Result<T>) -> Result<T> {
        self.guarded_at(Utc::now, test)
    }

    /// As [`Self::guarded`], also returning how many wrong attempts came before a success.
    pub fn guarded_counted<T>(&self, test: impl FnOnce() -> Result<T>) -> Result<(T, u32)> {
        let mut before = 0;
        let result = self.guarded_inner(Utc::now, test, &mut before)?;
        Ok((result, before))
    }

    /// [`Self::guarded`] with the clock given (`now` is read once the lock is held).
    pub fn guarded_at<T>(
        &self,
        now: impl FnOnce() -> DateTime<Utc>,
        test: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        self.guarded_inner(now, test, &mut 0)
    }

    fn guarded_inner<T>(
        &self,
        now: impl FnOnce() -> DateTime<Utc>,
        test: impl FnOnce() -> Result<T>,
        failures_before: &mut u32,
    ) -> Result<T> {
        let mut file = self.open_locked()?;
        let now = now();
        let before = admit(&mut file, now)?;
        *failures_before = before.failures;
        // Counted before the test, so a process stopped mid-test still counts it.
        write(&mut file, &before.failed(now))?;
        let result = test();
        // If either write fails the attempt stays counted: the safe way round, and the result
        // (an open vault, say) is not lost for it.
        let _ = match &result {
            Err(StoreError::WrongCredentials) => Ok(()),
            Ok(_) => write(&mut file, &Record::FRESH),
            Err(_) => write(&mut file, &before),
        };
        result
    }

    /// Refuses, as [`Self::guarded`] would, if the wait has not passed; counts nothing. For
    /// asking before a step that takes the user's time (choosing a backup file).
    pub fn check(&self) -> Result<()> {
        admit(&mut self.open_locked()?, Utc::now()).map(drop)
    }

    /// Opens (or makes) the record and waits for its exclusive lock.
    fn open_locked(&self) -> Result<File> {
        let path = self.file.as_ref().ok_or(StoreError::AttemptsUnavailable)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(unavailable)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(unavailable)?;
        file.lock().map_err(unavailable)?;
        Ok(file)
    }
}

/// The record in `file` if an attempt may be made at `now`, else the wait. A damaged record is
/// rewritten as the longest wait from now.
fn admit(file: &mut File, now: DateTime<Utc>) -> Result<Record> {
    let before = match read(file)? {
        Some(record) => record,
        None => {
            // Damaged: the longest wait, from now.
            let worst = Record {
                format: FORMAT,
                failures: DAMAGED_FAILURES,
                next_allowed: Some(now + chrono_delay(MAX_DELAY)),
            };
            write(file, &worst)?;
            worst
        }
    };
    if let Some(at) = before.next_allowed {
        // A wall clock put back (or a record from the future) never waits longer than the cap.
        let at = at.min(now + chrono_delay(MAX_DELAY));
        if at > now {
            if Some(at) != before.next_allowed {
                write(
                    file,
                    &Record {
                        next_allowed: Some(at),
                        ..before
                    },
                )?;
            }
            let wait = (at - now).to_std().unwrap_or(MAX_DELAY);
            return Err(StoreError::TooManyAttempts {
                wait_seconds: whole_seconds(wait),
            });
        }
    }
    Ok(before)
}

/// Seconds, rounded up, at least one.
fn whole_seconds(d: Duration) -> u32 {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    u32::try_from(s.max(1)).unwrap_or(u32::MAX)
}

/// The record in `file`: fresh if empty, None if it does not read.
fn read(file: &mut File) -> Result<Option<Record>> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).map_err(unavailable)?;
    // Far larger than any record: a huge file is damaged, not a reason to read it all.
    if Read::take(&mut *file, 4096)
        .read_to_string(&mut text)
        .is_err()
    {
        return Ok(None);
    }
    if text.is_empty() {
        return Ok(Some(Record::FRESH));
    }
    Ok(serde_json::from_str::<Record>(&text)
        .ok()
        .filter(|r| r.format == FORMAT))
}

/// Writes `record` over the file's contents, in place, and makes it durable.
fn write(file: &mut File, record: &Record) -> Result<()> {
    let text = serde_json::to_vec(record).map_err(|_| StoreError::Encoding("attempts record"))?;
    file.set_len(0).map_err(unavailable)?;
    file.seek(SeekFrom::Start(0)).map_err(unavailable)?;
    file.write_all(&text).map_err(unavailable)?;
    file.sync_data().map_err(unavailable)?;
    Ok(())
}
