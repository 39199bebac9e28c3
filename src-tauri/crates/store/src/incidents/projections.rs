//! The rows kept from an incident's records for the list, the search and the termly figures.
//! Each is rebuilt from a loaded incident after every write to it.

use chrono::{DateTime, Utc};
use dsl_domain::flow::{EntryBody, FlowState, IncidentStatus, Mark};
use rusqlite::{params, Connection, OptionalExtension};

use super::load::Loaded;
use crate::columns::json;
use crate::time::StoredTime;
use crate::Result;

/// The words an entry adds to the search text.
fn entry_text(body: &EntryBody) -> String {
    match body {
        EntryBody::Answer { reason, .. } | EntryBody::Screening { reason, .. } => reason.clone(),
        EntryBody::Item {
            details, reason, ..
        } => {
            let mut t: Vec<&str> = details.values().map(String::as_str).collect();
            t.push(reason);
            t.join(" ")
        }
        EntryBody::Note { text } => text.clone(),
        EntryBody::Closed { reason } | EntryBody::Reopened { reason } => reason.clone(),
        EntryBody::Corrected { changes, reason } => {
            let mut t: Vec<&str> = changes.iter().map(|c| c.from.as_str()).collect();
            t.push(reason);
            t.join(" ")
        }
        EntryBody::FollowUp { what, .. } => what.clone(),
        EntryBody::FollowUpDone { note, .. } => note.clone(),
        EntryBody::Complete { .. } | EntryBody::Acknowledged => String::new(),
    }
}

/// Loads one incident and rebuilds its projections; returns it, with where it stands.
pub(crate) fn refresh_projection(
    conn: &Connection,
    incident: i64,
    now: DateTime<Utc>,
) -> Result<(Loaded, FlowState)> {
    let loaded = Loaded::load(conn, incident)?;
    let state = project(conn, &loaded, now)?;
    Ok((loaded, state))
}

/// Rebuilds the list, search and figures projections of a loaded incident; returns where it
/// stands in its flow.
pub(crate) fn project(conn: &Connection, loaded: &Loaded, now: DateTime<Utc>) -> Result<FlowState> {
    let state = loaded.evaluate();
    let mut names: Vec<String> = loaded
        .people
        .iter()
        .map(|i| i.person.name.clone())
        .collect();
    names.dedup();
    // Each write touches as few pages as it can: every page written is encrypted and
    // authenticated. The indexed columns are set only when they change (setting one rewrites
    // its index entries even to the same value), and the search text only when it changes.
    write_list_row(conn, loaded, &state, &names, now)?;
    write_search_text(conn, loaded, &names)?;
    write_stat(conn, loaded, state.mark)?;
    Ok(state)
}

/// The incident's row in the list.
fn write_list_row(
    conn: &Connection,
    loaded: &Loaded,
    state: &FlowState,
    names: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    let facts = &loaded.facts;
    let current = match (&state.current, state.status) {
        (_, IncidentStatus::Closed) => "Closed".to_string(),
        (Some(c), _) => c.title.clone(),
        (None, _) => String::new(),
    };
    // Every deadline, soonest first: the list shows the soonest, Home each user's own.
    let dues = dsl_domain::flow::due_steps(
        loaded.flow,
        state,
        &loaded.people,
        &loaded.entries,
        facts.reported_at,
    );
    let due = if dues.is_empty() {
        None
    } else {
        Some(json::to_text(&dues, "the due steps")?)
    };
    conn.execute(
        "UPDATE incidents SET mark = ?2, risk_area = ?3, summary = ?4, people_names = ?5,
         current_step = ?6, updated_at = ?7, due = ?8 WHERE id = ?1",
        params![
            loaded.id,
            state.mark.map(|m| match m {
                Mark::Illegal => "illegal",
                Mark::NotIllegal => "notIllegal",
            }),
            json::to_text(&facts.risk_area, "the risk area")?.trim_matches('"'),
            facts.summary.chars().take(300).collect::<String>(),
            json::to_text(names, "the names")?,
            current,
            StoredTime(now),
            due,
        ],
    )?;
    conn.execute(
        "UPDATE incidents SET status = ?2, occurred_at = ?3, activity_type = ?4
         WHERE id = ?1 AND (status IS NOT ?2 OR occurred_at IS NOT ?3 OR activity_type IS NOT ?4)",
        params![
            loaded.id,
            state.status.as_str(),
            StoredTime(facts.occurred_at),
            facts.activity_type,
        ],
    )?;
    Ok(())
}

/// The incident's text in the search index.
fn write_search_text(conn: &Connection, loaded: &Loaded, names: &[String]) -> Result<()> {
    let facts = &loaded.facts;
    let mut search = vec![
        loaded.header.reference.clone(),
        facts.summary.clone(),
        facts.childs_words.clone(),
        facts.platform.clone(),
        facts.reported_by_name.clone(),
    ];
    search.extend(names.iter().cloned());
    search.extend(loaded.entries.iter().map(|e| entry_text(&e.body)));
    let text = search.join("\n").to_lowercase();
    let indexed: Option<String> = conn
        .query_row(
            "SELECT text FROM incident_search WHERE rowid = ?1",
            [loaded.id],
            |r| r.get("text"),
        )
        .optional()?;
    if indexed.as_deref() != Some(text.as_str()) {
        if indexed.is_some() {
            conn.execute("DELETE FROM incident_search WHERE rowid = ?1", [loaded.id])?;
        }
        conn.execute(
            "INSERT INTO incident_search (rowid, text) VALUES (?1, ?2)",
            params![loaded.id, text],
        )?;
    }
    Ok(())
}

/// Rebuilds what the incident contributes to the termly figures.
fn write_stat(conn: &Connection, loaded: &Loaded, mark: Option<Mark>) -> Result<()> {
    // Read against the flow version the incident followed, whose items say what they mean.
    let stat = dsl_domain::stats::incident_stat_in(
        Some(loaded.flow),
        &loaded.facts,
        &loaded.people,
        &loaded.entries,
        mark,
    );
    let json = json::to_text(&stat, "an incident's figures")?;
    // As in the projection: the indexed date is set only when it changes, the row only when
    // the figures do.
    let reported = StoredTime(loaded.facts.reported_at);
    conn.execute(
        "INSERT INTO incident_stats (incident_id, reported_at, stat) VALUES (?1, ?2, ?3)
         ON CONFLICT(incident_id) DO UPDATE SET stat = excluded.stat
         WHERE stat IS NOT excluded.stat",
        params![loaded.id, reported, json],
    )?;
    conn.execute(
        "UPDATE incident_stats SET reported_at = ?2 WHERE incident_id = ?1 AND reported_at IS NOT ?2",
        params![loaded.id, reported],
    )?;
    Ok(())
}

/// Fills in the termly-figures projection for incidents recorded before it existed.
pub(crate) fn backfill_stats(conn: &Connection) -> Result<()> {
    // Every write keeps an incident and its row together, so only a vault from before the
    // projection (or one whose rows were cleared) lacks the newest incident's row; two index
    // look-ups tell, without reading either table through.
    let complete: bool = conn.query_row(
        "SELECT (SELECT max(id) FROM incidents) IS (SELECT max(incident_id) FROM incident_stats)",
        [],
        |r| r.get(0),
    )?;
    if complete {
        return Ok(());
    }
    let missing: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM incidents WHERE id NOT IN (SELECT incident_id FROM incident_stats)",
        )?;
        let rows = stmt.query_map([], |r| r.get("id"))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for incident in missing {
        let loaded = Loaded::load(conn, incident)?;
        let state = loaded.evaluate();
        write_stat(conn, &loaded, state.mark)?;
    }
    Ok(())
}
