//! The app's command list, written once: every `#[tauri::command]` function in
//! `src/commands/*.rs`. From it this script generates
//! - the permission for each command (`allow-…`), which the capability file must grant;
//! - `$OUT_DIR/handler.rs`, the `generate_handler![…]` that `lib.rs` includes;
//! - `$OUT_DIR/command_names.rs`, the names, which a test checks against the capability file,
//!   the UI's `invoke` calls and the IPC fuzz list.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The folder of command files, one per area.
const COMMANDS_DIR: &str = "src/commands";

/// One command: the module it lives in (`None` for `commands/mod.rs`) and its name.
struct Command {
    module: Option<String>,
    name: String,
}

impl Command {
    fn path(&self) -> String {
        match &self.module {
            Some(m) => format!("commands::{m}::{}", self.name),
            None => format!("commands::{}", self.name),
        }
    }
}

/// The name of the function declared on `line`, if it declares one.
fn fn_name(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once("fn ")?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

/// The commands of one file, in the order they are written.
fn commands_in(file: &Path, module: Option<&str>) -> Vec<Command> {
    let source = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("could not read {}: {e}", file.display()));
    let mut found = Vec::new();
    let mut lines = source.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if !line.starts_with("#[tauri::command") {
            continue;
        }
        // Doc comments and other attributes may sit between the attribute and the function.
        let name = lines
            .by_ref()
            .find(|l| !(l.starts_with("//") || l.starts_with("#[") || l.is_empty()))
            .and_then(fn_name)
            .unwrap_or_else(|| {
                panic!(
                    "{}: #[tauri::command] is not followed by a function",
                    file.display()
                )
            });
        found.push(Command {
            module: module.map(str::to_string),
            name: name.to_string(),
        });
    }
    found
}

/// Every command, by file name and then in the order written.
fn all_commands() -> Vec<Command> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(COMMANDS_DIR)
        .unwrap_or_else(|e| panic!("could not list {COMMANDS_DIR}: {e}"))
        .map(|entry| entry.expect("a command file").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    println!("cargo:rerun-if-changed={COMMANDS_DIR}");
    let mut all: Vec<Command> = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a command file's name");
        let module = (stem != "mod").then_some(stem);
        for command in commands_in(file, module) {
            if let Some(twin) = all.iter().find(|c| c.name == command.name) {
                panic!(
                    "two commands are called {}: {} and {}",
                    command.name,
                    twin.path(),
                    command.path()
                );
            }
            all.push(command);
        }
    }
    assert!(
        !all.is_empty(),
        "no #[tauri::command] found in {COMMANDS_DIR}"
    );
    all
}

fn write(name: &str, contents: &str) {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join(name), contents)
        .unwrap_or_else(|e| panic!("could not write {name}: {e}"));
}

fn main() {
    let commands = all_commands();

    let mut handler = String::from("::tauri::generate_handler![\n");
    let mut names = String::from("&[\n");
    for c in &commands {
        let _ = writeln!(handler, "    {},", c.path());
        let _ = writeln!(names, "    {:?},", c.name);
    }
    handler.push_str("]\n");
    names.push_str("]\n");
    write("handler.rs", &handler);
    write("command_names.rs", &names);

    let names: &'static [&'static str] = Vec::leak(
        commands
            .into_iter()
            .map(|c| &*String::leak(c.name))
            .collect(),
    );
    build_stamp();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}

/// The build's stamp for About: the commit it was built from and that commit's date (from git, when
/// the source is a git checkout; a source tree without git says "unknown"), and the profile.
/// Nothing here is read at run time from the network or the machine.
fn build_stamp() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let commit = git(&["rev-parse", "--short=10", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let date = git(&["log", "-1", "--format=%cs"]).unwrap_or_else(|| "unknown".into());
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=DSL_DESK_COMMIT={commit}");
    println!("cargo:rustc-env=DSL_DESK_COMMIT_DATE={date}");
    println!("cargo:rustc-env=DSL_DESK_PROFILE={profile}");
    // A new commit changes HEAD (detached) or the branch's ref (loose or packed). Only files that
    // exist are watched: cargo takes a missing one as changed, and would run this every time.
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(&["rev-parse", "--git-path", &branch]));
    }
    watched.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    for path in watched.into_iter().flatten().map(PathBuf::from) {
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}
