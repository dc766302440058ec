//! The national reference: published values (`benchmarks`) and reference rates by age band
//! and sex (`benchmark_rates`) of one benchmark id, e.g. `NL01`.

use std::collections::HashMap;

use polars::prelude::*;

use crate::cube::Cells;
use crate::{AgeBand, Sex};

/// A reference rate of one sex and age band.
type CellRate = (Sex, AgeBand, f64);

/// Indicator, year and sex scope.
type Key = (String, i32, Sex);

/// One benchmark's values and rates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reference {
    /// The label of the benchmark (e.g. `Nederland`).
    pub label: Option<String>,
    /// Value per indicator × year × sex, in the indicator's unit.
    values: HashMap<Key, f64>,
    /// Rate per indicator × year × sex × band, in the indicator's unit.
    rates: HashMap<(String, i32), Vec<CellRate>>,
}

impl Reference {
    /// Reads benchmark `id` from the validated tables.
    pub(super) fn read(
        benchmarks: Option<&DataFrame>,
        rates: Option<&DataFrame>,
        id: &str,
    ) -> PolarsResult<Self> {
        let mut out = Self::default();
        if let Some(frame) = benchmarks {
            let labels = frame.column("label")?.str()?;
            let values = frame.column("value")?.f64()?;
            for (i, key) in rows_of(frame, id)? {
                if let Some(value) = values.get(i) {
                    out.values.insert(key, value);
                    if out.label.is_none() {
                        out.label = labels.get(i).map(str::to_owned);
                    }
                }
            }
        }
        if let Some(frame) = rates {
            let bands = frame.column("age_band")?.str()?;
            let rates = frame.column("rate")?.f64()?;
            for (i, (indicator, year, sex)) in rows_of(frame, id)? {
                let band = bands.get(i).and_then(|b| b.parse().ok());
                if let (Some(band), Some(rate)) = (band, rates.get(i)) {
                    out.rates
                        .entry((indicator, year))
                        .or_default()
                        .push((sex, band, rate));
                }
            }
        }
        Ok(out)
    }

    /// The published value of an indicator in a year for a sex scope.
    pub(super) fn value(&self, indicator: &str, year: i32, sex: Sex) -> Option<f64> {
        self.values.get(&(indicator.to_owned(), year, sex)).copied()
    }

    /// The reference rate of each cell (per person: the unit's rate ÷ `multiplier`), when
    /// every cell has one.
    pub(super) fn rates(
        &self,
        indicator: &str,
        year: i32,
        cells: &Cells,
        multiplier: f64,
    ) -> Option<Vec<f64>> {
        let rows = self.rates.get(&(indicator.to_owned(), year))?;
        (0..cells.len())
            .map(|i| {
                let (sex, band) = cells.cell(i);
                rows.iter()
                    .find(|(s, b, _)| *s == sex && *b == band)
                    .map(|(_, _, r)| r / multiplier)
            })
            .collect()
    }
}

/// The rows of benchmark `id` in a validated `benchmarks` or `benchmark_rates` table that
/// name an indicator, a year and a sex: each row's index and that key.
fn rows_of(frame: &DataFrame, id: &str) -> PolarsResult<Vec<(usize, Key)>> {
    let c = |name: &str| frame.column(name);
    let rows = c("indicator")?
        .str()?
        .iter()
        .zip(c("year")?.i32()?.iter())
        .zip(c("benchmark")?.str()?.iter())
        .zip(c("sex")?.str()?.iter());
    Ok(rows
        .enumerate()
        .filter_map(|(i, (((indicator, year), benchmark), sex))| {
            let sex = sex.and_then(|s| s.parse().ok())?;
            (benchmark == Some(id)).then_some((i, (indicator?.to_owned(), year?, sex)))
        })
        .collect())
}
