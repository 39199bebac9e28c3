//! Generates the permission for each app command, so the capability file must grant each one.

const COMMANDS: &[&str] = &[
    "vault_status",
    "assess_passphrase",
    "create_vault",
    "save_recovery_sheet",
    "confirm_recovery_key",
    "regenerate_recovery_key",
    "unlock",
    "unlock_with_recovery",
    "lock",
    "report_activity",
    "get_session",
    "get_settings",
    "update_settings",
    "change_passphrase",
    "about",
    "verify_vault",
    "backup_vault",
    "restore_vault",
    "activity_types",
    "create_incident",
    "get_incident",
    "record_entry",
    "reask_step",
    "add_person",
    "correct_facts",
    "list_incidents",
    "find_people",
    "person_history",
    "list_evidence",
    "all_evidence",
    "add_evidence",
    "add_custody",
    "fingerprint_file",
    "check_file",
    "add_device_review",
    "list_device_reviews",
    "export_incident_report",
    "open_last_export",
    "export_governor_report",
    "term_choices",
    "terms_of_year",
    "save_terms",
    "term_dashboard",
    "save_governor_draft",
    "create_demo_vault",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
