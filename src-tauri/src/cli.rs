//! `dsl-desk --verify`: checks a vault's audit chain from the command line, without a window.
//! The passphrase is read from standard input (not echoed when typed at a terminal).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// The flag that runs the check instead of the app.
pub const VERIFY_FLAG: &str = "--verify";

fn echo(on: bool) {
    if std::io::stdin().is_terminal() {
        let _ = Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .stdin(Stdio::inherit())
            .status();
    }
}

fn read_passphrase() -> Option<zeroize::Zeroizing<String>> {
    eprint!("Passphrase: ");
    let _ = std::io::stderr().flush();
    echo(false);
    let mut line = zeroize::Zeroizing::new(String::new());
    let read = std::io::stdin().lock().read_line(&mut line);
    echo(true);
    eprintln!();
    read.ok()?;
    let trimmed = zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string());
    Some(trimmed)
}

/// Unlocks the vault in `dir`, walks its audit chain and prints the result. Returns the exit
/// code: 0 intact, 1 broken, 2 could not check.
pub fn verify(dir: &Path) -> i32 {
    if !dsl_store::Vault::exists(dir) {
        eprintln!("No vault exists at {}.", dir.display());
        return 2;
    }
    let Some(passphrase) = read_passphrase() else {
        eprintln!("No passphrase was given.");
        return 2;
    };
    let attempts = dsl_store::Attempts::for_vault(dir);
    let vault = match attempts.guarded(|| dsl_store::Vault::unlock(dir, &passphrase)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    match vault.verify_audit() {
        Ok(check) => {
            println!("{}", check.summary);
            if check.broken.is_none() {
                0
            } else {
                1
            }
        }
        Err(e) => {
            eprintln!("{e}");
            2
        }
    }
}
