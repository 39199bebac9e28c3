//! Realistic generated incidents for demonstrations, tests and benchmarks: deterministic from a
//! seed, walked through the real flow rules (so every record is one the app itself would accept).
//!
//! - [`text`]: names, platforms, summaries and checklist details;
//! - [`roll`]: the school's pupils, cohort by cohort;
//! - [`steps`]: the flow entries a careful DSL would make;
//! - [`evidence`]: the evidence secured, and its custody.

mod evidence;
mod roll;
mod steps;
mod text;

use crate::audit::Author;
use chrono::{DateTime, Duration, Utc};
use dsl_domain::flow;
use dsl_domain::incident::{
    check_facts, Discovery, IncidentFacts, InvolvementInput, Location, NewPerson, PersonKind,
    PersonRole, RiskArea,
};
use rusqlite::Connection;

use crate::incidents::{insert_incident, involvements, refresh_projection, WriteError};
use crate::Vault;
use roll::Roll;
use text::{summary, FIRST, LAST, PLATFORMS, STAFF_ROLES};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub seed: u64,
    pub incidents: u32,
    /// Pupils on roll at any time (Years 7 to 13); each September a new Year 7 joins and
    /// Year 13 leaves, so a long span names many more pupils than this.
    pub pupils: u32,
    /// Incidents spread over this many years up to `until`.
    pub years: u32,
    pub until: DateTime<Utc>,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoStats {
    pub incidents: u32,
    pub entries: u64,
    /// Pupils named over the whole span.
    pub people: u32,
    pub evidence: u32,
}

/// A small, portable pseudo-random generator (SplitMix64): the same seed gives the same vault
/// on every machine and every version of the dependencies. The hostile-input and crash tests
/// use it too, so a failure can be replayed from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// What every incident of one batch is written with: its transaction, the user, and the end
/// of the span.
struct Batch<'a> {
    tx: &'a Connection,
    user: &'a Author<'a>,
    until: DateTime<Utc>,
}

/// An activity type of the current flow: the illegal ones about one incident in eight.
fn random_activity(rng: &mut Rng) -> &'static str {
    let types = flow::current().map(|f| f.types.as_slice()).unwrap_or(&[]);
    let (illegal, other): (Vec<_>, Vec<_>) = types.iter().partition(|t| t.illegal);
    let pool = if rng.chance(12) && !illegal.is_empty() {
        illegal
    } else {
        other
    };
    if pool.is_empty() {
        return "other";
    }
    pool[rng.below(pool.len() as u64) as usize].id.as_str()
}

/// The facts as a DSL would first record them.
fn random_facts(
    rng: &mut Rng,
    activity: &str,
    platform: &str,
    occurred: DateTime<Utc>,
    reported: DateTime<Utc>,
) -> IncidentFacts {
    let mut facts = IncidentFacts {
        occurred_at: occurred,
        reported_at: reported,
        reported_by_name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
        reported_by_role: (*rng.pick(&[
            "Form tutor",
            "Head of year",
            "Parent",
            "Teaching assistant",
            "Pupil",
        ]))
        .to_string(),
        discovery: *rng.pick(&[
            Discovery::Disclosure,
            Discovery::StaffObservation,
            Discovery::ParentCarer,
            Discovery::Monitoring,
            Discovery::ExternalAgency,
        ]),
        monitoring: None,
        location: *rng.pick(&[
            Location::InSchool,
            Location::OutsideSchool,
            Location::OffSiteActivity,
        ]),
        platform: platform.to_string(),
        summary: summary(rng, activity, platform),
        childs_words: String::new(),
        risk_area: *rng.pick(&[
            RiskArea::Content,
            RiskArea::Contact,
            RiskArea::Conduct,
            RiskArea::Commerce,
        ]),
        activity_type: activity.to_string(),
    };
    if facts.discovery == Discovery::Monitoring {
        facts.monitoring = Some(dsl_domain::incident::MonitoringAlert {
            vendor: "Smoothwall".into(),
            capture_id: format!("CAP-{}", rng.below(1_000_000)),
            severity: rng.below(5).saturating_add(1).to_string(),
            true_positive: Some(rng.chance(80)),
        });
    }
    facts
}

/// The people in an incident: one or two pupils, now and then a member of staff.
fn random_people(rng: &mut Rng, roll: &mut Roll, occurred: DateTime<Utc>) -> Vec<InvolvementInput> {
    let mut people = Vec::new();
    let roles: &[PersonRole] = if rng.chance(60) {
        &[PersonRole::Victim, PersonRole::Instigator]
    } else {
        &[PersonRole::Victim]
    };
    for role in roles {
        people.push(roll.pupil(rng, occurred, *role));
    }
    if rng.chance(6) {
        people.push(InvolvementInput {
            person_id: None,
            new_person: Some(NewPerson {
                kind: PersonKind::Staff,
                name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                year_group: None,
                date_of_birth: None,
                job_title: (*rng.pick(STAFF_ROLES)).to_string(),
                headteacher: None,
            }),
            role: PersonRole::Alleged,
        });
    }
    // Keep a pupil linked once per role.
    people.dedup_by(|a, b| a.person_id.is_some() && a.person_id == b.person_id);
    people
}

/// Records one incident that occurred at `occurred`, walks it through the flow and adds its
/// evidence.
fn generate_incident(
    b: &Batch<'_>,
    rng: &mut Rng,
    roll: &mut Roll,
    stats: &mut DemoStats,
    occurred: DateTime<Utc>,
) -> Result<(), WriteError> {
    let activity = random_activity(rng);
    let platform = *rng.pick(PLATFORMS);
    let reported = occurred + Duration::minutes(rng.below(3 * 24 * 60) as i64);
    let recorded = reported + Duration::minutes(5 + rng.below(120) as i64);
    let facts = random_facts(rng, activity, platform, occurred, reported);
    let facts = check_facts(&facts, recorded)?;
    let people = random_people(rng, roll, occurred);
    let id = insert_incident(b.tx, b.user, &facts, &people, recorded)?;
    let linked = involvements(b.tx, id)?;
    for inv in &linked {
        if inv.person.kind == PersonKind::Pupil && roll.enrol(&inv.person) {
            stats.people += 1;
        }
    }
    let illegal = flow::current()
        .ok()
        .and_then(|f| f.activity_type(activity))
        .is_some_and(|a| a.illegal);
    let (added, first) = evidence::add_evidence(b, rng, id, illegal, recorded)?;
    stats.evidence += added;
    let walk = steps::Walk {
        id,
        activity,
        people: &linked,
        evidence: first,
    };
    let (entries, at) = steps::walk_flow(b, rng, &walk, occurred, recorded)?;
    stats.entries += entries;
    refresh_projection(b.tx, id, at.max(recorded))?;
    stats.incidents += 1;
    Ok(())
}

impl Vault {
    /// Fills the vault with generated incidents (in batches of one transaction each).
    pub fn generate_demo(&mut self, spec: &DemoSpec) -> Result<DemoStats, WriteError> {
        let mut rng = Rng(spec.seed);
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let mut stats = DemoStats::default();
        let span_days = i64::from(spec.years.max(1)) * 365;
        let start = spec.until - Duration::days(span_days);
        let mut roll = Roll::new(spec.pupils);
        let mut times: Vec<DateTime<Utc>> = (0..spec.incidents)
            .map(|_| start + Duration::minutes(rng.below(span_days as u64 * 24 * 60) as i64))
            .collect();
        times.sort();
        for chunk in times.chunks(500) {
            let tx = self.conn.transaction()?;
            let batch = Batch {
                tx: &tx,
                user,
                until: spec.until,
            };
            for &occurred in chunk {
                generate_incident(&batch, &mut rng, &mut roll, &mut stats, occurred)?;
            }
            tx.commit()?;
        }
        Ok(stats)
    }
}
