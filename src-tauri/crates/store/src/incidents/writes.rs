//! Writing to incidents: new incidents, people, facts versions and flow entries. Every record
//! is appended with its audit line; each write then rebuilds the projections from one load of
//! the incident and returns it as the screen shows it.

use crate::audit::Author;
use chrono::{DateTime, Datelike, Utc};
use dsl_domain::flow::{self, EntryBody, EntryInput, FlowEntry, StoredBody};
use dsl_domain::incident::{
    check_facts, check_facts_in, check_person, reference, IncidentDetail, IncidentFacts,
    InvolvementInput, NewIncident, NewPerson, PersonKind, PersonRole,
};
use dsl_domain::meaning::{fields, ItemMeaning};
use dsl_domain::{ApiError, ErrorKind};
use rusqlite::{params, Connection, OptionalExtension};

use super::concerns::{insert_concern, withdraw_stale_concerns, ConcernText};
use super::load::Loaded;
use super::projections::{project, refresh_projection};
use super::WriteError;
use crate::columns::json;
use crate::time::{StoredDate, StoredTime};
use crate::{audit, users, Result, StoreError, Vault};

const EDITORS_ONLY: &str = "only a DSL or deputy can change records";

pub(crate) fn insert_person(
    conn: &Connection,
    user: &Author<'_>,
    p: &NewPerson,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = crate::restricted::next_id(conn, "people")?;
    conn.execute(
        "INSERT INTO people (id, kind, name, year_group, date_of_birth, job_title, created_at, created_by)
         VALUES (?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            p.kind.as_str(),
            p.name,
            p.year_group.map(i64::from),
            p.date_of_birth.map(StoredDate),
            p.job_title,
            StoredTime(now),
            user,
            id
        ],
    )?;
    if p.headteacher == Some(true) {
        conn.execute(
            "INSERT INTO staff_details (person_id, headteacher, updated_at, updated_by)
             VALUES (?1, 1, ?2, ?3)",
            params![id, StoredTime(now), user],
        )?;
    }
    audit::record(conn, now, user, "person.added", "person", &id.to_string())?;
    Ok(id)
}

/// The person an involvement names: a known one, or a new one added now.
fn involved_person(
    conn: &Connection,
    user: &Author<'_>,
    input: &InvolvementInput,
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    match (&input.person_id, &input.new_person) {
        (Some(id), None) => {
            let exists: Option<i64> = conn
                .query_row("SELECT id FROM people WHERE id = ?1", [id], |r| r.get("id"))
                .optional()?;
            Ok(exists.ok_or_else(|| {
                ApiError::new(
                    ErrorKind::NotFound,
                    "That person is not known in this vault.",
                )
            })?)
        }
        (None, Some(new)) => {
            let new = check_person(new, now.date_naive())?;
            Ok(insert_person(conn, user, &new, now)?)
        }
        _ => Err(ApiError::validation("people", "Pick a known person or type a new one.").into()),
    }
}

fn add_involvement(
    conn: &Connection,
    user: &Author<'_>,
    incident: i64,
    input: &InvolvementInput,
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    let person_id = involved_person(conn, user, input, now)?;
    if has_role(conn, incident, person_id, input)? {
        return Err(ApiError::new(
            ErrorKind::Conflict,
            "That person already has that role in this incident.",
        )
        .into());
    }
    insert_involvement(conn, user, incident, person_id, input, now)
}

/// Whether the person already has the input's role in the incident.
fn has_role(
    conn: &Connection,
    incident: i64,
    person_id: i64,
    input: &InvolvementInput,
) -> Result<bool> {
    let already: Option<i64> = conn
        .query_row(
            "SELECT id FROM involvements WHERE incident_id = ?1 AND person_id = ?2 AND role = ?3",
            params![incident, person_id, input.role.as_str()],
            |r| r.get("id"),
        )
        .optional()?;
    Ok(already.is_some())
}

fn insert_involvement(
    conn: &Connection,
    user: &Author<'_>,
    incident: i64,
    person_id: i64,
    input: &InvolvementInput,
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    conn.execute(
        "INSERT INTO involvements (incident_id, person_id, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![incident, person_id, input.role.as_str(), StoredTime(now), user],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        now,
        user,
        "involvement.added",
        "incident",
        &incident.to_string(),
    )?;
    Ok(id)
}

/// Appends a version of an incident's facts (already checked).
fn insert_facts(
    conn: &Connection,
    user: &Author<'_>,
    incident: i64,
    facts: &IncidentFacts,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO incident_facts (incident_id, at, user_id, facts) VALUES (?1, ?2, ?3, ?4)",
        params![
            incident,
            StoredTime(now),
            user,
            json::to_text(facts, "incident facts")?
        ],
    )?;
    Ok(())
}

/// Inserts an incident with its first facts and people (facts already checked). The caller
/// refreshes the projection and commits.
pub(crate) fn insert_incident(
    conn: &Connection,
    user: &Author<'_>,
    facts: &IncidentFacts,
    people: &[InvolvementInput],
    now: DateTime<Utc>,
) -> std::result::Result<i64, WriteError> {
    let flow = flow::current().map_err(|_| StoreError::Corrupt("the shipped flow is not valid"))?;
    let year = now.year();
    let seq: i64 = conn.query_row(
        // A destroyed record's number is never given to a new one.
        // Each MAX is one seek in the (year, seq) index, not a walk through the year's records.
        "SELECT COALESCE(MAX(s), 0) + 1 FROM
         (SELECT MAX(seq) AS s FROM incidents WHERE year = ?1
          UNION ALL SELECT MAX(seq) FROM tombstones WHERE year = ?1)",
        [year],
        |r| r.get(0),
    )?;
    let id: i64 = conn.query_row(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM
         (SELECT MAX(id) AS id FROM incidents UNION ALL SELECT MAX(incident_id) FROM tombstones)",
        [],
        |r| r.get(0),
    )?;
    let reference = reference(year, u32::try_from(seq).unwrap_or(u32::MAX));
    conn.execute(
        "INSERT INTO incidents (id, reference, year, seq, flow_id, flow_version, created_at, created_by,
         status, occurred_at, activity_type, risk_area, summary, people_names, current_step, updated_at)
         VALUES (?9, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?10, '', '', '[]', '', ?6)",
        // The indexed columns are final here, so the projection need not move their entries.
        params![
            reference,
            year,
            seq,
            flow.id,
            flow.version,
            StoredTime(now),
            user,
            StoredTime(facts.occurred_at),
            id,
            facts.activity_type
        ],
    )?;
    insert_facts(conn, user, id, facts, now)?;
    audit::record(
        conn,
        now,
        user,
        "incident.created",
        "incident",
        &id.to_string(),
    )?;
    for p in people {
        add_involvement(conn, user, id, p, now)?;
    }
    Ok(id)
}

/// A follow-up's owner must be a current vault user, named as the vault knows them, and it
/// cannot be due before today.
fn follow_up_owner(
    conn: &Connection,
    input: &EntryInput,
    now: DateTime<Utc>,
) -> std::result::Result<EntryInput, WriteError> {
    let EntryBody::FollowUp {
        what,
        owner,
        due,
        waiting_for,
        ..
    } = &input.body
    else {
        return Ok(input.clone());
    };
    let named = match users::get(conn, *owner) {
        Ok(u) => u.name,
        Err(StoreError::NotFound) => {
            return Err(ApiError::validation(
                "followUpOwner",
                "Choose who will do it: someone who can unlock this vault.",
            )
            .into())
        }
        Err(e) => return Err(e.into()),
    };
    if *due < dsl_domain::time::uk_day(now) {
        return Err(
            ApiError::validation("followUpDue", "The due date cannot be in the past.").into(),
        );
    }
    Ok(EntryInput {
        body: EntryBody::FollowUp {
            what: what.clone(),
            owner: *owner,
            owner_name: named,
            due: *due,
            waiting_for: waiting_for.clone(),
        },
        ..input.clone()
    })
}

/// Inserts one checked flow entry and its audit line; returns the entry's id.
pub(crate) fn insert_entry(
    conn: &Connection,
    user: &Author<'_>,
    incident: i64,
    input: &EntryInput,
    body: &EntryBody,
    supersedes: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let stored = StoredBody {
        body: body.clone(),
        happened: input.happened,
    };
    conn.execute(
        "INSERT INTO flow_entries (incident_id, at, user_id, node_id, person_id, supersedes, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            incident,
            StoredTime(now),
            user,
            input.node_id,
            input.person_id,
            supersedes,
            json::to_text(&stored, "a flow entry")?
        ],
    )?;
    let entry = conn.last_insert_rowid();
    let action = match body {
        EntryBody::Closed { .. } => "incident.closed",
        EntryBody::Reopened { .. } => "incident.reopened",
        _ => "entry.added",
    };
    audit::record(conn, now, user, action, "flow_entry", &entry.to_string())?;
    Ok(entry)
}

/// The incident's status as listed; not found if there is no such incident.
fn status(conn: &Connection, incident: i64) -> Result<String> {
    conn.query_row(
        "SELECT status FROM incidents WHERE id = ?1",
        [incident],
        |r| r.get("status"),
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// Records each branch the walk passed on the facts as they are now (e.g. whether the adult is
/// the headteacher), so that the decision holds as it was made. True if any was recorded.
fn record_branches(
    conn: &Connection,
    user: &Author<'_>,
    loaded: &Loaded,
    state: &flow::FlowState,
    now: DateTime<Utc>,
) -> Result<bool> {
    for (node, person, holds) in &state.undecided_branches {
        let reason = match loaded.flow.find_any(node).map(|n| &n.kind) {
            Some(flow::NodeKind::Branch {
                yes_note, no_note, ..
            }) => if *holds { yes_note } else { no_note }.clone(),
            _ => continue,
        };
        let input = EntryInput {
            node_id: Some(node.clone()),
            person_id: *person,
            body: EntryBody::Acknowledged,
            people: None,
            evidence: None,
            happened: None,
        };
        let body = EntryBody::Answer {
            choice: if *holds { "yes" } else { "no" }.into(),
            reason,
        };
        insert_entry(conn, user, loaded.id, &input, &body, None, now)?;
    }
    Ok(!state.undecided_branches.is_empty())
}

/// Rebuilds an incident's projections after a write, recording the branches its route passed.
pub(crate) fn settle(
    conn: &Connection,
    user: &Author<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(Loaded, flow::FlowState)> {
    let (loaded, state) = refresh_projection(conn, id, now)?;
    if record_branches(conn, user, &loaded, &state, now)? {
        return refresh_projection(conn, id, now);
    }
    Ok((loaded, state))
}

/// The people and the evidence item a checklist item names, recorded with it: each person
/// named is added to the incident with their role (once), a described evidence item joins the
/// register (a picked one must be this incident's), and their ids fill the item's fields.
/// True if anyone was added to the incident.
fn record_named(
    conn: &Connection,
    user: &Author<'_>,
    loaded: &Loaded,
    input: &EntryInput,
    body: &mut EntryBody,
    now: DateTime<Utc>,
) -> std::result::Result<bool, WriteError> {
    let people = input.people.as_deref().unwrap_or(&[]);
    let meaning = match (&*body, input.node_id.as_deref()) {
        (
            EntryBody::Item {
                item, done: true, ..
            },
            Some(node),
        ) => loaded.flow.item_meaning(node, item),
        _ => None,
    };
    let EntryBody::Item { details, .. } = body else {
        return carries_nothing(people, input);
    };
    match meaning {
        Some(ItemMeaning::OthersInvolved) => {
            if input.evidence.is_some() {
                return carries_nothing(&[], input);
            }
            let mut ids: Vec<i64> = Vec::new();
            for named in details
                .get(fields::NAMED)
                .into_iter()
                .flat_map(|v| v.split(','))
            {
                let id = named.trim().parse::<i64>().unwrap_or_default();
                if !loaded.people.iter().any(|i| i.person.id == id) {
                    return Err(ApiError::new(
                        ErrorKind::NotFound,
                        "A person named is not part of this incident.",
                    )
                    .into());
                }
                ids.push(id);
            }
            let mut added = false;
            for p in people {
                named_as_a_child(conn, p)?;
                let id = involved_person(conn, user, p, now)?;
                if !has_role(conn, loaded.id, id, p)? {
                    insert_involvement(conn, user, loaded.id, id, p, now)?;
                    added = true;
                }
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            if list.is_empty() {
                details.remove(fields::NAMED);
            } else {
                details.insert(fields::NAMED.to_string(), list.join(","));
            }
            Ok(added)
        }
        Some(ItemMeaning::EvidenceItem) => {
            if !people.is_empty() {
                return carries_nothing(people, input);
            }
            // The field holds the item's number in this incident's register ("item 2").
            let number = match (&input.evidence, details.get(fields::EVIDENCE)) {
                (Some(new), _) => {
                    let id = crate::evidence::insert_item(conn, user, loaded.id, new, now)?;
                    conn.query_row(
                        "SELECT number FROM evidence_items WHERE id = ?1",
                        [id],
                        |r| r.get::<_, i64>("number"),
                    )?
                }
                (None, Some(picked)) => {
                    let number = picked.parse::<i64>().unwrap_or_default();
                    let ours: Option<i64> = conn
                        .query_row(
                            "SELECT number FROM evidence_items WHERE number = ?1 AND incident_id = ?2",
                            params![number, loaded.id],
                            |r| r.get("number"),
                        )
                        .optional()?;
                    ours.ok_or_else(|| {
                        ApiError::new(
                            ErrorKind::NotFound,
                            "That item is not in this incident's evidence register.",
                        )
                    })?
                }
                (None, None) => {
                    return Err(ApiError::validation(
                        fields::EVIDENCE,
                        "Pick the item from the evidence register, or describe it to add it.",
                    )
                    .into())
                }
            };
            details.insert(fields::EVIDENCE.to_string(), number.to_string());
            Ok(false)
        }
        _ => carries_nothing(people, input),
    }
}

/// The others involved named with an item are pupils who were harmed, shared it or saw it: an
/// adult is added to the incident on its own (an allegation follows its own route).
fn named_as_a_child(
    conn: &Connection,
    p: &InvolvementInput,
) -> std::result::Result<(), WriteError> {
    let kind = match (&p.new_person, p.person_id) {
        (Some(new), _) => Some(new.kind),
        (None, Some(id)) => conn
            .query_row("SELECT kind FROM people WHERE id = ?1", [id], |r| {
                r.get::<_, String>("kind")
            })
            .optional()?
            .and_then(|k| PersonKind::parse(&k)),
        (None, None) => None,
    };
    let role_ok = matches!(
        p.role,
        PersonRole::Victim | PersonRole::Instigator | PersonRole::Witness
    );
    if kind != Some(PersonKind::Pupil) || !role_ok {
        return Err(ApiError::validation(
            "people",
            "Name pupils here, as harmed, shared it or saw it. Add an adult to the incident on its own.",
        )
        .into());
    }
    Ok(())
}

/// A refusal of one item of a step saved at once, naming the item: its field becomes
/// "item/field" and its message starts with the item's label.
fn item_named(loaded: &Loaded, input: &EntryInput, e: ApiError) -> ApiError {
    let (EntryBody::Item { item, .. }, Some(node)) = (&input.body, input.node_id.as_deref()) else {
        return e;
    };
    let label = match loaded.case.find_any(node).map(|n| &n.kind) {
        Some(flow::NodeKind::Action { items, .. }) => items
            .iter()
            .find(|i| i.id == *item)
            .map(|i| i.label.clone()),
        _ => None,
    };
    ApiError {
        field: Some(match e.field.as_deref() {
            Some(field) => format!("{item}/{field}"),
            None => item.clone(),
        }),
        message: match label {
            Some(label) => format!("{label}: {}", e.message),
            None => e.message.clone(),
        },
        ..e
    }
}

/// An entry whose item names no people or evidence must carry none.
fn carries_nothing(
    people: &[InvolvementInput],
    input: &EntryInput,
) -> std::result::Result<bool, WriteError> {
    if !people.is_empty() || input.evidence.is_some() {
        return Err(ApiError::validation(
            "people",
            "People or evidence can be named only with an item done that asks for them.",
        )
        .into());
    }
    Ok(false)
}

/// A low-level concern recorded through the flow joins the register too, linked to its entry
/// (a later entry replacing it takes it out of the register).
fn register_concern(
    conn: &Connection,
    user: &Author<'_>,
    loaded: &Loaded,
    input: &EntryInput,
    body: &EntryBody,
    entry: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let (
        EntryBody::Item {
            item,
            done: true,
            details,
            ..
        },
        Some(node),
        Some(person),
    ) = (body, input.node_id.as_deref(), input.person_id)
    else {
        return Ok(());
    };
    if loaded.flow.item_meaning(node, item) != Some(ItemMeaning::LowLevelConcern) {
        return Ok(());
    }
    let get = |k: &str| details.get(k).map(String::as_str).unwrap_or("");
    let text = ConcernText {
        concern: get(fields::DETAIL),
        happened_on: dsl_domain::time::uk_day(loaded.facts.occurred_at),
        raised_by: &loaded.facts.reported_by_name,
        context: get("context"),
        action: get("action"),
    };
    insert_concern(conn, user, person, &text, Some((loaded.id, entry)), now)?;
    Ok(())
}

impl Vault {
    /// Records a new incident with its people, following the current flow. Returns it as it
    /// now stands.
    pub fn create_incident(
        &mut self,
        new: &NewIncident,
        now: DateTime<Utc>,
    ) -> std::result::Result<IncidentDetail, WriteError> {
        let facts = check_facts(&new.facts, now)?;
        self.require_editor(EDITORS_ONLY)?;
        let user = &Author {
            user: self.user_id,
            key: &self.signer,
        };
        let tx = self.conn.transaction()?;
        let id = insert_incident(&tx, user, &facts, &new.people, now)?;
        let (loaded, state) = settle(&tx, user, id, now)?;
        tx.commit()?;
        Ok(loaded.into_detail(state))
    }

    /// Records an answer, checklist item, note, close or reopen, after the flow rules accept it.
    /// Returns the incident as it now stands.
    pub fn record_entry(
        &mut self,
        id: i64,
        input: &EntryInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<IncidentDetail, WriteError> {
        self.require_case_editor(id)?;
        let people = input.people.as_deref().unwrap_or(&[]);
        if !people.is_empty() || input.evidence.is_some() {
            self.require_editor(EDITORS_ONLY)?;
        }
        for person in people.iter().filter_map(|p| p.person_id) {
            self.bring_person(id, person)?;
        }
        let input = &follow_up_owner(&self.conn, input, now)?;
        let user = &self.author();
        let tx = self.db(id)?.unchecked_transaction()?;
        let mut loaded = Loaded::load(&tx, id)?;
        let input = &EntryInput {
            happened: flow::check_happened(input.happened, loaded.facts.occurred_at, now)?,
            ..input.clone()
        };
        let (mut body, supersedes) =
            flow::check_entry(loaded.case, &loaded.people, &loaded.entries, input)?;
        let added = record_named(&tx, user, &loaded, input, &mut body, now)?;
        let entry = insert_entry(&tx, user, id, input, &body, supersedes, now)?;
        register_concern(&tx, user, &loaded, input, &body, entry, now)?;
        if added {
            loaded = Loaded::load(&tx, id)?;
        } else {
            // The entry joins the loaded ones as it would read back.
            loaded.entries.push(FlowEntry {
                id: entry,
                at: StoredTime::as_stored(now),
                user_name: users::get(&tx, user.user)?.name,
                node_id: input.node_id.clone(),
                person_id: input.person_id,
                supersedes,
                body,
                happened: input.happened,
            });
        }
        let state = project(&tx, &loaded, now)?;
        withdraw_stale_concerns(&tx, user, id, &state, now)?;
        let (loaded, state) = if record_branches(&tx, user, &loaded, &state, now)? {
            refresh_projection(&tx, id, now)?
        } else {
            (loaded, state)
        };
        tx.commit()?;
        self.after_change(id);
        Ok(loaded.into_detail(state))
    }

    /// Saves a checklist step at once: each item chosen done or not done, then (if asked) the
    /// step completed, in one transaction. Nothing is recorded if any of it is refused; an item
    /// refused is named with its field, and completing names each required item left.
    pub fn record_step(
        &mut self,
        id: i64,
        step: &flow::StepInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<IncidentDetail, WriteError> {
        self.require_case_editor(id)?;
        if step.items.is_empty() && !step.complete {
            return Err(ApiError::validation(
                "items",
                "Choose done or not done for at least one item.",
            )
            .into());
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = step.items.iter().find(|i| !seen.insert(i.item.as_str())) {
            return Err(
                ApiError::validation(&twice.item, "An item is given twice in one save.").into(),
            );
        }
        let named = step.items.iter().flat_map(|i| i.people.iter().flatten());
        if step.items.iter().any(|i| i.evidence.is_some()) || named.clone().next().is_some() {
            self.require_editor(EDITORS_ONLY)?;
        }
        for person in named.filter_map(|p| p.person_id).collect::<Vec<_>>() {
            self.bring_person(id, person)?;
        }
        let user = &self.author();
        let tx = self.db(id)?.unchecked_transaction()?;
        // Each entry is checked against the step as it stood when the save began: a victim
        // named by one item (whose own steps come earlier in the flow) does not move the step
        // from under the items after it, or its completion.
        let start = Loaded::load(&tx, id)?;
        let happened = flow::check_happened(step.happened, start.facts.occurred_at, now)?;
        let at_start = start.people;
        for mut input in step.entries() {
            input.happened = happened;
            let loaded = Loaded::load(&tx, id)?;
            let (mut body, supersedes) =
                flow::check_entry(loaded.case, &at_start, &loaded.entries, &input)
                    .map_err(|e| item_named(&loaded, &input, e))?;
            record_named(&tx, user, &loaded, &input, &mut body, now).map_err(|e| match e {
                WriteError::Rejected(e) => WriteError::Rejected(item_named(&loaded, &input, e)),
                other => other,
            })?;
            let entry = insert_entry(&tx, user, id, &input, &body, supersedes, now)?;
            register_concern(&tx, user, &loaded, &input, &body, entry, now)?;
        }
        let (loaded, state) = refresh_projection(&tx, id, now)?;
        withdraw_stale_concerns(&tx, user, id, &state, now)?;
        let (loaded, state) = if record_branches(&tx, user, &loaded, &state, now)? {
            refresh_projection(&tx, id, now)?
        } else {
            (loaded, state)
        };
        tx.commit()?;
        self.after_change(id);
        Ok(loaded.into_detail(state))
    }

    /// Adds a person to an incident (e.g. another pupil found to be involved). Returns the
    /// incident as it now stands.
    pub fn add_person(
        &mut self,
        id: i64,
        input: &InvolvementInput,
        now: DateTime<Utc>,
    ) -> std::result::Result<IncidentDetail, WriteError> {
        self.require_editor(EDITORS_ONLY)?;
        let user = &self.author();
        if let Some(person) = input.person_id {
            self.bring_person(id, person)?;
        }
        let tx = self.db(id)?.unchecked_transaction()?;
        if status(&tx, id)? == "closed" {
            return Err(ApiError::new(
                ErrorKind::Conflict,
                "The incident is closed. Reopen it to add people.",
            )
            .into());
        }
        add_involvement(&tx, user, id, input, now)?;
        let (loaded, state) = settle(&tx, user, id, now)?;
        tx.commit()?;
        self.after_change(id);
        Ok(loaded.into_detail(state))
    }

    /// Corrects the facts: a new version is added; the old one stays. Returns the incident as
    /// it now stands.
    pub fn correct_facts(
        &mut self,
        id: i64,
        facts: &IncidentFacts,
        reason: &str,
        now: DateTime<Utc>,
    ) -> std::result::Result<IncidentDetail, WriteError> {
        self.require_editor(EDITORS_ONLY)?;
        let user = &self.author();
        let tx = self.db(id)?.unchecked_transaction()?;
        status(&tx, id)?;
        let header = super::load::header(&tx, id)?;
        let facts = check_facts_in(facts, header.flow_version, now)?;
        let before = Loaded::load(&tx, id)?.facts;
        let changes = dsl_domain::incident::facts_changes(&before, &facts);
        if changes.is_empty() {
            return Err(ApiError::validation(
                "summary",
                "Nothing has changed: correct a fact, or cancel.",
            )
            .into());
        }
        let reason = dsl_domain::incident::check_text(
            "correctionReason",
            reason,
            dsl_domain::incident::MAX_SHORT_CHARS,
            true,
        )?;
        insert_facts(&tx, user, id, &facts, now)?;
        let body = EntryBody::Corrected { changes, reason };
        let input = EntryInput {
            node_id: None,
            person_id: None,
            body: body.clone(),
            people: None,
            evidence: None,
            happened: None,
        };
        insert_entry(&tx, user, id, &input, &body, None, now)?;
        audit::record(
            &tx,
            now,
            user,
            "facts.corrected",
            "incident",
            &id.to_string(),
        )?;
        let (loaded, state) = settle(&tx, user, id, now)?;
        tx.commit()?;
        self.after_change(id);
        Ok(loaded.into_detail(state))
    }
}
