//! `#[pyfunction]`s for `wijkprofiel.stats`: conversions only; the methods are the core's.
//! Results are plain Python values; `wijkprofiel/stats.py` shapes them into DataFrames.

use crate::errors::Guarded;
use pyo3::prelude::*;
use pyo3_polars::{PyDataFrame, PySeries};
use wijkprofiel::AgeBand;
use wijkprofiel::stats::columns::{self, BandedCounts};
use wijkprofiel::stats::distribution::{self, Order};
use wijkprofiel::stats::dsr::{Dsr, Repeat, Stratum};
use wijkprofiel::stats::indirect::{Indirect, ReferenceStratum};
use wijkprofiel::stats::inequality::{self, Group, Scale, Simulation};
use wijkprofiel::stats::standard::StandardPopulation;
use wijkprofiel::stats::{
    Confidence, Estimate, StatsError, funnel, life_table, mean, multiple, rao_scott, smoothing,
    survey, trend,
};

use crate::errors::stats_error;

type Limits = Vec<(f64, f64, f64)>;
/// Per confidence level: SII value, lower, upper, then RII value, lower, upper.
type SiiRows = Vec<(f64, f64, f64, f64, f64, f64)>;
/// Per age band: the band, its life expectancy with limits (if any), and why not.
type LifeRows = Vec<(String, Option<Limits>, Option<String>)>;

fn levels(py: Python<'_>, confidence: Vec<f64>) -> PyResult<Vec<Confidence>> {
    confidence
        .into_iter()
        .map(|c| Confidence::new(c).map_err(|e| stats_error(py, e)))
        .collect()
}

fn triples(estimates: &[Estimate]) -> Limits {
    estimates
        .iter()
        .map(|e| (e.value, e.lower, e.upper))
        .collect()
}

/// The age bands of `texts`; a band that does not parse is named with `what` (the argument
/// that gave it).
fn bands(py: Python<'_>, texts: &[String], what: &'static str) -> PyResult<Vec<AgeBand>> {
    texts
        .iter()
        .map(|t| {
            t.parse::<AgeBand>().map_err(|e| {
                stats_error(
                    py,
                    StatsError::Shape {
                        what,
                        rule: format!("`{t}` is not an age band ({e})"),
                    },
                )
            })
        })
        .collect()
}

fn standard(
    py: Python<'_>,
    given: Option<(Vec<String>, Vec<f64>)>,
) -> PyResult<StandardPopulation> {
    match given {
        None => Ok(StandardPopulation::esp2013()),
        Some((names, weights)) => {
            let b = bands(py, &names, "standard")?;
            StandardPopulation::new("given", b.into_iter().zip(weights))
                .map_err(|e| stats_error(py, e))
        }
    }
}

/// Row by row: `kind` = proportion (Wilson) or rate (exact/Byar).
#[pyfunction]
pub(crate) fn per_row(
    py: Python<'_>,
    kind: &str,
    x: PySeries,
    n: PySeries,
    confidence: Vec<f64>,
    multiplier: f64,
) -> PyResult<PyDataFrame> {
    let c = levels(py, confidence)?;
    let method = if kind == "proportion" {
        columns::proportions
    } else {
        columns::rates
    };
    py.guarded(|| method(&x.0, &n.0, &c, multiplier))?
        .map(PyDataFrame)
        .map_err(|e| stats_error(py, e))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (data, by, band, events, population, standard_population, confidence, multiplier))]
pub(crate) fn dsr_frame(
    py: Python<'_>,
    data: PyDataFrame,
    by: Vec<String>,
    band: String,
    events: String,
    population: String,
    standard_population: Option<(Vec<String>, Vec<f64>)>,
    confidence: Vec<f64>,
    multiplier: f64,
) -> PyResult<PyDataFrame> {
    let c = levels(py, confidence)?;
    let s = standard(py, standard_population)?;
    let by: Vec<&str> = by.iter().map(String::as_str).collect();
    let spec = BandedCounts {
        by: &by,
        band: &band,
        events: &events,
        population: &population,
    };
    py.guarded(|| columns::dsr(&data.0, spec, &s, &c, multiplier))?
        .map(PyDataFrame)
        .map_err(|e| stats_error(py, e))
}

/// One DSR from age-band lists; `repeats` (band, frequency, persons) for non-independent
/// events. Returns (events, population, limits or None, withheld reason or None).
#[pyfunction]
#[pyo3(signature = (band, events, population, standard_population, confidence, repeats=None))]
pub(crate) fn dsr(
    py: Python<'_>,
    band: Vec<String>,
    events: Vec<f64>,
    population: Vec<f64>,
    standard_population: Option<(Vec<String>, Vec<f64>)>,
    confidence: Vec<f64>,
    repeats: Option<Vec<(String, f64, f64)>>,
) -> PyResult<(f64, f64, Option<Limits>, Option<String>)> {
    let c = levels(py, confidence)?;
    let s = standard(py, standard_population)?;
    let b = bands(py, &band, "bands")?;
    if b.len() != events.len() || b.len() != population.len() {
        return Err(stats_error(
            py,
            StatsError::Shape {
                what: "dsr",
                rule: "band, events and population differ in length".to_owned(),
            },
        ));
    }
    let strata: Vec<Stratum> = b
        .iter()
        .zip(events.iter().zip(&population))
        .map(|(&band, (&events, &population))| Stratum {
            band,
            events,
            population,
        })
        .collect();
    let d = match repeats {
        None => Dsr::new(&strata, &s),
        Some(rows) => {
            let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
            let rb = bands(py, &names, "repeats")?;
            let repeats: Vec<Repeat> = rb
                .into_iter()
                .zip(&rows)
                .map(|(band, r)| Repeat {
                    band,
                    frequency: r.1,
                    persons: r.2,
                })
                .collect();
            Dsr::non_independent(&strata, &repeats, &s)
        }
    }
    .map_err(|e| stats_error(py, e))?;
    let estimates: Result<Vec<Estimate>, _> = c.iter().map(|&c| d.estimate(c)).collect();
    Ok(match estimates {
        Ok(e) => (d.events, d.population, Some(triples(&e)), None),
        Err(why) => (d.events, d.population, None, Some(why.to_string())),
    })
}

/// (observed, expected, reference rate, ratio limits, rate limits).
#[pyfunction]
pub(crate) fn indirect(
    py: Python<'_>,
    observed: f64,
    population: Vec<f64>,
    reference_events: Vec<f64>,
    reference_population: Vec<f64>,
    confidence: Vec<f64>,
) -> PyResult<(f64, f64, f64, Limits, Limits)> {
    let c = levels(py, confidence)?;
    if population.len() != reference_events.len() || population.len() != reference_population.len()
    {
        return Err(stats_error(
            py,
            StatsError::Shape {
                what: "indirect standardisation",
                rule: "the stratum lists differ in length".to_owned(),
            },
        ));
    }
    let strata: Vec<ReferenceStratum> = population
        .iter()
        .zip(reference_events.iter().zip(&reference_population))
        .map(
            |(&population, (&reference_events, &reference_population))| ReferenceStratum {
                population,
                reference_events,
                reference_population,
            },
        )
        .collect();
    let i = Indirect::new(observed, &strata).map_err(|e| stats_error(py, e))?;
    let ratio: Vec<Estimate> = c.iter().map(|&c| i.ratio(c)).collect();
    let rate: Vec<Estimate> = c.iter().map(|&c| i.rate(c)).collect();
    Ok((
        i.observed,
        i.expected,
        i.reference_rate,
        triples(&ratio),
        triples(&rate),
    ))
}

#[pyfunction]
pub(crate) fn student_t(
    py: Python<'_>,
    values: Vec<f64>,
    confidence: Vec<f64>,
) -> PyResult<Limits> {
    let c = levels(py, confidence)?;
    let e: Result<Vec<Estimate>, StatsError> =
        c.iter().map(|&c| mean::student_t(&values, c)).collect();
    e.map(|e| triples(&e)).map_err(|e| stats_error(py, e))
}

/// A named choice (`lonely_psu`, `interval`, `method`), or a `ValueError` naming the argument.
fn choice<T: std::str::FromStr<Err = String>>(argument: &str, text: &str) -> PyResult<T> {
    text.parse()
        .map_err(|e: String| pyo3::exceptions::PyValueError::new_err(format!("{argument}: {e}")))
}

/// The survey design of the columns `stats.py` passes (strata and PSUs as codes).
fn design<'a>(
    weights: &'a [f64],
    strata: Option<&'a [u32]>,
    clusters: Option<&'a [u32]>,
    population: Option<&'a [f64]>,
    lonely_psu: &str,
) -> PyResult<survey::Design<'a>> {
    Ok(survey::Design {
        weights,
        strata,
        clusters,
        population,
        lonely_psu: choice("lonely_psu", lonely_psu)?,
    })
}

/// Per group: value, standard error, degrees of freedom, respondents, weighted total, design
/// effect, effective sample size, and the limits at each level (none for a group number no
/// respondent has).
type SurveyRows = Vec<Option<(f64, f64, f64, usize, f64, Option<f64>, f64, Limits)>>;

/// Design-based means per group (`stats.survey_mean` shapes the frame): strata and PSUs as
/// codes; `interval` names a [`survey::Interval`] (`logit`, `korn-graubard`, `wilson`, `wald`).
#[pyfunction]
#[pyo3(signature = (weights, values, groups, strata, psus, population, lonely_psu, confidence, interval))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn survey_means(
    py: Python<'_>,
    weights: Vec<f64>,
    values: Vec<f64>,
    groups: Vec<u32>,
    strata: Option<Vec<u32>>,
    psus: Option<Vec<u32>>,
    population: Option<Vec<f64>>,
    lonely_psu: &str,
    confidence: Vec<f64>,
    interval: &str,
) -> PyResult<SurveyRows> {
    let c = levels(py, confidence)?;
    let interval: survey::Interval = choice("interval", interval)?;
    let design = design(
        &weights,
        strata.as_deref(),
        psus.as_deref(),
        population.as_deref(),
        lonely_psu,
    )?;
    let means = py
        .guarded(|| survey::means_by(&design, &values, &groups))?
        .map_err(|e| stats_error(py, e))?;
    Ok(means
        .into_iter()
        .map(|m| {
            m.map(|m| {
                let limits: Vec<Estimate> = c.iter().map(|&c| m.interval(interval, c)).collect();
                (
                    m.value,
                    m.se,
                    m.df,
                    m.respondents,
                    m.weight,
                    m.deff,
                    m.effective_n(),
                    triples(&limits),
                )
            })
        })
        .collect())
}

/// Rest-of-reference contrasts (`stats.survey_contrast` shapes the frame): per domain (row
/// list), the domain against the rest of its reference (`references[reference_of[k]]`, each
/// prepared once; the domain's rows lie in it): difference, standard error, degrees of
/// freedom and two-sided p-value.
#[pyfunction]
#[pyo3(signature = (weights, values, strata, psus, population, lonely_psu, domains, references, reference_of))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn survey_contrasts(
    py: Python<'_>,
    weights: Vec<f64>,
    values: Vec<f64>,
    strata: Option<Vec<u32>>,
    psus: Option<Vec<u32>>,
    population: Option<Vec<f64>>,
    lonely_psu: &str,
    domains: Vec<Vec<usize>>,
    references: Vec<Vec<usize>>,
    reference_of: Vec<usize>,
) -> PyResult<Vec<(f64, f64, f64, f64)>> {
    let design = design(
        &weights,
        strata.as_deref(),
        psus.as_deref(),
        population.as_deref(),
        lonely_psu,
    )?;
    let found: Result<Vec<_>, StatsError> = py.guarded(|| {
        let prepared = survey::Prepared::new(&design, &values)?;
        let references: Vec<survey::Reference> =
            references.iter().map(|r| prepared.reference(r)).collect();
        domains
            .iter()
            .zip(&reference_of)
            .map(|(d, &r)| {
                let reference = references.get(r).ok_or_else(|| StatsError::Shape {
                    what: "survey contrast",
                    rule: format!("no reference {r}"),
                })?;
                let c = prepared.contrast_within(d, reference)?;
                Ok((c.difference, c.se, c.df, c.p_value()))
            })
            .collect()
    })?;
    found.map_err(|e| stats_error(py, e))
}

/// A group, its later and earlier round, and the change: difference, SE, df, p-value.
type ChangeRow = (u32, u32, u32, f64, f64, f64, f64);

/// Each group's change from one round to the next ([`survey::changes_by`];
/// `stats.survey_change` shapes the frame): the group, the later round, the earlier, the
/// difference, its standard error, degrees of freedom and p-value.
#[pyfunction]
#[pyo3(signature = (weights, values, groups, rounds, strata, psus, population, lonely_psu))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn survey_changes(
    py: Python<'_>,
    weights: Vec<f64>,
    values: Vec<f64>,
    groups: Vec<u32>,
    rounds: Vec<u32>,
    strata: Option<Vec<u32>>,
    psus: Option<Vec<u32>>,
    population: Option<Vec<f64>>,
    lonely_psu: &str,
) -> PyResult<Vec<ChangeRow>> {
    let design = design(
        &weights,
        strata.as_deref(),
        psus.as_deref(),
        population.as_deref(),
        lonely_psu,
    )?;
    let changes = py
        .guarded(|| survey::changes_by(&design, &values, &groups, &rounds))?
        .map_err(|e| stats_error(py, e))?;
    Ok(changes
        .into_iter()
        .map(|c| {
            let t = c.contrast;
            (
                c.group,
                c.round,
                c.previous,
                t.difference,
                t.se,
                t.df,
                t.p_value(),
            )
        })
        .collect())
}

/// The Rao–Scott test of association of two categorical columns (codes; `u32::MAX` for a
/// missing answer): Pearson's X², the corrected statistic, its degrees of freedom, p-value,
/// the order of the correction (`second` or `first`) and the first-order p-value.
#[pyfunction]
#[pyo3(signature = (weights, rows, cols, strata, psus, population, lonely_psu))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn survey_association(
    py: Python<'_>,
    weights: Vec<f64>,
    rows: Vec<u32>,
    cols: Vec<u32>,
    strata: Option<Vec<u32>>,
    psus: Option<Vec<u32>>,
    population: Option<Vec<f64>>,
    lonely_psu: &str,
) -> PyResult<(f64, f64, f64, f64, f64, &'static str, f64)> {
    let design = design(
        &weights,
        strata.as_deref(),
        psus.as_deref(),
        population.as_deref(),
        lonely_psu,
    )?;
    let test = py
        .guarded(|| rao_scott::association(&design, &rows, &cols))?
        .map_err(|e| stats_error(py, e))?;
    let order = match test.order {
        rao_scott::Order::Second => "second",
        rao_scott::Order::First => "first",
    };
    Ok((
        test.pearson,
        test.statistic,
        test.ndf,
        test.ddf,
        test.p_value,
        order,
        test.p_first_order,
    ))
}

/// P-values adjusted over their tests (`p.adjust`); NaN for a test not made. `argument`
/// names the method in a message (`method`, or `adjust` where a test function took it).
#[pyfunction]
#[pyo3(signature = (p, method, argument = "method"))]
pub(crate) fn adjust_p_values(
    py: Python<'_>,
    p: Vec<f64>,
    method: &str,
    argument: &str,
) -> PyResult<Vec<f64>> {
    let method: multiple::Adjustment = choice(argument, method)?;
    multiple::adjust(&p, method).map_err(|e| stats_error(py, e))
}

#[pyfunction]
pub(crate) fn percentiles(
    py: Python<'_>,
    values: Vec<f64>,
    probabilities: Vec<f64>,
) -> PyResult<Vec<f64>> {
    distribution::percentiles(&values, &probabilities).map_err(|e| stats_error(py, e))
}

fn order(highest_first: bool) -> Order {
    if highest_first {
        Order::HighestFirst
    } else {
        Order::LowestFirst
    }
}

#[pyfunction]
pub(crate) fn ranks(py: Python<'_>, values: Vec<f64>, highest_first: bool) -> PyResult<Vec<usize>> {
    distribution::ranks(&values, order(highest_first)).map_err(|e| stats_error(py, e))
}

#[pyfunction]
pub(crate) fn quantile_groups(
    py: Python<'_>,
    values: Vec<f64>,
    groups: usize,
    highest_first: bool,
) -> PyResult<Option<Vec<usize>>> {
    distribution::quantile_groups(&values, groups, order(highest_first))
        .map_err(|e| stats_error(py, e))
}

/// Limits (lower, upper) per size for `kind` = proportion (benchmark p, sizes n), ratio
/// (sizes = expected events) or rate (benchmark rate, sizes = population).
#[pyfunction]
pub(crate) fn funnel_limits(
    py: Python<'_>,
    kind: &str,
    benchmark: f64,
    sizes: Vec<f64>,
    confidence: f64,
) -> PyResult<Vec<(f64, f64)>> {
    let c = Confidence::new(confidence).map_err(|e| stats_error(py, e))?;
    sizes
        .iter()
        .map(|&size| match kind {
            "proportion" => funnel::proportion_limits(benchmark, size, c),
            "ratio" => funnel::ratio_limits(size, c),
            _ => funnel::rate_limits(benchmark, size, c),
        })
        .collect::<Result<_, _>>()
        .map_err(|e| stats_error(py, e))
}

/// Significance against the funnel per area: `kind` proportion (x, n, benchmark p) or ratio
/// (observed, expected).
#[pyfunction]
pub(crate) fn funnel_significance(
    py: Python<'_>,
    kind: &str,
    x: Vec<f64>,
    n: Vec<f64>,
    benchmark: f64,
) -> PyResult<Vec<&'static str>> {
    x.iter()
        .zip(&n)
        .map(|(&x, &n)| {
            let s = if kind == "proportion" {
                funnel::proportion_significance(x, n, benchmark)
            } else {
                funnel::ratio_significance(x, n)
            };
            s.map(|s| s.label())
        })
        .collect::<Result<_, _>>()
        .map_err(|e| stats_error(py, e))
}

/// (slope, chi-square, direction) for `kind` = weighted (times, values, standard errors) or
/// cochran-armitage (times, x, n).
#[pyfunction]
#[pyo3(name = "trend")]
pub(crate) fn trend_test(
    py: Python<'_>,
    kind: &str,
    times: Vec<f64>,
    a: Vec<f64>,
    b: Vec<f64>,
    confidence: f64,
) -> PyResult<(f64, f64, String)> {
    let c = Confidence::new(confidence).map_err(|e| stats_error(py, e))?;
    let points: Vec<(f64, f64, f64)> = times
        .iter()
        .zip(a.iter().zip(&b))
        .map(|(&t, (&a, &b))| (t, a, b))
        .collect();
    let t = if kind == "weighted" {
        trend::weighted(&points, c)
    } else {
        trend::cochran_armitage(&points, c)
    };
    Ok((t.slope, t.chi_square, t.direction.label().to_owned()))
}

/// Per confidence level: (sii value, lower, upper, rii value, lower, upper).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sii(
    py: Python<'_>,
    population: Vec<f64>,
    value: Vec<f64>,
    lower95: Vec<f64>,
    upper95: Vec<f64>,
    scale: &str,
    confidence: Vec<f64>,
    repetitions: usize,
    seed: u64,
) -> PyResult<SiiRows> {
    let c = levels(py, confidence)?;
    let scale = match scale {
        "rate" => Scale::Rate,
        "proportion" => Scale::Proportion,
        _ => Scale::Normal,
    };
    let groups: Vec<Group> = population
        .iter()
        .zip(value.iter().zip(lower95.iter().zip(&upper95)))
        .map(|(&population, (&value, (&lower95, &upper95)))| Group {
            population,
            value,
            lower95,
            upper95,
        })
        .collect();
    let simulation = Simulation { repetitions, seed };
    let r = py
        .guarded(|| inequality::sii(&groups, scale, &c, simulation))?
        .map_err(|e| stats_error(py, e))?;
    Ok(r.iter()
        .map(|i| {
            (
                i.sii.value,
                i.sii.lower,
                i.sii.upper,
                i.rii.value,
                i.rii.lower,
                i.rii.upper,
            )
        })
        .collect())
}

/// Per band: (band, limits or None, withheld reason or None).
#[pyfunction]
pub(crate) fn life_expectancy(
    py: Python<'_>,
    band: Vec<String>,
    deaths: Vec<f64>,
    population: Vec<f64>,
    confidence: Vec<f64>,
) -> PyResult<LifeRows> {
    let c = levels(py, confidence)?;
    let b = bands(py, &band, "bands")?;
    let rows: Vec<life_table::Band> = b
        .into_iter()
        .zip(deaths.iter().zip(&population))
        .map(|(band, (&deaths, &population))| life_table::Band {
            band,
            deaths,
            population,
        })
        .collect();
    let table = life_table::life_expectancy(&rows, &c).map_err(|e| stats_error(py, e))?;
    Ok(table
        .into_iter()
        .map(|l| match l.estimates {
            Ok(e) => (l.band.to_string(), Some(triples(&e)), None),
            Err(why) => (l.band.to_string(), None, Some(why.to_string())),
        })
        .collect())
}

/// (prior mean, prior variance, heterogeneity, limits per area) for `kind` = rates
/// (observed, exposure) or proportions (x, n).
#[pyfunction]
pub(crate) fn smooth(
    py: Python<'_>,
    kind: &str,
    a: Vec<f64>,
    b: Vec<f64>,
    confidence: f64,
) -> PyResult<(f64, f64, bool, Limits)> {
    let c = Confidence::new(confidence).map_err(|e| stats_error(py, e))?;
    let s = if kind == "rates" {
        smoothing::poisson_gamma(&a, &b, c)
    } else {
        smoothing::beta_binomial(&a, &b, c)
    }
    .map_err(|e| stats_error(py, e))?;
    Ok((
        s.prior.mean,
        s.prior.variance,
        s.prior.heterogeneity,
        triples(&s.estimates),
    ))
}

/// Registers the functions as the submodule `wijkprofiel._core.stats`.
/// Per row: the judgement label of an area against a benchmark (`better`, `worst`,
/// `similar`, `higher`, `not-available`, ...), from its 95% and (optional) 99.8% limits.
#[pyfunction]
pub(crate) fn compare(
    py: Python<'_>,
    limits95: Vec<(Option<f64>, Option<f64>)>,
    limits998: Vec<(Option<f64>, Option<f64>)>,
    benchmark: Vec<Option<f64>>,
    polarity: &str,
) -> PyResult<Vec<&'static str>> {
    let polarity: wijkprofiel::Polarity =
        serde_json::from_str(&format!("{polarity:?}")).map_err(|_| {
            stats_error(
                py,
                StatsError::Shape {
                    what: "polarity",
                    rule: format!(
                        "`{polarity}` is not higher-better, lower-better, no-judgement or \
                         not-compared"
                    ),
                },
            )
        })?;
    let estimate = |(lower, upper): (Option<f64>, Option<f64>)| {
        Some(Estimate {
            value: f64::NAN,
            lower: lower?,
            upper: upper?,
        })
    };
    Ok(limits95
        .into_iter()
        .zip(limits998)
        .zip(benchmark)
        .map(|((inner, outer), b)| {
            let (inner, outer) = (estimate(inner), estimate(outer));
            wijkprofiel::stats::compare::judge(inner.as_ref(), outer.as_ref(), b, polarity).label()
        })
        .collect())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let module = PyModule::new(m.py(), "stats")?;
    for f in [
        wrap_pyfunction!(per_row, &module)?,
        wrap_pyfunction!(dsr_frame, &module)?,
        wrap_pyfunction!(dsr, &module)?,
        wrap_pyfunction!(indirect, &module)?,
        wrap_pyfunction!(student_t, &module)?,
        wrap_pyfunction!(survey_means, &module)?,
        wrap_pyfunction!(survey_contrasts, &module)?,
        wrap_pyfunction!(adjust_p_values, &module)?,
        wrap_pyfunction!(survey_association, &module)?,
        wrap_pyfunction!(survey_changes, &module)?,
        wrap_pyfunction!(percentiles, &module)?,
        wrap_pyfunction!(ranks, &module)?,
        wrap_pyfunction!(quantile_groups, &module)?,
        wrap_pyfunction!(funnel_limits, &module)?,
        wrap_pyfunction!(funnel_significance, &module)?,
        wrap_pyfunction!(trend_test, &module)?,
        wrap_pyfunction!(sii, &module)?,
        wrap_pyfunction!(life_expectancy, &module)?,
        wrap_pyfunction!(smooth, &module)?,
        wrap_pyfunction!(compare, &module)?,
    ] {
        module.add_function(f)?;
    }
    m.add_submodule(&module)
}
