//! The methods on whole columns: slices of optional values and polars Series or frames.
//!
//! A missing value (`None`, a polars null) gives a missing result; a value the method cannot
//! use is an error naming the row (or the group, for grouped methods). Each result frame has
//! `value` and, per confidence level, `lower_95`/`upper_95`, `lower_99_8`/`upper_99_8`.

use std::collections::HashMap;

use polars::prelude::*;

use super::dsr::{Dsr, Stratum};
use super::standard::StandardPopulation;
use super::{Confidence, Estimate, StatsError};
use crate::AgeBand;

/// One result row: the intervals per confidence level, or `None` when missing or withheld.
pub type Row = Option<Vec<Estimate>>;

/// Applies a two-argument method row by row, for every confidence level.
///
/// # Errors
///
/// The first row's error, as [`StatsError::Row`].
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, columns::rows, proportion::wilson};
/// let out = rows(&[Some(3.0), None], &[Some(10.0), Some(5.0)], &Confidence::PAIR, wilson).unwrap();
/// assert_eq!(out[0].as_ref().unwrap()[0].value, 0.3);
/// assert!(out[1].is_none());
/// assert!(rows(&[Some(6.0)], &[Some(5.0)], &Confidence::PAIR, wilson).is_err());
/// ```
pub fn rows(
    x: &[Option<f64>],
    n: &[Option<f64>],
    confidences: &[Confidence],
    method: impl Fn(f64, f64, Confidence) -> Result<Estimate, StatsError>,
) -> Result<Vec<Row>, StatsError> {
    super::same_length("columns", x.len(), n.len())?;
    x.iter()
        .zip(n)
        .enumerate()
        .map(|(row, pair)| match pair {
            (Some(x), Some(n)) => confidences
                .iter()
                .map(|&c| method(*x, *n, c))
                .collect::<Result<Vec<_>, _>>()
                .map(Some)
                .map_err(|e| StatsError::Row {
                    row,
                    source: Box::new(e),
                }),
            _ => Ok(None),
        })
        .collect()
}

/// Proportions with Wilson intervals for Series `x` and `n` (any numeric type), times
/// `multiplier` (100 for percent).
///
/// # Errors
///
/// [`StatsError::Column`] for a non-numeric column; a row's error as [`StatsError::Row`].
pub fn proportions(
    x: &Series,
    n: &Series,
    confidences: &[Confidence],
    multiplier: f64,
) -> Result<DataFrame, StatsError> {
    let out = rows(
        &floats(x)?,
        &floats(n)?,
        confidences,
        super::proportion::wilson,
    )?;
    frame(Vec::new(), &out, confidences, multiplier)
}

/// Crude rates with exact/Byar intervals for Series `x` and `n`, times `multiplier`.
///
/// # Errors
///
/// As [`proportions`].
pub fn rates(
    x: &Series,
    n: &Series,
    confidences: &[Confidence],
    multiplier: f64,
) -> Result<DataFrame, StatsError> {
    let out = rows(&floats(x)?, &floats(n)?, confidences, super::rate::poisson)?;
    frame(Vec::new(), &out, confidences, multiplier)
}

/// The columns of a frame of age-banded counts.
#[derive(Debug, Clone, Copy)]
pub struct BandedCounts<'a> {
    /// The columns that identify an area (and year, sex...): one result per group.
    pub by: &'a [&'a str],
    /// Age bands such as `0-4` and `90+`.
    pub band: &'a str,
    pub events: &'a str,
    pub population: &'a str,
}

/// Directly standardised rates per group of `data` (grouped by the `by` columns, groups in
/// order of first appearance): the bands are matched to `standard` by key; `events` and
/// `population` are numeric. A null event count
/// counts as 0 (as `phe_dsr`); a null population or band is an error.
///
/// The result has the `by` columns, `events`, `population`, `value` and the limits (times
/// `multiplier`), and `withheld`: the reason when a value is withheld (below 10 events),
/// else null.
///
/// # Errors
///
/// [`StatsError::Column`] for a missing or unusable column; [`StatsError::Group`] naming the
/// group whose bands do not match the standard or whose counts are invalid.
pub fn dsr(
    data: &DataFrame,
    columns: BandedCounts<'_>,
    standard: &StandardPopulation,
    confidences: &[Confidence],
    multiplier: f64,
) -> Result<DataFrame, StatsError> {
    let BandedCounts {
        by,
        band,
        events,
        population,
    } = columns;
    let bands = band_column(data, band)?;
    let event_values = floats(column(data, events)?)?;
    let population_values = floats(column(data, population)?)?;
    if let Some(row) = population_values.iter().position(Option::is_none) {
        return Err(StatsError::Column {
            column: population.to_owned(),
            rule: format!("row {row} has no population"),
        });
    }
    let grouped = data
        .group_by_stable(by.iter().copied())
        .map_err(|e| polars_problem(&by.join(", "), &e))?;
    let keys = grouped.keys();
    let mut results = Vec::new();
    let mut totals = (Vec::new(), Vec::new());
    let mut withheld: Vec<Option<String>> = Vec::new();
    let mut strata = Vec::new();
    for (g, indicator) in grouped.get_groups().iter().enumerate() {
        strata.clear();
        let rows: Vec<usize> = match indicator {
            GroupsIndicator::Idx((_, idx)) => idx.iter().map(|&i| i as usize).collect(),
            GroupsIndicator::Slice([first, len]) => {
                (first as usize..(first + len) as usize).collect()
            }
        };
        for i in rows {
            strata.push(Stratum {
                band: bands[i],
                events: event_values[i].unwrap_or(0.0),
                population: population_values[i].unwrap_or(f64::NAN),
            });
        }
        let dsr = Dsr::new(&strata, standard).map_err(|e| StatsError::Group {
            key: key_text(&keys, g),
            source: Box::new(e),
        })?;
        totals.0.push(dsr.events);
        totals.1.push(dsr.population);
        let mut reason = None;
        let mut row = Vec::with_capacity(confidences.len());
        for &c in confidences {
            match dsr.estimate(c) {
                Ok(e) => row.push(e),
                Err(why) => reason = Some(why.to_string()),
            }
        }
        results.push(reason.is_none().then_some(row));
        withheld.push(reason);
    }
    let mut columns: Vec<Column> = keys;
    columns.push(Column::new("events".into(), totals.0));
    columns.push(Column::new("population".into(), totals.1));
    let mut out = frame(columns, &results, confidences, multiplier)?;
    out.with_column(Column::new("withheld".into(), withheld))
        .map_err(|e| polars_problem("withheld", &e))?;
    Ok(out)
}

/// A numeric Series as optional floats.
///
/// # Errors
///
/// [`StatsError::Column`] when the Series is not numeric.
pub fn floats(series: &Series) -> Result<Vec<Option<f64>>, StatsError> {
    if !series.dtype().is_primitive_numeric() && !series.dtype().is_null() {
        return Err(StatsError::Column {
            column: series.name().to_string(),
            rule: format!("must be numeric, not {}", series.dtype()),
        });
    }
    let cast = series
        .cast(&DataType::Float64)
        .map_err(|e| polars_problem(series.name(), &e))?;
    let values = cast.f64().map_err(|e| polars_problem(series.name(), &e))?;
    Ok(values.iter().collect())
}

fn column<'a>(data: &'a DataFrame, name: &str) -> Result<&'a Series, StatsError> {
    data.column(name)
        .map(Column::as_materialized_series)
        .map_err(|_| StatsError::Column {
            column: name.to_owned(),
            rule: "no such column".to_owned(),
        })
}

fn band_column(data: &DataFrame, name: &str) -> Result<Vec<AgeBand>, StatsError> {
    let series = column(data, name)?;
    let text = series
        .cast(&DataType::String)
        .map_err(|e| polars_problem(name, &e))?;
    let text = text.str().map_err(|e| polars_problem(name, &e))?;
    let mut cache: HashMap<&str, AgeBand> = HashMap::new();
    text.iter()
        .enumerate()
        .map(|(row, cell)| {
            let cell = cell.ok_or_else(|| StatsError::Column {
                column: name.to_owned(),
                rule: format!("row {row} has no age band"),
            })?;
            if let Some(band) = cache.get(cell) {
                return Ok(*band);
            }
            let band: AgeBand = cell.parse().map_err(|e| StatsError::Column {
                column: name.to_owned(),
                rule: format!("row {row}: `{cell}` is not an age band ({e})"),
            })?;
            cache.insert(cell, band);
            Ok(band)
        })
        .collect()
}

fn key_text(keys: &[Column], group: usize) -> String {
    keys.iter()
        .map(|k| {
            let value = k
                .get(group)
                .map_or_else(|_| "?".to_owned(), |v| v.to_string());
            format!("{}={}", k.name(), value.trim_matches('"'))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn polars_problem(column: &str, error: &PolarsError) -> StatsError {
    StatsError::Column {
        column: column.to_owned(),
        rule: error.to_string(),
    }
}

/// `columns` followed by `value` and the limits per confidence level, scaled.
fn frame(
    mut columns: Vec<Column>,
    rows: &[Row],
    confidences: &[Confidence],
    multiplier: f64,
) -> Result<DataFrame, StatsError> {
    let pick = |f: &dyn Fn(&Vec<Estimate>) -> f64| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| r.as_ref().map(|r| f(r) * multiplier))
            .collect()
    };
    columns.push(Column::new("value".into(), pick(&|r| r[0].value)));
    for (i, c) in confidences.iter().enumerate() {
        let label = c.label();
        columns.push(Column::new(
            format!("lower_{label}").into(),
            pick(&|r| r[i].lower),
        ));
        columns.push(Column::new(
            format!("upper_{label}").into(),
            pick(&|r| r[i].upper),
        ));
    }
    DataFrame::new_infer_height(columns).map_err(|e| polars_problem("result", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: BandedCounts<'static> = BandedCounts {
        by: &["area"],
        band: "band",
        events: "x",
        population: "n",
    };

    fn esp_frame(areas: &[&str], events: f64) -> DataFrame {
        let esp = StandardPopulation::esp2013();
        let mut area = Vec::new();
        let mut band = Vec::new();
        for a in areas {
            for (b, _) in esp.bands().collect::<Vec<_>>().into_iter().rev() {
                area.push(*a);
                band.push(b.to_string());
            }
        }
        let n = area.len();
        DataFrame::new_infer_height(vec![
            Column::new("area".into(), area),
            Column::new("band".into(), band),
            Column::new("x".into(), vec![events; n]),
            Column::new("n".into(), vec![1000_i64; n]),
        ])
        .unwrap()
    }

    #[test]
    fn dsr_per_group_matches_the_scalar_method() {
        let data = esp_frame(&["BU1", "BU2"], 2.0);
        let out = dsr(
            &data,
            COLUMNS,
            &StandardPopulation::esp2013(),
            &Confidence::PAIR,
            100_000.0,
        )
        .unwrap();
        assert_eq!(out.height(), 2);
        let names: Vec<&str> = out.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "area",
                "events",
                "population",
                "value",
                "lower_95",
                "upper_95",
                "lower_99_8",
                "upper_99_8",
                "withheld"
            ]
        );
        let value = out.column("value").unwrap().f64().unwrap().get(0).unwrap();
        assert!((value - 200.0).abs() < 1e-9);
        assert!(out.column("withheld").unwrap().is_null().all());
    }

    #[test]
    fn few_events_are_withheld_and_mismatches_name_the_group() {
        let data = esp_frame(&["BU1"], 0.25);
        let out = dsr(
            &data,
            COLUMNS,
            &StandardPopulation::esp2013(),
            &[Confidence::C95],
            1.0,
        )
        .unwrap();
        assert!(out.column("value").unwrap().is_null().all());
        let reason = out
            .column("withheld")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_owned();
        assert_eq!(reason, "4.75 events, fewer than the 10 the method needs");
        let partial = esp_frame(&["BU1"], 1.0).slice(1, 18);
        let err = dsr(
            &partial,
            COLUMNS,
            &StandardPopulation::esp2013(),
            &[Confidence::C95],
            1.0,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "group area=BU1: the age bands do not match standard population `ESP2013`: missing 90+"
        );
    }

    #[test]
    fn proportions_from_series_with_nulls_and_bad_types() {
        let x = Series::new("x".into(), [Some(5_i32), None]);
        let n = Series::new("n".into(), [Some(10_i32), Some(4)]);
        let out = proportions(&x, &n, &[Confidence::C95], 100.0).unwrap();
        let v = out.column("value").unwrap().f64().unwrap();
        assert_eq!((v.get(0), v.get(1)), (Some(50.0), None));
        let text = Series::new("x".into(), ["a"]);
        assert!(proportions(&text, &n.slice(0, 1), &[Confidence::C95], 1.0).is_err());
        let bad = Series::new("x".into(), [5_i32]);
        let err = rates(
            &bad,
            &Series::new("n".into(), [0_i32]),
            &[Confidence::C95],
            1.0,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 0: x = 5, n = 0: the denominator must be a positive number"
        );
    }
}
