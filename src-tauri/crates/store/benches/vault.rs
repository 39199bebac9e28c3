//! The vault's benchmarks, each against a baseline measured in the same run:
//! - the same workload on the encrypted vault and on an unkeyed SQLite copy (encryption's cost);
//! - each report drawn and written against the bare query of the rows it prints;
//! - unlock against its Argon2id share.
//!
//! Both vaults are generated from one seed: 25 years of a large secondary school (INCIDENTS,
//! default 25,000; 3,000 pupils on roll). Run with `bash scripts/bench.sh`, or on its own with
//! `cargo bench -p dsl-store --features bench-baseline --bench vault`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dsl_domain::flow::{EntryBody, EntryInput, IncidentStatus};
use dsl_domain::incident::{
    IncidentFilter, InvolvementInput, NewIncident, NewPerson, PersonKind, PersonRole,
};
use dsl_domain::terms::TermName;
use dsl_domain::transfer::{subject_access_bundle, transfer_bundle, BundleContext};
use dsl_domain::vault::Role;
use dsl_store::demo::{DemoSpec, DemoStats};
use dsl_store::{KdfParams, Vault};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PASS: &str = "lantern mauve copper harbour";
const RUNS: usize = 21;
/// The encryption overhead the vault is held to.
const TARGET: f64 = 1.5;

fn median(mut s: Vec<Duration>) -> Duration {
    s.sort();
    s[s.len() / 2]
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// The median of `runs` calls; the last result is returned so the work cannot be skipped.
fn time<T>(runs: usize, mut f: impl FnMut(usize) -> Res<T>) -> Res<(Duration, T)> {
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

/// One new incident as the DSL records it: two pupils, one new and one already known.
fn new_incident(at: DateTime<Utc>, known: i64, n: usize) -> NewIncident {
    NewIncident {
        facts: common::facts(
            at,
            format!("A pupil received unkind messages in a group chat ({n})."),
        ),
        people: vec![
            InvolvementInput {
                person_id: Some(known),
                new_person: None,
                role: PersonRole::Instigator,
            },
            InvolvementInput {
                person_id: None,
                new_person: Some(NewPerson {
                    kind: PersonKind::Pupil,
                    name: format!("New Pupil {n}"),
                    year_group: Some(9),
                    date_of_birth: NaiveDate::from_ymd_opt(2012, 3, 4),
                    job_title: String::new(),
                }),
                role: PersonRole::Victim,
            },
        ],
    }
}

fn note(i: usize) -> EntryInput {
    EntryInput {
        node_id: None,
        person_id: None,
        body: EntryBody::Note {
            text: format!("Update {i} from the family liaison officer"),
        },
    }
}

/// One row of the encrypted-against-unkeyed table.
struct Pair<'a> {
    keyed: &'a mut Vault,
    plain: &'a mut Vault,
    over: Vec<String>,
}

impl Pair<'_> {
    /// Times `f` on both vaults (alternating, so both see the same machine) and prints a row.
    fn row<T: std::fmt::Display>(
        &mut self,
        name: &str,
        runs: usize,
        mut f: impl FnMut(&mut Vault, usize) -> Res<T>,
    ) -> Res<()> {
        let mut keyed = Vec::with_capacity(runs);
        let mut plain = Vec::with_capacity(runs);
        let mut shown = String::new();
        for i in 0..runs {
            let t = Instant::now();
            let a = f(self.keyed, i)?;
            keyed.push(t.elapsed());
            let t = Instant::now();
            let b = f(self.plain, i)?;
            plain.push(t.elapsed());
            let (a, b) = (a.to_string(), b.to_string());
            if a != b {
                return Err(format!("{name}: the vaults differ ({a} against {b})").into());
            }
            shown = a;
        }
        let (k, p) = (median(keyed), median(plain));
        let ratio = k.as_secs_f64() / p.as_secs_f64().max(1e-9);
        if ratio > TARGET {
            self.over.push(name.to_string());
        }
        println!(
            "{name:<40} {:>10} {:>10} {:>6.2}× {:>7}",
            ms(k),
            ms(p),
            ratio,
            shown
        );
        Ok(())
    }
}

fn main() -> Res<()> {
    let n: u32 = std::env::var("INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25_000);
    let until = Utc
        .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
        .single()
        .ok_or("time")?;
    let spec = DemoSpec {
        seed: 7,
        incidents: n,
        pupils: 3000,
        years: 25,
        until,
    };
    let keyed_dir = tempfile::tempdir()?;
    let plain_dir = tempfile::tempdir()?;
    let kdf = KdfParams::default();
    let mut keyed = Vault::create(
        keyed_dir.path(),
        "Bench School",
        "Bench DSL",
        Role::Dsl,
        PASS,
        kdf,
        until,
    )?
    .vault;
    let mut plain = Vault::create_unkeyed(plain_dir.path(), "Bench School", "Bench DSL", until)?;
    let t = Instant::now();
    let stats = generate(&mut keyed, &spec)?;
    let keyed_gen = t.elapsed();
    let t = Instant::now();
    let plain_stats = generate(&mut plain, &spec)?;
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

    // The app works on a vault freshly unlocked, not on the connection that generated it: the
    // generating connection is closed (as quitting the app does) before the vault is opened again.
    let mut keyed = keyed.close_and_reopen()?;
    let mut plain = plain.close_and_reopen()?;

    // ---- Encryption: one workload on both vaults.
    println!();
    println!(
        "{:<40} {:>10} {:>10} {:>7} {:>7}",
        "operation (median of 21)", "encrypted", "unkeyed", "ratio", "rows"
    );
    let now = until + chrono::Duration::days(1);
    let known = keyed
        .find_people("kowalski", 1)?
        .first()
        .map(|p| p.id)
        .ok_or("no pupil found")?;
    // The newest incidents (some still open, most closed): where steps and notes are recorded.
    let open_ids: Vec<i64> = keyed
        .list_incidents(&IncidentFilter::default(), RUNS as u32)?
        .iter()
        .map(|s| s.id)
        .collect();
    if open_ids.len() < RUNS {
        return Err("too few incidents".into());
    }
    let mut pair = Pair {
        keyed: &mut keyed,
        plain: &mut plain,
        over: Vec::new(),
    };
    pair.row("open the database (after the key)", RUNS, |v, _| {
        v.reopen().map(|_| "-").map_err(Into::into)
    })?;
    pair.row("add an incident (two pupils)", RUNS, |v, i| {
        v.create_incident(&new_incident(now, known, i), now)
            .map(|_| "-")
            .map_err(|e| e.to_string().into())
    })?;
    pair.row("record a step (a note)", RUNS, |v, i| {
        v.record_entry(open_ids[i], &note(i), now)
            .map(|_| "-")
            .map_err(|e| e.to_string().into())
    })?;
    pair.row("open an incident", RUNS, |v, i| {
        v.incident(open_ids[i])
            .map(|d| d.chronology.len())
            .map_err(Into::into)
    })?;
    let filters: Vec<(&str, IncidentFilter)> = vec![
        ("list, newest 500", IncidentFilter::default()),
        (
            "filter: open",
            IncidentFilter {
                status: Some(IncidentStatus::Open),
                ..Default::default()
            },
        ),
        (
            "filter: illegal, one term",
            IncidentFilter {
                illegal: Some(true),
                from: NaiveDate::from_ymd_opt(2025, 9, 1),
                to: NaiveDate::from_ymd_opt(2025, 12, 19),
                ..Default::default()
            },
        ),
        (
            "filter: type",
            IncidentFilter {
                activity_type: Some("filtering-bypass".into()),
                ..Default::default()
            },
        ),
        (
            "filter: one pupil",
            IncidentFilter {
                person_id: Some(known),
                ..Default::default()
            },
        ),
        (
            "search: a surname",
            IncidentFilter {
                text: Some("kowalski".into()),
                ..Default::default()
            },
        ),
        (
            "search: a reference",
            IncidentFilter {
                text: Some("OS-2026-0002".into()),
                ..Default::default()
            },
        ),
        (
            "search: two words, rare",
            IncidentFilter {
                text: Some("proxy weekend".into()),
                ..Default::default()
            },
        ),
        (
            "search: no match",
            IncidentFilter {
                text: Some("zzzzqqq".into()),
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in &filters {
        pair.row(name, RUNS, |v, _| {
            v.list_incidents(filter, 500)
                .map(|r| r.len())
                .map_err(Into::into)
        })?;
    }
    pair.row("aggregate a term (governor figures)", RUNS, |v, _| {
        v.term_figures(2025, TermName::Autumn)
            .map(|f| f.opened)
            .map_err(|e| e.to_string().into())
    })?;
    let today = dsl_domain::time::uk_day(now);
    pair.row("retention review list", RUNS, |v, _| {
        v.retention_due(today).map(|r| r.len()).map_err(Into::into)
    })?;
    let over = std::mem::take(&mut pair.over);
    if over.is_empty() {
        println!("encryption overhead: every operation within the {TARGET}× target");
    } else {
        println!(
            "encryption overhead: over the {TARGET}× target: {}",
            over.join(", ")
        );
    }

    // ---- Reports: the bare query of the rows against the report drawn and written.
    println!();
    println!(
        "{:<40} {:>10} {:>10} {:>7} {:>7}",
        "report (encrypted vault, median of 21)", "query", "report", "ratio", "KiB"
    );
    let out = keyed_dir.path().join("report.pdf");
    let report_row = |name: &str, query: Duration, report: Duration, bytes: usize| {
        println!(
            "{name:<40} {:>10} {:>10} {:>6.1}× {:>7}",
            ms(query),
            ms(report),
            report.as_secs_f64() / query.as_secs_f64().max(1e-9),
            bytes / 1024
        );
    };
    let write = |bytes: Vec<u8>| -> Res<usize> {
        std::fs::write(&out, &bytes)?;
        Ok(bytes.len())
    };
    let session = keyed.session()?;
    // The newest incident with the most entries.
    let big = open_ids
        .iter()
        .copied()
        .max_by_key(|id| keyed.incident(*id).map(|d| d.chronology.len()).unwrap_or(0))
        .ok_or("no incident")?;
    let incident_rows = |v: &Vault| -> Res<_> {
        Ok((
            v.incident(big)?,
            v.evidence_for_incident(big)?,
            v.device_reviews(big)?,
        ))
    };
    let (q, _) = time(RUNS, |_| incident_rows(&keyed))?;
    let (r, size) = time(RUNS, |_| {
        let (detail, evidence, reviews) = incident_rows(&keyed)?;
        let view = dsl_domain::report::incident_report(
            &session.school_name,
            &detail,
            &evidence,
            &reviews,
            None,
            &session.user_name,
            now,
            "bench",
        );
        write(dsl_report::incident_report::render(&view)?)
    })?;
    report_row("incident report", q, r, size);

    let (year, term) = (2025, TermName::Autumn);
    let governor_rows = |v: &Vault| -> Res<_> {
        Ok((
            v.term_figures(year, term).map_err(|e| e.to_string())?,
            v.governor_draft(year, term)?,
        ))
    };
    let (q, _) = time(RUNS, |_| governor_rows(&keyed))?;
    let (r, size) = time(RUNS, |_| {
        let (figures, draft) = governor_rows(&keyed)?;
        let view = dsl_domain::governor::governor_report(
            &session.school_name,
            false,
            &figures,
            &draft,
            "02/11/2026 12:00",
            "bench",
        );
        write(dsl_report::governor_report::render(&view)?)
    })?;
    report_row("governor report (one term)", q, r, size);

    // The pupil named in most incidents, for the transfer package and subject access.
    let pupil = keyed
        .find_people("o'neill", 50)?
        .into_iter()
        .filter(|p| p.kind == PersonKind::Pupil)
        .max_by_key(|p| {
            keyed
                .person_history(p.id)
                .map(|h| h.incidents.len())
                .unwrap_or(0)
        })
        .ok_or("no pupil")?;
    let ctx = BundleContext {
        school_name: &session.school_name,
        generated_by: &session.user_name,
        generated_at: now,
        app_version: "bench",
    };
    let person_rows = |v: &Vault| v.person_reports(pupil.id, &session.user_name, now, "bench");
    let (q, set) = time(RUNS, |_| Ok(person_rows(&keyed)?))?;
    let records = set.reports.len();
    let (r, size) = time(RUNS, |_| {
        let set = person_rows(&keyed)?;
        let bundle = transfer_bundle(
            &ctx,
            &set.person,
            "Riverside Academy",
            "Secure file transfer",
            now,
            set.reports,
            &set.roles,
        );
        write(dsl_report::bundle::render(&bundle)?)
    })?;
    report_row(&format!("transfer package ({records} records)"), q, r, size);
    let access_rows =
        |v: &Vault| -> Res<_> { Ok((person_rows(v)?, v.transfers(Some(pupil.id), today)?)) };
    let (q, _) = time(RUNS, |_| access_rows(&keyed))?;
    let (r, size) = time(RUNS, |_| {
        let (set, transfers) = access_rows(&keyed)?;
        let bundle = subject_access_bundle(&ctx, &set.person, set.reports, &set.roles, &transfers);
        write(dsl_report::bundle::render(&bundle)?)
    })?;
    report_row(&format!("subject access ({records} records)"), q, r, size);

    // ---- Unlock: the whole unlock against Argon2id alone.
    println!();
    let mut unlock = Vec::with_capacity(15);
    let mut argon = Vec::with_capacity(15);
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|e| e.to_string())?;
    for _ in 0..15 {
        let started = Instant::now();
        let v = Vault::unlock(keyed_dir.path(), PASS)?;
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
