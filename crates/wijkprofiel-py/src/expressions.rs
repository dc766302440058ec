//! polars expression plugins: the core's methods inside an analyst's own (lazy) query.
//! `wijkprofiel/expr.py` registers them; each returns a struct column (`value`,
//! `lower_95`, `upper_95`, ...), as the `wijkprofiel.stats` functions return frames.

use polars::prelude::*;
use pyo3_polars::derive::polars_expr;
use serde::Deserialize;
use wijkprofiel::AgeBand;
use wijkprofiel::stats::columns;
use wijkprofiel::stats::dsr::{Dsr, Stratum};
use wijkprofiel::stats::standard::StandardPopulation;
use wijkprofiel::stats::{Confidence, StatsError};

/// The keyword arguments of every plugin.
#[derive(Debug, Deserialize)]
struct Options {
    confidence: Vec<f64>,
    multiplier: f64,
    /// DSR only: the standard population as bands and weights (ESP2013 when empty).
    #[serde(default)]
    standard_bands: Vec<String>,
    #[serde(default)]
    standard_weights: Vec<f64>,
}

fn problem(e: impl std::fmt::Display) -> PolarsError {
    PolarsError::ComputeError(e.to_string().into())
}

fn levels(options: &Options) -> PolarsResult<Vec<Confidence>> {
    options
        .confidence
        .iter()
        .map(|&c| Confidence::new(c).map_err(problem))
        .collect()
}

/// The struct of a value and its intervals.
fn interval_type(input: &[Field], options: Options) -> PolarsResult<Field> {
    let mut fields = vec![Field::new("value".into(), DataType::Float64)];
    for c in levels(&options)? {
        let label = c.label();
        fields.push(Field::new(
            format!("lower_{label}").into(),
            DataType::Float64,
        ));
        fields.push(Field::new(
            format!("upper_{label}").into(),
            DataType::Float64,
        ));
    }
    let name = input
        .first()
        .map_or_else(|| "interval".into(), |f| f.name().clone());
    Ok(Field::new(name, DataType::Struct(fields)))
}

fn as_struct(frame: DataFrame, name: &PlSmallStr) -> Series {
    frame.into_struct(name.clone()).into_series()
}

/// Proportions `x / n` with Wilson intervals, row by row.
#[polars_expr(output_type_func_with_kwargs=interval_type)]
fn wilson(inputs: &[Series], kwargs: Options) -> PolarsResult<Series> {
    let frame = columns::proportions(&inputs[0], &inputs[1], &levels(&kwargs)?, kwargs.multiplier)
        .map_err(problem)?;
    Ok(as_struct(frame, inputs[0].name()))
}

/// Rates `x / n` with exact Poisson (below 10 events) or Byar intervals, row by row.
#[polars_expr(output_type_func_with_kwargs=interval_type)]
fn poisson(inputs: &[Series], kwargs: Options) -> PolarsResult<Series> {
    let frame = columns::rates(&inputs[0], &inputs[1], &levels(&kwargs)?, kwargs.multiplier)
        .map_err(problem)?;
    Ok(as_struct(frame, inputs[0].name()))
}

/// The directly standardised rate of one group (Dobson intervals): inputs are the age band,
/// the events and the population of the group's rows; nulls when the DSR is withheld
/// (fewer than 10 events).
#[polars_expr(output_type_func_with_kwargs=interval_type)]
fn dsr(inputs: &[Series], kwargs: Options) -> PolarsResult<Series> {
    let standard = if kwargs.standard_bands.is_empty() {
        StandardPopulation::esp2013()
    } else {
        let bands: Vec<AgeBand> = kwargs
            .standard_bands
            .iter()
            .map(|b| b.parse().map_err(problem))
            .collect::<PolarsResult<_>>()?;
        StandardPopulation::new(
            "given",
            bands
                .into_iter()
                .zip(kwargs.standard_weights.iter().copied()),
        )
        .map_err(problem)?
    };
    let bands = inputs[0].str()?;
    let (events, population) = (
        columns::floats(&inputs[1]).map_err(problem)?,
        columns::floats(&inputs[2]).map_err(problem)?,
    );
    let mut strata = Vec::with_capacity(bands.len());
    for ((band, e), p) in bands.iter().zip(events).zip(population) {
        let (Some(band), Some(events), Some(population)) = (band, e, p) else {
            return Err(problem(
                "a null band, event count or population in a DSR group",
            ));
        };
        let band: AgeBand = band
            .parse()
            .map_err(|e| problem(format!("age band `{band}`: {e}")))?;
        strata.push(Stratum {
            band,
            events,
            population,
        });
    }
    let levels = levels(&kwargs)?;
    let estimates: Option<Vec<_>> = match Dsr::new(&strata, &standard) {
        Ok(dsr) => levels.iter().map(|&c| dsr.estimate(c).ok()).collect(),
        Err(e @ StatsError::StandardMismatch { .. }) => return Err(problem(e)),
        Err(e) => return Err(problem(e)),
    };
    let scale = |v: f64| Some(v * kwargs.multiplier);
    let mut columns = vec![Column::new(
        "value".into(),
        [estimates.as_ref().and_then(|e| scale(e[0].value))],
    )];
    for (i, c) in levels.iter().enumerate() {
        let label = c.label();
        columns.push(Column::new(
            format!("lower_{label}").into(),
            [estimates.as_ref().and_then(|e| scale(e[i].lower))],
        ));
        columns.push(Column::new(
            format!("upper_{label}").into(),
            [estimates.as_ref().and_then(|e| scale(e[i].upper))],
        ));
    }
    Ok(as_struct(
        DataFrame::new_infer_height(columns)?,
        inputs[1].name(),
    ))
}
