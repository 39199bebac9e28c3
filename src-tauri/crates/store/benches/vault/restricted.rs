//! Restricted records present: the lists and searches timed on the encrypted vault before and
//! after some of its incidents are restricted (the DSL holding them all, so every list reads
//! the vault and each record's file), opening a restricted record, the work unlock does for
//! each, and restricting one.

use std::time::Instant;

use chrono::{DateTime, Utc};
use dsl_store::Vault;

use crate::encryption::filters;
use crate::timing::{median, ms, time, Res};
use crate::RUNS;

/// How many incidents are restricted: far more than a school restricts (a handful a year).
const RESTRICTED: usize = 50;

fn lists(v: &Vault, known: i64) -> Res<Vec<(&'static str, std::time::Duration, usize)>> {
    let mut out = Vec::new();
    for (name, filter) in filters(known) {
        let (d, rows) = time(RUNS, |_| Ok(v.list_incidents(&filter, 500)?.len()))?;
        out.push((name, d, rows));
    }
    Ok(out)
}

pub fn compare(v: &mut Vault, now: DateTime<Utc>) -> Res<()> {
    println!();
    println!(
        "== restricted records present ({RESTRICTED} incidents restricted, the DSL holding each)"
    );
    let known = v
        .find_people("kowalski", 1)?
        .first()
        .map(|p| p.id)
        .ok_or("no pupil found")?;
    let before = lists(v, known)?;
    // Spread over the 25 years, and among what the surname search finds.
    let all: Vec<i64> = v
        .list_incidents(&Default::default(), 30_000)?
        .iter()
        .map(|s| s.id)
        .collect();
    let found: Vec<i64> = v
        .list_incidents(&filters(known)[5].1, 10)?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut chosen: Vec<i64> = found;
    let step = (all.len() / (RESTRICTED - chosen.len())).max(1);
    let spread: Vec<i64> = all
        .iter()
        .step_by(step)
        .filter(|i| !chosen.contains(i))
        .copied()
        .collect();
    chosen.extend(spread);
    chosen.truncate(RESTRICTED);
    let mut took = Vec::with_capacity(chosen.len());
    for id in &chosen {
        let t = Instant::now();
        v.restrict(*id, &[], now)?;
        took.push(t.elapsed());
    }
    let after = lists(v, known)?;
    println!(
        "{:<40} {:>10} {:>10} {:>7} {:>7}",
        "operation (median of 21)", "before", "after", "ratio", "rows"
    );
    for ((name, b, rows_b), (_, a, rows_a)) in before.iter().zip(after.iter()) {
        if rows_a != rows_b {
            return Err(format!("{name}: {rows_b} rows before, {rows_a} after").into());
        }
        println!(
            "{name:<40} {:>10} {:>10} {:>6.2}× {:>7}",
            ms(*b),
            ms(*a),
            a.as_secs_f64() / b.as_secs_f64().max(1e-9),
            rows_a
        );
    }
    let (open, people) = time(RUNS, |i| {
        Ok(v.incident(chosen[i % chosen.len()])?.people.len())
    })?;
    println!(
        "open a restricted record: {} (median of {RUNS}; {people} people in the last)",
        ms(open)
    );
    let (file, _) = time(RUNS, |i| {
        Ok(v.bench_open_held_file(chosen[i % chosen.len()])?)
    })?;
    println!(
        "unlock's work for each restricted record held (open its file, check its schema, bring its users and keys up to date): {}",
        ms(file)
    );
    println!(
        "restricting one (move its rows out, merge the search index, seal its key): median {} over {}",
        ms(median(took)),
        chosen.len()
    );
    Ok(())
}
