//! A small A4 page-drawing toolkit on top of printpdf's operations: wrapped text measured with
//! the font's own advances, automatic page breaks, and a footer drawn once the page count is known.
//!
//! The canvas is split by what it draws:
//! - this module: the page geometry, text styles, the fonts and the position on the page;
//! - [`draw`]: the primitives every block is made of (a line of text, a rectangle, a line);
//! - [`wrap`]: measuring text and breaking it into lines;
//! - [`blocks`]: paragraphs, headings, boxes, label and value fields, sign-off lines;
//! - [`table`]: tables whose header repeats on each page they run onto;
//! - [`finish`]: the running header and footer, drawn once the page count is known.

mod blocks;
mod draw;
mod finish;
mod table;
mod wrap;

use printpdf::{FontId, Op, ParsedFont, PdfDocument};

use crate::ReportError;

const REGULAR_TTF: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans-Bold.ttf");

/// A4 width in millimetres.
pub const PAGE_W: f32 = 210.0;
/// A4 height in millimetres.
pub const PAGE_H: f32 = 297.0;
/// Left and right margin in millimetres.
pub const MARGIN_X: f32 = 18.0;
const MARGIN_TOP: f32 = 20.0;
const MARGIN_BOTTOM: f32 = 22.0;
/// The most lines a header or footer takes, and their spacing, in the page margins.
const MARGIN_LINES: usize = 3;
const MARGIN_LINE_H: f32 = 3.4;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// How a run of text is set.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub grey: f32,
}

impl Style {
    /// Body text.
    pub const BODY: Style = Style {
        size: 10.0,
        bold: false,
        grey: 0.0,
    };
    /// Small print for labels and footers.
    pub const SMALL: Style = Style {
        size: 8.0,
        bold: false,
        grey: 0.35,
    };
    /// A section heading.
    pub const HEADING: Style = Style {
        size: 13.0,
        bold: true,
        grey: 0.0,
    };
    /// The document title.
    pub const TITLE: Style = Style {
        size: 20.0,
        bold: true,
        grey: 0.0,
    };

    /// The line height for this style, in millimetres.
    pub fn line_height(&self) -> f32 {
        self.size * 1.35 / PT_PER_MM
    }
}

struct Face {
    id: FontId,
    parsed: ParsedFont,
    units_per_em: f32,
}

/// An A4 document being drawn top to bottom.
pub struct Canvas {
    doc: PdfDocument,
    regular: Face,
    bold: Face,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page to the next line, in millimetres.
    y: f32,
    top: f32,
}

fn load(doc: &mut PdfDocument, bytes: &[u8]) -> Result<Face, ReportError> {
    let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(ReportError::Font)?;
    let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
    let id = doc.add_font(&parsed);
    Ok(Face {
        id,
        parsed,
        units_per_em,
    })
}

impl Canvas {
    /// A new document with one empty page.
    pub fn new(title: &str) -> Result<Self, ReportError> {
        let mut doc = PdfDocument::new(title);
        // Dated when it is drawn (printpdf would otherwise say 1 January 1970), and made by
        // DSL Desk; no author, since a report's reader needs none and it could name someone.
        let now = printpdf::OffsetDateTime::now_utc();
        let info = &mut doc.metadata.info;
        info.creation_date = now;
        info.modification_date = now;
        info.metadata_date = now;
        info.creator = "DSL Desk".into();
        info.producer = "DSL Desk".into();
        let regular = load(&mut doc, REGULAR_TTF)?;
        let bold = load(&mut doc, BOLD_TTF)?;
        Ok(Self {
            doc,
            regular,
            bold,
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
            top: MARGIN_TOP,
        })
    }

    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// The operations of the page being drawn.
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The space left on the current page, in millimetres.
    pub fn space_left(&self) -> f32 {
        PAGE_H - MARGIN_BOTTOM - self.y
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
    }

    /// Starts a new page unless `height` millimetres still fit on this one.
    pub fn ensure_space(&mut self, height: f32) {
        if self.space_left() < height {
            self.new_page();
        }
    }

    /// Starts a new page unless `height` millimetres fit on this one, when they would fit on a
    /// fresh page: a block that fits on one page is not split across two.
    pub fn keep_together(&mut self, height: f32) {
        if height <= PAGE_H - MARGIN_BOTTOM - self.top {
            self.ensure_space(height);
        }
    }

    /// Moves down by `mm`.
    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// The current distance from the top of the page.
    pub fn y(&self) -> f32 {
        self.y
    }

    /// Leaves room at the top of every page for a running header.
    pub fn reserve_header(&mut self) {
        self.top = MARGIN_TOP + 8.0;
        if self.pages.len() == 1 && self.y < self.top {
            self.y = self.top;
        }
    }
}
