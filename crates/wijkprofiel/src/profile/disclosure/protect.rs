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
//! Where a count falls short, the published counts that protect it at the least information
//! lost are withheld as well ([`cheapest`]: the cheapest perturbation that moves it as far as
//! it needs through published counts near it, each weighed by the count and the values built
//! on it; a custom area's counts first) and join the programme as unknowns; where no such
//! perturbation lies within reach, one count its bound rests on (in a sum with a non-zero
//! dual). The counts still open are checked again in the next round, until every count is
//! protected or nothing is left to withhold. A component of one or two cells needs no solver: its
//! perturbations lie on a line. A large component (a region's pyramid of residents, linked
//! through every age band of every buurt, runs to thousands of cells) is proven in parts,
//! one per gemeente, with the others' cells fixed: a proof with less room than there is
//! still holds; a count its part cannot protect within a few rounds gets the whole
//! component. Components and parts are solved in parallel, each in cell order; a count
//! another one withholds meanwhile stays fixed (again less room), and the repairs are
//! applied in component order, so the result does not depend on threads. Last, a
//! complementary count that one subtraction gives away (a repair that proved no help) is
//! published again: that tells nobody anything new.

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

use highs::{Col, ColProblem, HighsModelStatus, Model, Row, Sense};
use rayon::prelude::*;

use super::ledger::{CellId, Ledger, Rule, Sum};
use crate::Level;
use crate::profile::hierarchy::Hierarchy;
use crate::progress::{Meter, Phase, Progress};

/// Slack for the solver's floating point: counts are whole numbers.
const TOLERANCE: f64 = 1e-6;

/// What the audit found once secondary suppression was done.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Outcome {
    /// Sensitive withheld counts checked.
    pub checked: usize,
    /// The narrowest interval proven (its width; widths are proven up to what is required).
    pub narrowest: f64,
    /// Cells withheld to protect others beyond single subtractions (net of those published
    /// again because one subtraction gives them away).
    pub added: usize,
    /// Sensitive counts left less protected than required (nothing left to withhold).
    pub unprotected: Vec<CellId>,
}

/// How far a sensitive count must be able to move down and up: a small count `v` down by
/// `v` and up by `k − v`; a numerator of a small denominator by `k` in all (checked as `k`
/// up, or else as the sum of both moves).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Need {
    pub down: f64,
    pub up: f64,
    width: bool,
}

impl Need {
    pub(super) fn of(ledger: &Ledger, id: CellId) -> Option<Self> {
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
            Rule::Complementary { .. } | Rule::Unpublished | Rule::Weighs | Rule::Rates => None,
        }
    }

    /// The width of interval required: the moves down and up together.
    pub(super) fn required(self) -> f64 {
        if self.width {
            self.up
        } else {
            self.down + self.up
        }
    }

    /// What the moves `down` and `up` leave missing, and whether the upward move must grow.
    pub(super) fn shortfall(self, down: f64, up: f64) -> Option<(bool, f64)> {
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

    /// A programme with a row, held at 0, for every sum of the given cells: with the sums in
    /// order and the row of each.
    fn rows_of<'c>(
        &self,
        cells: impl Iterator<Item = &'c CellId>,
    ) -> (ColProblem, Vec<usize>, HashMap<usize, Row>) {
        let mut sums: Vec<usize> = cells.flat_map(|&c| self.of(c).iter().copied()).collect();
        sums.sort_unstable();
        sums.dedup();
        let mut problem = ColProblem::default();
        let rows = sums
            .iter()
            .map(|&s| (s, problem.add_row(0.0..=0.0)))
            .collect();
        (problem, sums, rows)
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
    /// The cell of each column.
    cells: Vec<CellId>,
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
        let (problem, sums, rows) = relations.rows_of(cells.iter());
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
            cells: cells.to_vec(),
            floors,
            columns,
            rows,
            sums,
            model,
            targets: Vec::new(),
        }
    }

    /// Adds every `withheld` cell the programme's sums hold but the programme does not
    /// (another component's, joined to this one by the repairs' withholding: held as it is,
    /// it can leave no room to protect with), with its sums, and theirs in turn. Whether any
    /// was added.
    fn join(
        &mut self,
        ledger: &Ledger,
        relations: &Relations,
        withheld: impl Fn(CellId) -> bool,
    ) -> Option<bool> {
        let mut held: HashSet<CellId> = self.cells.iter().copied().collect();
        let outside = |s: &usize, held: &HashSet<CellId>| -> Vec<CellId> {
            relations.sums[*s]
                .terms()
                .map(|(o, _)| o)
                .filter(|&o| withheld(o) && !held.contains(&o))
                .collect()
        };
        let mut todo: Vec<CellId> = self.sums.iter().flat_map(|s| outside(s, &held)).collect();
        let before = self.cells.len();
        while let Some(c) = todo.pop() {
            if !held.insert(c) {
                continue;
            }
            self.add(ledger, relations, c)?;
            for s in relations.of(c) {
                todo.extend(outside(s, &held));
            }
        }
        Some(self.cells.len() > before)
    }

    /// Adds a cell: a column in the rows of its sums (new rows for sums not held yet).
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
        self.cells.push(cell);
        self.floors.push(floor);
        Some(())
    }

    /// The perturbation that moves the `targets` (column, cap) as far as it can in one
    /// direction, each at most its cap: the largest total move.
    fn push(&mut self, targets: &[(usize, f64)], up: bool) -> Option<Moves> {
        let floored = |j: usize| (self.columns[j], self.floors[j]);
        let last: Vec<(Col, f64)> = self.targets.iter().map(|&j| floored(j)).collect();
        let capped: Vec<(Col, f64, f64)> = targets
            .iter()
            .map(|&(j, cap)| (self.columns[j], self.floors[j], cap))
            .collect();
        self.targets = targets.iter().map(|t| t.0).collect();
        let (model, solution) = push_capped(self.model.take()?, &last, &capped, up)?;
        self.model = Some(model);
        let (moves, duals) = solution?;
        let binding = duals
            .iter()
            .zip(&self.sums)
            .filter(|(d, _)| d.abs() > TOLERANCE)
            .map(|(_, &s)| s)
            .collect();
        Some(Moves { moves, binding })
    }

    /// The farthest column `i` can move up and down (each as far as `need` asks), or how it
    /// falls short (upward first). A side `reached` already proves (a move found for many
    /// counts at once) is not solved again.
    fn check(&mut self, i: usize, need: Need, reached: [f64; 2]) -> Result<f64, Weak> {
        // The solver gave no answer: unproven, with every sum to widen.
        let failed = |p: &Self| Weak {
            shortfall: need.up,
            up: true,
            binding: p.sums.clone(),
        };
        let [mut d, mut u] = reached;
        let mut bound_up = Vec::new();
        if u < need.up - TOLERANCE {
            let up = self
                .push(&[(i, need.up)], true)
                .ok_or_else(|| failed(self))?;
            u = up.moves[i].max(0.0);
            if !need.width && u < need.up - TOLERANCE {
                return Err(Weak {
                    shortfall: need.up - u,
                    up: true,
                    binding: up.binding,
                });
            }
            bound_up = up.binding;
        }
        let mut bound_down = Vec::new();
        if need.shortfall(d, u).is_some() {
            let down = self
                .push(&[(i, need.down)], false)
                .ok_or_else(|| failed(self))?;
            d = (-down.moves[i]).max(0.0);
            bound_down = down.binding;
        }
        match need.shortfall(d, u) {
            None => Ok(d + u),
            Some((up, shortfall)) => Err(Weak {
                shortfall,
                up,
                binding: if up { bound_up } else { bound_down },
            }),
        }
    }
}

/// How a count falls short: by how much, on which side, and the sums its bound rests on.
struct Weak {
    shortfall: f64,
    up: bool,
    binding: Vec<usize>,
}

/// Solves `model` for the largest total move of the `targets` (column, lowest move, cap)
/// in one direction, each at most its cap, after clearing the objective and caps of the
/// `last` ones (column, lowest move). Returns the model (to solve again from this basis)
/// with, where the solver found an optimum, every column's move and every row's dual;
/// `None` when the solver failed.
#[allow(clippy::type_complexity)]
pub(super) fn push_capped(
    mut model: Model,
    last: &[(Col, f64)],
    targets: &[(Col, f64, f64)],
    up: bool,
) -> Option<(Model, Option<(Vec<f64>, Vec<f64>)>)> {
    for &(column, floor) in last {
        model.change_column_cost(column, 0.0);
        model.change_column_bounds(column, floor..);
    }
    for &(column, floor, cap) in targets {
        model.change_column_cost(column, 1.0);
        if up {
            model.change_column_bounds(column, floor..=cap.max(floor));
        } else {
            model.change_column_bounds(column, floor.max(-cap)..);
        }
    }
    model.set_sense(if up { Sense::Maximise } else { Sense::Minimise });
    let solved = model.try_solve().ok()?;
    let solution = (solved.status() == HighsModelStatus::Optimal).then(|| {
        let solution = solved.get_solution();
        (solution.columns().to_vec(), solution.dual_rows().to_vec())
    });
    Some((Model::from(solved), solution))
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

/// Checks the sensitive counts of one component and withholds more where they fall short,
/// in at most `rounds` rounds: the counts still open are proven together where they can be
/// (one programme for many), then each one left is checked alone and, where it falls short,
/// one more cell is withheld for it, and the next round begins; see the module. Counts still
/// open after the last round are returned as unprotected. Cells other components
/// withhold in the meantime stay fixed here, which only makes what is proven here hold with
/// less room than there is.
fn repair_component(
    ledger: &Ledger,
    relations: &Relations,
    tree: &Hierarchy,
    cells: &[CellId],
    rounds: usize,
    repair: Repair,
) -> Repaired {
    let mut out = Repaired::default();
    let mut programme = Programme::new(ledger, relations, cells);
    let targets: Vec<(usize, CellId, Need)> = cells
        .iter()
        .enumerate()
        .filter_map(|(i, &c)| Need::of(ledger, c).map(|n| (i, c, n)))
        .collect();
    let mut local: HashSet<CellId> = HashSet::new();
    let mut open: Vec<usize> = (0..targets.len()).collect();
    for _ in 0..rounds {
        if open.is_empty() {
            break;
        }
        let wanted: Vec<(usize, Need)> =
            open.iter().map(|&t| (targets[t].0, targets[t].2)).collect();
        let reached = reach_together(&wanted, |caps, up| {
            let solved = programme.push(caps, up)?;
            let moved = |&(j, _): &(usize, f64)| {
                if up {
                    solved.moves[j]
                } else {
                    -solved.moves[j]
                }
                .max(0.0)
            };
            Some(caps.iter().map(moved).collect())
        });
        let mut next = Vec::new();
        for (&t, [down, up]) in open.iter().zip(reached) {
            let (i, cell, need) = targets[t];
            // Proven to the solver's precision: at least what is required.
            if need.shortfall(down, up).is_none() {
                out.widths.push((down + up).max(need.required()));
                continue;
            }
            let weak = match programme.check(i, need, [down, up]) {
                Ok(width) => {
                    out.widths.push(width.max(need.required()));
                    continue;
                }
                Err(weak) => weak,
            };
            let withheld = |c: CellId| !ledger.shown(c) || local.contains(&c);
            let wanted = if weak.up { need.up } else { need.down };
            let extras = CANDIDATES
                .iter()
                .filter(|_| repair == Repair::Cheapest)
                .find_map(|&most| {
                    let target = (cell, weak.up, wanted);
                    cheapest(
                        ledger,
                        relations,
                        tree,
                        &programme.cells,
                        target,
                        most,
                        withheld,
                    )
                })
                .or_else(|| {
                    let one = |binding: &[usize]| {
                        choose(ledger, relations, tree, binding, weak.shortfall, withheld)
                    };
                    one(&weak.binding)
                        .or_else(|| one(&programme.sums))
                        .map(|c| vec![c])
                });
            let Some(extras) = extras else {
                // Nothing published is left to withhold: the withheld counts of other
                // components in the programme's sums, held as they are so far, join it as
                // unknowns, and the count is tried again.
                if programme.join(ledger, relations, withheld) == Some(true) {
                    next.push(t);
                } else {
                    out.unprotected.push(cell);
                }
                continue;
            };
            let mut grown = true;
            for (extra, s) in extras {
                let sum = &relations.sums[s];
                let rule = Rule::Complementary {
                    total: sum.total,
                    against: sum.against,
                };
                local.insert(extra);
                out.withheld.push((extra, rule));
                grown &= programme.add(ledger, relations, extra).is_some();
            }
            if !grown {
                out.unprotected.push(cell);
                continue;
            }
            next.push(t);
        }
        open = next;
    }
    out.unprotected.extend(open.iter().map(|&t| targets[t].1));
    out
}

/// Proves the sensitive counts of a component of one or two cells without a solver, where
/// they are protected: the perturbations that keep every sum then lie on a line (or are
/// none), whose ends the counts' floors give. `None` when a count falls short, or the
/// component is larger: the programme decides and repairs.
fn prove_pair(ledger: &Ledger, relations: &Relations, cells: &[CellId]) -> Option<Repaired> {
    // The direction (d₀, d₁) every sum allows, if any.
    let direction = match *cells {
        [a] => relations.of(a).is_empty().then_some([1.0, 0.0]),
        [a, b] => {
            let mut direction: Option<[f64; 2]> = None;
            for &s in relations.of(a).iter().chain(relations.of(b)) {
                let sum = &relations.sums[s];
                let (x, y) = (sum.coefficient(a), sum.coefficient(b));
                // x d₀ + y d₁ = 0 leaves the direction (y, −x), or none.
                let allowed = [y, -x];
                match direction {
                    _ if x == 0.0 && y == 0.0 => {}
                    None => direction = Some(allowed),
                    Some([p, q]) if (p * allowed[1] - q * allowed[0]).abs() <= TOLERANCE => {}
                    Some(_) => return None,
                }
            }
            direction
        }
        _ => None,
    }?;
    // Along t · direction, each count stays at least 0: t in [low, high].
    let (mut low, mut high) = (f64::NEG_INFINITY, f64::INFINITY);
    for (&c, &step) in cells.iter().zip(&direction) {
        let floor = -ledger.value(c);
        if step > 0.0 {
            low = low.max(floor / step);
        } else if step < 0.0 {
            high = high.min(floor / step);
        }
    }
    let mut out = Repaired::default();
    for (&c, &step) in cells.iter().zip(&direction) {
        let Some(need) = Need::of(ledger, c) else {
            continue;
        };
        let (down, up) = if step > 0.0 {
            (-low * step, high * step)
        } else {
            (high * -step, -low * -step)
        };
        let (down, up) = (down.min(need.down).max(0.0), up.min(need.up).max(0.0));
        if need.shortfall(down, up).is_some() {
            return None;
        }
        out.widths.push(down + up);
    }
    Some(out)
}

/// The farthest proven move, down and up, of each of `open` (a key and its need), found for
/// many at once: `push` moves the given keys as far as it can in one direction, each at
/// most its cap (the largest total move), and says how far each went; again for those
/// short of their cap while that moves any further.
pub(super) fn reach_together<K: Copy>(
    open: &[(K, Need)],
    mut push: impl FnMut(&[(K, f64)], bool) -> Option<Vec<f64>>,
) -> Vec<[f64; 2]> {
    let mut reached = vec![[0.0_f64; 2]; open.len()];
    for (side, up) in [(0, false), (1, true)] {
        let cap = |need: &Need| if up { need.up } else { need.down };
        let mut short: Vec<usize> = (0..open.len())
            .filter(|&k| cap(&open[k].1) > TOLERANCE)
            .collect();
        while !short.is_empty() {
            let caps: Vec<(K, f64)> = short
                .iter()
                .map(|&k| (open[k].0, cap(&open[k].1)))
                .collect();
            let Some(moved) = push(&caps, up) else {
                break;
            };
            let before = short.len();
            let mut by = moved.into_iter();
            short.retain(|&k| {
                let d = by.next().unwrap_or(0.0);
                reached[k][side] = d;
                d < cap(&open[k].1) - TOLERANCE
            });
            if short.len() == before {
                break;
            }
        }
    }
    reached
}

/// Components with more cells than this are proven in parts, one per gemeente.
pub(super) const PART: usize = 1_000;

/// Rounds of repairs a part may take before its counts left open go to the whole component.
const PART_ROUNDS: usize = 16;

/// Audits every sensitive withheld count and withholds more until each is protected; see the
/// module. Components of more than `part` cells are proven in parts ([`PART`] in builds).
/// Reports [`Phase::Auditing`] in cells of the programmes solved.
pub(super) fn protect(
    ledger: &mut Ledger,
    sums: &[Sum],
    tree: &Hierarchy,
    part: usize,
    progress: &dyn Progress,
) -> Outcome {
    protect_with(ledger, sums, tree, part, Repair::Cheapest, progress)
}

/// How a weak count gets more room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repair {
    /// The cheapest published counts that protect it ([`cheapest`]), else as `Bound`.
    Cheapest,
    /// One published count its bound rests on per round ([`choose`]); for comparison.
    #[cfg_attr(not(test), allow(dead_code))]
    Bound,
}

/// [`protect`] with the given way of repairing.
pub(super) fn protect_with(
    ledger: &mut Ledger,
    sums: &[Sum],
    tree: &Hierarchy,
    part: usize,
    repair: Repair,
    progress: &dyn Progress,
) -> Outcome {
    let relations = Relations::new(sums);
    let sensitive: Vec<CellId> = ledger
        .ids()
        .filter(|&c| Need::of(ledger, c).is_some())
        .collect();
    let withheld = |ledger: &Ledger| ledger.ids().filter(|&c| !ledger.shown(c)).count();
    let before = withheld(ledger);
    let mut out = Outcome {
        checked: sensitive.len(),
        narrowest: f64::INFINITY,
        ..Outcome::default()
    };
    let units: Vec<(Vec<CellId>, usize)> = relations
        .components(ledger, &sensitive)
        .into_iter()
        .flat_map(|component| split(component, part, ledger, tree))
        .collect();
    let in_parts = units.iter().any(|u| u.1 != usize::MAX);
    let cells = |units: &[(Vec<CellId>, usize)]| units.iter().map(|u| u.0.len() as u64).sum();
    let mut meter = Meter::start(progress, Phase::Auditing, cells(&units));
    out.absorb(
        ledger,
        solve(ledger, &relations, tree, &units, repair, &meter),
    );
    // A count its part could not protect (in a few rounds) gets its whole component, with
    // what the parts withheld, before it is called unprotected.
    if in_parts && !out.unprotected.is_empty() {
        let whole: Vec<(Vec<CellId>, usize)> = relations
            .components(ledger, &std::mem::take(&mut out.unprotected))
            .into_iter()
            .map(|c| (c, usize::MAX))
            .collect();
        meter.grow(cells(&whole));
        out.absorb(
            ledger,
            solve(ledger, &relations, tree, &whole, repair, &meter),
        );
    }
    meter.finish();
    ledger.release_derivable(sums);
    out.added = withheld(ledger).saturating_sub(before);
    out.unprotected.sort_unstable();
    out
}

impl Outcome {
    /// Takes in what the components found, in component order: their cells to withhold
    /// (applied to the ledger), intervals and unprotected counts.
    fn absorb(&mut self, ledger: &mut Ledger, repaired: Vec<Repaired>) {
        for r in repaired {
            self.narrowest = r.widths.iter().copied().fold(self.narrowest, f64::min);
            for (cell, rule) in r.withheld {
                if ledger.shown(cell) {
                    ledger.withhold_secondary(cell, rule);
                }
            }
            self.unprotected.extend(r.unprotected);
        }
    }
}

/// A large component in parts, one per gemeente (the region's own cells apart), each proven
/// with the cells of the others fixed: a proof with less room than there is still holds, and
/// the parts are small programmes that run in parallel. Each part comes with the rounds of
/// repairs it may take ([`PART_ROUNDS`]); a small component stays whole, with no limit.
fn split(
    component: Vec<CellId>,
    part: usize,
    ledger: &Ledger,
    tree: &Hierarchy,
) -> Vec<(Vec<CellId>, usize)> {
    if component.len() <= part {
        return vec![(component, usize::MAX)];
    }
    let mut parts: std::collections::BTreeMap<Option<usize>, Vec<CellId>> = Default::default();
    for c in component {
        let area = ledger.describe(c).1;
        parts.entry(tree.gemeente_of(area)).or_default().push(c);
    }
    parts.into_values().map(|p| (p, PART_ROUNDS)).collect()
}

/// Checks and repairs each component (or part), in parallel, largest first so that the
/// longest programmes start while the many small ones fill the other threads, each in at
/// most its rounds of repairs; the results come in component order.
fn solve(
    ledger: &Ledger,
    relations: &Relations,
    tree: &Hierarchy,
    components: &[(Vec<CellId>, usize)],
    repair: Repair,
    meter: &Meter<'_>,
) -> Vec<Repaired> {
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(components[c].0.len()));
    let mut repaired: Vec<(usize, Repaired)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&c| {
            let (cells, rounds) = (&components[c].0, components[c].1);
            let r = prove_pair(ledger, relations, cells).unwrap_or_else(|| {
                repair_component(ledger, relations, tree, cells, rounds, repair)
            });
            meter.add(cells.len() as u64);
            (c, r)
        })
        .collect();
    repaired.sort_unstable_by_key(|r| r.0);
    repaired.into_iter().map(|r| r.1).collect()
}

/// Published cells within this many sums of a weak count may be withheld for it.
const REACH: u8 = 2;

/// At most this many published cells are weighed for one weak count: the nearest first,
/// then, where none of those can protect it, more.
const CANDIDATES: [usize; 2] = [400, 4_000];

/// The published cells whose withholding lets a weak count move as far as it needs at the
/// least information lost, each with a sum it is withheld in: the cheapest perturbation
/// that keeps every sum, moves the count (`target`: cell, upward, how far) and moves only
/// withheld cells (the programme's `free` ones, at no cost) and published cells within
/// [`REACH`] sums of it, each at a cost per unit of what withholding it loses (its
/// [`Ledger::cost`]; a custom area's count a hundredth: custom areas give up their own
/// counts first). The published cells it moves are the ones to withhold: once they are,
/// that perturbation is the attacker's too, so the count is protected on that side (as in
/// the linear-programming heuristics of Kelly, Golden and Assad, and of Fischetti and
/// Salazar, for one count at a time). `None` when no such move exists within reach.
fn cheapest(
    ledger: &Ledger,
    relations: &Relations,
    tree: &Hierarchy,
    free: &[CellId],
    target: (CellId, bool, f64),
    most: usize,
    withheld: impl Fn(CellId) -> bool,
) -> Option<Vec<(CellId, usize)>> {
    let (cell, up, wanted) = target;
    type Set = HashSet<CellId, FixedState>;
    let free: Set = free.iter().copied().collect();
    // Every withheld cell of the programme may move; published ones at most REACH
    // published cells away from the count or from them, the nearest first.
    let mut seen: Set = free.clone();
    seen.insert(cell);
    let mut movers: Vec<CellId> = std::iter::once(cell)
        .chain(free.iter().copied().filter(|&c| c != cell))
        .collect();
    movers[1..].sort_unstable();
    let mut queue = std::collections::VecDeque::from([(cell, 0_u8)]);
    let mut candidates = Vec::new();
    let mut expanded: Set = Set::default();
    while let Some((c, d)) = queue.pop_front() {
        if d >= REACH || !expanded.insert(c) {
            continue;
        }
        for &s in relations.of(c) {
            for (o, _) in relations.sums[s].terms() {
                if free.contains(&o) {
                    if !expanded.contains(&o) {
                        queue.push_back((o, d));
                    }
                } else if candidates.len() < most
                    && !withheld(o)
                    && !ledger.fixed(o)
                    && seen.insert(o)
                {
                    queue.push_back((o, d + 1));
                    candidates.push(o);
                }
            }
        }
    }
    if candidates.is_empty() {
        return None;
    }
    // Every sum of every cell that may move holds; the cells outside stay as they are.
    let (mut problem, _, rows) = relations.rows_of(movers.iter().chain(&candidates));
    for &c in &movers {
        let floor = -ledger.value(c);
        let held = factors(relations, &rows, c);
        match (c == cell, up) {
            (false, _) => problem.add_column(0.0, floor.., held),
            (true, true) => problem.add_column(0.0, wanted.., held),
            (true, false) => problem.add_column(0.0, floor..=-wanted, held),
        }
    }
    for &c in &candidates {
        let custom = tree.level[ledger.describe(c).1] == Level::Custom;
        let cost = ledger.cost(c) * if custom { 0.01 } else { 1.0 };
        let held = factors(relations, &rows, c);
        let down: Vec<(Row, f64)> = held.iter().map(|&(r, k)| (r, -k)).collect();
        problem.add_column(cost, 0.0.., held);
        problem.add_column(cost, 0.0..=ledger.value(c), down);
    }
    let mut model = problem.try_optimise(Sense::Minimise).ok()?;
    // Each repair is solved once, from scratch: presolving cost more than it saved
    // (national build: the sums' audit 20.9 → 16.6 s), and the optimum found without it
    // withheld fewer counts there (343,581, was 343,714).
    model.try_set_option("presolve", "off").ok()?;
    let solved = model.try_solve().ok()?;
    if solved.status() != HighsModelStatus::Optimal {
        return None;
    }
    let solution = solved.get_solution();
    let moves = &solution.columns()[movers.len()..];
    let moved: HashSet<CellId> = candidates
        .iter()
        .enumerate()
        .filter(|&(j, _)| moves[2 * j] + moves[2 * j + 1] > TOLERANCE)
        .map(|(_, &c)| c)
        .collect();
    // Each is withheld in a sum with another cell that moves.
    let mut out: Vec<(CellId, usize)> = candidates
        .iter()
        .filter(|c| moved.contains(c))
        .filter_map(|&c| {
            let moving = |o: CellId| o != c && (moved.contains(&o) || free.contains(&o));
            let s = relations
                .of(c)
                .iter()
                .copied()
                .find(|&s| relations.sums[s].terms().any(|(o, _)| moving(o)))?;
            Some((c, s))
        })
        .collect();
    out.sort_unstable();
    (!out.is_empty()).then_some(out)
}

/// The published cell to withhold for a weak count, and the sum it is withheld in: among the
/// cells of the sums the bound rests on that `withheld` says are open, one that can move at
/// all (every other sum of it holds a withheld cell, else that sum pins it); a custom
/// area's first; then the fewest such sums; one whose count alone makes up the shortfall
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
