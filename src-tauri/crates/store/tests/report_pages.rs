//! Every report the app prints, drawn from one vault as the app draws them and saved under the
//! test target folder (`report-pages/`), to be turned into pictures and looked at: the incident
//! report (full and redacted), the governor report, the transfer package, the subject access
//! export and the recovery sheet.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dsl_domain::governor::GovernorDraft;
use dsl_domain::incident::{
    Discovery, IncidentFacts, IncidentFilter, InvolvementInput, Location, NewIncident, PersonRole,
    RiskArea,
};
use dsl_domain::terms::TermName;
use dsl_domain::transfer::{subject_access_bundle, transfer_bundle, BundleContext};
use dsl_domain::vault::Role;
use dsl_store::demo::DemoSpec;
use dsl_store::{KdfParams, Vault};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid")
}

fn save(bytes: &[u8], name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-pages");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join(name), bytes).expect("write");
    common::pdf_text(bytes, name)
}

fn known(person_id: i64, role: PersonRole) -> InvolvementInput {
    InvolvementInput {
        person_id: Some(person_id),
        new_person: None,
        role,
    }
}

fn record(v: &mut Vault, summary: &str, people: Vec<InvolvementInput>, at: DateTime<Utc>) -> i64 {
    v.create_incident(
        &NewIncident {
            facts: IncidentFacts {
                occurred_at: at,
                reported_at: at,
                reported_by_name: "Mrs Ann Whitfield".into(),
                reported_by_role: "Teacher of English".into(),
                discovery: Discovery::Disclosure,
                monitoring: None,
                location: Location::OutsideSchool,
                platform: "Instagram".into(),
                summary: summary.into(),
                childs_words: "Mai said: \"my main account remains live, Dan's too\".".into(),
                risk_area: RiskArea::Contact,
                activity_type: "bullying".into(),
            },
            people,
        },
        at + Duration::hours(1),
    )
    .expect("incident")
    .id
}

#[test]
fn every_report_is_drawn_from_one_vault() {
    let tmp = tempfile::tempdir().expect("tmp");
    let created = Vault::create(
        tmp.path(),
        "Oakfield Academy",
        "Jo Bloggs",
        Role::Dsl,
        "lantern mauve copper harbour",
        KdfParams::default(),
        now() - Duration::days(900),
    )
    .expect("vault");
    let mut v = created.vault;
    let session = v.session().expect("session");
    let sheet = dsl_report::recovery_sheet::RecoverySheet {
        school_name: session.school_name.clone(),
        created_by: format!("{}, {}", session.user_name, session.role.label()),
        created_at: dsl_domain::time::uk_date_time(now() - Duration::days(900)),
        grouped_key: created.recovery_key.grouped().to_string(),
        app_version: "0.1.0".into(),
        founding_fingerprint: session.founding_fingerprint.clone(),
    };
    let text = save(
        &dsl_report::recovery_sheet::render(&sheet).expect("sheet"),
        "recovery-sheet.pdf",
    );
    assert!(text.contains("Oakfield Academy"));

    v.generate_demo(&DemoSpec {
        seed: 11,
        incidents: 400,
        pupils: 300,
        years: 2,
        until: now() - Duration::days(3),
    })
    .expect("demo");

    // A record whose names are also parts of common words, with a handle naming a pupil.
    let at = now() - Duration::days(2);
    let first = record(
        &mut v,
        "Mai Tran's main account remains live. A parent emailed the school: @mai_tran_09 \
         was sent messages by Dan Price, who also posted on danprice.example/blog.",
        vec![
            common::pupil("Mai Tran", PersonRole::Victim, (2012, 3, 4)),
            common::pupil("Dan Price", PersonRole::Instigator, (2012, 3, 4)),
        ],
        at,
    );
    let detail = v.incident(first).expect("first");
    let id_of = |name: &str| {
        detail
            .people
            .iter()
            .find(|i| i.person.name == name)
            .expect("named")
            .person
            .id
    };
    let (mai, dan) = (id_of("Mai Tran"), id_of("Dan Price"));
    record(
        &mut v,
        "Mai saw Dan's post about Eve Ali and told Mrs Whitfield.",
        vec![
            known(mai, PersonRole::Witness),
            known(dan, PersonRole::Instigator),
            common::pupil("Eve Ali", PersonRole::Victim, (2012, 3, 4)),
        ],
        at + Duration::hours(3),
    );

    let full = v
        .incident_report(first, None, "Jo Bloggs", now(), "0.1.0")
        .expect("report");
    let text = save(
        &dsl_report::incident_report::render(&full).expect("drawn"),
        "incident-report.pdf",
    );
    assert!(text.contains("Dan Price"));
    let redacted = v
        .incident_report(first, Some(Some(mai)), "Jo Bloggs", now(), "0.1.0")
        .expect("report");
    let text = save(
        &dsl_report::incident_report::render(&redacted).expect("drawn"),
        "incident-report-redacted.pdf",
    );
    assert!(!text.contains("Dan Price"));
    assert!(!text.contains("danprice"), "his web address is withheld");
    // Kept for Dan, Mai is withheld: her name is also the start of "main".
    let redacted = v
        .incident_report(first, Some(Some(dan)), "Jo Bloggs", now(), "0.1.0")
        .expect("report");
    let text = save(
        &dsl_report::incident_report::render(&redacted).expect("drawn"),
        "incident-report-redacted-for-dan.pdf",
    );
    assert!(!text.contains("Mai Tran"));

    // The generated record with the most in its chronology, as a police officer would read it.
    let all = v
        .list_incidents(&IncidentFilter::default(), 100_000)
        .expect("list");
    let busiest = all
        .iter()
        .filter(|s| s.id != first)
        .map(|s| {
            let r = v
                .incident_report(s.id, None, "Jo Bloggs", now(), "0.1.0")
                .expect("report");
            (r.chronology.rows.len() + 4 * r.evidence.len(), s.id)
        })
        .max()
        .expect("some")
        .1;
    let busy = v
        .incident_report(busiest, None, "Jo Bloggs", now(), "0.1.0")
        .expect("report");
    let text = save(
        &dsl_report::incident_report::render(&busy).expect("drawn"),
        "incident-report-busiest.pdf",
    );
    assert!(text.contains(&busy.reference));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for doubled in ["..", ".;", ". ;", ";;"] {
        assert!(!flat.contains(doubled), "doubled marks: {doubled}");
    }

    let (year, term) = (2025, TermName::Summer);
    let draft = GovernorDraft {
        narrative: "A steady term. Filtering was strengthened after two alerts.".into(),
        lessons: vec!["Pupils asked for more on reporting tools in PSHE.".into()],
        filtering_review: NaiveDate::from_ymd_opt(2025, 7, 1),
    };
    let report = common::saved_governor_report(&mut v, year, term, &draft, now());
    let text = save(
        &dsl_report::governor_report::render(&report).expect("drawn"),
        "governor-report.pdf",
    );
    assert!(text.contains("Summer"));

    let ctx = BundleContext {
        school_name: "Oakfield Academy",
        generated_by: "Jo Bloggs",
        generated_at: now(),
        app_version: "0.1.0",
    };
    let set = v
        .person_reports(mai, "Jo Bloggs", now(), "0.1.0")
        .expect("reports");
    let bundle = transfer_bundle(
        &ctx,
        &set.person,
        "Riverside High School",
        "Secure transfer (S2S)",
        now(),
        set.reports,
        &set.roles,
    );
    let text = save(
        &dsl_report::bundle::render(&bundle).expect("drawn"),
        "transfer-package.pdf",
    );
    assert!(text.contains("Riverside High School"));
    assert!(!text.contains("Eve Ali"));

    let set = v
        .person_reports(dan, "Jo Bloggs", now(), "0.1.0")
        .expect("reports");
    let transfers = v.transfers(Some(dan), now().date_naive()).expect("log");
    let bundle = subject_access_bundle(&ctx, &set.person, set.reports, &set.roles, &transfers);
    let text = save(
        &dsl_report::bundle::render(&bundle).expect("drawn"),
        "subject-access.pdf",
    );
    assert!(text.contains("Dan Price"));
    assert!(!text.contains("Mai Tran"));
}
