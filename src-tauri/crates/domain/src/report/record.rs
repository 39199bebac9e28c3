//! The record's own sections: the facts, the people, the route through the flowchart and the
//! chronology.

use super::{field, Ctx, Field, Table};
use crate::incident::{activity_type, Involvement};
use crate::time::{happened_and_recorded, uk_date_time};

/// How the monitoring alert is printed: "Vendor, capture X, severity Y, true positive".
fn monitoring_text(m: &crate::incident::MonitoringAlert) -> String {
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
    )
}

/// 1. The incident: when, who reported it, how it came to light, where, what happened.
pub(super) fn facts(cx: &Ctx) -> Vec<Field> {
    let detail = cx.detail;
    let f = &detail.facts;
    let activity = activity_type(detail.flow_version, &f.activity_type)
        .map(|a| a.label.as_str())
        .unwrap_or(f.activity_type.as_str());
    let mut facts = vec![
        field("Happened", uk_date_time(f.occurred_at)),
        field("Reported", reported(cx)),
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
        facts.push(field("Monitoring alert", monitoring_text(m)));
    }
    let platform = if f.platform.is_empty() {
        String::new()
    } else {
        format!("; {}", cx.r(&f.platform))
    };
    facts.push(field("Where", format!("{}{platform}", f.location.label())));
    facts.push(field("Risk area", f.risk_area.label()));
    facts.push(field("Type", activity));
    facts.push(field("What happened", cx.r(&f.summary)));
    if !f.childs_words.is_empty() {
        facts.push(field("The child's exact words", cx.r(&f.childs_words)));
    }
    facts.push(field(
        "Flow followed",
        format!("{} version {}", detail.flow_id, detail.flow_version),
    ));
    facts
}

/// When it was reported and by whom; in a redacted copy that does not name the reporter, their
/// role is given in general words (a job title identifies them as surely as a name).
fn reported(cx: &Ctx) -> String {
    let f = &cx.detail.facts;
    let by = cx.r(&f.reported_by_name);
    let when = uk_date_time(f.reported_at);
    if cx.redaction.redacted && by != f.reported_by_name {
        format!(
            "{when} by {by} ({})",
            super::redaction::general_role(&f.reported_by_role)
        )
    } else {
        format!("{when} by {by} ({})", cx.r(&f.reported_by_role))
    }
}

/// A person's details as printed: kind, year, date of birth, job title (kind only when they
/// appear by role).
fn person_details(cx: &Ctx, i: &Involvement) -> String {
    let kind = i.person.kind.label().to_string();
    if cx.redaction.hides(i.person.id) {
        return kind;
    }
    let mut d = vec![kind];
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
}

/// 2. People involved.
pub(super) fn people(cx: &Ctx) -> Table {
    Table::new(
        &["Person", "Role in this incident", "Details"],
        &[3.0, 2.0, 4.0],
        cx.detail
            .people
            .iter()
            .map(|i| {
                vec![
                    cx.redaction.name_of(i.person.id, &i.person.name),
                    i.role.label().into(),
                    person_details(cx, i),
                ]
            })
            .collect(),
    )
}

/// 3. Route through the flowchart.
pub(super) fn route(cx: &Ctx) -> Table {
    Table::new(
        &["Stage", "Step", "Answer or outcome", "When and who"],
        &[1.6, 3.4, 3.6, 2.0],
        cx.detail
            .flow
            .path
            .iter()
            .map(|p| {
                let when = match (&p.at, &p.by) {
                    (Some(at), Some(by)) => {
                        format!("{}, {by}", happened_and_recorded(p.happened, *at))
                    }
                    _ => String::new(),
                };
                vec![
                    p.section.clone(),
                    cx.step_for(&p.title, p.person_id),
                    cx.r(&p.summary),
                    when,
                ]
            })
            .collect(),
    )
}

/// 9. Chronology: the intake, then every entry, replaced ones marked.
pub(super) fn chronology(cx: &Ctx) -> Table {
    let detail = cx.detail;
    let intake = vec![
        uk_date_time(detail.created_at),
        detail.created_by.clone(),
        "Intake".into(),
        "Incident recorded.".into(),
    ];
    let entries = detail.chronology.iter().map(|c| {
        let text = if c.superseded {
            format!("[Replaced by a later entry] {}", cx.r(&c.text))
        } else {
            cx.r(&c.text)
        };
        vec![
            happened_and_recorded(c.entry.happened, c.entry.at),
            c.entry.user_name.clone(),
            cx.step_for(&c.step, c.entry.person_id),
            text,
        ]
    });
    Table::new(
        &["When", "Who", "Step", "What was recorded"],
        &[1.7, 1.6, 2.6, 5.0],
        std::iter::once(intake).chain(entries).collect(),
    )
}
