//! A redacted incident report holds none of the redacted people's names anywhere in the file;
//! the full copy holds them all. Built from a real vault, as the app builds it.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use dsl_domain::evidence::{EvidenceInput, EvidenceKind, Tristate};
use dsl_domain::flow::{EntryBody, EntryInput};
use dsl_domain::incident::{Discovery, IncidentFacts, Location, NewIncident, PersonRole, RiskArea};
use dsl_domain::vault::Role;
use dsl_store::{KdfParams, Vault};
use std::collections::BTreeMap;

fn t(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::hours(h)
}

#[test]
fn redacted_copy_names_only_the_chosen_person() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = Vault::create(
        tmp.path(),
        "Oakfield",
        "Jo Bloggs",
        Role::Dsl,
        "lantern mauve copper harbour",
        KdfParams::default(),
        t(0),
    )
    .expect("vault")
    .vault;
    let facts = IncidentFacts {
        occurred_at: t(0),
        reported_at: t(1),
        reported_by_name: "Mrs Siobhán Whitfield".into(),
        reported_by_role: "Form tutor".into(),
        discovery: Discovery::Disclosure,
        monitoring: None,
        location: Location::OutsideSchool,
        platform: "WhatsApp".into(),
        summary:
            "Łukasz Kowalski posted mocking messages about Zoë Nguyễn; Kowalski later apologised."
                .into(),
        childs_words: "Łukasz keeps calling me names".into(),
        risk_area: RiskArea::Conduct,
        activity_type: "bullying".into(),
    };
    let id = v
        .create_incident(
            &NewIncident {
                facts,
                people: vec![
                    common::pupil("Zoë Nguyễn", PersonRole::Victim, (2012, 4, 5)),
                    common::pupil("Łukasz Kowalski", PersonRole::Instigator, (2011, 12, 30)),
                ],
            },
            t(2),
        )
        .expect("incident")
        .id;
    let zoe = v
        .incident(id)
        .expect("d")
        .people
        .iter()
        .find(|p| p.person.name == "Zoë Nguyễn")
        .map(|p| p.person.id);
    let mut details = BTreeMap::new();
    details.insert(
        "what".to_string(),
        "Separated Łukasz from Zoë at break".to_string(),
    );
    details.insert("by".to_string(), "Jo Bloggs".to_string());
    v.record_entry(
        id,
        &EntryInput {
            node_id: Some("intake-immediate".into()),
            person_id: None,
            body: EntryBody::Item {
                item: "immediate-actions".into(),
                done: true,
                details,
                reason: String::new(),
            },
            people: None,
            evidence: None,
            happened: None,
        },
        t(3),
    )
    .expect("item");
    v.record_entry(
        id,
        &EntryInput {
            node_id: None,
            person_id: None,
            body: EntryBody::Note {
                text: "Spoke to Mr Kowalski (Łukasz's father)".into(),
            },
            people: None,
            evidence: None,
            happened: None,
        },
        t(3),
    )
    .expect("note");
    v.add_evidence(
        id,
        &EvidenceInput {
            kind: EvidenceKind::Screenshot,
            description: "Screenshot of Łukasz's messages".into(),
            make_model_serial: String::new(),
            url: String::new(),
            platform_username: "lukasz_k".into(),
            owner: "Zoë Nguyễn".into(),
            found_where_how: "Sent by Zoë's mother".into(),
            switched_on: Tristate::NotKnown,
            locked: Tristate::NotKnown,
            network_disconnected: Tristate::NotKnown,
            secured_by: "Jo Bloggs".into(),
            secured_at: t(3),
            stored_at: "Encrypted drive".into(),
        },
        t(4),
    )
    .expect("evidence");

    let detail = v.incident(id).expect("detail");
    let evidence = v.evidence_for_incident(id).expect("evidence");
    let full = dsl_domain::report::incident_report(
        "Oakfield",
        &detail,
        &evidence,
        &[],
        None,
        "Jo Bloggs",
        t(5),
        "0.1.0",
    );
    let full_text = common::pdf_text(
        &dsl_report::incident_report::render(&full).expect("full"),
        "redaction-full.pdf",
    );
    for name in ["Zoë Nguyễn", "Łukasz Kowalski", "Whitfield"] {
        assert!(full_text.contains(name), "the full copy names {name}");
    }

    let redacted = dsl_domain::report::incident_report(
        "Oakfield",
        &detail,
        &evidence,
        &[],
        Some(zoe),
        "Jo Bloggs",
        t(5),
        "0.1.0",
    );
    let bytes = dsl_report::incident_report::render(&redacted).expect("redacted");
    let text = common::pdf_text(&bytes, "redaction-kept-zoe.pdf");
    for gone in [
        "Łukasz",
        "Kowalski",
        "lukasz",
        "Siobhán",
        "Whitfield",
        "30/12/2011",
    ] {
        assert!(
            !text.to_lowercase().contains(&gone.to_lowercase()),
            "{gone} appears in the redacted copy"
        );
        assert!(
            !bytes.windows(gone.len()).any(|w| w == gone.as_bytes()),
            "{gone} is in the file's bytes"
        );
    }
    assert!(text.contains("Zoë Nguyễn"), "the chosen person is named");
    assert!(text.contains("Pupil A"), "others appear by role");
    assert!(text.contains("Redacted copy"));
    assert_ne!(full.integrity, redacted.integrity);
    // The same record exported twice gives the same integrity digest.
    let again = dsl_domain::report::incident_report(
        "Oakfield",
        &detail,
        &evidence,
        &[],
        None,
        "Someone else",
        t(9),
        "0.1.0",
    );
    assert_eq!(full.integrity, again.integrity);
}
