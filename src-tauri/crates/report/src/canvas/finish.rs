//! Finishing the document once its page count is known: a running header along the top of
//! every page, a footer along the bottom, and the PDF's bytes.

use printpdf::{Mm, PdfPage, PdfSaveOptions};

use super::{Canvas, Style, MARGIN_BOTTOM, MARGIN_LINES, MARGIN_LINE_H, MARGIN_TOP, MARGIN_X};
use super::{PAGE_H, PAGE_W};

impl Canvas {
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
