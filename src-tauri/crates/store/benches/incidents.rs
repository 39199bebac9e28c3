//! Incident budgets on a 25-year vault of 25,000 incidents: list, filter and search; recording a
//! step; opening an incident with 200 entries; a term's governor report from figures to file. Run with `cargo bench -p dsl-store --bench incidents`
//! (set INCIDENTS to change the vault's size).

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use dsl_domain::flow::{EntryBody, EntryInput, IncidentStatus};
use dsl_domain::incident::{
    Discovery, IncidentFacts, IncidentFilter, Location, NewIncident, RiskArea,
};
use dsl_domain::vault::Role;
use dsl_store::demo::DemoSpec;
use dsl_store::{KdfParams, Vault};

fn median(mut s: Vec<Duration>) -> Duration {
    s.sort();
    s[s.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn time<T>(runs: usize, mut f: impl FnMut(usize) -> T) -> (Duration, T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for i in 0..runs {
        let t = Instant::now();
        last = Some(f(i));
        samples.push(t.elapsed());
    }
    (median(samples), last.expect("at least one run"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = std::env::var("INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25_000);
    let dir = tempfile::tempdir()?;
    let until = Utc
        .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
        .single()
        .ok_or("time")?;
    let mut v = Vault::create(
        dir.path(),
        "Bench School",
        "Bench DSL",
        Role::Dsl,
        "lantern mauve copper harbour",
        KdfParams::default(),
        until,
    )?
    .vault;
    let t = Instant::now();
    let stats = v
        .generate_demo(&DemoSpec {
            seed: 7,
            incidents: n,
            pupils: 3000,
            years: 25,
            until,
        })
        .map_err(|e| e.to_string())?;
    println!(
        "vault: {} incidents, {} flow entries, {} pupils, generated in {:.1} s; db {:.0} MiB",
        stats.incidents,
        stats.entries,
        stats.people,
        t.elapsed().as_secs_f64(),
        std::fs::metadata(dir.path().join("vault.db"))?.len() as f64 / 1048576.0
            + std::fs::metadata(dir.path().join("vault.db-wal"))
                .map(|m| m.len())
                .unwrap_or(0) as f64
                / 1048576.0
    );

    let runs = 21;
    let cases: Vec<(&str, IncidentFilter)> = vec![
        ("list, no filter (newest 500)", IncidentFilter::default()),
        (
            "filter: open",
            IncidentFilter {
                status: Some(IncidentStatus::Open),
                ..Default::default()
            },
        ),
        (
            "filter: awaiting police",
            IncidentFilter {
                status: Some(IncidentStatus::AwaitingPolice),
                ..Default::default()
            },
        ),
        (
            "filter: illegal, one term",
            IncidentFilter {
                illegal: Some(true),
                from: chrono::NaiveDate::from_ymd_opt(2025, 9, 1),
                to: chrono::NaiveDate::from_ymd_opt(2025, 12, 19),
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
    println!(
        "{:<34} {:>10} {:>6}",
        "operation (budget 50 ms)", "median", "rows"
    );
    for (name, filter) in &cases {
        let (d, rows) = time(runs, |_| v.list_incidents(filter, 500).map(|r| r.len()));
        println!("{:<34} {:>10} {:>6}", name, ms(d), rows?);
    }
    let person = v
        .find_people("kowalski", 1)?
        .first()
        .map(|p| p.id)
        .ok_or("no person")?;
    let (d, rows) = time(runs, |_| {
        v.list_incidents(
            &IncidentFilter {
                person_id: Some(person),
                ..Default::default()
            },
            500,
        )
        .map(|r| r.len())
    });
    println!("{:<34} {:>10} {:>6}", "filter: one person", ms(d), rows?);

    // An incident with 200 entries.
    let now = until + chrono::Duration::days(1);
    let facts = IncidentFacts {
        occurred_at: until,
        reported_at: until,
        reported_by_name: "Tutor".into(),
        reported_by_role: "Form tutor".into(),
        discovery: Discovery::Disclosure,
        monitoring: None,
        location: Location::InSchool,
        platform: "Instagram".into(),
        summary: "Long-running case".into(),
        childs_words: String::new(),
        risk_area: RiskArea::Contact,
        activity_type: "bullying".into(),
    };
    let big = v
        .create_incident(
            &NewIncident {
                facts,
                people: vec![],
            },
            now,
        )
        .map_err(|e| e.to_string())?;
    let note = |i: usize| EntryInput {
        node_id: None,
        person_id: None,
        body: EntryBody::Note {
            text: format!("Update {i} from the family liaison officer"),
        },
    };
    for i in 0..199 {
        v.record_entry(big, &note(i), now)
            .map_err(|e| e.to_string())?;
    }
    let (d, _) = time(runs, |i| {
        v.record_entry(big, &note(1000 + i), now).map(|_| ())
    });
    println!("{:<34} {:>10}", "record a step (budget 10 ms)", ms(d));
    let open = v.list_incidents(
        &IncidentFilter {
            status: Some(IncidentStatus::Open),
            ..Default::default()
        },
        50,
    )?;
    let (d, _) = time(open.len().min(runs), |i| {
        v.record_entry(open[i].id, &note(i), now).map(|_| ())
    });
    println!("{:<34} {:>10}", "record a step, typical incident", ms(d));
    let (d, detail) = time(runs, |_| v.incident(big));
    println!(
        "{:<34} {:>10}  ({} entries)",
        "open an incident (budget 50 ms)",
        ms(d),
        detail?.chronology.len()
    );

    // A term's governor report, as the app makes it after the save dialog: the figures, the
    // draft, the drawing and the file written.
    let (year, term) = (2025, dsl_domain::terms::TermName::Autumn);
    let out = dir.path().join("governor.pdf");
    // The view the app draws: the term's figures and the saved draft.
    let view =
        |v: &Vault| -> Result<dsl_domain::governor::GovernorReport, Box<dyn std::error::Error>> {
            let figures = v.term_figures(year, term).map_err(|e| e.to_string())?;
            let draft = v.governor_draft(year, term)?;
            Ok(dsl_domain::governor::governor_report(
                "Bench School",
                false,
                &figures,
                &draft,
                "01/11/2026 12:00",
                "bench",
            ))
        };
    let (d_fig, figures) = time(runs, |_| v.term_figures(year, term));
    let figures = figures.map_err(|e| e.to_string())?;
    let drawn = view(&v)?;
    let (d_draw, bytes) = time(runs, |_| dsl_report::governor_report::render(&drawn));
    let bytes = bytes?;
    let (d_all, written) = time(runs, |_| -> Result<(), Box<dyn std::error::Error>> {
        std::fs::write(&out, dsl_report::governor_report::render(&view(&v)?)?)?;
        Ok(())
    });
    written?;
    println!(
        "{:<34} {:>10}  ({} opened in the term)",
        "term figures, 25 years of stats",
        ms(d_fig),
        figures.opened
    );
    println!(
        "{:<34} {:>10}  ({} KiB)",
        "governor report drawn",
        ms(d_draw),
        bytes.len() / 1024
    );
    println!(
        "{:<34} {:>10}",
        "governor report to file (500 ms)",
        ms(d_all)
    );

    // The retention review reads every incident with its people; the app asks for it (with the
    // transfer log) when it opens and on leaving the Records tab, to show the reminder.
    let today = dsl_domain::time::uk_day(until);
    let (d_ret, due) = time(runs, |_| v.retention_due(today));
    println!(
        "{:<34} {:>10} {:>6}",
        "retention review list",
        ms(d_ret),
        due?.len()
    );
    Ok(())
}
