//! Term dates, termly figures and the governor report's draft.

use crate::audit::Author;
use chrono::{DateTime, NaiveDate, Utc};
use dsl_domain::governor::{check_draft, GovernorDraft, TermDashboard};
use dsl_domain::report::MentionFinder;
use dsl_domain::stats::{
    lessons_in_term, term_figures, IncidentStat, LessonCandidate, TermFigures,
};
use dsl_domain::terms::{
    academic_year_of, check_year, default_terms, Term, TermName, FIRST_YEAR, LAST_YEAR,
};
use dsl_domain::ApiError;
use rusqlite::{params, Connection, OptionalExtension};

use crate::audit;
use crate::incidents::WriteError;
use crate::time::{ts, StoredDate};
use crate::{Result, StoreError, Vault};

/// How many earlier terms the trend shows.
pub const TREND_TERMS: usize = 5;

fn year_in_range(year: i32) -> std::result::Result<(), ApiError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::validation(
            "academicYear",
            format!("The academic year must be between {FIRST_YEAR} and {LAST_YEAR}."),
        ))
    }
}

/// The year's terms: the school's dates where saved, the defaults otherwise.
pub(crate) fn year_terms(conn: &Connection, year: i32) -> Result<[Term; 3]> {
    let mut terms = default_terms(year).ok_or(StoreError::Corrupt("no default terms"))?;
    let mut stmt =
        conn.prepare_cached("SELECT name, starts, ends FROM terms WHERE academic_year = ?1")?;
    let rows = stmt.query_map([year], |r| {
        Ok((
            r.get::<_, String>("name")?,
            r.get::<_, StoredDate>("starts")?,
            r.get::<_, StoredDate>("ends")?,
        ))
    })?;
    for row in rows {
        let (name, starts, ends) = row?;
        let name = TermName::parse(&name).ok_or(StoreError::Corrupt("unknown term name"))?;
        if let Some(t) = terms.iter_mut().find(|t| t.name == name) {
            t.starts = starts.into();
            t.ends = ends.into();
        }
    }
    Ok(terms)
}

fn term_of(conn: &Connection, year: i32, name: TermName) -> Result<Term> {
    year_terms(conn, year)?
        .into_iter()
        .find(|t| t.name == name)
        .ok_or(StoreError::NotFound)
}

/// The `n` terms before `term`, oldest first.
fn earlier_terms(conn: &Connection, term: &Term, n: usize) -> Result<Vec<Term>> {
    let mut out = Vec::new();
    let mut key = term.previous_key();
    for _ in 0..n {
        if key.0 < FIRST_YEAR {
            break;
        }
        let t = term_of(conn, key.0, key.1)?;
        key = t.previous_key();
        out.push(t);
    }
    out.reverse();
    Ok(out)
}

/// Every incident's contribution reported up to (and a day past) `until`.
fn stats_until(conn: &Connection, until: NaiveDate) -> Result<Vec<IncidentStat>> {
    let limit = until
        .succ_opt()
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| ts(d.and_utc()))
        .unwrap_or_else(|| "9999".to_string());
    let mut stmt = conn.prepare_cached("SELECT stat FROM incident_stats WHERE reported_at < ?1")?;
    let rows = stmt.query_map([limit], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(
            serde_json::from_str(&row?)
                .map_err(|_| StoreError::Corrupt("an incident's figures are unreadable"))?,
        );
    }
    Ok(out)
}

impl Vault {
    /// The terms of one academic year.
    pub fn terms_of_year(&self, year: i32) -> std::result::Result<[Term; 3], WriteError> {
        year_in_range(year)?;
        Ok(year_terms(&self.conn, year)?)
    }

    /// Saves the school's dates for one academic year's three terms.
    pub fn save_terms(
        &mut self,
        terms: &[Term],
        now: DateTime<Utc>,
    ) -> std::result::Result<[Term; 3], WriteError> {
        self.require_whole_vault()?;
        let terms = check_year(terms)?;
        let tx = self.conn.transaction()?;
        for t in &terms {
            tx.execute(
                "INSERT INTO terms (academic_year, name, starts, ends, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(academic_year, name) DO UPDATE SET starts = excluded.starts,
                 ends = excluded.ends, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![
                    t.academic_year,
                    t.name.as_str(),
                    t.starts.to_string(),
                    t.ends.to_string(),
                    ts(now),
                    self.user_id
                ],
            )?;
        }
        audit::record(
            &tx,
            now,
            &Author {
                user: self.user_id,
                key: &self.signer,
            },
            "terms.saved",
            "terms",
            &terms[0].academic_year.to_string(),
        )?;
        tx.commit()?;
        Ok(terms)
    }

    /// The terms a report can be made for: from the academic year of the earliest incident
    /// (or this year) to the term containing `today`, newest first.
    pub fn term_choices(&self, today: NaiveDate) -> Result<Vec<Term>> {
        let earliest: Option<crate::time::StoredTime> = self
            .conn
            .query_row(
                "SELECT MIN(reported_at) AS earliest FROM incident_stats",
                [],
                |r| r.get("earliest"),
            )
            .optional()?
            .flatten();
        let this_year = academic_year_of(today);
        let first = match earliest {
            Some(at) => academic_year_of(dsl_domain::time::uk_day(at.0)),
            None => this_year,
        }
        .clamp(FIRST_YEAR, this_year);
        let mut out = Vec::new();
        for year in first..=this_year + 1 {
            for t in year_terms(&self.conn, year)? {
                if t.starts <= today {
                    out.push(t);
                }
            }
        }
        out.reverse();
        Ok(out)
    }

    /// The term and every incident's contribution up to its end.
    fn term_and_stats(
        &self,
        year: i32,
        name: TermName,
    ) -> std::result::Result<(Term, Vec<IncidentStat>), WriteError> {
        self.require_whole_vault()?;
        year_in_range(year)?;
        let term = term_of(&self.conn, year, name)?;
        let stats = stats_until(&self.conn, term.ends)?;
        Ok((term, stats))
    }

    fn figures_of(&self, term: &Term, stats: &[IncidentStat]) -> Result<TermFigures> {
        let earlier = earlier_terms(&self.conn, term, TREND_TERMS)?;
        let threshold = self.settings()?.small_number_threshold;
        let mut figures = term_figures(stats, term, &earlier, threshold);
        withhold_named(&self.conn, &mut figures.filtering_changes)?;
        Ok(figures)
    }

    /// The figures for one term, with the trend over the terms before it.
    pub fn term_figures(
        &self,
        year: i32,
        name: TermName,
    ) -> std::result::Result<TermFigures, WriteError> {
        let (term, stats) = self.term_and_stats(year, name)?;
        Ok(self.figures_of(&term, &stats)?)
    }

    /// The lessons flagged for governors during one term.
    pub fn lesson_candidates(
        &self,
        year: i32,
        name: TermName,
    ) -> std::result::Result<Vec<LessonCandidate>, WriteError> {
        let (term, stats) = self.term_and_stats(year, name)?;
        Ok(lessons_in_term(&stats, &term))
    }

    /// Everything the dashboard shows for one term, reading the incidents once.
    pub fn term_dashboard(
        &self,
        year: i32,
        name: TermName,
    ) -> std::result::Result<TermDashboard, WriteError> {
        let (term, stats) = self.term_and_stats(year, name)?;
        Ok(TermDashboard {
            figures: self.figures_of(&term, &stats)?,
            lessons: lessons_in_term(&stats, &term),
            draft: self.governor_draft(year, name)?,
        })
    }

    /// The saved draft for one term's report; a new draft starts with the filtering review
    /// date of the draft saved last.
    pub fn governor_draft(&self, year: i32, name: TermName) -> Result<GovernorDraft> {
        self.require_whole_vault()?;
        let saved: Option<String> = self
            .conn
            .query_row(
                "SELECT draft FROM governor_reports WHERE academic_year = ?1 AND term = ?2",
                params![year, name.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        let read = |s: &str| -> Result<GovernorDraft> {
            serde_json::from_str(s).map_err(|_| StoreError::Corrupt("a report draft is unreadable"))
        };
        if let Some(s) = saved {
            return read(&s);
        }
        let last: Option<String> = self
            .conn
            .query_row(
                "SELECT draft FROM governor_reports ORDER BY updated_at DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(GovernorDraft {
            filtering_review: match last {
                Some(s) => read(&s)?.filtering_review,
                None => None,
            },
            ..GovernorDraft::default()
        })
    }

    /// Saves the draft for one term's report.
    pub fn save_governor_draft(
        &mut self,
        year: i32,
        name: TermName,
        draft: &GovernorDraft,
        now: DateTime<Utc>,
    ) -> std::result::Result<GovernorDraft, WriteError> {
        self.require_whole_vault()?;
        year_in_range(year)?;
        let clean = check_draft(draft, dsl_domain::time::uk_day(now))?;
        self.refuse_known(&clean)?;
        let json = crate::columns::json::to_text(&clean, "a report draft")?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO governor_reports (academic_year, term, draft, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(academic_year, term) DO UPDATE SET draft = excluded.draft,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![year, name.as_str(), json, ts(now), self.user_id],
        )?;
        audit::record(
            &tx,
            now,
            &Author {
                user: self.user_id,
                key: &self.signer,
            },
            "governor_report.saved",
            "governor_report",
            &format!("{year}-{}", name.as_str()),
        )?;
        tx.commit()?;
        Ok(clean)
    }
}

/// A filtering change whose description names anyone known to the vault (a person in a record
/// or a user) is not printed word for word: governors see that a change was made, not to whom.
fn withhold_named(
    conn: &rusqlite::Connection,
    changes: &mut [dsl_domain::stats::FilteringChangeRow],
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut names: Vec<String> = Vec::new();
    for sql in [
        "SELECT name FROM people",
        "SELECT name FROM temp.held_people",
        "SELECT name FROM users",
    ] {
        let Ok(mut stmt) = conn.prepare(sql) else {
            continue; // no record is held in this session
        };
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for name in rows {
            names.push(name?);
        }
    }
    for c in changes.iter_mut() {
        if names
            .iter()
            .any(|n| dsl_domain::report::mentions(&c.what, n))
        {
            c.what = "A change was recorded; its description names someone, so it is not \
                      printed here."
                .into();
        }
    }
    Ok(())
}

/// Where something a governor text must not hold was found in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Known {
    Person,
    User,
    Username,
    IncidentReference,
    AgencyReference,
}

impl Known {
    fn label(self) -> &'static str {
        match self {
            Known::Person => "a person in a record",
            Known::User => "a user of DSL Desk",
            Known::Username => "a username recorded as evidence",
            Known::IncidentReference => "an incident reference",
            Known::AgencyReference => "a police, LADO, social care or CEOP reference",
        }
    }

    fn is_name(self) -> bool {
        matches!(self, Known::Person | Known::User)
    }
}

/// What the vault's own tables and every held record's file know, for one connection.
fn known_in(conn: &Connection, out: &mut Vec<(Known, String)>) -> Result<()> {
    let queries: [(Known, &str); 6] = [
        (Known::Person, "SELECT name FROM people"),
        (Known::IncidentReference, "SELECT reference FROM incidents"),
        (Known::IncidentReference, "SELECT reference FROM tombstones"),
        (
            Known::AgencyReference,
            "SELECT DISTINCT j.value FROM flow_entries AS f, json_tree(f.body) AS j
             WHERE (f.body LIKE '%\"crimeRef\"%' OR f.body LIKE '%\"reference\"%')
             AND j.key IN ('crimeRef', 'reference') AND j.type = 'text'",
        ),
        (
            Known::Username,
            "SELECT DISTINCT json_extract(details, '$.platformUsername') FROM evidence_items
             WHERE json_extract(details, '$.platformUsername') <> ''",
        ),
        (Known::User, "SELECT name FROM users"),
    ];
    for (kind, sql) in queries {
        // A held record's file has no users or tombstones of its own.
        let Ok(mut stmt) = conn.prepare(sql) else {
            continue;
        };
        let rows = stmt.query_map([], |r| r.get::<_, Option<String>>(0))?;
        for row in rows {
            if let Some(v) = row? {
                let v = v.trim().to_string();
                if !v.is_empty() {
                    out.push((kind, v));
                }
            }
        }
    }
    Ok(())
}

/// Whether `text` holds `term` (a name as whole words, a username or reference anywhere,
/// whatever its case), and whether wholly: a name's every word, not only one of them.
fn holds(names: &MentionFinder, lower: &str, kind: Known, term: &str) -> Option<bool> {
    if kind.is_name() {
        names.mentions(term).then(|| names.mentions_whole(term))
    } else {
        (term.chars().count() >= 3 && lower.contains(&term.to_lowercase())).then_some(true)
    }
}

/// Something in a governor text that the vault also holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KnownMatch {
    /// What it is: "a person in a record", "an incident reference"…
    pub what: String,
    /// The name, username or reference as the vault holds it.
    pub found: String,
    /// The whole of it is in the text, not only a word of a name (which may be a common word:
    /// "Will", "Grace"). Only a whole match stops the text going into the report.
    pub whole: bool,
}

/// What a governor text is checked against, and the state of the vault it was read in.
pub(crate) struct KnownCache {
    /// The last change's audit entry, and every open file's count of rows changed (the held
    /// restricted files by record): one of them moves whenever anything is written.
    state: (i64, Vec<(i64, u64)>),
    known: Vec<(Known, String)>,
}

impl Vault {
    fn known_state(&self) -> Result<(i64, Vec<(i64, u64)>)> {
        let last: Option<i64> = self
            .conn
            .query_row("SELECT MAX(id) FROM audit", [], |r| r.get(0))?;
        let mut files = vec![(0, self.conn.total_changes())];
        for (id, r) in self.held.iter().chain(self.held_concerns.iter()) {
            files.push((*id, r.conn.total_changes()));
        }
        Ok((last.unwrap_or(0), files))
    }

    /// The names, usernames and references known to the vault (and to the records the user
    /// holds) that `text` contains: shown to the DSL, never printed.
    pub fn known_in_text(&self, text: &str) -> Result<Vec<KnownMatch>> {
        self.require_whole_vault()?;
        let state = self.known_state()?;
        let fresh = self
            .known
            .borrow()
            .as_ref()
            .is_some_and(|c| c.state == state);
        if !fresh {
            let mut known = Vec::new();
            known_in(&self.conn, &mut known)?;
            for r in self.held.values().chain(self.held_concerns.values()) {
                known_in(&r.conn, &mut known)?;
            }
            known.sort();
            known.dedup();
            *self.known.borrow_mut() = Some(KnownCache { state, known });
        }
        let cache = self.known.borrow();
        let known = cache
            .as_ref()
            .map(|c| c.known.as_slice())
            .unwrap_or_default();
        let lower = text.to_lowercase();
        let names = MentionFinder::new(text);
        Ok(known
            .iter()
            .filter_map(|(kind, found)| {
                holds(&names, &lower, *kind, found).map(|whole| KnownMatch {
                    what: kind.label().to_string(),
                    found: found.clone(),
                    whole,
                })
            })
            .collect())
    }

    /// Refuses a draft whose summary or a lesson holds a whole name, a username or a reference
    /// the vault knows, naming the field (not what was found: the screen asks for that).
    fn refuse_known(&self, draft: &GovernorDraft) -> std::result::Result<(), WriteError> {
        let holds_whole =
            |text: &str| -> Result<bool> { Ok(self.known_in_text(text)?.iter().any(|m| m.whole)) };
        if holds_whole(&draft.narrative)? {
            return Err(ApiError::validation(
                "narrative",
                "The summary names someone or holds a reference known to the vault. Take it out \
                 before saving.",
            )
            .into());
        }
        for (i, l) in draft.lessons.iter().enumerate() {
            if holds_whole(l)? {
                return Err(ApiError::validation(
                    &format!("lesson{i}"),
                    format!(
                        "Lesson {} names someone or holds a reference known to the vault. Take \
                         it out before saving.",
                        i + 1
                    ),
                )
                .into());
            }
        }
        Ok(())
    }
}
