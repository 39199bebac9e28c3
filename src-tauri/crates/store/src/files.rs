//! Writing files so that a crash leaves either the old file or the new one, never half of one,
//! and so that only their owner can read them.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::Result;

/// DSL Desk's data folder, where the vault and the record of wrong passphrases are kept by
/// default: the system's data folder for DSL Desk. On Windows that is the local application data
/// (`%LOCALAPPDATA%\DSL Desk Data`), not the roaming one that school networks copy to a server or
/// redirect to a network share (where SQLite's write-ahead log is unsafe), and beside the per-user
/// install folder (`%LOCALAPPDATA%\DSL Desk`), not in it.
pub fn data_dir() -> Option<std::path::PathBuf> {
    #[cfg(windows)]
    return directories::BaseDirs::new().map(|b| b.data_local_dir().join("DSL Desk Data"));
    #[cfg(not(windows))]
    return directories::ProjectDirs::from("uk.org", "DSL Desk", "DSL Desk")
        .map(|p| p.data_local_dir().to_path_buf());
}

/// Creates the file at `path` for writing, or empties the one there, readable and writable by
/// its owner only on Unix (mode 0o600): also when it replaces a file others could read, whose
/// mode is changed before anything is written. Every file the app writes (the vault's own,
/// backups, reports, the recovery sheet) is made with this.
pub fn create_owner_only(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // The mode above applies only to a new file.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Writes `bytes` to the file at `path` (made or emptied with [`create_owner_only`]).
pub fn write_owner_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    create_owner_only(path)?.write_all(bytes)
}

/// Writes `parts` to a temporary file beside `path`, flushes it to disk, renames it over `path`
/// and makes the rename durable where the platform allows opening a directory.
pub(crate) fn write_atomically(path: &Path, parts: &[&[u8]]) -> Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let tmp = path.with_file_name(name);
    {
        let mut f = create_owner_only(&tmp)?;
        for p in parts {
            f.write_all(p)?;
        }
    }
    replace_durably(&tmp, path)
}

/// Runs a file-system operation. On Windows, an antivirus scan, the search indexer or a sync or
/// backup client may hold a file that was just written or closed for a moment, and a rename or
/// delete then fails with "access denied" or "in use": there it is tried again for about a second
/// before the error is reported. Elsewhere `op` runs once.
pub fn retrying<T>(mut op: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    #[cfg(windows)]
    {
        // ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION, and
        // ERROR_DIR_NOT_EMPTY (a folder whose last file is still being deleted).
        const TRANSIENT: [i32; 4] = [5, 32, 33, 145];
        let mut wait = std::time::Duration::from_millis(10);
        for _ in 0..8 {
            match op() {
                Err(e) if e.raw_os_error().is_some_and(|c| TRANSIENT.contains(&c)) => {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(std::time::Duration::from_millis(250));
                }
                done => return done,
            }
        }
    }
    op()
}

/// Renames `from` to `to` (see [`retrying`]).
pub fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> std::io::Result<()> {
    retrying(|| std::fs::rename(from.as_ref(), to.as_ref()))
}

/// Deletes the file at `path` (see [`retrying`]).
pub fn remove_file(path: impl AsRef<Path>) -> std::io::Result<()> {
    retrying(|| std::fs::remove_file(path.as_ref()))
}

/// Deletes the folder at `path` and everything in it (see [`retrying`]).
pub fn remove_dir_all(path: impl AsRef<Path>) -> std::io::Result<()> {
    retrying(|| std::fs::remove_dir_all(path.as_ref()))
}

/// Flushes the complete file `from` to disk, renames it over `to` and makes the rename durable
/// where the platform allows opening a directory.
pub(crate) fn replace_durably(from: &Path, to: &Path) -> Result<()> {
    retrying(|| {
        std::fs::OpenOptions::new()
            .write(true)
            .open(from)?
            .sync_all()
    })?;
    rename(from, to)?;
    if let Some(dir) = to.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn written_files_are_readable_by_their_owner_only_even_when_replacing_one() {
        let tmp = tempfile::tempdir().expect("tmp");
        let new = tmp.path().join("report.pdf");
        write_owner_only(&new, b"%PDF-1.7 new").expect("written");
        assert_eq!(mode(&new), 0o600);

        let old = tmp.path().join("old report.pdf");
        std::fs::write(&old, b"an older and longer report").expect("old");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        write_owner_only(&old, b"%PDF-1.7 replaced").expect("replaced");
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read(&old).expect("read"), b"%PDF-1.7 replaced");

        let backup = tmp.path().join("vault.dsldesk-backup");
        std::fs::write(&backup, b"an older backup").expect("old");
        std::fs::set_permissions(&backup, std::fs::Permissions::from_mode(0o664)).expect("chmod");
        write_atomically(&backup, &[b"new ", b"backup"]).expect("replaced");
        assert_eq!(mode(&backup), 0o600);
        assert_eq!(std::fs::read(&backup).expect("read"), b"new backup");
    }
}
