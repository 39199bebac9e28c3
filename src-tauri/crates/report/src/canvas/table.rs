//! Tables across the text width: a shaded header that repeats on each page the table runs onto,
//! cells that wrap, short rows kept whole and a row taller than a page split across pages.

use super::{Canvas, Style, MARGIN_X, PAGE_W};

/// Space between a cell's edge and its text, in millimetres.
const PAD: f32 = 1.2;
/// A row of at most this many lines moves whole to the next page rather than split.
const KEEP_WHOLE_LINES: usize = 6;
const HEAD_STYLE: Style = Style {
    size: 8.5,
    bold: true,
    grey: 0.0,
};
const CELL_STYLE: Style = Style {
    size: 8.5,
    bold: false,
    grey: 0.0,
};

/// Each cell's text wrapped to its column.
type Cells = Vec<Vec<String>>;

/// The full text width shared out in proportion to `widths`.
fn column_widths(widths: &[f32]) -> Vec<f32> {
    let total: f32 = widths.iter().sum::<f32>().max(0.001);
    let full = PAGE_W - 2.0 * MARGIN_X;
    widths.iter().map(|w| w / total * full).collect()
}

/// The number of lines the tallest cell takes.
fn tallest(cells: &Cells) -> usize {
    cells.iter().map(Vec::len).max().unwrap_or(1)
}

impl Canvas {
    /// Draws a table whose header repeats on each page it runs onto; cells wrap, and a row
    /// taller than a page is split across pages.
    pub fn table(&mut self, headers: &[String], widths: &[f32], rows: &[Vec<String>]) {
        let cols = column_widths(widths);
        self.table_header(headers, &cols);
        if rows.is_empty() {
            self.paragraph("None recorded.", Style::SMALL);
            return;
        }
        for row in rows {
            self.table_row(headers, &cols, row);
        }
    }

    /// `texts` wrapped, each to the inside of its column.
    fn wrap_cells(&self, texts: &[String], cols: &[f32], style: Style) -> Cells {
        texts
            .iter()
            .zip(cols)
            .map(|(t, w)| self.wrap(t, style, w - 2.0 * PAD))
            .collect()
    }

    /// Writes lines `start..start + take` of each cell from `top`, one column after another.
    fn cell_text(
        &mut self,
        cells: &Cells,
        cols: &[f32],
        top: f32,
        lines: (usize, usize),
        style: Style,
    ) {
        let (start, take) = lines;
        let line_h = style.line_height();
        let mut x = MARGIN_X;
        for (col, w) in cells.iter().zip(cols) {
            for (i, l) in col.iter().skip(start).take(take).enumerate() {
                self.text_at(x + PAD, top + PAD + i as f32 * line_h, l, style);
            }
            x += w;
        }
    }

    /// The shaded header row, on a new page unless it and one line of a row still fit here.
    fn table_header(&mut self, headers: &[String], cols: &[f32]) {
        let cells = self.wrap_cells(headers, cols, HEAD_STYLE);
        let n = tallest(&cells);
        let h = n as f32 * HEAD_STYLE.line_height() + 2.0 * PAD;
        self.ensure_space(h + CELL_STYLE.line_height() + 2.0 * PAD);
        let top = self.y;
        self.rect(MARGIN_X, top, PAGE_W - 2.0 * MARGIN_X, h, Some(0.9), false);
        self.cell_text(&cells, cols, top, (0, n), HEAD_STYLE);
        self.y = top + h;
    }

    /// Continues the table on a new page, its header drawn again.
    fn table_page_break(&mut self, headers: &[String], cols: &[f32]) {
        self.new_page();
        self.table_header(headers, cols);
    }

    /// One row: as many of its lines as fit on each page, under a rule, until all are written.
    fn table_row(&mut self, headers: &[String], cols: &[f32], row: &[String]) {
        let line_h = CELL_STYLE.line_height();
        let cells = self.wrap_cells(row, cols, CELL_STYLE);
        let n = tallest(&cells);
        let mut start = 0;
        while start < n {
            let room = ((self.space_left() - 2.0 * PAD) / line_h).floor() as usize;
            // No line fits, or a short row would be split: move on to the next page.
            let keep_whole = start == 0 && n <= KEEP_WHOLE_LINES && room < n;
            if room == 0 || keep_whole {
                self.table_page_break(headers, cols);
                continue;
            }
            let take = room.min(n - start);
            let top = self.y;
            self.cell_text(&cells, cols, top, (start, take), CELL_STYLE);
            let h = take as f32 * line_h + 2.0 * PAD;
            self.line(MARGIN_X, top + h, PAGE_W - MARGIN_X, top + h, 0.3);
            self.y = top + h;
            start += take;
            if start < n {
                self.table_page_break(headers, cols);
            }
        }
    }
}
