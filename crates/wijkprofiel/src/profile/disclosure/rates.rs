//! The audit of directly standardised rates (`docs/threat-model.md`, relations 5 and 6).
//!
//! A published DSR and its Dobson interval are two weighted sums of the area's events per
//! age band (the standard's weight of each band over its denominator): relations on events
//! no output shows, which can narrow a withheld count that the sums alone leave protected
//! (a wijk's rate bounds its events in a band where few are listed, and with them the count
//! of a buurt listed in that band only). The sums-only audit ([`super::protect`]) does not
//! hold them; this one proves every sensitive withheld numerator of a directly standardised
//! indicator again with them, as a perturbation of events per band that no published
//! number shows:
//!
//! - unknowns: the events per band of the withheld cells of a part (one gemeente's), of the
//!   published cells above them (parents, the region, custom areas) and of published cells
//!   a bound came to rest on; each at least 0, none in a band with no denominator;
//! - every area sum of the ledger holds band by band (the differences between overlapping
//!   areas add up from them, and so hold as well);
//! - a published cell among the unknowns keeps its count, its rate and its variance;
//! - every other cell keeps its events in every band. That is less room than an attacker
//!   has, so what is proven holds. (The region's events per band may move: its rates per
//!   band weigh each area's ratio to the region, but with listed patients per band and sex,
//!   which no output shows, so that is no linear relation; `docs/threat-model.md`.)
//!
//! Where a count falls short, the published cells of the band sum its bound rests on join
//! the unknowns (that costs nothing); when none is left to join, a published count the
//! bound rests on is withheld with its rate (one whose rate it rests on first, then the
//! smallest), until every count is proven or nothing is left to withhold; then each count
//! so withheld that later ones made needless is published again. Each indicator, mode and
//! year is its own family (no sum joins two), proven in parts, in parallel; the result does
//! not depend on threads.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use highs::{Col, Model, RowProblem, Sense};
use rayon::prelude::*;

use super::ledger::{CellId, Family, Ledger, Local, Sum};
use super::protect::{Need, push_capped, reach_together};
use crate::profile::figure::Mode;
use crate::profile::gp::Bands;
use crate::profile::hierarchy::Hierarchy;
use crate::progress::{Done, Meter, Phase, Progress};

/// The strata of a directly standardised GP indicator (catalogue index), mode and year.
pub(crate) type BandsOf<'a> = dyn Fn(usize, Mode, i32) -> Option<Bands> + Sync + 'a;

/// Slack for the solver's floating point: counts are whole numbers.
const TOLERANCE: f64 = 1e-6;

/// What the audit of the rates found.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Rated {
    /// Sensitive counts proven again with the rates.
    pub checked: usize,
    /// The narrowest interval proven (up to what is required).
    pub narrowest: f64,
    /// Counts withheld with their rates, in cell order.
    pub withheld: Vec<CellId>,
    pub unprotected: Vec<CellId>,
}

/// Proves every sensitive withheld numerator of a directly standardised indicator (`direct`,
/// by catalogue index) with its rates as relations, and says which counts to withhold with
/// their rates for that; see the module. Reports [`Phase::AuditingRates`] in cells.
pub(super) fn audit_rates(
    ledger: &Ledger,
    sums: &[Sum],
    tree: &Hierarchy,
    bands: &BandsOf,
    direct: &[bool],
    progress: &dyn Progress,
) -> Rated {
    let mut families: HashMap<Local, Vec<CellId>> = HashMap::new();
    for c in ledger.ids() {
        let counted = key(ledger, c);
        if let Family::Events(i, _) = counted.0
            && direct.get(i as usize) == Some(&true)
        {
            families.entry(counted).or_default().push(c);
        }
    }
    // The sums of each cell, but not the differences between overlapping areas: those add
    // up from the area sums (a custom area's buurten, every area's children), which hold
    // band by band, so that every alternative the programme finds keeps them as well.
    let mut of_cell: HashMap<CellId, Vec<usize>> = HashMap::new();
    for (s, sum) in sums.iter().enumerate() {
        if sum.against.is_none() && families.contains_key(&key(ledger, sum.total)) {
            for (c, _) in sum.terms() {
                let of = of_cell.entry(c).or_default();
                if of.last() != Some(&s) {
                    of.push(s);
                }
            }
        }
    }
    let mut work: Vec<(Local, Vec<CellId>)> = families
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|&c| Need::of(ledger, c).is_some()))
        .collect();
    work.sort_unstable_by_key(|w| w.1[0]);
    let meter = Meter::start(
        progress,
        Phase::AuditingRates,
        work.iter().map(|w| w.1.len() as u64).sum(),
    );
    let found: Vec<Rated> = work
        .par_iter()
        .with_max_len(1)
        .flat_map(|((family, year, _), cells)| {
            let _done = Done(&meter, cells.len() as u64);
            let Family::Events(i, mode) = *family else {
                return Vec::new();
            };
            let Some(strata) = bands(i as usize, mode, *year) else {
                // No strata, no rate: nothing but the sums, which are proven.
                return Vec::new();
            };
            // In parts, one per gemeente (the region's and custom areas' cells apart): a
            // part's programme starts from its withheld cells and the totals above them.
            let mut parts: BTreeMap<Option<usize>, [Vec<CellId>; 2]> = BTreeMap::new();
            for &c in cells {
                let part = parts
                    .entry(tree.gemeente_of(ledger.describe(c).1))
                    .or_default();
                if !ledger.shown(c) {
                    part[0].push(c);
                }
                if Need::of(ledger, c).is_some() {
                    part[1].push(c);
                }
            }
            let programme = Programme {
                ledger,
                sums,
                of_cell: &of_cell,
                strata: &strata,
            };
            let parts: Vec<[Vec<CellId>; 2]> =
                parts.into_values().filter(|p| !p[1].is_empty()).collect();
            parts
                .par_iter()
                .with_max_len(1)
                .map(|[withheld, targets]| programme.prove(withheld, targets))
                .collect::<Vec<_>>()
        })
        .collect();
    meter.finish();
    let mut out = Rated {
        narrowest: f64::INFINITY,
        ..Rated::default()
    };
    for r in found {
        out.checked += r.checked;
        out.narrowest = out.narrowest.min(r.narrowest);
        out.withheld.extend(r.withheld);
        out.unprotected.extend(r.unprotected);
    }
    out.withheld.sort_unstable();
    out.withheld.dedup();
    out
}

fn key(ledger: &Ledger, c: CellId) -> Local {
    let (family, _, year, _, _) = ledger.describe(c);
    (family, year, ledger.mask_of(c))
}

/// One indicator's cells in one mode and year, with their strata.
struct Programme<'a> {
    ledger: &'a Ledger,
    sums: &'a [Sum],
    of_cell: &'a HashMap<CellId, Vec<usize>>,
    strata: &'a Bands,
}

/// What a row of the programme holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Holds {
    /// A published cell's count.
    Cell(CellId),
    /// A published cell's rate or the variance of its interval.
    Rate(CellId),
    /// A withheld cell's count as the sum of its bands.
    Bands,
    /// A sum of the ledger in one band.
    Band(usize),
}

/// A programme built for a set of unknown cells: its model, the count column and lowest
/// count of each cell, and each row's relation.
struct Built {
    model: Option<Model>,
    counts: HashMap<CellId, (Col, f64)>,
    rows: Vec<Holds>,
    /// The count columns the last objective moved.
    targets: Vec<CellId>,
}

/// What one round of checks found.
struct Round {
    narrowest: f64,
    /// The counts still short of their protection.
    open: Vec<(CellId, Need)>,
    /// Published cells whose events per band should join the unknowns.
    grow: BTreeSet<CellId>,
    /// Else the published count to withhold with its rate.
    hide: Option<CellId>,
}

/// How far each target moved, and the relations the moves rest on.
struct Moved {
    by: Vec<f64>,
    binding: Vec<Holds>,
}

impl Programme<'_> {
    fn band(&self, c: CellId, b: usize) -> (f64, f64) {
        let at = self.ledger.describe(c).1 * self.strata.width + b;
        (self.strata.events[at], self.strata.denominators[at])
    }

    /// The sensitive `targets` proven, with the counts to withhold for them; the programme
    /// starts from the withheld cells of the part and the totals above them.
    fn prove(&self, part: &[CellId], targets: &[CellId]) -> Rated {
        let mut unknown: BTreeSet<CellId> = part.iter().copied().collect();
        self.close_upwards(&mut unknown);
        let all: Vec<(CellId, Need)> = targets
            .iter()
            .filter_map(|&c| Need::of(self.ledger, c).map(|n| (c, n)))
            .collect();
        let mut out = Rated {
            checked: all.len(),
            narrowest: f64::INFINITY,
            ..Rated::default()
        };
        let (mut open, mut withheld) = (all.clone(), Vec::new());
        // Every round joins cells to the unknowns or withholds a published one, each at
        // most once: the loop ends, without a cap that would refuse a build more rounds
        // could prove.
        while !open.is_empty() {
            let round = self.round(&unknown, &withheld, &open);
            out.narrowest = out.narrowest.min(round.narrowest);
            open = round.open;
            if !round.grow.is_empty() {
                unknown.extend(round.grow);
                self.close_upwards(&mut unknown);
            } else if let Some(c) = round.hide {
                withheld.push(c);
            } else {
                break;
            }
        }
        // A count withheld early that later ones made needless is published again (the
        // latest first).
        if open.is_empty() {
            for k in (0..withheld.len()).rev() {
                let c = withheld.remove(k);
                let round = self.round(&unknown, &withheld, &all);
                if round.open.is_empty() {
                    out.narrowest = out.narrowest.min(round.narrowest);
                } else {
                    withheld.insert(k, c);
                }
            }
        }
        withheld.sort_unstable();
        out.withheld = withheld;
        out.unprotected = open.into_iter().map(|(c, _)| c).collect();
        out
    }

    /// Checks the `open` counts over the events per band of the `unknown` cells with the
    /// `withheld` ones withheld too: the narrowest interval proven, the counts left open,
    /// and what to do for them (cells to join the unknowns, or else one to withhold).
    fn round(
        &self,
        unknown: &BTreeSet<CellId>,
        withheld: &[CellId],
        open: &[(CellId, Need)],
    ) -> Round {
        let ledger = self.ledger;
        let hidden = |c: CellId| !ledger.shown(c) || withheld.contains(&c);
        let mut built = self.build(unknown, hidden);
        let reached = reach_together(open, |caps, up| built.push(caps, up).map(|m| m.by));
        let mut out = Round {
            narrowest: f64::INFINITY,
            open: Vec::new(),
            grow: BTreeSet::new(),
            hide: None,
        };
        // Published counts a bound rests on: those whose rate it rests on first, then the
        // smallest.
        let mut hide: Vec<(bool, f64, CellId)> = Vec::new();
        for (&(cell, need), [down, up]) in open.iter().zip(reached) {
            let (down, up) = if need.shortfall(down, up).is_some() {
                let (u, up_rests) = built.push_one(cell, need.up, true);
                let (d, down_rests) = built.push_one(cell, need.down, false);
                if need.shortfall(d, u).is_some() {
                    out.open.push((cell, need));
                    for holds in up_rests.into_iter().chain(down_rests) {
                        match holds {
                            Holds::Band(s) => {
                                let outside: Vec<CellId> = self.sums[s]
                                    .terms()
                                    .map(|(c, _)| c)
                                    .filter(|c| !unknown.contains(c))
                                    .collect();
                                // The fewest cells that widen a bound: one sum's.
                                if !outside.is_empty()
                                    && (out.grow.is_empty() || outside.len() < out.grow.len())
                                {
                                    out.grow = outside.into_iter().collect();
                                }
                            }
                            Holds::Cell(c) | Holds::Rate(c) if !hidden(c) && !ledger.fixed(c) => {
                                let rate = matches!(holds, Holds::Rate(_));
                                hide.push((!rate, ledger.value(c), c));
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
                (d, u)
            } else {
                (down, up)
            };
            // Proven to the solver's precision: at least what is required.
            out.narrowest = out.narrowest.min((down + up).max(need.required()));
        }
        out.hide = hide
            .into_iter()
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)))
            .map(|h| h.2);
        out
    }

    /// Adds the published totals of every sum a cell of `unknown` is a part of, again for
    /// those.
    fn close_upwards(&self, unknown: &mut BTreeSet<CellId>) {
        let mut todo: Vec<CellId> = unknown.iter().copied().collect();
        while let Some(c) = todo.pop() {
            for &s in self.of_cell.get(&c).map_or(&[][..], Vec::as_slice) {
                let total = self.sums[s].total;
                if total != c && unknown.insert(total) {
                    todo.push(total);
                }
            }
        }
    }

    /// The programme over the events per band of the `unknown` cells; see the module.
    fn build(&self, unknown: &BTreeSet<CellId>, hidden: impl Fn(CellId) -> bool) -> Built {
        let (width, weights) = (self.strata.width, &self.strata.weights);
        let mut problem = RowProblem::default();
        let mut counts = HashMap::new();
        // Each unknown cell's column per band, where the band has a denominator.
        let mut by_band: HashMap<(CellId, usize), Col> = HashMap::new();
        let mut rows = Vec::new();
        for &c in unknown {
            let shown = !hidden(c);
            let floor = -self.ledger.value(c);
            let count = if shown {
                problem.add_column(0.0, 0.0..=0.0)
            } else {
                problem.add_column(0.0, floor..)
            };
            counts.insert(c, (count, floor));
            let mut own = vec![(count, -1.0)];
            let mut rate = Vec::new();
            for b in 0..width {
                let (events, denominator) = self.band(c, b);
                if denominator > 0.0 {
                    let col = problem.add_column(0.0, -events..);
                    by_band.insert((c, b), col);
                    own.push((col, 1.0));
                    rate.push((col, weights[b] / denominator));
                }
            }
            problem.add_row(0.0..=0.0, own);
            if !shown {
                rows.push(Holds::Bands);
                continue;
            }
            rows.push(Holds::Cell(c));
            // Its rate and the variance of its interval: Σ w/n · e and Σ (w/n)² · e.
            for power in [1, 2] {
                let row: Vec<(Col, f64)> =
                    rate.iter().map(|&(col, k)| (col, k.powi(power))).collect();
                let scale = row.iter().map(|r| r.1).fold(0.0, f64::max);
                if scale > 0.0 {
                    problem.add_row(0.0..=0.0, row.iter().map(|&(col, k)| (col, k / scale)));
                    rows.push(Holds::Rate(c));
                }
            }
        }
        // A row per sum and band where it holds an unknown: cells outside keep their events.
        let mut touched: BTreeSet<usize> = BTreeSet::new();
        for c in unknown {
            touched.extend(self.of_cell.get(c).into_iter().flatten());
        }
        for s in touched {
            for b in 0..width {
                let row: Vec<(Col, f64)> = self.sums[s]
                    .terms()
                    .filter_map(|(c, k)| Some((*by_band.get(&(c, b))?, k)))
                    .collect();
                if !row.is_empty() {
                    problem.add_row(0.0..=0.0, row);
                    rows.push(Holds::Band(s));
                }
            }
        }
        Built {
            model: problem.try_optimise(Sense::Maximise).ok().and_then(primal),
            counts,
            rows,
            targets: Vec::new(),
        }
    }
}

/// Primal simplex: each push changes the objective and one side's caps of a few columns, and
/// from the last basis the primal simplex gets there in half the time the dual takes on the
/// national data set (the sums' programmes are the other way round).
fn primal(mut model: Model) -> Option<Model> {
    model.try_set_option("simplex_strategy", 4).ok()?;
    Some(model)
}

impl Built {
    /// Moves the targets' counts as far as it can in one direction, each at most its cap
    /// (the largest total move); `None` when the solver found no optimum.
    fn push(&mut self, targets: &[(CellId, f64)], up: bool) -> Option<Moved> {
        let last: Vec<(Col, f64)> = self.targets.iter().map(|c| self.counts[c]).collect();
        let capped: Vec<(Col, f64, f64)> = targets
            .iter()
            .map(|&(c, cap)| (self.counts[&c].0, self.counts[&c].1, cap))
            .collect();
        self.targets = targets.iter().map(|t| t.0).collect();
        let (model, solution) = push_capped(self.model.take()?, &last, &capped, up)?;
        self.model = Some(model);
        let (x, duals) = solution?;
        let moved = |&(col, _, _): &(Col, f64, f64)| {
            if up { x[col.index()] } else { -x[col.index()] }.max(0.0)
        };
        Some(Moved {
            by: capped.iter().map(moved).collect(),
            binding: duals
                .iter()
                .zip(&self.rows)
                .filter(|(d, _)| d.abs() > TOLERANCE)
                .map(|(_, &h)| h)
                .collect(),
        })
    }

    /// How far one count moves in one direction (up to `cap`), and the relations that stop
    /// it (every relation when the solver gave no answer).
    fn push_one(&mut self, cell: CellId, cap: f64, up: bool) -> (f64, Vec<Holds>) {
        if cap <= TOLERANCE {
            return (0.0, Vec::new());
        }
        match self.push(&[(cell, cap)], up) {
            Some(m) => (m.by[0], m.binding),
            None => (0.0, self.rows.clone()),
        }
    }
}
