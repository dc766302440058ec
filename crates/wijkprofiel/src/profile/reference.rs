//! The national reference: published values (`benchmarks`) and reference rates by age band
//! and sex (`benchmark_rates`) of one benchmark id, e.g. `NL01`.

use std::collections::HashMap;

use polars::prelude::*;

use crate::cube::Cells;
use crate::{AgeBand, Sex};

/// A reference rate of one sex and age band.
type CellRate = (Sex, AgeBand, f64);

/// One benchmark's values and rates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reference {
    /// The label of the benchmark (e.g. `Nederland`).
    pub label: Option<String>,
    /// Value per indicator × year × sex, in the indicator's unit.
    values: HashMap<(String, i32, Sex), f64>,
    /// Rate per indicator × year × sex × band, in the indicator's unit.
    rates: HashMap<(String, i32), Vec<CellRate>>,
}

impl Reference {
    /// Reads benchmark `id` from the validated tables.
    pub fn read(
        benchmarks: Option<&DataFrame>,
        rates: Option<&DataFrame>,
        id: &str,
    ) -> PolarsResult<Self> {
        let mut out = Self::default();
        if let Some(frame) = benchmarks {
            let c = |name: &str| frame.column(name);
            let rows = c("indicator")?
                .str()?
                .iter()
                .zip(c("year")?.i32()?.iter())
                .zip(c("benchmark")?.str()?.iter())
                .zip(c("label")?.str()?.iter())
                .zip(c("sex")?.str()?.iter())
                .zip(c("value")?.f64()?.iter());
            for (((((ind, year), bench), label), sex), value) in rows {
                if bench != Some(id) {
                    continue;
                }
                if let (Some(ind), Some(year), Some(sex), Some(value)) =
                    (ind, year, sex.and_then(|s| s.parse().ok()), value)
                {
                    out.values.insert((ind.to_owned(), year, sex), value);
                    if out.label.is_none() {
                        out.label = label.map(str::to_owned);
                    }
                }
            }
        }
        if let Some(frame) = rates {
            let c = |name: &str| frame.column(name);
            let rows = c("indicator")?
                .str()?
                .iter()
                .zip(c("year")?.i32()?.iter())
                .zip(c("benchmark")?.str()?.iter())
                .zip(c("sex")?.str()?.iter())
                .zip(c("age_band")?.str()?.iter())
                .zip(c("rate")?.f64()?.iter());
            for (((((ind, year), bench), sex), band), rate) in rows {
                if bench != Some(id) {
                    continue;
                }
                if let (Some(ind), Some(year), Some(sex), Some(band), Some(rate)) = (
                    ind,
                    year,
                    sex.and_then(|s| s.parse().ok()),
                    band.and_then(|b| b.parse().ok()),
                    rate,
                ) {
                    out.rates
                        .entry((ind.to_owned(), year))
                        .or_default()
                        .push((sex, band, rate));
                }
            }
        }
        Ok(out)
    }

    /// The published value of an indicator in a year for a sex scope.
    pub fn value(&self, indicator: &str, year: i32, sex: Sex) -> Option<f64> {
        self.values.get(&(indicator.to_owned(), year, sex)).copied()
    }

    /// The reference rate of each cell (per person: the unit's rate ÷ `multiplier`), when
    /// every cell has one.
    pub fn rates(
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
