//! Disclosure control applied to a build: every count the outputs show is recorded in the
//! ledger, small counts and the numerators of small denominators are withheld, secondary
//! suppression completes the pattern, counts are rounded together if asked (`rounding`), and
//! what is withheld is cleared from the figures, contexts and coverage.

use std::collections::HashMap;

use rayon::prelude::*;

use super::super::figure::{
    Crude, Figure, Intervals, Method, Mode, Reason, Standing, Status, Suppression,
};
use super::super::gp::Coverage;
use super::super::hierarchy::Hierarchy;
use super::super::monitor::{Estimate, Group, interval_kind};
use super::super::population::{Context, Residents};
use super::ledger::{CellId, Family, Ledger, Local, Rule, SMALL_NUMBERS, Shape, Sheet};
use super::protect::{PART, protect};
use super::rates::{BandsOf, audit_rates};
use super::rounding;
use super::{Disclosure, Limits, Protection, Rounding, Withheld, WithheldCounts};
use crate::cube::Cells;
use crate::progress::{Done, Meter, Phase, Progress};
use crate::stats::Confidence;
use crate::stats::Withheld as StatsWithheld;
use crate::stats::dsr::dobson_at;
use crate::stats::indirect::Indirect;
use crate::stats::proportion::wilson;
use crate::stats::rate::poisson_limits;
use crate::{AgeBand, Catalogue, Kind, Sex, Source, Standardisation};

/// What disclosure control needs to know about a build.
pub(crate) struct Inputs<'a> {
    pub tree: &'a Hierarchy,
    pub codes: &'a [&'a str],
    pub catalogue: &'a Catalogue,
    pub disclosure: &'a Disclosure,
    pub residents: &'a Residents,
    /// The figures of each area (a range of the figures in canonical order).
    pub figures_of: &'a [std::ops::Range<usize>],
    /// GP figures by practice of buurten, which no output shows, but which the figures by
    /// practice of wijken and custom areas add up (`gp::practice_parts`).
    pub practice_parts: &'a [Figure],
    /// The GP counts' sex × band cells, when there are GP counts.
    pub gp_cells: Option<&'a Cells>,
    /// The strata of a directly standardised GP indicator (catalogue index), mode and
    /// year, when there are GP counts: the relations its rates hold.
    pub bands: Option<Box<BandsOf<'a>>>,
    pub levels: (Confidence, Confidence),
    /// Where [`Phase::Protecting`] and the audits' phases go.
    pub progress: &'a dyn Progress,
}

/// What disclosure control withheld.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Published {
    pub counts: WithheldCounts,
    /// Every withheld count, in the order counts were recorded.
    pub audit: Vec<Withheld>,
    /// The linear-programming audit of the withheld counts, when asked for.
    pub protection: Option<Protection>,
    /// How the published counts were rounded, when asked for.
    pub rounding: Option<Rounding>,
}

/// The cells behind a figure's numerator, denominator and residents, and its expected
/// count at national rates.
#[derive(Debug, Clone, Copy, Default)]
struct FigureCells {
    numerator: Option<CellId>,
    denominator: Option<CellId>,
    residents: Option<CellId>,
    expected: Option<CellId>,
}

impl FigureCells {
    fn map(self, id: impl Fn(CellId) -> CellId) -> Self {
        Self {
            numerator: self.numerator.map(&id),
            denominator: self.denominator.map(&id),
            residents: self.residents.map(&id),
            expected: self.expected.map(&id),
        }
    }
}

/// The cells behind an area's figures, context and coverage, as recorded on its sheet.
struct Recorded {
    figures: Vec<FigureCells>,
    /// The respondents of each group of the monitor's long table (by index).
    groups: Vec<(usize, CellId)>,
    context: Option<ContextCells>,
    coverage: Option<CoverageCells>,
}

/// The cells behind an area's population context.
#[derive(Debug)]
struct ContextCells {
    total: CellId,
    aged: Option<CellId>,
    bars: Vec<[CellId; 2]>,
}

/// The cells behind an area's coverage.
#[derive(Debug)]
struct CoverageCells {
    listed: CellId,
    residents: CellId,
    bands: Vec<[CellId; 2]>,
}

impl ContextCells {
    fn map(self, id: impl Fn(CellId) -> CellId) -> Self {
        Self {
            total: id(self.total),
            aged: self.aged.map(&id),
            bars: self.bars.into_iter().map(|b| b.map(&id)).collect(),
        }
    }
}

impl CoverageCells {
    fn map(self, id: impl Fn(CellId) -> CellId) -> Self {
        Self {
            listed: id(self.listed),
            residents: id(self.residents),
            bands: self.bands.into_iter().map(|b| b.map(&id)).collect(),
        }
    }
}

/// The masks and thresholds of one indicator.
#[derive(Debug, Clone, Copy)]
struct Scope {
    limits: Limits,
    /// On GP cells (GP indicators).
    gp: Option<u32>,
    /// On population cells.
    population: u32,
    /// The ages a CBS proportion counts.
    counted: Option<u32>,
}

fn scope_label(age: &AgeBand, sex: Sex) -> String {
    format!("{age} {sex}")
}

/// Applies disclosure control to a build's figures, contexts, coverage and the groups of the
/// monitor's long table (`groups`: respondents by sex and age group); see the module.
pub(crate) fn publish(
    inputs: &Inputs,
    figures: &mut [Figure],
    contexts: &mut [Option<Context>],
    coverage: &mut [Option<Coverage>],
    groups: &mut [Estimate],
) -> Published {
    let d = inputs.disclosure;
    if !d.enabled {
        return Published::default();
    }
    let mut ledger = Ledger::default();
    let population = &inputs.residents.cells;
    let scopes: Vec<Scope> = inputs
        .catalogue
        .indicators()
        .iter()
        .map(|ind| {
            let age: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
            let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
            let label = scope_label(&age, sex);
            let counted = ind.numerator_age.as_deref().and_then(|a| a.parse().ok());
            Scope {
                limits: inputs.disclosure.limits(ind),
                gp: inputs.gp_cells.map(|cells| {
                    ledger.mask(false, cells.in_scope(&age, sex), Shape::Scope, &label)
                }),
                population: ledger.mask(true, population.in_scope(&age, sex), Shape::Scope, &label),
                counted: counted.map(|c: AgeBand| {
                    let label = scope_label(&c, sex);
                    ledger.mask(true, population.in_scope(&c, sex), Shape::Scope, &label)
                }),
            }
        })
        .collect();

    let context_scopes = ContextScopes::new(inputs, &mut ledger);
    let group_masks = group_masks(inputs, &mut ledger, groups);
    let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); contexts.len()];
    for (g, e) in groups.iter().enumerate() {
        if e.group != Group::TOTAL && e.respondents.is_some() {
            groups_of[e.area].push(g);
        }
    }
    let mut parts_of: Vec<Vec<&Figure>> = vec![Vec::new(); contexts.len()];
    for f in inputs.practice_parts {
        parts_of[f.area].push(f);
    }
    // Each area's counts on a sheet of its own, in parallel: its figures' (in canonical
    // order), then its context's, then its coverage's, numbered when joined as if every
    // area's figures were recorded first, then every context, then every coverage.
    let meter = Meter::start(inputs.progress, Phase::Protecting, contexts.len() as u64);
    let recorded: Vec<(Sheet, Recorded)> = (0..contexts.len())
        .into_par_iter()
        .map(|area| {
            let _done = Done(&meter, 1);
            let mut sheet = Sheet::new(area);
            let figures = figures[inputs.figures_of[area].clone()]
                .iter()
                .map(|f| record_figure(inputs, &mut sheet, &scopes[f.indicator], f))
                .collect();
            for f in &parts_of[area] {
                record_unshown(&mut sheet, &scopes[f.indicator], f);
            }
            let groups = groups_of[area]
                .iter()
                .map(|&g| {
                    let e = &groups[g];
                    let key = (
                        Family::Respondents(e.indicator as u32),
                        e.year,
                        group_masks[&(e.indicator, e.group)],
                    );
                    let n = e.respondents.unwrap_or(0.0);
                    (
                        g,
                        sheet.count(key, n, scopes[e.indicator].limits.min_count, false),
                    )
                })
                .collect();
            sheet.next_round();
            let context = contexts[area]
                .as_ref()
                .map(|c| record_context(inputs, &mut sheet, &context_scopes, c));
            sheet.next_round();
            let coverage = coverage[area]
                .as_ref()
                .and_then(|c| record_coverage(inputs, &mut sheet, &context_scopes, c));
            (
                sheet,
                Recorded {
                    figures,
                    groups,
                    context,
                    coverage,
                },
            )
        })
        .collect();
    meter.finish();
    let (sheets, recorded): (Vec<Sheet>, Vec<Recorded>) = recorded.into_iter().unzip();
    let ids = ledger.join(sheets);
    let mut cells: Vec<FigureCells> = Vec::with_capacity(figures.len());
    let mut context_cells: Vec<Option<ContextCells>> = Vec::with_capacity(contexts.len());
    let mut coverage_cells: Vec<Option<CoverageCells>> = Vec::with_capacity(coverage.len());
    let mut group_cells: Vec<(usize, CellId)> = Vec::new();
    for (r, ids) in recorded.into_iter().zip(&ids) {
        let id = |local: CellId| ids[local as usize];
        cells.extend(r.figures.into_iter().map(|c| c.map(id)));
        group_cells.extend(r.groups.into_iter().map(|(g, c)| (g, id(c))));
        context_cells.push(r.context.map(|c| c.map(id)));
        coverage_cells.push(r.coverage.map(|c| c.map(id)));
    }

    for c in &cells {
        c.numerator
            .into_iter()
            .chain(c.denominator)
            .for_each(|id| ledger.feeds(id));
    }
    for &(_, id) in &group_cells {
        ledger.feeds(id);
    }
    let sums = ledger.sums(inputs.tree);
    ledger.complete(&sums, inputs.tree);
    let protection = d.lp_audit.then(|| {
        let mut outcome = protect(&mut ledger, &sums, inputs.tree, PART, inputs.progress);
        // Directly standardised rates weigh events per band: proven again with them.
        if let Some(bands) = &inputs.bands {
            let direct: Vec<bool> = inputs
                .catalogue
                .indicators()
                .iter()
                .map(|ind| {
                    ind.source == Source::Gp && ind.standardisation == Standardisation::Direct
                })
                .collect();
            let rated = audit_rates(
                &ledger,
                &sums,
                inputs.tree,
                bands.as_ref(),
                &direct,
                inputs.progress,
            );
            for &c in &rated.withheld {
                ledger.withhold_secondary(c, Rule::Rates);
            }
            outcome.added += rated.withheld.len();
            outcome.narrowest = outcome.narrowest.min(rated.narrowest);
            outcome.unprotected.extend(rated.unprotected);
            outcome.unprotected.sort_unstable();
            outcome.unprotected.dedup();
        }
        outcome
    });
    // Expected counts weigh their area's listed patients by band and sex with public
    // rates: where one of those is withheld, so are the expected counts. Then one more of
    // each sum that would give one back (an expected count, or a count withheld with its
    // rate).
    ledger.withhold_expected();
    ledger.complete(&sums, inputs.tree);

    // Published counts rounded together where the run rounds (`rounding`).
    let rounded = d.round_to.map(|base| rounding::round(&ledger, &sums, base));
    let round = |cell: Option<CellId>, x: f64| rounded.as_ref().map_or(x, |r| r.count(cell, x, d));
    for (f, c) in figures.iter_mut().zip(&cells) {
        clear_figure(&ledger, f, c);
        if rounded.is_some() {
            round_figure(inputs, f, c, &round);
        }
    }
    for &(g, id) in &group_cells {
        if !ledger.shown(id) {
            groups[g].withhold(None, Status::Suppressed(Reason::SmallNumbers));
        }
    }
    if rounded.is_some() {
        round_groups(inputs, groups, &group_cells, figures, &cells, &round);
    }
    for (context, c) in contexts.iter_mut().zip(&context_cells) {
        if let (Some(context), Some(c)) = (context, c) {
            clear_context(&ledger, context, c, &round);
        }
    }
    for (cover, c) in coverage.iter_mut().zip(&coverage_cells) {
        if let (Some(cover), Some(c)) = (cover, c) {
            clear_coverage(&ledger, cover, c, &round);
        }
    }
    let mut out = audit(inputs, &ledger);
    out.rounding = rounded.zip(d.round_to).map(|(r, base)| Rounding {
        base,
        controlled: r.controlled,
        nearest: r.nearest,
    });
    out.protection = protection.map(|p| Protection {
        checked: p.checked,
        narrowest: Some(p.narrowest).filter(|w| w.is_finite()),
        added: p.added,
        unprotected: p
            .unprotected
            .iter()
            .map(|&id| describe(inputs, &ledger, id))
            .collect(),
    });
    out
}

fn record_figure(inputs: &Inputs, sheet: &mut Sheet, scope: &Scope, f: &Figure) -> FigureCells {
    let ind = &inputs.catalogue.indicators()[f.indicator];
    let limits = scope.limits;
    let residents = inputs.residents;
    let population_year = residents.year_for(f.year).map(|y| residents.years[y]);
    let missing = matches!(f.status, Status::Missing(_));
    let mut cells = FigureCells::default();
    let cbs_min = inputs.disclosure.source_min_count(Source::Cbs);
    if let (Some(year), Some(n)) = (population_year, f.residents) {
        let key = (Family::Residents, year, scope.population);
        cells.residents = Some(sheet.count(key, n, cbs_min, false));
    }
    let index = f.indicator as u32;
    match ind.source {
        Source::Gp => {
            let Some(mask) = scope.gp else {
                return cells;
            };
            let gp_min = inputs.disclosure.source_min_count(Source::Gp);
            // Listed patients and this indicator's denominator share one cell (and so one
            // withheld pattern); its value is the listed count, which adds up the tree.
            let listed = f.listed.unwrap_or(0.0);
            let key = (Family::Listed(f.mode), f.year, mask);
            sheet.count(key, listed, gp_min, missing && listed == 0.0);
            let n = f.denominator.unwrap_or(0.0);
            cells.denominator = Some(sheet.count(key, n, limits.min_count, false));
            // The expected count at national rates (none computed: a zero everyone knows).
            let expected = (Family::Expected(index, f.mode), f.year, mask);
            let e = f.expected_national;
            cells.expected = Some(sheet.count(expected, e.unwrap_or(0.0), 0.0, e.is_none()));
            let x = f.numerator.unwrap_or(0.0);
            let events = (Family::Events(index, f.mode), f.year, mask);
            let id_x = sheet.count(events, x, limits.min_count, missing);
            cells.numerator = Some(id_x);
            if !missing && n < limits.min_denominator {
                sheet.withhold(id_x, Rule::Denominator);
            }
        }
        Source::Cbs => {
            let denominator = f.denominator.unwrap_or(0.0);
            let total = (Family::Residents, f.year, scope.population);
            let id_n = sheet.count(total, denominator, limits.min_count, false);
            cells.denominator = Some(id_n);
            cells.residents = Some(id_n);
            cells.numerator = match (ind.kind, scope.counted) {
                (Kind::Count, _) => Some(id_n),
                (_, Some(counted)) => {
                    let x = f.numerator.unwrap_or(0.0);
                    let key = (Family::Residents, f.year, counted);
                    let id_x = sheet.count(key, x, limits.min_count, false);
                    if !missing && denominator < limits.min_denominator {
                        sheet.withhold(id_x, Rule::Denominator);
                    }
                    Some(id_x)
                }
                _ => None,
            };
        }
        Source::Ggd => {
            // Respondents are counts; the trait count x = value × respondents is an
            // estimate (no minimum), withheld with a small denominator.
            if let Some(n) = f.denominator {
                let key = (Family::Respondents(index), f.year, scope.population);
                cells.denominator = Some(sheet.count(key, n, limits.min_count, false));
                if let Some(x) = f.numerator {
                    let key = (Family::Events(index, f.mode), f.year, scope.population);
                    let id_x = sheet.count(key, x, 0.0, false);
                    if n < limits.min_denominator {
                        sheet.withhold(id_x, Rule::Denominator);
                    }
                    cells.numerator = Some(id_x);
                }
            }
        }
    }
    cells
}

/// The mask of each indicator's group of respondents in the monitor's long table: the
/// indicator's scope on population cells within the group's sex and ages (a sex alone is a
/// scope, an age group a band, both a bar: the parts the ledger's sums within an area take).
fn group_masks(
    inputs: &Inputs,
    ledger: &mut Ledger,
    groups: &[Estimate],
) -> HashMap<(usize, Group), u32> {
    let cells = &inputs.residents.cells;
    let mut out = HashMap::new();
    for e in groups.iter().filter(|e| e.group != Group::TOTAL) {
        out.entry((e.indicator, e.group)).or_insert_with(|| {
            let ind = &inputs.catalogue.indicators()[e.indicator];
            let age: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
            let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
            let band = e.group.age.unwrap_or(AgeBand::open(0));
            let bits: Vec<bool> = cells
                .in_scope(&age, sex)
                .into_iter()
                .zip(cells.in_scope(&band, e.group.sex))
                .map(|(a, b)| a && b)
                .collect();
            let shape = match (e.group.sex, e.group.age) {
                (_, None) => Shape::Scope,
                (Sex::All, Some(_)) => Shape::Band,
                _ => Shape::Bar,
            };
            let label = scope_label(&e.group.age.unwrap_or(age), e.group.sex);
            ledger.mask(true, bits, shape, &label)
        });
    }
    out
}

/// Records the counts of a GP figure no output shows (a buurt's by practice) as unknowns
/// of the sums they are parts of: listed patients, events and the expected count.
fn record_unshown(sheet: &mut Sheet, scope: &Scope, f: &Figure) {
    let Some(mask) = scope.gp else {
        return;
    };
    let index = f.indicator as u32;
    sheet.unshown(
        (Family::Listed(f.mode), f.year, mask),
        f.listed.unwrap_or(0.0),
    );
    let events = (Family::Events(index, f.mode), f.year, mask);
    sheet.unshown(events, f.numerator.unwrap_or(0.0));
    if let Some(e) = f.expected_national {
        sheet.unshown((Family::Expected(index, f.mode), f.year, mask), e);
    }
}

/// The masks of the context and coverage counts, the same for every area, made once.
#[derive(Debug)]
struct ContextScopes {
    /// Everyone, on population cells and on GP cells.
    all: u32,
    all_gp: Option<u32>,
    /// Aged 65 and over, and the fewest residents for a share of them.
    aged: u32,
    share_minimum: f64,
    /// The pyramid's bars per population band: men, women.
    bars: Vec<[u32; 2]>,
    /// The coverage bands per GP band: on GP cells, on population cells.
    bands: Vec<[u32; 2]>,
}

impl ContextScopes {
    fn new(inputs: &Inputs, ledger: &mut Ledger) -> Self {
        let d = inputs.disclosure;
        let cells = &inputs.residents.cells;
        let everyone = AgeBand::open(0);
        let scope = |ledger: &mut Ledger, age: &AgeBand| {
            let label = scope_label(age, Sex::All);
            ledger.mask(true, cells.in_scope(age, Sex::All), Shape::Scope, &label)
        };
        let (all, aged) = (scope(ledger, &everyone), scope(ledger, &AgeBand::open(65)));
        let bars = (0..cells.bands.len())
            .map(|b| {
                [(Sex::Male, b), (Sex::Female, cells.bands.len() + b)].map(|(sex, offset)| {
                    let mut bits = vec![false; cells.len()];
                    bits[offset] = true;
                    let label = scope_label(&cells.bands[b], sex);
                    ledger.mask(true, bits, Shape::Bar, &label)
                })
            })
            .collect();
        let (all_gp, bands) = match inputs.gp_cells {
            None => (None, Vec::new()),
            Some(gp) => {
                let label = scope_label(&everyone, Sex::All);
                let all_gp = ledger.mask(
                    false,
                    gp.in_scope(&everyone, Sex::All),
                    Shape::Scope,
                    &label,
                );
                let bands = gp
                    .bands
                    .iter()
                    .map(|age| {
                        let label = scope_label(age, Sex::All);
                        [
                            ledger.mask(false, gp.in_scope(age, Sex::All), Shape::Band, &label),
                            ledger.mask(true, cells.in_scope(age, Sex::All), Shape::Band, &label),
                        ]
                    })
                    .collect();
                (Some(all_gp), bands)
            }
        };
        Self {
            all,
            all_gp,
            aged,
            share_minimum: d
                .sources
                .get(Source::Cbs.as_str())
                .and_then(|t| t.min_denominator)
                .unwrap_or(d.min_denominator_percent),
            bars,
            bands,
        }
    }
}

fn record_context(
    inputs: &Inputs,
    sheet: &mut Sheet,
    scopes: &ContextScopes,
    c: &Context,
) -> ContextCells {
    let min = inputs.disclosure.source_min_count(Source::Cbs);
    let total = c.residents.unwrap_or(0.0);
    let mut count =
        |mask: u32, value: f64| sheet.count((Family::Residents, c.year, mask), value, min, false);
    let total_id = count(scopes.all, total);
    let aged = c
        .share_65_plus
        .map(|share| count(scopes.aged, share * total / 100.0));
    let bars = c
        .pyramid
        .iter()
        .zip(&scopes.bars)
        .map(|(bar, masks)| {
            [
                count(masks[0], bar.male.unwrap_or(0.0)),
                count(masks[1], bar.female.unwrap_or(0.0)),
            ]
        })
        .collect();
    if let Some(id) = aged
        && total < scopes.share_minimum
    {
        sheet.withhold(id, Rule::Denominator);
    }
    ContextCells {
        total: total_id,
        aged,
        bars,
    }
}

fn record_coverage(
    inputs: &Inputs,
    sheet: &mut Sheet,
    scopes: &ContextScopes,
    c: &Coverage,
) -> Option<CoverageCells> {
    let d = inputs.disclosure;
    let residents = inputs.residents;
    let year = residents.years[residents.year_for(c.year)?];
    let (gp_min, cbs_min) = (
        d.source_min_count(Source::Gp),
        d.source_min_count(Source::Cbs),
    );
    let mode = Mode::Residence;
    // An area nobody in it is listed for shows no coverage, yet its counts are parts of its
    // parent's (the listed zeros, and its residents by band): they are recorded unpublished.
    let shown = c.is_shown();
    let record = |sheet: &mut Sheet, key: Local, value: Option<f64>, min: f64| {
        let value = value.unwrap_or(0.0);
        if shown {
            sheet.count(key, value, min, false)
        } else {
            sheet.unshown(key, value)
        }
    };
    let listed = |sheet: &mut Sheet, mask: u32, value: Option<f64>| {
        record(sheet, (Family::Listed(mode), c.year, mask), value, gp_min)
    };
    let resident = |sheet: &mut Sheet, mask: u32, value: Option<f64>| {
        record(sheet, (Family::Residents, year, mask), value, cbs_min)
    };
    let listed_total = listed(sheet, scopes.all_gp?, c.listed);
    let residents_total = resident(sheet, scopes.all, c.residents);
    let bands = c
        .by_age_band
        .iter()
        .zip(&scopes.bands)
        .map(|(band, masks)| {
            [
                listed(sheet, masks[0], band.listed),
                resident(sheet, masks[1], band.residents),
            ]
        })
        .collect();
    Some(CoverageCells {
        listed: listed_total,
        residents: residents_total,
        bands,
    })
}

fn clear_figure(ledger: &Ledger, f: &mut Figure, cells: &FigureCells) {
    let hidden = |c: Option<CellId>| c.filter(|&c| !ledger.shown(c));
    let label = |c: Option<CellId>| hidden(c).map(|_| SMALL_NUMBERS);
    f.suppression = Suppression {
        numerator: label(cells.numerator),
        denominator: label(cells.denominator),
        residents: label(cells.residents),
    };
    if hidden(cells.residents).is_some() {
        f.residents = None;
        f.coverage = None;
    }
    if hidden(cells.denominator).is_some() {
        f.coverage = None;
    }
    if matches!(f.status, Status::Missing(_)) {
        return;
    }
    // A withheld expected count takes what is built on it: the ratio to national rates,
    // the excess, and an indirectly standardised value.
    let expected = hidden(cells.expected).is_some();
    if expected {
        f.expected_national = None;
        f.isr_national = None;
        f.excess = None;
    }
    let isr = expected && f.method == Method::Isr;
    if hidden(cells.numerator).is_none() && hidden(cells.denominator).is_none() && !isr {
        return;
    }
    if hidden(cells.denominator).is_some() {
        f.denominator = None;
    }
    f.numerator = None;
    f.value = None;
    f.crude = None;
    f.isr_region = None;
    f.isr_national = None;
    f.expected_national = None;
    f.excess = None;
    f.standing = Standing::default();
    f.status = Status::Suppressed(Reason::SmallNumbers);
}

/// Rounds a figure's published counts and recomputes what is built on them, so that no
/// published number gives back an unrounded count: crude values and intervals, CBS values,
/// coverage, a DSR (value and Dobson's interval at the rounded total), the expected counts
/// and the indirectly standardised ratios (at the rounded totals), a GGD estimate's Wilson
/// interval from its rounded respondents, and the events a method's reason names. A GGD
/// estimate stays as given (not a count); GGD aggregates are weighed again by the rounded
/// residents (`ggd::reweigh`).
fn round_figure(inputs: &Inputs, f: &mut Figure, c: &FigureCells, round: &Round) {
    let ind = &inputs.catalogue.indicators()[f.indicator];
    let levels = inputs.levels;
    if let (Some(r), Some(listed)) = (f.residents, f.listed) {
        let (r, listed) = (round(c.residents, r), round(c.denominator, listed));
        if f.coverage.is_some() {
            f.coverage = (r > 0.0).then(|| listed / r);
        }
    }
    f.residents = f.residents.map(|r| round(c.residents, r));
    round_reason(&mut f.status, c.numerator, c.denominator, round);
    let (Some(x0), Some(n0)) = (f.numerator, f.denominator) else {
        f.denominator = f.denominator.map(|n| round(c.denominator, n));
        return;
    };
    let (x, n) = (round(c.numerator, x0), round(c.denominator, n0));
    f.numerator = Some(x);
    f.denominator = Some(n);
    if f.status != Status::Published {
        return;
    }
    if f.method == Method::GgdRespondents {
        // The Wilson interval of the estimate at the rounded respondents.
        let p = f.value.map_or(0.0, |v| v.value) / ind.multiplier;
        f.value = Intervals::compute(levels, |c| wilson(p * n, n, c))
            .ok()
            .map(|v| v.scaled(ind.multiplier));
        f.crude = f.value;
    }
    if ind.source == Source::Ggd {
        return;
    }
    if f.method == Method::Dsr {
        f.value = f.value.map(|v| dsr_at_rounded_total(v, x0, x, levels));
    }
    // Expected counts weigh the listed patients of each band: taken at the rounded total
    // (every band scaled alike), so that a scope of one band gives back the rounded count.
    let scale = if n0 > 0.0 { n / n0 } else { 1.0 };
    f.expected_national = f.expected_national.map(|e| e * scale);
    let crude = Crude::of(ind);
    let intervals = crude.intervals(x, n, levels).ok();
    if crude == Crude::Count {
        f.value = intervals;
        f.crude = f.value;
        return;
    }
    f.crude = intervals.map(|v| v.scaled(ind.multiplier));
    if f.method == crude.method() {
        f.value = f.crude;
    }
    // Ratios: observed ÷ expected, both at the rounded totals.
    let ratio = |old: Option<Intervals>| {
        let old = old?;
        if x0 <= 0.0 || old.value <= 0.0 {
            return Some(old);
        }
        let expected = x0 / old.value * scale;
        let isr = Indirect::from_expected(x, expected, 0.0).ok()?;
        Some(Intervals::from_pair(
            isr.ratio(levels.0),
            isr.ratio(levels.1),
        ))
    };
    let old_national = f.isr_national;
    f.isr_region = ratio(f.isr_region);
    f.isr_national = ratio(f.isr_national);
    if f.method == Method::Isr
        && let (Some(old), Some(new), Some(value)) = (old_national, f.isr_national, f.value)
        && old.value > 0.0
    {
        f.value = Some(new.scaled(value.value / old.value));
    }
}

/// How a published count is rounded: by its ledger cell (if any) and its value.
type Round<'a> = dyn Fn(Option<CellId>, f64) -> f64 + 'a;

/// Rounds the count a method's reason names (too few respondents: the denominator's; too
/// few events: the numerator's).
fn round_reason(
    status: &mut Status,
    numerator: Option<CellId>,
    denominator: Option<CellId>,
    round: &Round,
) {
    match status {
        Status::Withheld(Reason::Method(StatsWithheld::FewRespondents { respondents, .. })) => {
            *respondents = round(denominator, *respondents);
        }
        Status::Withheld(Reason::Method(StatsWithheld::FewEvents { events, .. })) => {
            *events = round(numerator, *events);
        }
        _ => {}
    }
}

/// Rounds the respondents of the monitor's long table (a group's by its cell, a total's as
/// its figure's) and publishes each estimate at them ([`Estimate::publish`]); a figure made
/// from respondents takes its total's interval again.
fn round_groups(
    inputs: &Inputs,
    groups: &mut [Estimate],
    group_cells: &[(usize, CellId)],
    figures: &mut [Figure],
    cells: &[FigureCells],
    round: &Round,
) {
    let of_group: HashMap<usize, CellId> = group_cells.iter().copied().collect();
    let key = |f: &Figure| (f.area, f.indicator, f.year);
    let of_total: HashMap<(usize, usize, i32), CellId> = figures
        .iter()
        .zip(cells)
        .filter(|(f, _)| f.method == Method::SurveyDesign)
        .filter_map(|(f, c)| Some((key(f), c.denominator?)))
        .collect();
    let mut totals: HashMap<(usize, usize, i32), Option<Intervals>> = HashMap::new();
    for (g, e) in groups.iter_mut().enumerate() {
        let cell = if e.group == Group::TOTAL {
            of_total.get(&(e.area, e.indicator, e.year)).copied()
        } else {
            of_group.get(&g).copied()
        };
        round_reason(&mut e.status, None, cell, round);
        if let Some(n) = e.respondents {
            let ind = &inputs.catalogue.indicators()[e.indicator];
            let proportion = ind.kind == Kind::Proportion;
            let kind = interval_kind(proportion, inputs.catalogue.survey());
            e.publish(round(cell, n), kind, inputs.levels, ind.multiplier);
        }
        if e.group == Group::TOTAL {
            totals.insert((e.area, e.indicator, e.year), e.value);
        }
    }
    for f in figures
        .iter_mut()
        .filter(|f| f.method == Method::SurveyDesign)
    {
        if let (Some(_), Some(value)) = (f.value, totals.get(&key(f))) {
            f.value = *value;
            f.crude = *value;
        }
    }
}

/// A DSR taken at the rounded total `x` instead of the unrounded `x0`, as if every band's
/// events were scaled by `x ÷ x0`: the value scales (so that a DSR of one band gives back
/// `x`, which is published, and not `x0`), the spread √(variance ÷ events) of Dobson's
/// interval stays, its Poisson limits are those of `x`.
fn dsr_at_rounded_total(
    v: Intervals,
    x0: f64,
    x: f64,
    levels: (Confidence, Confidence),
) -> Intervals {
    let Some((low, _)) = poisson_limits(x0, levels.0)
        .ok()
        .filter(|(low, _)| x0 > *low)
    else {
        return v;
    };
    let spread = (v.value - v.lower) / (x0 - low);
    let value = v.value * x / x0;
    let at = |c| dobson_at(value, spread, x, c);
    Intervals::from_pair(at(levels.0), at(levels.1))
}

fn clear_context(ledger: &Ledger, c: &mut Context, cells: &ContextCells, round: &Round) {
    let shown = |id: CellId| ledger.shown(id);
    let total = c.residents.filter(|_| shown(cells.total));
    let aged = c
        .share_65_plus
        .zip(c.residents)
        .map(|(share, r)| share * r / 100.0)
        .filter(|_| cells.aged.is_some_and(shown));
    for (bar, ids) in c.pyramid.iter_mut().zip(&cells.bars) {
        bar.male = bar
            .male
            .filter(|_| shown(ids[0]))
            .map(|n| round(Some(ids[0]), n));
        bar.female = bar
            .female
            .filter(|_| shown(ids[1]))
            .map(|n| round(Some(ids[1]), n));
    }
    let total = total.map(|r| round(Some(cells.total), r));
    c.residents = total;
    c.share_65_plus = aged
        .zip(total)
        .filter(|(_, r)| *r > 0.0)
        .map(|(a, r)| 100.0 * round(cells.aged, a) / r);
    c.density_per_km2 = c
        .area_km2
        .filter(|a| *a > 0.0)
        .zip(total)
        .map(|(a, r)| r / a);
}

fn clear_coverage(ledger: &Ledger, c: &mut Coverage, cells: &CoverageCells, round: &Round) {
    let shown =
        |v: Option<f64>, id: CellId| v.filter(|_| ledger.shown(id)).map(|n| round(Some(id), n));
    c.listed = shown(c.listed, cells.listed);
    c.residents = shown(c.residents, cells.residents);
    for (band, ids) in c.by_age_band.iter_mut().zip(&cells.bands) {
        band.listed = shown(band.listed, ids[0]);
        band.residents = shown(band.residents, ids[1]);
        band.coverage = band
            .listed
            .zip(band.residents)
            .filter(|(_, r)| *r > 0.0)
            .map(|(l, r)| l / r);
    }
}

/// What a family counts, as the audit names it: the count, its indicator, its mode.
fn family_names(family: Family) -> (&'static str, Option<u32>, Option<&'static str>) {
    match family {
        Family::Residents => ("residents", None, None),
        Family::Listed(mode) => ("listed", None, Some(mode.as_str())),
        Family::Events(i, mode) => ("events", Some(i), Some(mode.as_str())),
        Family::Respondents(i) => ("respondents", Some(i), None),
        Family::Expected(i, mode) => ("expected", Some(i), Some(mode.as_str())),
    }
}

/// A cell in words: `events gp_copd (residence) of BU01 in 2024, 0+ all`.
fn describe(inputs: &Inputs, ledger: &Ledger, id: CellId) -> String {
    let (family, area, year, scope, _) = ledger.describe(id);
    let (count, indicator, mode) = family_names(family);
    let mut what = count.to_owned();
    if let Some(i) = indicator {
        what = format!("{what} {}", inputs.catalogue.indicators()[i as usize].id);
    }
    if let Some(mode) = mode {
        what = format!("{what} ({mode})");
    }
    format!("{what} of {} in {year}, {scope}", inputs.codes[area])
}

fn audit(inputs: &Inputs, ledger: &Ledger) -> Published {
    let mut out = Published::default();
    let indicators = inputs.catalogue.indicators();
    for id in ledger.ids() {
        let Some(reason) = ledger.reason(id).filter(|r| *r != Rule::Unpublished) else {
            continue;
        };
        let (family, area, year, scope, min_count) = ledger.describe(id);
        let (count, indicator, mode) = family_names(family);
        let rule = match reason {
            Rule::Count => format!("a non-zero count below {min_count}"),
            Rule::Denominator => {
                "the numerator of a value whose denominator is below the minimum".into()
            }
            Rule::Complementary {
                total,
                against: None,
            } => format!(
                "protects another withheld count of the sum {}",
                inputs.codes[ledger.describe(total).1]
            ),
            Rule::Complementary {
                total,
                against: Some(other),
            } => format!(
                "protects a withheld count from the difference between {} and {}",
                inputs.codes[ledger.describe(total).1],
                inputs.codes[ledger.describe(other).1]
            ),
            Rule::Weighs => {
                "an expected count that would weigh a withheld listed count of its area".into()
            }
            Rule::Rates => {
                "its directly standardised rate would narrow another withheld count".into()
            }
            Rule::Unpublished => continue,
        };
        match reason {
            Rule::Count => out.counts.primary_count += 1,
            Rule::Denominator => out.counts.small_denominator += 1,
            Rule::Complementary { against, .. } => {
                out.counts.complementary += 1;
                out.counts.overlap += usize::from(against.is_some());
            }
            Rule::Weighs | Rule::Rates => out.counts.complementary += 1,
            Rule::Unpublished => {}
        }
        out.audit.push(Withheld {
            count,
            indicator: indicator.map(|i| indicators[i as usize].id.clone()),
            area_code: inputs.codes[area].to_owned(),
            year,
            mode,
            scope: scope.to_owned(),
            family: SMALL_NUMBERS,
            reason: reason.label(),
            rule,
        });
    }
    out
}
