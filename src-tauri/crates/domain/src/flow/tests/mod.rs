//! Every route through the shipped flow, superseding and re-asking, per-person steps, closing rules.
//! This file holds the simulated incident the tests walk; the tests are in its submodules.

use std::collections::BTreeMap;

use chrono::Duration;

use super::*;
use crate::incident::{Involvement, PersonKind, PersonRole};
pub(super) use crate::test_fixtures::{person, t0};

mod allegations;
mod changes;
mod checks;
mod definition;
mod routes;
mod types;

/// An incident being walked: entries are checked exactly as the app checks them.
struct Sim {
    flow: FlowDefinition,
    people: Vec<Involvement>,
    entries: Vec<FlowEntry>,
}

impl Sim {
    /// An incident recorded under version 1, which such incidents keep replaying against.
    fn new(people: Vec<Involvement>) -> Self {
        Self {
            flow: find("online-safety", 1)
                .expect("version 1 is shipped")
                .clone(),
            people,
            entries: Vec::new(),
        }
    }

    /// An incident recorded under version 2 (the allegations route), which such incidents
    /// keep replaying against.
    fn current_flow(people: Vec<Involvement>) -> Self {
        Self {
            flow: find("online-safety", 2)
                .expect("version 2 is shipped")
                .clone(),
            people,
            entries: Vec::new(),
        }
    }

    /// An incident of type `activity` recorded now, under the current flow as it applies to
    /// that type.
    fn typed(activity: &str, people: Vec<Involvement>) -> Self {
        Self {
            flow: online_safety()
                .expect("the shipped flow is valid")
                .for_type(activity),
            people,
            entries: Vec::new(),
        }
    }

    fn state(&self) -> FlowState {
        evaluate(&self.flow, &self.people, &self.entries)
    }

    fn current(&self) -> StepView {
        self.state().current.expect("a current step")
    }

    fn try_record(
        &mut self,
        node: Option<&str>,
        person: Option<i64>,
        body: EntryBody,
    ) -> Result<i64, crate::ApiError> {
        let input = EntryInput {
            node_id: node.map(str::to_string),
            person_id: person,
            body,
            people: None,
            evidence: None,
            happened: None,
        };
        let (body, supersedes) = check_entry(&self.flow, &self.people, &self.entries, &input)?;
        let id = self.entries.len() as i64 + 1;
        self.entries.push(FlowEntry {
            id,
            at: t0() + Duration::minutes(id),
            user_name: "DSL".into(),
            node_id: input.node_id,
            person_id: input.person_id,
            supersedes,
            body,
            happened: None,
        });
        Ok(id)
    }

    fn answer(&mut self, node: &str, choice: &str) -> i64 {
        let person = self.current().person_id;
        assert_eq!(self.current().node_id, node, "expected to be asked {node}");
        self.try_record(
            Some(node),
            person,
            EntryBody::Answer {
                choice: choice.into(),
                reason: format!("because {choice}"),
            },
        )
        .expect("answer recorded")
    }

    fn screening(&mut self, yes: &[&str]) {
        let c = self.current();
        assert_eq!(c.kind, StepKind::Screening);
        let answers = c
            .questions
            .iter()
            .map(|q| ScreeningAnswer {
                question: q.id.clone(),
                yes: yes.contains(&q.id.as_str()),
            })
            .collect();
        self.try_record(
            Some(&c.node_id),
            None,
            EntryBody::Screening {
                answers,
                reason: "rationale".into(),
            },
        )
        .expect("screening recorded");
    }

    fn details(item: &ActionItem) -> BTreeMap<String, String> {
        crate::test_fixtures::details(&item.fields)
    }

    /// Does every mandatory item of the current action step, then completes it.
    fn do_step(&mut self, node: &str) {
        let c = self.current();
        assert_eq!(c.node_id, node, "expected step {node}");
        assert_eq!(c.kind, StepKind::Action);
        for item in c.items.iter().filter(|i| i.item.mandatory) {
            self.try_record(
                Some(node),
                c.person_id,
                EntryBody::Item {
                    item: item.item.id.clone(),
                    done: true,
                    details: Self::details(&item.item),
                    reason: String::new(),
                },
            )
            .expect("item recorded");
        }
        self.try_record(
            Some(node),
            c.person_id,
            EntryBody::Complete { open: vec![] },
        )
        .expect("step completed");
    }

    fn review_and_close(&mut self) {
        for step in [
            "review-parents",
            "review-wellbeing",
            "review-learning",
            "review-complete",
        ] {
            self.do_step(step);
        }
        assert!(self.state().at_end);
        self.try_record(
            None,
            None,
            EntryBody::Closed {
                reason: "All done".into(),
            },
        )
        .expect("closed");
        assert_eq!(self.state().status, IncidentStatus::Closed);
    }
}
