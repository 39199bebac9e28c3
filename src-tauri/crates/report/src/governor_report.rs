//! The termly report for governors: figures with bar charts, the head's narrative and the
//! lessons chosen for governors. It holds no names and no incident references.

use dsl_domain::governor::GovernorReport;
use dsl_domain::stats::{Breakdown, Shown, TrendPoint};
use dsl_domain::vault::Role;

use crate::canvas::{Canvas, Style, MARGIN_X, PAGE_W};
use crate::ReportError;

const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const LABEL_W: f32 = 70.0;
const VALUE_W: f32 = 26.0;
const BAR_H: f32 = 4.2;
const ROW_H: f32 = 6.0;

fn subheading(c: &mut Canvas, text: &str) {
    c.ensure_space(28.0);
    c.gap(2.5);
    c.paragraph(
        text,
        Style {
            size: 10.5,
            bold: true,
            grey: 0.0,
        },
    );
    c.gap(1.0);
}

/// One breakdown as a horizontal bar chart: a bar for each exact count, scaled to the largest;
/// a suppressed count gets no bar (its length would give it away), only its words.
fn bar_chart(c: &mut Canvas, b: &Breakdown, threshold: u32) {
    // Each row's label as wrapped, and the row's height.
    let labels: Vec<(Vec<String>, f32)> = b
        .rows
        .iter()
        .map(|r| {
            let lines = c.wrap(&r.label, Style::BODY, LABEL_W);
            let h = (lines.len() as f32 * Style::BODY.line_height()).max(ROW_H);
            (lines, h)
        })
        .collect();
    // A breakdown that fits on a page keeps its total with its rows.
    if !b.withheld {
        let rows: f32 = labels.iter().map(|(_, h)| h).sum();
        let window = if b.window.is_some() { 8.0 } else { 0.0 };
        c.keep_together(28.0 + window + rows + ROW_H);
    }
    subheading(c, &b.title);
    if let Some(window) = &b.window {
        c.paragraph(
            &format!("Counted over {window}, so that small numbers still show a picture."),
            Style::SMALL,
        );
    }
    if b.withheld {
        c.paragraph(
            &format!(
                "Not broken down: even over {}, one of the counts could be worked out from the \
                 others. Total: {}.",
                b.window.as_deref().unwrap_or("the term"),
                b.printed_total(threshold)
            ),
            Style::BODY,
        );
        return;
    }
    let max = b
        .rows
        .iter()
        .filter(|r| r.shown == Shown::Exact)
        .map(|r| r.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let bar_x = MARGIN_X + LABEL_W + 2.0;
    let bar_w = TEXT_W - LABEL_W - VALUE_W - 4.0;
    for (row, (label_lines, h)) in b.rows.iter().zip(&labels) {
        let h = *h;
        c.ensure_space(h);
        let y = c.y();
        for (i, l) in label_lines.iter().enumerate() {
            c.text_at(
                MARGIN_X,
                y + i as f32 * Style::BODY.line_height(),
                l,
                Style::BODY,
            );
        }
        if row.shown == Shown::Exact && row.count > 0 {
            let w = bar_w * row.count as f32 / max as f32;
            c.rect(bar_x, y + 0.4, w.max(0.6), BAR_H, Some(0.45), false);
        }
        let value = row.printed(threshold);
        let vs = if row.shown == Shown::Exact {
            Style::BODY
        } else {
            Style {
                size: 9.0,
                bold: false,
                grey: 0.25,
            }
        };
        let vw = c.text_width(&value, vs);
        c.text_at(MARGIN_X + TEXT_W - vw, y, &value, vs);
        c.gap(h);
    }
    c.ensure_space(ROW_H);
    let y = c.y();
    c.line(MARGIN_X, y, MARGIN_X + TEXT_W, y, 0.4);
    let bold = Style {
        size: 10.0,
        bold: true,
        grey: 0.0,
    };
    c.text_at(MARGIN_X, y + 0.8, "Total", bold);
    let total = b.printed_total(threshold);
    let tw = c.text_width(&total, bold);
    c.text_at(MARGIN_X + TEXT_W - tw, y + 0.8, &total, bold);
    c.gap(ROW_H);
    if let Some(note) = &b.note {
        c.paragraph(note, Style::SMALL);
    }
}

/// The trend: opened and closed per term as paired vertical bars, with a table of values.
fn trend_chart(c: &mut Canvas, trend: &[TrendPoint]) {
    let chart_h = 45.0;
    let label_h = 12.0;
    c.ensure_space(chart_h + label_h + 12.0);
    let top = c.y();
    let max = trend
        .iter()
        .map(|t| t.opened.max(t.closed))
        .max()
        .unwrap_or(0)
        .max(1);
    let base = top + chart_h;
    c.line(MARGIN_X, base, MARGIN_X + TEXT_W, base, 0.5);
    let slot = TEXT_W / trend.len().max(1) as f32;
    let bar_w = (slot * 0.3).min(10.0);
    for (i, t) in trend.iter().enumerate() {
        let x = MARGIN_X + i as f32 * slot + slot / 2.0 - bar_w - 0.5;
        for (j, (v, fill)) in [(t.opened, 0.35), (t.closed, 0.75)].iter().enumerate() {
            let h = (chart_h - 6.0) * *v as f32 / max as f32;
            let bx = x + j as f32 * (bar_w + 1.0);
            if *v > 0 {
                c.rect(bx, base - h, bar_w, h, Some(*fill), true);
            }
            let s = v.to_string();
            let w = c.text_width(&s, Style::SMALL);
            c.text_at(bx + (bar_w - w) / 2.0, base - h - 3.6, &s, Style::SMALL);
        }
        let lines = c.wrap(&t.term, Style::SMALL, slot - 2.0);
        for (k, l) in lines.iter().enumerate() {
            let w = c.text_width(l, Style::SMALL);
            c.text_at(
                MARGIN_X + i as f32 * slot + (slot - w) / 2.0,
                base + 1.0 + k as f32 * Style::SMALL.line_height(),
                l,
                Style::SMALL,
            );
        }
    }
    c.gap(chart_h + label_h);
    // Key.
    let y = c.y();
    c.rect(MARGIN_X, y + 0.5, 4.0, 3.0, Some(0.35), true);
    c.text_at(MARGIN_X + 5.5, y, "Opened", Style::SMALL);
    c.rect(MARGIN_X + 25.0, y + 0.5, 4.0, 3.0, Some(0.75), true);
    c.text_at(MARGIN_X + 30.5, y, "Closed", Style::SMALL);
    c.gap(6.0);
    let rows: Vec<Vec<String>> = trend
        .iter()
        .map(|t| {
            vec![
                t.term.clone(),
                t.opened.to_string(),
                t.closed.to_string(),
                t.open_at_end.to_string(),
            ]
        })
        .collect();
    c.table(
        &[
            "Term".into(),
            "Opened".into(),
            "Closed".into(),
            "Open at the end".into(),
        ],
        &[3.0, 1.2, 1.2, 1.5],
        &rows,
    );
}

/// The title, the term and the note that nothing identifies anyone.
fn intro(c: &mut Canvas, r: &GovernorReport) {
    if r.demo {
        c.boxed(
            "DEMO: generated data from a demonstration vault. These are not real records.",
            Style {
                size: 11.0,
                bold: true,
                grey: 0.0,
            },
            0.85,
        );
    }
    c.paragraph("Online safety: termly report to governors", Style::TITLE);
    c.gap(1.0);
    c.paragraph(
        &format!("{} · {}", r.term_label, r.term_dates),
        Style::HEADING,
    );
    c.paragraph(&r.school_name, Style::BODY);
    c.gap(3.0);
    c.boxed(
        "This report holds no names, no incident references and no detail that could identify \
         a child or a member of staff. Small numbers are suppressed as explained in section 8.",
        Style {
            size: 9.5,
            bold: false,
            grey: 0.0,
        },
        0.94,
    );
}

/// 1 to 3: headlines, the head's summary and the breakdowns.
fn figures(c: &mut Canvas, r: &GovernorReport) {
    c.heading("1. The term at a glance");
    let pairs: Vec<(String, String)> = r
        .headlines
        .iter()
        .map(|h| (h.label.clone(), h.value.clone()))
        .collect();
    c.fields_with(&pairs, 85.0);

    c.heading("2. The headteacher's summary");
    if r.narrative.trim().is_empty() {
        c.paragraph("No summary was written for this term.", Style::SMALL);
    } else {
        for para in r.narrative.split('\n') {
            c.paragraph(para, Style::BODY);
        }
    }

    c.heading("3. Incidents opened this term");
    c.paragraph(
        "Counts of the incidents reported during the term. Referrals and sanctions are counted \
         when they were made, whichever term the incident began in.",
        Style::SMALL,
    );
    for b in r.breakdowns.iter().filter(|b| !b.about_adults) {
        bar_chart(c, b, r.threshold);
    }
}

/// 4: staff, volunteers and allegations, never for one term alone.
fn adults(c: &mut Canvas, r: &GovernorReport) {
    c.heading("4. Concerns and allegations about adults");
    c.paragraph(
        "Figures about adults are given over a longer time than the term and never beside a \
         single term's types of incident, so that no member of staff can be recognised.",
        Style::SMALL,
    );
    for b in r.breakdowns.iter().filter(|b| b.about_adults) {
        bar_chart(c, b, r.threshold);
    }
}

/// The type-by-key-stage table, when any pupils were involved.
fn type_by_key_stage(c: &mut Canvas, r: &GovernorReport) {
    let x = &r.type_by_key_stage;
    if !x.column_labels.is_empty() {
        subheading(c, &x.title);
        if let Some(window) = &x.window {
            c.paragraph(&format!("Counted over {window}."), Style::SMALL);
        }
        if x.withheld {
            c.paragraph(
                "Not shown: too few incidents to set types beside key stages without a count \
                 being worked out.",
                Style::BODY,
            );
            return;
        }
        let mut headers = vec!["Type of activity".to_string()];
        headers.extend(x.column_labels.iter().cloned());
        let mut widths = vec![4.0];
        widths.extend(x.column_labels.iter().map(|_| 1.3));
        let rows: Vec<Vec<String>> = x
            .row_labels
            .iter()
            .zip(&x.cells)
            .map(|(label, cells)| {
                let mut row = vec![label.clone()];
                row.extend(cells.iter().map(|cell| cell.printed(r.threshold)));
                row
            })
            .collect();
        c.table(&headers, &widths, &rows);
    }
}

/// 5 and 6: the trend and the lessons chosen.
fn trend_and_lessons(c: &mut Canvas, r: &GovernorReport) {
    // The chart, its legend and its table of values on one page.
    c.keep_together(14.0 + 45.0 + 24.0 + (r.trend.len() + 1) as f32 * 7.0);
    c.heading("5. Trend against earlier terms");
    trend_chart(c, &r.trend);

    c.heading("6. Lessons learned and changes to policy or practice");
    if r.lessons.is_empty() {
        c.paragraph("None were chosen for this report.", Style::SMALL);
    }
    for (i, l) in r.lessons.iter().enumerate() {
        c.ensure_space(12.0);
        let y = c.y();
        c.text_at(MARGIN_X, y, &format!("{}.", i + 1), Style::BODY);
        c.paragraph_at(MARGIN_X + 7.0, l, Style::BODY);
        c.gap(1.5);
    }
}

/// 7, 8 and the sign-off: filtering, how to read the figures, receipt.
fn about(c: &mut Canvas, r: &GovernorReport) {
    c.heading("7. Filtering and monitoring");
    c.fields_with(
        &[(
            "Date of the last filtering and monitoring review".to_string(),
            r.filtering_review.clone(),
        )],
        85.0,
    );
    c.gap(1.5);
    if r.filtering_changes.is_empty() {
        c.paragraph(
            "No change to filtering or monitoring was recorded after an incident this term.",
            Style::BODY,
        );
    } else {
        c.paragraph(
            "Changes made by the technical staff after incidents this term (roles, not names):",
            Style::BODY,
        );
        c.gap(1.0);
        for (i, f) in r.filtering_changes.iter().enumerate() {
            c.ensure_space(14.0);
            let y = c.y();
            c.text_at(MARGIN_X, y, &format!("{}.", i + 1), Style::BODY);
            c.paragraph_at(
                MARGIN_X + 7.0,
                &format!(
                    "{}: {} Changed by {}; approved by {}.",
                    f.when,
                    f.what.trim_end_matches('.').to_string() + ".",
                    f.by,
                    f.approved_by
                ),
                Style::BODY,
            );
            c.gap(1.5);
        }
    }

    c.heading("8. About these figures");
    c.paragraph(&r.rule, Style::BODY);
    c.gap(1.5);
    c.paragraph(
        "An incident is open from when it was reported until it is closed; closures and \
         reopenings are counted each time they happen, so the figures at the start of the term, \
         plus those opened and reopened, less those closed, give the figure at the end. The \
         median time to close is taken over the closures made during the term.",
        Style::BODY,
    );

    // Both signatures on one page, under their heading.
    c.keep_together(14.0 + 2.0 * 22.0);
    c.heading("Received by governors");
    c.sign_off(&[Role::Headteacher.label(), "Chair of governors"], 22.0);
}

/// Draws the governor report.
pub fn render(r: &GovernorReport) -> Result<Vec<u8>, ReportError> {
    let mut c = Canvas::new("DSL Desk termly report to governors")?;
    c.reserve_header();
    intro(&mut c, r);
    figures(&mut c, r);
    type_by_key_stage(&mut c, r);
    adults(&mut c, r);
    trend_and_lessons(&mut c, r);
    about(&mut c, r);
    let header = format!(
        "{}OFFICIAL-SENSITIVE  ·  {}  ·  {}",
        if r.demo { "DEMO  ·  " } else { "" },
        r.school_name,
        r.term_label
    );
    let footer = format!(
        "Generated at {} with DSL Desk {}  ·  no names or references",
        r.generated_at, r.app_version
    );
    Ok(c.finish_with_header(&header, |page, total| {
        format!("Page {page} of {total}  ·  {footer}")
    }))
}
