//! Printable reports: saved where the user chooses (the file is not encrypted, and the screen
//! says so), then opened in the system's PDF viewer on request.

use std::path::{Path, PathBuf};

use dsl_domain::terms::TermName;
use dsl_domain::ErrorKind;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::now;
use crate::dialogs::save_file;
use crate::error::{CmdError, CmdResult};
use crate::state::AppState;

/// Draws one incident's report (full, or redacted to name only `keep_person_id`) and saves it
/// where the user chooses. Returns the saved file's path.
#[tauri::command]
pub async fn export_incident_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: i64,
    redact: bool,
    keep_person_id: Option<i64>,
) -> CmdResult<String> {
    state
        .run(move |state| {
            let (bytes, reference) = state.with_vault(|v| {
                let user = v.session()?.user_name;
                let redaction = redact.then_some(keep_person_id);
                let view =
                    v.incident_report(id, redaction, &user, now(), env!("CARGO_PKG_VERSION"))?;
                Ok((dsl_report::incident_report::render(&view)?, view.reference))
            })?;
            let name = if redact {
                format!("{reference} incident report (redacted).pdf")
            } else {
                format!("{reference} incident report.pdf")
            };
            let path = save_path(&app, "Save the incident report", &name)?;
            write_report(&path, &bytes)?;
            *state.last_export() = Some(path.clone());
            state.with_vault(|v| {
                Ok(v.log_access(
                    dsl_store::access::PRINTED,
                    "incident",
                    &id.to_string(),
                    now(),
                )?)
            })?;
            Ok(path.to_string_lossy().into_owned())
        })
        .await
}

/// Draws the governor report for a term from its figures and saved draft, and saves it where
/// the user chooses. Returns the saved file's path.
#[tauri::command]
pub async fn export_governor_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    year: i32,
    term: TermName,
) -> CmdResult<String> {
    state
        .run(move |state| {
            let (figures, draft, school, demo) = state.with_vault(|v| {
                let figures = v.term_figures(year, term)?;
                let draft = v.governor_draft(year, term)?;
                let session = v.session()?;
                Ok((figures, draft, session.school_name, session.demo))
            })?;
            let name = format!(
                "{}{} governor report.pdf",
                if demo { "DEMO " } else { "" },
                figures.term_label
            );
            let path = save_path(&app, "Save the governor report", &name)?;
            // Drawn after the place is chosen, so the time measured is the report's own.
            let view = dsl_domain::governor::governor_report(
                &school,
                demo,
                &figures,
                &draft,
                &dsl_domain::time::uk_date_time(now()),
                env!("CARGO_PKG_VERSION"),
            );
            let bytes = dsl_report::governor_report::render(&view)?;
            write_report(&path, &bytes)?;
            *state.last_export() = Some(path.clone());
            state.with_vault(|v| {
                Ok(v.log_access(
                    dsl_store::access::GOVERNOR_PRINTED,
                    "governor_report",
                    &format!("{year}-{}", term.as_str()),
                    now(),
                )?)
            })?;
            Ok(path.to_string_lossy().into_owned())
        })
        .await
}

/// Asks where to save a PDF report called `name`.
pub(crate) fn save_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    name: &str,
) -> CmdResult<PathBuf> {
    Ok(save_file(
        app,
        title,
        name,
        ("PDF", &["pdf"]),
        "The report was not saved.",
    )?)
}

/// Writes a report's bytes where the user chose.
pub(crate) fn write_report(path: &Path, bytes: &[u8]) -> CmdResult<()> {
    write_exported(
        path,
        bytes,
        "The report could not be written there. Choose another place.",
    )
}

/// Writes an exported file's bytes where the user chose, readable by the user only (the file is
/// not encrypted); `failed` is the message if it cannot be written.
pub(crate) fn write_exported(path: &Path, bytes: &[u8], failed: &str) -> CmdResult<()> {
    dsl_store::files::write_owner_only(path, bytes)
        .map_err(|_| CmdError::new(ErrorKind::Io, failed))
}

/// Opens the file just exported in the system's PDF viewer, to print.
#[tauri::command]
pub async fn open_last_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<()> {
    let path = state
        .last_export()
        .clone()
        .ok_or_else(|| CmdError::new(ErrorKind::Conflict, "Save a report first."))?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|_| {
            CmdError::new(
                ErrorKind::Io,
                "No PDF viewer could open the file. Open it from where you saved it.",
            )
        })
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_saved_report_is_readable_by_its_owner_only() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("OS-2026-0001 incident report.pdf");
        std::fs::write(&path, b"an older report").expect("old");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        write_report(&path, b"%PDF-1.7").expect("written");
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read(&path).expect("read"), b"%PDF-1.7");

        let missing = tmp.path().join("no such folder").join("report.pdf");
        let refused = write_report(&missing, b"%PDF-1.7").expect_err("refused");
        assert_eq!(refused.0.kind, ErrorKind::Io);
    }
}
