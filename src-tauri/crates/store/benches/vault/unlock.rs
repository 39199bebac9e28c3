//! Unlock: the whole unlock of the generated vault against Argon2id alone.

use std::path::Path;
use std::time::Instant;

use argon2::{Algorithm, Argon2, Params, Version};
use dsl_store::{KdfParams, Vault};

use crate::timing::{median, ms, Res};
use crate::PASS;

const RUNS: usize = 15;

/// Unlocks the vault in `dir` and derives a key with the same Argon2id parameters, alternately,
/// and prints both medians with Argon2id's share of unlock.
pub fn compare(dir: &Path, kdf: KdfParams) -> Res<()> {
    println!();
    let mut unlock = Vec::with_capacity(RUNS);
    let mut argon = Vec::with_capacity(RUNS);
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|e| e.to_string())?;
    for _ in 0..RUNS {
        let started = Instant::now();
        let v = Vault::unlock(dir, PASS)?;
        unlock.push(started.elapsed());
        drop(v);
        let mut key = [0u8; 32];
        let started = Instant::now();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into(PASS.as_bytes(), b"0123456789abcdef", &mut key)
            .map_err(|e| e.to_string())?;
        argon.push(started.elapsed());
    }
    let (u, a) = (median(unlock), median(argon));
    println!(
        "unlock on the 25-year vault (Argon2id {} MiB, t={}, p={}; median of 15): {}; Argon2id alone {}: {:.0}% of unlock; the rest (key unwrap, database open, schema check) {}",
        kdf.memory_kib / 1024,
        kdf.iterations,
        kdf.parallelism,
        ms(u),
        ms(a),
        100.0 * a.as_secs_f64() / u.as_secs_f64(),
        ms(u.saturating_sub(a))
    );
    Ok(())
}
