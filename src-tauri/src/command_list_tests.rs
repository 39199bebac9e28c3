//! The command list is written once: the command functions in `src/commands`, which build.rs
//! lists for the handler and the permissions. Every other list of the commands is checked
//! against it here, both ways, and a failure names the odd one out.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every command, as build.rs found them in `src/commands`.
const COMMANDS: &[&str] = include!(concat!(env!("OUT_DIR"), "/command_names.rs"));

/// The attribute that makes a command (split so this file does not contain it).
const ATTRIBUTE: &str = concat!("#[tauri", "::command");

/// The capability file that grants the main window its commands.
const CAPABILITY: &str = "capabilities/main-window.json";

/// The UI's calls.
const API_TS: &str = "../ui/src/lib/api.ts";

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn commands() -> BTreeSet<String> {
    COMMANDS.iter().map(|c| c.to_string()).collect()
}

/// What differs between the commands and `other`, the list kept in `place`.
fn differences(place: &str, other: &BTreeSet<String>) -> Vec<String> {
    let commands = commands();
    let missing = commands
        .difference(other)
        .map(|c| format!("{place} lacks the command {c}"));
    let extra = other
        .difference(&commands)
        .map(|c| format!("{place} names {c}, which is not a command in src/commands"));
    missing.chain(extra).collect()
}

fn assert_agree(place: &str, other: &BTreeSet<String>) {
    let problems = differences(place, other);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The commands the capability file allows: each app permission is `allow-<command>`, with
/// hyphens for underscores. Permissions with a colon belong to Tauri's core or a plugin.
fn capability_commands() -> BTreeSet<String> {
    let capability: serde_json::Value =
        serde_json::from_str(&read(CAPABILITY)).expect("the capability file is JSON");
    let permissions = capability["permissions"]
        .as_array()
        .expect("the capability file lists permissions");
    let mut allowed = BTreeSet::new();
    for permission in permissions {
        let name = permission
            .as_str()
            .or_else(|| permission["identifier"].as_str())
            .unwrap_or_else(|| panic!("{CAPABILITY}: a permission without a name: {permission}"));
        if name.contains(':') {
            continue;
        }
        let command = name
            .strip_prefix("allow-")
            .unwrap_or_else(|| panic!("{CAPABILITY}: {name} is not an allow-<command> permission"));
        allowed.insert(command.replace('-', "_"));
    }
    allowed
}

/// The command names api.ts passes to `invoke`, written as string literals.
fn invoked_commands(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("invoke") {
        rest = &rest[at + "invoke".len()..];
        // A call is `invoke(` or `invoke<Type>(`; anything else (the import) is not.
        let mut call = rest;
        if call.starts_with('<') {
            let mut depth = 0;
            let Some(end) = call.find(|c: char| {
                match c {
                    '<' => depth += 1,
                    '>' => depth -= 1,
                    _ => {}
                }
                depth == 0
            }) else {
                continue;
            };
            call = &call[end + 1..];
        }
        let Some(args) = call.strip_prefix('(') else {
            continue;
        };
        let args = args.trim_start();
        let quote = args
            .chars()
            .next()
            .filter(|q| matches!(q, '\'' | '"' | '`'));
        let Some(quote) = quote else {
            panic!(
                "{API_TS}: invoke is called with a name that is not written out: invoke({}",
                args.chars().take(40).collect::<String>()
            );
        };
        let name: String = args[1..].chars().take_while(|c| *c != quote).collect();
        names.insert(name);
    }
    names
}

/// Commands the IPC fuzz leaves out, and why. Each must be a command the fuzz does not call.
const NOT_FUZZED: &[(&str, &str)] = &[(
    "open_last_export",
    "it takes no arguments and starts the system's PDF viewer",
)];

/// The commands the IPC fuzz calls, with those it leaves out on purpose.
fn fuzzed_commands() -> BTreeSet<String> {
    let fuzzed: BTreeSet<String> = crate::ipc_tests::commands()
        .into_iter()
        .map(|(name, _, _)| name.to_string())
        .collect();
    for (name, why) in NOT_FUZZED {
        assert!(
            !fuzzed.contains(*name),
            "{name} is left out of the IPC fuzz ({why}) but the fuzz calls it: take it off NOT_FUZZED"
        );
    }
    let left_out = NOT_FUZZED.iter().map(|(name, _)| name.to_string());
    fuzzed.into_iter().chain(left_out).collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a source file").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn attribute_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .expect("a source file")
        .lines()
        .filter(|l| l.trim_start().starts_with(ATTRIBUTE))
        .count()
}

#[test]
fn build_rs_lists_every_command_once_and_only_those_in_src_commands() {
    assert_eq!(
        commands().len(),
        COMMANDS.len(),
        "a command is listed twice"
    );
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let commands_dir = src.join("commands");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut in_commands = 0;
    for file in &files {
        let n = attribute_lines(file);
        if file.starts_with(&commands_dir) {
            in_commands += n;
        } else {
            assert_eq!(
                n,
                0,
                "{} holds a command; commands live in src/commands, where build.rs finds them",
                file.display()
            );
        }
    }
    assert_eq!(
        in_commands,
        COMMANDS.len(),
        "build.rs did not find every command in src/commands: it found {COMMANDS:?}"
    );
}

#[test]
fn the_capability_file_allows_exactly_the_commands() {
    assert_agree(CAPABILITY, &capability_commands());
}

#[test]
fn the_ui_invokes_exactly_the_commands() {
    assert_agree(API_TS, &invoked_commands(&read(API_TS)));
}

#[test]
fn the_ipc_fuzz_calls_exactly_the_commands() {
    assert_agree("the IPC fuzz list (src/ipc_tests.rs)", &fuzzed_commands());
}

#[test]
fn a_difference_names_the_odd_one_out_in_both_directions() {
    let mut other = commands();
    other.remove("unlock");
    other.insert("unlock_quietly".to_string());
    assert_eq!(
        differences("the list", &other),
        [
            "the list lacks the command unlock",
            "the list names unlock_quietly, which is not a command in src/commands",
        ]
    );
}

#[test]
fn invoke_names_are_read_from_calls_only() {
    let source = "import { invoke } from '@tauri-apps/api/core';\n\
        a: () => invoke<Map<string, X[]>>('first', { id }),\n\
        b: () => invoke(\"second\"),\n\
        c: () => invoke<void>(\n  'third'),\n";
    let found: Vec<String> = invoked_commands(source).into_iter().collect();
    assert_eq!(found, ["first", "second", "third"]);
}
