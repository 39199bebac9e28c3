//! The failed-attempt record: it survives a restart, counts parallel guesses one at a time,
//! clears on success and fails safe when damaged or out of reach.

use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};

use chrono::{DateTime, Duration, Utc};
use dsl_domain::vault::Role;

use super::support::{now, PASS};
use crate::attempts::{delay_after, Attempts, MAX_DELAY};
use crate::{KdfParams, StoreError, Vault};

/// Cheap key derivation, so the real unlocks below are quick.
const QUICK: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

fn at(seconds: i64) -> DateTime<Utc> {
    now() + Duration::seconds(seconds)
}

/// One attempt at `t` whose test fails with a wrong secret. Returns whether the test ran, and
/// the wait it was refused with.
fn wrong(attempts: &Attempts, t: DateTime<Utc>) -> (bool, Option<u32>) {
    let ran = Cell::new(false);
    let result = attempts.guarded_at(
        || t,
        || {
            ran.set(true);
            Err::<(), _>(StoreError::WrongCredentials)
        },
    );
    let wait = match result {
        Err(StoreError::TooManyAttempts { wait_seconds }) => Some(wait_seconds),
        Err(StoreError::WrongCredentials) => None,
        other => panic!("unexpected {other:?}"),
    };
    (ran.get(), wait)
}

fn right(attempts: &Attempts, t: DateTime<Utc>) -> Result<(), StoreError> {
    attempts.guarded_at(|| t, || Ok(()))
}

fn record(tmp: &Path) -> Attempts {
    Attempts::in_dir(&tmp.join("records"), &tmp.join("vault"))
}

#[test]
fn after_three_wrong_attempts_each_further_one_waits_longer_up_to_five_minutes() {
    let waits: Vec<u64> = (1..=12).map(|n| delay_after(n).as_secs()).collect();
    assert_eq!(waits, [0, 0, 5, 10, 20, 40, 80, 160, 300, 300, 300, 300]);
    assert_eq!(delay_after(u32::MAX), MAX_DELAY);
}

#[test]
fn failures_survive_a_restart_and_the_wait_is_kept_by_the_wall_clock() {
    let tmp = tempfile::tempdir().expect("tmp");
    let first = record(tmp.path());
    for _ in 0..3 {
        assert_eq!(wrong(&first, at(0)), (true, None));
    }
    drop(first);

    // A new process: the count and the wait were on disk.
    let restarted = record(tmp.path());
    assert_eq!(wrong(&restarted, at(1)), (false, Some(4)));
    assert!(matches!(
        right(&restarted, at(4)),
        Err(StoreError::TooManyAttempts { wait_seconds: 1 })
    ));
    // Five seconds later by the wall clock, the fourth wrong attempt runs and doubles the wait.
    assert_eq!(wrong(&restarted, at(5)), (true, None));
    assert_eq!(wrong(&restarted, at(6)), (false, Some(9)));
}

#[test]
fn the_record_is_found_by_the_vault_folders_canonical_path() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(tmp.path().join("vault")).expect("vault dir");
    let records = tmp.path().join("records");
    let plain = Attempts::in_dir(&records, &tmp.path().join("vault"));
    let roundabout = Attempts::in_dir(&records, &tmp.path().join("vault/../vault/."));
    let other = Attempts::in_dir(&records, &tmp.path().join("another"));
    assert_eq!(plain.path(), roundabout.path());
    assert_ne!(plain.path(), other.path());
    for _ in 0..3 {
        assert_eq!(wrong(&plain, at(0)), (true, None));
    }
    assert_eq!(wrong(&roundabout, at(0)), (false, Some(5)));
    assert_eq!(wrong(&other, at(0)), (true, None));
}

#[test]
fn success_clears_the_count() {
    let tmp = tempfile::tempdir().expect("tmp");
    let attempts = record(tmp.path());
    for _ in 0..2 {
        wrong(&attempts, at(0));
    }
    right(&attempts, at(0)).expect("the right passphrase opens");
    // Three more run at once again; the third starts the wait.
    for _ in 0..3 {
        assert_eq!(wrong(&attempts, at(0)), (true, None));
    }
    assert_eq!(wrong(&attempts, at(0)), (false, Some(5)));
}

#[test]
fn other_errors_do_not_count_but_a_test_that_never_returns_does() {
    let tmp = tempfile::tempdir().expect("tmp");
    let attempts = record(tmp.path());
    for _ in 0..10 {
        let r = attempts.guarded_at(|| at(0), || Err::<(), _>(StoreError::NoVault));
        assert!(matches!(r, Err(StoreError::NoVault)));
    }
    assert_eq!(
        wrong(&attempts, at(0)),
        (true, None),
        "none of those counted"
    );

    // The process dies while the key is derived (here: the test panics): the guess is counted.
    for _ in 0..2 {
        let died = std::panic::catch_unwind(|| {
            let _ =
                attempts.guarded_at(|| at(0), || -> Result<(), StoreError> { panic!("killed") });
        });
        assert!(died.is_err());
    }
    assert_eq!(wrong(&attempts, at(0)), (false, Some(5)));
}

#[test]
fn parallel_guesses_are_taken_one_at_a_time_and_every_one_counts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("vault");
    Vault::create(&dir, "Oakfield", "Jo DSL", Role::Dsl, PASS, QUICK, now()).expect("vault");
    let records = tmp.path().join("records");

    let threads = 8;
    let start = Arc::new(Barrier::new(threads));
    let inside = Arc::new(AtomicU32::new(0));
    let most_inside = Arc::new(AtomicU32::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let (start, inside, most_inside) = (start.clone(), inside.clone(), most_inside.clone());
            let (dir, records) = (dir.clone(), records.clone());
            std::thread::spawn(move || {
                // Each thread its own record handle, as separate processes would have.
                let attempts = Attempts::in_dir(&records, &dir);
                start.wait();
                attempts.guarded(|| {
                    let now_inside = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most_inside.fetch_max(now_inside, Ordering::SeqCst);
                    let r = Vault::unlock(&dir, &format!("wrong guess number {i}"));
                    inside.fetch_sub(1, Ordering::SeqCst);
                    r.map(drop)
                })
            })
        })
        .collect();
    let results: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();

    assert_eq!(most_inside.load(Ordering::SeqCst), 1, "one test at a time");
    let tested = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::WrongCredentials)))
        .count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::TooManyAttempts { .. })))
        .count();
    // Two, and the third that started the wait; the other five waited, untested.
    assert_eq!((tested, refused), (3, 5), "{results:?}");

    // Even the right passphrase waits now, and the count is kept: the next wrong one doubles it.
    let attempts = Attempts::in_dir(&records, &dir);
    let later = Utc::now() + Duration::seconds(6);
    assert!(matches!(
        attempts.guarded(|| Vault::unlock(&dir, PASS).map(drop)),
        Err(StoreError::TooManyAttempts { .. })
    ));
    assert_eq!(wrong(&attempts, later), (true, None));
    assert_eq!(wrong(&attempts, later), (false, Some(10)));
    let opened = attempts.guarded_at(
        || later + Duration::seconds(10),
        || Vault::unlock(&dir, PASS),
    );
    assert!(opened.is_ok(), "the right passphrase opens after the wait");
}

#[test]
fn a_damaged_record_means_the_longest_wait_from_now_then_counting_on() {
    let tmp = tempfile::tempdir().expect("tmp");
    let attempts = record(tmp.path());
    wrong(&attempts, at(0));
    let path = attempts.path().expect("a path").to_path_buf();
    for damage in [
        &b"{\"failures\": -1"[..],
        b"\xff\xfe not text",
        b"{}",
        &[b'x'; 10_000],
    ] {
        std::fs::write(&path, damage).expect("damaged");
        assert_eq!(wrong(&attempts, at(0)), (false, Some(300)), "{damage:?}");
        assert_eq!(wrong(&attempts, at(299)), (false, Some(1)));
        // After the wait, one attempt, then the longest wait again.
        assert_eq!(wrong(&attempts, at(300)), (true, None));
        assert_eq!(wrong(&attempts, at(301)), (false, Some(299)));
    }
    // A success still clears it.
    std::fs::write(&path, b"garbage").expect("damaged");
    right(&attempts, at(300)).expect_err("waits first");
    right(&attempts, at(600)).expect("opens after the wait");
    assert_eq!(wrong(&attempts, at(600)), (true, None));
}

#[test]
fn a_record_that_cannot_be_written_refuses_every_attempt_untested() {
    let tmp = tempfile::tempdir().expect("tmp");
    // The records folder is a file: nothing can be made there.
    std::fs::write(tmp.path().join("records"), b"not a folder").expect("file");
    let attempts = record(tmp.path());
    for _ in 0..5 {
        let ran = Cell::new(false);
        let r = attempts.guarded_at(
            || at(0),
            || {
                ran.set(true);
                Ok(())
            },
        );
        assert!(matches!(r, Err(StoreError::AttemptsUnavailable)));
        assert!(!ran.get());
    }
}

#[test]
fn a_wall_clock_put_back_never_makes_the_wait_longer_than_the_cap() {
    let tmp = tempfile::tempdir().expect("tmp");
    let attempts = record(tmp.path());
    for _ in 0..3 {
        wrong(&attempts, at(0));
    }
    // An hour back: the wait is at most five minutes from the new "now", then it ends.
    assert_eq!(wrong(&attempts, at(-3600)), (false, Some(300)));
    assert_eq!(wrong(&attempts, at(-3300)), (true, None));
}
