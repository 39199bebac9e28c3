//! Reports: the bare query of the rows each report prints, against the report drawn from those
//! rows and written to a file, on the encrypted vault.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use dsl_domain::incident::{Person, PersonKind};
use dsl_domain::terms::TermName;
use dsl_domain::transfer::{subject_access_bundle, transfer_bundle, BundleContext};
use dsl_domain::vault::Session;
use dsl_store::Vault;

use crate::timing::{ms, time, Res};
use crate::RUNS;

/// One row of the query-against-report table.
fn row(name: &str, query: Duration, report: Duration, bytes: usize) {
    println!(
        "{name:<40} {:>10} {:>10} {:>6.1}× {:>7}",
        ms(query),
        ms(report),
        report.as_secs_f64() / query.as_secs_f64().max(1e-9),
        bytes / 1024
    );
}

/// What every report is drawn from and written to.
struct Reports<'a> {
    vault: &'a Vault,
    session: Session,
    out: PathBuf,
    now: DateTime<Utc>,
}

impl Reports<'_> {
    /// Writes the report's bytes to the output file and returns their number.
    fn write(&self, bytes: Vec<u8>) -> Res<usize> {
        std::fs::write(&self.out, &bytes)?;
        Ok(bytes.len())
    }

    /// The report of the one of `newest` with the most entries.
    fn incident(&self, newest: &[i64]) -> Res<()> {
        let v = self.vault;
        let big = newest
            .iter()
            .copied()
            .max_by_key(|id| v.incident(*id).map(|d| d.chronology.len()).unwrap_or(0))
            .ok_or("no incident")?;
        let rows = || -> Res<_> {
            Ok((
                v.incident(big)?,
                v.evidence_for_incident(big)?,
                v.device_reviews(big)?,
            ))
        };
        let (q, _) = time(RUNS, |_| rows())?;
        let (r, size) = time(RUNS, |_| {
            let (detail, evidence, reviews) = rows()?;
            let view = dsl_domain::report::incident_report(
                &self.session.school_name,
                &detail,
                &evidence,
                &reviews,
                None,
                &self.session.user_name,
                self.now,
                "bench",
            );
            self.write(dsl_report::incident_report::render(&view)?)
        })?;
        row("incident report", q, r, size);
        Ok(())
    }

    /// The governors' report for one term.
    fn governor(&self) -> Res<()> {
        let v = self.vault;
        let (year, term) = (2025, TermName::Autumn);
        let rows = || -> Res<_> {
            Ok((
                v.term_figures(year, term).map_err(|e| e.to_string())?,
                v.governor_draft(year, term)?,
            ))
        };
        let (q, _) = time(RUNS, |_| rows())?;
        let (r, size) = time(RUNS, |_| {
            let (figures, draft) = rows()?;
            let view = dsl_domain::governor::governor_report(
                &self.session.school_name,
                false,
                &figures,
                &draft,
                "02/11/2026 12:00",
                "bench",
            );
            self.write(dsl_report::governor_report::render(&view)?)
        })?;
        row("governor report (one term)", q, r, size);
        Ok(())
    }

    /// The pupil named in most incidents, for the transfer package and subject access.
    fn busiest_pupil(&self) -> Res<Person> {
        let v = self.vault;
        let pupil = v
            .find_people("o'neill", 50)?
            .into_iter()
            .filter(|p| p.kind == PersonKind::Pupil)
            .max_by_key(|p| {
                v.person_history(p.id)
                    .map(|h| h.incidents.len())
                    .unwrap_or(0)
            })
            .ok_or("no pupil")?;
        Ok(pupil)
    }

    /// The transfer package and the subject access bundle of the busiest pupil.
    fn person_bundles(&self) -> Res<()> {
        let (v, now, session) = (self.vault, self.now, &self.session);
        let pupil = self.busiest_pupil()?;
        let today = dsl_domain::time::uk_day(now);
        let ctx = BundleContext {
            school_name: &session.school_name,
            generated_by: &session.user_name,
            generated_at: now,
            app_version: "bench",
        };
        let person_rows = || v.person_reports(pupil.id, &session.user_name, now, "bench");
        let (q, set) = time(RUNS, |_| Ok(person_rows()?))?;
        let records = set.reports.len();
        let (r, size) = time(RUNS, |_| {
            let set = person_rows()?;
            let bundle = transfer_bundle(
                &ctx,
                &set.person,
                "Riverside Academy",
                "Secure file transfer",
                now,
                set.reports,
                &set.roles,
            );
            self.write(dsl_report::bundle::render(&bundle)?)
        })?;
        row(&format!("transfer package ({records} records)"), q, r, size);
        let access_rows =
            || -> Res<_> { Ok((person_rows()?, v.transfers(Some(pupil.id), today)?)) };
        let (q, _) = time(RUNS, |_| access_rows())?;
        let (r, size) = time(RUNS, |_| {
            let (set, transfers) = access_rows()?;
            let bundle =
                subject_access_bundle(&ctx, &set.person, set.reports, &set.roles, &transfers);
            self.write(dsl_report::bundle::render(&bundle)?)
        })?;
        row(&format!("subject access ({records} records)"), q, r, size);
        Ok(())
    }
}

/// Prints the query-against-report table for the incident report, the governors' report, a
/// transfer package and a subject access bundle; each is written to a file in `dir`.
pub fn compare(vault: &Vault, dir: &Path, newest: &[i64], now: DateTime<Utc>) -> Res<()> {
    println!();
    println!(
        "{:<40} {:>10} {:>10} {:>7} {:>7}",
        "report (encrypted vault, median of 21)", "query", "report", "ratio", "KiB"
    );
    let reports = Reports {
        vault,
        session: vault.session()?,
        out: dir.join("report.pdf"),
        now,
    };
    reports.incident(newest)?;
    reports.governor()?;
    reports.person_bundles()
}
