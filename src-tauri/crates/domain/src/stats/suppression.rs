//! Small numbers suppressed so that no child can be identified; `disclosure` protects what
//! would give a suppressed count away.

use super::{Breakdown, Cell, CrossTab, Shown};

/// The rule in words, printed with the figures.
pub fn suppression_rule(threshold: u32) -> String {
    if threshold <= 1 {
        return "Small numbers are not suppressed in this report: every count is exact. \
                Totals are always exact."
            .to_string();
    }
    format!(
        "To keep every child and adult unidentifiable, a count from 1 to {} is printed as \
         \"fewer than {threshold}\". Where a suppressed count could still be worked out from the \
         others (from a total, or from the counts beside it), further counts are withheld \
         (\"not shown\"); where even that is not enough, only the total is printed. A breakdown \
         whose term counts would mostly be suppressed is counted over the school year to date \
         or the last three terms instead, and says so. Figures about adults are only ever given \
         over the last three terms, never beside a single term's types of incident. Totals, \
         and the term's headline figures, are exact; a count of 0 is printed as 0.",
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

pub(super) fn breakdown(
    title: &str,
    rows: Vec<(String, u32)>,
    total: u32,
    threshold: u32,
) -> Breakdown {
    let rows: Vec<Cell> = rows
        .into_iter()
        .map(|(label, count)| Cell {
            label,
            count,
            shown: primary(count, threshold),
        })
        .collect();
    Breakdown {
        title: title.to_string(),
        rows,
        total,
        total_shown: Shown::Exact,
        note: None,
        window: None,
        withheld: false,
        about_adults: false,
        partition: true,
    }
}

pub(super) fn cross_tab(
    title: &str,
    row_labels: Vec<String>,
    column_labels: Vec<String>,
    counts: Vec<Vec<u32>>,
    threshold: u32,
) -> CrossTab {
    let cells: Vec<Vec<Cell>> = counts
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
    CrossTab {
        title: title.to_string(),
        row_labels,
        column_labels,
        cells,
        window: None,
        withheld: false,
    }
}
