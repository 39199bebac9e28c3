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

/// The text in the order it was drawn (`pdftotext -raw`): a table cell's wrapped lines stay
/// together.
#[allow(dead_code)]
pub fn raw_text(path: &Path) -> String {
    run("pdftotext", &["-raw", &path.to_string_lossy(), "-"])
}

/// The `pdffonts` table.
#[allow(dead_code)]
pub fn fonts(path: &Path) -> String {
    run("pdffonts", &[&path.to_string_lossy()])
}

/// The number of pages, from `pdfinfo`.
#[allow(dead_code)]
pub fn pages(path: &Path) -> usize {
    run("pdfinfo", &[&path.to_string_lossy()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

/// The `pdfinfo` fields (title, creator, producer, dates …), as it prints them.
#[allow(dead_code)]
pub fn info(path: &Path) -> String {
    run("pdfinfo", &["-isodates", &path.to_string_lossy()])
}

/// True when every word on every page lies inside the page less `margin_pt` points each side,
/// read from `pdftotext -bbox`.
#[allow(dead_code)]
pub fn all_text_inside(path: &Path, margin_pt: f64) -> bool {
    let html = run("pdftotext", &["-bbox", &path.to_string_lossy(), "-"]);
    let num = |s: &str, key: &str| -> f64 {
        s.split(&format!("{key}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let (mut w, mut h) = (595.0, 842.0);
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            w = num(line, "width");
            h = num(line, "height");
        } else if line.starts_with("<word") {
            let (x0, y0, x1, y1) = (
                num(line, "xMin"),
                num(line, "yMin"),
                num(line, "xMax"),
                num(line, "yMax"),
            );
            if x0 < margin_pt || y0 < margin_pt || x1 > w - margin_pt || y1 > h - margin_pt {
                return false;
            }
        }
    }
    true
}
