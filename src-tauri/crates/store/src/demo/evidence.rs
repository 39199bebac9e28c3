//! The evidence a DSL would secure for a generated incident: devices and captures for illegal
//! incidents (handed to the police, some returned later), screenshots or captures for others.

use chrono::{DateTime, Duration, Utc};
use dsl_domain::evidence::{CustodyAction, CustodyInput, EvidenceInput, EvidenceKind, Tristate};

use super::{Batch, Rng};
use crate::evidence::{insert_custody, insert_item};
use crate::incidents::WriteError;

/// Registers the incident's evidence; returns how many items.
pub(super) fn add_evidence(
    b: &Batch<'_>,
    rng: &mut Rng,
    incident: i64,
    illegal: bool,
    recorded: DateTime<Utc>,
) -> Result<(u32, Option<i64>), WriteError> {
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
    let mut first = None;
    for n in 0..count {
        let secured_at = recorded + Duration::minutes(5 + rng.below(90) as i64);
        if secured_at > b.until {
            break;
        }
        let device = illegal && n == 0;
        let input = item_input(rng, device, secured_at);
        let item = insert_item(b.tx, b.user, incident, &input, secured_at)?;
        if first.is_none() {
            let number: i64 = b.tx.query_row(
                "SELECT number FROM evidence_items WHERE id = ?1",
                [item],
                |r| r.get("number"),
            )?;
            first = Some(number);
        }
        added += 1;
        if illegal {
            police_custody(b, rng, item, device, secured_at)?;
        }
    }
    Ok((added, first))
}

/// An item as the DSL describes it, without viewing the content.
fn item_input(rng: &mut Rng, device: bool, secured_at: DateTime<Utc>) -> EvidenceInput {
    let kind = if device {
        EvidenceKind::Device
    } else {
        *rng.pick(&[
            EvidenceKind::Screenshot,
            EvidenceKind::MonitoringCapture,
            EvidenceKind::Message,
        ])
    };
    let known_if_device = if device {
        Tristate::Yes
    } else {
        Tristate::NotKnown
    };
    EvidenceInput {
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
        locked: known_if_device,
        network_disconnected: known_if_device,
        secured_by: "DSL".into(),
        secured_at,
        stored_at: format!(
            "Locked cabinet, DSL office, sealed bag {:04}",
            rng.below(10_000)
        ),
    }
}

/// The item handed to the police and, for some devices, returned to the family later.
fn police_custody(
    b: &Batch<'_>,
    rng: &mut Rng,
    item: i64,
    device: bool,
    secured_at: DateTime<Utc>,
) -> Result<(), WriteError> {
    let handed = secured_at + Duration::hours(2 + rng.below(48) as i64);
    if handed > b.until {
        return Ok(());
    }
    let pc = rng.below(9000) + 1000;
    insert_custody(
        b.tx,
        b.user,
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
    if device && back <= b.until && rng.chance(50) {
        insert_custody(
            b.tx,
            b.user,
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
    Ok(())
}
