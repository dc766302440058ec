//! Residents per area × year × cell (CBS, summed from buurten), the population context of a
//! profile, and the CBS indicators.

use polars::prelude::*;
use serde::Serialize;

use super::figure::{Crude, Figure, Intervals, Mode, Reason, Status};
use super::hierarchy::Hierarchy;
use crate::cube::{Cells, distinct_years};
use crate::stats::Confidence;
use crate::{AgeBand, Indicator, Sex};

/// Residents per area (every level below the country) × year × sex × age band.
#[derive(Debug, Clone)]
pub(crate) struct Residents {
    pub cells: Cells,
    pub years: Vec<i32>,
    values: Vec<f64>,
}

impl Residents {
    /// Sums the validated `population` table (per buurt) up the hierarchy.
    pub(super) fn gather(
        population: &DataFrame,
        tree: &Hierarchy,
        codes: &[&str],
    ) -> PolarsResult<Self> {
        let cells = Cells::of_column(population.column("age_band")?)?;
        let years = distinct_years(population.column("year")?)?;
        let width = years.len() * cells.len();
        let mut values = vec![0.0; tree.len() * width];
        let area_of: std::collections::HashMap<&str, usize> =
            codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let band_of = cells.band_index();
        let c = |name: &str| population.column(name);
        let rows = c("area_code")?
            .str()?
            .iter()
            .zip(c("year")?.i32()?.iter())
            .zip(c("sex")?.str()?.iter())
            .zip(c("age_band")?.str()?.iter())
            .zip(c("residents")?.i64()?.iter());
        for ((((area, year), sex), band), residents) in rows {
            let (Some(area), Some(year), Some(sex), Some(band)) = (
                area.and_then(|a| area_of.get(a)),
                year.and_then(|y| years.iter().position(|&v| v == y)),
                sex.and_then(|s| match s {
                    "male" => Some(0),
                    "female" => Some(1),
                    _ => None,
                }),
                band.and_then(|b| band_of.get(b)),
            ) else {
                continue;
            };
            let n = residents.unwrap_or(0) as f64;
            values[area * width + year * cells.len() + sex * cells.bands.len() + band] += n;
        }
        tree.roll_up(&mut values, width);
        Ok(Self {
            cells,
            years,
            values,
        })
    }

    /// The cells of one area in one year (by year index).
    pub(super) fn cells_of(&self, area: usize, year: usize) -> &[f64] {
        let width = self.years.len() * self.cells.len();
        let at = area * width + year * self.cells.len();
        &self.values[at..at + self.cells.len()]
    }

    /// The index of the population year for `year`: the same year, else the nearest
    /// earlier one, else the earliest.
    pub(super) fn year_for(&self, year: i32) -> Option<usize> {
        self.years
            .iter()
            .rposition(|&y| y <= year)
            .or_else(|| (!self.years.is_empty()).then_some(0))
    }

    /// Residents of an area in an age and sex scope.
    pub(super) fn in_scope(&self, area: usize, year: usize, age: &AgeBand, sex: Sex) -> f64 {
        self.sum(area, year, &self.cells.in_scope(age, sex))
    }

    /// Residents of an area in the cells of a scope mask (from [`Cells::in_scope`]; made once
    /// per indicator on hot paths).
    pub(super) fn sum(&self, area: usize, year: usize, mask: &[bool]) -> f64 {
        self.cells_of(area, year)
            .iter()
            .zip(mask)
            .filter(|(_, inside)| **inside)
            .map(|(n, _)| n)
            .sum()
    }
}

/// One bar of the population pyramid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PyramidBar {
    pub age_band: String,
    /// Residents; none when disclosure control hides a small count.
    pub male: Option<f64>,
    pub female: Option<f64>,
}

/// The population context of an area in the latest population year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Context {
    pub year: i32,
    /// Residents; none when disclosure control hides a small count.
    pub residents: Option<f64>,
    pub pyramid: Vec<PyramidBar>,
    /// Percentage of residents aged 65 and over (none when the bands do not split at 65 or
    /// disclosure control hides it, as for the CBS indicator).
    pub share_65_plus: Option<f64>,
    /// Land area in km² from the geometry (the shape's area; water is not told apart).
    pub area_km2: Option<f64>,
    /// Residents per km².
    pub density_per_km2: Option<f64>,
}

impl Residents {
    /// The context of an area; `area_km2` from its shape, if any. Every count is given;
    /// disclosure control withholds afterwards.
    pub(super) fn context(&self, area: usize, area_km2: Option<f64>) -> Option<Context> {
        let year = self.years.len().checked_sub(1)?;
        let cells = self.cells_of(area, year);
        let n_bands = self.cells.bands.len();
        let residents: f64 = cells.iter().sum();
        let pyramid = self
            .cells
            .bands
            .iter()
            .enumerate()
            .map(|(b, band)| PyramidBar {
                age_band: band.to_string(),
                male: Some(cells[b]),
                female: Some(cells[n_bands + b]),
            })
            .collect();
        let old = AgeBand::open(65);
        let splits = self
            .cells
            .bands
            .iter()
            .all(|b| old.contains(b) || !b.overlaps(&old));
        let aged = self.in_scope(area, year, &old, Sex::All);
        Some(Context {
            year: self.years[year],
            residents: Some(residents),
            pyramid,
            share_65_plus: (splits && residents > 0.0).then(|| 100.0 * aged / residents),
            area_km2,
            density_per_km2: area_km2.filter(|a| *a > 0.0).map(|a| residents / a),
        })
    }

    /// The figures of a CBS indicator for every area (below the country) and year.
    pub(super) fn figures(
        &self,
        tree: &Hierarchy,
        indicator: (usize, &Indicator),
        levels: (Confidence, Confidence),
    ) -> Vec<Figure> {
        let (index, ind) = indicator;
        let scope: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
        let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
        let counted: Option<AgeBand> = ind.numerator_age.as_deref().and_then(|a| a.parse().ok());
        let scope_mask = self.cells.in_scope(&scope, sex);
        let counted_mask = counted.map(|c| self.cells.in_scope(&c, sex));
        let crude = Crude::of(ind);
        let mut out = Vec::with_capacity(tree.bottom_up.len() * self.years.len());
        for &area in &tree.bottom_up {
            for (y, &year) in self.years.iter().enumerate() {
                let residents = self.sum(area, y, &scope_mask);
                let mut figure =
                    Figure::missing(area, index, year, Mode::Residence, crude.method());
                figure.denominator = Some(residents);
                figure.status = Status::Published;
                match (crude, &counted_mask) {
                    (Crude::Count, _) => {
                        figure.numerator = Some(residents);
                        figure.value = Some(Intervals::exact(residents));
                    }
                    (_, Some(counted)) if residents > 0.0 => {
                        let x = self.sum(area, y, counted);
                        figure.numerator = Some(x);
                        match crude.intervals(x, residents, levels) {
                            Ok(v) => figure.value = Some(v.scaled(ind.multiplier)),
                            Err(e) => {
                                figure.status = Status::Missing(Reason::Unusable(e.to_string()))
                            }
                        }
                    }
                    _ => figure.status = Status::Missing(Reason::NoResidents),
                }
                figure.crude = figure.value;
                out.push(figure);
            }
        }
        out
    }
}
