//! The evidence register: metadata and chain of custody only, never the evidence itself.
//! Where an item is and who holds it always follow from its custody log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::incident::{check_name, check_text, MAX_SHORT_CHARS, MAX_TEXT_CHARS};
use crate::{ApiError, ErrorKind};

/// What an item of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum EvidenceKind {
    Device,
    Screenshot,
    File,
    Url,
    Message,
    Email,
    MonitoringCapture,
    Paper,
    Other,
}

/// On, off or not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Tristate {
    Yes,
    No,
    NotKnown,
}

/// A new item for the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EvidenceInput {
    pub kind: EvidenceKind,
    pub description: String,
    /// Make, model and serial number, for a device.
    pub make_model_serial: String,
    /// A web address, for a URL.
    pub url: String,
    /// Platform and username, for an account or message.
    pub platform_username: String,
    pub owner: String,
    pub found_where_how: String,
    pub switched_on: Tristate,
    pub locked: Tristate,
    pub network_disconnected: Tristate,
    pub secured_by: String,
    pub secured_at: DateTime<Utc>,
    /// Where it is kept, e.g. "Locked cabinet, DSL office, sealed bag 0042".
    pub stored_at: String,
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CustodyAction {
    /// Handed from one person to another (e.g. to a police officer).
    HandedOver,
    /// Moved to another place by the same holder.
    Moved,
    /// End of life: returned to its owner.
    Returned,
    /// End of life: retained (e.g. by the police as an exhibit).
    Retained,
    /// End of life: destroyed.
    Destroyed,
}

impl CustodyAction {
    /// True for the actions that end an item's life in the register.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CustodyAction::Returned | CustodyAction::Retained | CustodyAction::Destroyed
        )
    }
}

/// One line of an item's custody log, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustodyInput {
    pub action: CustodyAction,
    pub at: DateTime<Utc>,
    pub from: String,
    pub to: String,
    /// Where the item is afterwards.
    pub location: String,
    pub reason: String,
    /// E.g. "handed to PC 1234, crime ref CR/118/26".
    pub reference: String,
    /// For destruction: how, and who authorised it.
    pub how: String,
    pub authorised_by: String,
}

/// A custody event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustodyEvent {
    #[ts(type = "number")]
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub event: CustodyInput,
}

/// A file's fingerprint, computed without opening it for view and without copying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FileDigest {
    #[ts(type = "number")]
    pub id: i64,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
    pub computed_at: DateTime<Utc>,
    pub computed_by: String,
}

/// The outcome of checking a file against a stored fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DigestCheck {
    pub same: bool,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
}

/// An item in the register, with where it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EvidenceItem {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub incident_id: i64,
    pub incident_reference: String,
    /// E.g. "E1": the item's number within its incident.
    pub label: String,
    pub details: EvidenceInput,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub custody: Vec<CustodyEvent>,
    pub digests: Vec<FileDigest>,
    pub holder: String,
    pub place: String,
    pub since: DateTime<Utc>,
    /// Set once the item has been returned, retained or destroyed.
    #[ts(optional)]
    pub ended: Option<CustodyAction>,
    /// The current holder looks like the police.
    pub with_police: bool,
}

/// A record of reviewing devices or sites (seed 003 §10.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceReviewInput {
    pub reviewer_one: String,
    pub reviewer_two: String,
    pub machine: String,
    pub reviewed: String,
    pub reason: String,
    pub conclusion: String,
    pub action: String,
    pub reviewed_at: DateTime<Utc>,
}

/// A device review as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceReview {
    #[ts(type = "number")]
    pub id: i64,
    pub recorded_by: String,
    pub review: DeviceReviewInput,
}

/// Who holds an item and where it is, from its details and custody log (in order).
pub fn whereabouts(
    details: &EvidenceInput,
    custody: &[CustodyEvent],
) -> (String, String, DateTime<Utc>, Option<CustodyAction>) {
    let mut holder = details.secured_by.clone();
    let mut place = details.stored_at.clone();
    let mut since = details.secured_at;
    let mut ended = None;
    for c in custody {
        let e = &c.event;
        if !e.to.is_empty() {
            holder = e.to.clone();
        }
        if !e.location.is_empty() {
            place = e.location.clone();
        }
        since = e.at;
        if e.action.is_final() {
            ended = Some(e.action);
        }
    }
    (holder, place, since, ended)
}

/// True when a holder's description names the police.
pub fn is_police(holder: &str) -> bool {
    let h = holder.to_lowercase();
    [
        "police",
        "pc ",
        "ds ",
        "dc ",
        "officer",
        "ceop",
        "constable",
        "detective",
    ]
    .iter()
    .any(|w| h.contains(w))
}

fn short(field: &str, v: &str, required: bool) -> Result<String, ApiError> {
    check_text(field, v, MAX_SHORT_CHARS, required)
}

/// A person's or holder's name.
fn name(field: &str, v: &str, required: bool) -> Result<String, ApiError> {
    check_name(field, v, MAX_SHORT_CHARS, required)
}

/// Checks a new item against the time now.
pub fn check_evidence(e: &EvidenceInput, now: DateTime<Utc>) -> Result<EvidenceInput, ApiError> {
    if e.secured_at > now {
        return Err(ApiError::validation(
            "securedAt",
            "When it was secured cannot be in the future.",
        ));
    }
    let out = EvidenceInput {
        kind: e.kind,
        description: check_text("description", &e.description, MAX_TEXT_CHARS, true)?,
        make_model_serial: short("makeModelSerial", &e.make_model_serial, false)?,
        url: short("url", &e.url, e.kind == EvidenceKind::Url)?,
        platform_username: short("platformUsername", &e.platform_username, false)?,
        owner: name("owner", &e.owner, false)?,
        found_where_how: check_text("foundWhereHow", &e.found_where_how, MAX_TEXT_CHARS, false)?,
        switched_on: e.switched_on,
        locked: e.locked,
        network_disconnected: e.network_disconnected,
        secured_by: name("securedBy", &e.secured_by, true)?,
        secured_at: e.secured_at,
        stored_at: short("storedAt", &e.stored_at, true)?,
    };
    if out.kind == EvidenceKind::Device && out.make_model_serial.is_empty() {
        return Err(ApiError::validation(
            "makeModelSerial",
            "Give the device's make and model (and serial number if it shows).",
        ));
    }
    Ok(out)
}

/// Checks a custody event against the item's log: in time order, after it was secured, and
/// nothing after the end of its life.
pub fn check_custody(
    details: &EvidenceInput,
    custody: &[CustodyEvent],
    input: &CustodyInput,
    now: DateTime<Utc>,
) -> Result<CustodyInput, ApiError> {
    let (holder, _, since, ended) = whereabouts(details, custody);
    if ended.is_some() {
        return Err(ApiError::new(
            ErrorKind::Conflict,
            "This item has been returned, retained or destroyed: its log is closed.",
        ));
    }
    if input.at > now {
        return Err(ApiError::validation(
            "at",
            "A hand-over cannot be in the future.",
        ));
    }
    if input.at < details.secured_at {
        return Err(ApiError::validation(
            "at",
            "A hand-over cannot be before the item was secured.",
        ));
    }
    if input.at < since {
        return Err(ApiError::validation(
            "at",
            "A hand-over cannot be before the last one in the log.",
        ));
    }
    let to_required = matches!(
        input.action,
        CustodyAction::HandedOver | CustodyAction::Returned
    );
    let out = CustodyInput {
        action: input.action,
        at: input.at,
        from: if input.from.trim().is_empty() {
            holder
        } else {
            name("from", &input.from, true)?
        },
        to: name("to", &input.to, to_required)?,
        location: short(
            "location",
            &input.location,
            input.action == CustodyAction::Moved,
        )?,
        reason: check_text("reason", &input.reason, MAX_TEXT_CHARS, true)?,
        reference: short("reference", &input.reference, false)?,
        how: short("how", &input.how, input.action == CustodyAction::Destroyed)?,
        authorised_by: name(
            "authorisedBy",
            &input.authorised_by,
            input.action == CustodyAction::Destroyed,
        )?,
    };
    Ok(out)
}

/// Checks a device review: two different reviewers and what was found.
pub fn check_review(
    r: &DeviceReviewInput,
    now: DateTime<Utc>,
) -> Result<DeviceReviewInput, ApiError> {
    if r.reviewed_at > now {
        return Err(ApiError::validation(
            "reviewedAt",
            "A review cannot be in the future.",
        ));
    }
    let one = name("reviewerOne", &r.reviewer_one, true)?;
    let two = name("reviewerTwo", &r.reviewer_two, true)?;
    if one.to_lowercase() == two.to_lowercase() {
        return Err(ApiError::validation(
            "reviewerTwo",
            "A review needs two different reviewers.",
        ));
    }
    Ok(DeviceReviewInput {
        reviewer_one: one,
        reviewer_two: two,
        machine: short("machine", &r.machine, true)?,
        reviewed: check_text("reviewed", &r.reviewed, MAX_TEXT_CHARS, true)?,
        reason: check_text("reason", &r.reason, MAX_TEXT_CHARS, true)?,
        conclusion: check_text("conclusion", &r.conclusion, MAX_TEXT_CHARS, true)?,
        action: check_text("action", &r.action, MAX_TEXT_CHARS, false)?,
        reviewed_at: r.reviewed_at,
    })
}

#[cfg(test)]
#[path = "evidence_tests.rs"]
mod tests;
