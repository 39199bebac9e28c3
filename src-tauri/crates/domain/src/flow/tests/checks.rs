//! Entries refused before they are recorded: missing items and details, steps out of turn, closing rules.

use super::*;
use crate::ErrorKind;

#[test]
fn mandatory_items_block_and_optional_ones_are_recorded_as_left_open() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    let blocked = s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Complete { open: vec![] },
    );
    assert_eq!(blocked.expect_err("blocked").kind, ErrorKind::Validation);
    // Not done needs a reason.
    let no_reason = s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: false,
            details: BTreeMap::new(),
            reason: " ".into(),
        },
    );
    assert!(no_reason
        .expect_err("reason needed")
        .message
        .contains("why"));
    // Done needs its required details.
    let missing = s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: true,
            details: BTreeMap::new(),
            reason: String::new(),
        },
    );
    assert_eq!(missing.expect_err("details").field.as_deref(), Some("what"));
    s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Item {
            item: "immediate-actions".into(),
            done: false,
            details: BTreeMap::new(),
            reason: "Nothing needed: pupils safe at home".into(),
        },
    )
    .expect("not done with reason");
    s.try_record(
        Some("intake-immediate"),
        None,
        EntryBody::Complete { open: vec![] },
    )
    .expect("complete");
    let done = s.entries.last().expect("entry");
    assert_eq!(
        done.body,
        EntryBody::Complete {
            open: vec!["emergency-call".into()]
        }
    );
    // A bad date is refused.
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "yes");
    s.do_step("illegal-evidence");
    let mut details = BTreeMap::new();
    for (k, v) in [
        ("force", "Met"),
        ("officer", "PC 1"),
        ("when", "yesterday"),
        ("crimeRef", "CR1"),
    ] {
        details.insert(k.to_string(), v.to_string());
    }
    let bad = s.try_record(
        Some("illegal-police"),
        None,
        EntryBody::Item {
            item: "police-report".into(),
            done: true,
            details,
            reason: String::new(),
        },
    );
    assert_eq!(bad.expect_err("date").field.as_deref(), Some("when"));
}

#[test]
fn steps_out_of_turn_and_unknown_ids_are_refused() {
    let mut s = Sim::new(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    let early = s.try_record(
        Some("illegal-decision"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "x".into(),
        },
    );
    assert_eq!(early.expect_err("not yet").kind, ErrorKind::Conflict);
    let unknown = s.try_record(Some("no-such-step"), None, EntryBody::Acknowledged);
    assert_eq!(unknown.expect_err("unknown").kind, ErrorKind::NotFound);
    let stranger = s.try_record(
        Some("intake-immediate"),
        Some(99),
        EntryBody::Complete { open: vec![] },
    );
    assert_eq!(stranger.expect_err("stranger").kind, ErrorKind::NotFound);
}

#[test]
fn closing_rules() {
    let mut s = Sim::new(vec![
        person(1, PersonKind::Pupil, PersonRole::Victim),
        person(2, PersonKind::Pupil, PersonRole::Instigator),
    ]);
    let early = s.try_record(None, None, EntryBody::Closed { reason: "x".into() });
    assert_eq!(early.expect_err("too early").kind, ErrorKind::Conflict);
    let reopen = s.try_record(None, None, EntryBody::Reopened { reason: "x".into() });
    assert_eq!(reopen.expect_err("not closed").kind, ErrorKind::Conflict);
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    s.do_step("unsuitable-record");
    s.do_step("unsuitable-investigate");
    s.answer("unsuitable-staff", "no");
    s.do_step("victim-support");
    s.do_step("instigator-review");
    s.do_step("instigator-sanction");
    s.review_and_close();
    assert!(s.state().current.is_none());
    let after = s.try_record(
        None,
        None,
        EntryBody::Closed {
            reason: "again".into(),
        },
    );
    assert_eq!(after.expect_err("closed").kind, ErrorKind::Conflict);
    let change = s.try_record(
        Some("illegal-decision"),
        None,
        EntryBody::Answer {
            choice: "yes".into(),
            reason: "x".into(),
        },
    );
    assert_eq!(change.expect_err("closed").kind, ErrorKind::Conflict);
    s.try_record(
        None,
        None,
        EntryBody::Reopened {
            reason: "Parent raised a new concern".into(),
        },
    )
    .expect("reopened");
    assert_eq!(s.state().status, IncidentStatus::Open);
    assert!(s.state().at_end);
    s.try_record(
        None,
        None,
        EntryBody::Closed {
            reason: "Resolved again".into(),
        },
    )
    .expect("closed again");
    assert_eq!(s.state().status, IncidentStatus::Closed);
}
