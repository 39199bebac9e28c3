//! One incident's entries indexed by step and by id, with its people: what a walk reads.

use std::collections::BTreeMap;

use super::entries::{EntryBody, FlowEntry};
use crate::incident::Involvement;

/// A step for one person (or, with no person, for the incident as a whole).
type Key = (String, Option<i64>);

/// An incident's entries and people, indexed for the walk.
pub(super) struct Ctx<'a> {
    by_key: BTreeMap<Key, Vec<&'a FlowEntry>>,
    by_id: BTreeMap<i64, &'a FlowEntry>,
    pub(super) people: &'a [Involvement],
}

impl<'a> Ctx<'a> {
    /// Indexes entries (in any order) by step, each step's in id order, and by id.
    pub(super) fn new(entries: &'a [FlowEntry], people: &'a [Involvement]) -> Self {
        let mut by_key: BTreeMap<Key, Vec<&FlowEntry>> = BTreeMap::new();
        let mut by_id = BTreeMap::new();
        for e in entries {
            by_id.insert(e.id, e);
            if let Some(node) = &e.node_id {
                by_key
                    .entry((node.clone(), e.person_id))
                    .or_default()
                    .push(e);
            }
        }
        for list in by_key.values_mut() {
            list.sort_by_key(|e| e.id);
        }
        Ctx {
            by_key,
            by_id,
            people,
        }
    }

    fn entries(&self, node: &str, person: Option<i64>) -> &[&'a FlowEntry] {
        self.by_key
            .get(&(node.to_string(), person))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The latest entry for a step made after `floor` that `pick` accepts.
    pub(super) fn latest<T>(
        &self,
        node: &str,
        person: Option<i64>,
        floor: i64,
        pick: impl Fn(&'a FlowEntry) -> Option<T>,
    ) -> Option<(&'a FlowEntry, T)> {
        self.entries(node, person)
            .iter()
            .rev()
            .filter(|e| e.id > floor)
            .find_map(|e| pick(e).map(|t| (*e, t)))
    }

    /// The earliest entry of an unbroken run of answers with the same outcome: a changed reason
    /// does not make later steps be asked again, a changed choice does.
    pub(super) fn since(&self, entry: &FlowEntry) -> i64 {
        let mut since = entry.id;
        let mut current = entry;
        while let Some(prev) = current.supersedes.and_then(|id| self.by_id.get(&id)) {
            if same_outcome(&prev.body, &current.body) {
                since = prev.id;
                current = prev;
            } else {
                break;
            }
        }
        since
    }

    /// Whether the person is recorded as the headteacher.
    pub(super) fn is_headteacher(&self, person: Option<i64>) -> bool {
        person.is_some_and(|id| {
            self.people
                .iter()
                .any(|i| i.person.id == id && i.person.headteacher)
        })
    }

    /// The name of a person in the incident, if any.
    pub(super) fn label(&self, person: Option<i64>) -> Option<String> {
        let id = person?;
        self.people
            .iter()
            .find(|i| i.person.id == id)
            .map(|i| i.person.name.clone())
    }
}

/// Whether two answers lead the same way: the same choice, or screening answers that are both
/// all no or both not.
fn same_outcome(a: &EntryBody, b: &EntryBody) -> bool {
    match (a, b) {
        (EntryBody::Answer { choice: x, .. }, EntryBody::Answer { choice: y, .. }) => x == y,
        (EntryBody::Screening { answers: x, .. }, EntryBody::Screening { answers: y, .. }) => {
            x.iter().any(|a| a.yes) == y.iter().any(|a| a.yes)
        }
        _ => false,
    }
}
