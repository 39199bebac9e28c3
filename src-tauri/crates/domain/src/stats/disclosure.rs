//! Whether the printed figures let a reader work out a suppressed count, and the protection
//! that withholds more until they do not.
//!
//! A reader is assumed to know how the report is made: that "fewer than N" is a count from 1
//! to N − 1, that a "not shown" count is one that would otherwise have printed (at least N, and,
//! in a list, no larger than any count still printed beside it), that the rows of a list which
//! divides the incidents add up to its total, and (pessimistically) every row and column total
//! of a two-way table. A suppressed count is given away when only one value fits all of that.

use super::{Breakdown, Cell, CrossTab, Shown};

/// The values a reader can tell a count lies within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    lo: u64,
    hi: u64,
}

fn exact_nonzero<'a>(cells: &'a [&'a Cell]) -> impl Iterator<Item = u64> + 'a {
    cells
        .iter()
        .filter(|c| c.shown == Shown::Exact && c.count > 0)
        .map(|c| u64::from(c.count))
}

/// What a reader knows of one count in a list, `cap` being the most it can be.
fn known_in_line(cell: &Cell, line: &[&Cell], threshold: u32, cap: u64) -> Range {
    // Withheld as the smallest count printed, it is no larger than any still printed.
    let cap = match cell.shown {
        Shown::Hidden => exact_nonzero(line).min().unwrap_or(cap).min(cap),
        _ => cap,
    };
    cell_range(cell, threshold, cap)
}

/// The most a list's counts can be: its total when it is printed, else what its wording allows.
fn line_cap(total: u32, total_shown: Shown, threshold: u32) -> u64 {
    match total_shown {
        Shown::Exact => u64::from(total),
        Shown::FewerThan => u64::from(threshold.saturating_sub(1)),
        // A withheld total bounds nothing a reader can see.
        Shown::Hidden => u64::MAX / 4,
    }
}

/// The indices of the counts in a list a reader can work out although they are not printed.
/// In a list that divides the incidents (`partition`), the rows add up to the total.
fn given_away_in_line(
    cells: &[&Cell],
    total: u32,
    total_shown: Shown,
    partition: bool,
    threshold: u32,
) -> Vec<usize> {
    let cap = line_cap(total, total_shown, threshold);
    let ranges: Vec<Range> = cells
        .iter()
        .map(|c| known_in_line(c, cells, threshold, cap))
        .collect();
    let sum_lo: u64 = ranges.iter().map(|r| r.lo).sum();
    let sum_hi: u64 = ranges.iter().fold(0u64, |a, r| a.saturating_add(r.hi));
    let mut out = Vec::new();
    for (j, c) in cells.iter().enumerate() {
        if c.shown == Shown::Exact {
            continue;
        }
        let r = ranges[j];
        let (lo, hi) = if partition && total_shown == Shown::Exact {
            let total = u64::from(total);
            let others_hi = sum_hi.saturating_sub(r.hi);
            let others_lo = sum_lo - r.lo;
            (
                r.lo.max(total.saturating_sub(others_hi)),
                r.hi.min(total.saturating_sub(others_lo)),
            )
        } else {
            (r.lo, r.hi)
        };
        if lo >= hi {
            out.push(j);
        }
    }
    out
}

/// The rows of a breakdown a reader can work out although they are not printed (none when the
/// breakdown is withheld: only its total prints).
pub fn given_away(b: &Breakdown, threshold: u32) -> Vec<usize> {
    if b.withheld {
        return Vec::new();
    }
    let cells: Vec<&Cell> = b.rows.iter().collect();
    given_away_in_line(&cells, b.total, b.total_shown, b.partition, threshold)
}

/// Hides the smallest count still printed (not 0) in a list. False when none is left.
fn hide_smallest(cells: &mut [&mut Cell]) -> bool {
    match cells
        .iter_mut()
        .filter(|c| c.shown == Shown::Exact && c.count > 0)
        .min_by_key(|c| c.count)
    {
        Some(c) => {
            c.shown = Shown::Hidden;
            true
        }
        None => false,
    }
}

/// True when at most half the non-zero counts are suppressed or withheld.
fn informative<'a>(cells: impl Iterator<Item = &'a Cell>) -> bool {
    let (mut nonzero, mut unshown) = (0, 0);
    for c in cells.filter(|c| c.count > 0) {
        nonzero += 1;
        if c.shown != Shown::Exact {
            unshown += 1;
        }
    }
    unshown * 2 <= nonzero
}

/// Withholds counts in a breakdown until none can be worked out; withholds its rows altogether
/// when even that is not enough. True if what prints says more than it hides.
pub fn secure_breakdown(b: &mut Breakdown, threshold: u32) -> bool {
    loop {
        if given_away(b, threshold).is_empty() {
            return informative(b.rows.iter());
        }
        let mut refs: Vec<&mut Cell> = b.rows.iter_mut().collect();
        if !hide_smallest(&mut refs) {
            b.withheld = true;
            return false;
        }
    }
}

// ---- Two-way tables -----------------------------------------------------------------------

/// What a reader knows of a total printed elsewhere in the report (a key stage's count beside
/// a table of type by key stage over the same window), or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printed {
    lo: u64,
    hi: u64,
    /// Printed, but not as its count.
    suppressed: bool,
}

impl Printed {
    /// Not printed anywhere over the same window.
    pub const UNKNOWN: Printed = Printed {
        lo: 0,
        hi: u64::MAX / 4,
        suppressed: false,
    };

    /// As a cell prints.
    pub fn of(cell: &Cell, threshold: u32) -> Printed {
        match cell.shown {
            Shown::Exact => Printed {
                lo: u64::from(cell.count),
                hi: u64::from(cell.count),
                suppressed: false,
            },
            Shown::FewerThan => Printed {
                lo: 1,
                hi: u64::from(threshold.saturating_sub(1)),
                suppressed: true,
            },
            Shown::Hidden => Printed {
                lo: u64::from(threshold),
                hi: u64::MAX / 4,
                suppressed: true,
            },
        }
    }
}

/// A table's columns as a reader knows them: each column's cells add up to its total (printed
/// elsewhere, or not), and no cell is more than its row's total (likewise). A table of type by
/// key stage has no other sums: an incident may involve no pupils, or pupils of two key stages.
pub struct TableTotals {
    pub columns: Vec<Printed>,
    pub rows: Vec<Printed>,
}

impl TableTotals {
    pub fn unknown(x: &CrossTab) -> TableTotals {
        TableTotals {
            columns: vec![Printed::UNKNOWN; x.column_labels.len()],
            rows: vec![Printed::UNKNOWN; x.row_labels.len()],
        }
    }
}

fn cell_range(c: &Cell, threshold: u32, cap: u64) -> Range {
    match c.shown {
        Shown::Exact => Range {
            lo: u64::from(c.count),
            hi: u64::from(c.count),
        },
        Shown::FewerThan => Range {
            lo: 1,
            hi: u64::from(threshold.saturating_sub(1)).min(cap),
        },
        Shown::Hidden => Range {
            lo: u64::from(threshold).min(cap),
            hi: cap,
        },
    }
}

/// A count a table gives away: a cell, or the printed total of a column (`None` for the row).
pub type TableCell = (Option<usize>, usize);

/// The cells of a table (and the column totals printed beside it) a reader can work out
/// although they are not printed.
pub fn given_away_in_table(x: &CrossTab, threshold: u32, totals: &TableTotals) -> Vec<TableCell> {
    if x.withheld {
        return Vec::new();
    }
    let mut out = Vec::new();
    for j in 0..x.column_labels.len() {
        let total = totals.columns.get(j).copied().unwrap_or(Printed::UNKNOWN);
        let cells: Vec<(usize, Range)> = x
            .cells
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let cap = totals.rows.get(i).copied().unwrap_or(Printed::UNKNOWN).hi;
                r.get(j)
                    .map(|c| (i, cell_range(c, threshold, cap.min(total.hi))))
            })
            .collect();
        let sum_lo: u64 = cells.iter().map(|(_, r)| r.lo).sum();
        let sum_hi: u64 = cells.iter().fold(0u64, |a, (_, r)| a.saturating_add(r.hi));
        for &(i, r) in &cells {
            if x.cells[i][j].shown == Shown::Exact {
                continue;
            }
            let lo = r.lo.max(total.lo.saturating_sub(sum_hi - r.hi));
            let hi = r.hi.min(total.hi.saturating_sub(sum_lo - r.lo));
            if lo >= hi {
                out.push((Some(i), j));
            }
        }
        // A column total printed as suppressed, worked out from the cells.
        if total.suppressed && total.lo.max(sum_lo) >= total.hi.min(sum_hi) {
            out.push((None, j));
        }
    }
    out
}

/// Withholds cells of a table until none (and no total printed beside it) can be worked out;
/// withholds it altogether when even that is not enough. True if what prints says more than it
/// hides.
pub fn secure_table(x: &mut CrossTab, threshold: u32, totals: &TableTotals) -> bool {
    loop {
        let away = given_away_in_table(x, threshold, totals);
        let Some(&(_, j)) = away.first() else {
            return informative(x.cells.iter().flatten());
        };
        let mut in_col: Vec<&mut Cell> = x.cells.iter_mut().filter_map(|r| r.get_mut(j)).collect();
        if !hide_smallest(&mut in_col) {
            x.withheld = true;
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(count: u32, threshold: u32) -> Cell {
        Cell {
            label: String::new(),
            count,
            shown: super::super::suppression::primary(count, threshold),
        }
    }

    fn line(counts: &[u32], threshold: u32) -> Breakdown {
        super::super::suppression::breakdown(
            "t",
            counts.iter().map(|&c| (String::new(), c)).collect(),
            counts.iter().sum(),
            threshold,
        )
    }

    /// Every assignment a reader could believe, by brute force: the values of row `j` that fit.
    fn brute(b: &Breakdown, threshold: u32, j: usize) -> Vec<u32> {
        let cap = b.total;
        let opts: Vec<Vec<u32>> = b
            .rows
            .iter()
            .map(|c| match c.shown {
                Shown::Exact => vec![c.count],
                Shown::FewerThan => (1..threshold.min(cap + 1)).collect(),
                Shown::Hidden => {
                    let hi = b
                        .rows
                        .iter()
                        .filter(|r| r.shown == Shown::Exact && r.count > 0)
                        .map(|r| r.count)
                        .min()
                        .unwrap_or(cap)
                        .min(cap);
                    (threshold.min(hi)..=hi).collect()
                }
            })
            .collect();
        let mut fits = std::collections::BTreeSet::new();
        fn walk(
            opts: &[Vec<u32>],
            k: usize,
            sum: u32,
            pick: &mut Vec<u32>,
            total: u32,
            j: usize,
            fits: &mut std::collections::BTreeSet<u32>,
        ) {
            if k == opts.len() {
                if sum == total {
                    fits.insert(pick[j]);
                }
                return;
            }
            for &v in &opts[k] {
                pick.push(v);
                walk(opts, k + 1, sum + v, pick, total, j, fits);
                pick.pop();
            }
        }
        walk(&opts, 0, 0, &mut Vec::new(), b.total, j, &mut fits);
        fits.into_iter().collect()
    }

    #[test]
    fn the_checker_agrees_with_brute_force() {
        let t = 5;
        // Every list of up to four counts from 0 to 9, protected and then checked both ways.
        let mut checked = 0;
        for n in 1..=4u32 {
            for code in 0..10u32.pow(n) {
                let counts: Vec<u32> = (0..n).map(|k| code / 10u32.pow(k) % 10).collect();
                let mut b = line(&counts, t);
                secure_breakdown(&mut b, t);
                if b.withheld {
                    continue;
                }
                assert!(given_away(&b, t).is_empty(), "{counts:?}");
                for (j, c) in b.rows.iter().enumerate() {
                    if c.shown != Shown::Exact {
                        let fits = brute(&b, t, j);
                        assert!(fits.len() >= 2, "{counts:?}: row {j} is {fits:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn the_old_protection_gave_counts_away() {
        let t = 5;
        // Two suppressed counts of 1 in a total of 2 more than the rest: both are 1.
        let mut b = line(&[1, 1, 9], t);
        assert_eq!(given_away(&b, t), vec![0, 1]);
        // Secured: the 9 is withheld too, and then 1 + 1 + 9 = 11 fits 1 + 5 + 5 as well.
        assert!(!secure_breakdown(&mut b, t));
        assert!(given_away(&b, t).is_empty() || b.withheld);
        // One suppressed count beside one withheld 5 in a total of 6: the 1 is given away.
        let b = Breakdown {
            rows: vec![
                Cell {
                    label: String::new(),
                    count: 1,
                    shown: Shown::FewerThan,
                },
                Cell {
                    label: String::new(),
                    count: 5,
                    shown: Shown::Hidden,
                },
            ],
            ..line(&[1, 5], t)
        };
        assert_eq!(given_away(&b, t), vec![0, 1]);
        // A single incident: its only row is given away by the total, so the rows are withheld.
        let mut one = line(&[0, 1, 0], t);
        assert!(!secure_breakdown(&mut one, t));
        assert!(one.withheld);
    }

    #[test]
    fn the_table_checker_agrees_with_brute_force() {
        let t = 4;
        let mut checked = 0;
        // Every 3 × 2 table of counts from 0 to 5, its column totals printed as a key stage
        // breakdown would print them, secured; then every column a reader could believe.
        for code in 0..6u32.pow(6) {
            let counts: Vec<u32> = (0..6).map(|k| code / 6u32.pow(k) % 6).collect();
            let mut x = CrossTab {
                title: String::new(),
                row_labels: vec![String::new(); 3],
                column_labels: vec![String::new(); 2],
                cells: counts
                    .chunks(2)
                    .map(|r| r.iter().map(|&count| cell(count, t)).collect())
                    .collect(),
                window: None,
                withheld: false,
            };
            let sums: Vec<u32> = (0..2)
                .map(|j| x.cells.iter().map(|r| r[j].count).sum())
                .collect();
            let printed: Vec<Cell> = sums.iter().map(|&s| cell(s, t)).collect();
            let totals = TableTotals {
                columns: printed.iter().map(|c| Printed::of(c, t)).collect(),
                rows: vec![Printed::UNKNOWN; 3],
            };
            secure_table(&mut x, t, &totals);
            if x.withheld {
                continue;
            }
            for (j, printed_total) in printed.iter().enumerate() {
                let options: Vec<Vec<u32>> = (0..3)
                    .map(|i| {
                        let c = &x.cells[i][j];
                        match c.shown {
                            Shown::Exact => vec![c.count],
                            Shown::FewerThan => (1..t).collect(),
                            Shown::Hidden => (t..=30).collect(),
                        }
                    })
                    .collect();
                let total_fits = |s: u32| match printed_total.shown {
                    Shown::Exact => s == printed_total.count,
                    Shown::FewerThan => (1..t).contains(&s),
                    Shown::Hidden => s >= t,
                };
                let mut seen: Vec<std::collections::BTreeSet<u32>> = vec![Default::default(); 4];
                for &a in &options[0] {
                    for &b in &options[1] {
                        for &c in &options[2] {
                            if total_fits(a + b + c) {
                                seen[0].insert(a);
                                seen[1].insert(b);
                                seen[2].insert(c);
                                seen[3].insert(a + b + c);
                            }
                        }
                    }
                }
                for (i, values) in seen.iter().take(3).enumerate() {
                    if x.cells[i][j].shown != Shown::Exact {
                        assert!(values.len() >= 2, "{counts:?}: cell {i},{j} is {values:?}");
                        checked += 1;
                    }
                }
                if printed_total.shown != Shown::Exact {
                    assert!(
                        seen[3].len() >= 2,
                        "{counts:?}: column {j}'s total is {:?}",
                        seen[3]
                    );
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn tables_are_checked_against_the_totals_printed_beside_them() {
        let t = 5;
        let mut x = CrossTab {
            title: "x".into(),
            row_labels: vec!["a".into(), "b".into()],
            column_labels: vec!["1".into(), "2".into()],
            cells: [[2u32, 7], [6, 8]]
                .iter()
                .map(|r| r.iter().map(|&count| cell(count, t)).collect())
                .collect(),
            window: None,
            withheld: false,
        };
        // Without the key stages' counts printed over the same window, nothing adds up.
        assert!(given_away_in_table(&x, t, &TableTotals::unknown(&x)).is_empty());
        // With them, the 2 is 8 - 6.
        let totals = TableTotals {
            columns: vec![Printed::of(&cell(8, t), t), Printed::of(&cell(15, t), t)],
            rows: vec![Printed::UNKNOWN; 2],
        };
        assert_eq!(given_away_in_table(&x, t, &totals), vec![(Some(0), 0)]);
        secure_table(&mut x, t, &totals);
        assert!(given_away_in_table(&x, t, &totals).is_empty());
        assert_eq!(x.cells[1][0].shown, Shown::Hidden);
    }
}
