//! The transfer package and the subject access export: one PDF per person holding each of
//! their incident records, with everyone else redacted. Built from a real vault.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dsl_domain::incident::{
    Discovery, IncidentFacts, InvolvementInput, Location, NewIncident, NewPerson, PersonKind,
    PersonRole, RiskArea,
};
use dsl_domain::transfer::{subject_access_bundle, transfer_bundle, BundleContext, TransferInput};
use dsl_domain::vault::Role;
use dsl_store::{KdfParams, Vault};

fn t(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::hours(h)
}

fn new(kind: PersonKind, name: &str, role: PersonRole) -> InvolvementInput {
    InvolvementInput {
        person_id: None,
        new_person: Some(NewPerson {
            kind,
            name: name.into(),
            year_group: (kind == PersonKind::Pupil).then_some(8),
            date_of_birth: (kind == PersonKind::Pupil)
                .then(|| NaiveDate::from_ymd_opt(2013, 1, 9).expect("date")),
            job_title: String::new(),
            headteacher: None,
        }),
        role,
    }
}

fn record(v: &mut Vault, summary: &str, people: Vec<InvolvementInput>, h: i64) -> i64 {
    v.create_incident(
        &NewIncident {
            facts: IncidentFacts {
                occurred_at: t(h),
                reported_at: t(h),
                reported_by_name: "Mrs Siobhán Whitfield".into(),
                reported_by_role: "Form tutor".into(),
                discovery: Discovery::Disclosure,
                monitoring: None,
                location: Location::OutsideSchool,
                platform: "Snapchat".into(),
                summary: summary.into(),
                childs_words: String::new(),
                risk_area: RiskArea::Conduct,
                activity_type: "bullying".into(),
            },
            people,
        },
        t(h + 1),
    )
    .expect("incident")
    .id
}

#[test]
fn bundles_hold_each_record_of_the_person_and_name_nobody_else() {
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
    let first = record(
        &mut v,
        "Zoë Nguyễn was sent messages by Łukasz Kowalski",
        vec![
            new(PersonKind::Pupil, "Zoë Nguyễn", PersonRole::Victim),
            new(PersonKind::Pupil, "Łukasz Kowalski", PersonRole::Instigator),
        ],
        0,
    );
    let zoe = v
        .incident(first)
        .expect("first")
        .people
        .iter()
        .find(|i| i.person.name == "Zoë Nguyễn")
        .expect("zoe")
        .person
        .id;
    let second = record(
        &mut v,
        "Zoë saw Aoife Brennan's post and told her tutor",
        vec![
            InvolvementInput {
                person_id: Some(zoe),
                new_person: None,
                role: PersonRole::Witness,
            },
            InvolvementInput {
                person_id: Some(zoe),
                new_person: None,
                role: PersonRole::Reporter,
            },
            new(PersonKind::Pupil, "Aoife Brennan", PersonRole::Instigator),
        ],
        2,
    );
    // A record Zoë is not in stays out of her bundle.
    let other = record(
        &mut v,
        "Unrelated: Priya Shah",
        vec![new(PersonKind::Pupil, "Priya Shah", PersonRole::Victim)],
        4,
    );

    let set = v
        .person_reports(zoe, "Jo Bloggs", t(6), "0.1.0")
        .expect("reports");
    let refs: Vec<String> = set.reports.iter().map(|r| r.reference.clone()).collect();
    let first_ref = v.incident(first).expect("first").reference;
    let second_ref = v.incident(second).expect("second").reference;
    let other_ref = v.incident(other).expect("other").reference;
    assert_eq!(
        refs,
        [first_ref.clone(), second_ref.clone()],
        "oldest first, once each"
    );
    assert_eq!(set.roles, ["Victim", "Witness and Reporter"]);

    let ctx = BundleContext {
        school_name: "Oakfield",
        generated_by: "Jo Bloggs",
        generated_at: t(6),
        app_version: "0.1.0",
    };
    let input = TransferInput {
        person_id: zoe,
        to_school: "Northfield Academy".into(),
        method: "Secure transfer system".into(),
        sent_at: t(6),
    };
    let transfer = transfer_bundle(
        &ctx,
        &set.person,
        &input.to_school,
        &input.method,
        input.sent_at,
        set.reports.clone(),
        &set.roles,
    );
    let bytes = dsl_report::bundle::render(&transfer).expect("transfer");
    let text = common::pdf_text(&bytes, "transfer-package.pdf");
    let logged = v.log_transfer(&input, &refs, t(6)).expect("logged");

    let sar_set = v
        .person_reports(zoe, "Jo Bloggs", t(7), "0.1.0")
        .expect("reports");
    let transfers = v.transfers(Some(zoe), t(7).date_naive()).expect("log");
    assert_eq!(transfers, [logged]);
    let sar = subject_access_bundle(
        &ctx,
        &sar_set.person,
        sar_set.reports,
        &sar_set.roles,
        &transfers,
    );
    let sar_bytes = dsl_report::bundle::render(&sar).expect("sar");
    let sar_text = common::pdf_text(&sar_bytes, "subject-access.pdf");

    for (name, text, bytes) in [
        ("transfer", &text, &bytes),
        ("subject access", &sar_text, &sar_bytes),
    ] {
        assert!(text.contains("Zoë Nguyễn"), "{name}: the person is named");
        assert!(
            text.contains("09/01/2013"),
            "{name}: with their date of birth"
        );
        for r in [&first_ref, &second_ref] {
            assert!(text.contains(r.as_str()), "{name}: holds {r}");
        }
        assert!(
            !text.contains(other_ref.as_str()),
            "{name}: holds no other pupil's record"
        );
        for gone in [
            "Łukasz",
            "Kowalski",
            "Aoife",
            "Brennan",
            "Priya",
            "Siobhán",
            "Whitfield",
        ] {
            assert!(!text.contains(gone), "{name}: {gone} appears");
            assert!(
                !bytes.windows(gone.len()).any(|w| w == gone.as_bytes()),
                "{name}: {gone} is in the bytes"
            );
        }
        assert!(text.contains("Pupil A"), "{name}: others appear by role");
        assert!(text.contains("OFFICIAL-SENSITIVE"));
    }
    assert!(text.contains("Northfield Academy"));
    assert!(text.contains("Receipt: please sign and return"));
    assert!(text.contains("Child protection file transfer"));
    assert!(sar_text.contains("Subject access: online-safety records"));
    assert!(sar_text.contains("Records sent to other schools"));
    assert!(sar_text.contains("Not yet acknowledged"));
    assert!(!sar_text.contains("Receipt: please sign"));
}
