//! Timing helpers shared by the benchmarks: medians, and durations printed in milliseconds.

use std::time::{Duration, Instant};

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

pub fn median(mut s: Vec<Duration>) -> Duration {
    s.sort();
    s[s.len() / 2]
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// The median of `runs` calls; the last result is returned so the work cannot be skipped.
pub fn time<T>(runs: usize, mut f: impl FnMut(usize) -> Res<T>) -> Res<(Duration, T)> {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for i in 0..runs {
        let t = Instant::now();
        let out = f(i)?;
        samples.push(t.elapsed());
        last = Some(out);
    }
    Ok((median(samples), last.ok_or("no runs")?))
}
