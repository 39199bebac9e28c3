//! A small A4 page-drawing toolkit on top of printpdf's operations: wrapped text measured with
//! the font's own advances, automatic page breaks, and a footer drawn once the page count is known.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

use crate::ReportError;

const REGULAR_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");

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

/// Removes characters that must not reach a PDF text run.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

fn colour(grey: f32) -> Color {
    Color::Rgb(Rgb {
        r: grey,
        g: grey,
        b: grey,
        icc_profile: None,
    })
}

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

fn point(x_mm: f32, y_from_top_mm: f32) -> Point {
    Point {
        x: pt(x_mm),
        y: pt(PAGE_H - y_from_top_mm),
    }
}

impl Canvas {
    /// A new document with one empty page.
    pub fn new(title: &str) -> Result<Self, ReportError> {
        let mut doc = PdfDocument::new(title);
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

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The width of `text` in millimetres.
    pub fn text_width(&self, text: &str, style: Style) -> f32 {
        let face = self.face(style.bold);
        let fallback = face
            .parsed
            .lookup_glyph_index(u32::from('?'))
            .map(|g| face.parsed.get_horizontal_advance(g))
            .unwrap_or(0);
        let units: f32 = text
            .chars()
            .map(|c| {
                face.parsed
                    .lookup_glyph_index(u32::from(c))
                    .map(|g| face.parsed.get_horizontal_advance(g))
                    .unwrap_or(fallback) as f32
            })
            .sum();
        units / face.units_per_em * style.size / PT_PER_MM
    }

    /// Splits `text` into lines no wider than `width` millimetres, keeping its own line breaks
    /// and breaking words that are longer than a line.
    pub fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let paragraph = printable(paragraph);
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.text_width(&candidate, style) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word longer than the line is broken by characters.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.text_width(&piece, style) > width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        lines
    }

    /// `text` wrapped to `width` in at most `max` lines; when it needs more, the last line is
    /// cut short and ends in an ellipsis.
    fn wrap_at_most(&self, text: &str, style: Style, width: f32, max: usize) -> Vec<String> {
        let mut lines = self.wrap(text, style, width);
        if lines.len() > max {
            lines.truncate(max.max(1));
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && self.text_width(&format!("{last}…"), style) > width {
                    last.pop();
                }
                last.push('…');
            }
        }
        lines
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

    /// Moves down by `mm`.
    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// The current distance from the top of the page.
    pub fn y(&self) -> f32 {
        self.y
    }

    /// Draws one line of text with its top-left corner at (`x`, `y`) from the page's top-left.
    pub fn text_at(&mut self, x: f32, y: f32, text: &str, style: Style) {
        let font = self.face(style.bold).id.clone();
        let baseline = y + style.size * 0.95 / PT_PER_MM;
        let text = printable(text);
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: colour(style.grey),
            },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(style.size),
            },
            Op::SetTextCursor {
                pos: point(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]);
    }

    /// Writes `text` wrapped to the width between `x` and the right margin, breaking pages.
    pub fn paragraph_at(&mut self, x: f32, text: &str, style: Style) {
        let width = PAGE_W - MARGIN_X - x;
        for line in self.wrap(text, style, width) {
            self.ensure_space(style.line_height());
            let y = self.y;
            self.text_at(x, y, &line, style);
            self.y += style.line_height();
        }
    }

    /// Writes `text` wrapped across the full text width.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.paragraph_at(MARGIN_X, text, style);
    }

    /// A filled (and optionally outlined) rectangle; `y` is its top edge from the page's top.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<f32>, outline: bool) {
        let mode = match (fill, outline) {
            (Some(_), true) => PaintMode::FillStroke,
            (Some(_), false) => PaintMode::Fill,
            (None, _) => PaintMode::Stroke,
        };
        let ops = vec![
            Op::SaveGraphicsState,
            Op::SetFillColor {
                col: colour(fill.unwrap_or(1.0)),
            },
            Op::SetOutlineColor { col: colour(0.2) },
            Op::SetOutlineThickness { pt: Pt(0.8) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: pt(x),
                    y: pt(PAGE_H - y - h),
                    width: pt(w),
                    height: pt(h),
                    mode: Some(mode),
                    winding_order: Some(WindingOrder::NonZero),
                },
            },
            Op::RestoreGraphicsState,
        ];
        self.ops().extend(ops);
    }

    /// A horizontal rule across the text width at the current position.
    pub fn rule(&mut self) {
        let y = self.y;
        self.line(MARGIN_X, y, PAGE_W - MARGIN_X, y, 0.5);
    }

    /// A straight line between two points measured from the page's top-left.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness_pt: f32) {
        let ops = vec![
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: colour(0.3) },
            Op::SetOutlineThickness {
                pt: Pt(thickness_pt),
            },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(x1, y1),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(x2, y2),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
            Op::RestoreGraphicsState,
        ];
        self.ops().extend(ops);
    }

    /// A numbered section heading, kept with the start of what follows it.
    pub fn heading(&mut self, text: &str) {
        self.ensure_space(35.0);
        self.gap(4.0);
        self.paragraph(text, Style::HEADING);
        self.gap(1.5);
    }

    /// Wrapped text in a shaded, outlined box across the text width.
    pub fn boxed(&mut self, text: &str, style: Style, fill: f32) {
        let width = PAGE_W - 2.0 * MARGIN_X;
        let lines = self.wrap(text, style, width - 6.0);
        let h = lines.len() as f32 * style.line_height() + 4.0;
        self.ensure_space(h + 2.0);
        let top = self.y;
        self.rect(MARGIN_X, top, width, h, Some(fill), true);
        for (i, l) in lines.iter().enumerate() {
            self.text_at(
                MARGIN_X + 3.0,
                top + 2.0 + i as f32 * style.line_height(),
                l,
                style,
            );
        }
        self.gap(h + 2.0);
    }

    /// A sign-off block for each role: its name, then lines for name, signature and date.
    pub fn sign_off(&mut self, roles: &[&str], keep_together: f32) {
        let role_style = Style {
            size: 10.5,
            bold: true,
            grey: 0.0,
        };
        for role in roles {
            self.ensure_space(keep_together);
            self.paragraph(role, role_style);
            self.gap(7.0);
            let y = self.y;
            let w = (PAGE_W - 2.0 * MARGIN_X - 10.0) / 3.0;
            for (i, label) in ["Name", "Signature", "Date"].iter().enumerate() {
                let x = MARGIN_X + i as f32 * (w + 5.0);
                self.line(x, y, x + w, y, 0.5);
                self.text_at(x, y + 1.0, label, Style::SMALL);
            }
            self.gap(10.0);
        }
    }

    /// Leaves room at the top of every page for a running header.
    pub fn reserve_header(&mut self) {
        self.top = MARGIN_TOP + 8.0;
        if self.pages.len() == 1 && self.y < self.top {
            self.y = self.top;
        }
    }

    /// Draws a table whose header repeats on each page it runs onto; cells wrap, and a row
    /// taller than a page is split across pages.
    pub fn table(&mut self, headers: &[String], widths: &[f32], rows: &[Vec<String>]) {
        let total: f32 = widths.iter().sum::<f32>().max(0.001);
        let full = PAGE_W - 2.0 * MARGIN_X;
        let cols: Vec<f32> = widths.iter().map(|w| w / total * full).collect();
        let pad = 1.2;
        let head_style = Style {
            size: 8.5,
            bold: true,
            grey: 0.0,
        };
        let cell = Style {
            size: 8.5,
            bold: false,
            grey: 0.0,
        };
        let line_h = cell.line_height();
        let draw_header = |c: &mut Canvas| {
            let lines: Vec<Vec<String>> = headers
                .iter()
                .zip(&cols)
                .map(|(h, w)| c.wrap(h, head_style, w - 2.0 * pad))
                .collect();
            let n = lines.iter().map(Vec::len).max().unwrap_or(1);
            let h = n as f32 * head_style.line_height() + 2.0 * pad;
            c.ensure_space(h + line_h + 2.0 * pad);
            let top = c.y;
            c.rect(MARGIN_X, top, full, h, Some(0.9), false);
            let mut x = MARGIN_X;
            for (col, w) in lines.iter().zip(&cols) {
                for (i, l) in col.iter().enumerate() {
                    c.text_at(
                        x + pad,
                        top + pad + i as f32 * head_style.line_height(),
                        l,
                        head_style,
                    );
                }
                x += w;
            }
            c.y = top + h;
        };
        draw_header(self);
        if rows.is_empty() {
            self.paragraph("None recorded.", Style::SMALL);
            return;
        }
        for row in rows {
            let lines: Vec<Vec<String>> = row
                .iter()
                .zip(&cols)
                .map(|(t, w)| self.wrap(t, cell, w - 2.0 * pad))
                .collect();
            let n = lines.iter().map(Vec::len).max().unwrap_or(1);
            let mut start = 0;
            while start < n {
                let room = ((self.space_left() - 2.0 * pad) / line_h).floor() as usize;
                if room == 0 {
                    self.new_page();
                    draw_header(self);
                    continue;
                }
                // Keep short rows whole: move them to the next page rather than split them.
                if start == 0 && n <= 6 && room < n {
                    self.new_page();
                    draw_header(self);
                    continue;
                }
                let take = room.min(n - start);
                let top = self.y;
                let mut x = MARGIN_X;
                for (col, w) in lines.iter().zip(&cols) {
                    for (i, l) in col.iter().skip(start).take(take).enumerate() {
                        self.text_at(x + pad, top + pad + i as f32 * line_h, l, cell);
                    }
                    x += w;
                }
                let h = take as f32 * line_h + 2.0 * pad;
                self.line(MARGIN_X, top + h, PAGE_W - MARGIN_X, top + h, 0.3);
                self.y = top + h;
                start += take;
                if start < n {
                    self.new_page();
                    draw_header(self);
                }
            }
        }
    }

    /// Label and value pairs in two columns, wrapping long labels and values.
    pub fn fields(&mut self, fields: &[(String, String)]) {
        self.fields_with(fields, 45.0);
    }

    /// Label and value pairs with labels `label_w` millimetres wide.
    pub fn fields_with(&mut self, fields: &[(String, String)], label_w: f32) {
        let value_x = MARGIN_X + label_w;
        let width = PAGE_W - MARGIN_X - value_x;
        let label_style = Style {
            size: 9.5,
            bold: true,
            grey: 0.2,
        };
        let lh = Style::BODY.line_height();
        for (label, value) in fields {
            let labels = self.wrap(label, label_style, label_w - 3.0);
            let values = self.wrap(value, Style::BODY, width);
            let n = labels.len().max(values.len());
            for i in 0..n {
                self.ensure_space(lh);
                let y = self.y;
                if let Some(l) = labels.get(i) {
                    self.text_at(MARGIN_X, y, l, label_style);
                }
                if let Some(v) = values.get(i) {
                    self.text_at(value_x, y, v, Style::BODY);
                }
                self.y += lh;
            }
            self.y += 0.8;
        }
    }

    /// Finishes the document: `header` runs along the top of every page (when room was
    /// reserved), and `footer(page, total)` gives each page's footer text.
    pub fn finish_with_header(
        mut self,
        header: &str,
        footer: impl Fn(usize, usize) -> String,
    ) -> Vec<u8> {
        let style = Style {
            size: 8.5,
            bold: true,
            grey: 0.25,
        };
        // A long school name wraps upwards into the top margin, the last line just above the rule.
        let lines = self.wrap_at_most(header, style, PAGE_W - 2.0 * MARGIN_X, MARGIN_LINES);
        let pages = std::mem::take(&mut self.pages);
        let mut with_header = Vec::with_capacity(pages.len());
        for ops in pages {
            self.pages = vec![ops];
            let first = MARGIN_TOP - 6.0 - lines.len().saturating_sub(1) as f32 * MARGIN_LINE_H;
            for (i, line) in lines.iter().enumerate() {
                self.text_at(MARGIN_X, first + i as f32 * MARGIN_LINE_H, line, style);
            }
            self.line(
                MARGIN_X,
                MARGIN_TOP + 0.5,
                PAGE_W - MARGIN_X,
                MARGIN_TOP + 0.5,
                0.4,
            );
            with_header.push(self.pages.pop().unwrap_or_default());
        }
        self.pages = with_header;
        self.finish(footer)
    }

    /// Finishes the document: `footer(page, total)` gives each page's footer text.
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> Vec<u8> {
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, ops) in pages.into_iter().enumerate() {
            self.pages = vec![ops];
            let text = footer(i + 1, total);
            // A long footer (a long user name) wraps, centred on where one line would stand.
            let lines =
                self.wrap_at_most(&text, Style::SMALL, PAGE_W - 2.0 * MARGIN_X, MARGIN_LINES);
            let y = PAGE_H - MARGIN_BOTTOM + 8.0
                - lines.len().saturating_sub(1) as f32 * MARGIN_LINE_H / 2.0;
            self.line(MARGIN_X, y - 2.0, PAGE_W - MARGIN_X, y - 2.0, 0.4);
            for (n, line) in lines.iter().enumerate() {
                self.text_at(MARGIN_X, y + n as f32 * MARGIN_LINE_H, line, Style::SMALL);
            }
            let ops = self.pages.pop().unwrap_or_default();
            out.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
        }
        self.doc
            .with_pages(out)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_beyond_the_line_limit_is_cut_with_an_ellipsis_inside_the_width() {
        let c = Canvas::new("test").expect("canvas");
        let width = PAGE_W - 2.0 * MARGIN_X;
        let text = "Siobhán Łukasz Zoë ".repeat(40);
        assert!(c.wrap(&text, Style::SMALL, width).len() > 2);
        let lines = c.wrap_at_most(&text, Style::SMALL, width, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| c.text_width(l, Style::SMALL) <= width));
        let short = c.wrap_at_most("Page 1 of 1", Style::SMALL, width, 2);
        assert_eq!(short, vec!["Page 1 of 1".to_string()]);
    }
}
