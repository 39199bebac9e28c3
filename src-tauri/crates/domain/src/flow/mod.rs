//! The guided flowcharts: definitions (data), entries (what was recorded) and the engine that
//! works out, from the entries alone, where an incident stands.

mod definition;
mod engine;

pub use definition::*;
pub use engine::*;

/// The flow shipped with DSL Desk (seed 003 §10.3 and seed 004's charts), embedded at build time.
pub const ONLINE_SAFETY_JSON: &str = include_str!("../../../../../assets/flows/online-safety.json");

/// The shipped flow, parsed and validated.
pub fn online_safety() -> Result<FlowDefinition, FlowError> {
    FlowDefinition::parse(ONLINE_SAFETY_JSON)
}

#[cfg(test)]
mod tests;
