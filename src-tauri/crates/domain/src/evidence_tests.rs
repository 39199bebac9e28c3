//! Tests for `evidence.rs`.

use super::*;
use chrono::{Duration, TimeZone};

fn t(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::hours(h)
}

fn phone() -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Device,
        description: "Pupil's phone".into(),
        make_model_serial: "Apple iPhone 13, serial F2LX".into(),
        url: String::new(),
        platform_username: String::new(),
        owner: "Zoë".into(),
        found_where_how: "Handed in by Zoë".into(),
        switched_on: Tristate::Yes,
        locked: Tristate::Yes,
        network_disconnected: Tristate::Yes,
        secured_by: "Jo Bloggs (DSL)".into(),
        secured_at: t(0),
        stored_at: "DSL office safe, sealed bag 0042".into(),
    }
}

fn event(
    id: i64,
    action: CustodyAction,
    at: DateTime<Utc>,
    to: &str,
    location: &str,
) -> CustodyEvent {
    CustodyEvent {
        id,
        recorded_at: at,
        recorded_by: "DSL".into(),
        event: CustodyInput {
            action,
            at,
            from: String::new(),
            to: to.into(),
            location: location.into(),
            reason: "r".into(),
            reference: String::new(),
            how: String::new(),
            authorised_by: String::new(),
        },
    }
}

#[test]
fn current_holder_follows_the_log() {
    let p = phone();
    assert_eq!(whereabouts(&p, &[]).0, "Jo Bloggs (DSL)");
    let log = vec![
        event(
            1,
            CustodyAction::HandedOver,
            t(2),
            "PC 1234 Ahmed, Met Police",
            "Police property store",
        ),
        event(2, CustodyAction::Returned, t(50), "Zoë's mother", ""),
    ];
    let (holder, place, since, ended) = whereabouts(&p, &log[..1]);
    assert_eq!(
        (holder.as_str(), place.as_str(), since),
        ("PC 1234 Ahmed, Met Police", "Police property store", t(2))
    );
    assert!(ended.is_none());
    assert!(is_police(&holder));
    let (holder, _, _, ended) = whereabouts(&p, &log);
    assert_eq!(holder, "Zoë's mother");
    assert_eq!(ended, Some(CustodyAction::Returned));
}

#[test]
fn custody_order_is_enforced() {
    let p = phone();
    let mut input = event(0, CustodyAction::HandedOver, t(-1), "PC 1", "").event;
    assert!(check_custody(&p, &[], &input, t(10))
        .expect_err("before secured")
        .message
        .contains("before the item was secured"));
    input.at = t(11);
    assert!(check_custody(&p, &[], &input, t(10)).is_err(), "future");
    let log = vec![event(1, CustodyAction::HandedOver, t(5), "PC 1", "")];
    input.at = t(4);
    assert!(check_custody(&p, &log, &input, t(10))
        .expect_err("before last")
        .message
        .contains("last one"));
    input.at = t(6);
    let ok = check_custody(&p, &log, &input, t(10)).expect("in order");
    assert_eq!(ok.from, "PC 1", "from defaults to the current holder");
    let ended = vec![event(1, CustodyAction::Destroyed, t(5), "", "")];
    assert_eq!(
        check_custody(&p, &ended, &input, t(10))
            .expect_err("closed")
            .kind,
        ErrorKind::Conflict
    );
    let mut destroy = event(0, CustodyAction::Destroyed, t(6), "", "").event;
    assert!(
        check_custody(&p, &[], &destroy, t(10)).is_err(),
        "destruction needs how and who authorised"
    );
    destroy.how = "Shredded".into();
    destroy.authorised_by = "Headteacher".into();
    assert!(check_custody(&p, &[], &destroy, t(10)).is_ok());
}

#[test]
fn items_and_reviews_are_checked() {
    let mut p = phone();
    assert!(check_evidence(&p, t(1)).is_ok());
    p.make_model_serial = " ".into();
    assert!(check_evidence(&p, t(1)).is_err());
    let mut p = phone();
    p.secured_at = t(2);
    assert!(check_evidence(&p, t(1)).is_err());
    let r = DeviceReviewInput {
        reviewer_one: "Jo".into(),
        reviewer_two: "jo".into(),
        machine: "Standalone laptop L-7".into(),
        reviewed: "Browsing history".into(),
        reason: "Monitoring alert".into(),
        conclusion: "No illegal content".into(),
        action: String::new(),
        reviewed_at: t(0),
    };
    assert!(check_review(&r, t(1)).is_err(), "two different reviewers");
}

#[test]
fn holders_and_reviewers_are_names_and_free_text_keeps_marks() {
    let mut p = phone();
    p.secured_by = "Jo\u{202E}sggolB".into();
    let e = check_evidence(&p, t(1)).expect_err("override");
    assert_eq!(e.field.as_deref(), Some("securedBy"));
    assert!(e.message.contains("direction of text"));
    let mut p = phone();
    p.owner = "\u{FEFF}".into();
    assert_eq!(
        check_evidence(&p, t(1))
            .expect_err("blank")
            .field
            .as_deref(),
        Some("owner")
    );
    let mut p = phone();
    p.found_where_how = "Handed in with a note: \u{200F}שלום".into();
    assert!(
        check_evidence(&p, t(1)).is_ok(),
        "a mark in free text stays"
    );
    p.found_where_how = "Handed in \u{2066}here\u{2069}".into();
    assert_eq!(
        check_evidence(&p, t(1))
            .expect_err("isolate")
            .field
            .as_deref(),
        Some("foundWhereHow")
    );
}
