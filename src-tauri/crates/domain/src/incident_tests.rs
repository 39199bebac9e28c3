//! Tests for `incident.rs`.

use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .expect("valid")
}

fn facts() -> IncidentFacts {
    IncidentFacts {
        occurred_at: now() - chrono::Duration::hours(3),
        reported_at: now() - chrono::Duration::hours(2),
        reported_by_name: "Ms Nguyễn".into(),
        reported_by_role: "Form tutor".into(),
        discovery: Discovery::Disclosure,
        monitoring: None,
        location: Location::OutsideSchool,
        platform: "Snapchat".into(),
        summary: "<script>alert(1)</script> a pupil said…".into(),
        childs_words: "He sent me a picture".into(),
        risk_area: RiskArea::Contact,
        activity_type: "child-abuse-images".into(),
    }
}

#[test]
fn good_facts_pass_and_html_is_kept_as_text() {
    let f = check_facts(&facts(), now()).expect("valid");
    assert_eq!(f.summary, "<script>alert(1)</script> a pupil said…");
}

#[test]
fn bad_facts_get_clear_messages() {
    let mut f = facts();
    f.occurred_at = now() + chrono::Duration::minutes(5);
    assert_eq!(
        check_facts(&f, now()).expect_err("future").field.as_deref(),
        Some("occurredAt")
    );
    let mut f = facts();
    f.reported_at = f.occurred_at - chrono::Duration::minutes(1);
    assert!(check_facts(&f, now())
        .expect_err("before")
        .message
        .contains("before it happened"));
    let mut f = facts();
    f.summary = "   ".into();
    assert_eq!(
        check_facts(&f, now()).expect_err("empty").field.as_deref(),
        Some("summary")
    );
    let mut f = facts();
    f.summary = "x".repeat(1_000_000);
    assert!(check_facts(&f, now())
        .expect_err("huge")
        .message
        .contains("too long"));
    let mut f = facts();
    f.platform = "bad\u{0}byte".into();
    assert!(check_facts(&f, now())
        .expect_err("control")
        .message
        .contains("control characters"));
    let mut f = facts();
    f.activity_type = "nonsense".into();
    assert!(check_facts(&f, now()).is_err());
    let mut f = facts();
    f.discovery = Discovery::Monitoring;
    assert!(check_facts(&f, now()).is_err(), "monitoring needs a vendor");
}

#[test]
fn pupils_need_year_and_birth_date() {
    let today = now().date_naive();
    let pupil = NewPerson {
        kind: PersonKind::Pupil,
        name: "Zoë".into(),
        year_group: Some(9),
        date_of_birth: NaiveDate::from_ymd_opt(2012, 3, 4),
        job_title: String::new(),
        headteacher: None,
    };
    assert!(check_person(&pupil, today).is_ok());
    let mut no_year = pupil.clone();
    no_year.year_group = None;
    assert!(check_person(&no_year, today).is_err());
    let mut future = pupil.clone();
    future.date_of_birth = NaiveDate::from_ymd_opt(2030, 1, 1);
    assert!(check_person(&future, today).is_err());
}

#[test]
fn references_are_padded() {
    assert_eq!(reference(2026, 7), "OS-2026-0007");
}

#[test]
fn the_types_before_version_3_are_the_policy_table_with_four_illegal() {
    for version in [1, 2] {
        let flow = crate::flow::find("online-safety", version).expect("shipped");
        let illegal: Vec<bool> = flow.types.iter().map(|a| a.illegal).collect();
        assert_eq!(illegal.len(), 20);
        assert!(illegal[..4].iter().all(|x| *x));
        assert!(illegal[4..].iter().all(|x| !*x));
    }
}

#[test]
fn a_type_is_read_from_the_version_the_incident_followed() {
    // Version 2 offers "Promotion of extremism or terrorism", not marked illegal; version 3
    // splits off terrorist material, which is.
    let old = activity_type(2, "extremism").expect("in version 2");
    assert_eq!(old.label, "Promotion of extremism or terrorism");
    assert_eq!(
        activity_type(2, "terrorist-material").map(|t| t.illegal),
        Some(true),
        "an id an old version lacks falls back to the newest that has it"
    );
    assert!(crate::flow::find("online-safety", 2)
        .expect("v2")
        .activity_type("terrorist-material")
        .is_none());
    let new = activity_type(3, "extremism").expect("in version 3");
    assert_eq!(new.label, "Promotion of extremism (not terrorist material)");
    let all = all_activity_types();
    assert!(
        all.iter().all(|t| t.current),
        "every older type is still offered"
    );
    for (id, illegal) in [
        ("sextortion", true),
        ("ai-images", true),
        ("terrorist-material", true),
        ("misinformation", false),
        ("filtering-failure", false),
    ] {
        assert_eq!(
            activity_type(3, id).map(|t| t.illegal),
            Some(illegal),
            "{id}"
        );
    }
}

#[test]
fn a_corrected_type_must_be_one_of_the_incidents_flow_version() {
    let mut f = facts();
    f.activity_type = "sextortion".into();
    assert!(check_facts_in(&f, 3, now()).is_ok());
    assert_eq!(
        check_facts_in(&f, 2, now())
            .expect_err("not in v2")
            .field
            .as_deref(),
        Some("activityType")
    );
}

#[test]
fn person_names_that_lie_are_refused_with_the_field() {
    let today = now().date_naive();
    let staff = |name: &str| NewPerson {
        kind: PersonKind::Staff,
        name: name.into(),
        year_group: None,
        date_of_birth: None,
        job_title: String::new(),
        headteacher: None,
    };
    for name in [
        "Ali\u{202E}ecila",
        "Sam\u{200F}",
        "\u{2067}Sam",
        "\u{200B}",
        "\u{FEFF}\u{2060}",
        "Sam\tJones",
        "Sam\nJones",
    ] {
        let e = check_person(&staff(name), today).expect_err(name);
        assert_eq!(e.field.as_deref(), Some("personName"), "{name:?}");
    }
    let e = check_person(&staff("Ali\u{202E}ecila"), today).expect_err("override");
    assert_eq!(
        e.message,
        "A name cannot contain characters that change the direction of text."
    );
    let e = check_person(&staff("\u{200B}"), today).expect_err("blank");
    assert!(e.message.contains("visible"), "{}", e.message);
    for name in [
        "Zoë",
        "Łukasz",
        "Siobhán",
        "Αλέξανδρος",
        "محمد",
        "山田",
        "نیک\u{200C}نام",
    ] {
        assert_eq!(
            check_person(&staff(name), today).expect(name).name,
            name,
            "{name:?} is kept as typed"
        );
    }
    // The job title is free text: a direction mark stays, an override does not.
    let mut p = staff("Sam");
    p.job_title = "Teacher \u{200F}".into();
    assert!(check_person(&p, today).is_ok());
    p.job_title = "Teacher \u{202E}".into();
    assert_eq!(
        check_person(&p, today)
            .expect_err("override")
            .field
            .as_deref(),
        Some("jobTitle")
    );
}

#[test]
fn the_reporters_name_is_a_name() {
    let mut f = facts();
    f.reported_by_name = "Ms \u{202E}nevets".into();
    let e = check_facts(&f, now()).expect_err("override");
    assert_eq!(e.field.as_deref(), Some("reportedByName"));
    assert!(e.message.contains("direction of text"));
    f.reported_by_name = "\u{200B}".into();
    assert_eq!(
        check_facts(&f, now()).expect_err("blank").field.as_deref(),
        Some("reportedByName")
    );
}

#[test]
fn free_text_keeps_marks_but_refuses_overrides_embeddings_and_isolates() {
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ] {
        let mut f = facts();
        f.summary = format!("She said {c}olleh to him");
        let e = check_facts(&f, now()).expect_err("direction control");
        assert_eq!(e.field.as_deref(), Some("summary"), "U+{:04X}", c as u32);
        assert!(e.message.contains("direction"), "{}", e.message);
        let mut f = facts();
        f.childs_words = format!("{c}");
        assert_eq!(
            check_facts(&f, now()).expect_err("words").field.as_deref(),
            Some("childsWords")
        );
    }
    let mut f = facts();
    f.summary = "He wrote \u{200F}שלום\u{200F} and a\u{200B}gap, \u{200E}ok".into();
    assert_eq!(
        check_facts(&f, now()).expect("marks stay").summary,
        "He wrote \u{200F}שלום\u{200F} and a\u{200B}gap, \u{200E}ok",
        "nothing is stripped"
    );
    // A required text made only of invisible characters is as good as empty.
    f.summary = "\u{200B}\u{FEFF}".into();
    let e = check_facts(&f, now()).expect_err("blank");
    assert_eq!(e.field.as_deref(), Some("summary"));
    assert_eq!(e.message, "This is required.");
}
