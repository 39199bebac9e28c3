//! The incident report's view model: everything the printed record holds, already in words,
//! with the redaction for a parent or subject access request applied.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::evidence::{DeviceReview, EvidenceItem};
use crate::flow::{display_value, EntryBody};
use crate::incident::{activity_type, IncidentDetail, PersonKind, PersonRole};
use crate::meaning::{fields, ItemMeaning};
use crate::time::uk_date_time;

/// A label and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// A table: its column headings, relative widths and rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

/// One item of evidence with its custody log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceBlock {
    pub title: String,
    pub fields: Vec<Field>,
    pub custody: Table,
}

/// The printed record of one incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentReport {
    pub school_name: String,
    pub reference: String,
    pub status: String,
    /// "Redacted copy: people other than X appear by role" when redacted.
    pub redaction_note: Option<String>,
    pub facts: Vec<Field>,
    pub people: Table,
    pub route: Table,
    pub referrals: Table,
    /// Advice sought (e.g. from the police before deciding): not a referral.
    pub advice: Table,
    pub support_and_sanctions: Table,
    pub evidence: Vec<EvidenceBlock>,
    pub reviews: Table,
    pub chronology: Table,
    pub outcome: Vec<Field>,
    /// SHA-256 of the record's content as exported (not of when or by whom it was printed).
    pub integrity: String,
    pub generated_by: String,
    pub generated_at: String,
    pub app_version: String,
}

/// A label and its value, from anything that becomes text.
pub fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
    }
}

/// A person's kind as printed: the label the screen shows.
pub fn kind_name(k: PersonKind) -> &'static str {
    k.label()
}

/// A person's part in an incident as printed: the label the screen shows.
pub fn role_name(r: PersonRole) -> &'static str {
    r.label()
}

/// The word a redacted copy calls someone by ("Pupil A"); someone of unknown kind is "Person A".
fn pseudonym_stem(k: PersonKind) -> &'static str {
    match k {
        PersonKind::Unknown => "Person",
        k => k.label(),
    }
}

/// The name with its letters' accents removed ("Łukasz" → "lukasz"), lower-cased: people's
/// usernames and email addresses often spell names this way.
fn folded(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' | 'ā' => 'a',
            'ć' | 'č' | 'ç' => 'c',
            'ď' | 'đ' => 'd',
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' | 'ē' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
            'ł' | 'ľ' => 'l',
            'ń' | 'ñ' | 'ň' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ť' | 'ţ' => 't',
            'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'ū' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect()
}

/// Replaces redacted names in free text with the people's role labels.
struct Redactor {
    /// (text to find, lower-cased; replacement), longest first.
    pairs: Vec<(String, String)>,
}

impl Redactor {
    fn none() -> Self {
        Self { pairs: Vec::new() }
    }

    fn apply(&self, text: &str) -> String {
        if self.pairs.is_empty() {
            return text.to_string();
        }
        let mut out = text.to_string();
        for (find, replace) in &self.pairs {
            out = replace_ci(&out, find, replace);
        }
        out
    }
}

/// Case-insensitive replace that keeps the rest of the text as it was.
fn replace_ci(text: &str, find_lower: &str, replace: &str) -> String {
    if find_lower.is_empty() {
        return text.to_string();
    }
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths; fall back to a char-wise scan when it does.
    if lower.len() != text.len() {
        let chars: Vec<char> = text.chars().collect();
        let find: Vec<char> = find_lower.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let window = chars.get(i..i + find.len());
            let hit = window.is_some_and(|w| {
                w.iter()
                    .zip(&find)
                    .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
            });
            if hit {
                out.push_str(replace);
                i += find.len();
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        return out;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, _) in lower.match_indices(find_lower) {
        if start < last {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(replace);
        last = start + find_lower.len();
    }
    out.push_str(&text[last..]);
    out
}

/// Builds the report. `keep` names the one person shown by name in a redacted copy (others
/// appear as "Pupil A", "Staff member B"); `None` gives the full copy.
#[allow(clippy::too_many_arguments)]
pub fn incident_report(
    school_name: &str,
    detail: &IncidentDetail,
    evidence: &[EvidenceItem],
    reviews: &[DeviceReview],
    redact: Option<Option<i64>>,
    generated_by: &str,
    generated_at: chrono::DateTime<chrono::Utc>,
    app_version: &str,
) -> IncidentReport {
    // Pseudonyms for a redacted copy.
    let mut pseudonym: BTreeMap<i64, String> = BTreeMap::new();
    let mut redactor = Redactor::none();
    let mut redaction_note = None;
    if let Some(keep) = redact {
        let mut next = b'A';
        for inv in &detail.people {
            if Some(inv.person.id) == keep || pseudonym.contains_key(&inv.person.id) {
                continue;
            }
            let label = format!("{} {}", pseudonym_stem(inv.person.kind), char::from(next));
            next = if next == b'Z' { b'A' } else { next + 1 };
            pseudonym.insert(inv.person.id, label);
        }
        let mut pairs = Vec::new();
        for inv in &detail.people {
            if let Some(label) = pseudonym.get(&inv.person.id) {
                pairs.push((inv.person.name.to_lowercase(), label.clone()));
                pairs.push((folded(&inv.person.name), label.clone()));
                for part in inv
                    .person
                    .name
                    .split_whitespace()
                    .filter(|p| p.chars().count() >= 3)
                {
                    pairs.push((part.to_lowercase(), label.clone()));
                    pairs.push((folded(part), label.clone()));
                }
            }
        }
        let reporter = detail.facts.reported_by_name.trim();
        if !reporter.is_empty()
            && !detail
                .people
                .iter()
                .any(|i| Some(i.person.id) == keep && i.person.name == reporter)
        {
            pairs.push((reporter.to_lowercase(), "the reporter".into()));
            for part in reporter
                .split_whitespace()
                .filter(|p| p.chars().count() >= 3)
            {
                pairs.push((part.to_lowercase(), "the reporter".into()));
            }
        }
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.chars().count()));
        pairs.dedup();
        redactor = Redactor { pairs };
        let kept = keep
            .and_then(|id| detail.people.iter().find(|i| i.person.id == id))
            .map(|i| i.person.name.clone());
        redaction_note = Some(match kept {
            Some(name) => format!("Redacted copy. Only {name} is named; everyone else appears by role, with identifying details removed."),
            None => "Redacted copy. People appear by role, with identifying details removed.".to_string(),
        });
    }
    let r = |s: &str| redactor.apply(s);
    let name_of = |id: i64, name: &str| {
        pseudonym
            .get(&id)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let person_label = |pid: Option<i64>| {
        pid.and_then(|id| detail.people.iter().find(|i| i.person.id == id))
            .map(|i| name_of(i.person.id, &i.person.name))
            .unwrap_or_default()
    };

    let f = &detail.facts;
    let activity = activity_type(&f.activity_type)
        .map(|a| a.label)
        .unwrap_or(f.activity_type.as_str());
    let mut facts = vec![
        field("Happened", uk_date_time(f.occurred_at)),
        field(
            "Reported",
            format!(
                "{} by {} ({})",
                uk_date_time(f.reported_at),
                r(&f.reported_by_name),
                r(&f.reported_by_role)
            ),
        ),
        field(
            "Recorded",
            format!(
                "{} by {}",
                uk_date_time(detail.created_at),
                detail.created_by
            ),
        ),
        field("How it came to light", f.discovery.label()),
    ];
    if let Some(m) = &f.monitoring {
        facts.push(field(
            "Monitoring alert",
            format!(
                "{}, capture {}, severity {}{}",
                m.vendor,
                m.capture_id,
                m.severity,
                match m.true_positive {
                    Some(true) => ", true positive",
                    Some(false) => ", false positive",
                    None => "",
                }
            ),
        ));
    }
    facts.push(field(
        "Where",
        format!(
            "{}{}",
            f.location.label(),
            if f.platform.is_empty() {
                String::new()
            } else {
                format!("; {}", r(&f.platform))
            }
        ),
    ));
    facts.push(field("Risk area", f.risk_area.label()));
    facts.push(field("Type", activity));
    facts.push(field("What happened", r(&f.summary)));
    if !f.childs_words.is_empty() {
        facts.push(field("The child's exact words", r(&f.childs_words)));
    }
    facts.push(field(
        "Flow followed",
        format!("{} version {}", detail.flow_id, detail.flow_version),
    ));

    let people = Table {
        headers: vec![
            "Person".into(),
            "Role in this incident".into(),
            "Details".into(),
        ],
        widths: vec![3.0, 2.0, 4.0],
        rows: detail
            .people
            .iter()
            .map(|i| {
                let redacted = pseudonym.contains_key(&i.person.id);
                let details = if redacted {
                    kind_name(i.person.kind).to_string()
                } else {
                    let mut d = vec![kind_name(i.person.kind).to_string()];
                    if let Some(y) = i.person.year_group {
                        d.push(if y == 0 {
                            "Reception".into()
                        } else {
                            format!("Year {y}")
                        });
                    }
                    if let Some(dob) = i.person.date_of_birth {
                        d.push(format!("born {}", dob.format("%d/%m/%Y")));
                    }
                    if !i.person.job_title.is_empty() {
                        d.push(i.person.job_title.clone());
                    }
                    d.join(", ")
                };
                vec![
                    name_of(i.person.id, &i.person.name),
                    role_name(i.role).into(),
                    details,
                ]
            })
            .collect(),
    };

    let route = Table {
        headers: vec![
            "Stage".into(),
            "Step".into(),
            "Answer or outcome".into(),
            "When and who".into(),
        ],
        widths: vec![1.6, 3.4, 3.6, 2.0],
        rows: detail
            .flow
            .path
            .iter()
            .map(|p| {
                let step = match p.person_id {
                    Some(pid) => format!("{} ({})", p.title, person_label(Some(pid))),
                    None => p.title.clone(),
                };
                let when = match (&p.at, &p.by) {
                    (Some(at), Some(by)) => format!("{}, {by}", uk_date_time(*at)),
                    _ => String::new(),
                };
                vec![p.section.clone(), step, r(&p.summary), when]
            })
            .collect(),
    };

    // Referrals, advice and support or sanctions, drawn from the checklist items by the
    // meaning the flow tags them with.
    let flow = crate::flow::find(&detail.flow_id, detail.flow_version).ok();
    let mut referrals = Vec::new();
    let mut advice = Vec::new();
    let mut support = Vec::new();
    let superseded: std::collections::BTreeSet<i64> = detail
        .chronology
        .iter()
        .filter(|c| c.superseded)
        .map(|c| c.entry.id)
        .collect();
    for c in &detail.chronology {
        if superseded.contains(&c.entry.id) {
            continue;
        }
        if let EntryBody::Item {
            item,
            done,
            details,
            reason,
        } = &c.entry.body
        {
            let Some(meaning) = flow
                .zip(c.entry.node_id.as_deref())
                .and_then(|(f, node)| f.item_meaning(node, item))
            else {
                continue;
            };
            let who = person_label(c.entry.person_id);
            let detail_text = |keys: &[&str]| {
                keys.iter()
                    .filter_map(|k| details.get(*k))
                    .map(|v| r(&display_value(v)))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let when = || {
                details
                    .get(fields::WHEN)
                    .map(|w| display_value(w))
                    .unwrap_or_else(|| uk_date_time(c.entry.at))
            };
            match meaning {
                ItemMeaning::Referral(_) => referrals.push(vec![
                    meaning.label().to_string(),
                    if *done { when() } else { "Not made".into() },
                    if *done {
                        detail_text(&fields::CONTACT)
                    } else {
                        r(reason)
                    },
                    detail_text(&fields::REFERENCE),
                    who,
                ]),
                ItemMeaning::Advice(_) => advice.push(vec![
                    meaning.label().to_string(),
                    if *done { when() } else { "Not sought".into() },
                    if *done {
                        detail_text(&[fields::ADVISER])
                    } else {
                        String::new()
                    },
                    if *done {
                        detail_text(&[fields::ADVICE])
                    } else {
                        r(reason)
                    },
                    who,
                ]),
                m if m.is_support_or_sanction() => support.push(vec![
                    m.label().to_string(),
                    who,
                    if *done {
                        details
                            .values()
                            .map(|v| r(&display_value(v)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    } else {
                        format!("Not done: {}", r(reason))
                    },
                ]),
                _ => {}
            }
        }
    }
    let referrals = Table {
        headers: vec![
            "Agency".into(),
            "When".into(),
            "Contact".into(),
            "Reference".into(),
            "For".into(),
        ],
        widths: vec![2.2, 1.8, 2.5, 2.0, 1.5],
        rows: referrals,
    };
    let advice = Table {
        headers: vec![
            "Advice from".into(),
            "When".into(),
            "Adviser".into(),
            "Advice".into(),
            "For".into(),
        ],
        widths: vec![2.2, 1.8, 2.0, 3.0, 1.5],
        rows: advice,
    };
    let support_and_sanctions = Table {
        headers: vec!["What".into(), "For".into(), "Detail".into()],
        widths: vec![2.0, 2.0, 5.0],
        rows: support,
    };

    let evidence = evidence
        .iter()
        .map(|e| {
            let d = &e.details;
            let mut fields = vec![
                field("Kind", d.kind.label()),
                field("Description", r(&d.description)),
            ];
            let redacted = redact.is_some();
            for (label, value, identifying) in [
                ("Make, model, serial", &d.make_model_serial, true),
                ("Address", &d.url, true),
                ("Platform and username", &d.platform_username, true),
                ("Owner", &d.owner, false),
                ("Found", &d.found_where_how, false),
            ] {
                if value.is_empty() {
                    continue;
                }
                if redacted && identifying {
                    fields.push(field(label, "Withheld in this redacted copy"));
                } else {
                    fields.push(field(label, r(value)));
                }
            }
            fields.push(field(
                "State when seized",
                format!(
                    "switched on: {}; locked: {}; network disconnected: {}",
                    d.switched_on.label(),
                    d.locked.label(),
                    d.network_disconnected.label()
                ),
            ));
            fields.push(field(
                "Now",
                match e.ended {
                    Some(end) => format!(
                        "{} ({}), {}",
                        end.label(),
                        r(&e.holder),
                        uk_date_time(e.since)
                    ),
                    None => format!(
                        "with {} at {}, since {}",
                        r(&e.holder),
                        r(&e.place),
                        uk_date_time(e.since)
                    ),
                },
            ));
            for dg in &e.digests {
                fields.push(field(
                    "File fingerprint",
                    format!(
                        "{} ({} bytes), SHA-256 {}",
                        r(&dg.file_name),
                        dg.size,
                        dg.sha256
                    ),
                ));
            }
            let mut rows = vec![vec![
                uk_date_time(d.secured_at),
                "Secured".into(),
                r(&d.secured_by),
                r(&d.stored_at),
                String::new(),
            ]];
            rows.extend(e.custody.iter().map(|c| {
                let ev = &c.event;
                vec![
                    uk_date_time(ev.at),
                    ev.action.label().to_string(),
                    if ev.to.is_empty() {
                        r(&ev.from)
                    } else {
                        format!("{} → {}", r(&ev.from), r(&ev.to))
                    },
                    r(&ev.location),
                    [
                        r(&ev.reason),
                        r(&ev.reference),
                        r(&ev.how),
                        r(&ev.authorised_by),
                    ]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("; "),
                ]
            }));
            EvidenceBlock {
                title: format!("{}: {}", e.label, r(&d.description)),
                fields,
                custody: Table {
                    headers: vec![
                        "When".into(),
                        "What".into(),
                        "Holder".into(),
                        "Where".into(),
                        "Why / reference".into(),
                    ],
                    widths: vec![1.8, 1.4, 2.6, 2.4, 2.8],
                    rows,
                },
            }
        })
        .collect();

    let reviews = Table {
        headers: vec![
            "When".into(),
            "Reviewers and machine".into(),
            "Reviewed, and why".into(),
            "Conclusion and action".into(),
        ],
        widths: vec![1.6, 2.6, 3.0, 3.0],
        rows: reviews
            .iter()
            .map(|rv| {
                let v = &rv.review;
                vec![
                    uk_date_time(v.reviewed_at),
                    format!("{} and {}; {}", v.reviewer_one, v.reviewer_two, v.machine),
                    format!("{} ({})", r(&v.reviewed), r(&v.reason)),
                    format!(
                        "{}{}",
                        r(&v.conclusion),
                        if v.action.is_empty() {
                            String::new()
                        } else {
                            format!(". {}", r(&v.action))
                        }
                    ),
                ]
            })
            .collect(),
    };

    let chronology = Table {
        headers: vec![
            "When".into(),
            "Who".into(),
            "Step".into(),
            "What was recorded".into(),
        ],
        widths: vec![1.7, 1.6, 2.6, 5.0],
        rows: std::iter::once(vec![
            uk_date_time(detail.created_at),
            detail.created_by.clone(),
            "Intake".into(),
            "Incident recorded.".into(),
        ])
        .chain(detail.chronology.iter().map(|c| {
            let step = match c.entry.person_id {
                Some(pid) => format!("{} ({})", c.step, person_label(Some(pid))),
                None => c.step.clone(),
            };
            let text = if c.superseded {
                format!("[Replaced by a later entry] {}", r(&c.text))
            } else {
                r(&c.text)
            };
            vec![
                uk_date_time(c.entry.at),
                c.entry.user_name.clone(),
                step,
                text,
            ]
        }))
        .collect(),
    };

    let mut outcome = Vec::new();
    for c in detail.chronology.iter().rev() {
        if let EntryBody::Item {
            item,
            done: true,
            details,
            ..
        } = &c.entry.body
        {
            let closes = flow
                .zip(c.entry.node_id.as_deref())
                .and_then(|(f, node)| f.item_meaning(node, item))
                == Some(ItemMeaning::Closure);
            if closes && !c.superseded {
                for (k, label) in fields::CLOSURE {
                    if let Some(v) = details.get(k) {
                        outcome.push(field(label, r(&display_value(v))));
                    }
                }
                break;
            }
        }
    }
    let status = detail.flow.status.label();
    if outcome.is_empty() {
        outcome.push(field(
            "Outcome",
            "Not yet recorded: the incident is still open.",
        ));
    }

    let mut report = IncidentReport {
        school_name: school_name.to_string(),
        reference: detail.reference.clone(),
        status: status.to_string(),
        redaction_note,
        facts,
        people,
        route,
        referrals,
        advice,
        support_and_sanctions,
        evidence,
        reviews,
        chronology,
        outcome,
        integrity: String::new(),
        generated_by: generated_by.to_string(),
        generated_at: uk_date_time(generated_at),
        app_version: app_version.to_string(),
    };
    report.integrity = integrity_digest(&report);
    report
}

/// SHA-256 over the record's content, leaving out when and by whom it was printed, so that the
/// same record exported twice gives the same digest.
pub fn integrity_digest(report: &IncidentReport) -> String {
    let mut content = report.clone();
    content.integrity = String::new();
    content.generated_at = String::new();
    content.generated_by = String::new();
    let json = serde_json::to_vec(&content).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

#[cfg(test)]
mod tests {
    use super::replace_ci;

    #[test]
    fn replaces_names_whatever_their_case() {
        assert_eq!(
            replace_ci("Zoë told ZOË and zoë", "zoë", "Pupil A"),
            "Pupil A told Pupil A and Pupil A"
        );
        assert_eq!(
            replace_ci("Tom Brown met tom", "tom", "Pupil B"),
            "Pupil B Brown met Pupil B"
        );
        assert_eq!(replace_ci("nothing here", "tom", "x"), "nothing here");
    }
}
