//! Crash safety: a writer process is killed (SIGKILL) at random moments while it writes a
//! stream of incidents, flow entries, evidence, custody, settings and passphrase changes to a
//! vault, again and again (CRASH_KILLS times, at least 200). After each kill the vault must open,
//! hold every write the writer acknowledged, show nothing half-written, pass SQLite's integrity
//! check and have an audit chain that verifies.
//!
//! One binary plays both parts: run with DSL_CRASH_WRITER set, it is the writer.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use dsl_domain::evidence::{CustodyAction, CustodyInput, EvidenceInput, EvidenceKind, Tristate};
use dsl_domain::flow::{EntryBody, EntryInput};
use dsl_domain::incident::{InvolvementInput, NewIncident, NewPerson, PersonKind, PersonRole};
use dsl_domain::vault::Role;
use dsl_store::demo::Rng;
use dsl_store::{KdfParams, Vault};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const WRITER_ENV: &str = "DSL_CRASH_WRITER";
const SEED_ENV: &str = "DSL_CRASH_SEED";
const PASSES: [&str; 2] = [
    "lantern mauve copper harbour",
    "quarry violet anchor meadow",
];
/// The cheapest key slots a vault accepts: the harness measures crash safety, not Argon2id.
const KDF: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn incident(tag: &str) -> NewIncident {
    NewIncident {
        facts: common::facts(at(), format!("Summary {tag} written whole.")),
        people: [PersonRole::Victim, PersonRole::Instigator]
            .into_iter()
            .enumerate()
            .map(|(n, role)| InvolvementInput {
                person_id: None,
                new_person: Some(NewPerson {
                    kind: PersonKind::Pupil,
                    name: format!("Pupil {n} of {tag}"),
                    year_group: Some(8),
                    date_of_birth: chrono::NaiveDate::from_ymd_opt(2013, 5, 6),
                    job_title: String::new(),
                    headteacher: None,
                }),
                role,
            })
            .collect(),
    }
}

fn evidence(tag: &str) -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Screenshot,
        description: format!("Evidence {tag} described whole."),
        make_model_serial: String::new(),
        url: String::new(),
        platform_username: String::new(),
        owner: "Pupil".into(),
        found_where_how: "Handed to the DSL".into(),
        switched_on: Tristate::NotKnown,
        locked: Tristate::NotKnown,
        network_disconnected: Tristate::NotKnown,
        secured_by: "DSL".into(),
        secured_at: at(),
        stored_at: "Locked cabinet".into(),
    }
}

fn custody(tag: &str) -> CustodyInput {
    CustodyInput {
        action: CustodyAction::Moved,
        at: at(),
        from: String::new(),
        to: String::new(),
        location: "DSL office safe".into(),
        reason: format!("Custody {tag} moved whole."),
        reference: String::new(),
        how: String::new(),
        authorised_by: String::new(),
    }
}

/// The writer: unlocks, then writes until it is killed, printing a line before each write
/// ("begin …") and one after it is committed ("ack …").
fn writer(dir: &Path, seed: u64) -> Res<()> {
    let out = std::io::stdout();
    let say = |line: String| -> Res<()> {
        let mut o = out.lock();
        writeln!(o, "{line}")?;
        o.flush()?;
        Ok(())
    };
    let (mut v, mut pass) = match Vault::unlock(dir, PASSES[0]) {
        Ok(v) => (v, 0),
        Err(_) => (Vault::unlock(dir, PASSES[1])?, 1),
    };
    say(format!("open {pass}"))?;
    let mut rng = Rng::new(seed);
    let mut incidents: Vec<i64> = Vec::new();
    let mut items: Vec<i64> = Vec::new();
    for n in 0u64.. {
        let tag = format!("s{seed}n{n}");
        let now = Utc::now();
        match rng.below(20) {
            0..=5 => {
                say(format!("begin incident {tag}"))?;
                let id = v.create_incident(&incident(&tag), now)?.id;
                incidents.push(id);
                say(format!("ack incident {tag} {id}"))?;
            }
            6..=11 if !incidents.is_empty() => {
                let id = incidents[rng.below(incidents.len() as u64) as usize];
                say(format!("begin note {tag} {id}"))?;
                let input = EntryInput {
                    node_id: None,
                    person_id: None,
                    body: EntryBody::Note {
                        text: format!("Note {tag} written whole."),
                    },
                    people: None,
                    evidence: None,
                    happened: None,
                };
                v.record_entry(id, &input, now)?;
                say(format!("ack note {tag} {id}"))?;
            }
            12..=14 if !incidents.is_empty() => {
                let id = incidents[rng.below(incidents.len() as u64) as usize];
                say(format!("begin evidence {tag} {id}"))?;
                let item = v.add_evidence(id, &evidence(&tag), now)?;
                items.push(item);
                say(format!("ack evidence {tag} {item}"))?;
            }
            15..=16 if !items.is_empty() => {
                let item = items[rng.below(items.len() as u64) as usize];
                say(format!("begin custody {tag} {item}"))?;
                v.add_custody(item, &custody(&tag), now)?;
                say(format!("ack custody {tag} {item}"))?;
            }
            17 => {
                say(format!("begin settings {tag}"))?;
                let mut s = v.settings()?;
                s.school_name = format!("School {tag}");
                v.update_settings(&s, now)?;
                say(format!("ack settings {tag}"))?;
            }
            18 => {
                let next = 1 - pass;
                say(format!("begin passphrase {next}"))?;
                v.change_passphrase(PASSES[pass], PASSES[next], KDF, now)?;
                pass = next;
                say(format!("ack passphrase {next}"))?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// What the harness knows the vault must hold.
#[derive(Default)]
struct Expected {
    incidents: BTreeMap<String, i64>,
    notes: Vec<(String, i64)>,
    evidence: Vec<(String, i64)>,
    custody: Vec<(String, i64)>,
    /// The school name last acknowledged, and one begun but not acknowledged.
    school: Option<String>,
    pending_school: Option<String>,
    /// The passphrase last acknowledged, and one begun but not acknowledged.
    pass: usize,
    pending_pass: Option<usize>,
}

impl Expected {
    fn take(&mut self, lines: &[String]) -> Res<usize> {
        self.pending_school = None;
        self.pending_pass = None;
        let mut acks = 0;
        for line in lines {
            let w: Vec<&str> = line.split(' ').collect();
            let id = || -> Res<i64> { Ok(w.get(3).ok_or("short line")?.parse()?) };
            match (w[0], w.get(1).copied().unwrap_or("")) {
                ("ack", "incident") => {
                    self.incidents.insert(w[2].to_string(), id()?);
                }
                ("ack", "note") => self.notes.push((w[2].to_string(), id()?)),
                ("ack", "evidence") => self.evidence.push((w[2].to_string(), id()?)),
                ("ack", "custody") => self.custody.push((w[2].to_string(), id()?)),
                ("ack", "settings") => {
                    self.school = Some(format!("School {}", w[2]));
                    self.pending_school = None;
                }
                ("begin", "settings") => self.pending_school = Some(format!("School {}", w[2])),
                ("ack", "passphrase") => {
                    self.pass = w[2].parse()?;
                    self.pending_pass = None;
                }
                ("begin", "passphrase") => self.pending_pass = Some(w[2].parse()?),
                _ => continue,
            }
            if w[0] == "ack" {
                acks += 1;
            }
        }
        Ok(acks)
    }
}

/// Reopens the vault after a kill and checks it against everything acknowledged so far.
fn check(dir: &Path, e: &mut Expected) -> Res<Vault> {
    let v = match Vault::unlock(dir, PASSES[e.pass]) {
        Ok(v) => v,
        Err(first) => match e.pending_pass {
            // The change was written but not acknowledged: the new passphrase holds from now.
            Some(p) => {
                let v = Vault::unlock(dir, PASSES[p])?;
                e.pass = p;
                v
            }
            None => return Err(format!("the vault did not open: {first}").into()),
        },
    };
    if !v.integrity_check()? {
        return Err("SQLite's integrity check failed".into());
    }
    let audit = v.verify_audit()?;
    if audit.broken.is_some() {
        return Err(format!("the audit chain is broken: {}", audit.summary).into());
    }
    for (tag, id) in &e.incidents {
        let d = v.incident(*id)?;
        if d.facts.summary != format!("Summary {tag} written whole.") {
            return Err(format!("incident {id} lost its summary").into());
        }
    }
    // Every incident present, acknowledged or not, is whole: its summary and both pupils.
    let all = v.list_incidents(&Default::default(), 100_000)?;
    for s in &all {
        let d = v.incident(s.id)?;
        let tag = d
            .facts
            .summary
            .strip_prefix("Summary ")
            .and_then(|t| t.strip_suffix(" written whole."))
            .ok_or("a half-written summary")?;
        let names: Vec<String> = d.people.iter().map(|p| p.person.name.clone()).collect();
        if names != [format!("Pupil 0 of {tag}"), format!("Pupil 1 of {tag}")] {
            return Err(format!("incident {} is missing people", s.id).into());
        }
        for c in &d.chronology {
            if let EntryBody::Note { text } = &c.entry.body {
                if !(text.starts_with("Note ") && text.ends_with(" written whole.")) {
                    return Err("a half-written note".into());
                }
            }
        }
    }
    for (tag, id) in &e.notes {
        let text = format!("Note {tag} written whole.");
        let found = v
            .incident(*id)?
            .chronology
            .iter()
            .any(|c| matches!(&c.entry.body, EntryBody::Note { text: t } if *t == text));
        if !found {
            return Err(format!("an acknowledged note on incident {id} is missing").into());
        }
    }
    for (tag, item) in &e.evidence {
        if v.evidence_item(*item)?.details.description != format!("Evidence {tag} described whole.")
        {
            return Err(format!("evidence item {item} lost its description").into());
        }
    }
    for (tag, item) in &e.custody {
        let reason = format!("Custody {tag} moved whole.");
        if !v
            .evidence_item(*item)?
            .custody
            .iter()
            .any(|c| c.event.reason == reason)
        {
            return Err(format!("an acknowledged custody entry on item {item} is missing").into());
        }
    }
    let school = v.settings()?.school_name;
    let allowed = [e.school.clone(), e.pending_school.clone()];
    if e.school.is_some() && !allowed.iter().flatten().any(|s| *s == school) {
        return Err("the school name is neither the acknowledged one nor the pending one".into());
    }
    if e.pending_school.as_ref() == Some(&school) {
        e.school = Some(school);
    }
    Ok(v)
}

fn harness() -> Res<()> {
    let kills: usize = std::env::var("CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
        .max(200);
    let tmp = tempfile::tempdir()?;
    let dir: PathBuf = tmp.path().join("vault");
    drop(Vault::create(
        &dir,
        "Crash School",
        "Crash DSL",
        Role::Dsl,
        PASSES[0],
        KDF,
        at(),
    )?);
    let exe = std::env::current_exe()?;
    let mut rng = Rng::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos() as u64,
    );
    let mut expected = Expected::default();
    let (mut acks, mut mid_write, mut before_open) = (0usize, 0usize, 0usize);
    let started = Instant::now();
    for round in 0..kills {
        let seed = round as u64 + 1;
        let mut child = Command::new(&exe)
            .env(WRITER_ENV, &dir)
            .env(SEED_ENV, seed.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let reader = {
            let lines = Arc::clone(&lines);
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Ok(mut l) = lines.lock() {
                        l.push(line);
                    }
                }
            })
        };
        // Anywhere from during the unlock to well into the stream of writes.
        std::thread::sleep(Duration::from_micros(rng.below(200_000)));
        child.kill()?; // SIGKILL
        let status = child.wait()?;
        if status.success() {
            return Err(format!("round {round}: the writer stopped by itself").into());
        }
        reader.join().map_err(|_| "reader thread")?;
        let lines = lines.lock().map_err(|_| "lines")?.clone();
        if !lines.iter().any(|l| l.starts_with("open")) {
            before_open += 1;
        }
        if lines.last().is_some_and(|l| l.starts_with("begin")) {
            mid_write += 1;
        }
        acks += expected.take(&lines)?;
        let v = check(&dir, &mut expected).map_err(|e| format!("after kill {}: {e}", round + 1))?;
        drop(v);
    }
    println!(
        "crash safety: {kills} SIGKILLs in {:.0} s; {acks} acknowledged writes, every one present; {mid_write} kills landed between a write's start and its acknowledgement, {before_open} before the vault was open; integrity check and audit chain passed after every kill",
        started.elapsed().as_secs_f64()
    );
    if mid_write == 0 {
        return Err("no kill landed during a write: the harness proved nothing".into());
    }
    Ok(())
}

fn main() {
    let result = match std::env::var_os(WRITER_ENV) {
        Some(dir) => {
            let seed = std::env::var(SEED_ENV)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            writer(Path::new(&dir), seed)
        }
        None => harness(),
    };
    if let Err(e) = result {
        eprintln!("crash harness failed: {e}");
        std::process::exit(1);
    }
}
