//! The system's file dialogs: the only way the app learns a path (the UI never sends one).

use std::path::PathBuf;

use dsl_domain::{ApiError, ErrorKind};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

/// A file type offered in a dialog: its name and extensions.
pub type Filter<'a> = (&'a str, &'a [&'a str]);

/// Asks where to save `file_name`; `cancelled` is the message when the user closes the dialog.
pub fn save_file<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    file_name: &str,
    filter: Filter<'_>,
    cancelled: &str,
) -> Result<PathBuf, ApiError> {
    #[cfg(test)]
    if let Some(p) = chosen_in_tests() {
        return Ok(p);
    }
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(one_file_name(file_name))
        .add_filter(filter.0, filter.1)
        .blocking_save_file()
        .ok_or_else(|| ApiError::new(ErrorKind::Cancelled, cancelled))?
        .into_path()
        .map_err(|_| ApiError::new(ErrorKind::Io, "That place cannot be saved to."))
}

/// A suggested name the save dialog takes as one file's name on every platform: a character a
/// dialog would read as a folder, or a file system refuses (a term's "2025/26", say), becomes '-',
/// and a trailing dot or space, which Windows drops, goes.
fn one_file_name(name: &str) -> String {
    const REFUSED: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];
    let name: String = name
        .chars()
        .map(|c| {
            if REFUSED.contains(&c) || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    name.trim_end_matches(['.', ' ']).to_string()
}

/// Asks for a file to read.
pub fn pick_file<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    filter: Option<Filter<'_>>,
    cancelled: &str,
) -> Result<PathBuf, ApiError> {
    #[cfg(test)]
    if let Some(p) = chosen_in_tests() {
        return Ok(p);
    }
    let mut dialog = app.dialog().file().set_title(title);
    if let Some((name, extensions)) = filter {
        dialog = dialog.add_filter(name, extensions);
    }
    dialog
        .blocking_pick_file()
        .ok_or_else(|| ApiError::new(ErrorKind::Cancelled, cancelled))?
        .into_path()
        .map_err(|_| ApiError::new(ErrorKind::Io, "That file cannot be read from here."))
}

/// In the IPC tests, where no dialog can open, the file every dialog "chooses".
#[cfg(test)]
pub static CHOSEN: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

#[cfg(test)]
fn chosen_in_tests() -> Option<PathBuf> {
    CHOSEN.lock().ok().and_then(|c| c.clone())
}

#[cfg(test)]
mod name_tests {
    use super::one_file_name;

    #[test]
    fn a_suggested_name_is_one_name_everywhere() {
        assert_eq!(
            one_file_name("Autumn term 2025/26 governor report.pdf"),
            "Autumn term 2025-26 governor report.pdf"
        );
        assert_eq!(
            one_file_name("a\\b:c*d?e\"f<g>h|i.pdf"),
            "a-b-c-d-e-f-g-h-i.pdf"
        );
        assert_eq!(
            one_file_name("OS-2026-0001 incident report.pdf"),
            "OS-2026-0001 incident report.pdf"
        );
        assert_eq!(
            one_file_name("Zoë Łukasz Siobhán.pdf. "),
            "Zoë Łukasz Siobhán.pdf"
        );
    }
}
