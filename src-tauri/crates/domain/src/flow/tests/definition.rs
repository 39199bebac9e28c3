//! The shipped flow and the checks that refuse a broken definition.

use super::*;

#[test]
fn the_shipped_flow_is_valid() {
    let flow = online_safety().expect("valid");
    assert_eq!(flow.id, "online-safety");
    assert!(flow.version >= 1);
}

/// Every path through the top level, following every choice, reaches the end.
#[test]
fn every_path_ends() {
    let flow = online_safety().expect("valid");
    fn paths(flow: &FlowDefinition, id: &str, depth: usize, count: &mut usize) {
        assert!(depth < 100, "path too long at {id}");
        let node = flow.node(id).unwrap_or_else(|| panic!("missing {id}"));
        let next = node.successors();
        if next.is_empty() {
            assert!(
                matches!(node.kind, NodeKind::End { .. }),
                "{id} is a dead end"
            );
            *count += 1;
        }
        for n in next {
            paths(flow, n, depth + 1, count);
        }
    }
    let mut count = 0;
    paths(&flow, &flow.start, 0, &mut count);
    assert!(count >= 8, "expected many routes, found {count}");
}

#[test]
fn broken_definitions_are_refused() {
    let base = ONLINE_SAFETY_JSON;
    let dangling = base.replacen("\"next\": \"type-check\"", "\"next\": \"nowhere\"", 1);
    assert!(matches!(
        FlowDefinition::parse(&dangling),
        Err(FlowError::Dangling { .. })
    ));
    let dup = base.replacen(
        "\"id\": \"police-advice\"",
        "\"id\": \"intake-immediate\"",
        1,
    );
    assert!(matches!(
        FlowDefinition::parse(&dup),
        Err(FlowError::DuplicateId(_))
    ));
    let looped = base.replacen(
        "\"next\": \"illegal-decision-after-advice\"",
        "\"next\": \"illegal-decision\"",
        1,
    );
    assert!(matches!(
        FlowDefinition::parse(&looped),
        Err(FlowError::Cycle(_))
    ));
    assert!(matches!(
        FlowDefinition::parse("{"),
        Err(FlowError::Parse(_))
    ));
}
