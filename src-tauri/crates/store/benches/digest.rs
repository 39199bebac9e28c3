//! File fingerprint throughput against coreutils' `sha256sum` on the same file, in one run.
//! Run with `cargo bench -p dsl-store --bench digest` (DIGEST_MIB sets the file size).

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut s: Vec<Duration>) -> Duration {
    s.sort();
    s[s.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = std::env::var("DIGEST_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("evidence.bin");
    {
        // Pseudo-random bytes, so that nothing compresses or short-cuts.
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut block = vec![0u8; 1 << 20];
        for _ in 0..mib {
            for chunk in block.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
            }
            f.write_all(&block)?;
        }
        f.flush()?;
    }
    let runs = 5;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut d1, mut d2) = (String::new(), String::new());
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new("sha256sum").arg(&path).output()?;
        theirs.push(t.elapsed());
        d2 = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        let t = Instant::now();
        d1 = dsl_store::evidence::sha256_file(&path)
            .map_err(|e| e.message)?
            .2;
        ours.push(t.elapsed());
    }
    if d1 != d2 {
        return Err("digests differ from sha256sum".into());
    }
    let (o, s) = (median(ours), median(theirs));
    let rate = |d: Duration| mib as f64 / d.as_secs_f64();
    println!("file: {mib} MiB (in the page cache), {runs} runs each, digests agree");
    println!(
        "sha256sum:   {:>8.1} MiB/s ({:.0} ms)",
        rate(s),
        s.as_secs_f64() * 1000.0
    );
    println!(
        "DSL Desk:    {:>8.1} MiB/s ({:.0} ms)",
        rate(o),
        o.as_secs_f64() * 1000.0
    );
    println!(
        "ratio: {:.2} of sha256sum's throughput (budget: at least 0.80)",
        rate(o) / rate(s)
    );
    Ok(())
}
