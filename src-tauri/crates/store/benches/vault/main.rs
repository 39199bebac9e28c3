//! The vault's benchmarks, each against a baseline measured in the same run:
//! - the same workload on the encrypted vault and on an unkeyed SQLite copy (encryption's cost);
//! - each report drawn and written against the bare query of the rows it prints;
//! - recording a step signed against unsigned; Verify of the whole vault; re-keying it;
//! - unlock against its Argon2id share.
//!
//! Both vaults are generated from one seed: 25 years of a large secondary school (INCIDENTS,
//! default 25,000; 3,000 pupils on roll). Run with `bash scripts/bench.sh`, or on its own with
//! `cargo bench -p dsl-store --features bench-baseline --bench vault`.
//!
//! Each part has its own module: [`encryption`], [`reports`], [`signing`] and [`unlock`], timed with the
//! helpers in [`timing`]; this file generates the two vaults and runs the parts in turn.

#[path = "../../tests/common/mod.rs"]
mod common;
mod encryption;
mod reports;
mod restricted;
mod signing;
mod timing;
mod unlock;

use std::path::Path;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use dsl_domain::vault::Role;
use dsl_store::demo::{DemoSpec, DemoStats};
use dsl_store::{KdfParams, Vault};
use tempfile::TempDir;

use timing::Res;

const PASS: &str = "lantern mauve copper harbour";
const RUNS: usize = 21;

/// What the vaults are generated from: INCIDENTS incidents (default 25,000) over 25 years.
fn spec() -> Res<DemoSpec> {
    let incidents: u32 = std::env::var("INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25_000);
    let until = Utc
        .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
        .single()
        .ok_or("time")?;
    Ok(DemoSpec {
        seed: 7,
        incidents,
        pupils: 3000,
        years: 25,
        until,
    })
}

fn size_mib(dir: &Path) -> f64 {
    ["vault.db", "vault.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len() as f64)
        .sum::<f64>()
        / 1048576.0
}

fn generate(v: &mut Vault, spec: &DemoSpec) -> Res<DemoStats> {
    v.generate_demo(spec).map_err(|e| e.to_string().into())
}

/// The encrypted vault and its unkeyed copy, each in its own folder.
struct Vaults {
    keyed_dir: TempDir,
    plain_dir: TempDir,
    keyed: Vault,
    plain: Vault,
}

/// Creates both vaults, generates the same school in each (timed) and prints what they hold.
fn generate_vaults(spec: &DemoSpec, kdf: KdfParams) -> Res<Vaults> {
    let keyed_dir = tempfile::tempdir()?;
    let plain_dir = tempfile::tempdir()?;
    let (school, user) = ("Bench School", "Bench DSL");
    let created = Vault::create(
        keyed_dir.path(),
        school,
        user,
        Role::Dsl,
        PASS,
        kdf,
        spec.until,
    );
    let mut keyed = created?.vault;
    let mut plain = Vault::create_unkeyed(plain_dir.path(), school, user, spec.until)?;
    let t = Instant::now();
    let stats = generate(&mut keyed, spec)?;
    let keyed_gen = t.elapsed();
    let t = Instant::now();
    let plain_stats = generate(&mut plain, spec)?;
    let plain_gen = t.elapsed();
    if stats != plain_stats {
        return Err("the two generated vaults differ".into());
    }
    println!(
        "generated vault (seed {}): {} incidents over {} years, {} flow entries ({:.1} each), {} evidence items ({:.1} each), {} pupils on roll ({} named over the years)",
        spec.seed,
        stats.incidents,
        spec.years,
        stats.entries,
        stats.entries as f64 / f64::from(stats.incidents.max(1)),
        stats.evidence,
        f64::from(stats.evidence) / f64::from(stats.incidents.max(1)),
        spec.pupils,
        stats.people
    );
    println!(
        "database: {:.0} MiB encrypted, {:.0} MiB unkeyed; generated in {:.1} s and {:.1} s",
        size_mib(keyed_dir.path()),
        size_mib(plain_dir.path()),
        keyed_gen.as_secs_f64(),
        plain_gen.as_secs_f64()
    );
    Ok(Vaults {
        keyed_dir,
        plain_dir,
        keyed,
        plain,
    })
}

/// The encrypted vault alone (no unkeyed copy), generated, closed and opened again.
fn keyed_only(spec: &DemoSpec, kdf: KdfParams) -> Res<(TempDir, Vault)> {
    let dir = tempfile::tempdir()?;
    let mut v = Vault::create(
        dir.path(),
        "Bench School",
        "Bench DSL",
        Role::Dsl,
        PASS,
        kdf,
        spec.until,
    )?
    .vault;
    let stats = generate(&mut v, spec)?;
    println!(
        "generated vault (seed {}): {} incidents over {} years, {} flow entries",
        spec.seed, stats.incidents, spec.years, stats.entries
    );
    Ok((dir, v.close_and_reopen()?))
}

/// `ONLY=signing`: just the signing part, on the encrypted vault alone (no unkeyed copy).
fn signing_only(spec: &DemoSpec, kdf: KdfParams) -> Res<()> {
    let (_dir, mut v) = keyed_only(spec, kdf)?;
    let now = spec.until + chrono::Duration::days(1);
    let newest: Vec<i64> = v
        .list_incidents(&Default::default(), 41)?
        .into_iter()
        .map(|i| i.id)
        .collect();
    signing::compare(&mut v, &newest, now)
}

/// `ONLY=restricted`: just the restricted records' part, on the encrypted vault alone.
fn restricted_only(spec: &DemoSpec, kdf: KdfParams) -> Res<()> {
    let (_dir, mut v) = keyed_only(spec, kdf)?;
    restricted::compare(&mut v, spec.until + chrono::Duration::days(1))
}

/// `ONLY=governors`: every term's governor report checked for counts that could be worked out
/// and for anything the vault knows printed, on the encrypted vault alone.
fn governors_only(spec: &DemoSpec, kdf: KdfParams) -> Res<()> {
    let (_dir, v) = keyed_only(spec, kdf)?;
    // A lesson checked as "Add to report" checks it: first after the vault opens (every name
    // and reference read), then again with nothing changed.
    let lesson = "Proxy sites were reaching pupils' laptops: the filtering now blocks them.";
    let t = Instant::now();
    v.known_in_text(lesson)?;
    let cold = t.elapsed();
    let t = Instant::now();
    v.known_in_text(lesson)?;
    println!(
        "lesson check: {:.0} ms the first time after unlocking, {:.1} ms after that",
        cold.as_secs_f64() * 1000.0,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let c = common::check_every_term(&v, spec.until.date_naive())?;
    println!(
        "governor reports: {} terms checked in {:.1} s: {} breakdowns and tables, {} counts \
         printed, {} as \"fewer than\", {} withheld beside them, {} printed as a total only \
         ({:?}); {} over the school year to date, {} over the last three terms; {} counts could \
         be worked out, {} names, usernames or references printed; a single word of a name \
         found alone {} times ({:?})",
        c.terms,
        t.elapsed().as_secs_f64(),
        c.breakdowns + c.terms,
        c.counts,
        c.suppressed,
        c.withheld,
        c.whole_withheld,
        c.whole_withheld_by_title,
        c.over_year,
        c.over_three,
        c.given_away.len(),
        c.leaks.len(),
        c.name_words.len(),
        c.name_words
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
    );
    if !c.given_away.is_empty() || !c.leaks.is_empty() {
        return Err(format!("{:?} {:?}", c.given_away, c.leaks).into());
    }
    Ok(())
}

fn main() -> Res<()> {
    let spec = spec()?;
    let kdf = KdfParams::default();
    if std::env::var("ONLY").as_deref() == Ok("governors") {
        return governors_only(&spec, kdf);
    }
    if std::env::var("ONLY").as_deref() == Ok("signing") {
        return signing_only(&spec, kdf);
    }
    if std::env::var("ONLY").as_deref() == Ok("restricted") {
        return restricted_only(&spec, kdf);
    }
    let Vaults {
        keyed_dir,
        plain_dir: _plain_dir,
        keyed,
        plain,
    } = generate_vaults(&spec, kdf)?;
    // The app works on a vault freshly unlocked, not on the connection that generated it: the
    // generating connection is closed (as quitting the app does) before the vault is opened again.
    let mut keyed = keyed.close_and_reopen()?;
    let mut plain = plain.close_and_reopen()?;
    let now = spec.until + chrono::Duration::days(1);
    let newest = encryption::compare(&mut keyed, &mut plain, now)?;
    reports::compare(&keyed, keyed_dir.path(), &newest, now)?;
    signing::compare(&mut keyed, &newest, now)?;
    unlock::compare(keyed_dir.path(), kdf)?;
    restricted::compare(&mut keyed, now)
}
