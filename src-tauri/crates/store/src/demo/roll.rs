//! The generated school's roll: cohorts of pupils who join in Year 7 and leave after Year 13.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use dsl_domain::incident::{InvolvementInput, NewPerson, PersonKind, PersonRole};

use super::text::{FIRST, LAST};
use super::Rng;

const YEAR_GROUPS: u32 = 7;

/// The pupils on roll, by the September they joined Year 7: a pupil is named only in incidents
/// from the seven school years they are at the school, and is the right age for them.
pub(super) struct Roll {
    /// How many pupils join each September (the roll divided among the year groups).
    per_cohort: usize,
    cohorts: BTreeMap<i32, Vec<i64>>,
    known: std::collections::HashSet<i64>,
}

/// The school year (starting in September) a date falls in.
fn school_year(d: NaiveDate) -> i32 {
    if d.month() >= 9 {
        d.year()
    } else {
        d.year() - 1
    }
}

impl Roll {
    pub(super) fn new(on_roll: u32) -> Self {
        Self {
            per_cohort: (on_roll / YEAR_GROUPS).max(1) as usize,
            cohorts: BTreeMap::new(),
            known: std::collections::HashSet::new(),
        }
    }

    /// A pupil for an incident on `at`: someone already named in their cohort (repeat
    /// involvement is common) or, while the cohort has room, a new pupil of the right age.
    pub(super) fn pupil(
        &mut self,
        rng: &mut Rng,
        at: DateTime<Utc>,
        role: PersonRole,
    ) -> InvolvementInput {
        let year = school_year(at.date_naive());
        let group = rng.below(u64::from(YEAR_GROUPS)) as i32;
        let joined = year - group;
        let named = self.cohorts.get(&joined).map_or(&[][..], Vec::as_slice);
        if !named.is_empty() && (named.len() >= self.per_cohort || rng.chance(30)) {
            return InvolvementInput {
                person_id: Some(*rng.pick(named)),
                new_person: None,
                role,
            };
        }
        // Born in the school year eleven before joining Year 7 (September to August).
        let born = NaiveDate::from_ymd_opt(joined - 12, 9, 1)
            .map(|d| d + Duration::days(rng.below(365) as i64));
        InvolvementInput {
            person_id: None,
            new_person: Some(NewPerson {
                kind: PersonKind::Pupil,
                name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                year_group: Some(7 + group as u8),
                date_of_birth: born,
                job_title: String::new(),
                headteacher: None,
            }),
            role,
        }
    }

    /// Puts a pupil just recorded in their cohort; false when already on the roll.
    pub(super) fn enrol(&mut self, p: &dsl_domain::incident::Person) -> bool {
        if !self.known.insert(p.id) {
            return false;
        }
        if let Some(born) = p.date_of_birth {
            self.cohorts
                .entry(school_year(born) + 12)
                .or_default()
                .push(p.id);
        }
        true
    }
}
