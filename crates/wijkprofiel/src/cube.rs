//! GP counts as validated: the rows in compact form (indices into the practices, buurten,
//! years, cells and indicators), and their sums in dense arrays, unit (buurt of residence,
//! or practice) × year × indicator × cell (sex × age band).

use std::collections::{BTreeMap, HashMap};

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
pub(crate) struct Cube {
    pub years: Vec<i32>,
    pub indicators: usize,
    pub cells: usize,
    pub numerator: Vec<f64>,
    pub denominator: Vec<f64>,
}

impl Cube {
    pub(crate) fn new(units: usize, years: Vec<i32>, indicators: usize, cells: usize) -> Self {
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
    pub(crate) fn offset(&self, unit: usize, year: usize, indicator: usize) -> usize {
        ((unit * self.years.len() + year) * self.indicators + indicator) * self.cells
    }

    /// Listed patients of a unit and year per cell, the largest denominator of any indicator,
    /// written into `into` (units sharing an area add their lists up).
    pub(crate) fn largest_denominators(&self, unit: usize, year: usize, into: &mut [f64]) {
        into.fill(0.0);
        for indicator in 0..self.indicators {
            let at = self.offset(unit, year, indicator);
            let cells = &self.denominator[at..at + self.cells];
            for (most, &d) in into.iter_mut().zip(cells) {
                *most = most.max(d);
            }
        }
    }

    /// Adds every row's counts into its unit (`units`: the row's index in the unit list).
    /// Validation makes every index fit; a row that would not is skipped.
    fn add(&mut self, rows: &Rows, units: &[u32]) {
        let years = self.years.len();
        for (row, &unit) in units.iter().enumerate() {
            let (year, indicator, cell) = (
                usize::from(rows.year[row]),
                usize::from(rows.indicator[row]),
                usize::from(rows.cell[row]),
            );
            if year >= years || indicator >= self.indicators || cell >= self.cells {
                continue;
            }
            let at = self.offset(unit as usize, year, indicator) + cell;
            if let (Some(n), Some(d)) = (self.numerator.get_mut(at), self.denominator.get_mut(at)) {
                *n += f64::from(rows.numerator[row]);
                *d += f64::from(rows.denominator[row]);
            }
        }
    }
}

/// The GP counts by buurt of residence and by practice.
#[derive(Debug, Clone)]
pub(crate) struct GpCubes {
    pub cells: Cells,
    /// Units are the region's buurten, in the order of its areas.
    pub residence: Cube,
    /// Units are the practices, in the order of the practices table.
    pub practice: Cube,
}

/// The rows of a valid `gp_counts` table, one index or count per row and column: 21 bytes a
/// row instead of the text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    /// Index into the practices.
    pub practice: Vec<u32>,
    /// Index into the buurten.
    pub buurt: Vec<u32>,
    /// Index into the years.
    pub year: Vec<u8>,
    /// Index into the cells (sex × age band).
    pub cell: Vec<u8>,
    /// Index into the GP indicators.
    pub indicator: Vec<u16>,
    pub numerator: Vec<u32>,
    pub denominator: Vec<u32>,
}

impl Rows {
    pub(crate) fn with_capacity(rows: usize) -> Self {
        Self {
            practice: Vec::with_capacity(rows),
            buurt: Vec::with_capacity(rows),
            year: Vec::with_capacity(rows),
            cell: Vec::with_capacity(rows),
            indicator: Vec::with_capacity(rows),
            numerator: Vec::with_capacity(rows),
            denominator: Vec::with_capacity(rows),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.practice.len()
    }
}

/// The validated `gp_counts` table: its rows and their sums by buurt and by practice.
#[derive(Debug, Clone)]
pub struct GpCounts {
    /// The sums the profiles are made from.
    pub(crate) cubes: GpCubes,
    /// `None` once released ([`GpCounts::release_rows`]).
    rows: Option<Rows>,
    height: usize,
    practices: Vec<String>,
    buurten: Vec<String>,
    /// The GP indicator ids, in catalogue order.
    indicators: Vec<String>,
}

impl GpCounts {
    /// Gathers valid rows; `practices`, `buurten` and `indicators` name the indices in
    /// `rows`, `years` (ascending) and `cells` those in its year and cell columns.
    pub(crate) fn new(
        rows: Rows,
        years: Vec<i32>,
        cells: Cells,
        practices: Vec<String>,
        buurten: Vec<String>,
        indicators: Vec<String>,
    ) -> Self {
        let shape = |units: usize| Cube::new(units, years.clone(), indicators.len(), cells.len());
        let (mut residence, mut practice) = (shape(buurten.len()), shape(practices.len()));
        rayon::join(
            || residence.add(&rows, &rows.buurt),
            || practice.add(&rows, &rows.practice),
        );
        Self {
            cubes: GpCubes {
                cells,
                residence,
                practice,
            },
            height: rows.len(),
            rows: Some(rows),
            practices,
            buurten,
            indicators,
        }
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Frees the rows (21 bytes each: 1.2 GB for the national data set), keeping their sums,
    /// which are all that profiles are made from. [`GpCounts::frame`] fails afterwards.
    pub fn release_rows(&mut self) {
        self.rows = None;
    }

    /// The years, ascending.
    pub fn years(&self) -> &[i32] {
        &self.cubes.residence.years
    }

    /// Listed patients per year: per buurt of residence and cell (sex × age band) the largest
    /// denominator of any indicator, summed over practices, buurten and cells.
    pub fn listed(&self) -> BTreeMap<i32, i64> {
        let cube = &self.cubes.residence;
        let units = self.buurten.len();
        cube.years
            .iter()
            .enumerate()
            .map(|(y, &year)| {
                let mut cells = vec![0.0; cube.cells];
                let mut total = 0.0;
                for unit in 0..units {
                    cube.largest_denominators(unit, y, &mut cells);
                    total += cells.iter().sum::<f64>();
                }
                (year, total as i64)
            })
            .collect()
    }

    /// The rows as the validated table: `practice_id, year, area_code, sex, age_band,
    /// indicator` as text (codes trimmed, bands and sexes in canonical form), `year` as
    /// `i32`, `numerator` and `denominator` as `i64`.
    ///
    /// # Errors
    ///
    /// When the rows were released ([`GpCounts::release_rows`]), or if polars cannot
    /// assemble the frame.
    pub fn frame(&self) -> PolarsResult<DataFrame> {
        let Some(rows) = &self.rows else {
            polars_bail!(ComputeError: "the gp_counts rows were released; only their sums are kept")
        };
        let cells = &self.cubes.cells;
        let text = |name: &str, names: &[String], index: &mut dyn Iterator<Item = usize>| {
            StringChunked::from_iter_values(name.into(), index.map(|i| names[i].as_str()))
                .into_column()
        };
        let cell_text =
            |f: &dyn Fn(usize) -> String| -> Vec<String> { (0..cells.len()).map(f).collect() };
        let sexes = cell_text(&|c| cells.cell(c).0.to_string());
        let bands = cell_text(&|c| cells.cell(c).1.to_string());
        let years = self.years();
        let count = |name: &str, v: &[u32]| {
            Int64Chunked::from_iter_values(name.into(), v.iter().map(|&n| i64::from(n)))
                .into_column()
        };
        DataFrame::new_infer_height(vec![
            text(
                "practice_id",
                &self.practices,
                &mut rows.practice.iter().map(|&i| i as usize),
            ),
            Int32Chunked::from_iter_values(
                "year".into(),
                rows.year.iter().map(|&y| years[usize::from(y)]),
            )
            .into_column(),
            text(
                "area_code",
                &self.buurten,
                &mut rows.buurt.iter().map(|&i| i as usize),
            ),
            text(
                "sex",
                &sexes,
                &mut rows.cell.iter().map(|&c| usize::from(c)),
            ),
            text(
                "age_band",
                &bands,
                &mut rows.cell.iter().map(|&c| usize::from(c)),
            ),
            text(
                "indicator",
                &self.indicators,
                &mut rows.indicator.iter().map(|&i| usize::from(i)),
            ),
            count("numerator", &rows.numerator),
            count("denominator", &rows.denominator),
        ])
    }
}
