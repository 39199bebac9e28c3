//! HTML and script typed into every text field print literally in the PDFs: the incident report,
//! the governor report, the transfer package and the subject access export, read back with
//! `pdftotext`.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dsl_domain::evidence::{
    CustodyAction, CustodyInput, DeviceReviewInput, EvidenceInput, EvidenceKind, Tristate,
};
use dsl_domain::flow::{EntryBody, EntryInput};
use dsl_domain::governor::{governor_report, GovernorDraft};
use dsl_domain::incident::{
    Discovery, IncidentFacts, InvolvementInput, Location, MonitoringAlert, NewIncident, NewPerson,
    PersonKind, PersonRole, RiskArea,
};
use dsl_domain::terms::TermName;
use dsl_domain::transfer::{subject_access_bundle, transfer_bundle, BundleContext};
use dsl_domain::vault::Role;
use dsl_store::{KdfParams, Vault};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
        .single()
        .expect("time")
}

/// What is typed into the field `name`: markup, a script, an entity and a quote.
fn payload(name: &str) -> String {
    format!("<b>{name}</b><script>alert('{name}')</script>&amp;\"x\"")
}

/// The PDF's text in drawing order (`pdftotext -raw`), so a table cell's wrapped lines stay
/// together.
fn pdf_text(bytes: &[u8], name: &str) -> String {
    common::pdf_text_with(bytes, name, &["-raw"])
}

/// Text without any whitespace, so wrapped lines still match.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_prints(text: &str, fields: &[&str], report: &str) {
    let text = squeezed(text);
    for f in fields {
        assert!(
            text.contains(&squeezed(&payload(f))),
            "{report}: the field {f} does not print literally"
        );
    }
}

#[test]
fn html_and_script_in_every_text_field_print_literally() {
    let dir = tempfile::tempdir().expect("tmp");
    let kdf = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    let at = now() - Duration::days(2);
    let mut v = Vault::create(
        dir.path(),
        &payload("school"),
        &payload("user"),
        Role::Dsl,
        "lantern mauve copper harbour",
        kdf,
        at,
    )
    .expect("vault")
    .vault;
    let pupil = NewPerson {
        kind: PersonKind::Pupil,
        name: payload("pupil"),
        year_group: Some(9),
        date_of_birth: NaiveDate::from_ymd_opt(2012, 3, 4),
        job_title: String::new(),
        headteacher: None,
    };
    let staff = NewPerson {
        kind: PersonKind::Staff,
        name: payload("staff"),
        year_group: None,
        date_of_birth: None,
        job_title: payload("job"),
        headteacher: None,
    };
    let id = v
        .create_incident(
            &NewIncident {
                facts: IncidentFacts {
                    occurred_at: at - Duration::hours(2),
                    reported_at: at - Duration::hours(1),
                    reported_by_name: payload("reporter"),
                    reported_by_role: payload("role"),
                    discovery: Discovery::Monitoring,
                    monitoring: Some(MonitoringAlert {
                        vendor: payload("vendor"),
                        capture_id: payload("capture"),
                        severity: payload("severity"),
                        true_positive: Some(true),
                    }),
                    location: Location::InSchool,
                    platform: payload("platform"),
                    summary: payload("summary"),
                    childs_words: payload("words"),
                    risk_area: RiskArea::Contact,
                    activity_type: "bullying".into(),
                },
                people: vec![
                    InvolvementInput {
                        person_id: None,
                        new_person: Some(pupil),
                        role: PersonRole::Victim,
                    },
                    InvolvementInput {
                        person_id: None,
                        new_person: Some(staff),
                        role: PersonRole::Witness,
                    },
                ],
            },
            at,
        )
        .expect("incident")
        .id;
    v.record_entry(
        id,
        &EntryInput {
            node_id: None,
            person_id: None,
            body: EntryBody::Note {
                text: payload("note"),
            },
            people: None,
            evidence: None,
            happened: None,
        },
        at + Duration::minutes(5),
    )
    .expect("note");
    let item = v
        .add_evidence(
            id,
            &EvidenceInput {
                kind: EvidenceKind::Device,
                description: payload("description"),
                make_model_serial: payload("make"),
                url: payload("url"),
                platform_username: payload("username"),
                owner: payload("owner"),
                found_where_how: payload("found"),
                switched_on: Tristate::Yes,
                locked: Tristate::No,
                network_disconnected: Tristate::NotKnown,
                secured_by: payload("securedby"),
                secured_at: at,
                stored_at: payload("stored"),
            },
            at + Duration::minutes(10),
        )
        .expect("evidence");
    v.add_custody(
        item,
        &CustodyInput {
            action: CustodyAction::HandedOver,
            at: at + Duration::hours(1),
            from: payload("from"),
            to: payload("to"),
            location: payload("location"),
            reason: payload("reason"),
            reference: payload("reference"),
            how: String::new(),
            authorised_by: String::new(),
        },
        at + Duration::hours(1),
    )
    .expect("custody");
    v.add_device_review(
        id,
        &DeviceReviewInput {
            reviewer_one: payload("reviewerone"),
            reviewer_two: payload("reviewertwo"),
            machine: payload("machine"),
            reviewed: payload("reviewed"),
            reason: payload("reviewreason"),
            conclusion: payload("conclusion"),
            action: payload("action"),
            reviewed_at: at + Duration::hours(2),
        },
        at + Duration::hours(2),
    )
    .expect("review");

    let session = v.session().expect("session");
    let detail = v.incident(id).expect("incident");
    let view = dsl_domain::report::incident_report(
        &session.school_name,
        &detail,
        &v.evidence_for_incident(id).expect("evidence"),
        &v.device_reviews(id).expect("reviews"),
        None,
        &session.user_name,
        now(),
        "test",
    );
    let text = pdf_text(
        &dsl_report::incident_report::render(&view).expect("drawn"),
        "hostile-incident.pdf",
    );
    assert_prints(
        &text,
        &[
            "school",
            "user",
            "reporter",
            "role",
            "vendor",
            "capture",
            "severity",
            "platform",
            "summary",
            "words",
            "pupil",
            "staff",
            "job",
            "note",
            "description",
            "make",
            "url",
            "username",
            "owner",
            "found",
            "securedby",
            "stored",
            "from",
            "to",
            "location",
            "reason",
            "reference",
            "reviewerone",
            "reviewertwo",
            "machine",
            "reviewed",
            "reviewreason",
            "conclusion",
            "action",
        ],
        "incident report",
    );

    // The governor report prints the school, the head's narrative and the lessons.
    let (year, term) = (2026, TermName::Autumn);
    let draft = v
        .save_governor_draft(
            year,
            term,
            &GovernorDraft {
                narrative: payload("narrative"),
                lessons: vec![payload("lesson")],
                filtering_review: None,
            },
            now(),
        )
        .expect("draft");
    let figures = v.term_figures(year, term).expect("figures");
    let view = governor_report(
        &session.school_name,
        false,
        &figures,
        &draft,
        "20/11/2026 10:00",
        "test",
    );
    let text = pdf_text(
        &dsl_report::governor_report::render(&view).expect("drawn"),
        "hostile-governor.pdf",
    );
    assert_prints(&text, &["school", "narrative", "lesson"], "governor report");

    // The transfer package and the subject access export name the pupil and the school.
    let pupil_id = detail
        .people
        .iter()
        .find(|p| p.person.kind == PersonKind::Pupil)
        .map(|p| p.person.id)
        .expect("pupil");
    let ctx = BundleContext {
        school_name: &session.school_name,
        generated_by: &session.user_name,
        generated_at: now(),
        app_version: "test",
    };
    let set = v
        .person_reports(pupil_id, &session.user_name, now(), "test")
        .expect("reports");
    let bundle = transfer_bundle(
        &ctx,
        &set.person,
        &payload("toschool"),
        &payload("method"),
        now(),
        set.reports,
        &set.roles,
    );
    let text = pdf_text(
        &dsl_report::bundle::render(&bundle).expect("drawn"),
        "hostile-transfer.pdf",
    );
    assert_prints(
        &text,
        &["school", "pupil", "toschool", "method", "summary", "note"],
        "transfer package",
    );
    let set = v
        .person_reports(pupil_id, &session.user_name, now(), "test")
        .expect("reports");
    let bundle = subject_access_bundle(&ctx, &set.person, set.reports, &set.roles, &[]);
    let text = pdf_text(
        &dsl_report::bundle::render(&bundle).expect("drawn"),
        "hostile-subject-access.pdf",
    );
    assert_prints(
        &text,
        &["school", "pupil", "summary", "note"],
        "subject access",
    );
}
