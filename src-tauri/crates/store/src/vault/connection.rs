//! Opening and keying the database: the page format, the SQLCipher start-up wait, the
//! connection's pragmas, and encrypted copies (backups and page-format conversions).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use super::{db_path, DB_FILE};
use crate::files::replace_durably;
use crate::keyslots::DataKey;
use crate::{Result, StoreError};

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
        check_present(path)?;
    }
    // The current format first; an existing file that does not read in it is tried in the
    // older one. A page that fails its check in both is damaged, or the key is not its key.
    let formats: &[PageFormat] = if create || key.is_none() {
        &[PageFormat::CURRENT]
    } else {
        &[PageFormat::CURRENT, PageFormat::HmacSha512]
    };
    let (conn, format) = open_keyed(path, flags, key, formats)?;
    set_pragmas(&conn)?;
    Ok((conn, format))
}

/// Refuses a database file that is missing or empty (SQLite would make a new one).
fn check_present(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() == 0 => Err(StoreError::Corrupt("database file is empty")),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(StoreError::Corrupt("database file is missing"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens and keys the file in the first of `formats` its pages read in.
fn open_keyed(
    path: &Path,
    flags: OpenFlags,
    key: Option<&DataKey>,
    formats: &[PageFormat],
) -> Result<(Connection, PageFormat)> {
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
            Ok(_) => return Ok((conn, format)),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
                refused = Some(e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(match refused {
        Some(e) => e.into(),
        None => StoreError::Corrupt("not readable with its key"),
    })
}

/// The connection's settings: write-ahead log, full syncs, secure deletes.
fn set_pragmas(conn: &Connection) -> Result<()> {
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
    // On macOS fsync() leaves the write in the drive's cache: a commit is durable only with
    // F_FULLFSYNC, which SQLite uses when asked.
    #[cfg(target_os = "macos")]
    conn.execute_batch("PRAGMA fullfsync = ON; PRAGMA checkpoint_fullfsync = ON;")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
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
            let _ = crate::files::remove_file(PathBuf::from(name));
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

/// The folder a restore writes and checks its copy in before moving it into the vault folder.
pub(crate) const RESTORING_DIR: &str = "restoring";

/// The files in a vault folder that hold, or may hold, a copy of the database: the database,
/// its journals, a conversion's copy, a backup's snapshot and a restore's copy.
pub(crate) fn db_file_names() -> Vec<String> {
    let mut names: Vec<String> = ["", "-wal", "-shm", "-journal", ".partial"]
        .iter()
        .map(|suffix| format!("{DB_FILE}{suffix}"))
        .collect();
    names.extend(
        [
            CONVERTING_FILE,
            "vault.db.converting-journal",
            "backup-snapshot.db",
            super::credentials::REKEYING_FILE,
            "vault.db.rekeying-journal",
        ]
        .iter()
        .map(|name| (*name).to_string()),
    );
    names.push(RESTORING_DIR.to_string());
    names
}

/// True when any file that holds or may hold the vault's records is in `dir`.
pub(crate) fn db_files_present(dir: &Path) -> bool {
    db_file_names()
        .iter()
        .any(|name| std::fs::symlink_metadata(dir.join(name)).is_ok())
}

/// Removes the database and its journal files (not the key file). Only for files this process
/// has just made: nothing that was there before is ever removed.
pub(crate) fn remove_db_files(dir: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = crate::files::remove_file(dir.join(format!("{DB_FILE}{suffix}")));
    }
}
