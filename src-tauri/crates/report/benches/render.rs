//! Incident report render times: a typical incident and a 300-entry, 50-item one.
//! Run with `cargo bench -p dsl-report --bench render`.

use std::time::{Duration, Instant};

use dsl_report::incident_report::render;
use dsl_report::sample::report;

fn median(mut s: Vec<Duration>) -> Duration {
    s.sort();
    s[s.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for (name, entries, items, budget) in [
        ("typical (12 entries, 2 items)", 12, 2, 50),
        ("large (300 entries, 50 items)", 300, 50, 300),
    ] {
        let view = report(entries, items);
        let mut samples = Vec::new();
        let mut size = 0;
        for _ in 0..15 {
            let t = Instant::now();
            size = render(&view).map_err(|e| e.to_string())?.len();
            samples.push(t.elapsed());
        }
        println!(
            "{name:<32} median {:>7.1} ms (budget {budget} ms), {:.0} KiB",
            median(samples).as_secs_f64() * 1000.0,
            size as f64 / 1024.0
        );
    }
    Ok(())
}
