//! Controlled rounding (`round_to`): every published count goes to one of the two multiples
//! of the base next to it (a multiple stays), chosen so that every sum of the ledger holds
//! for the rounded counts, with some count of at least 0 for each count that is not
//! published (`docs/threat-model.md`, relation 8).
//!
//! Counts rounded one by one to the nearest multiple can be narrowed through the sums that
//! tie them: a wijk of 24 (published 25) with two buurten of 12 (each 10) tells that each
//! buurt holds at least 25 − 2 − 12 − 2 = 9 … and so on. Rounded together, the published
//! table is itself a table the sums allow, so its counts are as possible as the truth,
//! and a published count's rounding interval is the whole width between the two
//! multiples around it.
//!
//! Each group of counts tied by sums is one small integer programme (HiGHS): a binary per
//! published count that is no multiple (up or down), a continuous unknown of at least 0 per
//! count no output shows, a row per sum; the objective is the distance to the true counts.
//! Sums over counts that are no whole numbers (expected counts, GGD estimates) are no
//! counts' relations and stay out. A group without such a rounding (tables of three and
//! more dimensions need not have one) keeps rounding to the nearest multiple, and is
//! counted in the result.

use std::collections::HashMap;

use highs::{ColProblem, HighsModelStatus, Sense};
use rayon::prelude::*;

use super::Disclosure;
use super::ledger::{CellId, Family, Ledger, Sum};

/// What controlled rounding gave.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rounded {
    /// Per cell: its published rounded count, where controlled rounding set it.
    values: HashMap<CellId, f64>,
    /// Published counts in groups without a controlled rounding (rounded to the nearest
    /// multiple instead).
    pub nearest: usize,
    /// Published counts rounded together.
    pub controlled: usize,
}

impl Rounded {
    /// The published count of `cell` (`value` as the output holds it): as controlled
    /// rounding set it, else rounded to the nearest multiple.
    pub(super) fn count(&self, cell: Option<CellId>, value: f64, d: &Disclosure) -> f64 {
        match cell.and_then(|c| self.values.get(&c)) {
            // Where the cell counts what the output shows (a GP denominator shares its
            // listed patients' cell, and is that count).
            Some(&r) if d.round_to.is_some_and(|base| (r - value).abs() < base) => r,
            _ => d.rounded(value),
        }
    }
}

/// Rounds every published count of the ledger to a multiple of `base` so that every sum
/// holds (see the module).
pub(super) fn round(ledger: &Ledger, sums: &[Sum], base: f64) -> Rounded {
    let whole = |c: CellId| {
        let v = ledger.value(c);
        !ledger.shown(c) || (v.fract() == 0.0 && v >= 0.0)
    };
    let counts: Vec<&Sum> = sums
        .iter()
        .filter(|s| {
            s.terms()
                .all(|(c, _)| !matches!(ledger.describe(c).0, Family::Expected(..)) && whole(c))
        })
        .collect();
    let mut out = Rounded::default();
    let solved: Vec<_> = groups(&counts)
        .par_iter()
        .map(|(cells, rows)| solve(ledger, cells, rows, base))
        .collect();
    for (published, values) in solved {
        match values {
            Some(values) => {
                out.controlled += values.len();
                out.values.extend(values);
            }
            None => out.nearest += published,
        }
    }
    out
}

/// The sums in groups that share counts, each with its cells in order, in order of their
/// first cell.
fn groups<'a>(sums: &[&'a Sum]) -> Vec<(Vec<CellId>, Vec<&'a Sum>)> {
    let mut index: HashMap<CellId, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    let root = |parent: &mut Vec<usize>, mut i: usize| {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    };
    let slot = |index: &mut HashMap<CellId, usize>, parent: &mut Vec<usize>, c: CellId| {
        *index.entry(c).or_insert_with(|| {
            parent.push(parent.len());
            parent.len() - 1
        })
    };
    for s in sums {
        let first = slot(&mut index, &mut parent, s.total);
        for (c, _) in s.terms() {
            let other = slot(&mut index, &mut parent, c);
            let (a, b) = (root(&mut parent, first), root(&mut parent, other));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut by_root: HashMap<usize, Vec<&Sum>> = HashMap::new();
    for s in sums {
        let r = root(&mut parent, index[&s.total]);
        by_root.entry(r).or_default().push(s);
    }
    let mut out: Vec<(Vec<CellId>, Vec<&Sum>)> = by_root
        .into_values()
        .map(|rows| {
            let mut cells: Vec<CellId> = rows.iter().flat_map(|s| s.terms().map(|t| t.0)).collect();
            cells.sort_unstable();
            cells.dedup();
            (cells, rows)
        })
        .collect();
    out.sort_unstable_by_key(|g| g.0[0]);
    out
}

/// One group's controlled rounding: each published cell's rounded count, or `None` when
/// the group has none (with the number of its published cells).
fn solve(
    ledger: &Ledger,
    cells: &[CellId],
    rows: &[&Sum],
    base: f64,
) -> (usize, Option<Vec<(CellId, f64)>>) {
    let published = cells.iter().filter(|&&c| ledger.shown(c)).count();
    let floor = |c: CellId| (ledger.value(c) / base).floor() * base;
    // Every row holds `Σ k·rounded = 0`: the floors of published cells go to the right.
    let mut problem = ColProblem::default();
    let row_ids: Vec<_> = rows
        .iter()
        .map(|s| {
            let fixed: f64 = s
                .terms()
                .filter(|&(c, _)| ledger.shown(c))
                .map(|(c, k)| k * floor(c))
                .sum();
            problem.add_row(-fixed..=-fixed)
        })
        .collect();
    let mut factors: HashMap<CellId, Vec<(highs::Row, f64)>> = HashMap::new();
    for (s, &row) in rows.iter().zip(&row_ids) {
        for (c, k) in s.terms() {
            let list = factors.entry(c).or_default();
            match list.iter_mut().find(|(r, _)| *r == row) {
                Some(entry) => entry.1 += k,
                None => list.push((row, k)),
            }
        }
    }
    // Columns in cell order: a binary (up or down) per published count that is no multiple,
    // an unknown per count no output shows.
    let mut binaries: Vec<CellId> = Vec::new();
    for &c in cells {
        let held = factors.remove(&c).unwrap_or_default();
        if !ledger.shown(c) {
            problem.add_column(0.0, 0.0.., held);
            continue;
        }
        let above = ledger.value(c) - floor(c);
        if above == 0.0 {
            continue;
        }
        // Rounding up costs `base − above` where down costs `above`.
        let held: Vec<_> = held.into_iter().map(|(r, k)| (r, k * base)).collect();
        problem.add_integer_column(base - 2.0 * above, 0.0..=1.0, held);
        binaries.push(c);
    }
    let solved = problem
        .try_optimise(Sense::Minimise)
        .ok()
        .and_then(|mut model| {
            model.try_set_option("mip_rel_gap", 0.0).ok()?;
            model.try_solve().ok()
        });
    // An empty model: every count is a multiple already, and the sums hold for them.
    let solved = solved.filter(|s| {
        matches!(
            s.status(),
            HighsModelStatus::Optimal | HighsModelStatus::ModelEmpty
        )
    });
    let Some(solved) = solved else {
        return (published, None);
    };
    let solution = solved.get_solution();
    let columns = solution.columns();
    // The binaries' columns, in order, among the unknowns'.
    let mut values = Vec::with_capacity(published);
    let mut at = 0;
    let mut binary = binaries.iter().peekable();
    for &c in cells {
        if !ledger.shown(c) {
            at += 1;
            continue;
        }
        let up = if binary.peek() == Some(&&c) {
            binary.next();
            let up = columns[at] > 0.5;
            at += 1;
            up
        } else {
            false
        };
        values.push((c, floor(c) + if up { base } else { 0.0 }));
    }
    (published, Some(values))
}
