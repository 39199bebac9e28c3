//! Incidents by kind, through the store: the evidence item that is the register entry, the
//! children named as others involved, the filtering change in the governor figures, and a
//! corrected type that changes the route.

use std::collections::BTreeMap;

use chrono::Duration;
use dsl_domain::evidence::{EvidenceInput, EvidenceKind, Tristate};
use dsl_domain::flow::{EntryBody, EntryInput, Mark, StepInput, StepItemInput, StepView};
use dsl_domain::incident::{
    IncidentDetail, InvolvementInput, NewIncident, NewPerson, PersonKind, PersonRole,
};
use dsl_domain::terms::TermName;

use super::incidents::{facts, now, pupil, rejected, vault};
use crate::Vault;

fn create(v: &mut Vault, activity: &str, people: Vec<InvolvementInput>) -> IncidentDetail {
    v.create_incident(
        &NewIncident {
            facts: facts("A video shared in a class group chat", activity),
            people,
        },
        now(),
    )
    .expect("incident")
}

fn current(v: &Vault, id: i64) -> StepView {
    v.incident(id)
        .expect("incident")
        .flow
        .current
        .expect("a step")
}

/// Records one item done with these details (and people or evidence).
fn item(
    v: &mut Vault,
    id: i64,
    item: &str,
    details: &[(&str, &str)],
    people: Option<Vec<InvolvementInput>>,
    evidence: Option<EvidenceInput>,
) -> Result<IncidentDetail, crate::WriteError> {
    let step = current(v, id);
    v.record_entry(
        id,
        &EntryInput {
            node_id: Some(step.node_id),
            person_id: step.person_id,
            body: EntryBody::Item {
                item: item.into(),
                done: true,
                details: details
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>(),
                reason: String::new(),
            },
            people,
            evidence,
            happened: None,
        },
        now(),
    )
}

/// Answers the nudes question and the illegal decision "no": the route that is not illegal.
fn not_illegal(v: &mut Vault, id: i64, reason: &str) {
    for node in ["nudes-check", "illegal-decision"] {
        v.record_entry(
            id,
            &EntryInput {
                node_id: Some(node.into()),
                person_id: None,
                body: EntryBody::Answer {
                    choice: "no".into(),
                    reason: reason.into(),
                },
                people: None,
                evidence: None,
                happened: None,
            },
            now(),
        )
        .expect("answer");
    }
}

/// An item of a step saved at once, with its details (and the people it names).
fn chosen(
    item: &str,
    done: bool,
    details: &[(&str, &str)],
    reason: &str,
    people: Option<Vec<InvolvementInput>>,
) -> StepItemInput {
    StepItemInput {
        item: item.into(),
        done,
        details: details
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        reason: reason.into(),
        people,
        evidence: None,
    }
}

/// The first step's two items, chosen: one done, one not.
fn intake_items() -> Vec<StepItemInput> {
    vec![
        chosen(
            "immediate-actions",
            true,
            &[("what", "Spoke with Eve"), ("by", "Jo DSL")],
            "",
            None,
        ),
        chosen("emergency-call", false, &[], "No immediate danger", None),
    ]
}

/// An entry made outside the flow's steps (a note, a follow-up, a correction).
fn outside_flow(body: EntryBody, person_id: Option<i64>) -> EntryInput {
    EntryInput {
        node_id: None,
        person_id,
        body,
        people: None,
        evidence: None,
        happened: None,
    }
}

/// Does each mandatory item of the current step with plausible details, then completes it.
fn finish_step(v: &mut Vault, id: i64, node: &str) {
    let step = current(v, id);
    assert_eq!(step.node_id, node);
    for it in step
        .items
        .iter()
        .filter(|i| i.item.mandatory && i.record.is_none())
    {
        let details = details_for(&it.item.fields);
        v.record_entry(
            id,
            &EntryInput {
                node_id: Some(step.node_id.clone()),
                person_id: step.person_id,
                body: EntryBody::Item {
                    item: it.item.id.clone(),
                    done: true,
                    details,
                    reason: String::new(),
                },
                people: None,
                evidence: None,
                happened: None,
            },
            now(),
        )
        .unwrap_or_else(|e| panic!("item {}: {e:?}", it.item.id));
    }
    v.record_entry(
        id,
        &EntryInput {
            node_id: Some(step.node_id),
            person_id: step.person_id,
            body: EntryBody::Complete { open: vec![] },
            people: None,
            evidence: None,
            happened: None,
        },
        now(),
    )
    .expect("step completed");
}

/// A plausible value for each field a DSL fills in (people and evidence are given apart).
fn details_for(fields: &[dsl_domain::flow::ItemField]) -> BTreeMap<String, String> {
    use dsl_domain::flow::FieldKind;
    fields
        .iter()
        .filter_map(|f| {
            let v = match f.kind {
                FieldKind::Datetime => "2026-11-22T09:30".to_string(),
                FieldKind::Date => "2027-01-15".to_string(),
                FieldKind::Choice => f.options.first().cloned().unwrap_or_default(),
                FieldKind::Evidence => "1".to_string(),
                FieldKind::People => return None,
                _ => format!("{} given", f.label),
            };
            Some((f.id.clone(), v))
        })
        .collect()
}

fn phone() -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Device,
        description: "Pupil's phone, switched off by the DSL".into(),
        make_model_serial: "Apple iPhone 12".into(),
        url: String::new(),
        platform_username: String::new(),
        owner: "Siobhán Kelly".into(),
        found_where_how: "Handed over by the pupil".into(),
        switched_on: Tristate::No,
        locked: Tristate::Yes,
        network_disconnected: Tristate::NotKnown,
        secured_by: "Jo DSL".into(),
        secured_at: now(),
        stored_at: "DSL office safe, bag 0051".into(),
    }
}

fn new_pupil(name: &str, role: PersonRole) -> InvolvementInput {
    InvolvementInput {
        person_id: None,
        new_person: Some(NewPerson {
            kind: PersonKind::Pupil,
            name: name.into(),
            year_group: Some(10),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2011, 3, 9),
            job_title: String::new(),
            headteacher: None,
        }),
        role,
    }
}

#[test]
fn the_device_confiscated_is_the_register_entry_added_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let id = create(
        &mut v,
        "terrorist-material",
        vec![pupil("Zoë Ellis", PersonRole::Instigator)],
    )
    .id;
    finish_step(&mut v, id, "intake-immediate");
    assert_eq!(current(&v, id).node_id, "illegal-evidence");
    assert_eq!(v.incident(id).expect("i").flow.mark, Some(Mark::Illegal));
    // Neither a picked item nor a description: refused, nothing added.
    let e = rejected(item(&mut v, id, "device-confiscated", &[], None, None));
    assert_eq!(e.field.as_deref(), Some("item"));
    assert!(v.evidence_for_incident(id).expect("register").is_empty());
    // Described: added to the register, and the item names it.
    let d = item(&mut v, id, "device-confiscated", &[], None, Some(phone())).expect("added");
    let register = v.evidence_for_incident(id).expect("register");
    assert_eq!(register.len(), 1);
    let text = &d.chronology.last().expect("entry").text;
    assert!(text.contains("E1 in the evidence register"), "{text}");
    // Recorded again picking it: still one item.
    item(
        &mut v,
        id,
        "device-confiscated",
        &[("item", "1")],
        None,
        None,
    )
    .expect("picked");
    assert_eq!(v.evidence_for_incident(id).expect("register").len(), 1);
    // An item of no such number is refused.
    let e = rejected(item(
        &mut v,
        id,
        "device-confiscated",
        &[("item", "7")],
        None,
        None,
    ));
    assert!(e.message.contains("evidence register"));
    // Evidence on an item that asks for none is refused.
    let e = rejected(item(&mut v, id, "not-viewed", &[], None, Some(phone())));
    assert_eq!(e.field.as_deref(), Some("people"));
    assert_eq!(v.evidence_for_incident(id).expect("register").len(), 1);
}

#[test]
fn children_named_as_others_join_the_incident_with_their_roles_and_get_their_steps() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let id = create(
        &mut v,
        "terrorist-material",
        vec![pupil("Łukasz Nowak", PersonRole::Instigator)],
    )
    .id;
    finish_step(&mut v, id, "intake-immediate");
    item(&mut v, id, "device-confiscated", &[], None, Some(phone())).expect("device");
    finish_step(&mut v, id, "illegal-evidence");
    let step = current(&v, id);
    assert_eq!(step.node_id, "illegal-police");
    assert!(step
        .items
        .iter()
        .any(|i| i.item.id == "ctp-report" && i.item.mandatory));
    finish_step(&mut v, id, "illegal-police");
    let step = current(&v, id);
    assert_eq!(step.node_id, "harmer-safeguarding");
    assert!(step
        .items
        .iter()
        .any(|i| i.item.id == "prevent" && i.item.mandatory));
    let d = item(
        &mut v,
        id,
        "others",
        &[("finding", "Two pupils in the group chat opened the video")],
        Some(vec![
            new_pupil("Aoife Byrne", PersonRole::Witness),
            new_pupil("Mai Tran", PersonRole::Witness),
        ]),
        None,
    )
    .expect("others named");
    // An adult is not named here: an allegation follows its own route.
    let staff = InvolvementInput {
        person_id: None,
        new_person: Some(NewPerson {
            kind: PersonKind::Staff,
            name: "Mr Dan Ford".into(),
            year_group: None,
            date_of_birth: None,
            job_title: "Teacher".into(),
            headteacher: None,
        }),
        role: PersonRole::Alleged,
    };
    let e = rejected(item(
        &mut v,
        id,
        "others",
        &[("finding", "f")],
        Some(vec![staff]),
        None,
    ));
    assert_eq!(e.field.as_deref(), Some("people"));
    assert_eq!(v.incident(id).expect("i").people.len(), 3);
    let witnesses: Vec<&str> = d
        .people
        .iter()
        .filter(|i| i.role == PersonRole::Witness)
        .map(|i| i.person.name.as_str())
        .collect();
    assert_eq!(witnesses, ["Aoife Byrne", "Mai Tran"]);
    let text = &d
        .chronology
        .iter()
        .rev()
        .find(|c| c.text.contains("Children named"))
        .expect("the entry")
        .text;
    assert!(
        text.contains("Aoife Byrne (Witness), Mai Tran (Witness)"),
        "{text}"
    );
    finish_step(&mut v, id, "harmer-safeguarding");
    // Each child who saw it gets their own step.
    let step = current(&v, id);
    assert_eq!(step.node_id, "il-witness-support");
    assert_eq!(step.person_label.as_deref(), Some("Aoife Byrne"));
    finish_step(&mut v, id, "il-witness-support");
    assert_eq!(current(&v, id).person_label.as_deref(), Some("Mai Tran"));
}

#[test]
fn a_filtering_change_is_listed_in_the_governor_figures() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let id = create(
        &mut v,
        "filtering-failure",
        vec![pupil("Tom Hale", PersonRole::Victim)],
    )
    .id;
    finish_step(&mut v, id, "intake-immediate");
    not_illegal(&mut v, id, "A harmful video got through the filter");
    item(
        &mut v,
        id,
        "evidence",
        &[],
        None,
        Some(EvidenceInput {
            kind: EvidenceKind::MonitoringCapture,
            make_model_serial: String::new(),
            ..phone()
        }),
    )
    .expect("capture kept");
    finish_step(&mut v, id, "unsuitable-record");
    finish_step(&mut v, id, "unsuitable-investigate");
    finish_step(&mut v, id, "victim-support");
    finish_step(&mut v, id, "review-parents");
    finish_step(&mut v, id, "review-wellbeing");
    let step = current(&v, id);
    assert!(step
        .items
        .iter()
        .any(|i| i.item.id == "filtering-change" && i.item.mandatory));
    item(
        &mut v,
        id,
        "filtering-change",
        &[
            ("what", "Blocked the video site's embed domain for pupils"),
            ("by", "Network manager"),
            ("when", "2026-11-21T15:00"),
            ("approvedBy", "Senior leader for filtering and monitoring"),
        ],
        None,
        None,
    )
    .expect("change recorded");
    let figures = v.term_figures(2026, TermName::Autumn).expect("figures");
    assert_eq!(figures.filtering_changes.len(), 1);
    let row = &figures.filtering_changes[0];
    assert_eq!(row.when, "21/11/2026");
    assert_eq!(row.what, "Blocked the video site's embed domain for pupils");
    assert_eq!(row.by, "Network manager");
    assert_eq!(
        row.approved_by,
        "Senior leader for filtering and monitoring"
    );
    // Who made or approved it are roles from a list: a name cannot be typed there.
    let e = rejected(item(
        &mut v,
        id,
        "filtering-change",
        &[
            ("what", "Unblocked a site"),
            ("by", "Mr Tom Hale"),
            ("when", "2026-11-21T15:00"),
            ("approvedBy", "DSL"),
        ],
        None,
        None,
    ));
    assert_eq!(e.field.as_deref(), Some("by"));
    // A description naming someone in the vault is not printed word for word.
    item(
        &mut v,
        id,
        "filtering-change",
        &[
            ("what", "Unblocked the art site for Tom's account only"),
            ("by", "IT technician"),
            ("when", "2026-11-21T16:00"),
            ("approvedBy", "DSL"),
        ],
        None,
        None,
    )
    .expect("changed again");
    let figures = v.term_figures(2026, TermName::Autumn).expect("figures");
    let row = &figures.filtering_changes[0];
    assert!(row.what.contains("names someone"), "{}", row.what);
    assert!(!row.what.contains("Tom"));
    // Restricted, the record keeps the change's words: the vault lists its date and roles only.
    v.restrict(id, &[], now()).expect("restricted");
    let figures = v.term_figures(2026, TermName::Autumn).expect("figures");
    let row = &figures.filtering_changes[0];
    assert_eq!(row.what, crate::restricted::RESTRICTED_CHANGE);
    assert_eq!(
        (row.by.as_str(), row.approved_by.as_str()),
        ("IT technician", "DSL")
    );
}

#[test]
fn correcting_the_type_to_an_illegal_one_changes_the_route() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let d = create(
        &mut v,
        "bullying",
        vec![pupil("Eve Shaw", PersonRole::Victim)],
    );
    let id = d.id;
    finish_step(&mut v, id, "intake-immediate");
    assert_eq!(current(&v, id).node_id, "nudes-check");
    let mut corrected = d.facts.clone();
    corrected.activity_type = "sextortion".into();
    let d = v
        .correct_facts(id, &corrected, "Corrected at the DSL check", now())
        .expect("corrected");
    let step = d.flow.current.expect("a step");
    assert_eq!(step.node_id, "illegal-evidence");
    assert_eq!(
        d.activity.expect("its type").label,
        "Financially motivated sexual extortion (sextortion)"
    );
    assert_eq!(d.flow.mark, Some(Mark::Illegal));
}

#[test]
fn a_step_is_saved_at_once_or_not_at_all() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let id = create(
        &mut v,
        "bullying",
        vec![pupil("Eve Shaw", PersonRole::Victim)],
    )
    .id;
    let entries = |v: &Vault| v.incident(id).expect("i").chronology.len();
    // Completing without the required item: refused, naming it, and nothing is recorded.
    let optional_only = StepInput {
        node_id: "intake-immediate".into(),
        person_id: None,
        items: vec![chosen(
            "emergency-call",
            false,
            &[],
            "No immediate danger",
            None,
        )],
        complete: true,
        happened: None,
    };
    let e = rejected(v.record_step(id, &optional_only, now()));
    assert!(
        e.message.contains("Immediate actions taken"),
        "{}",
        e.message
    );
    assert_eq!(entries(&v), 0);
    // A field refused inside an item is named with the item.
    let bad = StepInput {
        items: vec![chosen(
            "immediate-actions",
            true,
            &[("what", "Spoke with Eve")],
            "",
            None,
        )],
        ..optional_only.clone()
    };
    let e = rejected(v.record_step(id, &bad, now()));
    assert_eq!(e.field.as_deref(), Some("immediate-actions/by"));
    assert!(
        e.message.starts_with("Immediate actions taken"),
        "{}",
        e.message
    );
    assert_eq!(entries(&v), 0);
    // Both items and the completion, in one save.
    let whole = StepInput {
        items: intake_items(),
        ..optional_only
    };
    let d = v.record_step(id, &whole, now()).expect("saved");
    assert_eq!(d.chronology.len(), 3);
    assert_eq!(d.flow.current.expect("next").node_id, "nudes-check");
}

#[test]
fn naming_a_new_victim_in_a_step_saved_at_once_keeps_the_step_and_asks_their_steps_next() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let id = create(
        &mut v,
        "bullying",
        vec![pupil("Tom Hale", PersonRole::Instigator)],
    )
    .id;
    finish_step(&mut v, id, "intake-immediate");
    not_illegal(&mut v, id, "Messages only");
    finish_step(&mut v, id, "unsuitable-record");
    finish_step(&mut v, id, "unsuitable-investigate");
    let step = current(&v, id);
    assert_eq!(step.node_id, "instigator-review");
    let save = StepInput {
        node_id: step.node_id.clone(),
        person_id: step.person_id,
        items: vec![
            chosen(
                "others",
                true,
                &[("finding", "Mai was sent the messages too")],
                "",
                Some(vec![new_pupil("Mai Tran", PersonRole::Victim)]),
            ),
            chosen(
                "own-safeguarding",
                true,
                &[("decision", "No concerns at home")],
                "",
                None,
            ),
        ],
        complete: true,
        happened: None,
    };
    // The same item twice in one save is refused.
    let mut twice = save.clone();
    twice.items.push(twice.items[1].clone());
    let e = rejected(v.record_step(id, &twice, now()));
    assert_eq!(e.field.as_deref(), Some("own-safeguarding"));
    let d = v
        .record_step(id, &save, now())
        .expect("saved, with the new victim");
    assert!(d
        .people
        .iter()
        .any(|i| i.person.name == "Mai Tran" && i.role == PersonRole::Victim));
    // The new victim's own step comes next; the instigator's review stays completed.
    let next = d.flow.current.expect("a step");
    assert_eq!(next.node_id, "victim-support");
    assert_eq!(next.person_label.as_deref(), Some("Mai Tran"));
    finish_step(&mut v, id, "victim-support");
    assert_eq!(current(&v, id).node_id, "instigator-sanction");
}

#[test]
fn an_action_recorded_late_keeps_when_it_was_done() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let mut f = facts("A video shared in a class group chat", "bullying");
    f.occurred_at = now() - Duration::days(10);
    f.reported_at = now() - Duration::days(9);
    let id = v
        .create_incident(
            &NewIncident {
                facts: f,
                people: vec![pupil("Eve Shaw", PersonRole::Victim)],
            },
            now(),
        )
        .expect("incident")
        .id;
    let step = |happened| StepInput {
        node_id: "intake-immediate".into(),
        person_id: None,
        items: intake_items(),
        complete: true,
        happened,
    };
    // Not in the future, not before the incident happened; nothing is recorded either way.
    let e = rejected(v.record_step(id, &step(Some(now() + Duration::hours(2))), now()));
    assert_eq!(e.field.as_deref(), Some("happened"));
    let e = rejected(v.record_step(id, &step(Some(now() - Duration::days(11))), now()));
    assert_eq!(e.field.as_deref(), Some("happened"));
    assert!(e.message.contains("before the incident happened"));
    assert!(v.incident(id).expect("i").chronology.is_empty());
    // A week late: both times are kept, and the chronology puts it where it happened.
    let week_ago = now() - Duration::days(7);
    let note = |text: &str, happened| EntryInput {
        happened,
        ..outside_flow(EntryBody::Note { text: text.into() }, None)
    };
    let d = v
        .record_entry(id, &note("Spoke with the parents", None), now())
        .expect("note");
    assert_eq!(d.chronology.len(), 1);
    let d = v
        .record_step(id, &step(Some(week_ago)), now())
        .expect("saved");
    let first = &d.chronology[0];
    assert_eq!(first.entry.happened, Some(week_ago));
    assert_eq!(first.entry.at, now());
    assert!(matches!(
        d.chronology.last().map(|c| &c.entry.body),
        Some(EntryBody::Note { .. })
    ));
    let passed = d
        .flow
        .path
        .iter()
        .find(|p| p.node_id == "intake-immediate")
        .expect("passed");
    assert_eq!((passed.happened, passed.at), (Some(week_ago), Some(now())));
    // It reads back the same from the vault.
    let back = v.incident(id).expect("i");
    assert_eq!(back.chronology[0].entry.happened, Some(week_ago));
    // A time within the minute is simply when it was recorded.
    let d = v
        .record_entry(
            id,
            &note("Checked in with Eve", Some(now() - Duration::seconds(20))),
            now(),
        )
        .expect("note");
    let last = d.chronology.last().expect("the note");
    assert_eq!(last.entry.happened, None);
}

#[test]
fn a_misspelt_person_is_corrected_with_the_old_name_kept_in_each_record() {
    use dsl_domain::incident::PersonCorrection;
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let first = create(
        &mut v,
        "bullying",
        vec![
            pupil("Zoe Nguyen", PersonRole::Victim),
            pupil("Aofie Brennan", PersonRole::Instigator),
        ],
    );
    let zoe = first.people[0].person.id;
    let aoife = first.people[1].person.id;
    let blank = create(&mut v, "bullying", vec![]).id;
    let second = v
        .add_person(
            blank,
            &InvolvementInput {
                person_id: Some(aoife),
                new_person: None,
                role: PersonRole::Witness,
            },
            now(),
        )
        .expect("named");
    let fix = |name: &str, reason: &str| PersonCorrection {
        person_id: aoife,
        kind: PersonKind::Pupil,
        name: name.into(),
        year_group: Some(9),
        date_of_birth: first.people[1].person.date_of_birth,
        reason: reason.into(),
    };
    // Nothing changed, or no reason: refused, and nothing is recorded.
    let e = rejected(v.correct_person(first.id, &fix("Aofie Brennan", "Misspelt"), now()));
    assert!(e.message.contains("Nothing has changed"));
    let e = rejected(v.correct_person(first.id, &fix("Aoife Brennan", " "), now()));
    assert_eq!(e.field.as_deref(), Some("correctionReason"));
    let e = rejected(v.correct_person(first.id, &fix(&"x".repeat(10_000), "Misspelt"), now()));
    assert_eq!(e.field.as_deref(), Some("personName"));
    // Corrected: both records name her rightly and say what it was, and why.
    let d = v
        .correct_person(first.id, &fix("Aoife Brennan", "Misspelt at intake"), now())
        .expect("corrected");
    assert_eq!(d.people[1].person.name, "Aoife Brennan");
    let line = d.chronology.last().expect("the correction");
    assert_eq!(line.step, "Correction");
    assert_eq!(line.person_label.as_deref(), Some("Aoife Brennan"));
    assert_eq!(
        line.text,
        "Corrected: Name from \"Aofie Brennan\" to \"Aoife Brennan\". Reason: Misspelt at intake"
    );
    let other = v.incident(second.id).expect("the other record");
    assert!(other
        .people
        .iter()
        .any(|i| i.person.name == "Aoife Brennan"));
    assert!(matches!(
        other.chronology.last().map(|c| &c.entry.body),
        Some(EntryBody::Corrected { .. })
    ));
    // A copy that keeps only Zoe's name withholds Aoife's old name too.
    let copy = dsl_domain::report::incident_report(
        "Oakfield",
        &d,
        &[],
        &[],
        Some(Some(zoe)),
        "Jo DSL",
        now(),
        "test",
    );
    let said = serde_json::to_string(&copy).expect("text");
    assert!(said.contains("Zoe Nguyen"));
    assert!(!said.contains("Aofie") && !said.contains("Aoife"), "{said}");
    let full = dsl_domain::report::incident_report(
        "Oakfield",
        &d,
        &[],
        &[],
        None,
        "Jo DSL",
        now(),
        "test",
    );
    assert!(serde_json::to_string(&full)
        .expect("text")
        .contains("Name from \\\"Aofie Brennan\\\" to \\\"Aoife Brennan\\\""));
    // A correction cannot be sent as an entry of its own.
    let e = rejected(v.record_entry(
        first.id,
        &outside_flow(
            EntryBody::Corrected {
                changes: vec![],
                reason: "x".into(),
            },
            Some(aoife),
        ),
        now(),
    ));
    assert_eq!(e.field.as_deref(), Some("body"));
}

#[test]
fn a_follow_up_waits_for_an_agency_until_it_is_done() {
    use dsl_domain::flow::IncidentStatus;
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = vault(tmp.path());
    let id = create(
        &mut v,
        "bullying",
        vec![pupil("Eve Shaw", PersonRole::Victim)],
    )
    .id;
    let me = v.session().expect("session").user_id;
    let tomorrow = dsl_domain::time::uk_day(now()) + Duration::days(1);
    let follow = |owner: i64, due: chrono::NaiveDate| {
        outside_flow(
            EntryBody::FollowUp {
                what: "Ask for the strategy meeting's outcome".into(),
                owner,
                owner_name: "typed by the screen".into(),
                due,
                waiting_for: Some("socialCare".into()),
            },
            None,
        )
    };
    let e = rejected(v.record_entry(id, &follow(me, tomorrow - Duration::days(2)), now()));
    assert_eq!(e.field.as_deref(), Some("followUpDue"));
    let e = rejected(v.record_entry(id, &follow(9_999, tomorrow), now()));
    assert_eq!(e.field.as_deref(), Some("followUpOwner"));
    let d = v
        .record_entry(id, &follow(me, tomorrow), now())
        .expect("added");
    assert_eq!(d.flow.status, IncidentStatus::AwaitingSocialCare);
    let due = d.due.iter().find(|s| s.follow_up.is_some()).expect("due");
    assert_eq!(due.owner, Some(me));
    assert_eq!(due.person_label.as_deref(), Some("Jo DSL"));
    assert!(due.label.starts_with("Chase children's social care"));
    let listed = v.due_incidents().expect("due");
    assert!(listed[0].dues.iter().any(|s| s.follow_up.is_some()));
    let entry = due.follow_up.expect("entry");
    let done = |note: &str| {
        outside_flow(
            EntryBody::FollowUpDone {
                follow_up: entry,
                note: note.into(),
            },
            None,
        )
    };
    let d = v
        .record_entry(id, &done("Outcome: no further action"), now())
        .expect("done");
    assert_eq!(d.flow.status, IncidentStatus::Open);
    assert!(d.due.iter().all(|s| s.follow_up.is_none()));
    assert_eq!(
        d.chronology.last().map(|c| c.text.as_str()),
        Some("Done: Ask for the strategy meeting's outcome. Note: Outcome: no further action")
    );
    // Not twice.
    rejected(v.record_entry(id, &done("again"), now()));
}
