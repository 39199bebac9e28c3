//! The vault as the UI sees it: who is signed in, the school's settings, and their limits.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::ApiError;

/// The idle timeout the school policy sets (seeds 000 §5, 003 §5.2).
pub const DEFAULT_IDLE_MINUTES: u32 = 10;
/// Bounds for the idle timeout a school may choose.
pub const IDLE_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=60;
/// The longest school or person name accepted.
pub const MAX_NAME_CHARS: usize = 200;

/// A user's role in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Role {
    Dsl,
    DeputyDsl,
    Headteacher,
    /// The chair of governors: sees only the records restricted to them (an allegation about
    /// the headteacher), records the case manager's decisions and notes on them, and prints.
    Chair,
}

impl Role {
    /// The stored form of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Dsl => "dsl",
            Role::DeputyDsl => "deputy_dsl",
            Role::Headteacher => "headteacher",
            Role::Chair => "chair",
        }
    }

    /// Reads the stored form of the role.
    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "dsl" => Some(Role::Dsl),
            "deputy_dsl" => Some(Role::DeputyDsl),
            "headteacher" => Some(Role::Headteacher),
            "chair" => Some(Role::Chair),
            _ => None,
        }
    }

    /// DSLs and deputies change records; the headteacher reads them and prints reports.
    pub fn can_edit(self) -> bool {
        matches!(self, Role::Dsl | Role::DeputyDsl)
    }

    /// The chair of governors sees only the records granted to them, never the rest.
    pub fn sees_only_granted(self) -> bool {
        self == Role::Chair
    }
}

/// Whether a vault exists at the vault location and whether it is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VaultStatus {
    pub exists: bool,
    pub unlocked: bool,
    /// The vault folder holds a vault database but not its key file (`keyslots.json`): the
    /// records are there and the key file must be put back; nothing may be made over them.
    pub key_file_missing: bool,
    /// When the key file is missing, the vault folder, where it must be put back.
    #[ts(optional)]
    pub vault_folder: Option<String>,
    /// The app was started to try the demo vault.
    pub demo_mode: bool,
    /// In demo mode, the demo vault's passphrase, shown on its unlock screen.
    #[ts(optional)]
    pub demo_passphrase: Option<String>,
    /// Who can sign in, as the key file lists them: the unlock screen asks which of them is
    /// signing in, and each passphrase opens the vault only for its own user.
    pub sign_in: Vec<SignInChoice>,
}

/// Someone who can sign in, as the key file lists them (before the vault is unlocked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignInChoice {
    pub slot_id: String,
    pub name: String,
    pub role: Role,
}

/// Someone who can open the vault, as the user list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VaultUser {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub added_at: chrono::DateTime<chrono::Utc>,
    /// True for the signed-in user.
    pub is_you: bool,
    /// The member of staff they are in the records, when linked (e.g. the headteacher).
    #[ts(optional)]
    pub person: Option<crate::incident::Person>,
}

/// One line of the access log: who did what, when, to which record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccessEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub user_name: String,
    pub what: String,
    /// The incident's reference, for an access to an incident.
    #[ts(optional)]
    pub reference: Option<String>,
}

/// A new user typed by a DSL; the new user types their own passphrase twice. The passphrases
/// are wiped when it is dropped, and never printed.
#[derive(Clone, Deserialize, TS, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewUser {
    #[zeroize(skip)]
    pub name: String,
    #[zeroize(skip)]
    pub role: Role,
    pub passphrase: String,
    pub passphrase_repeat: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What the app shows about the signed-in session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Session {
    #[ts(type = "number")]
    pub user_id: i64,
    pub user_name: String,
    pub role: Role,
    pub school_name: String,
    pub idle_minutes: u32,
    /// A demonstration vault of generated data: every screen and report says so.
    pub demo: bool,
    /// When the vault was last backed up, if ever.
    #[ts(optional)]
    pub last_backup_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Remind when the last backup is older than this many days.
    pub backup_reminder_days: u32,
    /// The fingerprint of the vault's founding key, as the recovery sheet prints it.
    pub founding_fingerprint: String,
    /// Set when this computer has seen a later state of this vault (or cannot trust what it
    /// remembers of it): the app asks before going on.
    #[ts(optional)]
    pub rollback: Option<RollbackWarning>,
    /// Restricted records sealed to this user whose files did not open (missing or damaged):
    /// the app says so, without naming them.
    #[serde(default)]
    pub unopened_records: u32,
}

/// Why the app asks before opening this copy of the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RollbackKind {
    /// The vault's log has fewer entries than this computer saw: an older copy.
    OlderCopy,
    /// The log has as many entries or more, but not the one this computer saw: a different
    /// history (a copy changed somewhere else after it was copied).
    DifferentHistory,
    /// What this computer remembers of the vault failed its check (changed or damaged outside
    /// DSL Desk, or its secret is missing), so whether this copy is the latest is not known.
    RecordNotTrusted,
}

/// What this computer remembers of a vault, against the copy just opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RollbackWarning {
    pub kind: RollbackKind,
    /// When this computer last saw the vault (none when its record is not trusted).
    #[ts(optional)]
    pub seen_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The same moment in UK words: "3 November 2026 at 14:02".
    #[ts(optional)]
    pub seen_at_text: Option<String>,
    /// Entries in the audit log then (none when the record is not trusted).
    #[ts(optional, type = "number")]
    pub entries_then: Option<i64>,
    /// Entries in the audit log of this copy.
    #[ts(type = "number")]
    pub entries_now: i64,
}

/// The school's settings held in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Settings {
    pub school_name: String,
    pub idle_minutes: u32,
    /// Counts below this print as "fewer than N" in the governor report's breakdowns.
    pub small_number_threshold: u32,
    /// Remind when the last backup is older than this many days.
    pub backup_reminder_days: u32,
}

/// The default backup reminder, in days.
pub const DEFAULT_BACKUP_REMINDER_DAYS: u32 = 7;

/// Checks the backup reminder: 1 to 365 days.
pub fn check_backup_reminder(days: u32) -> Result<u32, ApiError> {
    if (1..=365).contains(&days) {
        Ok(days)
    } else {
        Err(ApiError::validation(
            "backupReminderDays",
            "The backup reminder must be from 1 to 365 days.",
        ))
    }
}

/// Checks the small-number threshold: 1 (off) to 20.
pub fn check_threshold(value: u32) -> Result<u32, ApiError> {
    if (1..=crate::stats::MAX_THRESHOLD).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::validation(
            "smallNumberThreshold",
            format!(
                "The small-number threshold must be from 1 (no suppression) to {}.",
                crate::stats::MAX_THRESHOLD
            ),
        ))
    }
}

/// Facts for the About screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AboutInfo {
    pub version: String,
    /// The build: the commit it was made from, that commit's date, and whether it is a release
    /// or a debug build.
    pub build: String,
    pub vault_dir: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    /// The fingerprint of the vault's founding key (when it is unlocked), as the recovery
    /// sheet prints it.
    #[ts(optional)]
    pub founding_fingerprint: Option<String>,
}

/// The result of walking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditCheck {
    /// How many entries were checked.
    #[ts(type = "number")]
    pub entries: i64,
    /// The first entry that does not follow from the one before, if any.
    #[ts(optional)]
    pub broken: Option<BrokenLink>,
    /// The result in one line, for the screen or the terminal.
    pub summary: String,
}

/// Where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BrokenLink {
    /// The entry's number in the chain.
    #[ts(type = "number")]
    pub entry: i64,
    /// When the entry says it was written, as stored.
    pub at: String,
    pub problem: String,
}

impl AuditCheck {
    /// The result of a walk that checked `entries` and stopped at `broken`, if anywhere.
    pub fn new(entries: i64, broken: Option<BrokenLink>) -> Self {
        let summary = match &broken {
            None => format!("Intact: all {entries} audit entries follow one from another."),
            Some(b) => format!(
                "Broken at audit entry {} (written {}): {}.",
                b.entry, b.at, b.problem
            ),
        };
        AuditCheck {
            entries,
            broken,
            summary,
        }
    }
}

/// What a backup brings back, shown before it is restored so the user can decide: when it was
/// made, who can open it and which recovery key it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupPreview {
    /// When the backup was made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// False for a backup made by an earlier version, which cannot be checked for changes made
    /// after it was made.
    pub authenticated: bool,
    /// The users of that date: each can open the restored vault with their passphrase of then.
    pub users: Vec<VaultUser>,
    /// When the recovery key it carries was made (that key opens the restored vault).
    #[ts(optional)]
    pub recovery_key_made_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The last change recorded in it.
    #[ts(optional)]
    pub last_change_at: Option<chrono::DateTime<chrono::Utc>>,
    /// How many audit entries it holds.
    #[ts(type = "number")]
    pub audit_entries: i64,
}

/// What the first-run form sends. The passphrases are wiped from memory when it is dropped.
#[derive(Debug, Clone, Deserialize, TS, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CreateVaultInput {
    pub school_name: String,
    pub user_name: String,
    #[zeroize(skip)]
    pub role: Role,
    pub passphrase: String,
    pub passphrase_repeat: String,
}

/// The recovery key, shown once after the vault is made, and the groups to type back. The key
/// is wiped when this is dropped (once it has been sent to the screen), and never printed.
#[derive(Clone, Serialize, TS, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecoveryKeyShown {
    /// The key in eight groups of four, e.g. "7K3M-9QXA-…".
    pub grouped: String,
    /// Which groups (1-based) the user must type back to show it was written down.
    #[zeroize(skip)]
    pub confirm_groups: Vec<u32>,
}

impl std::fmt::Debug for RecoveryKeyShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryKeyShown")
            .field("confirm_groups", &self.confirm_groups)
            .finish_non_exhaustive()
    }
}

/// Cleans a name typed into a form: trims it, refuses empty, over-long or control characters,
/// and what [`crate::text::name_problem`] refuses.
pub fn clean_name(field: &str, value: &str) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::validation(field, "This cannot be empty."));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::validation(
            field,
            format!("This is too long: at most {MAX_NAME_CHARS} characters."),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            "This contains control characters; type it again.",
        ));
    }
    if let Some(problem) = crate::text::name_problem(trimmed) {
        return Err(ApiError::validation(field, problem));
    }
    Ok(trimmed.to_string())
}

/// The roles a vault's first user may take: only a DSL or deputy can add the others.
pub const FIRST_USER_ROLES: [Role; 2] = [Role::Dsl, Role::DeputyDsl];

/// The first-run form's names and role, checked. The passphrases are checked by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstUser {
    pub school_name: String,
    pub user_name: String,
    pub role: Role,
}

/// Checks the first-run form: the school's and the user's names, and a role that can add
/// users and change records, so the new vault always has someone who can.
pub fn check_create_vault(input: &CreateVaultInput) -> Result<FirstUser, ApiError> {
    let school_name = clean_name("schoolName", &input.school_name)?;
    let user_name = clean_name("userName", &input.user_name)?;
    if !FIRST_USER_ROLES.contains(&input.role) {
        return Err(ApiError::validation(
            "role",
            "The person who creates the vault must be the DSL or a deputy DSL: only they can add \
             other users, such as the headteacher, and change records.",
        ));
    }
    Ok(FirstUser {
        school_name,
        user_name,
        role: input.role,
    })
}

/// Checks an idle timeout against the allowed range.
pub fn check_idle_minutes(minutes: u32) -> Result<u32, ApiError> {
    if IDLE_MINUTES_RANGE.contains(&minutes) {
        Ok(minutes)
    } else {
        Err(ApiError::validation(
            "idleMinutes",
            format!(
                "Choose between {} and {} minutes.",
                IDLE_MINUTES_RANGE.start(),
                IDLE_MINUTES_RANGE.end()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiles only for types that wipe themselves when dropped.
    fn wiped_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn the_recovery_key_shown_and_a_new_users_passphrases_are_wiped_and_never_printed() {
        wiped_on_drop::<RecoveryKeyShown>();
        wiped_on_drop::<NewUser>();
        let mut shown = RecoveryKeyShown {
            grouped: "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ".into(),
            confirm_groups: vec![2, 7],
        };
        assert!(!format!("{shown:?}").contains("0123"));
        // What dropping it does.
        shown.zeroize();
        assert!(shown.grouped.is_empty());
        assert_eq!(shown.confirm_groups, [2, 7]);

        let mut user: NewUser = serde_json::from_str(
            r#"{"name":"Sam Deputy","role":"DeputyDsl","passphrase":"harbour lantern","passphraseRepeat":"harbour lantern"}"#,
        )
        .expect("a new user");
        assert!(!format!("{user:?}").contains("harbour"));
        user.zeroize();
        assert!(user.passphrase.is_empty() && user.passphrase_repeat.is_empty());
        assert_eq!(user.name, "Sam Deputy");
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            clean_name("schoolName", "  Oakfield  "),
            Ok("Oakfield".into())
        );
        assert!(clean_name("schoolName", "   ").is_err());
        assert!(clean_name("schoolName", "a\u{0007}b").is_err());
        assert!(clean_name("schoolName", &"x".repeat(201)).is_err());
        assert_eq!(
            clean_name("userName", "Zoë Łukasz"),
            Ok("Zoë Łukasz".into())
        );
    }

    #[test]
    fn school_and_user_names_that_lie_are_refused() {
        for field in ["schoolName", "userName"] {
            for bad in [
                "Oak\u{202E}dleif",
                "Jo\u{200E}",
                "\u{2066}Jo\u{2069}",
                "Jo\u{061C}",
            ] {
                let e = clean_name(field, bad).expect_err("direction");
                assert_eq!(e.field.as_deref(), Some(field));
                assert_eq!(
                    e.message,
                    "A name cannot contain characters that change the direction of text."
                );
            }
            for bad in [
                "\u{200B}",
                "\u{200C}\u{200D}",
                "\u{2060}",
                "\u{FEFF}",
                " \u{200B} ",
            ] {
                let e = clean_name(field, bad).expect_err("invisible");
                assert_eq!(e.field.as_deref(), Some(field));
                assert!(e.message.contains("visible"), "{}", e.message);
            }
            assert!(clean_name(field, "Jo\u{200B}").is_err());
            for good in [
                "Zoë",
                "Łukasz",
                "Siobhán",
                "Αλέξανδρος",
                "محمد",
                "山田",
                "نیک\u{200C}نام",
            ] {
                assert_eq!(clean_name(field, good), Ok(good.to_string()));
            }
        }
    }

    fn first_run(role: Role) -> CreateVaultInput {
        CreateVaultInput {
            school_name: " Oakfield ".into(),
            user_name: "Jo".into(),
            role,
            passphrase: String::new(),
            passphrase_repeat: String::new(),
        }
    }

    #[test]
    fn the_first_user_is_a_dsl_or_deputy() {
        for role in [Role::Dsl, Role::DeputyDsl] {
            assert_eq!(
                check_create_vault(&first_run(role)),
                Ok(FirstUser {
                    school_name: "Oakfield".into(),
                    user_name: "Jo".into(),
                    role,
                })
            );
        }
        let e = check_create_vault(&first_run(Role::Headteacher)).expect_err("head");
        assert_eq!(e.field.as_deref(), Some("role"));
        assert!(e.message.contains("DSL or a deputy DSL"), "{}", e.message);
        assert!(FIRST_USER_ROLES.iter().all(|r| r.can_edit()));
        let mut bad = first_run(Role::Dsl);
        bad.user_name = "\u{200B}".into();
        assert_eq!(
            check_create_vault(&bad).expect_err("name").field.as_deref(),
            Some("userName")
        );
    }

    #[test]
    fn idle_minutes_bounds() {
        assert!(check_idle_minutes(0).is_err());
        assert_eq!(check_idle_minutes(1), Ok(1));
        assert_eq!(check_idle_minutes(60), Ok(60));
        assert!(check_idle_minutes(61).is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Dsl, Role::DeputyDsl, Role::Headteacher, Role::Chair] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
