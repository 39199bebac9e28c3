//! Shared helpers: inspect a PDF with poppler's command-line tools, as a reader would.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `bytes` to a file under the test's target folder and returns its path.
pub fn save(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-samples");
    std::fs::create_dir_all(&dir).expect("sample dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write pdf");
    path
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed for report tests (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of the whole PDF, in reading order.
pub fn text(path: &Path) -> String {
    run("pdftotext", &["-layout", &path.to_string_lossy(), "-"])
}

/// The `pdffonts` table.
pub fn fonts(path: &Path) -> String {
    run("pdffonts", &[&path.to_string_lossy()])
}

/// The number of pages, from `pdfinfo`.
pub fn pages(path: &Path) -> usize {
    run("pdfinfo", &[&path.to_string_lossy()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}
