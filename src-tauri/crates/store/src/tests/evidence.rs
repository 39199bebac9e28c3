//! The evidence register: round trips, custody order, append-only, fingerprints.

use chrono::{DateTime, Duration, TimeZone, Utc};
use dsl_domain::evidence::{
    CustodyAction, CustodyInput, DeviceReviewInput, EvidenceInput, EvidenceKind, Tristate,
};
use dsl_domain::incident::{Discovery, IncidentFacts, Location, NewIncident, RiskArea};
use dsl_domain::vault::Role;
use dsl_domain::ErrorKind;

use crate::evidence::sha256_file;
use crate::{KdfParams, StoreError, Vault, WriteError};

fn t(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::hours(h)
}

fn setup(dir: &std::path::Path) -> (Vault, i64) {
    let mut v = Vault::create(
        dir,
        "School",
        "Jo DSL",
        Role::Dsl,
        "lantern mauve copper harbour",
        KdfParams::default(),
        t(0),
    )
    .expect("vault")
    .vault;
    let facts = IncidentFacts {
        occurred_at: t(0),
        reported_at: t(0),
        reported_by_name: "Tutor".into(),
        reported_by_role: "Form tutor".into(),
        discovery: Discovery::Disclosure,
        monitoring: None,
        location: Location::InSchool,
        platform: "Snapchat".into(),
        summary: "s".into(),
        childs_words: String::new(),
        risk_area: RiskArea::Contact,
        activity_type: "child-abuse-images".into(),
    };
    let id = v
        .create_incident(
            &NewIncident {
                facts,
                people: vec![],
            },
            t(1),
        )
        .expect("incident")
        .id;
    (v, id)
}

fn phone() -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Device,
        description: "Pupil's phone, switched on and locked".into(),
        make_model_serial: "Samsung Galaxy A14, serial R58T".into(),
        url: String::new(),
        platform_username: "snap: zoe_n".into(),
        owner: "Zoë Nguyễn".into(),
        found_where_how: "Handed to the DSL by the pupil".into(),
        switched_on: Tristate::Yes,
        locked: Tristate::Yes,
        network_disconnected: Tristate::Yes,
        secured_by: "Jo DSL".into(),
        secured_at: t(1),
        stored_at: "DSL office safe, sealed bag 0042".into(),
    }
}

fn hand(action: CustodyAction, at: DateTime<Utc>, to: &str, location: &str) -> CustodyInput {
    CustodyInput {
        action,
        at,
        from: String::new(),
        to: to.into(),
        location: location.into(),
        reason: "For the police investigation".into(),
        reference: "Crime ref CR/118/26".into(),
        how: String::new(),
        authorised_by: String::new(),
    }
}

#[test]
fn a_device_seized_bagged_handed_to_police_and_returned() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut v, incident) = setup(tmp.path());
    let item = v.add_evidence(incident, &phone(), t(2)).expect("added");
    let e = v.evidence_item(item).expect("item");
    assert_eq!(e.label, "E1");
    assert_eq!(
        (e.holder.as_str(), e.place.as_str()),
        ("Jo DSL", "DSL office safe, sealed bag 0042")
    );
    v.add_custody(
        item,
        &hand(
            CustodyAction::HandedOver,
            t(3),
            "PC 1234 Ahmed, Metropolitan Police",
            "Police property store",
        ),
        t(3),
    )
    .expect("handed over");
    let all = v.all_evidence().expect("all");
    assert!(all[0].with_police);
    assert_eq!(
        all[0].custody[0].event.from, "Jo DSL",
        "from defaults to the holder"
    );
    let early = v.add_custody(
        item,
        &hand(CustodyAction::Returned, t(2), "Zoë's mother", ""),
        t(4),
    );
    assert!(matches!(early, Err(WriteError::Rejected(ref e)) if e.field.as_deref() == Some("at")));
    v.add_custody(
        item,
        &hand(CustodyAction::Returned, t(40), "Zoë's mother", ""),
        t(41),
    )
    .expect("returned");
    let e = v.evidence_item(item).expect("item");
    assert_eq!(e.holder, "Zoë's mother");
    assert_eq!(e.ended, Some(CustodyAction::Returned));
    assert!(!e.with_police);
    let after = v.add_custody(
        item,
        &hand(CustodyAction::HandedOver, t(42), "x", ""),
        t(42),
    );
    assert!(matches!(after, Err(WriteError::Rejected(ref e)) if e.kind == ErrorKind::Conflict));
    let second = v.add_evidence(incident, &phone(), t(2)).expect("second");
    assert_eq!(v.evidence_item(second).expect("second").label, "E2");
    assert_eq!(v.evidence_for_incident(incident).expect("list").len(), 2);
}

#[test]
fn register_records_are_append_only_and_unknown_ids_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut v, incident) = setup(tmp.path());
    let item = v.add_evidence(incident, &phone(), t(2)).expect("added");
    v.add_custody(
        item,
        &hand(CustodyAction::Moved, t(3), "", "Locked cabinet B"),
        t(3),
    )
    .expect("moved");
    v.add_digest(item, "screenshot.png", 10, "ab", t(3))
        .expect("digest");
    for sql in [
        "UPDATE evidence_items SET details = '{}'",
        "DELETE FROM evidence_items",
        "UPDATE custody_events SET event = '{}'",
        "DELETE FROM custody_events",
        "UPDATE evidence_digests SET sha256 = 'x'",
        "DELETE FROM evidence_digests",
    ] {
        assert!(v.conn.execute(sql, []).is_err(), "{sql} must be refused");
    }
    assert!(matches!(
        v.add_evidence(999, &phone(), t(2)),
        Err(WriteError::Store(StoreError::NotFound))
    ));
    assert!(matches!(
        v.add_custody(999, &hand(CustodyAction::Moved, t(3), "", "x"), t(3)),
        Err(WriteError::Store(StoreError::NotFound))
    ));
    assert!(matches!(v.evidence_item(999), Err(StoreError::NotFound)));
    let mut bad = phone();
    bad.description = String::new();
    assert!(matches!(
        v.add_evidence(incident, &bad, t(2)),
        Err(WriteError::Rejected(_))
    ));
}

#[test]
fn digests_of_known_vectors_and_file_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let empty = tmp.path().join("empty.txt");
    std::fs::write(&empty, b"").expect("write");
    let abc = tmp.path().join("abc.txt");
    std::fs::write(&abc, b"abc").expect("write");
    assert_eq!(
        sha256_file(&empty).expect("empty").2,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let (name, size, digest) = sha256_file(&abc).expect("abc");
    assert_eq!((name.as_str(), size), ("abc.txt", 3));
    assert_eq!(
        digest,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let dir = sha256_file(tmp.path()).expect_err("a folder");
    assert!(dir.message.contains("folder"));
    let missing = sha256_file(&tmp.path().join("nope")).expect_err("missing");
    assert_eq!(missing.kind, ErrorKind::Io);
}

#[test]
fn device_reviews_round_trip() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut v, incident) = setup(tmp.path());
    let review = DeviceReviewInput {
        reviewer_one: "Jo DSL".into(),
        reviewer_two: "Sam Head".into(),
        machine: "Standalone laptop L-7, not on the school network".into(),
        reviewed: "Browsing history on the library PC".into(),
        reason: "Monitoring alert CAP-991".into(),
        conclusion: "Searches for a game, no illegal content".into(),
        action: "Filtering list updated".into(),
        reviewed_at: t(2),
    };
    v.add_device_review(incident, &review, t(3))
        .expect("review");
    let got = v.device_reviews(incident).expect("reviews");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].review, review);
    assert_eq!(got[0].recorded_by, "Jo DSL");
}
