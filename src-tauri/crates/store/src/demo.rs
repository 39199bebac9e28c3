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

use dsl_domain::evidence::{CustodyAction, CustodyInput, EvidenceInput, EvidenceKind, Tristate};

use crate::evidence::{insert_custody, insert_item};
use crate::incidents::{
    insert_entry, insert_incident, involvements, refresh_projection, WriteError,
};
use crate::{StoreError, Vault};

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

const LESSONS: &[&str] = &[
    "Proxy and VPN sites were reaching pupils' laptops: the filtering provider has added the new categories and the technician checks the logs weekly.",
    "Staff were unsure how to report a concern seen outside school hours: the reporting route was reissued at the staff briefing.",
    "Pupils did not know how to block and report on the platforms they use: online-safety lessons in Years 7 to 9 now cover this.",
    "Parents asked for guidance on age ratings: a parents' evening session on apps and settings is booked for next term.",
    "The acceptable use agreement did not mention personal devices on school Wi-Fi: governors are asked to approve the revised wording.",
    "A monitoring alert was read two days late during a staff absence: alerts now go to both the DSL and a deputy.",
    "Staff devices synced school photos to personal cloud storage: the staff code of conduct now says this is not allowed.",
    "Pupils shared images in a group chat believing it was harmless: PSHE lessons now cover the law on nude image sharing.",
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
            FieldKind::Choice if f.id == "governors" => {
                if rng.chance(40) { "Yes" } else { "No" }.to_string()
            }
            FieldKind::Choice => rng.pick(&f.options).clone(),
            FieldKind::Text => match f.id.as_str() {
                "crimeRef" => format!("CR/{}/{}", rng.below(90_000) + 10_000, at.format("%y")),
                "reference" => format!("REF-{}", rng.below(900_000) + 100_000),
                "by" | "who" | "contact" => format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                _ => format!("Recorded by the DSL ({})", f.label.to_lowercase()),
            },
            FieldKind::Longtext if f.id == "lessons" => (*rng.pick(LESSONS)).to_string(),
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

/// Registers the evidence a DSL would secure: devices and captures for illegal incidents
/// (handed to the police, some returned later), screenshots or captures for some others.
fn add_evidence(
    tx: &rusqlite::Connection,
    rng: &mut Rng,
    user: i64,
    incident: i64,
    illegal: bool,
    recorded: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<u32, WriteError> {
    // About two items an incident: two to four for illegal ones (a device and captures),
    // up to three screenshots or captures for most others.
    let count = if illegal {
        2 + rng.below(3)
    } else if rng.chance(90) {
        1 + rng.below(3)
    } else {
        0
    };
    let mut added = 0;
    for n in 0..count {
        let secured_at = recorded + Duration::minutes(5 + rng.below(90) as i64);
        if secured_at > until {
            break;
        }
        let device = illegal && n == 0;
        let kind = if device {
            EvidenceKind::Device
        } else {
            *rng.pick(&[
                EvidenceKind::Screenshot,
                EvidenceKind::MonitoringCapture,
                EvidenceKind::Message,
            ])
        };
        let input = EvidenceInput {
            kind,
            description: if device {
                "Mobile phone, handed in by the pupil.".into()
            } else {
                "Description recorded by the DSL without viewing the content.".into()
            },
            make_model_serial: if device {
                (*rng.pick(&["Apple iPhone 13", "Samsung Galaxy A54", "Google Pixel 7a"])).into()
            } else {
                String::new()
            },
            url: String::new(),
            platform_username: String::new(),
            owner: "Pupil".into(),
            found_where_how: "Handed to the DSL".into(),
            switched_on: Tristate::Yes,
            locked: if device {
                Tristate::Yes
            } else {
                Tristate::NotKnown
            },
            network_disconnected: if device {
                Tristate::Yes
            } else {
                Tristate::NotKnown
            },
            secured_by: "DSL".into(),
            secured_at,
            stored_at: format!(
                "Locked cabinet, DSL office, sealed bag {:04}",
                rng.below(10_000)
            ),
        };
        let item = insert_item(tx, user, incident, &input, secured_at)?;
        added += 1;
        if illegal {
            let handed = secured_at + Duration::hours(2 + rng.below(48) as i64);
            if handed > until {
                continue;
            }
            let pc = rng.below(9000) + 1000;
            insert_custody(
                tx,
                user,
                item,
                &CustodyInput {
                    action: CustodyAction::HandedOver,
                    at: handed,
                    from: String::new(),
                    to: format!("PC {pc}"),
                    location: "Police station".into(),
                    reason: "Collected by the police for their investigation.".into(),
                    reference: format!(
                        "Crime ref CR/{}/{}",
                        rng.below(90_000) + 10_000,
                        handed.format("%y")
                    ),
                    how: String::new(),
                    authorised_by: String::new(),
                },
                handed,
            )?;
            let back = handed + Duration::days(20 + rng.below(100) as i64);
            if device && back <= until && rng.chance(50) {
                insert_custody(
                    tx,
                    user,
                    item,
                    &CustodyInput {
                        action: CustodyAction::Returned,
                        at: back,
                        from: String::new(),
                        to: "Parent".into(),
                        location: String::new(),
                        reason: "Released by the police and returned to the family.".into(),
                        reference: String::new(),
                        how: String::new(),
                        authorised_by: String::new(),
                    },
                    back,
                )?;
            }
        }
    }
    Ok(added)
}

/// Year groups on roll: Years 7 to 13.
const YEAR_GROUPS: u32 = 7;

/// The pupils on roll, by the September they joined Year 7: a pupil is named only in incidents
/// from the seven school years they are at the school, and is the right age for them.
struct Roll {
    /// How many pupils join each September (the roll divided among the year groups).
    per_cohort: usize,
    cohorts: BTreeMap<i32, Vec<i64>>,
    known: std::collections::HashSet<i64>,
}

/// The school year (starting in September) a date falls in.
fn school_year(d: NaiveDate) -> i32 {
    if d.month() >= 9 {
        d.year()
    } else {
        d.year() - 1
    }
}

impl Roll {
    fn new(on_roll: u32) -> Self {
        Self {
            per_cohort: (on_roll / YEAR_GROUPS).max(1) as usize,
            cohorts: BTreeMap::new(),
            known: std::collections::HashSet::new(),
        }
    }

    /// A pupil for an incident on `at`: someone already named in their cohort (repeat
    /// involvement is common) or, while the cohort has room, a new pupil of the right age.
    fn pupil(&mut self, rng: &mut Rng, at: DateTime<Utc>, role: PersonRole) -> InvolvementInput {
        let year = school_year(at.date_naive());
        let group = rng.below(u64::from(YEAR_GROUPS)) as i32;
        let joined = year - group;
        let named = self.cohorts.get(&joined).map_or(&[][..], Vec::as_slice);
        if !named.is_empty() && (named.len() >= self.per_cohort || rng.chance(30)) {
            return InvolvementInput {
                person_id: Some(*rng.pick(named)),
                new_person: None,
                role,
            };
        }
        // Born in the school year eleven before joining Year 7 (September to August).
        let born = NaiveDate::from_ymd_opt(joined - 12, 9, 1)
            .map(|d| d + Duration::days(rng.below(365) as i64));
        InvolvementInput {
            person_id: None,
            new_person: Some(NewPerson {
                kind: PersonKind::Pupil,
                name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                year_group: Some(7 + group as u8),
                date_of_birth: born,
                job_title: String::new(),
            }),
            role,
        }
    }

    /// Puts a pupil just recorded in their cohort; false when already on the roll.
    fn enrol(&mut self, p: &dsl_domain::incident::Person) -> bool {
        if !self.known.insert(p.id) {
            return false;
        }
        if let Some(born) = p.date_of_birth {
            self.cohorts
                .entry(school_year(born) + 12)
                .or_default()
                .push(p.id);
        }
        true
    }
}

impl Vault {
    /// Fills the vault with generated incidents (in batches of one transaction each).
    pub fn generate_demo(&mut self, spec: &DemoSpec) -> Result<DemoStats, WriteError> {
        let mut rng = Rng(spec.seed);
        let user = self.user_id;
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
                    people.push(roll.pupil(&mut rng, occurred, *role));
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
                    if inv.person.kind == PersonKind::Pupil && roll.enrol(&inv.person) {
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
                // Some closed incidents are reopened later (new information) and closed again.
                let reopen = rng.chance(4);
                let mut reopened = false;
                for _ in 0..limit {
                    let state = flow::evaluate(flow, &linked, &entries);
                    let input = if state.status == flow::IncidentStatus::Closed {
                        if !reopen || reopened {
                            break;
                        }
                        reopened = true;
                        at += Duration::days(7 + rng.below(50) as i64);
                        EntryInput {
                            node_id: None,
                            person_id: None,
                            body: EntryBody::Reopened {
                                reason: "New information from a parent; the actions were reviewed again.".into(),
                            },
                        }
                    } else {
                        match next_entry(&mut rng, &state, at) {
                            Some(input) => input,
                            None => break,
                        }
                    };
                    let step = Duration::minutes(10 + rng.below(24 * 60) as i64);
                    if at + step > spec.until {
                        break;
                    }
                    at += step;
                    let (body, supersedes) = check_entry(flow, &linked, &entries, &input)?;
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
                let illegal =
                    dsl_domain::incident::activity_type(activity).is_some_and(|a| a.illegal);
                stats.evidence +=
                    add_evidence(&tx, &mut rng, user, id, illegal, recorded, spec.until)?;
                refresh_projection(&tx, id, at.max(recorded))?;
                stats.incidents += 1;
            }
            tx.commit()?;
        }
        Ok(stats)
    }
}
