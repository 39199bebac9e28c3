//! Encryption's cost: one workload timed on the encrypted vault and on its unkeyed copy, row by
//! row, each row checked to give the same result on both.

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use dsl_domain::flow::{EntryBody, EntryInput, IncidentStatus};
use dsl_domain::incident::{
    IncidentFilter, InvolvementInput, NewIncident, NewPerson, PersonKind, PersonRole,
};
use dsl_domain::terms::TermName;
use dsl_store::Vault;

use crate::common;
use crate::timing::{median, ms, Res};
use crate::RUNS;

/// The encryption overhead the vault is held to.
const TARGET: f64 = 1.5;

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
                    headteacher: None,
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
        people: None,
        evidence: None,
        happened: None,
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

/// The incident lists and searches timed, by name; `known` is the pupil filtered on.
pub fn filters(known: i64) -> Vec<(&'static str, IncidentFilter)> {
    let text = |t: &str| IncidentFilter {
        text: Some(t.into()),
        ..Default::default()
    };
    vec![
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
        ("search: a surname", text("kowalski")),
        ("search: a reference", text("OS-2026-0002")),
        ("search: two words, rare", text("proxy weekend")),
        ("search: no match", text("zzzzqqq")),
    ]
}

/// Opening the database, then what the DSL writes: an incident, a step, and one opened.
fn write_rows(pair: &mut Pair, now: DateTime<Utc>, known: i64, newest: &[i64]) -> Res<()> {
    pair.row("open the database (after the key)", RUNS, |v, _| {
        v.reopen().map(|_| "-").map_err(Into::into)
    })?;
    pair.row("add an incident (two pupils)", RUNS, |v, i| {
        v.create_incident(&new_incident(now, known, i), now)
            .map(|_| "-")
            .map_err(|e| e.to_string().into())
    })?;
    pair.row("record a step (a note)", RUNS, |v, i| {
        v.record_entry(newest[i], &note(i), now)
            .map(|_| "-")
            .map_err(|e| e.to_string().into())
    })?;
    pair.row("open an incident", RUNS, |v, i| {
        v.incident(newest[i])
            .map(|d| d.chronology.len())
            .map_err(Into::into)
    })
}

/// What the DSL reads: the lists and searches, a term's figures, the retention review.
fn read_rows(pair: &mut Pair, now: DateTime<Utc>, known: i64) -> Res<()> {
    for (name, filter) in &filters(known) {
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
    })
}

/// Prints the encrypted-against-unkeyed table and whether every row kept within the target.
/// Returns the newest incidents (some still open, most closed), where steps were recorded.
pub fn compare(keyed: &mut Vault, plain: &mut Vault, now: DateTime<Utc>) -> Res<Vec<i64>> {
    println!();
    println!(
        "{:<40} {:>10} {:>10} {:>7} {:>7}",
        "operation (median of 21)", "encrypted", "unkeyed", "ratio", "rows"
    );
    let known = keyed
        .find_people("kowalski", 1)?
        .first()
        .map(|p| p.id)
        .ok_or("no pupil found")?;
    let newest: Vec<i64> = keyed
        .list_incidents(&IncidentFilter::default(), RUNS as u32)?
        .iter()
        .map(|s| s.id)
        .collect();
    if newest.len() < RUNS {
        return Err("too few incidents".into());
    }
    let mut pair = Pair {
        keyed,
        plain,
        over: Vec::new(),
    };
    write_rows(&mut pair, now, known, &newest)?;
    read_rows(&mut pair, now, known)?;
    if pair.over.is_empty() {
        println!("encryption overhead: every operation within the {TARGET}× target");
    } else {
        println!(
            "encryption overhead: over the {TARGET}× target: {}",
            pair.over.join(", ")
        );
    }
    Ok(newest)
}
