//! The primitives every block is drawn with: one line of text, a rectangle and a straight line,
//! each placed in millimetres from the page's top-left corner.

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem,
    WindingOrder,
};

use super::{Canvas, Style, MARGIN_X, PAGE_H, PAGE_W, PT_PER_MM};

/// Removes characters that must not reach a PDF text run.
pub(super) fn printable(text: &str) -> String {
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
}
