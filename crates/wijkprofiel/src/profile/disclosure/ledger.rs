//! The ledger of published counts: every count an output shows, keyed by what it counts, the
//! sums that tie counts together, and which counts are withheld and why.
//!
//! Secondary suppression works on the ledger alone: a sum with exactly one withheld cell
//! gives that cell away by subtraction, so another cell of the sum is withheld as well (a
//! custom area's count first, then the smallest non-zero part, the total last), until no sum
//! has exactly one. Custom areas add sums: each is the sum of its buurten, and differs from
//! every area it overlaps by the buurten only one of them holds.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use rayon::prelude::*;

use super::super::figure::Mode;
use super::super::hierarchy::{Difference, Hierarchy};
use crate::Level;

/// Index of a cell in the ledger.
pub(crate) type CellId = u32;

/// What a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Family {
    /// CBS residents.
    Residents,
    /// GP list sizes: listed patients and the indicators' denominators (one withheld pattern
    /// for all, since they often hold the same numbers).
    Listed(Mode),
    /// The numerator of a GP indicator (catalogue index).
    Events(u32, Mode),
    /// GGD respondents of an indicator.
    Respondents(u32),
    /// A GP indicator's expected count at national rates: not a count, but published, and
    /// the area's listed patients per band and sex weighed by public rates; withheld only
    /// to protect counts ([`Ledger::withhold_expected`]).
    Expected(u32, Mode),
}

/// How a mask takes part in within-area sums: a scope is only ever a total; bands and bars
/// are the parts of any mask they tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Scope,
    /// Both sexes of one age band.
    Band,
    /// One sex in one age band (a bar of the pyramid).
    Bar,
}

impl Shape {
    const fn bit(self) -> u8 {
        match self {
            Self::Scope => 1,
            Self::Band => 2,
            Self::Bar => 4,
        }
    }
}

/// What a count counts within its area: family, year and mask.
pub(crate) type Local = (Family, i32, u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    family: Family,
    year: i32,
    mask: u32,
    area: u32,
}

impl Key {
    fn local(self) -> Local {
        (self.family, self.year, self.mask)
    }
}

/// The public family of every rule below: published outputs say that a count is withheld
/// under this family and no more, so that nobody can tell a small count from a zero or from
/// a count withheld to protect it (`docs/threat-model.md`).
pub(crate) const SMALL_NUMBERS: &str = "small-numbers";

/// Why a cell is withheld (for the data owner; published outputs give [`SMALL_NUMBERS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// A non-zero count below the minimum.
    Count,
    /// The count is the numerator of a value whose denominator is below the minimum.
    Denominator,
    /// Withheld so that another withheld cell of the sum with this total cannot be
    /// recovered by subtraction; `against` is the other area's cell when the sum is the
    /// difference between two overlapping areas.
    Complementary {
        total: CellId,
        against: Option<CellId>,
    },
    /// Shown by no output, yet a part of published sums (the coverage bands of an area
    /// nobody in it is listed for): an unknown to everyone, never in the audit, and with no
    /// protection of its own (the counts it is made of have theirs).
    Unpublished,
    /// An expected count that weighs a withheld listed count of its area
    /// ([`Ledger::withhold_expected`]).
    Weighs,
    /// A numerator withheld with its directly standardised rate, whose relations on the
    /// events per band would narrow a withheld count (`rates`).
    Rates,
}

impl Rule {
    /// `primary-count`, `small-denominator` or `complementary`.
    pub(super) const fn label(self) -> &'static str {
        match self {
            Self::Count => "primary-count",
            Self::Denominator => "small-denominator",
            Self::Complementary { .. } => "complementary",
            Self::Unpublished => "unpublished",
            Self::Weighs | Self::Rates => "complementary",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Cell {
    key: Key,
    value: f64,
    /// Strictest minimum count of any output showing it.
    min_count: f64,
    /// Known to everyone (a zero shown as "no data"): never withheld to protect others.
    fixed: bool,
    reason: Option<Rule>,
}

impl Cell {
    /// One more output shows this cell's count as `value`.
    fn show(&mut self, value: f64, min_count: f64, fixed: bool) {
        if self.reason == Some(Rule::Unpublished) {
            self.reason = None;
        }
        self.min_count = self.min_count.max(min_count);
        self.fixed |= fixed;
        if value > 0.0 && value < min_count && self.reason.is_none() {
            self.reason = Some(Rule::Count);
        }
    }

    fn withhold(&mut self, reason: Rule) {
        if self.reason.is_none() {
            self.reason = Some(reason);
        }
    }
}

#[derive(Debug, Clone)]
struct Mask {
    /// Over population cells (else GP cells); either way male cells first.
    population: bool,
    bits: Vec<bool>,
    /// The bits packed 64 to a word, for quick subset tests.
    words: Vec<u64>,
    shapes: u8,
    label: String,
}

impl Mask {
    /// Whether every cell of this mask lies in `outer` (of the same domain).
    fn within(&self, outer: &Mask) -> bool {
        self.words
            .iter()
            .zip(&outer.words)
            .all(|(inner, outer)| inner & !outer == 0)
    }
}

/// One sum: `total = Σ parts − Σ minus`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sum {
    pub total: CellId,
    pub parts: Vec<CellId>,
    pub minus: Vec<CellId>,
    /// For the difference between overlapping areas: the other area's cell (among `parts`).
    pub against: Option<CellId>,
}

impl Sum {
    fn of(total: CellId, parts: Vec<CellId>) -> Self {
        Self {
            total,
            parts,
            minus: Vec::new(),
            against: None,
        }
    }

    /// Every cell of the sum with its coefficient in `total − Σ parts + Σ minus = 0`.
    pub(super) fn terms(&self) -> impl Iterator<Item = (CellId, f64)> + Clone + '_ {
        std::iter::once((self.total, 1.0))
            .chain(self.parts.iter().map(|&p| (p, -1.0)))
            .chain(self.minus.iter().map(|&m| (m, 1.0)))
    }

    /// A cell's net coefficient in the sum (0 when it is not in it, or on both sides).
    pub(super) fn coefficient(&self, cell: CellId) -> f64 {
        self.terms()
            .filter(|&(c, _)| c == cell)
            .map(|(_, k)| k)
            .sum()
    }
}

/// The counts of one area, recorded apart from other areas' (so that areas can be recorded
/// in parallel) and numbered when [`Ledger::join`] joins the sheets.
#[derive(Debug)]
pub(crate) struct Sheet {
    area: u32,
    cells: Vec<Cell>,
    /// The round in which each cell was first recorded.
    rounds: Vec<u8>,
    round: u8,
    index: HashMap<Local, CellId, FixedState>,
}

impl Sheet {
    pub(super) fn new(area: usize) -> Self {
        Self {
            area: u32::try_from(area).unwrap_or(u32::MAX),
            cells: Vec::new(),
            rounds: Vec::new(),
            round: 0,
            index: HashMap::default(),
        }
    }

    /// Cells first recorded from now on are numbered after every sheet's cells of the
    /// earlier rounds, as if each round were recorded for all areas before the next.
    pub(super) fn next_round(&mut self) {
        self.round += 1;
    }

    /// Records a published count of this area (or finds it, when another output shows the
    /// same count) and withholds it if it is non-zero and below `min_count`. `fixed` marks a
    /// zero that outputs show as "no data". The id holds within this sheet until joined.
    pub(super) fn count(
        &mut self,
        local: Local,
        value: f64,
        min_count: f64,
        fixed: bool,
    ) -> CellId {
        let id = self.cell(local, value, min_count, fixed);
        self.cells[id as usize].show(value, min_count, fixed);
        id
    }

    /// Records a count of this area that no output shows but that published sums hold (an
    /// area's part of its parent's count): [`Rule::Unpublished`] unless an output shows it.
    pub(super) fn unshown(&mut self, local: Local, value: f64) -> CellId {
        let n = self.cells.len();
        let id = self.cell(local, value, 0.0, false);
        if id as usize == n {
            self.cells[n].reason = Some(Rule::Unpublished);
        }
        id
    }

    /// The cell counting `local`, recorded with `value` if new.
    fn cell(&mut self, local: Local, value: f64, min_count: f64, fixed: bool) -> CellId {
        let n = self.cells.len();
        let id = *self
            .index
            .entry(local)
            .or_insert_with(|| CellId::try_from(n).unwrap_or(CellId::MAX));
        if id as usize == n {
            let (family, year, mask) = local;
            let area = self.area;
            self.cells.push(Cell {
                key: Key {
                    family,
                    year,
                    mask,
                    area,
                },
                value,
                min_count,
                fixed,
                reason: None,
            });
            self.rounds.push(self.round);
        }
        id
    }

    /// Withholds a cell for a primary reason (e.g. [`Rule::Denominator`]).
    pub(super) fn withhold(&mut self, id: CellId, reason: Rule) {
        self.cells[id as usize].withhold(reason);
    }
}

/// Every published count, and which are withheld.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    cells: Vec<Cell>,
    /// Per area: its cells by what they count.
    index: Vec<HashMap<Local, CellId, FixedState>>,
    masks: Vec<Mask>,
    /// Masks by domain (population cells or GP cells) and bits.
    mask_index: HashMap<(bool, Vec<bool>), u32, FixedState>,
    /// Per cell: how many published values it feeds (as a numerator or denominator).
    feeds: Vec<u32>,
}

impl Ledger {
    /// The id of a mask over population cells (`population`) or GP cells; `label` names it
    /// in the audit ("0+ all", "male 85+").
    pub(super) fn mask(
        &mut self,
        population: bool,
        bits: Vec<bool>,
        shape: Shape,
        label: &str,
    ) -> u32 {
        let n = self.masks.len();
        let id = *self
            .mask_index
            .entry((population, bits.clone()))
            .or_insert_with(|| u32::try_from(n).unwrap_or(u32::MAX));
        if id as usize == n {
            let mut words = vec![0_u64; bits.len().div_ceil(64)];
            for (i, _) in bits.iter().enumerate().filter(|(_, b)| **b) {
                words[i / 64] |= 1 << (i % 64);
            }
            self.masks.push(Mask {
                population,
                bits,
                words,
                shapes: 0,
                label: label.to_owned(),
            });
        }
        self.masks[id as usize].shapes |= shape.bit();
        id
    }

    /// Joins the sheets of areas `0..sheets.len()` (in area order; none recorded before),
    /// numbering their cells round by round and, within a round, area by area: the ids
    /// sequential recording in that order would give. Returns, per sheet, the ledger id of
    /// each of its cells.
    pub(super) fn join(&mut self, sheets: Vec<Sheet>) -> Vec<Vec<CellId>> {
        debug_assert!(self.cells.is_empty() && self.index.is_empty());
        let rounds = sheets
            .iter()
            .flat_map(|s| s.rounds.last())
            .max()
            .map_or(0, |r| usize::from(*r) + 1);
        // Where each sheet's cells of each round start in the sheet (they were recorded
        // round after round) and in the ledger.
        let starts: Vec<Vec<usize>> = sheets
            .iter()
            .map(|s| {
                (0..=rounds)
                    .map(|r| s.rounds.partition_point(|&x| usize::from(x) < r))
                    .collect()
            })
            .collect();
        let mut next = 0;
        let mut bases = vec![vec![0; rounds]; sheets.len()];
        self.cells
            .reserve(sheets.iter().map(|s| s.cells.len()).sum());
        for r in 0..rounds {
            for (k, sheet) in sheets.iter().enumerate() {
                bases[k][r] = next;
                let cells = &sheet.cells[starts[k][r]..starts[k][r + 1]];
                self.cells.extend_from_slice(cells);
                next += cells.len();
            }
        }
        let (ids, index) = sheets
            .into_par_iter()
            .zip(&starts)
            .zip(&bases)
            .map(|((sheet, starts), bases)| {
                let ids: Vec<CellId> = (0..sheet.cells.len())
                    .map(|local| {
                        let r = usize::from(sheet.rounds[local]);
                        let id = bases[r] + local - starts[r];
                        CellId::try_from(id).unwrap_or(CellId::MAX)
                    })
                    .collect();
                let mut index = sheet.index;
                index.values_mut().for_each(|id| *id = ids[*id as usize]);
                (ids, index)
            })
            .unzip();
        self.index = index;
        ids
    }

    fn find(&self, area: u32, local: Local) -> Option<CellId> {
        self.index.get(area as usize)?.get(&local).copied()
    }

    /// Why a cell is withheld, if it is.
    pub(super) fn reason(&self, id: CellId) -> Option<Rule> {
        self.cells[id as usize].reason
    }

    /// Whether a cell is published.
    pub(super) fn shown(&self, id: CellId) -> bool {
        self.cells[id as usize].reason.is_none()
    }

    /// A cell's true count (never published when withheld).
    pub(super) fn value(&self, id: CellId) -> f64 {
        self.cells[id as usize].value
    }

    /// The strictest minimum count of the outputs showing the cell.
    pub(super) fn min_count(&self, id: CellId) -> f64 {
        self.cells[id as usize].min_count
    }

    /// The mask a cell counts within its area.
    pub(super) fn mask_of(&self, id: CellId) -> u32 {
        self.cells[id as usize].key.mask
    }

    /// Whether everyone knows the cell (a zero shown as "no data"): never withheld.
    pub(super) fn fixed(&self, id: CellId) -> bool {
        self.cells[id as usize].fixed
    }

    /// One more published value is built on the cell (its numerator or denominator).
    pub(super) fn feeds(&mut self, id: CellId) {
        if self.feeds.len() < self.cells.len() {
            self.feeds.resize(self.cells.len(), 0);
        }
        self.feeds[id as usize] += 1;
    }

    /// What withholding the cell loses: the count itself, and each value built on it.
    pub(super) fn cost(&self, id: CellId) -> f64 {
        1.0 + f64::from(self.feeds.get(id as usize).copied().unwrap_or(0))
    }

    /// Withholds a published cell to protect others.
    pub(super) fn withhold_secondary(&mut self, id: CellId, reason: Rule) {
        self.cells[id as usize].withhold(reason);
    }

    /// The cell's family, area index, year and mask label (for the audit).
    pub(super) fn describe(&self, id: CellId) -> (Family, usize, i32, &str, f64) {
        let c = &self.cells[id as usize];
        (
            c.key.family,
            c.key.area as usize,
            c.key.year,
            &self.masks[c.key.mask as usize].label,
            c.min_count,
        )
    }

    /// Every cell id, in the order cells were recorded.
    pub(super) fn ids(&self) -> impl Iterator<Item = CellId> {
        (0..self.cells.len()).map(|i| CellId::try_from(i).unwrap_or(CellId::MAX))
    }

    /// The sums that hold between recorded cells: each area's count is the sum of its
    /// children's (buurten of a wijk, wijken of a gemeente, gemeenten of the region; a
    /// custom area's buurten); a custom area's count differs from that of each area it
    /// overlaps by the counts of the buurten (or the largest CBS areas) only one of them
    /// holds; and within one area and year, a mask is the sum of the bands or bars that tile
    /// it (the sexes and age bands of a total). A sum is kept only where the numbers add up.
    pub(super) fn sums(&self, tree: &Hierarchy) -> Vec<Sum> {
        let mut differences: Vec<Vec<Difference>> = vec![Vec::new(); tree.len()];
        for d in tree.differences() {
            differences[d.area].push(d);
        }
        // Between areas: cells in blocks, in parallel; the blocks keep the cell order.
        let block = 1 << 14;
        let between = self.cells.par_chunks(block).enumerate().map(|(b, cells)| {
            let mut sums = Vec::new();
            for (k, cell) in cells.iter().enumerate() {
                let id = CellId::try_from(b * block + k).unwrap_or(CellId::MAX);
                self.area_sums(
                    id,
                    cell.key,
                    tree,
                    &differences[cell.key.area as usize],
                    &mut sums,
                );
            }
            sums.retain(|s| self.adds_up(s));
            sums
        });
        let mut by_area: HashMap<(Family, i32, u32), Vec<CellId>, FixedState> = HashMap::default();
        for (id, cell) in self.ids().zip(&self.cells) {
            let k = cell.key;
            if matches!(
                k.family,
                Family::Residents | Family::Listed(_) | Family::Respondents(_)
            ) {
                by_area
                    .entry((k.family, k.year, k.area))
                    .or_default()
                    .push(id);
            }
        }
        // Within-area sums, in cell order for determinism.
        let mut groups: Vec<&Vec<CellId>> = by_area.values().filter(|g| g.len() > 2).collect();
        groups.sort_unstable_by_key(|g| g[0]);
        let within = groups.par_iter().map(|group| {
            let mut sums: Vec<Sum> = group
                .iter()
                .flat_map(|&total| self.tilings(total, group))
                .collect();
            sums.retain(|s| self.adds_up(s));
            sums
        });
        let between: Vec<Vec<Sum>> = between.collect();
        let within: Vec<Vec<Sum>> = within.collect();
        between.into_iter().chain(within).flatten().collect()
    }

    /// The sums of cell `id` over other areas: its area's parts, and its differences with the
    /// areas it overlaps.
    fn area_sums(
        &self,
        id: CellId,
        k: Key,
        tree: &Hierarchy,
        differences: &[Difference],
        sums: &mut Vec<Sum>,
    ) {
        let by_practice = matches!(
            k.family,
            Family::Listed(Mode::Practice)
                | Family::Events(_, Mode::Practice)
                | Family::Expected(_, Mode::Practice)
        );
        let find = |areas: &[usize]| -> Option<Vec<CellId>> {
            let mut cells = Vec::with_capacity(areas.len());
            for &a in areas {
                match self.find(u32::try_from(a).ok()?, k.local()) {
                    Some(c) => cells.push(c),
                    // By practice, a buurt's count is recorded where a practice lies in it
                    // (`gp::practice_parts`); elsewhere it is zero, as anyone can tell.
                    None if by_practice && tree.level[a] == Level::Buurt => {}
                    // An area no respondent lives in shows no respondents: zero.
                    None if matches!(k.family, Family::Respondents(_)) => {}
                    None => return None,
                }
            }
            Some(cells)
        };
        let parts = tree.parts(k.area as usize);
        if !parts.is_empty()
            && let Some(parts) = find(parts)
        {
            sums.push(Sum::of(id, parts));
        }
        for d in differences {
            if let (Some(other), Some(plus), Some(minus)) =
                (find(&[d.other]), find(&d.plus), find(&d.minus))
            {
                let mut parts = other.clone();
                parts.extend(plus);
                sums.push(Sum {
                    total: id,
                    parts,
                    minus,
                    against: other.first().copied(),
                });
            }
        }
    }

    /// The sums of a total over the recorded masks of its area and year that tile it: its
    /// two sexes, its age bands (both sexes), its pyramid bars (one sex, one band).
    fn tilings(&self, total: CellId, group: &[CellId]) -> Vec<Sum> {
        let key = self.cells[total as usize].key;
        let mask = &self.masks[key.mask as usize];
        let bits = &mask.bits;
        let mut out = Vec::new();
        if bits.iter().filter(|b| **b).count() < 2 {
            return out;
        }
        let half = bits.len() / 2;
        let sexes: Option<Vec<CellId>> = [0..half, half..bits.len()]
            .into_iter()
            .map(|range| {
                let part: Vec<bool> = (0..bits.len())
                    .map(|i| bits[i] && range.contains(&i))
                    .collect();
                let mask = *self.mask_index.get(&(mask.population, part))?;
                self.find(key.area, (key.family, key.year, mask))
            })
            .collect();
        if let Some(parts) = sexes.filter(|p| !p.contains(&total)) {
            out.push(Sum::of(total, parts));
        }
        for shape in [Shape::Band, Shape::Bar] {
            let parts: Vec<CellId> = group
                .iter()
                .copied()
                .filter(|&p| {
                    let m = &self.masks[self.cells[p as usize].key.mask as usize];
                    p != total && m.shapes & shape.bit() != 0 && m.within(mask)
                })
                .collect();
            let mut covered = vec![0_u8; bits.len()];
            for &p in &parts {
                let m = &self.masks[self.cells[p as usize].key.mask as usize].bits;
                for (c, b) in covered.iter_mut().zip(m) {
                    *c += u8::from(*b);
                }
            }
            let tiles = covered.iter().zip(bits).all(|(c, b)| *c == u8::from(*b));
            if parts.len() >= 2 && tiles {
                out.push(Sum::of(total, parts));
            }
        }
        out
    }

    fn adds_up(&self, sum: &Sum) -> bool {
        let value =
            |cells: &[CellId]| -> f64 { cells.iter().map(|&p| self.cells[p as usize].value).sum() };
        let total = self.cells[sum.total as usize].value;
        let rest = value(&sum.parts) - value(&sum.minus);
        let scale = total.abs().max(value(&sum.minus)).max(1.0);
        (total - rest).abs() <= 1e-6 * scale
    }

    /// Publishes again every complementary cell that one subtraction gives away (the only
    /// withheld cell of a sum), until none is left: publishing it tells nobody anything they
    /// could not compute, and it protects nothing, since the sum pins it. The LP audit's
    /// repairs leave such cells where a cell withheld for one count proved no help. Returns
    /// how many cells it published.
    pub(super) fn release_derivable(&mut self, sums: &[Sum]) -> usize {
        let mut released = 0;
        loop {
            let mut changed = false;
            for sum in sums {
                let mut hidden = sum.terms().map(|(c, _)| c).filter(|&c| !self.shown(c));
                if let (Some(c), None) = (hidden.next(), hidden.next())
                    && matches!(self.reason(c), Some(Rule::Complementary { .. }))
                {
                    self.cells[c as usize].reason = None;
                    released += 1;
                    changed = true;
                }
            }
            if !changed {
                return released;
            }
        }
    }

    /// Withholds every expected count of an area, year and mode in which a listed count is
    /// withheld: an expected count is the sum of the area's listed patients per band and
    /// sex, each weighed by a public national rate, so that the expected counts of a few
    /// indicators pin a withheld band (`docs/threat-model.md`). An expected count that
    /// weighs only published bands tells nothing about withheld counts (the split of a
    /// band by sex is protected by nobody: no output shows it). Returns how many it
    /// withheld.
    pub(super) fn withhold_expected(&mut self) -> usize {
        let mut withheld = 0;
        for index in &self.index {
            let mut weak: Vec<(Mode, i32)> = index
                .iter()
                .filter(|(_, id)| {
                    let c = &self.cells[**id as usize];
                    c.reason.is_some() && c.reason != Some(Rule::Unpublished)
                })
                .filter_map(|(&(family, year, _), _)| match family {
                    Family::Listed(mode) => Some((mode, year)),
                    _ => None,
                })
                .collect();
            if weak.is_empty() {
                continue;
            }
            weak.sort_unstable();
            weak.dedup();
            for (&(family, year, _), &id) in index {
                let cell = &mut self.cells[id as usize];
                if let Family::Expected(_, mode) = family
                    && weak.contains(&(mode, year))
                    && cell.reason.is_none()
                    && !cell.fixed
                {
                    cell.reason = Some(Rule::Weighs);
                    withheld += 1;
                }
            }
        }
        withheld
    }

    /// Secondary suppression: while a sum has exactly one withheld cell, withholds the
    /// cheapest other cell of it (a custom area's count first, so that custom areas seldom
    /// cost the CBS areas detail; then a part before the total; non-zero before zero; the
    /// smallest, but of expected counts the largest, whose uncertainty by sex is widest;
    /// the first recorded), so that nothing withheld can be recovered by one subtraction.
    /// Returns how many cells it withheld.
    pub(super) fn complete(&mut self, sums: &[Sum], tree: &Hierarchy) -> usize {
        let mut added = 0;
        loop {
            let mut changed = false;
            for sum in sums {
                let cells = sum.terms().map(|(c, _)| c);
                let mut hidden = cells.clone().filter(|&c| !self.shown(c));
                // An unpublished count alone is no secret: its parts carry the protection.
                match (hidden.next(), hidden.next()) {
                    (Some(c), None) if self.reason(c) != Some(Rule::Unpublished) => {}
                    _ => continue,
                }
                let cost = |c: CellId| {
                    let cell = &self.cells[c as usize];
                    let custom = tree.level[cell.key.area as usize] == Level::Custom;
                    let size = match cell.key.family {
                        Family::Expected(..) => -cell.value,
                        _ => cell.value,
                    };
                    (!custom, c == sum.total, cell.value == 0.0, size, c)
                };
                let open = |c: &CellId| self.shown(*c) && !self.cells[*c as usize].fixed;
                let choice = cells.filter(open).min_by(|a, b| {
                    cost(*a)
                        .partial_cmp(&cost(*b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
                if let Some(c) = choice {
                    self.cells[c as usize].reason = Some(Rule::Complementary {
                        total: sum.total,
                        against: sum.against,
                    });
                    added += 1;
                    changed = true;
                }
            }
            if !changed {
                return added;
            }
        }
    }
}
