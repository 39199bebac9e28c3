//! DSL Desk's printable PDFs. Each report takes a view model and returns the PDF's bytes;
//! it knows nothing about the database. Pages are drawn with printpdf's operations and an
//! embedded Unicode font (DejaVu Sans) so that every name prints as written.

pub mod bundle;
mod canvas;
pub mod governor_report;
pub mod incident_report;
pub mod recovery_sheet;
#[doc(hidden)]
pub mod sample;

pub use canvas::{Canvas, Style};

/// Why a report could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("The report font could not be loaded.")]
    Font,
}
