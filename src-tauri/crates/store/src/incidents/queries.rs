//! Finding incidents and people: the filtered list, name look-ups and a person's history.

use dsl_domain::incident::{IncidentFilter, IncidentSummary, Person};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension};

use super::rows::{role, PERSON_COLUMNS, SUMMARY_COLUMNS};
use super::{PersonHistory, PersonIncident};
use crate::columns::{collect, FromRow};
use crate::time::StoredTime;
use crate::{Result, StoreError, Vault};

/// The start of a day (UTC) as a stored time, to compare stored times with.
fn day_start(day: chrono::NaiveDate) -> Value {
    StoredTime(day.and_time(chrono::NaiveTime::MIN).and_utc())
        .text()
        .into()
}

/// Adds the search words to the list query: each word must be found in the incident's text.
fn push_text(sql: &mut String, args: &mut Vec<Value>, text: &str) {
    for word in text.split_whitespace().take(8) {
        if word.chars().count() >= 3 {
            // Trigram index: any substring of three or more characters is found quickly.
            sql.push_str(
                " AND i.id IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)",
            );
            args.push(format!("\"{}\"", word.replace('"', "\"\"")).into());
        } else {
            sql.push_str(
                " AND i.id IN (SELECT rowid FROM incident_search WHERE instr(text, ?) > 0)",
            );
            args.push(word.to_string().into());
        }
    }
}

/// The list query's conditions for `filter`, with their arguments.
fn filter_sql(filter: &IncidentFilter) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(status) = filter.status {
        sql.push_str(" AND i.status = ?");
        args.push(status.as_str().to_string().into());
    }
    if let Some(from) = filter.from {
        sql.push_str(" AND i.occurred_at >= ?");
        args.push(day_start(from));
    }
    if let Some(to) = filter.to {
        sql.push_str(" AND i.occurred_at < ?");
        args.push(day_start(to.succ_opt().unwrap_or(to)));
    }
    if let Some(kind) = filter.activity_type.as_ref().filter(|s| !s.is_empty()) {
        sql.push_str(" AND i.activity_type = ?");
        args.push(kind.clone().into());
    }
    if let Some(illegal) = filter.illegal {
        sql.push_str(if illegal {
            " AND i.mark = 'illegal'"
        } else {
            " AND (i.mark IS NULL OR i.mark <> 'illegal')"
        });
    }
    if let Some(person) = filter.person_id {
        sql.push_str(" AND i.id IN (SELECT incident_id FROM involvements WHERE person_id = ?)");
        args.push(person.into());
    }
    if let Some(text) = filter
        .text
        .as_ref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        push_text(&mut sql, &mut args, &text);
    }
    (sql, args)
}

/// Leaves out the identity rows the vault keeps for restricted records.
const NOT_RESTRICTED: &str =
    "NOT EXISTS (SELECT 1 FROM restricted_records r WHERE r.incident_id = i.id)";

/// Newest first, as every list shows incidents.
fn newest_first(rows: &mut [IncidentSummary]) {
    rows.sort_by_key(|r| std::cmp::Reverse((r.occurred_at, r.id)));
}

impl Vault {
    /// The queries to run for a list: the vault's (unless the user sees only what is granted
    /// to them), and the held restricted records' in-memory rows (when any are held).
    fn list_queries(&self, sql: &str) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(2);
        if !self.role()?.sees_only_granted() {
            out.push(sql.to_string());
        }
        if !self.held.is_empty() {
            out.push(crate::restricted::held_sql(
                &sql.replace(NOT_RESTRICTED, "1 = 1"),
            ));
        }
        Ok(out)
    }

    /// Incidents matching the filter, newest first: those the signed-in user may read, their
    /// restricted records included, and no other.
    pub fn list_incidents(
        &self,
        filter: &IncidentFilter,
        limit: u32,
    ) -> Result<Vec<IncidentSummary>> {
        let (conditions, mut args) = filter_sql(filter);
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM incidents i WHERE {NOT_RESTRICTED}{conditions}
             ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?"
        );
        args.push(i64::from(limit).into());
        let mut rows = Vec::new();
        for sql in self.list_queries(&sql)? {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            rows.extend(collect::<IncidentSummary>(
                &mut stmt,
                rusqlite::params_from_iter(args.iter()),
            )?);
        }
        newest_first(&mut rows);
        rows.truncate(limit as usize);
        Ok(rows)
    }

    /// Open incidents whose current step has a deadline (e.g. the LADO consultation), soonest
    /// first, however old the incident.
    pub fn due_incidents(&self) -> Result<Vec<IncidentSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM incidents i
             WHERE i.due IS NOT NULL AND i.status <> 'closed' AND {NOT_RESTRICTED}"
        );
        let mut rows: Vec<IncidentSummary> = Vec::new();
        for sql in self.list_queries(&sql)? {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            rows.extend(collect::<IncidentSummary>(&mut stmt, [])?);
        }
        rows.sort_by_key(|r| r.due.as_ref().map(|d| d.at));
        Ok(rows)
    }

    /// Known people whose name contains `text`, for picking rather than retyping.
    pub fn find_people(&self, text: &str, limit: u32) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE instr(lower(p.name), ?1) > 0 ORDER BY p.name LIMIT ?2"
        );
        let mut found: Vec<Person> = Vec::new();
        for sql in self.list_queries(&sql)? {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            for p in collect::<Person>(&mut stmt, params![text.trim().to_lowercase(), limit])? {
                if !found.iter().any(|f| f.id == p.id) {
                    found.push(p);
                }
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found.truncate(limit as usize);
        Ok(found)
    }

    /// A person's incidents across the vault, newest first, with their role in each.
    pub fn person_history(&self, person_id: i64) -> Result<PersonHistory> {
        let person_sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = ?1");
        let history_sql = format!(
            "SELECT {SUMMARY_COLUMNS}, v.role FROM involvements v JOIN incidents i ON i.id = v.incident_id
             WHERE v.person_id = ?1 AND {NOT_RESTRICTED}"
        );
        let mut person = None;
        for sql in self.list_queries(&person_sql)? {
            if person.is_none() {
                person = self
                    .conn
                    .query_row(&sql, [person_id], Person::from_row)
                    .optional()?;
            }
        }
        let person = person.ok_or(StoreError::NotFound)?;
        let mut incidents: Vec<PersonIncident> = Vec::new();
        for sql in self.list_queries(&history_sql)? {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            incidents.extend(collect::<PersonIncident>(&mut stmt, [person_id])?);
        }
        incidents.sort_by_key(|p| std::cmp::Reverse((p.incident.occurred_at, p.incident.id)));
        Ok(PersonHistory { person, incidents })
    }
}

impl FromRow for PersonIncident {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(PersonIncident {
            role: role(r)?,
            incident: IncidentSummary::from_row(r)?,
        })
    }
}
