//! Protection against the linear-programming audit of `docs/threat-model.md`.
//!
//! The attacker knows every published count and every sum of the ledger, and asks for the
//! smallest and largest value a withheld count can take. A sensitive count (a small count,
//! or the numerator of a small denominator) is protected when that interval is wide enough:
//! for a small count `v` it must hold 0 and the threshold `k`, for a numerator it must be at
//! least `k` wide.
//!
//! The interval is shown as *perturbations* `d` of the true withheld counts that keep every
//! sum (`A d = 0`: published counts unchanged) and every count non-negative (`d ≥ −v`): one
//! that moves the count up to `k`, one that moves it down to 0. The programmes are solved per
//! component (withheld cells linked by sums) with HiGHS: first for many counts at once (the
//! largest total move, each count's move capped at what it needs: every count that reaches
//! its cap is proven), then one by one for the counts left. Withholding more only adds room,
//! so a count once proven protected stays so.
//!
//! Where a count falls short, a published count the attacker's bound rests on (in a sum with
//! a non-zero dual) is withheld as well, joins the programme as one more unknown, and the
//! count is checked again, until every count is protected or nothing is left to withhold.
//! Components are solved in parallel, each in cell order; a count another component
//! withholds meanwhile stays fixed in this one (which only proves with less room than there
//! is), and the repairs are applied in component order, so the result does not depend on
//! threads.

use std::collections::{HashMap, HashSet};

use highs::{Col, ColProblem, HighsModelStatus, Model, Row, Sense};
use rayon::prelude::*;

use super::ledger::{CellId, Ledger, Rule, Sum};
use crate::Level;
use crate::profile::hierarchy::Hierarchy;

/// Slack for the solver's floating point: counts are whole numbers.
const TOLERANCE: f64 = 1e-6;

/// What the audit found once secondary suppression was done.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Outcome {
    /// Sensitive withheld counts checked.
    pub checked: usize,
    /// The narrowest interval proven (its width; widths are proven up to what is required).
    pub narrowest: f64,
    /// Cells withheld to protect others beyond single subtractions.
    pub added: usize,
    /// Sensitive counts left less protected than required (nothing left to withhold).
    pub unprotected: Vec<CellId>,
}

/// How far a sensitive count must be able to move down and up: a small count `v` down by
/// `v` and up by `k − v`; a numerator of a small denominator by `k` in all (checked as `k`
/// up, or else as the sum of both moves).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Need {
    down: f64,
    up: f64,
    width: bool,
}

impl Need {
    fn of(ledger: &Ledger, id: CellId) -> Option<Self> {
        let (k, v) = (ledger.min_count(id), ledger.value(id));
        match ledger.reason(id)? {
            _ if k <= 0.0 => None,
            Rule::Count => Some(Self {
                down: v,
                up: k - v,
                width: false,
            }),
            Rule::Denominator => Some(Self {
                down: v.min(k),
                up: k,
                width: true,
            }),
            Rule::Complementary { .. } => None,
        }
    }

    /// What the moves `down` and `up` leave missing, and whether the upward move must grow.
    fn shortfall(self, down: f64, up: f64) -> Option<(bool, f64)> {
        if self.width {
            let short = self.up - (down + up);
            return (short > TOLERANCE).then_some((up < self.up - TOLERANCE, short));
        }
        if up < self.up - TOLERANCE {
            Some((true, self.up - up))
        } else if down < self.down - TOLERANCE {
            Some((false, self.down - down))
        } else {
            None
        }
    }
}

/// The sums of the ledger, and the sums of each cell.
struct Relations<'a> {
    sums: &'a [Sum],
    by_cell: HashMap<CellId, Vec<usize>>,
}

impl<'a> Relations<'a> {
    fn new(sums: &'a [Sum]) -> Self {
        let mut by_cell: HashMap<CellId, Vec<usize>> = HashMap::new();
        for (s, sum) in sums.iter().enumerate() {
            for (c, _) in sum.terms() {
                let of = by_cell.entry(c).or_default();
                // A cell on both sides of a sum is listed once.
                if of.last() != Some(&s) {
                    of.push(s);
                }
            }
        }
        Self { sums, by_cell }
    }

    fn of(&self, cell: CellId) -> &[usize] {
        self.by_cell.get(&cell).map_or(&[], Vec::as_slice)
    }

    /// The withheld cells linked by sums to the given ones, grouped, each group sorted, in
    /// order of their first cell.
    fn components(&self, ledger: &Ledger, starts: &[CellId]) -> Vec<Vec<CellId>> {
        let mut seen: HashSet<CellId> = HashSet::new();
        let mut out = Vec::new();
        for &start in starts {
            if !seen.insert(start) {
                continue;
            }
            let mut group = vec![start];
            let mut next = 0;
            while next < group.len() {
                for &s in self.of(group[next]) {
                    for (c, _) in self.sums[s].terms() {
                        if !ledger.shown(c) && seen.insert(c) {
                            group.push(c);
                        }
                    }
                }
                next += 1;
            }
            group.sort_unstable();
            out.push(group);
        }
        out.sort_unstable_by_key(|g| g[0]);
        out
    }
}

/// The perturbation programme over one component's withheld cells: one HiGHS model, solved
/// again (from the last basis) for each objective, and grown by a column for each cell the
/// repairs withhold.
struct Programme {
    /// Lowest move of each column's cell: minus its count.
    floors: Vec<f64>,
    columns: Vec<Col>,
    /// The model's row of each sum it holds, and the sum of each row.
    rows: HashMap<usize, Row>,
    sums: Vec<usize>,
    model: Option<Model>,
    /// The columns the last objective moved.
    targets: Vec<usize>,
}

/// A solved programme: each column's move, and the sums with a non-zero dual.
struct Moves {
    moves: Vec<f64>,
    binding: Vec<usize>,
}

impl Programme {
    fn new(ledger: &Ledger, relations: &Relations, cells: &[CellId]) -> Self {
        let mut sums: Vec<usize> = cells
            .iter()
            .flat_map(|&c| relations.of(c).iter().copied())
            .collect();
        sums.sort_unstable();
        sums.dedup();
        let mut problem = ColProblem::default();
        let rows: HashMap<usize, Row> = sums
            .iter()
            .map(|&s| (s, problem.add_row(0.0..=0.0)))
            .collect();
        let floors: Vec<f64> = cells.iter().map(|&c| -ledger.value(c)).collect();
        let mut columns = Vec::with_capacity(cells.len());
        let model = problem
            .try_optimise(Sense::Maximise)
            .ok()
            .and_then(|mut model| {
                for (&c, &floor) in cells.iter().zip(&floors) {
                    let held = factors(relations, &rows, c);
                    columns.push(model.try_add_column(0.0, floor.., held).ok()?);
                }
                Some(model)
            });
        Self {
            floors,
            columns,
            rows,
            sums,
            model,
            targets: Vec::new(),
        }
    }

    /// Adds a cell just withheld: a column in the rows of its sums (new rows for sums not
    /// held yet).
    fn add(&mut self, ledger: &Ledger, relations: &Relations, cell: CellId) -> Option<()> {
        let model = self.model.as_mut()?;
        let floor = -ledger.value(cell);
        let held = factors(relations, &self.rows, cell);
        let column = model.try_add_column(0.0, floor.., held).ok()?;
        for &s in relations.of(cell) {
            if let std::collections::hash_map::Entry::Vacant(entry) = self.rows.entry(s) {
                let coefficient = relations.sums[s].coefficient(cell);
                entry.insert(model.try_add_row(0.0..=0.0, [(column, coefficient)]).ok()?);
                self.sums.push(s);
            }
        }
        self.columns.push(column);
        self.floors.push(floor);
        Some(())
    }

    /// The perturbation that moves the `targets` (column, cap) as far as it can in one
    /// direction, each at most its cap: the largest total move.
    fn push(&mut self, targets: &[(usize, f64)], up: bool) -> Option<Moves> {
        let mut model = self.model.take()?;
        for &j in &self.targets {
            model.change_column_cost(self.columns[j], 0.0);
            model.change_column_bounds(self.columns[j], self.floors[j]..);
        }
        for &(j, cap) in targets {
            let (column, floor) = (self.columns[j], self.floors[j]);
            model.change_column_cost(column, 1.0);
            if up {
                model.change_column_bounds(column, floor..=cap.max(floor));
            } else {
                model.change_column_bounds(column, floor.max(-cap)..);
            }
        }
        self.targets = targets.iter().map(|t| t.0).collect();
        model.set_sense(if up { Sense::Maximise } else { Sense::Minimise });
        let solved = model.try_solve().ok()?;
        let optimal = solved.status() == HighsModelStatus::Optimal;
        let moves = optimal.then(|| {
            let solution = solved.get_solution();
            let binding = solution
                .dual_rows()
                .iter()
                .zip(&self.sums)
                .filter(|(d, _)| d.abs() > TOLERANCE)
                .map(|(_, &s)| s)
                .collect();
            Moves {
                moves: solution.columns().to_vec(),
                binding,
            }
        });
        self.model = Some(Model::from(solved));
        moves
    }

    /// The farthest column `i` can move up and down (each as far as `need` asks), or what
    /// is missing and the sums that bound the move that falls short (upward first).
    fn check(&mut self, i: usize, need: Need) -> Result<f64, (f64, Vec<usize>)> {
        // The solver gave no answer: unproven, with every sum to widen.
        let failed = |p: &Self| (need.up, p.sums.clone());
        let up = self
            .push(&[(i, need.up)], true)
            .ok_or_else(|| failed(self))?;
        let u = up.moves[i].max(0.0);
        if !need.width && u < need.up - TOLERANCE {
            return Err((need.up - u, up.binding));
        }
        let down = self
            .push(&[(i, need.down)], false)
            .ok_or_else(|| failed(self))?;
        let d = (-down.moves[i]).max(0.0);
        match need.shortfall(d, u) {
            None => Ok(d + u),
            Some((true, shortfall)) => Err((shortfall, up.binding)),
            Some((false, shortfall)) => Err((shortfall, down.binding)),
        }
    }
}

/// A cell's coefficients in the rows a programme holds.
fn factors(relations: &Relations, rows: &HashMap<usize, Row>, cell: CellId) -> Vec<(Row, f64)> {
    relations
        .of(cell)
        .iter()
        .filter_map(|s| Some((*rows.get(s)?, relations.sums[*s].coefficient(cell))))
        .filter(|&(_, k)| k != 0.0)
        .collect()
}

/// What checking and repairing one component found.
#[derive(Debug, Default)]
struct Repaired {
    /// Width of each proven interval.
    widths: Vec<f64>,
    /// Cells withheld, with the rule, in the order withheld.
    withheld: Vec<(CellId, Rule)>,
    unprotected: Vec<CellId>,
}

/// Checks the sensitive counts of one component and withholds more where they fall short;
/// see the module. Cells other components withhold in the meantime stay fixed here, which
/// only makes what is proven here hold with less room than there is.
fn repair_component(
    ledger: &Ledger,
    relations: &Relations,
    tree: &Hierarchy,
    cells: &[CellId],
) -> Repaired {
    let mut out = Repaired::default();
    let mut programme = Programme::new(ledger, relations, cells);
    let targets: Vec<(usize, CellId, Need)> = cells
        .iter()
        .enumerate()
        .filter_map(|(i, &c)| Need::of(ledger, c).map(|n| (i, c, n)))
        .collect();
    // The farthest proven move of each target, down and up, found for many at once.
    let mut reached = vec![[0.0_f64; 2]; targets.len()];
    for (side, up) in [(0, false), (1, true)] {
        let cap = |need: &Need| if up { need.up } else { need.down };
        let mut open: Vec<usize> = (0..targets.len())
            .filter(|&t| cap(&targets[t].2) > TOLERANCE)
            .collect();
        while !open.is_empty() {
            let caps: Vec<(usize, f64)> = open
                .iter()
                .map(|&t| (targets[t].0, cap(&targets[t].2)))
                .collect();
            let Some(solved) = programme.push(&caps, up) else {
                break;
            };
            let before = open.len();
            open.retain(|&t| {
                let d = solved.moves[targets[t].0];
                let moved = if up { d } else { -d }.max(0.0);
                reached[t][side] = moved;
                moved < cap(&targets[t].2) - TOLERANCE
            });
            if open.len() == before {
                break;
            }
        }
    }
    let mut local: HashSet<CellId> = HashSet::new();
    for (t, &(i, cell, need)) in targets.iter().enumerate() {
        let [down, up] = reached[t];
        if need.shortfall(down, up).is_none() {
            out.widths.push(down + up);
            continue;
        }
        loop {
            let (shortfall, binding) = match programme.check(i, need) {
                Ok(width) => {
                    out.widths.push(width);
                    break;
                }
                Err(weak) => weak,
            };
            let withheld = |c: CellId| !ledger.shown(c) || local.contains(&c);
            let choice =
                choose(ledger, relations, tree, &binding, shortfall, withheld).or_else(|| {
                    choose(
                        ledger,
                        relations,
                        tree,
                        &programme.sums,
                        shortfall,
                        withheld,
                    )
                });
            let Some((extra, s)) = choice else {
                out.unprotected.push(cell);
                break;
            };
            let sum = &relations.sums[s];
            let rule = Rule::Complementary {
                total: sum.total,
                against: sum.against,
            };
            local.insert(extra);
            out.withheld.push((extra, rule));
            if programme.add(ledger, relations, extra).is_none() {
                out.unprotected.push(cell);
                break;
            }
        }
    }
    out
}

/// Audits every sensitive withheld count and withholds more until each is protected; see the
/// module.
pub(super) fn protect(ledger: &mut Ledger, sums: &[Sum], tree: &Hierarchy) -> Outcome {
    let relations = Relations::new(sums);
    let sensitive: Vec<CellId> = ledger
        .ids()
        .filter(|&c| Need::of(ledger, c).is_some())
        .collect();
    let components = relations.components(ledger, &sensitive);
    let repaired: Vec<Repaired> = components
        .par_iter()
        .map(|cells| repair_component(ledger, &relations, tree, cells))
        .collect();
    let mut out = Outcome {
        checked: sensitive.len(),
        narrowest: f64::INFINITY,
        ..Outcome::default()
    };
    for r in repaired {
        out.narrowest = r.widths.iter().copied().fold(out.narrowest, f64::min);
        for (cell, rule) in r.withheld {
            if ledger.shown(cell) {
                ledger.withhold_secondary(cell, rule);
                out.added += 1;
            }
        }
        out.unprotected.extend(r.unprotected);
    }
    out.unprotected.sort_unstable();
    out
}

/// The published cell to withhold for a weak count, and the sum it is withheld in: among the
/// cells of the sums the bound rests on that `withheld` says are open, a custom area's
/// first; then one that can move at all (every other sum of it holds a withheld cell, else
/// that sum pins it), or the fewest such sums; one whose count alone makes up the shortfall
/// (the smallest such), else the largest; a part before a total; the first recorded.
fn choose(
    ledger: &Ledger,
    relations: &Relations,
    tree: &Hierarchy,
    binding: &[usize],
    shortfall: f64,
    withheld: impl Fn(CellId) -> bool,
) -> Option<(CellId, usize)> {
    let sums = relations.sums;
    let pinned_by = |c: CellId| {
        relations
            .of(c)
            .iter()
            .filter(|&&s| !sums[s].terms().any(|(o, _)| o != c && withheld(o)))
            .count()
    };
    binding
        .iter()
        .flat_map(|&s| sums[s].terms().map(move |(c, _)| (c, s)))
        .filter(|&(c, _)| !withheld(c) && !ledger.fixed(c))
        .min_by(|&(a, sa), &(b, sb)| {
            let key = |c: CellId, s: usize| {
                let custom = tree.level[ledger.describe(c).1] == Level::Custom;
                let value = ledger.value(c);
                let enough = value >= shortfall - TOLERANCE;
                let size = if enough { value } else { -value };
                (!custom, pinned_by(c), !enough, size, c == sums[s].total, c)
            };
            key(a, sa)
                .partial_cmp(&key(b, sb))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
}
