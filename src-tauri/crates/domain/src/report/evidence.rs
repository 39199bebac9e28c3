//! The evidence register, with each item's custody log, and the reviews of devices or sites.

use super::{field, Ctx, EvidenceBlock, Field, Table};
use crate::evidence::{CustodyEvent, DeviceReview, EvidenceItem, EvidenceKind, Tristate};
use crate::time::uk_date_time;

/// An item's details: what it is, where it was found, its state when seized, where it is now
/// and its files' fingerprints. Identifying details are withheld from a redacted copy.
fn item_fields(cx: &Ctx, e: &EvidenceItem) -> Vec<Field> {
    let d = &e.details;
    let mut fields = vec![
        field("Kind", d.kind.label()),
        field("Description", cx.r(&d.description)),
    ];
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
        if cx.redaction.redacted && identifying {
            fields.push(field(label, "Withheld in this redacted copy"));
        } else {
            fields.push(field(label, cx.r(value)));
        }
    }
    // A device's state when seized is printed, known or not; for a screenshot, a file or a page
    // it does not apply, and only what was recorded of it is printed.
    let device = d.kind == EvidenceKind::Device;
    let states: Vec<String> = [
        ("switched on", d.switched_on),
        ("locked", d.locked),
        ("network disconnected", d.network_disconnected),
    ]
    .iter()
    .filter(|(_, s)| device || *s != Tristate::NotKnown)
    .map(|(what, s)| format!("{what}: {}", s.label()))
    .collect();
    if !states.is_empty() {
        fields.push(field("State when seized", states.join("; ")));
    }
    fields.push(field(
        "Now",
        match e.ended {
            Some(end) => format!(
                "{} ({}), {}",
                end.label(),
                cx.r(&e.holder),
                uk_date_time(e.since)
            ),
            None => format!(
                "with {} at {}, since {}",
                cx.r(&e.holder),
                cx.r(&e.place),
                uk_date_time(e.since)
            ),
        },
    ));
    for dg in &e.digests {
        fields.push(field(
            "File fingerprint",
            format!(
                "{} ({} bytes), SHA-256 {}",
                cx.r(&dg.file_name),
                dg.size,
                dg.sha256
            ),
        ));
    }
    fields
}

/// One line of a custody log.
fn custody_row(cx: &Ctx, c: &CustodyEvent) -> Vec<String> {
    let ev = &c.event;
    let holder = if ev.to.is_empty() {
        cx.r(&ev.from)
    } else {
        format!("{} → {}", cx.r(&ev.from), cx.r(&ev.to))
    };
    let why = super::joined([
        cx.r(&ev.reason),
        cx.r(&ev.reference),
        cx.r(&ev.how),
        cx.r(&ev.authorised_by),
    ]);
    vec![
        uk_date_time(ev.at),
        ev.action.label().to_string(),
        holder,
        cx.r(&ev.location),
        why,
    ]
}

/// 6. Evidence register: each item, then its custody from when it was secured.
pub(super) fn blocks(cx: &Ctx, evidence: &[EvidenceItem]) -> Vec<EvidenceBlock> {
    evidence
        .iter()
        .map(|e| {
            let d = &e.details;
            let secured = vec![
                uk_date_time(d.secured_at),
                "Secured".into(),
                cx.r(&d.secured_by),
                cx.r(&d.stored_at),
                String::new(),
            ];
            let rows = std::iter::once(secured)
                .chain(e.custody.iter().map(|c| custody_row(cx, c)))
                .collect();
            EvidenceBlock {
                title: format!("{}: {}", e.label, cx.r(&d.description)),
                fields: item_fields(cx, e),
                custody: Table::new(
                    &["When", "What", "Holder", "Where", "Why / reference"],
                    &[1.8, 1.4, 2.6, 2.4, 2.8],
                    rows,
                ),
            }
        })
        .collect()
}

/// 7. Reviews of devices or sites.
pub(super) fn reviews(cx: &Ctx, reviews: &[DeviceReview]) -> Table {
    Table::new(
        &[
            "When",
            "Reviewers and machine",
            "Reviewed, and why",
            "Conclusion and action",
        ],
        &[1.6, 2.6, 3.0, 3.0],
        reviews
            .iter()
            .map(|rv| {
                let v = &rv.review;
                let action = if v.action.is_empty() {
                    String::new()
                } else {
                    format!(". {}", cx.r(&v.action))
                };
                vec![
                    uk_date_time(v.reviewed_at),
                    format!("{} and {}; {}", v.reviewer_one, v.reviewer_two, v.machine),
                    format!("{} ({})", cx.r(&v.reviewed), cx.r(&v.reason)),
                    format!("{}{action}", cx.r(&v.conclusion)),
                ]
            })
            .collect(),
    )
}
