//! Keyed connections opened on several threads at once as the process starts.
//!
//! SQLite marks itself initialised before SQLCipher has finished its own set-up, which runs on
//! the thread that opened the process's first connection. A connection keyed on another thread
//! in that window was refused ("An error occurred with PRAGMA key or rekey"), so a vault could
//! fail to be created or unlocked. The window exists once per process: this test runs itself
//! again as CHILDREN fresh processes, and each lines up THREADS threads at a barrier that then
//! open and key a new vault database at the same moment. Every one must be accepted.

use std::process::Command;
use std::sync::{Arc, Barrier};

use crate::keyslots::new_data_key;
use crate::vault::open_db;

const CHILD_ENV: &str = "DSL_STORE_START_CHILD";
const TEST_NAME: &str =
    "tests::start::keyed_connections_opened_on_many_threads_at_start_up_are_all_accepted";
const CHILDREN: usize = 300;
const THREADS: usize = 8;

/// A child: the number of connections that were refused.
fn child() -> i32 {
    let Ok(tmp) = tempfile::tempdir() else {
        return 100;
    };
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let path = tmp.path().join(format!("{i}.db"));
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let key = new_data_key();
                barrier.wait();
                match open_db(&path, Some(&key), true) {
                    Ok(_) => 0,
                    Err(e) => {
                        eprintln!("thread {i}: {e}");
                        1
                    }
                }
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap_or(1)).sum()
}

#[test]
fn keyed_connections_opened_on_many_threads_at_start_up_are_all_accepted() {
    if std::env::var_os(CHILD_ENV).is_some() {
        std::process::exit(child());
    }
    let exe = std::env::current_exe().expect("own executable");
    let mut failed = Vec::new();
    for run in 0..CHILDREN {
        let out = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, "1")
            .output()
            .expect("child runs");
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            failed.push((run, out.status.code(), stderr));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {CHILDREN} processes had a connection refused: {failed:?}",
        failed.len()
    );
}
