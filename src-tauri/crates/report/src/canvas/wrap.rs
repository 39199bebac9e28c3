//! Measuring text with the font's own advances and breaking it into lines of a given width.

use super::draw::printable;
use super::{Canvas, Style, PT_PER_MM};

impl Canvas {
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
                line = self.break_word(word, style, width, &mut lines);
            }
            lines.push(line);
        }
        lines
    }

    /// Breaks a word longer than the line by characters: every full piece goes to `lines`, and
    /// the last piece is returned to start the next line.
    fn break_word(&self, word: &str, style: Style, width: f32, lines: &mut Vec<String>) -> String {
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if self.text_width(&piece, style) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        piece
    }

    /// `text` wrapped to `width` in at most `max` lines; when it needs more, the last line is
    /// cut short and ends in an ellipsis.
    pub(super) fn wrap_at_most(
        &self,
        text: &str,
        style: Style,
        width: f32,
        max: usize,
    ) -> Vec<String> {
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
}

#[cfg(test)]
mod tests {
    use super::super::{MARGIN_X, PAGE_W};
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
