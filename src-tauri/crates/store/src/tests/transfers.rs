//! The transfer log: records sent to a pupil's new school, and the receipts.

use chrono::Duration;
use dsl_domain::incident::{PersonKind, PersonRole};
use dsl_domain::transfer::{ReceiptInput, TransferInput};
use dsl_domain::ErrorKind;

use super::records::{d, incident, person, person_id};
use super::support::{now, vault};
use crate::{StoreError, WriteError};

#[test]
fn transfers_are_logged_with_a_receipt_due_in_five_school_days() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(dir.path());
    let id = incident(
        &mut v,
        "Case to transfer",
        vec![
            person(
                PersonKind::Pupil,
                "Łukasz Mover",
                Some(d(2011, 2, 2)),
                PersonRole::Victim,
            ),
            person(PersonKind::Parent, "Mrs Other", None, PersonRole::Reporter),
        ],
    )
    .expect("incident");
    let pupil = person_id(&v, id, "Łukasz Mover");
    let parent = person_id(&v, id, "Mrs Other");
    // Sunday 22 November 2026 (the test's now) minus 4 days: Wednesday 18 November.
    let sent_at = now() - Duration::days(4);
    let input = TransferInput {
        person_id: pupil,
        to_school: "Northfield Academy".into(),
        method: "Secure transfer system".into(),
        sent_at,
    };
    let set = v
        .person_reports(pupil, "Jo DSL", now(), "test")
        .expect("reports");
    assert_eq!(set.reports.len(), 1);
    assert_eq!(set.roles, ["Victim"]);
    let refs: Vec<String> = set.reports.iter().map(|r| r.reference.clone()).collect();
    let t = v.log_transfer(&input, &refs, now()).expect("logged");
    assert_eq!(t.receipt_due, d(2026, 11, 25), "Thu, Fri, Mon, Tue, Wed");
    assert!(!t.overdue);
    assert_eq!(t.references, refs);
    assert_eq!(t.sent_by, "Jo DSL");
    let log = v.transfers(None, d(2026, 11, 26)).expect("log");
    assert!(log[0].overdue, "no receipt after five school days");

    // Only a pupil's records transfer.
    let parent_input = TransferInput {
        person_id: parent,
        ..input.clone()
    };
    assert!(matches!(
        v.log_transfer(&parent_input, &[], now()),
        Err(WriteError::Store(StoreError::Conflict(_)))
    ));
    // A receipt before sending is refused; a good one clears the reminder; a second is refused.
    let early = ReceiptInput {
        transfer_id: t.id,
        received_on: d(2026, 11, 17),
        acknowledged_by: "Ms Okafor, DSL".into(),
    };
    match v.record_receipt(&early, now()) {
        Err(WriteError::Rejected(e)) => assert_eq!(e.kind, ErrorKind::Validation),
        other => panic!("expected a rejection, got {other:?}"),
    }
    let good = ReceiptInput {
        received_on: d(2026, 11, 20),
        ..early
    };
    v.record_receipt(&good, now()).expect("receipt");
    let log = v.transfers(Some(pupil), d(2026, 12, 1)).expect("log");
    assert!(!log[0].overdue);
    assert_eq!(
        log[0].receipt.as_ref().map(|r| r.acknowledged_by.as_str()),
        Some("Ms Okafor, DSL")
    );
    assert!(matches!(
        v.record_receipt(&good, now()),
        Err(WriteError::Store(StoreError::Conflict(_)))
    ));
    assert!(v
        .transfers(Some(parent), d(2026, 12, 1))
        .expect("none")
        .is_empty());
    assert!(v.verify_audit().expect("verify").broken.is_none());
}
