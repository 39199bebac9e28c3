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
fn the_first_four_activity_types_are_the_illegal_ones() {
    let illegal: Vec<bool> = ACTIVITY_TYPES.iter().map(|a| a.illegal).collect();
    assert!(illegal[..4].iter().all(|x| *x));
    assert!(illegal[4..].iter().all(|x| !*x));
}
