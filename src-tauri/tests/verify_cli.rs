//! `dsl-desk --verify`, the real binary: its passphrase tests count towards the same wait as the
//! app's, across processes and when several run at once.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use dsl_domain::vault::Role;
use dsl_store::{Attempts, KdfParams, Vault};

const PASS: &str = "lantern mauve copper harbour";

/// The weakest key derivation a slot may have, so the test is quick.
const QUICK: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

/// Starts `dsl-desk --verify` on the vault in `dir`, its attempts kept in `records`, and types
/// `passphrase`.
fn start(dir: &Path, records: &Path, passphrase: &str) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dsl-desk"))
        .arg("--verify")
        .arg("--vault")
        .arg(dir)
        .env(dsl_store::attempts::ATTEMPTS_DIR_ENV, records)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dsl-desk starts");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{passphrase}").expect("typed");
    child
}

fn finish(child: std::process::Child) -> (i32, String) {
    let Output { status, stderr, .. } = child.wait_with_output().expect("dsl-desk ends");
    (
        status.code().expect("an exit code"),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn wrong_passphrases_given_to_verify_at_once_all_count_and_then_even_the_right_one_waits() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("vault");
    let records = tmp.path().join("attempts");
    Vault::create(
        &dir,
        "Oakfield",
        "Jo DSL",
        Role::Dsl,
        PASS,
        QUICK,
        chrono::Utc::now(),
    )
    .expect("vault");

    let right = finish(start(&dir, &records, PASS));
    assert_eq!(
        right.0, 0,
        "the right passphrase checks the vault: {}",
        right.1
    );

    // Six processes at once, each with a wrong passphrase.
    let children: Vec<_> = (0..6)
        .map(|i| start(&dir, &records, &format!("wrong guess {i}")))
        .collect();
    let results: Vec<_> = children.into_iter().map(finish).collect();
    assert!(results.iter().all(|(code, _)| *code == 2), "{results:?}");
    let tested = results
        .iter()
        .filter(|(_, err)| err.contains("passphrase or recovery key is not right"))
        .count();
    let waited = results
        .iter()
        .filter(|(_, err)| err.contains("Too many wrong attempts") && err.contains("Wait "))
        .count();
    // Two, and the third that started the wait: the other three were refused untested.
    assert_eq!((tested, waited), (3, 3), "{results:?}");

    // More wrong attempts, by the app in this process as each wait ends (its clock moved on),
    // make the wait long enough that the check below cannot outlast it on a slow machine.
    let app = Attempts::in_dir(&records, &dir);
    let now = chrono::Utc::now();
    for seconds in [6, 16, 36] {
        let at = now + chrono::Duration::seconds(seconds);
        let r = app.guarded_at(
            || at,
            || Vault::unlock(&dir, "another wrong guess").map(drop),
        );
        assert!(
            matches!(r, Err(dsl_store::StoreError::WrongCredentials)),
            "{r:?}"
        );
    }
    // The next wait ends 76 seconds from `now`: a new process with the right passphrase waits.
    let (code, err) = finish(start(&dir, &records, PASS));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Too many wrong attempts"), "{err}");
    assert!(matches!(
        app.guarded(|| Vault::unlock(&dir, PASS)),
        Err(dsl_store::StoreError::TooManyAttempts { .. })
    ));
    // Once the wait has passed (here: a success ten minutes on), verify works again.
    let later = chrono::Utc::now() + chrono::Duration::minutes(10);
    app.guarded_at(|| later, || Ok(()))
        .expect("a success after the wait");
    let (code, err) = finish(start(&dir, &records, PASS));
    assert_eq!(code, 0, "{err}");
}
