//! The activity types a DSL chooses from (seed 003 §10.1's "User Actions" table, with the kinds
//! current guidance adds). They are data in each flow version, so a school can adapt them, and
//! an incident's type is always read from the version it followed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A kind of incident, as the flow file defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityType {
    pub id: String,
    pub label: String,
    /// Illegal in itself: the incident follows the illegal route.
    pub illegal: bool,
    /// What current guidance says the DSL does for this kind of incident.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guidance: Vec<String>,
    /// Checklist items offered only for some types ("step/item") that this type offers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(skip)]
    pub adds: Vec<String>,
    /// Checklist items this type makes mandatory ("step/item").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(skip)]
    pub requires: Vec<String>,
    /// Checklist items that do not fit this type and are not offered ("step/item").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(skip)]
    pub hides: Vec<String>,
    /// Offered for new incidents: false for a type only an older flow version had.
    #[serde(default = "offered", skip_deserializing)]
    pub current: bool,
}

fn offered() -> bool {
    true
}

/// The activity type `id` in the flow version an incident followed; if that version does not
/// know it (a damaged record), any shipped version's, newest first.
pub fn activity_type(flow_version: u32, id: &str) -> Option<&'static ActivityType> {
    let flows = crate::flow::shipped();
    let in_version = flows
        .iter()
        .filter(|f| f.version == flow_version)
        .flat_map(|f| &f.types)
        .find(|t| t.id == id);
    in_version.or_else(|| {
        flows
            .iter()
            .rev()
            .flat_map(|f| &f.types)
            .find(|t| t.id == id)
    })
}

/// The activity type `id` in flow version `flow_version` only: none if that version does not
/// have it (the figures count such a record as "other").
pub fn activity_type_in(flow_version: u32, id: &str) -> Option<&'static ActivityType> {
    crate::flow::shipped()
        .iter()
        .filter(|f| f.version == flow_version)
        .flat_map(|f| &f.types)
        .find(|t| t.id == id)
}

/// The types a new incident can take (the current flow's), then those only older versions had
/// (marked not current), for lists and filters of incidents of every version.
pub fn all_activity_types() -> Vec<ActivityType> {
    let mut out: Vec<ActivityType> = Vec::new();
    for (n, flow) in crate::flow::shipped().iter().rev().enumerate() {
        for t in &flow.types {
            if !out.iter().any(|o| o.id == t.id) {
                out.push(ActivityType {
                    current: n == 0,
                    ..t.clone()
                });
            }
        }
    }
    out
}
