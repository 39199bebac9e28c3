//! Writing files so that a crash leaves either the old file or the new one, never half of one.

use std::io::Write;
use std::path::Path;

use crate::Result;

/// Writes `parts` to a temporary file beside `path`, flushes it to disk, renames it over `path`
/// and makes the rename durable where the platform allows opening a directory.
pub(crate) fn write_atomically(path: &Path, parts: &[&[u8]]) -> Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let tmp = path.with_file_name(name);
    {
        let mut f = std::fs::File::create(&tmp)?;
        for p in parts {
            f.write_all(p)?;
        }
    }
    replace_durably(&tmp, path)
}

/// Flushes the complete file `from` to disk, renames it over `to` and makes the rename durable
/// where the platform allows opening a directory.
pub(crate) fn replace_durably(from: &Path, to: &Path) -> Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(from)?
        .sync_all()?;
    std::fs::rename(from, to)?;
    if let Some(dir) = to.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}
