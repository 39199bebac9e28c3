//! Working out where an incident stands by walking its flow over its entries alone. Records are
//! append-only: an entry only counts if it was made after the answers that led to its step, so
//! changing an earlier answer asks the steps that depended on it again, and nothing is lost.

use super::ctx::Ctx;
use super::definition::{
    ActionItem, AnsweredWith, BranchTest, Choice, FlowDefinition, Mark, Node, NodeKind,
    PersonFilter, ScreeningQuestion,
};
use super::entries::{EntryBody, FlowEntry, IncidentStatus};
use super::view::{item_records, step_view, FlowState, PathStep, StepKind, StepView};
use crate::incident::Involvement;

/// Where walking one node leads.
enum Walk {
    /// The DSL must do this step next.
    Stop(Box<StepView>),
    /// The scope ran to `next` ("" at the end of a per-person sub-flow).
    Next(String),
}

/// Where a screening outcome leads, and the mark it sets, if any.
type Way<'n> = (&'n str, Option<Mark>);

/// A node being walked, for one person or (with no person) for the incident as a whole.
#[derive(Clone, Copy)]
struct Step<'n> {
    node: &'n Node,
    person: Option<i64>,
}

/// A walk through one incident's flow: what it reads, and what it gathers on the way.
struct Walker<'c, 'a> {
    ctx: &'c Ctx<'a>,
    mark: Option<Mark>,
    path: Vec<PathStep>,
    /// The answers passed on this walk: (step, person, choice).
    answers: Vec<(String, Option<i64>, String)>,
    /// An answer on the route marked it illegal (even if a later one, the police's, did not).
    was_illegal: bool,
    /// Branches passed on the facts now, not yet recorded: (step, person, way taken).
    undecided: Vec<(String, Option<i64>, bool)>,
    /// The incident's type of activity is illegal in itself.
    type_illegal: bool,
}

impl Walker<'_, '_> {
    /// Walks one node; on success returns where to go and records the path. `floor` is the id
    /// entries must be newer than to count; answers raise it for the steps after them.
    fn walk(&mut self, node: &Node, person: Option<i64>, floor: &mut i64) -> Walk {
        let step = Step { node, person };
        match &node.kind {
            NodeKind::Info { next } => self.info(step, *floor, next),
            NodeKind::Question { choices, .. } => self.question(step, floor, choices),
            NodeKind::Branch {
                test,
                yes,
                no,
                yes_note,
                no_note,
                yes_marks,
                no_marks,
            } => {
                // A person's branch is decided once, as the facts stood then: a recorded
                // decision holds even if the facts change later (a head who has left); until
                // recorded, the facts now. The type's branch follows the facts as corrected.
                let recorded = match test {
                    BranchTest::PersonIsHeadteacher => {
                        self.ctx
                            .latest(&node.id, person, *floor, |e| match &e.body {
                                EntryBody::Answer { choice, .. } => Some(choice == "yes"),
                                _ => None,
                            })
                    }
                    BranchTest::TypeIsIllegal => None,
                };
                let holds = match (recorded, test) {
                    (Some((_, holds)), _) => holds,
                    (None, BranchTest::PersonIsHeadteacher) => self.ctx.is_headteacher(person),
                    (None, BranchTest::TypeIsIllegal) => self.type_illegal,
                };
                if recorded.is_none() && test.reads_person() {
                    self.undecided.push((node.id.clone(), person, holds));
                }
                let (next, note, marks) = if holds {
                    (yes, yes_note, yes_marks)
                } else {
                    (no, no_note, no_marks)
                };
                if marks.is_some() {
                    self.mark = *marks;
                    self.was_illegal |= *marks == Some(Mark::Illegal);
                }
                self.pass(step, note.clone(), false, recorded.map(|(e, _)| e));
                Walk::Next(next.clone())
            }
            NodeKind::Screening {
                questions,
                any_yes,
                all_no,
                any_yes_marks,
                all_no_marks,
            } => {
                let ways = (
                    (any_yes.as_str(), *any_yes_marks),
                    (all_no.as_str(), *all_no_marks),
                );
                self.screening(step, floor, questions, ways)
            }
            NodeKind::Action { items, next } => self.action(step, *floor, items, next),
            NodeKind::PerPerson {
                applies_to,
                only_if,
                except_if,
                start,
                steps,
                next,
            } => {
                let sub = SubFlow { start, steps };
                let filter = Filter {
                    applies_to,
                    only_if: only_if.as_ref(),
                    except_if: except_if.as_ref(),
                };
                self.per_person(step, *floor, filter, sub, next)
            }
            NodeKind::End { .. } => self.stop(step, *floor),
        }
    }

    /// The DSL must do this step now.
    fn stop(&self, step: Step<'_>, floor: i64) -> Walk {
        Walk::Stop(Box::new(step_view(step.node, step.person, self.ctx, floor)))
    }

    /// Records a step as passed, with the entry that decided it.
    fn pass(
        &mut self,
        step: Step<'_>,
        summary: String,
        changeable: bool,
        entry: Option<&FlowEntry>,
    ) {
        self.path.push(PathStep {
            node_id: step.node.id.clone(),
            person_id: step.person,
            person_label: self.ctx.label(step.person),
            section: step.node.section.clone(),
            title: step.node.title.clone(),
            summary,
            changeable,
            at: entry.map(|e| e.at),
            happened: entry.and_then(|e| e.happened),
            by: entry.map(|e| e.user_name.clone()),
        })
    }

    /// Guidance: passed once read.
    fn info(&mut self, step: Step<'_>, floor: i64, next: &str) -> Walk {
        let read = self.ctx.latest(&step.node.id, step.person, floor, |e| {
            matches!(e.body, EntryBody::Acknowledged).then_some(())
        });
        match read {
            Some((entry, _)) => {
                self.pass(step, "Read".into(), false, Some(entry));
                Walk::Next(next.to_string())
            }
            None => self.stop(step, floor),
        }
    }

    /// A question: follows the chosen answer, which may mark the incident.
    fn question(&mut self, step: Step<'_>, floor: &mut i64, choices: &[Choice]) -> Walk {
        let answer = self
            .ctx
            .latest(&step.node.id, step.person, *floor, |e| match &e.body {
                EntryBody::Answer { choice, reason } => choices
                    .iter()
                    .find(|c| c.id == *choice)
                    .map(|c| (c, reason.clone())),
                _ => None,
            });
        let Some((entry, (choice, reason))) = answer else {
            return self.stop(step, *floor);
        };
        *floor = (*floor).max(self.ctx.since(entry));
        if choice.marks.is_some() {
            self.mark = choice.marks;
            self.was_illegal |= choice.marks == Some(Mark::Illegal);
        }
        self.answers
            .push((step.node.id.clone(), step.person, choice.id.clone()));
        self.pass(
            step,
            format!("{}: {}", choice.label, reason),
            true,
            Some(entry),
        );
        Walk::Next(choice.next.clone())
    }

    /// Screening questions: any yes goes the first way, all no the second.
    fn screening(
        &mut self,
        step: Step<'_>,
        floor: &mut i64,
        questions: &[ScreeningQuestion],
        (any_yes, all_no): (Way<'_>, Way<'_>),
    ) -> Walk {
        let answer = self
            .ctx
            .latest(&step.node.id, step.person, *floor, |e| match &e.body {
                EntryBody::Screening { answers, reason } => Some((answers.clone(), reason.clone())),
                _ => None,
            });
        let Some((entry, (answers, reason))) = answer else {
            return self.stop(step, *floor);
        };
        *floor = (*floor).max(self.ctx.since(entry));
        let yes: Vec<&str> = questions
            .iter()
            .filter(|q| answers.iter().any(|a| a.question == q.id && a.yes))
            .map(|q| q.text.as_str())
            .collect();
        let ((next, marks), summary) = if yes.is_empty() {
            (all_no, format!("All no. Rationale: {reason}"))
        } else {
            let summary = format!("Yes to: {} Rationale: {reason}", yes.join(" "));
            (any_yes, summary)
        };
        if marks.is_some() {
            self.mark = marks;
            self.was_illegal |= marks == Some(Mark::Illegal);
        }
        self.pass(step, summary, true, Some(entry));
        Walk::Next(next.to_string())
    }

    /// A checklist: passed once completed, summarised by how its items were resolved.
    fn action(&mut self, step: Step<'_>, floor: i64, items: &[ActionItem], next: &str) -> Walk {
        let complete = self.ctx.latest(&step.node.id, step.person, floor, |e| {
            matches!(e.body, EntryBody::Complete { .. }).then_some(())
        });
        let Some((completed, _)) = complete else {
            return self.stop(step, floor);
        };
        let records = item_records(self.ctx, step.node, items, step.person, floor);
        let done = records
            .iter()
            .filter(|r| r.record.as_ref().is_some_and(|x| x.done))
            .count();
        let not_done = records
            .iter()
            .filter(|r| r.record.as_ref().is_some_and(|x| !x.done))
            .count();
        let open = records.len() - done - not_done;
        let mut parts = vec![format!("{done} done")];
        if not_done > 0 {
            parts.push(format!("{not_done} not done, with reasons"));
        }
        if open > 0 {
            parts.push(format!("{open} optional left open"));
        }
        self.pass(step, parts.join(", "), false, Some(completed));
        Walk::Next(next.to_string())
    }

    /// A sub-flow (`start` and its `steps`) walked in turn for each person it applies to.
    fn per_person(
        &mut self,
        step: Step<'_>,
        floor: i64,
        filter: Filter<'_>,
        sub_flow: SubFlow<'_>,
        next: &str,
    ) -> Walk {
        let mut matching = matching_people(self.ctx.people, filter.applies_to);
        let answered = |who: i64, with: &AnsweredWith| {
            self.answers.iter().any(|(node, person, choice)| {
                *person == Some(who) && with.steps.contains(node) && with.choices.contains(choice)
            })
        };
        let before = matching.len();
        if let Some(only) = filter.only_if {
            matching.retain(|who| answered(*who, only));
        }
        if let Some(except) = filter.except_if {
            matching.retain(|who| !answered(*who, except));
        }
        if matching.is_empty() {
            let summary = if before > 0 {
                "No one in this incident needs this step"
            } else {
                "No one in this incident has this role"
            }
            .into();
            self.pass(step, summary, false, None);
            return Walk::Next(next.to_string());
        }
        for who in matching {
            let mut sub_floor = floor;
            let mut cursor = sub_flow.start.to_string();
            while !cursor.is_empty() {
                let Some(sub) = sub_flow.steps.iter().find(|s| s.id == cursor) else {
                    break;
                };
                match self.walk(sub, Some(who), &mut sub_floor) {
                    Walk::Stop(view) => return Walk::Stop(view),
                    Walk::Next(n) => cursor = n,
                }
            }
        }
        Walk::Next(next.to_string())
    }
}

/// Which people a per-person step is for.
struct Filter<'n> {
    applies_to: &'n PersonFilter,
    only_if: Option<&'n AnsweredWith>,
    except_if: Option<&'n AnsweredWith>,
}

/// A per-person step's sub-flow.
struct SubFlow<'n> {
    start: &'n str,
    steps: &'n [Node],
}

/// The ids of the people with one of the filter's roles and kinds, each once, in the order met.
fn matching_people(people: &[Involvement], filter: &PersonFilter) -> Vec<i64> {
    people
        .iter()
        .filter(|i| {
            filter.roles.iter().any(|r| r == i.role.as_str())
                && filter.kinds.iter().any(|k| k == i.person.kind.as_str())
        })
        .map(|i| i.person.id)
        .fold(Vec::new(), |mut acc, id| {
            if !acc.contains(&id) {
                acc.push(id);
            }
            acc
        })
}

/// Whether the latest close or reopen entry is a close.
fn is_closed(entries: &[FlowEntry]) -> bool {
    entries
        .iter()
        .filter(|e| {
            matches!(
                e.body,
                EntryBody::Closed { .. } | EntryBody::Reopened { .. }
            )
        })
        .max_by_key(|e| e.id)
        .is_some_and(|e| matches!(e.body, EntryBody::Closed { .. }))
}

/// Works out where an incident stands from its flow, its people and its entries (in id order).
pub fn evaluate(flow: &FlowDefinition, people: &[Involvement], entries: &[FlowEntry]) -> FlowState {
    let ctx = Ctx::new(entries, people);
    let closed = is_closed(entries);
    let mut walker = Walker {
        ctx: &ctx,
        mark: None,
        path: Vec::new(),
        answers: Vec::new(),
        was_illegal: false,
        undecided: Vec::new(),
        type_illegal: flow.case_type.as_ref().is_some_and(|t| t.illegal),
    };
    let mut floor = 0;
    let mut cursor = flow.start.clone();
    let mut current = None;
    let mut at_end = false;
    // A validated flow has no loops, so this ends; the bound guards a damaged definition.
    for _ in 0..10_000 {
        let Some(node) = flow.node(&cursor) else {
            break;
        };
        match walker.walk(node, None, &mut floor) {
            Walk::Next(next) => cursor = next,
            Walk::Stop(view) => {
                at_end = view.kind == StepKind::End;
                current = Some(*view);
                break;
            }
        }
    }
    // Waiting for an agency's answer, as a follow-up says, while the flow asks nothing that
    // waits: the latest such follow-up still open.
    let mut status = status(flow, closed, current.as_ref());
    if status == IncidentStatus::Open {
        if let Some(w) = super::entries::open_follow_ups(entries)
            .iter()
            .filter_map(|f| {
                f.waiting_for
                    .as_deref()
                    .and_then(super::entries::waiting_for)
            })
            .map(|(s, _)| s)
            .next_back()
        {
            status = w;
        }
    }
    FlowState {
        status,
        mark: walker.mark,
        was_illegal: walker.was_illegal,
        undecided_branches: walker.undecided,
        current: if closed { None } else { current },
        at_end,
        path: walker.path,
    }
}

/// The incident's status: closed, waiting (for the police, the LADO) while at such a step, or
/// open.
fn status(flow: &FlowDefinition, closed: bool, current: Option<&StepView>) -> IncidentStatus {
    if closed {
        return IncidentStatus::Closed;
    }
    current
        .and_then(|c| flow.find_any(&c.node_id))
        .and_then(|n| n.status_while_current.as_deref())
        .and_then(IncidentStatus::waiting)
        .unwrap_or(IncidentStatus::Open)
}

/// The step to show when an earlier answer is being changed: the same question, noting which
/// answer it will replace.
pub fn reask(
    flow: &FlowDefinition,
    people: &[Involvement],
    entries: &[FlowEntry],
    node_id: &str,
    person_id: Option<i64>,
) -> Option<StepView> {
    let node = flow.find_any(node_id)?;
    if !matches!(
        node.kind,
        NodeKind::Question { .. } | NodeKind::Screening { .. }
    ) {
        return None;
    }
    let state = evaluate(flow, people, entries);
    if !state
        .path
        .iter()
        .any(|p| p.node_id == node_id && p.person_id == person_id && p.changeable)
    {
        return None;
    }
    // A question's or screening's view reads only the people: floor 0 leaves nothing out.
    let ctx = Ctx::new(entries, people);
    let mut view = step_view(node, person_id, &ctx, 0);
    view.replaces = entries
        .iter()
        .filter(|e| e.node_id.as_deref() == Some(node_id) && e.person_id == person_id)
        .filter(|e| {
            matches!(
                e.body,
                EntryBody::Answer { .. } | EntryBody::Screening { .. }
            )
        })
        .map(|e| e.id)
        .max();
    Some(view)
}
