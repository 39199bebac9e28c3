//! Disk faults: a read-only vault folder, a full disk, the vault file moved or deleted while
//! open. Each must give a clear error, lose and corrupt nothing, and work again once the cause
//! is gone.
//!
//! The full disk is a file size limit (`ulimit -f`, in a writer process that ignores SIGXFSZ so
//! writes fail with EFBIG), which works for any user; run as root, a small tmpfs that fills up
//! (ENOSPC) is used as well, with recovery in the same process once it is enlarged. A read-only
//! folder is a read-only remount of a tmpfs as root (root ignores file modes), or the folder's
//! mode otherwise; as root, the read-only case is run a second time as the unprivileged user
//! `nobody`, so the folder-mode path is exercised too. One binary plays every part: with
//! DSL_DISK_WRITER set it is the writer, with DSL_DISK_READ_ONLY set the unprivileged copy.
//! It runs on Unix systems only.

#[cfg(unix)]
mod common;

#[cfg(unix)]
use std::io::Write;
#[cfg(unix)]
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::{Command, Stdio};

#[cfg(unix)]
use chrono::{TimeZone, Utc};
#[cfg(unix)]
use dsl_domain::incident::{IncidentFilter, NewIncident};
#[cfg(unix)]
use dsl_domain::vault::Role;
#[cfg(unix)]
use dsl_store::{KdfParams, StoreError, Vault, WriteError, DB_FILE};

#[cfg(unix)]
type Res<T> = Result<T, Box<dyn std::error::Error>>;

#[cfg(unix)]
const WRITER_ENV: &str = "DSL_DISK_WRITER";
/// Set in the copy that runs only the read-only case as an unprivileged user.
#[cfg(unix)]
const READ_ONLY_ENV: &str = "DSL_DISK_READ_ONLY";
#[cfg(unix)]
const PASS: &str = "lantern mauve copper harbour";
#[cfg(unix)]
const KDF: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

#[cfg(unix)]
fn incident(n: usize) -> NewIncident {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .unwrap_or_default();
    NewIncident {
        facts: common::facts(
            at, // Long enough that the disk fills in a few dozen writes.
            format!(
                "Write {n}: {}",
                "unkind messages in a group chat. ".repeat(60)
            ),
        ),
        people: vec![],
    }
}

#[cfg(unix)]
fn add(v: &mut Vault, n: usize) -> Result<i64, WriteError> {
    v.create_incident(&incident(n), Utc::now())
        .map(|detail| detail.id)
}

#[cfg(unix)]
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

#[cfg(unix)]
fn run(cmd: &str, args: &[&str]) -> Res<()> {
    let status = Command::new(cmd).args(args).status()?;
    if !status.success() {
        return Err(format!("{cmd} {args:?} failed").into());
    }
    Ok(())
}

/// A tmpfs mounted at `at` for as long as it lives.
#[cfg(unix)]
struct Mount(PathBuf);

#[cfg(unix)]
impl Mount {
    fn new(at: &Path, size: &str) -> Res<Self> {
        std::fs::create_dir_all(at)?;
        let at_s = at.to_str().ok_or("path")?;
        run(
            "mount",
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", at_s],
        )?;
        Ok(Mount(at.to_path_buf()))
    }

    fn remount(&self, opts: &str) -> Res<()> {
        run(
            "mount",
            &[
                "-o",
                &format!("remount,{opts}"),
                self.0.to_str().ok_or("path")?,
            ],
        )
    }
}

#[cfg(unix)]
impl Drop for Mount {
    fn drop(&mut self) {
        if let Some(p) = self.0.to_str() {
            let _ = Command::new("umount").arg(p).status();
        }
    }
}

#[cfg(unix)]
fn new_vault(dir: &Path) -> Res<Vault> {
    Ok(Vault::create(dir, "Oakfield", "Jo DSL", Role::Dsl, PASS, KDF, Utc::now())?.vault)
}

/// The vault opens, passes SQLite's integrity check and its audit chain, and holds `ids`.
#[cfg(unix)]
fn whole(dir: &Path, ids: &[i64]) -> Res<Vault> {
    let v = Vault::unlock(dir, PASS)?;
    if !v.integrity_check()? {
        return Err("integrity check failed".into());
    }
    if v.verify_audit()?.broken.is_some() {
        return Err("audit chain broken".into());
    }
    for id in ids {
        v.incident(*id)?;
    }
    let listed = v.list_incidents(&IncidentFilter::default(), 10_000)?.len();
    if listed != ids.len() {
        return Err(format!("{listed} incidents where {} were acknowledged", ids.len()).into());
    }
    Ok(v)
}

#[cfg(unix)]
fn read_only() -> Res<String> {
    let tmp = tempfile::tempdir()?;
    let root = is_root();
    let mount = if root {
        Some(Mount::new(&tmp.path().join("mnt"), "64m")?)
    } else {
        None
    };
    let dir = tmp.path().join("mnt").join("vault");
    let mut v = new_vault(&dir)?;
    let id = add(&mut v, 0)?;
    drop(v);
    match &mount {
        Some(m) => m.remount("ro")?,
        None => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555))?;
        }
    }
    // Unlocking a read-only vault, or writing to it, is refused with the read-only message.
    let refused = match Vault::unlock(&dir, PASS) {
        Err(e) => e,
        Ok(mut v) => match add(&mut v, 1) {
            Err(WriteError::Store(e)) => e,
            other => return Err(format!("a write to a read-only vault: {other:?}").into()),
        },
    };
    if !matches!(refused, StoreError::ReadOnly) {
        return Err(format!("read-only vault: unclear error {refused:?}").into());
    }
    let message = refused.to_string();
    match &mount {
        Some(m) => m.remount("rw")?,
        None => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    let mut v = whole(&dir, &[id])?;
    let again = add(&mut v, 2)?;
    drop(v);
    whole(&dir, &[id, again])?;
    Ok(format!(
        "read-only folder ({}): refused with \"{message}\"; whole and writable again once writable",
        if root {
            "read-only tmpfs"
        } else {
            "folder mode 0555"
        }
    ))
}

/// The writer under a file size limit: writes until refused, printing each acknowledged id.
#[cfg(unix)]
fn writer(dir: &Path) -> Res<()> {
    let mut v = Vault::unlock(dir, PASS)?;
    let mut out = std::io::stdout();
    for n in 1.. {
        match add(&mut v, n) {
            Ok(id) => writeln!(out, "ack {id}")?,
            Err(WriteError::Store(e)) => {
                writeln!(out, "refused {e:?}|{e}")?;
                // The same vault keeps answering reads after the refusal.
                v.list_incidents(&IncidentFilter::default(), 10)?;
                return Ok(());
            }
            Err(e) => return Err(format!("{e:?}").into()),
        }
        out.flush()?;
    }
    Ok(())
}

#[cfg(unix)]
fn file_size_limit() -> Res<String> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("vault");
    let mut v = new_vault(&dir)?;
    let first = add(&mut v, 0)?;
    drop(v);
    // Room for the write-ahead log to grow a little, in 1 KiB blocks (bash's unit).
    let limit_kib = 400;
    let exe = std::env::current_exe()?;
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {limit_kib}; exec \"$0\""))
        .arg(&exe)
        .env(WRITER_ENV, &dir)
        .stdout(Stdio::piped())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut ids = vec![first];
    for line in text.lines() {
        if let Some(id) = line.strip_prefix("ack ") {
            ids.push(id.parse()?);
        }
    }
    let refusal = text
        .lines()
        .find_map(|l| l.strip_prefix("refused "))
        .ok_or("the writer was never refused")?
        .to_string();
    if !refusal.starts_with("DiskFull|") {
        return Err(format!("a full disk gave an unclear error: {refusal}").into());
    }
    // The limit gone (a new process without it), everything acknowledged is there and whole.
    let mut v = whole(&dir, &ids)?;
    ids.push(add(&mut v, 999)?);
    drop(v);
    whole(&dir, &ids)?;
    Ok(format!(
        "file size limit ({limit_kib} KiB): {} writes acknowledged, then refused with \"{}\"; all present and the vault whole afterwards",
        ids.len() - 2,
        refusal.split('|').nth(1).unwrap_or_default()
    ))
}

#[cfg(unix)]
fn full_tmpfs() -> Res<String> {
    let tmp = tempfile::tempdir()?;
    let mount = Mount::new(&tmp.path().join("mnt"), "3m")?;
    let dir = tmp.path().join("mnt").join("vault");
    let mut v = new_vault(&dir)?;
    let mut ids = Vec::new();
    let refused = loop {
        match add(&mut v, ids.len()) {
            Ok(id) => ids.push(id),
            Err(WriteError::Store(e)) => break e,
            Err(e) => return Err(format!("{e:?}").into()),
        }
        if ids.len() > 10_000 {
            return Err("the disk never filled".into());
        }
    };
    if !matches!(refused, StoreError::DiskFull) {
        return Err(format!("a full disk gave an unclear error: {refused:?}").into());
    }
    // Space is freed (the disk is enlarged); the same open vault writes again.
    mount.remount("size=64m")?;
    ids.push(add(&mut v, 99_999)?);
    drop(v);
    whole(&dir, &ids)?;
    Ok(format!(
        "full disk (3 MiB tmpfs): {} writes, then refused with \"{refused}\"; the same open vault wrote again once the disk was enlarged, and everything is whole",
        ids.len() - 1
    ))
}

#[cfg(unix)]
fn moved_or_deleted() -> Res<String> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("vault");
    let db = dir.join(DB_FILE);
    let aside = dir.join("vault.db.moved");
    let mut v = new_vault(&dir)?;
    let mut ids = vec![add(&mut v, 0)?];

    // Moved away while open: writes are refused, reads still answer; moved back, writes resume.
    std::fs::rename(&db, &aside)?;
    let refused = match add(&mut v, 1) {
        Err(WriteError::Store(e)) => e,
        other => return Err(format!("a write after the file moved: {other:?}").into()),
    };
    if !matches!(refused, StoreError::VaultMissing) {
        return Err(format!("moved file: unclear error {refused:?}").into());
    }
    v.incident(ids[0])?;
    std::fs::rename(&aside, &db)?;
    ids.push(add(&mut v, 2)?);

    // Deleted while open: refused too, and a backup made now holds everything.
    std::fs::remove_file(&db)?;
    if !matches!(
        add(&mut v, 3),
        Err(WriteError::Store(StoreError::VaultMissing))
    ) {
        return Err("a write after the file was deleted was not refused".into());
    }
    let backup = tmp.path().join("rescue.dsldesk-backup");
    v.backup_to(&backup, Utc::now())?;
    drop(v);
    let restored = tmp.path().join("restored");
    drop(Vault::restore_from(&backup, &restored, PASS, Utc::now())?);
    whole(&restored, &ids)?;
    Ok(format!(
        "vault file moved while open: refused with \"{refused}\"; writes resumed once it was back. Deleted while open: refused, and a backup made then restored every record"
    ))
}

/// Run as root: the read-only case again in a copy of this binary run as `nobody` (through
/// util-linux's `setpriv`), where the folder's mode is what refuses the write, as it is for a
/// DSL's own account.
#[cfg(unix)]
fn read_only_as_unprivileged_user() -> Res<String> {
    use std::os::unix::fs::PermissionsExt;
    const NOBODY: u32 = 65_534;
    // Under /tmp, which every user can pass through, whatever TMPDIR says.
    let tmp = tempfile::tempdir_in("/tmp")?;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))?;
    let exe = tmp.path().join("disk_faults");
    std::fs::copy(std::env::current_exe()?, &exe)?;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755))?;
    let work = tmp.path().join("work");
    std::fs::create_dir(&work)?;
    std::os::unix::fs::chown(&work, Some(NOBODY), Some(NOBODY))?;
    let out = Command::new("setpriv")
        .args([
            &format!("--reuid={NOBODY}"),
            &format!("--regid={NOBODY}"),
            "--clear-groups",
        ])
        .arg(&exe)
        .env(READ_ONLY_ENV, "1")
        .env("TMPDIR", &work)
        .env("HOME", &work)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("setpriv (util-linux) is needed to run as another user: {e}"))?;
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || !said.contains("folder mode 0555") {
        return Err(format!("read-only case as an unprivileged user: {said}").into());
    }
    Ok(format!("as user nobody, {said}"))
}

#[cfg(unix)]
fn harness() -> Res<()> {
    let mut results = vec![read_only()?, file_size_limit()?, moved_or_deleted()?];
    if is_root() {
        results.push(full_tmpfs()?);
        results.push(read_only_as_unprivileged_user()?);
    } else {
        println!(
            "not root: the full tmpfs case needs mount; the file size limit covers a full disk"
        );
    }
    for r in results {
        println!("disk faults: {r}");
    }
    Ok(())
}

#[cfg(unix)]
fn main() {
    let result = match std::env::var_os(WRITER_ENV) {
        Some(dir) => writer(Path::new(&dir)),
        None if std::env::var_os(READ_ONLY_ENV).is_some() => read_only().map(|r| println!("{r}")),
        None => harness(),
    };
    if let Err(e) = result {
        eprintln!("disk fault test failed: {e}");
        std::process::exit(1);
    }
}

/// The faults above are Unix ones (file modes, `ulimit`, tmpfs, renaming an open file, which
/// Windows refuses by design): elsewhere this test says so and passes nothing off as checked.
#[cfg(not(unix))]
fn main() {
    println!("disk faults: not run: they need a Unix system (file modes, ulimit, tmpfs)");
}
