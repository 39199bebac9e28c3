//! The blocks a report is written in, each placed at the current position and breaking pages
//! as it goes: paragraphs, headings, shaded boxes, label and value fields, sign-off lines.

use super::{Canvas, Style, MARGIN_X, PAGE_W};

impl Canvas {
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
}
