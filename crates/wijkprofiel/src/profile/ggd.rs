//! GGD health-monitor figures: estimates taken as given at the level they come in, and
//! aggregated upward weighted by the population of the indicator's age group.
//!
//! The interval of an aggregate treats the sub-areas' estimates as independent: each
//! standard error is read from its inner interval, SE = (upper − lower) / (2 × 1.96) at 95%, and the
//! weighted mean's is √(Σ wᵢ² SEᵢ²) / Σ wᵢ; the limits are value ± z × SE, kept within 0 and
//! the multiplier. Small-area model estimates of neighbouring areas are positively
//! correlated, so this interval is, if anything, too narrow.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use polars::prelude::*;

use super::figure::{Figure, Intervals, Method, Mode, Reason, Status};
use super::hierarchy::Hierarchy;
use super::population::Residents;
use crate::stats::proportion::wilson;
use crate::stats::{Confidence, Estimate};
use crate::{AgeBand, Catalogue, Indicator, Kind, Sex, Source};

/// A published estimate: value and 95% interval, respondents if known.
#[derive(Debug, Clone, Copy)]
struct Given {
    value: f64,
    lower: f64,
    upper: f64,
    respondents: Option<f64>,
}

/// The given estimates of one indicator, by year and area index.
#[derive(Debug, Default)]
pub(crate) struct Estimates {
    given: HashMap<(i32, usize), Given, FixedState>,
    years: Vec<i32>,
}

impl Estimates {
    /// The rows of `ggd_estimates` in each GGD indicator's age scope, by catalogue index.
    pub(super) fn read(
        frame: &DataFrame,
        catalogue: &Catalogue,
        area_of: &HashMap<&str, usize, FixedState>,
    ) -> PolarsResult<HashMap<usize, Self>> {
        let scopes: HashMap<&str, (usize, Option<AgeBand>), FixedState> = catalogue
            .indicators()
            .iter()
            .enumerate()
            .filter(|(_, ind)| ind.source == Source::Ggd)
            .map(|(i, ind)| (ind.id.as_str(), (i, ind.age.parse().ok())))
            .collect();
        let mut groups: HashMap<&str, Option<AgeBand>, FixedState> = HashMap::default();
        let c = |name: &str| frame.column(name);
        let rows = c("area_code")?
            .str()?
            .iter()
            .zip(c("year")?.i32()?.iter())
            .zip(c("indicator")?.str()?.iter())
            .zip(c("age_group")?.str()?.iter())
            .zip(c("value")?.f64()?.iter())
            .zip(c("lower")?.f64()?.iter())
            .zip(c("upper")?.f64()?.iter())
            .zip(c("respondents")?.i64()?.iter());
        let mut out: HashMap<usize, Self> = HashMap::new();
        for (((((((area, year), ind), group), value), lower), upper), respondents) in rows {
            let (Some(&(index, scope)), Some(group)) = (ind.and_then(|i| scopes.get(i)), group)
            else {
                continue;
            };
            let band = *groups.entry(group).or_insert_with(|| group.parse().ok());
            if band != scope {
                continue;
            }
            if let (Some(&area), Some(year), Some(value), Some(lower), Some(upper)) =
                (area.and_then(|a| area_of.get(a)), year, value, lower, upper)
            {
                let respondents = respondents.map(|n| n as f64);
                let estimates = out.entry(index).or_default();
                estimates.given.insert(
                    (year, area),
                    Given {
                        value,
                        lower,
                        upper,
                        respondents,
                    },
                );
                if !estimates.years.contains(&year) {
                    estimates.years.push(year);
                }
            }
        }
        for estimates in out.values_mut() {
            estimates.years.sort_unstable();
        }
        Ok(out)
    }
}

/// Every figure of a GGD indicator for the areas below the country, smallest level first.
pub(crate) fn figures(
    estimates: &Estimates,
    tree: &Hierarchy,
    residents: &Residents,
    indicator: (usize, &Indicator),
    levels: (Confidence, Confidence),
) -> Vec<Figure> {
    let (index, ind) = indicator;
    let scope: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
    let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
    let ceiling = ceiling(ind);
    let mask = residents.cells.in_scope(&scope, sex);
    let mut out = Vec::with_capacity(estimates.years.len() * tree.bottom_up.len());
    for &year in &estimates.years {
        let population = residents.year_for(year);
        // Figures of this year by area (their place in `out`), filled smallest level first.
        let mut made = vec![None; tree.level.len()];
        for &area in &tree.bottom_up {
            let mut f = Figure::missing(area, index, year, Mode::Residence, Method::GgdModel);
            f.residents = population.map(|y| residents.sum(area, y, &mask));
            if let Some(given) = estimates.given.get(&(year, area)) {
                f.status = Status::Published;
                f.value = Some(match given.respondents {
                    Some(n) if n > 0.0 => {
                        f.method = Method::GgdRespondents;
                        let x = given.value / ind.multiplier * n;
                        f.numerator = Some(x.round());
                        f.denominator = Some(n);
                        Intervals::compute(levels, |c| wilson(x, n, c))
                            .map(|v| v.scaled(ind.multiplier))
                            .unwrap_or_else(|_| model_intervals(given, levels, ceiling))
                    }
                    _ => model_intervals(given, levels, ceiling),
                });
            } else {
                aggregate(&mut f, &out, &made, tree, levels, ceiling);
            }
            f.crude = f.value;
            made[area] = Some(out.len());
            out.push(f);
        }
    }
    out
}

/// The highest value an indicator's figure can take: its multiplier for a proportion.
fn ceiling(ind: &Indicator) -> f64 {
    if ind.kind == Kind::Proportion {
        ind.multiplier
    } else {
        f64::INFINITY
    }
}

/// The given interval at the chosen levels: each half scaled by z / 1.96, so an asymmetric
/// model interval stays asymmetric.
fn model_intervals(g: &Given, levels: (Confidence, Confidence), ceiling: f64) -> Intervals {
    let z95 = Confidence::C95.z();
    let at = |c: Confidence| {
        let k = c.z() / z95;
        Estimate {
            value: g.value,
            lower: (g.value - (g.value - g.lower) * k).max(0.0),
            upper: (g.value + (g.upper - g.value) * k).min(ceiling),
        }
    };
    Intervals::from_pair(at(levels.0), at(levels.1))
}

/// The population-weighted mean of the parts' figures (children, or a custom area's member
/// buurten), when every part has one.
fn aggregate(
    f: &mut Figure,
    done: &[Figure],
    made: &[Option<usize>],
    tree: &Hierarchy,
    levels: (Confidence, Confidence),
    ceiling: f64,
) {
    f.method = Method::GgdWeighted;
    let parts: Option<Vec<&Figure>> = tree
        .parts(f.area)
        .iter()
        .map(|&c| {
            made.get(c)
                .copied()
                .flatten()
                .map(|i| &done[i])
                .filter(|c| c.value.is_some())
        })
        .collect();
    let parts = match parts {
        Some(p) if !p.is_empty() => p,
        _ => {
            f.status = Status::Missing(Reason::NoEstimate);
            return;
        }
    };
    match weighted_mean(&parts, levels, ceiling) {
        Some((value, respondents)) => {
            f.value = Some(value);
            f.denominator = respondents;
            f.status = Status::Published;
        }
        None => f.status = Status::Missing(Reason::NoResidentsToWeight),
    }
}

/// The residents-weighted mean of the parts' values with its interval, and the parts'
/// respondents added up (when every part has them); none when no part has residents.
fn weighted_mean(
    parts: &[&Figure],
    levels: (Confidence, Confidence),
    ceiling: f64,
) -> Option<(Intervals, Option<f64>)> {
    let (mut weight, mut sum, mut variance, mut respondents) = (0.0, 0.0, 0.0, Some(0.0));
    for part in parts {
        let (Some(w), Some(v)) = (part.residents, part.value) else {
            continue;
        };
        let se = v.standard_error(levels.0);
        weight += w;
        sum += w * v.value;
        variance += w * w * se * se;
        respondents = respondents.zip(part.denominator).map(|(a, b)| a + b);
    }
    if weight <= 0.0 {
        return None;
    }
    let (value, se) = (sum / weight, variance.sqrt() / weight);
    let at = |c: Confidence| Estimate {
        value,
        lower: (value - c.z() * se).max(0.0),
        upper: (value + c.z() * se).min(ceiling),
    };
    Some((
        Intervals::from_pair(at(levels.0), at(levels.1)),
        respondents,
    ))
}

/// Computes every weighted aggregate again from what disclosure control left published, so
/// that none gives back a withheld or unrounded count: the weights are the parts' published
/// residents (rounded, when counts are rounded; a part whose residents are withheld weighs
/// nothing: fewer than the threshold live there), and an aggregate with a part whose value
/// is withheld is withheld too (with the other parts' values and weights, it would give
/// that value back). Areas are taken smallest level first, so that an aggregate of
/// aggregates uses the new values. Respondents stay as disclosure control published them.
pub(crate) fn reweigh(
    figures: &mut [Figure],
    figures_of: &[std::ops::Range<usize>],
    tree: &Hierarchy,
    catalogue: &Catalogue,
    levels: (Confidence, Confidence),
) {
    for &area in &tree.bottom_up {
        for i in figures_of[area].clone() {
            let f = &figures[i];
            if f.method != Method::GgdWeighted || !f.is_published() {
                continue;
            }
            let (indicator, year) = (f.indicator, f.year);
            let ceiling = ceiling(&catalogue.indicators()[indicator]);
            let parts: Vec<&Figure> = tree
                .parts(area)
                .iter()
                .filter_map(|&part| {
                    figures[figures_of[part].clone()]
                        .iter()
                        .find(|p| p.indicator == indicator && p.year == year)
                })
                .collect();
            let withheld = parts.iter().any(|p| p.value.is_none());
            let made = (!withheld)
                .then(|| weighted_mean(&parts, levels, ceiling))
                .flatten();
            let f = &mut figures[i];
            match made {
                Some((value, _)) => {
                    f.value = Some(value);
                    f.crude = Some(value);
                }
                None => {
                    f.value = None;
                    f.crude = None;
                    f.standing = Default::default();
                    f.status = Status::Suppressed(Reason::SmallNumbers);
                }
            }
        }
    }
}
