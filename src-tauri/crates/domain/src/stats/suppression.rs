//! Small numbers suppressed so that no child can be identified, and the totals that would give
//! a suppressed count away protected.

use super::{Breakdown, Cell, CrossTab, Shown};

/// The rule in words, printed with the figures.
pub fn suppression_rule(threshold: u32) -> String {
    if threshold <= 1 {
        return "Small numbers are not suppressed in this report: every count is exact. \
                Totals are always exact."
            .to_string();
    }
    format!(
        "To keep every child unidentifiable, a count from 1 to {} in a breakdown is printed as \
         \"fewer than {threshold}\". Where a single suppressed count could be worked out from a \
         total, the next smallest count in that row or column is also withheld (\"not shown\"). \
         Totals, and the term's headline figures, are always exact; a count of 0 is printed as 0.",
        threshold - 1
    )
}

pub(super) fn primary(count: u32, threshold: u32) -> Shown {
    if count > 0 && count < threshold {
        Shown::FewerThan
    } else {
        Shown::Exact
    }
}

/// If exactly one count in the line is suppressed, withholds the smallest other non-zero count,
/// so the suppressed one cannot be worked out by subtraction. True if it changed anything.
fn protect_line(cells: &mut [&mut Cell]) -> bool {
    let suppressed = cells.iter().filter(|c| c.shown != Shown::Exact).count();
    if suppressed != 1 {
        return false;
    }
    let smallest = cells
        .iter_mut()
        .filter(|c| c.shown == Shown::Exact && c.count > 0)
        .min_by_key(|c| c.count);
    match smallest {
        Some(c) => {
            c.shown = Shown::Hidden;
            true
        }
        None => false,
    }
}

pub(super) fn breakdown(
    title: &str,
    rows: Vec<(String, u32)>,
    total: u32,
    threshold: u32,
) -> Breakdown {
    let mut rows: Vec<Cell> = rows
        .into_iter()
        .map(|(label, count)| Cell {
            label,
            count,
            shown: primary(count, threshold),
        })
        .collect();
    let mut refs: Vec<&mut Cell> = rows.iter_mut().collect();
    protect_line(&mut refs);
    Breakdown {
        title: title.to_string(),
        rows,
        total,
        total_shown: Shown::Exact,
        note: None,
    }
}

pub(super) fn cross_tab(
    title: &str,
    row_labels: Vec<String>,
    column_labels: Vec<String>,
    counts: Vec<Vec<u32>>,
    threshold: u32,
) -> CrossTab {
    let mut cells: Vec<Vec<Cell>> = counts
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|count| Cell {
                    label: String::new(),
                    count,
                    shown: primary(count, threshold),
                })
                .collect()
        })
        .collect();
    let columns = column_labels.len();
    // Rows and columns each have a known total; protect both until nothing changes.
    for _ in 0..(cells.len() + columns + 1) {
        let mut changed = false;
        for row in cells.iter_mut() {
            let mut refs: Vec<&mut Cell> = row.iter_mut().collect();
            changed |= protect_line(&mut refs);
        }
        for col in 0..columns {
            let mut refs: Vec<&mut Cell> =
                cells.iter_mut().filter_map(|r| r.get_mut(col)).collect();
            changed |= protect_line(&mut refs);
        }
        if !changed {
            break;
        }
    }
    CrossTab {
        title: title.to_string(),
        row_labels,
        column_labels,
        cells,
    }
}
