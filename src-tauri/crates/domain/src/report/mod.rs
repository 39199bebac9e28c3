//! The incident report's view model: everything the printed record holds, already in words,
//! with the redaction for a parent or subject access request applied. Each section is built by
//! its own function; [`incident_report`] puts them together.

mod allegation;
mod checklist;
mod evidence;
mod record;
mod redaction;
pub use redaction::{mentions, MentionFinder};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::evidence::{DeviceReview, EvidenceItem};
use crate::flow::{EntryBody, FlowDefinition, FlowEntry, Mark};
use crate::incident::{IncidentDetail, PersonKind, PersonRole};
use crate::meaning::ItemMeaning;
use crate::time::uk_date_time;
pub use allegation::AllegationBlock;
use redaction::Redaction;

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

impl Table {
    /// A table with these headings and relative widths.
    fn new(headers: &[&str], widths: &[f32], rows: Vec<Vec<String>>) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            widths: widths.to_vec(),
            rows,
        }
    }
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
    /// "Restricted: only … may open this record" when the record is restricted.
    pub restriction_note: Option<String>,
    /// What its readers look for first, on page 1: status, references, people and decisions.
    pub at_a_glance: Vec<Field>,
    pub facts: Vec<Field>,
    pub people: Table,
    pub route: Table,
    pub referrals: Table,
    /// Advice sought (e.g. from the police before deciding): not a referral.
    pub advice: Table,
    pub support_and_sanctions: Table,
    /// Allegations about adults: one block per adult (empty when there is none).
    pub allegations: Vec<AllegationBlock>,
    pub evidence: Vec<EvidenceBlock>,
    pub reviews: Table,
    pub chronology: Table,
    pub outcome: Vec<Field>,
    /// Who signs it: the DSL, and the headteacher (the chair of governors when the allegation
    /// is about the headteacher).
    pub sign_off: Vec<String>,
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

/// Parts of one entry printed together: each after a sentence starts a new sentence, each
/// after anything else is set off with a semicolon ("Supported. Closure reason: …", never
/// "supported.; Closure reason"). Empty parts are left out.
pub fn joined<S: AsRef<str>>(parts: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part.as_ref().trim();
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', '!', '?']) {
                " "
            } else {
                "; "
            });
        }
        out.push_str(part);
    }
    out
}

/// A person's kind as printed: the label the screen shows.
pub fn kind_name(k: PersonKind) -> &'static str {
    k.label()
}

/// A person's part in an incident as printed: the label the screen shows.
pub fn role_name(r: PersonRole) -> &'static str {
    r.label()
}

/// What every section builder reads: the incident, how this copy names people, and the flow
/// the incident followed (for what its checklist items mean).
struct Ctx<'a> {
    detail: &'a IncidentDetail,
    redaction: Redaction,
    flow: Option<&'static FlowDefinition>,
}

impl Ctx<'_> {
    /// Free text as this copy prints it.
    fn r(&self, text: &str) -> String {
        self.redaction.text(text)
    }

    /// The person's name (or role label) by id; empty when there is none.
    fn person_label(&self, pid: Option<i64>) -> String {
        pid.and_then(|id| self.detail.people.iter().find(|i| i.person.id == id))
            .map(|i| self.redaction.name_of(i.person.id, &i.person.name))
            .unwrap_or_default()
    }

    /// A step's title, with the person it was for.
    fn step_for(&self, title: &str, pid: Option<i64>) -> String {
        match pid {
            Some(pid) => format!("{title} ({})", self.person_label(Some(pid))),
            None => title.to_string(),
        }
    }

    /// What a checklist item entry means, from the flow's tags.
    fn meaning(&self, entry: &FlowEntry) -> Option<ItemMeaning> {
        let EntryBody::Item { item, .. } = &entry.body else {
            return None;
        };
        self.flow
            .zip(entry.node_id.as_deref())
            .and_then(|(f, node)| f.item_meaning(node, item))
    }
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
    let mut redaction = Redaction::new(detail, redact);
    redaction.withhold_usernames(
        evidence
            .iter()
            .map(|e| e.details.platform_username.as_str()),
    );
    let cx = Ctx {
        detail,
        redaction,
        flow: crate::flow::find(&detail.flow_id, detail.flow_version).ok(),
    };
    let actions = checklist::actions(&cx);
    let mut report = IncidentReport {
        school_name: school_name.to_string(),
        reference: detail.reference.clone(),
        status: detail.flow.status.label().to_string(),
        redaction_note: cx.redaction.note.clone(),
        restriction_note: None,
        at_a_glance: Vec::new(),
        facts: record::facts(&cx),
        people: record::people(&cx),
        route: record::route(&cx),
        referrals: actions.referrals,
        advice: actions.advice,
        support_and_sanctions: actions.support,
        allegations: allegation::blocks(&cx),
        evidence: evidence::blocks(&cx, evidence),
        reviews: evidence::reviews(&cx, reviews),
        chronology: record::chronology(&cx),
        outcome: checklist::outcome(&cx),
        sign_off: allegation::sign_off(&cx),
        integrity: String::new(),
        generated_by: generated_by.to_string(),
        generated_at: uk_date_time(generated_at),
        app_version: app_version.to_string(),
    };
    report.at_a_glance = at_a_glance(&cx, &report);
    report.integrity = integrity_digest(&report);
    report
}

/// Page 1's summary, from the sections already built: the status and the judgement, every
/// agency's reference, who was involved and each question answered on the route.
fn at_a_glance(cx: &Ctx, report: &IncidentReport) -> Vec<Field> {
    let flow = &cx.detail.flow;
    let judged = match flow.mark {
        // As the governor figures count it: the illegal route was followed first.
        Some(Mark::NotIllegal) if flow.was_illegal => {
            "Referred to the police, who found nothing illegal".to_string()
        }
        Some(m) => m.label().to_string(),
        None => "Not yet decided".to_string(),
    };
    let references = joined(
        report
            .referrals
            .rows
            .iter()
            .filter(|r| r.get(3).is_some_and(|x| !x.trim().is_empty()))
            .map(|r| format!("{}: {}", r[0], r[3])),
    );
    let people = joined(
        report
            .people
            .rows
            .iter()
            .map(|r| format!("{} ({})", r[0], r[1].to_lowercase())),
    );
    let decisions: Vec<String> = cx
        .detail
        .flow
        .path
        .iter()
        .filter(|p| {
            cx.flow
                .and_then(|f| f.node(&p.node_id))
                .is_some_and(|n| matches!(n.kind, crate::flow::NodeKind::Question { .. }))
        })
        .map(|p| {
            let step = cx.step_for(&p.title, p.person_id);
            // "Was illegal material found? Yes", not "found?: Yes".
            let sep = if step.ends_with('?') { " " } else { ": " };
            format!("{step}{sep}{}", cx.r(&p.summary))
        })
        .collect();
    vec![
        field("Status", report.status.clone()),
        field("Judged", judged),
        field(
            "References",
            if references.is_empty() {
                "None recorded".to_string()
            } else {
                references
            },
        ),
        field(
            "People",
            if people.is_empty() {
                "None recorded".to_string()
            } else {
                people
            },
        ),
        field(
            "Decisions",
            if decisions.is_empty() {
                "None recorded yet".to_string()
            } else {
                decisions.join("\n")
            },
        ),
    ]
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
mod joined_tests {
    #[test]
    fn parts_read_as_sentences_or_a_list() {
        assert_eq!(
            super::joined(["The child was supported.", "Closure reason: resolved"]),
            "The child was supported. Closure reason: resolved"
        );
        assert_eq!(super::joined(["CR/1", "", " by phone "]), "CR/1; by phone");
        assert_eq!(super::joined(Vec::<String>::new()), "");
    }
}
