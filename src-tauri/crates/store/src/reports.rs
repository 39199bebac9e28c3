//! The view models of printed records, built from the vault for the `report` crate to draw.

use chrono::{DateTime, Utc};
use dsl_domain::report::IncidentReport;

use crate::{Result, Vault};

impl Vault {
    /// One incident's report as it prints: in full (`redact` None), naming only the person
    /// `Some(Some(id))`, or naming no one (`Some(None)`).
    pub fn incident_report(
        &self,
        id: i64,
        redact: Option<Option<i64>>,
        generated_by: &str,
        now: DateTime<Utc>,
        app_version: &str,
    ) -> Result<IncidentReport> {
        let detail = self.incident(id)?;
        let evidence = self.evidence_for_incident(id)?;
        let reviews = self.device_reviews(id)?;
        let school = self.settings()?.school_name;
        let mut report = dsl_domain::report::incident_report(
            &school,
            &detail,
            &evidence,
            &reviews,
            redact,
            generated_by,
            now,
            app_version,
        );
        report.restriction_note = self.restriction_note(id)?;
        Ok(report)
    }
}
