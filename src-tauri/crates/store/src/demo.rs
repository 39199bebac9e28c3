//! Realistic generated incidents for demonstrations, tests and benchmarks: deterministic from a
//! seed, walked through the real flow rules (so every record is one the app itself would accept).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use dsl_domain::flow::{
    self, check_entry, EntryBody, EntryInput, FieldKind, FlowEntry, ScreeningAnswer, StepKind,
};
use dsl_domain::incident::{
    check_facts, Discovery, IncidentFacts, InvolvementInput, Location, NewPerson, PersonKind,
    PersonRole, RiskArea, ACTIVITY_TYPES,
};

use crate::incidents::{
    insert_entry, insert_incident, involvements, refresh_projection, WriteError,
};
use crate::{StoreError, Vault};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub seed: u64,
    pub incidents: u32,
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
    pub people: u32,
}

/// A small, portable pseudo-random generator (SplitMix64): the same seed gives the same vault
/// on every machine and every version of the dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Zoë", "Siobhán", "Łukasz", "Amelia", "Oliver", "Aisha", "Mohammed", "Freya", "Kai", "Niamh",
    "Priya", "Jack", "Olivia", "Noah", "Chloé", "Tomasz", "Grace", "Yusuf", "Evie", "Dylan",
    "Ifeoma", "Rhys", "Sofia", "Harry", "Mei", "Aarav", "Isla", "Callum", "Zainab", "Leo",
];
const LAST: &[&str] = &[
    "Nguyễn", "Kowalski", "O'Neill", "Smith", "Jones", "Patel", "Khan", "Williams", "Brown",
    "Taylor", "Davies", "Evans", "Okafor", "Murphy", "Wilson", "Hughes", "Ahmed", "Clarke",
    "Walker", "Wright", "Thompson", "Robinson", "Singh", "Edwards", "Chen", "Hall",
];
const PLATFORMS: &[&str] = &[
    "Snapchat",
    "WhatsApp group chat",
    "Instagram",
    "TikTok",
    "school laptop",
    "YouTube",
    "Discord",
    "Roblox",
    "school email",
    "personal phone",
];
const STAFF_ROLES: &[&str] = &[
    "Teaching assistant",
    "Science teacher",
    "Sports coach",
    "Site manager",
];

fn summary(rng: &mut Rng, activity: &str, platform: &str) -> String {
    let what = match activity {
        "child-abuse-images" => "was sent an indecent image",
        "grooming" => "was contacted repeatedly by an adult asking to meet",
        "extreme-pornography" => "was shown extreme pornographic material",
        "criminal-hate" => "shared material stirring up racial hatred",
        "nudes-sharing" => "shared a semi-nude image of themselves",
        "bullying" => "received unkind and mocking messages",
        "pornography" => "accessed pornography",
        "filtering-bypass" => "used a proxy site to get round the filter",
        "threats" => "was sent threatening messages",
        "extremism" => "searched for extremist content",
        _ => "was involved in a concern about online behaviour",
    };
    let when = *rng.pick(&[
        "during a lesson",
        "at lunchtime",
        "in the evening",
        "at the weekend",
        "on the bus home",
    ]);
    format!("A pupil {what} on {platform} {when}, and told a member of staff.")
}

fn details_for(
    rng: &mut Rng,
    fields: &[dsl_domain::flow::ItemField],
    at: DateTime<Utc>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in fields {
        if !f.required && !rng.chance(50) {
            continue;
        }
        let v = match f.kind {
            FieldKind::Datetime => at.format("%Y-%m-%dT%H:%M").to_string(),
            FieldKind::Date => (at + Duration::days(90)).format("%Y-%m-%d").to_string(),
            FieldKind::Choice => rng.pick(&f.options).clone(),
            FieldKind::Text => match f.id.as_str() {
                "crimeRef" => format!("CR/{}/{}", rng.below(90_000) + 10_000, at.format("%y")),
                "reference" => format!("REF-{}", rng.below(900_000) + 100_000),
                "by" | "who" | "contact" => format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                _ => format!("Recorded by the DSL ({})", f.label.to_lowercase()),
            },
            FieldKind::Longtext => {
                "Discussed and agreed with the headteacher; see the notes.".to_string()
            }
        };
        out.insert(f.id.clone(), v);
    }
    out
}

/// The next entry a careful DSL would make at this step, or none at the end of the flow.
fn next_entry(rng: &mut Rng, state: &flow::FlowState, at: DateTime<Utc>) -> Option<EntryInput> {
    let step = state.current.as_ref()?;
    let node_id = Some(step.node_id.clone());
    let person_id = step.person_id;
    let body = match step.kind {
        StepKind::End => EntryBody::Closed {
            reason: "All actions complete; reviewed with the headteacher.".into(),
        },
        StepKind::Info => EntryBody::Acknowledged,
        StepKind::Question => {
            let choice = match step.node_id.as_str() {
                "nudes-check" => if rng.chance(15) { "yes" } else { "no" }.to_string(),
                "illegal-decision" => match rng.below(100) {
                    0..=11 => "yes",
                    12..=15 => "not-sure",
                    _ => "no",
                }
                .to_string(),
                "unsuitable-staff" => if rng.chance(10) { "yes" } else { "no" }.to_string(),
                "illegal-await-police" => if rng.chance(70) {
                    "confirmed"
                } else {
                    "not-confirmed"
                }
                .to_string(),
                _ => rng.pick(&step.choices).id.clone(),
            };
            EntryBody::Answer {
                choice,
                reason: "Decided with the information available at the time.".into(),
            }
        }
        StepKind::Screening => EntryBody::Screening {
            answers: step
                .questions
                .iter()
                .map(|q| ScreeningAnswer {
                    question: q.id.clone(),
                    yes: rng.chance(12),
                })
                .collect(),
            reason: "Checked against the UKCIS guidance.".into(),
        },
        StepKind::Action => match step
            .items
            .iter()
            .find(|i| i.record.is_none() && (i.item.mandatory || rng.chance(30)))
        {
            Some(item) if item.item.mandatory && rng.chance(8) => EntryBody::Item {
                item: item.item.id.clone(),
                done: false,
                details: BTreeMap::new(),
                reason: "Not appropriate in this case; agreed with the headteacher.".into(),
            },
            Some(item) => EntryBody::Item {
                item: item.item.id.clone(),
                done: true,
                details: details_for(rng, &item.item.fields, at),
                reason: String::new(),
            },
            None => EntryBody::Complete { open: vec![] },
        },
    };
    Some(EntryInput {
        node_id: if matches!(body, EntryBody::Closed { .. }) {
            None
        } else {
            node_id
        },
        person_id,
        body,
    })
}

impl Vault {
    /// Fills the vault with generated incidents (in batches of one transaction each).
    pub fn generate_demo(&mut self, spec: &DemoSpec) -> Result<DemoStats, WriteError> {
        let mut rng = Rng(spec.seed);
        let user = self.user_id;
        let mut stats = DemoStats::default();
        let span_days = i64::from(spec.years.max(1)) * 365;
        let start = spec.until - Duration::days(span_days);
        let mut pupil_ids: Vec<i64> = Vec::new();
        let mut times: Vec<DateTime<Utc>> = (0..spec.incidents)
            .map(|_| start + Duration::minutes(rng.below(span_days as u64 * 24 * 60) as i64))
            .collect();
        times.sort();

        for chunk in times.chunks(500) {
            let tx = self.conn.transaction()?;
            for &occurred in chunk {
                let activity = if rng.chance(12) {
                    ACTIVITY_TYPES[rng.below(4) as usize].id
                } else {
                    ACTIVITY_TYPES[4 + rng.below(ACTIVITY_TYPES.len() as u64 - 4) as usize].id
                };
                let platform = *rng.pick(PLATFORMS);
                let reported = occurred + Duration::minutes(rng.below(3 * 24 * 60) as i64);
                let recorded = reported + Duration::minutes(5 + rng.below(120) as i64);
                let facts = IncidentFacts {
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
                    summary: summary(&mut rng, activity, platform),
                    childs_words: String::new(),
                    risk_area: *rng.pick(&[
                        RiskArea::Content,
                        RiskArea::Contact,
                        RiskArea::Conduct,
                        RiskArea::Commerce,
                    ]),
                    activity_type: activity.to_string(),
                };
                let mut facts = facts;
                if facts.discovery == Discovery::Monitoring {
                    facts.monitoring = Some(dsl_domain::incident::MonitoringAlert {
                        vendor: "Smoothwall".into(),
                        capture_id: format!("CAP-{}", rng.below(1_000_000)),
                        severity: rng.below(5).saturating_add(1).to_string(),
                        true_positive: Some(rng.chance(80)),
                    });
                }
                let facts = check_facts(&facts, recorded)?;
                let mut people = Vec::new();
                let roles: &[PersonRole] = if rng.chance(60) {
                    &[PersonRole::Victim, PersonRole::Instigator]
                } else {
                    &[PersonRole::Victim]
                };
                for role in roles {
                    let reuse = !pupil_ids.is_empty()
                        && (pupil_ids.len() as u32 >= spec.pupils || rng.chance(30));
                    if reuse {
                        people.push(InvolvementInput {
                            person_id: Some(*rng.pick(&pupil_ids)),
                            new_person: None,
                            role: *role,
                        });
                    } else {
                        let year = 7 + rng.below(7) as u8;
                        let born = NaiveDate::from_ymd_opt(
                            occurred.year() - i32::from(year) - 5,
                            1 + rng.below(12) as u32,
                            1 + rng.below(28) as u32,
                        );
                        people.push(InvolvementInput {
                            person_id: None,
                            new_person: Some(NewPerson {
                                kind: PersonKind::Pupil,
                                name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                                year_group: Some(year),
                                date_of_birth: born,
                                job_title: String::new(),
                            }),
                            role: *role,
                        });
                    }
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
                        }),
                        role: PersonRole::Alleged,
                    });
                }
                // Keep a pupil linked once per role.
                people.dedup_by(|a, b| a.person_id.is_some() && a.person_id == b.person_id);
                let id = insert_incident(&tx, user, &facts, &people, recorded)?;
                let linked = involvements(&tx, id)?;
                for inv in &linked {
                    if inv.person.kind == PersonKind::Pupil && !pupil_ids.contains(&inv.person.id) {
                        pupil_ids.push(inv.person.id);
                        stats.people += 1;
                    }
                }
                // Recent incidents are still in progress; older ones are closed.
                let age_days = (spec.until - occurred).num_days();
                let limit = if age_days > 30 {
                    200
                } else {
                    rng.below(12) as usize
                };
                let mut entries: Vec<FlowEntry> = Vec::new();
                let mut at = recorded;
                let flow = flow::current()
                    .map_err(|_| StoreError::Corrupt("the shipped flow is not valid"))?;
                for _ in 0..limit {
                    let state = flow::evaluate(flow, &linked, &entries);
                    if state.status == flow::IncidentStatus::Closed {
                        break;
                    }
                    let Some(input) = next_entry(&mut rng, &state, at) else {
                        break;
                    };
                    let (body, supersedes) = check_entry(flow, &linked, &entries, &input)?;
                    at += Duration::minutes(3 + rng.below(600) as i64);
                    let entry = insert_entry(&tx, user, id, &input, &body, supersedes, at)?;
                    entries.push(FlowEntry {
                        id: entry,
                        at,
                        user_name: String::new(),
                        node_id: input.node_id.clone(),
                        person_id: input.person_id,
                        supersedes,
                        body,
                    });
                    stats.entries += 1;
                }
                refresh_projection(&tx, id, at)?;
                stats.incidents += 1;
            }
            tx.commit()?;
        }
        Ok(stats)
    }
}
