//! Unlock cost: the whole unlock against its Argon2id share, measured in one run.
//! Run with `cargo bench -p dsl-store --bench unlock`.

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};
use chrono::Utc;
use dsl_domain::vault::Role;
use dsl_store::{KdfParams, Vault};

const RUNS: usize = 15;
const PASS: &str = "lantern mauve copper harbour";

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let kdf = KdfParams::default();
    drop(Vault::create(
        dir.path(),
        "School",
        "User",
        Role::Dsl,
        PASS,
        kdf,
        Utc::now(),
    )?);

    let mut unlock = Vec::with_capacity(RUNS);
    let mut argon = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let vault = Vault::unlock(dir.path(), PASS)?;
        unlock.push(started.elapsed());
        drop(vault);

        let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
            .map_err(|e| format!("{e}"))?;
        let mut out = [0u8; 32];
        let started = Instant::now();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(PASS.as_bytes(), b"0123456789abcdef", &mut out)
            .map_err(|e| format!("{e}"))?;
        argon.push(started.elapsed());
    }
    let (u, a) = (median(unlock), median(argon));
    println!(
        "argon2id m={} MiB t={} p={}",
        kdf.memory_kib / 1024,
        kdf.iterations,
        kdf.parallelism
    );
    println!("unlock (median of {RUNS}): {:.1} ms", ms(u));
    println!("argon2id alone (median of {RUNS}): {:.1} ms", ms(a));
    println!(
        "argon2id share of unlock: {:.0}%; the rest (key unwrap, SQLCipher open, migrations check): {:.1} ms",
        100.0 * a.as_secs_f64() / u.as_secs_f64(),
        ms(u.saturating_sub(a))
    );
    Ok(())
}
