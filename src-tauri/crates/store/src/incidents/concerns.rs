//! The low-level concerns register: concerns about adults kept apart from incidents, seen
//! together by adult, escalated to an allegation, and kept until the adult has left plus the
//! school's setting. Only a DSL or deputy reads or writes it.

use chrono::{DateTime, NaiveDate, Utc};
use dsl_domain::concern::{
    check_concern, check_left_on, escalation_summary, pattern, ConcernAdult, ConcernPattern,
    IncidentLink, LowLevelConcern, NewConcern, DEFAULT_YEARS_AFTER_LEAVING,
    MAX_YEARS_AFTER_LEAVING,
};
use dsl_domain::incident::{
    check_person, Discovery, IncidentDetail, IncidentFacts, InvolvementInput, Location, Person,
    PersonKind, PersonRole, RiskArea,
};
use dsl_domain::time::uk_day;
use dsl_domain::{ApiError, ErrorKind};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::PERSON_COLUMNS;
use super::writes::insert_person;
use super::{insert_entry, insert_incident, settle, WriteError};
use crate::audit::{self, Author};
use crate::columns::{collect, FromRow};
use crate::time::{StoredDate, StoredTime};
use crate::{settings, users, Result, StoreError, Vault};

const REGISTER_ONLY: &str = "only a DSL or deputy can see the low-level concerns register";

/// The columns a concern reads (from `low_level_concerns c`).
const CONCERN_COLUMNS: &str = "c.id, c.person_id, c.concern, c.happened_on, c.raised_by, \
     c.context, c.action, c.incident_id, c.escalated_to, c.recorded_at, \
     (SELECT reference FROM incidents WHERE id = c.incident_id) AS incident_ref, \
     (SELECT reference FROM incidents WHERE id = c.escalated_to) AS escalated_ref, \
     (SELECT name FROM users WHERE id = c.recorded_by) AS recorded_by_name";

/// Concerns recorded through a flow entry since replaced, or no longer on the route, are not shown.
const IN_FORCE: &str = "c.withdrawn_at IS NULL";

fn link(id: Option<i64>, reference: Option<String>) -> Option<IncidentLink> {
    id.map(|id| IncidentLink {
        id,
        reference: reference.unwrap_or_else(|| "a record since destroyed".to_string()),
    })
}

impl FromRow for LowLevelConcern {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(LowLevelConcern {
            id: r.get("id")?,
            person_id: r.get("person_id")?,
            concern: r.get("concern")?,
            happened_on: r.get::<_, StoredDate>("happened_on")?.into(),
            raised_by: r.get("raised_by")?,
            context: r.get("context")?,
            action: r.get("action")?,
            from_incident: link(r.get("incident_id")?, r.get("incident_ref")?),
            escalated_to: link(r.get("escalated_to")?, r.get("escalated_ref")?),
            recorded_at: r.get::<_, StoredTime>("recorded_at")?.into(),
            recorded_by: r
                .get::<_, Option<String>>("recorded_by_name")?
                .unwrap_or_default(),
        })
    }
}

/// A concern's words as the register stores them.
pub(crate) struct ConcernText<'a> {
    pub concern: &'a str,
    pub happened_on: NaiveDate,
    pub raised_by: &'a str,
    pub context: &'a str,
    pub action: &'a str,
}

/// Adds a concern to the register (from the register's form, or from a flow entry).
pub(crate) fn insert_concern(
    conn: &Connection,
    user: &Author<'_>,
    person: i64,
    text: &ConcernText<'_>,
    from: Option<(i64, i64)>,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO low_level_concerns (person_id, concern, happened_on, raised_by, context,
             action, incident_id, entry_id, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            person,
            text.concern,
            StoredDate(text.happened_on),
            text.raised_by,
            text.context,
            text.action,
            from.map(|f| f.0),
            from.map(|f| f.1),
            StoredTime(now),
            user
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, now, user, "concern.added", "concern", &id.to_string())?;
    Ok(id)
}

fn person(conn: &Connection, id: i64) -> Result<Person> {
    conn.query_row(
        &format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = ?1"),
        [id],
        Person::from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

fn left_on(conn: &Connection, id: i64) -> Result<Option<NaiveDate>> {
    let left: Option<Option<StoredDate>> = conn
        .query_row(
            "SELECT left_on FROM staff_details WHERE person_id = ?1",
            [id],
            |r| r.get("left_on"),
        )
        .optional()?;
    Ok(left.flatten().map(NaiveDate::from))
}

/// Years concerns are kept after an adult leaves (the school's setting).
pub(crate) fn years_after_leaving(conn: &Connection) -> Result<u32> {
    Ok(settings::get(conn, settings::CONCERN_YEARS_AFTER_LEAVING)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_YEARS_AFTER_LEAVING))
}

fn is_adult_at_work(kind: PersonKind) -> bool {
    matches!(kind, PersonKind::Staff | PersonKind::Volunteer)
}

impl Vault {
    /// Records a concern in the register about a member of staff or volunteer.
    pub fn add_concern(
        &mut self,
        input: &NewConcern,
        now: DateTime<Utc>,
    ) -> std::result::Result<ConcernPattern, WriteError> {
        let today = uk_day(now);
        let c = check_concern(input, today)?;
        let new_person = input
            .new_person
            .as_ref()
            .map(|p| check_person(p, today))
            .transpose()?;
        self.require_editor(REGISTER_ONLY)?;
        // A concern about an adult whose concerns are restricted (and held) joins them.
        let db = match input.person_id.and_then(|p| self.held_concerns.get(&p)) {
            Some(r) => &r.conn,
            None => &self.conn,
        };
        let tx = db.unchecked_transaction()?;
        let user = self.author();
        let person_id = match (input.person_id, new_person) {
            (Some(id), _) => {
                let p = person(&tx, id).map_err(|e| match e {
                    StoreError::NotFound => WriteError::Rejected(ApiError::validation(
                        "person",
                        "That person is not in the vault.",
                    )),
                    e => e.into(),
                })?;
                if !is_adult_at_work(p.kind) {
                    return Err(ApiError::validation(
                        "person",
                        "A low-level concern is about a member of staff or a volunteer.",
                    )
                    .into());
                }
                id
            }
            (None, Some(p)) => insert_person(&tx, &user, &p, now)?,
            (None, None) => {
                return Err(ApiError::validation("person", "Choose the adult.").into());
            }
        };
        let text = ConcernText {
            concern: &c.concern,
            happened_on: c.happened_on,
            raised_by: &c.raised_by,
            context: &c.context,
            action: &c.action,
        };
        insert_concern(&tx, &user, person_id, &text, None, now)?;
        tx.commit()?;
        Ok(self.concern_pattern(person_id, today)?)
    }

    /// The register: each adult with concerns, with the count and dates, most recent first.
    pub fn concern_register(&self, today: NaiveDate) -> Result<Vec<ConcernAdult>> {
        self.require_editor(REGISTER_ONLY)?;
        let year_ago = StoredDate(dsl_domain::retention::add_years(today, -1));
        let mut out: Vec<ConcernAdult> = Vec::new();
        for conn in self.readable()? {
            for a in register_in(conn, &year_ago)? {
                match out.iter_mut().find(|o| o.person.id == a.person.id) {
                    Some(o) => {
                        o.count += a.count;
                        o.first = o.first.min(a.first);
                        o.last = o.last.max(a.last);
                        o.in_last_year += a.in_last_year;
                        o.escalated += a.escalated;
                    }
                    None => out.push(a),
                }
            }
        }
        out.sort_by(|a, b| b.last.cmp(&a.last).then(a.person.name.cmp(&b.person.name)));
        Ok(out)
    }

    /// Every concern about one adult, with the pattern they make.
    pub fn concerns_about(&self, person_id: i64, today: NaiveDate) -> Result<ConcernPattern> {
        self.require_editor(REGISTER_ONLY)?;
        self.concern_pattern(person_id, today)
    }

    /// The pattern of the concerns about one adult, from every database the signed-in user
    /// may read (the vault, and the restricted files they hold).
    fn concern_pattern(&self, person_id: i64, today: NaiveDate) -> Result<ConcernPattern> {
        let mut found: Option<Person> = None;
        let mut left = None;
        let mut concerns: Vec<LowLevelConcern> = Vec::new();
        for conn in self.readable()? {
            let Ok(p) = person(conn, person_id) else {
                continue;
            };
            if found.is_none() || std::ptr::eq(conn, &self.conn) {
                left = left_on(conn, person_id)?;
            }
            found.get_or_insert(p);
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {CONCERN_COLUMNS} FROM low_level_concerns c
                 WHERE c.person_id = ?1 AND {IN_FORCE} ORDER BY c.happened_on, c.id"
            ))?;
            concerns.extend(collect::<LowLevelConcern>(&mut stmt, [person_id])?);
        }
        let p = found.ok_or(StoreError::NotFound)?;
        if !is_adult_at_work(p.kind) {
            return Err(StoreError::NotFound);
        }
        for c in &mut concerns {
            for link in [c.from_incident.as_mut(), c.escalated_to.as_mut()]
                .into_iter()
                .flatten()
            {
                link.reference = self.link_reference(link.id)?;
            }
        }
        concerns.sort_by_key(|c| (c.happened_on, c.id));
        let years = years_after_leaving(&self.conn)?;
        Ok(pattern(p, left, concerns, today, years))
    }

    /// How a concern names the incident it came from or led to: its reference where the
    /// signed-in user may open it.
    fn link_reference(&self, incident: i64) -> Result<String> {
        let readable = match self.db(incident) {
            Ok(conn) => conn
                .query_row(
                    "SELECT reference FROM incidents WHERE id = ?1",
                    [incident],
                    |r| r.get::<_, String>(0),
                )
                .optional()?,
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e),
        };
        Ok(match readable {
            Some(reference) => reference,
            None if crate::restricted::is_restricted(&self.conn, incident)? => {
                "a record you cannot open".to_string()
            }
            None => "a record since destroyed".to_string(),
        })
    }
}

/// The register's rows in one database.
fn register_in(conn: &Connection, year_ago: &StoredDate) -> Result<Vec<ConcernAdult>> {
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS}, count(*) AS n, min(c.happened_on) AS first,
                    max(c.happened_on) AS last,
                    sum(c.happened_on > ?1) AS in_last_year,
                    count(c.escalated_to) AS escalated
             FROM low_level_concerns c JOIN people p ON p.id = c.person_id
             WHERE {IN_FORCE}
             GROUP BY p.id ORDER BY last DESC, p.name"
        ))?;
        let rows = stmt.query_map([year_ago], |r| {
            Ok(ConcernAdult {
                person: Person::from_row(r)?,
                count: r.get("n")?,
                first: r.get::<_, StoredDate>("first")?.into(),
                last: r.get::<_, StoredDate>("last")?.into(),
                in_last_year: r.get("in_last_year")?,
                escalated: r.get("escalated")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Vault {
    /// Records that a member of staff is (or is no longer) the headteacher, and when they left.
    pub fn set_staff_details(
        &mut self,
        person_id: i64,
        headteacher: bool,
        left: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> std::result::Result<Person, WriteError> {
        check_left_on(left, uk_day(now))?;
        self.require_editor("only a DSL or deputy can change records")?;
        not_about_yourself(&self.conn, self.user_id, person_id)?;
        let user = self.author();
        // The vault and each restricted file the user holds that knows the person follow.
        let mut out = None;
        let mut changed = Vec::new();
        for conn in self.readable()? {
            let Ok(p) = person(conn, person_id) else {
                continue;
            };
            if !is_adult_at_work(p.kind) || (headteacher && p.kind != PersonKind::Staff) {
                return Err(ApiError::validation(
                    "person",
                    "Only a member of staff can be the headteacher; only staff and volunteers leave.",
                )
                .into());
            }
            let tx = conn.unchecked_transaction()?;
            changed.extend(apply_staff_details(
                &tx,
                &user,
                person_id,
                headteacher,
                left,
                now,
            )?);
            let p = person(&tx, person_id)?;
            tx.commit()?;
            out.get_or_insert(p);
        }
        for incident in changed {
            self.after_change(incident);
        }
        out.ok_or(StoreError::NotFound).map_err(WriteError::from)
    }

    /// Escalates one or more concerns about an adult to an allegation: opens an incident with
    /// the adult as the alleged person, whose flow then asks the harm threshold and the LADO.
    pub fn escalate_concerns(
        &mut self,
        person_id: i64,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> std::result::Result<IncidentDetail, WriteError> {
        self.require_editor(REGISTER_ONLY)?;
        not_about_yourself(&self.conn, self.user_id, person_id)?;
        if ids.is_empty() {
            return Err(
                ApiError::validation("concerns", "Choose the concerns to escalate.").into(),
            );
        }
        let reporter = users::get(&self.conn, self.user_id)?;
        let all = self.concern_pattern(person_id, uk_day(now))?;
        let chosen: Vec<LowLevelConcern> = all
            .concerns
            .into_iter()
            .filter(|c| ids.contains(&c.id))
            .collect();
        if chosen.len() != ids.len() {
            return Err(ApiError::new(
                ErrorKind::NotFound,
                "Those concerns are not all in the register about this adult.",
            )
            .into());
        }
        if chosen.iter().any(|c| c.escalated_to.is_some()) {
            return Err(ApiError::new(
                ErrorKind::Conflict,
                "One of those concerns has already been escalated.",
            )
            .into());
        }
        let first = chosen
            .iter()
            .map(|c| c.happened_on)
            .min()
            .unwrap_or_else(|| uk_day(now));
        let occurred = first.and_time(chrono::NaiveTime::MIN).and_utc().min(now);
        let facts = IncidentFacts {
            occurred_at: occurred,
            reported_at: now,
            reported_by_name: reporter.name.clone(),
            reported_by_role: reporter.role.label().to_string(),
            discovery: Discovery::StaffObservation,
            monitoring: None,
            location: Location::InSchool,
            platform: String::new(),
            summary: escalation_summary(&chosen),
            childs_words: String::new(),
            risk_area: RiskArea::Conduct,
            activity_type: "other".into(),
        };
        let facts = dsl_domain::incident::check_facts(&facts, now)?;
        let signer = self.signer.clone();
        let user = Author {
            user: self.user_id,
            key: &signer,
        };
        // Concerns in a restricted file are marked there; the allegation they lead to is then
        // restricted to the same people.
        let restricted = self.held_concerns.contains_key(&person_id);
        let tx = self.conn.transaction()?;
        let people = [InvolvementInput {
            person_id: Some(person_id),
            new_person: None,
            role: PersonRole::Alleged,
        }];
        let incident = insert_incident(&tx, &user, &facts, &people, now)?;
        settle(&tx, &user, incident, now)?;
        tx.commit()?;
        for c in &chosen {
            let conn = self.db_of_concern(c.id)?;
            let ctx = conn.unchecked_transaction()?;
            ctx.execute(
                "UPDATE low_level_concerns SET escalated_to = ?2, escalated_at = ?3 WHERE id = ?1",
                params![c.id, incident, StoredTime(now)],
            )?;
            audit::record(
                &ctx,
                now,
                &user,
                "concern.escalated",
                "concern",
                &c.id.to_string(),
            )?;
            ctx.commit()?;
        }
        if restricted {
            let holders = self.concern_holders(person_id)?;
            self.restrict(incident, &holders, now)?;
        }
        Ok(self.incident(incident)?)
    }

    /// The database holding a concern: the vault, or a restricted file the user holds.
    fn db_of_concern(&self, id: i64) -> Result<&Connection> {
        for conn in self.readable()? {
            let here: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM low_level_concerns WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if here {
                return Ok(conn);
            }
        }
        Err(StoreError::NotFound)
    }

    /// How many years concerns are kept after an adult leaves.
    pub fn concern_years(&self) -> Result<u32> {
        self.require_editor(REGISTER_ONLY)?;
        years_after_leaving(&self.conn)
    }

    /// Links a vault user to the member of staff or volunteer they are in the records (or
    /// unlinks them), so that a record about them is known to be about a user.
    pub fn link_user_person(
        &mut self,
        user_id: i64,
        person_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), WriteError> {
        self.require_editor("only a DSL or deputy can change users")?;
        let tx = self.conn.transaction()?;
        users::get(&tx, user_id)?;
        if let Some(p) = person_id {
            if !is_adult_at_work(person(&tx, p)?.kind) {
                return Err(ApiError::validation(
                    "person",
                    "A vault user is linked to a member of staff or a volunteer.",
                )
                .into());
            }
        }
        tx.execute(
            "UPDATE users SET person_id = ?2 WHERE id = ?1",
            params![user_id, person_id],
        )?;
        let user = Author {
            user: self.user_id,
            key: &self.signer,
        };
        audit::record(&tx, now, &user, "user.linked", "user", &user_id.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Sets how many years concerns are kept after an adult leaves.
    pub fn set_concern_years(
        &mut self,
        years: u32,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), WriteError> {
        if years == 0 || years > MAX_YEARS_AFTER_LEAVING {
            return Err(ApiError::validation(
                "concernYears",
                format!("From 1 to {MAX_YEARS_AFTER_LEAVING} years after the adult leaves."),
            )
            .into());
        }
        self.require_editor("only a DSL or deputy can change settings")?;
        let tx = self.conn.transaction()?;
        settings::put(
            &tx,
            settings::CONCERN_YEARS_AFTER_LEAVING,
            &years.to_string(),
        )?;
        let user = Author {
            user: self.user_id,
            key: &self.signer,
        };
        audit::record(&tx, now, &user, "settings.changed", "settings", "0")?;
        tx.commit()?;
        Ok(())
    }

    /// Destroys the concerns about an adult whose retention has ended (they left, and the
    /// years after leaving have passed), leaving tombstones with the reason.
    pub fn destroy_concerns(
        &mut self,
        person_id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> std::result::Result<u32, WriteError> {
        let reason = dsl_domain::incident::check_text("reason", reason, 2_000, true)?;
        self.require_editor(REGISTER_ONLY)?;
        not_about_yourself(&self.conn, self.user_id, person_id)?;
        let today = uk_day(now);
        let p = self.concern_pattern(person_id, today)?;
        match p.retention.keep_until {
            Some(until) if until <= today => {}
            _ => {
                return Err(ApiError::new(
                    ErrorKind::Conflict,
                    "These concerns are still within their retention: they are kept until the adult has left plus the school's setting.",
                )
                .into())
            }
        }
        let signer = self.signer.clone();
        let user = Author {
            user: self.user_id,
            key: &signer,
        };
        let mut destroyed = 0;
        // The concerns in the vault and in each held incident file: tombstoned where they are.
        let restricted_file = self.held_concerns.contains_key(&person_id);
        for conn in self.readable()? {
            if restricted_file
                && self
                    .held_concerns
                    .get(&person_id)
                    .is_some_and(|r| std::ptr::eq(&r.conn, conn))
            {
                continue;
            }
            let tx = conn.unchecked_transaction()?;
            destroyed += tombstone_concerns(&tx, &user, person_id, reason.as_str(), now)?;
            tx.commit()?;
        }
        if restricted_file {
            // The adult's restricted file goes whole, once the vault holds a tombstone for
            // each of its concerns.
            let ids: Vec<i64> = {
                let record = &self.held_concerns[&person_id].conn;
                let mut stmt =
                    record.prepare("SELECT id FROM low_level_concerns WHERE person_id = ?1")?;
                let rows = stmt.query_map([person_id], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let tx = self.conn.unchecked_transaction()?;
            for id in &ids {
                tx.execute(
                    "INSERT INTO concern_tombstones (concern_id, destroyed_at, destroyed_by, reason)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![id, StoredTime(now), user.user, reason],
                )?;
                audit::record(
                    &tx,
                    now,
                    &user,
                    "concern.destroyed",
                    "concern",
                    &id.to_string(),
                )?;
            }
            tx.execute("DELETE FROM concern_keys WHERE person_id = ?1", [person_id])?;
            tx.execute(
                "DELETE FROM restricted_concerns WHERE person_id = ?1",
                [person_id],
            )?;
            tx.commit()?;
            self.remove_record_file(&crate::restricted::CONCERNS, person_id)?;
            destroyed += ids.len() as u32;
        }
        Ok(destroyed)
    }

    /// The users the restricted concerns about an adult are sealed to.
    fn concern_holders(&self, person: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT user_id FROM concern_keys WHERE person_id = ?1 AND user_id IS NOT NULL",
        )?;
        let rows = stmt.query_map([person], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Records a member of staff's details in one database and replays the open incidents there
/// that name them; returns those incidents.
fn apply_staff_details(
    tx: &Connection,
    user: &Author<'_>,
    person_id: i64,
    headteacher: bool,
    left: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    tx.execute(
        "INSERT INTO staff_details (person_id, headteacher, left_on, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(person_id) DO UPDATE SET headteacher = excluded.headteacher,
             left_on = excluded.left_on, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
        params![
            person_id,
            headteacher,
            left.map(StoredDate),
            StoredTime(now),
            user.user
        ],
    )?;
    audit::record(
        tx,
        now,
        user,
        "person.details",
        "person",
        &person_id.to_string(),
    )?;
    // Incidents naming the person replay with it (a case about the head goes to the chair).
    let incidents: Vec<i64> = {
        let mut stmt =
            tx.prepare("SELECT DISTINCT incident_id FROM involvements WHERE person_id = ?1")?;
        let rows = stmt.query_map([person_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Open incidents naming the person follow the correction: each branch already decided
    // for them the other way is decided again (the earlier decision stays in the
    // chronology). Closed incidents keep what was decided then.
    for id in &incidents {
        let (loaded, state) = settle(tx, user, *id, now)?;
        if state.status != dsl_domain::flow::IncidentStatus::Closed {
            redecide_branches(tx, user, &loaded, person_id, headteacher, now)?;
            settle(tx, user, *id, now)?;
        }
    }
    Ok(incidents)
}

/// Tombstones and deletes the concerns about `person` in one database, inside the caller's
/// transaction; returns how many.
fn tombstone_concerns(
    conn: &Connection,
    user: &Author<'_>,
    person: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u32> {
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT id FROM low_level_concerns WHERE person_id = ?1")?;
        let rows = stmt.query_map([person], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in &ids {
        conn.execute(
            "INSERT INTO concern_tombstones (concern_id, destroyed_at, destroyed_by, reason)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, StoredTime(now), user.user, reason],
        )?;
        conn.execute("DELETE FROM low_level_concerns WHERE id = ?1", [id])?;
        audit::record(
            conn,
            now,
            user,
            "concern.destroyed",
            "concern",
            &id.to_string(),
        )?;
    }
    Ok(ids.len() as u32)
}

/// Withdraws the concerns recorded through this incident's flow whose entry was replaced, or
/// whose step (for that person) is no longer on the incident's route after an earlier answer
/// changed. They stay in the vault, out of the register.
pub(crate) fn withdraw_stale_concerns(
    conn: &Connection,
    user: &Author<'_>,
    incident: i64,
    state: &dsl_domain::flow::FlowState,
    now: DateTime<Utc>,
) -> Result<()> {
    let live: Vec<(i64, Option<String>, Option<i64>, bool)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, f.node_id, f.person_id,
                    EXISTS (SELECT 1 FROM flow_entries g WHERE g.supersedes = c.entry_id) AS replaced
             FROM low_level_concerns c JOIN flow_entries f ON f.id = c.entry_id
             WHERE c.incident_id = ?1 AND c.withdrawn_at IS NULL",
        )?;
        let rows = stmt.query_map([incident], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, node, person, replaced) in live {
        let on_route = |n: &str, p: Option<i64>| {
            state
                .path
                .iter()
                .any(|s| s.node_id == n && s.person_id == p)
                || state
                    .current
                    .as_ref()
                    .is_some_and(|c| c.node_id == n && c.person_id == p)
        };
        let stale = replaced || !node.as_deref().is_some_and(|n| on_route(n, person));
        if stale {
            conn.execute(
                "UPDATE low_level_concerns SET withdrawn_at = ?2 WHERE id = ?1",
                params![id, StoredTime(now)],
            )?;
            audit::record(
                conn,
                now,
                user,
                "concern.withdrawn",
                "concern",
                &id.to_string(),
            )?;
        }
    }
    Ok(())
}

/// Decides again, for `person`, each headteacher branch last decided the other way.
fn redecide_branches(
    conn: &Connection,
    user: &Author<'_>,
    loaded: &super::load::Loaded,
    person: i64,
    headteacher: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    use dsl_domain::flow::{BranchTest, EntryBody, EntryInput, NodeKind};
    let superseded: std::collections::BTreeSet<i64> =
        loaded.entries.iter().filter_map(|e| e.supersedes).collect();
    for e in loaded
        .entries
        .iter()
        .filter(|e| !superseded.contains(&e.id))
    {
        let (Some(node), EntryBody::Answer { choice, .. }) = (e.node_id.as_deref(), &e.body) else {
            continue;
        };
        if e.person_id != Some(person) || (choice == "yes") == headteacher {
            continue;
        }
        let Some(NodeKind::Branch {
            test: BranchTest::PersonIsHeadteacher,
            yes_note,
            no_note,
            ..
        }) = loaded.flow.find_any(node).map(|n| &n.kind)
        else {
            continue;
        };
        let input = EntryInput {
            node_id: Some(node.to_string()),
            person_id: Some(person),
            body: EntryBody::Acknowledged,
            people: None,
            evidence: None,
            happened: None,
        };
        let body = EntryBody::Answer {
            choice: if headteacher { "yes" } else { "no" }.into(),
            reason: if headteacher { yes_note } else { no_note }.clone(),
        };
        insert_entry(conn, user, loaded.id, &input, &body, Some(e.id), now)?;
    }
    Ok(())
}

/// Refuses a change to the register about the signed-in user themselves.
fn not_about_yourself(
    conn: &Connection,
    user: i64,
    person: i64,
) -> std::result::Result<(), WriteError> {
    if linked_person(conn, user)?.is_some_and(|p| p.id == person) {
        return Err(ApiError::new(
            ErrorKind::Forbidden,
            "These concerns are about you: another DSL or deputy must decide on them.",
        )
        .into());
    }
    Ok(())
}

/// The member of staff a vault user is in the records, if linked.
pub(crate) fn linked_person(conn: &Connection, user: i64) -> Result<Option<Person>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {PERSON_COLUMNS} FROM users u JOIN people p ON p.id = u.person_id WHERE u.id = ?1"
            ),
            [user],
            Person::from_row,
        )
        .optional()?)
}
