//! The guided flowcharts: definitions (data), entries (what was recorded) and the engine that
//! works out, from the entries alone, where an incident stands.

mod checks;
mod chronology;
mod ctx;
mod definition;
mod due;
mod entries;
mod view;
mod walk;

pub use checks::check_entry;
pub use chronology::{chronology, display_value, ChronologyEntry};
pub use definition::*;
pub use due::due_steps;
pub use entries::{EntryBody, EntryInput, FlowEntry, IncidentStatus, ScreeningAnswer};
pub use view::{
    ChoiceView, DueStep, FlowState, ItemRecord, ItemView, PathStep, StepKind, StepView,
};
pub use walk::{evaluate, reask};

/// The flow shipped with DSL Desk (seed 003 §10.3 and seed 004's charts, with KCSIE Part 4's
/// allegations route), embedded at build time: the version new incidents follow.
pub const ONLINE_SAFETY_JSON: &str =
    include_str!("../../../../../assets/flows/online-safety-v2.json");

/// The first version, which incidents recorded before version 2 keep following.
pub const ONLINE_SAFETY_V1_JSON: &str =
    include_str!("../../../../../assets/flows/online-safety-v1.json");

/// The shipped flow, parsed and validated.
pub fn online_safety() -> Result<FlowDefinition, FlowError> {
    FlowDefinition::parse(ONLINE_SAFETY_JSON)
}

/// Every shipped flow version, parsed once. Old versions stay here so that an incident always
/// replays against the version it followed.
fn registry() -> &'static Result<Vec<FlowDefinition>, FlowError> {
    static FLOWS: std::sync::OnceLock<Result<Vec<FlowDefinition>, FlowError>> =
        std::sync::OnceLock::new();
    FLOWS.get_or_init(|| {
        Ok(vec![
            FlowDefinition::parse(ONLINE_SAFETY_V1_JSON)?,
            online_safety()?,
        ])
    })
}

/// The flow a new incident follows: the newest version of the online-safety flow.
pub fn current() -> Result<&'static FlowDefinition, FlowError> {
    let flows = registry().as_ref().map_err(Clone::clone)?;
    flows
        .iter()
        .filter(|f| f.id == "online-safety")
        .max_by_key(|f| f.version)
        .ok_or_else(|| FlowError::Invalid("online-safety".into(), "no version shipped".into()))
}

/// A shipped flow by id and version.
pub fn find(id: &str, version: u32) -> Result<&'static FlowDefinition, FlowError> {
    let flows = registry().as_ref().map_err(Clone::clone)?;
    flows
        .iter()
        .find(|f| f.id == id && f.version == version)
        .ok_or_else(|| {
            FlowError::Invalid(
                format!("{id} v{version}"),
                "this version is not known".into(),
            )
        })
}

#[cfg(test)]
mod tests;
