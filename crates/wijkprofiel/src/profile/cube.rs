//! GP counts gathered into dense arrays: unit (buurt of residence, or practice) × year ×
//! indicator × cell (sex × age band), one pass over the table.

use std::collections::HashMap;

use polars::prelude::*;

use crate::{AgeBand, Sex};

/// The sex × age-band cells of a table: `cell = sex * bands.len() + band`, male first.
#[derive(Debug, Clone, PartialEq)]
pub struct Cells {
    /// The bands, youngest first.
    pub bands: Vec<AgeBand>,
}

impl Cells {
    /// The distinct bands of a column of band texts (valid: the table was validated).
    pub(crate) fn of_column(column: &Column) -> PolarsResult<Self> {
        let unique = column.unique()?;
        let mut bands: Vec<AgeBand> = unique
            .str()?
            .iter()
            .flatten()
            .filter_map(|b| b.parse().ok())
            .collect();
        bands.sort_unstable();
        Ok(Self { bands })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        2 * self.bands.len()
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.bands.is_empty()
    }

    /// The sex and band of a cell.
    pub fn cell(&self, index: usize) -> (Sex, AgeBand) {
        let sex = if index < self.bands.len() {
            Sex::Male
        } else {
            Sex::Female
        };
        (sex, self.bands[index % self.bands.len()])
    }

    /// Whether each cell lies in an age and sex scope.
    pub fn in_scope(&self, age: &AgeBand, sex: Sex) -> Vec<bool> {
        (0..self.len())
            .map(|i| {
                let (s, band) = self.cell(i);
                age.contains(&band) && (sex == Sex::All || sex == s)
            })
            .collect()
    }

    /// A lookup from band text to band index.
    pub(crate) fn band_index(&self) -> HashMap<String, usize> {
        self.bands
            .iter()
            .enumerate()
            .map(|(i, b)| (b.to_string(), i))
            .collect()
    }
}

/// The distinct years of a validated `year` column, in order.
pub(crate) fn distinct_years(column: &Column) -> PolarsResult<Vec<i32>> {
    let mut years: Vec<i32> = column.unique()?.i32()?.iter().flatten().collect();
    years.sort_unstable();
    Ok(years)
}

/// Sums of numerators and denominators per unit × year × indicator × cell.
#[derive(Debug, Clone)]
pub struct Cube {
    pub years: Vec<i32>,
    pub indicators: usize,
    pub cells: usize,
    pub numerator: Vec<f64>,
    pub denominator: Vec<f64>,
}

impl Cube {
    fn new(units: usize, years: Vec<i32>, indicators: usize, cells: usize) -> Self {
        let n = units * years.len() * indicators * cells;
        Self {
            years,
            indicators,
            cells,
            numerator: vec![0.0; n],
            denominator: vec![0.0; n],
        }
    }

    /// Offset of the first cell of a unit × year × indicator.
    pub fn offset(&self, unit: usize, year: usize, indicator: usize) -> usize {
        ((unit * self.years.len() + year) * self.indicators + indicator) * self.cells
    }

    /// The index of a year.
    pub fn year_index(&self, year: i32) -> Option<usize> {
        self.years.iter().position(|&y| y == year)
    }
}

/// The GP counts by buurt of residence and by practice.
#[derive(Debug, Clone)]
pub struct GpCubes {
    pub cells: Cells,
    /// Units are the buurten, in the order given to [`GpCubes::gather`].
    pub residence: Cube,
    /// Units are the practices, in the order given.
    pub practice: Cube,
}

impl GpCubes {
    /// Gathers the validated `gp_counts` table. `buurten` and `practices` give the unit
    /// order; `indicators` the GP indicator ids in catalogue order. Rows naming anything
    /// else are skipped (validation has ruled them out).
    pub(crate) fn gather(
        counts: &DataFrame,
        buurten: &[&str],
        practices: &[&str],
        indicators: &[&str],
    ) -> PolarsResult<Self> {
        let cells = Cells::of_column(counts.column("age_band")?)?;
        let years = distinct_years(counts.column("year")?)?;
        let n_cells = cells.len();
        let mut residence = Cube::new(buurten.len(), years.clone(), indicators.len(), n_cells);
        let mut practice = Cube::new(practices.len(), years, indicators.len(), n_cells);

        let index = |names: &[&str]| -> HashMap<String, usize> {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| ((*n).to_owned(), i))
                .collect()
        };
        let (buurt_of, practice_of, indicator_of) =
            (index(buurten), index(practices), index(indicators));
        let band_of = cells.band_index();
        let n_bands = cells.bands.len();

        // Consecutive rows mostly repeat their practice and area: remember the last lookup.
        let mut last_practice: (Option<&str>, Option<usize>) = (None, None);
        let mut last_area: (Option<&str>, Option<usize>) = (None, None);
        let (practice_ids, year_col, areas, sexes, bands, inds, nums, dens) = (
            counts.column("practice_id")?.str()?,
            counts.column("year")?.i32()?,
            counts.column("area_code")?.str()?,
            counts.column("sex")?.str()?,
            counts.column("age_band")?.str()?,
            counts.column("indicator")?.str()?,
            counts.column("numerator")?.i64()?,
            counts.column("denominator")?.i64()?,
        );
        let rows = practice_ids
            .iter()
            .zip(year_col.iter())
            .zip(areas.iter())
            .zip(sexes.iter())
            .zip(bands.iter())
            .zip(inds.iter())
            .zip(nums.iter())
            .zip(dens.iter());
        for (((((((p, y), a), s), b), i), n), d) in rows {
            let (Some(y), Some(s), Some(b), Some(i)) = (y, s, b, i) else {
                continue;
            };
            let sex = match s {
                "male" => 0,
                "female" => 1,
                _ => continue,
            };
            let (Some(&band), Some(&ind)) = (band_of.get(b), indicator_of.get(i)) else {
                continue;
            };
            let Some(year) = residence.year_index(y) else {
                continue;
            };
            let cell = sex * n_bands + band;
            #[allow(clippy::cast_precision_loss)]
            let (n, d) = (n.unwrap_or(0) as f64, d.unwrap_or(0) as f64);
            if let Some(unit) = remember(&mut last_area, a, &buurt_of) {
                let at = residence.offset(unit, year, ind) + cell;
                residence.numerator[at] += n;
                residence.denominator[at] += d;
            }
            if let Some(unit) = remember(&mut last_practice, p, &practice_of) {
                let at = practice.offset(unit, year, ind) + cell;
                practice.numerator[at] += n;
                practice.denominator[at] += d;
            }
        }
        Ok(Self {
            cells,
            residence,
            practice,
        })
    }
}

/// The index of `key`, looked up only when it differs from the last key.
fn remember<'s>(
    last: &mut (Option<&'s str>, Option<usize>),
    key: Option<&'s str>,
    map: &HashMap<String, usize>,
) -> Option<usize> {
    if last.0 != key {
        *last = (key, key.and_then(|k| map.get(k).copied()));
    }
    last.1
}
