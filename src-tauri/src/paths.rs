//! Where the vault lives: `--vault DIR`, else `DSL_DESK_VAULT`, else the operating system's
//! data folder for DSL Desk. `--demo` uses a separate demonstration vault ("demo-vault" beside
//! the real one, unless a folder is given), so generated data never mixes with real records.

use std::ffi::OsString;
use std::path::PathBuf;

/// The environment variable that overrides the vault folder.
pub const VAULT_ENV: &str = "DSL_DESK_VAULT";

/// The flag naming another folder for this computer's record of the vaults it has opened
/// (`dsl_store::seen`), as the tests do so that they never touch the user's own.
pub const SEEN_VAULTS_FLAG: &str = "--seen-vaults";

/// Picks the folder of this computer's record of vaults: `--seen-vaults DIR`, else
/// `DSL_DESK_SEEN_VAULTS`, else DSL Desk's folder in the system's configuration folder.
pub fn seen_vaults(
    args: impl IntoIterator<Item = OsString>,
    env: Option<OsString>,
) -> Option<dsl_store::seen::SeenVaults> {
    use dsl_store::seen::SeenVaults;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if arg == SEEN_VAULTS_FLAG {
            return it.next().map(SeenVaults::at);
        }
        let prefix = format!("{SEEN_VAULTS_FLAG}=");
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix(&prefix)) {
            return Some(SeenVaults::at(value));
        }
    }
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        return Some(SeenVaults::at(dir));
    }
    SeenVaults::default_location()
}

/// The flag that opens the demonstration vault.
pub const DEMO_FLAG: &str = "--demo";

/// True if the app was started with `--demo`.
pub fn demo_mode(args: impl IntoIterator<Item = OsString>) -> bool {
    args.into_iter().any(|a| a == DEMO_FLAG)
}

/// Picks the vault folder from the command line, the environment or the system default.
pub fn vault_dir(
    args: impl IntoIterator<Item = OsString>,
    env: Option<OsString>,
) -> Option<PathBuf> {
    let args: Vec<OsString> = args.into_iter().collect();
    let demo = demo_mode(args.iter().cloned());
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if arg == "--vault" {
            return it.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--vault=")) {
            return Some(PathBuf::from(value));
        }
    }
    if demo {
        return dsl_store::files::data_dir().map(|d| d.join("demo-vault"));
    }
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dsl_store::files::data_dir().map(|d| d.join("vault"))
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

    #[test]
    fn the_record_of_seen_vaults_is_outside_the_vault_folder_unless_another_is_named() {
        let from_flag = seen_vaults(args(&["app", "--seen-vaults", "/s"]), Some("/e".into()));
        assert_eq!(from_flag.expect("flag").dir(), PathBuf::from("/s"));
        let from_eq = seen_vaults(args(&["app", "--seen-vaults=/t", "--vault", "/v"]), None);
        assert_eq!(from_eq.expect("flag").dir(), PathBuf::from("/t"));
        let from_env = seen_vaults(args(&["app"]), Some("/e".into()));
        assert_eq!(from_env.expect("env").dir(), PathBuf::from("/e"));
        let default = seen_vaults(args(&["app"]), None).expect("a default exists");
        let vault = vault_dir(args(&["app"]), None).expect("a default exists");
        assert!(
            !default.dir().starts_with(&vault),
            "not inside the vault folder"
        );
        // The flag is not taken for the vault's own.
        let v = vault_dir(args(&["app", "--seen-vaults=/t", "--vault", "/v"]), None);
        assert_eq!(v, Some(PathBuf::from("/v")));
    }

    #[test]
    fn the_demo_vault_never_shares_the_real_vaults_folder() {
        let real = vault_dir(args(&["app"]), None).expect("default");
        let demo = vault_dir(args(&["app", "--demo"]), Some("/real".into())).expect("demo");
        assert!(demo.ends_with("demo-vault"));
        assert_ne!(real, demo);
        assert!(demo_mode(args(&["app", "--demo"])));
        assert!(!demo_mode(args(&["app"])));
        let chosen = vault_dir(args(&["app", "--demo", "--vault", "/d"]), None);
        assert_eq!(chosen, Some(PathBuf::from("/d")));
    }
}
