//! GP figures: crude value, directly standardised value and indirectly standardised ratios
//! per area, from the counts by residence or by practice location.

use rayon::prelude::*;
use serde::Serialize;

use super::figure::{Crude, Figure, Intervals, Method, Mode, Reason, Status};
use super::hierarchy::Hierarchy;
use super::population::Residents;
use super::reference::Reference;
use crate::cube::{Cells, Cube, GpCubes};
use crate::stats::dsr::{Dsr, Stratum};
use crate::stats::indirect::Indirect;
use crate::stats::standard::StandardPopulation;
use crate::stats::{Confidence, StatsError};
use crate::{AgeBand, Indicator, Level, Sex, Standardisation};

/// What the GP computation needs.
#[derive(Debug)]
pub(crate) struct GpInputs<'a> {
    pub tree: &'a Hierarchy,
    pub cubes: &'a GpCubes,
    pub residents: &'a Residents,
    pub national: &'a Reference,
    /// The buurt each practice lies in (by unit order), if placed.
    pub practice_buurt: &'a [Option<usize>],
    pub standard: &'a StandardPopulation,
    pub levels: (Confidence, Confidence),
}

/// GP coverage of one area by age band: listed patients (residents of the area on the
/// participating practices' lists) ÷ residents, both sexes, in the latest GP year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub year: i32,
    /// Listed patients and residents; none when disclosure control hides a small count.
    pub listed: Option<f64>,
    pub residents: Option<f64>,
    pub by_age_band: Vec<CoverageBand>,
}

impl Coverage {
    /// Whether outputs show this coverage: not for an area nobody in it is listed for.
    pub(crate) fn is_shown(&self) -> bool {
        self.listed.is_some_and(|n| n > 0.0)
    }
}

/// Coverage in one age band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageBand {
    pub age_band: String,
    pub listed: Option<f64>,
    pub residents: Option<f64>,
    /// `listed ÷ residents`; none without residents or when either count is hidden.
    pub coverage: Option<f64>,
}

/// The coverage of every area (by index) in the latest GP year, by residence. Bands are the
/// GP counts'; residents are summed over the population bands inside each. Every count is
/// given, for every area with residents; disclosure control withholds afterwards, and
/// [`Coverage::is_shown`] tells which areas' coverage outputs show.
pub(crate) fn coverage(inputs: &GpInputs, listed: &Listed) -> Vec<Option<Coverage>> {
    let cube = &inputs.cubes.residence;
    let (Some(y), Some(&year)) = (cube.years.len().checked_sub(1), cube.years.last()) else {
        return vec![None; inputs.tree.len()];
    };
    let listed_cells = listed.of(Mode::Residence, y);
    let width = cube.cells;
    let cells = &inputs.cubes.cells;
    let population = inputs.residents.year_for(year);
    (0..inputs.tree.len())
        .map(|area| {
            let population = population?;
            let counts = &listed_cells[area * width..(area + 1) * width];
            let n_bands = cells.bands.len();
            let (mut all_listed, mut all_residents) = (0.0, 0.0);
            let by_age_band: Vec<CoverageBand> = cells
                .bands
                .iter()
                .enumerate()
                .map(|(b, band)| {
                    let listed = counts[b] + counts[n_bands + b];
                    let residents = inputs.residents.in_scope(area, population, band, Sex::All);
                    all_listed += listed;
                    all_residents += residents;
                    CoverageBand {
                        age_band: band.to_string(),
                        listed: Some(listed),
                        residents: Some(residents),
                        coverage: (residents > 0.0).then(|| listed / residents),
                    }
                })
                .collect();
            Some(Coverage {
                year,
                listed: Some(all_listed),
                residents: Some(all_residents),
                by_age_band,
            })
        })
        .collect()
}

/// The areas (by index) each unit of a mode's cube adds into: buurten by residence, practices
/// into the buurt they lie in (practice figures are made for wijken and up, and for custom
/// areas: the practices inside them).
fn units<'a>(inputs: &'a GpInputs, mode: Mode) -> Box<dyn Iterator<Item = (usize, usize)> + 'a> {
    match mode {
        Mode::Residence => Box::new(inputs.tree.buurten.iter().copied().enumerate()),
        Mode::Practice => Box::new(
            inputs
                .practice_buurt
                .iter()
                .enumerate()
                .filter_map(|(p, w)| Some((p, (*w)?))),
        ),
    }
}

fn cube_of<'a>(inputs: &'a GpInputs, mode: Mode) -> &'a Cube {
    match mode {
        Mode::Residence => &inputs.cubes.residence,
        Mode::Practice => &inputs.cubes.practice,
    }
}

/// Listed patients per area × cell for each mode and year: per unit (buurt of residence,
/// or practice) and cell the largest denominator of any indicator, added over the units in
/// an area and summed up the tree. The same for every indicator, so made
/// once.
#[derive(Debug)]
pub(crate) struct Listed {
    years: usize,
    /// Residence years first, then practice years.
    by_mode_year: Vec<Vec<f64>>,
}

impl Listed {
    pub(super) fn new(inputs: &GpInputs) -> Self {
        let years = inputs.cubes.residence.years.len();
        let by_mode_year = Mode::ALL
            .into_iter()
            .flat_map(|mode| (0..years).map(move |y| (mode, y)))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(mode, year)| {
                let cube = cube_of(inputs, mode);
                let width = cube.cells;
                let mut listed: Vec<f64> = vec![0.0; inputs.tree.len() * width];
                // Units sharing an area (practices in one buurt) add their lists.
                let mut own = vec![0.0; width];
                for (unit, area) in units(inputs, mode) {
                    cube.largest_denominators(unit, year, &mut own);
                    let cells = &mut listed[area * width..(area + 1) * width];
                    cells.iter_mut().zip(&own).for_each(|(sum, n)| *sum += n);
                }
                inputs.tree.roll_up(&mut listed, width);
                listed
            })
            .collect();
        Self {
            years,
            by_mode_year,
        }
    }

    fn of(&self, mode: Mode, year: usize) -> &[f64] {
        let m = usize::from(mode == Mode::Practice);
        &self.by_mode_year[m * self.years + year]
    }
}

/// One GP indicator: its catalogue index, its index in the cubes, and its scope.
struct Scoped<'a> {
    index: usize,
    ind: &'a Indicator,
    mask: Vec<bool>,
    /// The same scope on the population table's cells.
    population_mask: Vec<bool>,
    standard: Option<StandardPopulation>,
    age: AgeBand,
    sex: Sex,
}

impl<'a> Scoped<'a> {
    /// The indicator's scope on the GP and population cells, and the standard population
    /// within its ages (for a directly standardised indicator).
    fn new(inputs: &GpInputs, index: usize, ind: &'a Indicator) -> Result<Self, StatsError> {
        let cells = &inputs.cubes.cells;
        let age: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
        let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
        let standard = match ind.standardisation {
            Standardisation::Direct => {
                let within = inputs.standard.within(&age)?;
                let bands: Vec<AgeBand> = cells
                    .bands
                    .iter()
                    .copied()
                    .filter(|b| age.contains(b))
                    .collect();
                within.weights_for(&bands)?;
                Some(within)
            }
            _ => None,
        };
        Ok(Self {
            index,
            ind,
            mask: cells.in_scope(&age, sex),
            population_mask: inputs.residents.cells.in_scope(&age, sex),
            standard,
            age,
            sex,
        })
    }
}

/// A directly standardised indicator's events and denominators per age band in its scope
/// (sexes added) for every area, with the standard's weight of each band: the strata its
/// rates weigh. Disclosure control audits those rates as relations on the events per band.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bands {
    /// Bands per area.
    pub width: usize,
    /// Area after area, `width` bands each.
    pub events: Vec<f64>,
    pub denominators: Vec<f64>,
    /// The standard population's share of each band.
    pub weights: Vec<f64>,
}

impl GpInputs<'_> {
    /// The strata of a directly standardised GP indicator (`(catalogue index, index in
    /// the cubes, indicator)`) in one mode and year; `None` for other indicators, a year
    /// without counts, or a standard that does not fit.
    pub(crate) fn bands(
        &self,
        indicator: (usize, usize, &Indicator),
        mode: Mode,
        year: i32,
    ) -> Option<Bands> {
        let (index, cube_index, ind) = indicator;
        let scoped = Scoped::new(self, index, ind).ok()?;
        let standard = scoped.standard.as_ref()?;
        let y = cube_of(self, mode).years.iter().position(|&x| x == year)?;
        let sums = Sums::of(self, mode, y, cube_index, &[]);
        let cells = &self.cubes.cells;
        let mut out = Bands {
            width: 0,
            events: Vec::new(),
            denominators: Vec::new(),
            weights: Vec::new(),
        };
        for area in 0..self.tree.len() {
            let range = area * sums.cells..(area + 1) * sums.cells;
            let counts = Counts {
                numerator: &sums.numerator[range.clone()],
                denominator: &sums.denominator[range],
                listed: &[],
            };
            let strata = band_strata(cells, &counts, &scoped);
            if area == 0 {
                let bands: Vec<AgeBand> = strata.iter().map(|s| s.band).collect();
                let weights = standard.weights_for(&bands).ok()?;
                let total: f64 = weights.iter().sum();
                out.width = strata.len();
                out.weights = weights.iter().map(|w| w / total).collect();
            }
            out.events.extend(strata.iter().map(|s| s.events));
            out.denominators.extend(strata.iter().map(|s| s.population));
        }
        Some(out)
    }
}

/// The counts of one area, year and indicator.
struct Counts<'a> {
    numerator: &'a [f64],
    denominator: &'a [f64],
    listed: &'a [f64],
}

/// Every GP figure of one indicator: by residence for every area below the country, by
/// practice for wijken and up; and, apart, the figures by practice of the buurten whose
/// practices a custom area shares with a wijk ([`practice_parts`]): no output shows them,
/// but the figures by practice of wijken and custom areas are their sums, which disclosure
/// control must hold.
///
/// # Errors
///
/// [`StatsError::StandardMismatch`] (or `Shape`) when the standard population does not fit
/// the indicator's age bands.
pub(crate) fn figures(
    inputs: &GpInputs,
    listed: &Listed,
    indicator: (usize, usize, &Indicator),
) -> Result<(Vec<Figure>, Vec<Figure>), StatsError> {
    let (index, cube_index, ind) = indicator;
    let scoped = Scoped::new(inputs, index, ind)?;
    // Room made once: figures are large, and growing a list of them copies it.
    let tree = inputs.tree;
    let above_buurten = tree
        .bottom_up
        .iter()
        .filter(|&&a| tree.level[a] != Level::Buurt);
    let capacity = Mode::ALL.iter().map(|&mode| {
        let areas = match mode {
            Mode::Residence => tree.bottom_up.len(),
            Mode::Practice => above_buurten.clone().count(),
        };
        cube_of(inputs, mode).years.len() * areas
    });
    let mut out = Vec::with_capacity(capacity.sum());
    let parts = practice_parts(inputs);
    let mut unpublished = Vec::new();
    for mode in Mode::ALL {
        let cube = cube_of(inputs, mode);
        for (y, &year) in cube.years.iter().enumerate() {
            let sums = Sums::of(inputs, mode, y, cube_index, listed.of(mode, y));
            for &area in &inputs.tree.bottom_up {
                let level = inputs.tree.level[area];
                if mode == Mode::Practice && level == Level::Buurt {
                    if parts[area] {
                        let counts = sums.counts(area);
                        unpublished.push(figure(inputs, &scoped, area, year, mode, &counts));
                    }
                    continue;
                }
                let counts = sums.counts(area);
                let mut figure = figure(inputs, &scoped, area, year, mode, &counts);
                if let Some(region) = inputs.tree.region[area] {
                    let region_counts = sums.counts(region);
                    figure.isr_region =
                        region_ratio(&scoped, &counts, &region_counts, inputs.levels);
                }
                out.push(figure);
            }
        }
    }
    Ok((out, unpublished))
}

/// The buurten whose counts by practice disclosure control must hold: those a practice lies
/// in, within a wijk that shares a buurt with a custom area. By practice, a wijk's count is
/// the sum over the practices in its buurten and a custom area's over those in its
/// buurten, so a custom area and wijken holding the same practices count the same; the
/// buurten in between are those sums' parts. Where no practice lies, the count is zero,
/// which anyone knowing where practices are knows.
pub(crate) fn practice_parts(inputs: &GpInputs) -> Vec<bool> {
    let tree = inputs.tree;
    let mut shared = vec![false; tree.len()];
    for custom in tree.custom() {
        for &b in &tree.members[custom] {
            if let Some(w) = tree.wijk_of(b) {
                shared[w] = true;
            }
        }
    }
    let mut parts = vec![false; tree.len()];
    for &b in inputs.practice_buurt.iter().flatten() {
        parts[b] = tree.wijk_of(b).is_some_and(|w| shared[w]);
    }
    parts
}

/// The counts of every area for one year and indicator, summed up the tree.
struct Sums<'a> {
    cells: usize,
    numerator: Vec<f64>,
    denominator: Vec<f64>,
    /// Listed patients of the mode and year ([`Listed`]).
    listed: &'a [f64],
}

impl<'a> Sums<'a> {
    fn of(inputs: &GpInputs, mode: Mode, year: usize, indicator: usize, listed: &'a [f64]) -> Self {
        let tree = inputs.tree;
        let cube = cube_of(inputs, mode);
        let width = cube.cells;
        let mut sums = Self {
            cells: width,
            numerator: vec![0.0; tree.len() * width],
            denominator: vec![0.0; tree.len() * width],
            listed,
        };
        for (unit, area) in units(inputs, mode) {
            let at = cube.offset(unit, year, indicator);
            let to = area * width;
            for k in 0..width {
                sums.numerator[to + k] += cube.numerator[at + k];
                sums.denominator[to + k] += cube.denominator[at + k];
            }
        }
        tree.roll_up(&mut sums.numerator, width);
        tree.roll_up(&mut sums.denominator, width);
        sums
    }

    fn counts(&self, area: usize) -> Counts<'_> {
        let range = area * self.cells..(area + 1) * self.cells;
        Counts {
            numerator: &self.numerator[range.clone()],
            denominator: &self.denominator[range.clone()],
            listed: &self.listed[range],
        }
    }
}

fn scoped_sum(values: &[f64], mask: &[bool]) -> f64 {
    values
        .iter()
        .zip(mask)
        .filter(|(_, m)| **m)
        .map(|(v, _)| v)
        .sum()
}

fn figure(
    inputs: &GpInputs,
    s: &Scoped,
    area: usize,
    year: i32,
    mode: Mode,
    counts: &Counts,
) -> Figure {
    let ind = s.ind;
    let crude = Crude::of(ind);
    let method = match ind.standardisation {
        Standardisation::Direct => Method::Dsr,
        Standardisation::Indirect => Method::Isr,
        _ => crude.method(),
    };
    let mut f = Figure::missing(area, s.index, year, mode, method);
    let (x, n) = (
        scoped_sum(counts.numerator, &s.mask),
        scoped_sum(counts.denominator, &s.mask),
    );
    let residents = inputs
        .residents
        .year_for(year)
        .map(|y| inputs.residents.sum(area, y, &s.population_mask));
    f.residents = residents;
    let listed = scoped_sum(counts.listed, &s.mask);
    f.listed = Some(listed);
    f.coverage = residents.filter(|r| *r > 0.0).map(|r| listed / r);
    if n <= 0.0 {
        f.status = Status::Missing(match mode {
            Mode::Residence => Reason::NoListedPatients,
            Mode::Practice => Reason::NoPractice,
        });
        return f;
    }
    f.numerator = Some(x);
    f.denominator = Some(n);
    let levels = inputs.levels;
    f.crude = crude
        .intervals(x, n, levels)
        .ok()
        .map(|e| e.scaled(ind.multiplier));
    f.status = Status::Published;

    let national_rates = inputs
        .national
        .rates(&ind.id, year, &inputs.cubes.cells, ind.multiplier);
    if let Some(rates) = national_rates {
        let expected: f64 = counts
            .denominator
            .iter()
            .zip(&rates)
            .zip(&s.mask)
            .filter(|(_, m)| **m)
            .map(|((d, r), _)| d * r)
            .sum();
        f.expected_national = Some(expected);
        let reference = inputs.national.value(&ind.id, year, s.sex);
        if let Ok(isr) =
            Indirect::from_expected(x, expected, reference.unwrap_or(0.0) / ind.multiplier)
        {
            f.isr_national = Some(Intervals::from_pair(
                isr.ratio(levels.0),
                isr.ratio(levels.1),
            ));
            if method == Method::Isr && reference.is_some() {
                f.value = Some(
                    Intervals::from_pair(isr.rate(levels.0), isr.rate(levels.1))
                        .scaled(ind.multiplier),
                );
            }
        }
    }
    match method {
        Method::Dsr => {
            let standard = s.standard.as_ref();
            let strata = band_strata(&inputs.cubes.cells, counts, s);
            match standard.map(|std| Dsr::new(&strata, std)) {
                Some(Ok(dsr)) => match Intervals::compute(levels, |c| dsr.estimate(c)) {
                    Ok(v) => f.value = Some(v.scaled(ind.multiplier)),
                    Err(withheld) => f.status = Status::Withheld(Reason::Method(withheld)),
                },
                Some(Err(e)) => f.status = Status::Missing(Reason::Unusable(e.to_string())),
                None => f.status = Status::Missing(Reason::NoStandardPopulation),
            }
        }
        Method::Isr => {
            if f.value.is_none() {
                f.status = Status::Missing(Reason::NoReferenceRates);
            }
        }
        _ => f.value = f.crude,
    }
    f
}

/// Strata by age band (sexes in scope added together) inside the indicator's age scope.
fn band_strata(cells: &Cells, counts: &Counts, s: &Scoped) -> Vec<Stratum> {
    let n_bands = cells.bands.len();
    cells
        .bands
        .iter()
        .enumerate()
        .filter(|(_, band)| s.age.contains(band))
        .map(|(b, band)| {
            let (mut events, mut population) = (0.0, 0.0);
            for cell in [b, n_bands + b] {
                if s.mask[cell] {
                    events += counts.numerator[cell];
                    population += counts.denominator[cell];
                }
            }
            Stratum {
                band: *band,
                events,
                population,
            }
        })
        .collect()
}

/// The ratio of observed to expected at the region's own rates per cell.
fn region_ratio(
    s: &Scoped,
    area: &Counts,
    region: &Counts,
    levels: (Confidence, Confidence),
) -> Option<Intervals> {
    let mut expected = 0.0;
    for k in 0..s.mask.len() {
        if s.mask[k] && region.denominator[k] > 0.0 {
            expected += area.denominator[k] * region.numerator[k] / region.denominator[k];
        }
    }
    let observed = scoped_sum(area.numerator, &s.mask);
    let region_rate =
        scoped_sum(region.numerator, &s.mask) / scoped_sum(region.denominator, &s.mask);
    let isr = Indirect::from_expected(observed, expected, region_rate).ok()?;
    Some(Intervals::from_pair(
        isr.ratio(levels.0),
        isr.ratio(levels.1),
    ))
}
