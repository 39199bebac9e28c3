//! Creating, opening and changing the keys of a vault.
//!
//! A vault is a folder with two files: `vault.db`, a SQLCipher database keyed with a random
//! 256-bit data key, and `keyslots.json`, which holds that key wrapped once per passphrase and
//! once for the recovery key. A vault exists when its key file does.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use dsl_domain::recovery::{RecoveryKey, KEY_BYTES};
use dsl_domain::vault::{Role, Session, Settings, DEFAULT_IDLE_MINUTES};
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use crate::audit::{self, Change};
use crate::files::replace_durably;
use crate::keyslots::{new_data_key, DataKey, KdfParams, Slot, SlotFile, SlotKind};
use crate::{migrations, settings, users, Result, StoreError};

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
    /// Which file the connection opened, to notice it being moved or deleted while open.
    pub(crate) file: Option<FileIdentity>,
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

/// How a vault's pages are authenticated. Every page is encrypted with AES-256 and carries a
/// message authentication code that is checked whenever the page is read from disk. SQLCipher's
/// default code is HMAC-SHA512; DSL Desk uses HMAC-SHA256, which current processors compute in
/// hardware at about a third of the cost, and every write pays it on each page it changes.
/// Vaults made before this are converted when they are opened (see [`convert_page_format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageFormat {
    HmacSha256,
    /// SQLCipher's default, used by vaults made before the change.
    HmacSha512,
}

impl PageFormat {
    /// What new vaults, backups and conversions are written in.
    pub(crate) const CURRENT: PageFormat = PageFormat::HmacSha256;

    /// The value of SQLCipher's `cipher_hmac_algorithm` pragma.
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            PageFormat::HmacSha256 => "HMAC_SHA256",
            PageFormat::HmacSha512 => "HMAC_SHA512",
        }
    }
}

/// The key as SQLCipher's `PRAGMA key` and `ATTACH ... KEY` take a raw key: `x'<hex>'`.
pub(crate) fn raw_key(key: &DataKey) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "x'{}'",
        Zeroizing::new(hex::encode(key.as_ref())).as_str()
    ))
}

/// Waits, once per process, until SQLCipher can key a connection.
///
/// SQLite marks itself initialised before SQLCipher's own set-up (which seeds the random
/// generator) has finished, and that set-up runs on whichever thread opened the process's
/// first connection. A connection keyed on another thread in that window is refused with
/// SQLITE_ERROR ("sqlcipher not initialized"), which would surface as a failed unlock. So
/// the first caller keys a throw-away in-memory connection until it is accepted, and every
/// other caller waits for that.
pub(crate) fn sqlcipher_ready() -> Result<()> {
    /// Keys only the throw-away in-memory probe, which never holds data.
    const PROBE: &str = concat!(
        "PRAGMA key = \"x'0000000000000000000000000000000000000000000000000000000000000001'\";",
        "SELECT count(*) FROM sqlite_master;"
    );
    static READY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    // Up to about two seconds of retries; a probe that is never accepted means SQLCipher
    // cannot key anything, and every open then fails with the same error.
    let ready = *READY.get_or_init(|| {
        (0..2_000).any(|_| {
            let keyed = Connection::open_in_memory().and_then(|probe| probe.execute_batch(PROBE));
            if keyed.is_err() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            keyed.is_ok()
        })
    });
    if ready {
        Ok(())
    } else {
        Err(StoreError::Crypto)
    }
}

/// Opens the database with `key` and sets the connection up; `create` allows a new file, which
/// is written in the current page format. An existing file is read in whichever format it is
/// in, which is returned. Only the benchmarks' unkeyed baseline passes no key.
pub(crate) fn open_db(
    path: &Path,
    key: Option<&DataKey>,
    create: bool,
) -> Result<(Connection, PageFormat)> {
    sqlcipher_ready()?;
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    } else {
        match std::fs::metadata(path) {
            Ok(m) if m.len() == 0 => return Err(StoreError::Corrupt("database file is empty")),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Corrupt("database file is missing"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    // The current format first; an existing file that does not read in it is tried in the
    // older one. A page that fails its check in both is damaged, or the key is not its key.
    let formats: &[PageFormat] = if create || key.is_none() {
        &[PageFormat::CURRENT]
    } else {
        &[PageFormat::CURRENT, PageFormat::HmacSha512]
    };
    let mut opened = None;
    let mut refused = None;
    for &format in formats {
        let conn = Connection::open_with_flags(path, flags)?;
        if let Some(key) = key {
            // The key must be the first statement on the connection, and the page format
            // must be set before the first page is read.
            let pragma = Zeroizing::new(format!(
                "PRAGMA key = \"{}\"; PRAGMA cipher_hmac_algorithm = {};",
                raw_key(key).as_str(),
                format.pragma()
            ));
            conn.execute_batch(&pragma)?;
        }
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(_) => {
                opened = Some((conn, format));
                break;
            }
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
                refused = Some(e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let (conn, format) = match (opened, refused) {
        (Some(opened), _) => opened,
        (None, Some(e)) => return Err(e.into()),
        (None, None) => return Err(StoreError::Corrupt("not readable with its key")),
    };
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt("journal mode could not be set"));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -262144;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA trusted_schema = OFF;",
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok((conn, format))
}

/// Writes an encrypted copy of `conn`'s database to `dest`, keyed with `key`, in the current
/// page format and at the same schema version. `dest` is made a new, empty file first.
pub(crate) fn export_copy(conn: &Connection, key: &DataKey, dest: &Path) -> Result<()> {
    let path = dest.to_str().ok_or(StoreError::Corrupt(
        "the vault folder's name cannot be used",
    ))?;
    // ATTACH opens files with the connection's own flags, and a vault opened by unlock may not
    // create files: the copy starts as an empty file (SQLite's "new database").
    std::fs::File::create(dest)?;
    conn.execute(
        "ATTACH DATABASE ?1 AS exported KEY ?2",
        rusqlite::params![path, raw_key(key).as_str()],
    )?;
    let copied = (|| -> Result<()> {
        conn.execute_batch(&format!(
            "PRAGMA exported.cipher_hmac_algorithm = {};",
            PageFormat::CURRENT.pragma()
        ))?;
        conn.query_row("SELECT sqlcipher_export('exported')", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        conn.execute_batch(&format!("PRAGMA exported.user_version = {version};"))?;
        Ok(())
    })();
    conn.execute_batch("DETACH DATABASE exported;")?;
    copied
}

/// The file a conversion writes before it replaces the database.
const CONVERTING_FILE: &str = "vault.db.converting";

/// Rewrites a database in an older page format into the current one, with the same key, and
/// closes `conn`. The copy is written beside the database, flushed to disk and renamed over it,
/// so a crash or a full disk leaves the old database whole; the caller opens whichever is there.
pub(crate) fn convert_page_format(dir: &Path, conn: Connection, key: &DataKey) -> Result<()> {
    let target = dir.join(CONVERTING_FILE);
    let remove_target = || {
        for suffix in ["", "-journal"] {
            let mut name = target.as_os_str().to_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    };
    remove_target();
    let result = (|| -> Result<()> {
        export_copy(&conn, key, &target)?;
        // Closing the last connection writes the log into the database and removes it; a log
        // still there (another program has the vault open) must not meet the new file.
        conn.close().map_err(|(_, e)| StoreError::from(e))?;
        if dir.join(format!("{DB_FILE}-wal")).exists() {
            return Err(StoreError::Corrupt("the vault is open elsewhere"));
        }
        replace_durably(&target, &db_path(dir))
    })();
    if result.is_err() {
        remove_target();
    }
    result
}

fn random_recovery_key() -> RecoveryKey {
    let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
    OsRng.fill_bytes(bytes.as_mut());
    RecoveryKey::from_random(&bytes)
}

/// Removes the database and its journal files (not the key file).
pub(crate) fn remove_db_files(dir: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(dir.join(format!("{DB_FILE}{suffix}")));
    }
}

/// Gives a new database its schema, first user, school name and first audit entry.
pub(crate) fn initialise(
    conn: &mut Connection,
    school_name: &str,
    user_name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<i64> {
    migrations::migrate(conn)?;
    let tx = conn.transaction()?;
    let user_id = users::insert(&tx, user_name, role, now)?;
    settings::put(&tx, settings::SCHOOL_NAME, school_name)?;
    settings::put(
        &tx,
        settings::IDLE_MINUTES,
        &DEFAULT_IDLE_MINUTES.to_string(),
    )?;
    audit::append(
        &tx,
        now,
        &Change {
            user_id: Some(user_id),
            action: "vault.created",
            record_kind: "vault",
            record_id: "1",
        },
    )?;
    tx.commit()?;
    Ok(user_id)
}

impl Vault {
    /// True when a vault (its key file) exists in `dir`.
    pub fn exists(dir: &Path) -> bool {
        slots_path(dir).exists()
    }

    /// Makes a new vault in `dir` for its first user, returning it open with its recovery key.
    /// Inputs must already be validated (see `dsl_domain::vault`).
    pub fn create(
        dir: &Path,
        school_name: &str,
        user_name: &str,
        role: Role,
        passphrase: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<Unlocked> {
        if Self::exists(dir) {
            return Err(StoreError::VaultExists);
        }
        std::fs::create_dir_all(dir)?;
        // A database without a key file is left from an interrupted creation: nobody can
        // ever open it, so it is removed.
        remove_db_files(dir);

        let key = new_data_key();
        let recovery_key = random_recovery_key();
        let result = (|| {
            let (mut conn, _) = open_db(&db_path(dir), Some(&key), true)?;
            let user_id = initialise(&mut conn, school_name, user_name, role, now)?;
            let slots = SlotFile::new(vec![
                Slot::wrap(
                    SlotKind::Passphrase,
                    Some(user_id),
                    passphrase.as_bytes(),
                    &key,
                    kdf,
                )?,
                Slot::wrap(
                    SlotKind::Recovery,
                    None,
                    recovery_key.canonical().as_bytes(),
                    &key,
                    kdf,
                )?,
            ]);
            slots.write(&slots_path(dir))?;
            Ok((conn, user_id))
        })();
        match result {
            Ok((conn, user_id)) => Ok(Unlocked {
                vault: Vault {
                    conn,
                    dir: dir.to_path_buf(),
                    key,
                    user_id,
                    file: file_identity(&db_path(dir)),
                },
                recovery_key,
            }),
            Err(e) => {
                remove_db_files(dir);
                Err(e)
            }
        }
    }

    /// Opens the vault with a user's passphrase.
    pub fn unlock(dir: &Path, passphrase: &str) -> Result<Vault> {
        let file = SlotFile::read(&slots_path(dir))?;
        for slot in file.slots.iter().filter(|s| s.kind == SlotKind::Passphrase) {
            if let Some(key) = slot.unwrap_key(passphrase.as_bytes())? {
                let user_id = slot
                    .user_id
                    .ok_or(StoreError::Corrupt("passphrase slot has no user"))?;
                return Self::open(dir, key, user_id);
            }
        }
        Err(StoreError::WrongCredentials)
    }

    /// Opens the vault with the recovery key and sets a new passphrase for the user
    /// (the first DSL when `user_id` is none). The old passphrase stops working.
    pub fn unlock_with_recovery(
        dir: &Path,
        recovery_key: &RecoveryKey,
        user_id: Option<i64>,
        new_passphrase: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<Vault> {
        let file = SlotFile::read(&slots_path(dir))?;
        let slot = file
            .slots
            .iter()
            .find(|s| s.kind == SlotKind::Recovery)
            .ok_or(StoreError::WrongCredentials)?;
        let key = slot
            .unwrap_key(recovery_key.canonical().as_bytes())?
            .ok_or(StoreError::WrongCredentials)?;
        let conn = Self::open_conn(dir, Some(&key))?;
        let user_id = match user_id {
            Some(id) => users::get(&conn, id)?.id,
            None => {
                users::list(&conn)?
                    .into_iter()
                    .find(|u| u.role != Role::Headteacher)
                    .or_else(|| users::list(&conn).ok().and_then(|l| l.into_iter().next()))
                    .ok_or(StoreError::Corrupt("vault has no users"))?
                    .id
            }
        };
        let mut vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id,
            file: file_identity(&db_path(dir)),
        };
        vault.replace_passphrase_slot(new_passphrase, kdf)?;
        vault.audit(
            now,
            "passphrase.reset_with_recovery_key",
            "user",
            &user_id.to_string(),
        )?;
        Ok(vault)
    }

    pub(crate) fn open_conn(dir: &Path, key: Option<&DataKey>) -> Result<Connection> {
        let (mut conn, format) = open_db(&db_path(dir), key, false)?;
        if let (Some(key), true) = (key, format != PageFormat::CURRENT) {
            // Converted once, on the first unlock after the change. If it cannot be done now
            // (a full disk, a read-only folder) the vault opens as it is and is converted later.
            let _ = convert_page_format(dir, conn, key);
            conn = open_db(&db_path(dir), Some(key), false)?.0;
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            return Err(StoreError::Corrupt("database holds no DSL Desk schema"));
        }
        migrations::migrate(&mut conn)?;
        let tx = conn.transaction()?;
        crate::incidents::backfill_stats(&tx)?;
        tx.commit()?;
        Ok(conn)
    }

    fn open(dir: &Path, key: DataKey, user_id: i64) -> Result<Vault> {
        let conn = Self::open_conn(dir, Some(&key))?;
        users::get(&conn, user_id).map_err(|e| match e {
            StoreError::NotFound => StoreError::WrongCredentials,
            other => other,
        })?;
        Ok(Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            user_id,
            file: file_identity(&db_path(dir)),
        })
    }

    /// Checks `current` against the signed-in user's passphrase and replaces it with `new`.
    /// The data key is rewrapped; the database is not re-encrypted.
    pub fn change_passphrase(
        &mut self,
        current: &str,
        new: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let file = SlotFile::read(&slots_path(&self.dir))?;
        let slot = file
            .slots
            .iter()
            .find(|s| s.kind == SlotKind::Passphrase && s.user_id == Some(self.user_id))
            .ok_or(StoreError::WrongCredentials)?;
        if slot.unwrap_key(current.as_bytes())?.is_none() {
            return Err(StoreError::WrongCredentials);
        }
        self.replace_passphrase_slot(new, kdf)?;
        self.audit(now, "passphrase.changed", "user", &self.user_id.to_string())
    }

    fn replace_passphrase_slot(&mut self, new: &str, kdf: KdfParams) -> Result<()> {
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        // Unlock finds the user by the slot their passphrase opens, so no two users may share one.
        if crate::accounts::passphrase_in_use(&file, new, Some(self.user_id))? {
            return Err(StoreError::Conflict(crate::accounts::PASSPHRASE_TAKEN));
        }
        let fresh = Slot::wrap(
            SlotKind::Passphrase,
            Some(self.user_id),
            new.as_bytes(),
            &self.key,
            kdf,
        )?;
        file.slots
            .retain(|s| !(s.kind == SlotKind::Passphrase && s.user_id == Some(self.user_id)));
        file.slots.push(fresh);
        file.write(&path)
    }

    /// True if `passphrase` is the signed-in user's (checked against their key slot).
    pub fn check_passphrase(&self, passphrase: &str) -> Result<bool> {
        let file = SlotFile::read(&slots_path(&self.dir))?;
        for slot in file
            .slots
            .iter()
            .filter(|s| s.kind == SlotKind::Passphrase && s.user_id == Some(self.user_id))
        {
            if slot.unwrap_key(passphrase.as_bytes())?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A fresh recovery key, not yet in use: `replace_recovery_key` puts it in place once the
    /// user has shown they kept it.
    pub fn new_recovery_key() -> RecoveryKey {
        random_recovery_key()
    }

    /// Makes `key` the vault's recovery key: the old one stops working at once.
    pub fn replace_recovery_key(
        &mut self,
        key: &RecoveryKey,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.require_editor("only a DSL or deputy can replace the recovery key")?;
        let path = slots_path(&self.dir);
        let mut file = SlotFile::read(&path)?;
        let fresh = Slot::wrap(
            SlotKind::Recovery,
            None,
            key.canonical().as_bytes(),
            &self.key,
            kdf,
        )?;
        file.slots.retain(|s| s.kind != SlotKind::Recovery);
        file.slots.push(fresh);
        file.write(&path)?;
        self.audit(now, "recovery_key.replaced", "vault", "1")
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
        audit::append(
            &self.conn,
            now,
            &Change {
                user_id: Some(self.user_id),
                action,
                record_kind: kind,
                record_id: id,
            },
        )
    }

    /// The school's settings.
    pub fn settings(&self) -> Result<Settings> {
        let number = |key, default| -> Result<u32> {
            Ok(settings::get(&self.conn, key)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(default))
        };
        Ok(Settings {
            school_name: settings::get(&self.conn, settings::SCHOOL_NAME)?.unwrap_or_default(),
            idle_minutes: number(settings::IDLE_MINUTES, DEFAULT_IDLE_MINUTES)?,
            small_number_threshold: number(
                settings::SMALL_NUMBER_THRESHOLD,
                dsl_domain::stats::DEFAULT_THRESHOLD,
            )?,
            backup_reminder_days: number(
                settings::BACKUP_REMINDER_DAYS,
                dsl_domain::vault::DEFAULT_BACKUP_REMINDER_DAYS,
            )?,
        })
    }

    /// Saves the school's settings (already validated).
    pub fn update_settings(&mut self, new: &Settings, now: DateTime<Utc>) -> Result<()> {
        self.require_editor("only a DSL or deputy can change the settings")?;
        let tx = self.conn.transaction()?;
        settings::put(&tx, settings::SCHOOL_NAME, &new.school_name)?;
        settings::put(&tx, settings::IDLE_MINUTES, &new.idle_minutes.to_string())?;
        settings::put(
            &tx,
            settings::SMALL_NUMBER_THRESHOLD,
            &new.small_number_threshold.to_string(),
        )?;
        settings::put(
            &tx,
            settings::BACKUP_REMINDER_DAYS,
            &new.backup_reminder_days.to_string(),
        )?;
        audit::append(
            &tx,
            now,
            &Change {
                user_id: Some(self.user_id),
                action: "settings.updated",
                record_kind: "settings",
                record_id: "school",
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Who is signed in, and the settings the app needs.
    pub fn session(&self) -> Result<Session> {
        let user = users::get(&self.conn, self.user_id)?;
        let s = self.settings()?;
        Ok(Session {
            user_id: user.id,
            user_name: user.name,
            role: user.role,
            school_name: s.school_name,
            idle_minutes: s.idle_minutes,
            demo: self.is_demo()?,
            last_backup_at: settings::get(&self.conn, settings::LAST_BACKUP_AT)?
                .map(|s| crate::time::parse_ts(&s))
                .transpose()?,
            backup_reminder_days: s.backup_reminder_days,
        })
    }

    /// True for a demonstration vault.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(settings::get(&self.conn, settings::DEMO)?.as_deref() == Some("1"))
    }

    /// Marks the vault as a demonstration vault (it can never be unmarked).
    pub fn mark_demo(&mut self, now: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        settings::put(&tx, settings::DEMO, "1")?;
        audit::record(&tx, now, self.user_id, "settings.demo", "settings", "demo")?;
        tx.commit()?;
        Ok(())
    }

    /// Walks the audit chain and reports intact, or the first broken link.
    pub fn verify_audit(&self) -> Result<dsl_domain::vault::AuditCheck> {
        audit::verify(&self.conn)
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
