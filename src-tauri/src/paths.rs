//! Where the vault lives: `--vault DIR`, else `DSL_DESK_VAULT`, else the operating system's
//! data folder for DSL Desk.

use std::ffi::OsString;
use std::path::PathBuf;

/// The environment variable that overrides the vault folder.
pub const VAULT_ENV: &str = "DSL_DESK_VAULT";

/// Picks the vault folder from the command line, the environment or the system default.
pub fn vault_dir(
    args: impl IntoIterator<Item = OsString>,
    env: Option<OsString>,
) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--vault" {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--vault=")) {
            return Some(PathBuf::from(value));
        }
    }
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("uk.org", "DSL Desk", "DSL Desk")
        .map(|p| p.data_dir().join("vault"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn flag_beats_environment_beats_default() {
        let from_flag = vault_dir(args(&["app", "--vault", "/a"]), Some("/b".into()));
        assert_eq!(from_flag, Some(PathBuf::from("/a")));
        let from_eq = vault_dir(args(&["app", "--vault=/c"]), None);
        assert_eq!(from_eq, Some(PathBuf::from("/c")));
        let from_env = vault_dir(args(&["app"]), Some("/b".into()));
        assert_eq!(from_env, Some(PathBuf::from("/b")));
        let default = vault_dir(args(&["app"]), None).expect("a default exists");
        assert!(default.ends_with("vault"));
    }
}
