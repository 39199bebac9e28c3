//! The types of activity in the flow file (version 3): each new type's route, the items a type
//! adds, requires or hides, and the steps every child gets for their role on both routes.

use super::*;

/// The ids of the items offered at the current step, and those of them mandatory.
fn items(s: &Sim) -> (Vec<String>, Vec<String>) {
    let c = s.current();
    let all = c.items.iter().map(|i| i.item.id.clone()).collect();
    let required = c
        .items
        .iter()
        .filter(|i| i.item.mandatory)
        .map(|i| i.item.id.clone())
        .collect();
    (all, required)
}

fn has(list: &[String], id: &str) -> bool {
    list.iter().any(|x| x == id)
}

/// Completing the current step without a required item is refused, naming it.
fn refused_without(s: &mut Sim, node: &str, label_part: &str) {
    let c = s.current();
    assert_eq!(c.node_id, node);
    let e = s
        .try_record(
            Some(node),
            c.person_id,
            EntryBody::Complete { open: vec![] },
        )
        .expect_err("a required item is missing");
    assert!(e.message.contains(label_part), "{}", e.message);
}

#[test]
fn every_type_of_every_version_is_valid_and_the_new_kinds_are_there() {
    let v3 = online_safety().expect("valid");
    assert_eq!(v3.version, 3);
    for id in [
        "sextortion",
        "ai-images",
        "terrorist-material",
        "misinformation",
        "filtering-failure",
    ] {
        assert!(v3.activity_type(id).is_some(), "{id}");
    }
    for version in [1, 2, 3] {
        let flow = find("online-safety", version).expect("shipped");
        // The validator has checked that no type leaves a checklist empty.
        flow.validate().expect("valid");
        for t in &flow.types {
            let made = flow.for_type(&t.id);
            assert_eq!(made.case_type.as_ref(), Some(t));
            assert_eq!(
                made.nodes.len(),
                flow.nodes.len(),
                "a type changes items, not steps"
            );
        }
    }
}

#[test]
fn sextortion_goes_the_illegal_route_with_its_own_steps_and_ceop_required() {
    let mut s = Sim::typed(
        "sextortion",
        vec![
            person(1, PersonKind::Pupil, PersonRole::Victim),
            person(2, PersonKind::AdultOutside, PersonRole::Alleged),
        ],
    );
    s.do_step("intake-immediate");
    // Illegal in itself: no nudes question, no illegal decision, straight to the evidence.
    assert_eq!(s.current().node_id, "illegal-evidence");
    assert_eq!(s.state().mark, Some(Mark::Illegal));
    let type_step = s
        .state()
        .path
        .into_iter()
        .find(|p| p.node_id == "type-check");
    assert!(type_step
        .expect("on the route")
        .summary
        .contains("illegal in itself"));
    s.do_step("illegal-evidence");
    let (offered, required) = items(&s);
    assert!(has(&required, "ceop"), "CEOP is required for sextortion");
    assert!(
        !has(&offered, "iwf"),
        "the IWF item does not fit it: Report Remove does"
    );
    assert!(!has(&offered, "ctp-report"));
    s.try_record(
        Some("illegal-police"),
        None,
        EntryBody::Item {
            item: "police-report".into(),
            done: true,
            details: crate::test_fixtures::details(&s.current().items[0].item.fields),
            reason: String::new(),
        },
    )
    .expect("police report");
    refused_without(&mut s, "illegal-police", "Reported to CEOP");
    s.do_step("illegal-police");
    let (offered, required) = items(&s);
    assert_eq!(s.current().node_id, "child-referral");
    for id in ["sextortion-advice", "immediate-safety", "report-remove"] {
        assert!(has(&required, id), "{id} is required for sextortion");
    }
    assert!(has(&offered, "social-care") && has(&offered, "parents"));
    s.do_step("child-referral");
    // The adult outside school is no one's allegation; no child harmed anyone.
    s.do_step("illegal-irm");
    assert_eq!(s.state().status, IncidentStatus::AwaitingPolice);
}

#[test]
fn grooming_requires_ceop_and_a_type_without_it_leaves_ceop_optional() {
    let mut g = Sim::typed(
        "grooming",
        vec![person(1, PersonKind::Pupil, PersonRole::Victim)],
    );
    g.do_step("intake-immediate");
    g.do_step("illegal-evidence");
    assert!(has(&items(&g).1, "ceop"));
    assert!(has(&items(&g).0, "iwf"), "grooming keeps the IWF item");
    let mut h = Sim::typed(
        "criminal-hate",
        vec![person(1, PersonKind::Pupil, PersonRole::Victim)],
    );
    h.do_step("intake-immediate");
    h.do_step("illegal-evidence");
    let (offered, required) = items(&h);
    assert!(has(&offered, "ceop") && !has(&required, "ceop"));
}

#[test]
fn ai_made_images_are_illegal_and_never_ask_the_ukcis_questions() {
    let mut s = Sim::typed(
        "ai-images",
        vec![
            person(1, PersonKind::Pupil, PersonRole::Victim),
            person(2, PersonKind::Pupil, PersonRole::Instigator),
        ],
    );
    s.do_step("intake-immediate");
    assert_eq!(s.current().node_id, "illegal-evidence");
    assert_eq!(s.state().mark, Some(Mark::Illegal));
    s.do_step("illegal-evidence");
    s.do_step("illegal-police");
    let (offered, _) = items(&s);
    assert!(
        has(&offered, "report-remove"),
        "offered for the child in the image"
    );
    s.do_step("child-referral");
    // The pupil who made them gets their own steps on the illegal route.
    let c = s.current();
    assert_eq!(
        (c.node_id.as_str(), c.person_id),
        ("harmer-safeguarding", Some(2))
    );
}

#[test]
fn terrorist_material_requires_the_online_report_and_prevent_for_the_child_who_shared_it() {
    let mut s = Sim::typed(
        "terrorist-material",
        vec![person(1, PersonKind::Pupil, PersonRole::Instigator)],
    );
    s.do_step("intake-immediate");
    assert_eq!(s.current().node_id, "illegal-evidence");
    assert_eq!(s.state().mark, Some(Mark::Illegal));
    s.do_step("illegal-evidence");
    let (offered, required) = items(&s);
    assert!(
        has(&required, "ctp-report"),
        "counter-terrorism online reporting"
    );
    assert!(
        !has(&offered, "prevent"),
        "Prevent is per child, for the one who shared it"
    );
    s.do_step("illegal-police");
    // No victim: the child who shared it comes next, with Prevent required.
    assert_eq!(s.current().node_id, "harmer-safeguarding");
    assert_eq!(s.current().person_id, Some(1));
    let (_, required) = items(&s);
    for id in ["own-safeguarding", "prevent", "parents", "others"] {
        assert!(has(&required, id), "{id}");
    }
    // Promotion of extremism, not terrorist material: Prevent offered, not required.
    let mut e = Sim::typed(
        "extremism",
        vec![person(1, PersonKind::Pupil, PersonRole::Instigator)],
    );
    e.do_step("intake-immediate");
    e.answer("nudes-check", "no");
    e.answer("illegal-decision", "no");
    e.do_step("unsuitable-record");
    e.do_step("unsuitable-investigate");
    let (offered, required) = items(&e);
    assert_eq!(e.current().node_id, "instigator-review");
    assert!(has(&offered, "prevent") && !has(&required, "prevent"));
}

#[test]
fn a_child_who_harmed_gets_safeguarding_parents_and_others_on_the_illegal_route() {
    let mut s = Sim::typed(
        "child-abuse-images",
        vec![
            person(1, PersonKind::Pupil, PersonRole::Victim),
            person(2, PersonKind::Pupil, PersonRole::Instigator),
            person(3, PersonKind::Pupil, PersonRole::Witness),
        ],
    );
    s.do_step("intake-immediate");
    s.do_step("illegal-evidence");
    s.do_step("illegal-police");
    s.do_step("child-referral");
    let c = s.current();
    assert_eq!(
        (c.node_id.as_str(), c.person_id),
        ("harmer-safeguarding", Some(2))
    );
    let (_, required) = items(&s);
    for id in ["own-safeguarding", "parents", "others"] {
        assert!(has(&required, id), "{id}");
    }
    refused_without(&mut s, "harmer-safeguarding", "Who else received");
    s.do_step("harmer-safeguarding");
    // The pupil who saw it gets support.
    let c = s.current();
    assert_eq!(
        (c.node_id.as_str(), c.person_id),
        ("il-witness-support", Some(3))
    );
    s.do_step("il-witness-support");
    s.do_step("illegal-irm");
    assert_eq!(s.state().status, IncidentStatus::AwaitingPolice);
}

#[test]
fn a_child_who_harmed_gets_the_same_on_the_route_that_is_not_illegal() {
    let mut s = Sim::typed(
        "bullying",
        vec![
            person(1, PersonKind::Pupil, PersonRole::Victim),
            person(2, PersonKind::Pupil, PersonRole::Instigator),
        ],
    );
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    assert_eq!(s.state().mark, Some(Mark::NotIllegal));
    s.do_step("unsuitable-record");
    s.do_step("unsuitable-investigate");
    s.do_step("victim-support");
    let (_, required) = items(&s);
    assert_eq!(s.current().node_id, "instigator-review");
    assert!(has(&required, "others") && has(&required, "own-safeguarding"));
    s.do_step("instigator-review");
    let (_, required) = items(&s);
    assert!(
        has(&required, "parents"),
        "their parents, or the reason not"
    );
    s.do_step("instigator-sanction");
    s.review_and_close();
}

#[test]
fn a_filtering_failure_requires_the_change_record_at_review() {
    let mut s = Sim::typed(
        "filtering-failure",
        vec![person(1, PersonKind::Pupil, PersonRole::Victim)],
    );
    s.do_step("intake-immediate");
    s.answer("nudes-check", "no");
    s.answer("illegal-decision", "no");
    s.do_step("unsuitable-record");
    s.do_step("unsuitable-investigate");
    s.do_step("victim-support");
    s.do_step("review-parents");
    s.do_step("review-wellbeing");
    let (_, required) = items(&s);
    assert!(has(&required, "filtering-change"));
    let change = s.flow.item_meaning("review-learning", "filtering-change");
    assert_eq!(change, Some(crate::meaning::ItemMeaning::FilteringChange));
    // Misinformation is not illegal in itself: the questions decide the route, and the
    // teaching item is offered at review; no filtering change.
    let mut mis = Sim::typed(
        "misinformation",
        vec![person(1, PersonKind::Pupil, PersonRole::Instigator)],
    );
    mis.do_step("intake-immediate");
    assert_eq!(mis.current().node_id, "nudes-check");
    assert_eq!(mis.state().mark, None);
    let m = online_safety().expect("flow").for_type("misinformation");
    let NodeKind::Action { items, .. } = &m.node("review-learning").expect("step").kind else {
        panic!("a checklist");
    };
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["curriculum", "learning"]);
}

#[test]
fn correcting_the_type_changes_the_route_and_old_versions_replay_unchanged() {
    // A type marked not illegal, corrected to sextortion: the type's branch reads the facts.
    let base = online_safety().expect("flow");
    let mut s = Sim::typed(
        "bullying",
        vec![person(1, PersonKind::Pupil, PersonRole::Victim)],
    );
    s.do_step("intake-immediate");
    assert_eq!(s.current().node_id, "nudes-check");
    s.flow = base.for_type("sextortion");
    assert_eq!(s.current().node_id, "illegal-evidence");
    // Version 2 has no type branch: its incidents still ask the nudes question.
    let mut old = Sim::current_flow(vec![person(1, PersonKind::Pupil, PersonRole::Victim)]);
    old.do_step("intake-immediate");
    assert_eq!(old.current().node_id, "nudes-check");
}

#[test]
fn the_validator_checks_what_types_add_require_and_hide() {
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(ONLINE_SAFETY_JSON).expect("json");
        f(&mut v);
        FlowDefinition::parse(&v.to_string())
    };
    let sext = |v: &mut serde_json::Value| -> usize {
        v["types"]
            .as_array()
            .and_then(|t| t.iter().position(|t| t["id"] == "sextortion"))
            .expect("sextortion")
    };
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "unknown item",
            Box::new(move |v| {
                let i = sext(v);
                v["types"][i]["adds"] = serde_json::json!(["illegal-police/nothing"]);
            }),
        ),
        (
            "hides a mandatory item",
            Box::new(move |v| {
                let i = sext(v);
                v["types"][i]["hides"] = serde_json::json!(["illegal-police/police-report"]);
            }),
        ),
        (
            "requires a by-type item it does not add",
            Box::new(move |v| {
                let i = sext(v);
                v["types"][i]["requires"] = serde_json::json!(["illegal-police/ctp-report"]);
            }),
        ),
        (
            "duplicate id",
            Box::new(|v| {
                let first = v["types"][0].clone();
                v["types"].as_array_mut().expect("list").push(first);
            }),
        ),
        ("no types", Box::new(|v| v["types"] = serde_json::json!([]))),
        (
            "adds and hides the same item",
            Box::new(move |v| {
                let i = sext(v);
                v["types"][i]["hides"] =
                    serde_json::json!(["illegal-police/iwf", "child-referral/report-remove"]);
            }),
        ),
        (
            "a person's branch that marks the incident",
            Box::new(|v| {
                let nodes = v["nodes"].as_array_mut().expect("nodes");
                let i = nodes
                    .iter()
                    .position(|n| n["id"] == "illegal-allegations")
                    .expect("step");
                nodes[i]["steps"][1]["yesMarks"] = serde_json::json!("illegal");
            }),
        ),
        (
            "a by-type item no type adds",
            Box::new(|v| {
                for t in v["types"].as_array_mut().expect("list") {
                    if let Some(adds) = t.get_mut("adds").and_then(|a| a.as_array_mut()) {
                        adds.retain(|a| a != "illegal-police/ctp-report");
                    }
                    if let Some(req) = t.get_mut("requires").and_then(|a| a.as_array_mut()) {
                        req.retain(|a| a != "illegal-police/ctp-report");
                    }
                }
            }),
        ),
        (
            "a type branch inside a per-person step",
            Box::new(|v| {
                let nodes = v["nodes"].as_array_mut().expect("nodes");
                let i = nodes
                    .iter()
                    .position(|n| n["id"] == "type-check")
                    .expect("branch");
                nodes[i]["test"] = serde_json::json!("personIsHeadteacher");
            }),
        ),
    ];
    for (what, f) in cases {
        assert!(edit(&*f).is_err(), "{what} should be refused");
    }
    assert!(edit(&|_| {}).is_ok());
}
