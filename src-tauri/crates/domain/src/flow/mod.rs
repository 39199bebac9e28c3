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
pub use entries::{
    check_happened, open_follow_ups, waiting_for, Change, EntryBody, EntryInput, FlowEntry,
    IncidentStatus, ScreeningAnswer, StepInput, StepItemInput, StoredBody,
};
pub use view::{
    ChoiceView, DueStep, FlowState, ItemRecord, ItemView, PathStep, StepKind, StepView,
};
pub use walk::{evaluate, reask};

/// The flow shipped with DSL Desk (seed 003 §10.3 and seed 004's charts, with KCSIE Part 4's
/// allegations route and the kinds of incident current guidance names), embedded at build
/// time: the version new incidents follow.
pub const ONLINE_SAFETY_JSON: &str =
    include_str!("../../../../../assets/flows/online-safety-v3.json");

/// The second version, which incidents recorded before version 3 keep following.
pub const ONLINE_SAFETY_V2_JSON: &str =
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
            FlowDefinition::parse(ONLINE_SAFETY_V2_JSON)?,
            online_safety()?,
        ])
    })
}

/// Every shipped flow version, oldest first (none if a shipped file were damaged, which the
/// tests rule out).
pub fn shipped() -> &'static [FlowDefinition] {
    registry().as_ref().map(Vec::as_slice).unwrap_or(&[])
}

/// `flow` as it applies to an incident of type `type_id`: the shipped one kept for it when
/// `flow` is a shipped version, or made now for one that is not (a test's own flow).
pub fn for_case<'f>(
    flow: &'f FlowDefinition,
    type_id: &str,
) -> std::borrow::Cow<'f, FlowDefinition> {
    match find(&flow.id, flow.version) {
        Ok(shipped) if std::ptr::eq(shipped, flow) => {
            match find_for(&flow.id, flow.version, type_id) {
                Ok(made) => std::borrow::Cow::Borrowed(made),
                Err(_) => std::borrow::Cow::Owned(flow.for_type(type_id)),
            }
        }
        _ => std::borrow::Cow::Owned(flow.for_type(type_id)),
    }
}

/// A shipped flow by id and version, as it applies to an incident of type `type_id`: made once
/// per version and type, then kept.
pub fn find_for(
    id: &str,
    version: u32,
    type_id: &str,
) -> Result<&'static FlowDefinition, FlowError> {
    type Made = std::collections::BTreeMap<(String, u32, String), &'static FlowDefinition>;
    static MADE: std::sync::OnceLock<std::sync::Mutex<Made>> = std::sync::OnceLock::new();
    let key = (id.to_string(), version, type_id.to_string());
    let made = MADE.get_or_init(Default::default);
    if let Some(flow) = made.lock().ok().and_then(|m| m.get(&key).copied()) {
        return Ok(flow);
    }
    let base = find(id, version)?;
    // Bounded: one per shipped version and type of that version (an unknown type shares one).
    let type_key = if base.activity_type(type_id).is_some() {
        type_id
    } else {
        ""
    };
    let key = (id.to_string(), version, type_key.to_string());
    let mut m = made
        .lock()
        .map_err(|_| FlowError::Invalid(id.into(), "the flow cache failed".into()))?;
    let flow = *m
        .entry(key)
        .or_insert_with(|| Box::leak(Box::new(base.for_type(type_key))));
    Ok(flow)
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
