//! Where each figure stands: against its parent, the region and the national reference;
//! rank, quintile and spine chart among the areas of its level in its region; recent trend.

use std::collections::{BTreeMap, HashMap};

use foldhash::fast::FixedState;
use rayon::prelude::*;

use super::figure::{Comparison, Figure, Intervals, Mode, Standing, TrendFigure};
use super::hierarchy::Hierarchy;
use super::reference::Reference;
use crate::stats::Confidence;
use crate::stats::compare::{Judgement, judge, significance};
use crate::stats::distribution::{Order, percentiles, quantile_groups, ranks, spine};
use crate::stats::trend::{self, weighted};
use crate::{Catalogue, CustomKind, Level, Polarity, Sex, Standardisation};

/// Figures by mode, area, indicator and year.
pub(crate) type Index = HashMap<(Mode, usize, usize, i32), usize, FixedState>;

/// Builds the lookup.
pub(crate) fn index(figures: &[Figure]) -> Index {
    figures
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.mode, f.area, f.indicator, f.year), i))
        .collect()
}

/// Fills the standing of every published figure.
pub(crate) fn fill(
    figures: &mut [Figure],
    tree: &Hierarchy,
    catalogue: &Catalogue,
    national: &Reference,
    levels: (Confidence, Confidence),
) {
    let index = index(figures);
    let value_of = |figures: &[Figure], mode, area, ind, year| -> Option<Intervals> {
        let i = *index.get(&(mode, area, ind, year))?;
        figures[i].published().copied()
    };
    let crude_of = |figures: &[Figure], mode, area, ind, year| -> Option<Intervals> {
        let i = *index.get(&(mode, area, ind, year))?;
        figures[i].published().and(figures[i].crude)
    };
    // Comparisons and excess: read from the figures in parallel, then written into them.
    let standings: Vec<(Standing, Option<f64>)> = figures
        .par_iter()
        .map(|f| {
            let ind = &catalogue.indicators()[f.indicator];
            let polarity = ind.polarity;
            let mut s = f.standing;
            let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
            let benchmark = national.value(&ind.id, f.year, sex);
            if let Some(v) = f.published() {
                let against = |other: Option<Intervals>| Comparison {
                    value: other.map(|o| o.value),
                    judgement: judge(
                        Some(&v.inner()),
                        Some(&v.outer()),
                        other.map(|o| o.value),
                        polarity,
                    ),
                };
                let parent = tree.parent[f.area].filter(|p| tree.level[*p] != Level::Country);
                s.parent =
                    against(parent.and_then(|p| value_of(figures, f.mode, p, f.indicator, f.year)));
                let region = tree.region[f.area].filter(|r| *r != f.area);
                s.region =
                    against(region.and_then(|r| value_of(figures, f.mode, r, f.indicator, f.year)));
                if let (Some(c), Some(r)) = (
                    f.crude,
                    region.and_then(|r| crude_of(figures, f.mode, r, f.indicator, f.year)),
                ) {
                    s.crude_region = Comparison {
                        value: Some(r.value),
                        judgement: judge(
                            Some(&c.inner()),
                            Some(&c.outer()),
                            Some(r.value),
                            polarity,
                        ),
                    };
                }
                s.national = match (ind.standardisation, f.isr_national) {
                    // A standardised value is judged by its ratio to the national rates.
                    (Standardisation::Direct | Standardisation::Indirect, Some(isr))
                        if polarity != Polarity::NotCompared =>
                    {
                        Comparison {
                            value: benchmark,
                            judgement: significance(&isr.inner(), Some(&isr.outer()), 1.0)
                                .judge(polarity),
                        }
                    }
                    (Standardisation::None, _) => Comparison {
                        value: benchmark,
                        judgement: judge(Some(&v.inner()), Some(&v.outer()), benchmark, polarity),
                    },
                    _ => Comparison {
                        value: benchmark,
                        judgement: if polarity == Polarity::NotCompared {
                            Judgement::NotCompared
                        } else {
                            Judgement::NotAvailable
                        },
                    },
                };
            }
            let excess = if f.is_published() {
                excess(f, benchmark, ind.multiplier)
            } else {
                f.excess
            };
            (s, excess)
        })
        .collect();
    for (f, (standing, excess)) in figures.iter_mut().zip(standings) {
        f.standing = standing;
        f.excess = excess;
    }
    peers(figures, tree, catalogue);
    trends(figures, catalogue, levels.0);
}

/// People affected beyond the national level: observed − expected at the national rates
/// for GP counts; (value − benchmark) ÷ multiplier × residents in scope otherwise.
fn excess(f: &Figure, benchmark: Option<f64>, multiplier: f64) -> Option<f64> {
    if let (Some(x), Some(e)) = (f.numerator, f.expected_national) {
        return Some(x - e);
    }
    let v = f.published()?.value;
    Some((v - benchmark?) / multiplier * f.residents?)
}

/// Rank, quintile and spine chart among the published figures of the same mode,
/// indicator, year and level in the same region (regions among all regions; custom areas
/// among those of their kind).
fn peers(figures: &mut [Figure], tree: &Hierarchy, catalogue: &Catalogue) {
    // Peers share mode, indicator, year, level, custom kind and region.
    type Peers = (Mode, usize, i32, Level, Option<CustomKind>, Option<usize>);
    let mut groups: BTreeMap<Peers, Vec<usize>> = BTreeMap::new();
    for (i, f) in figures.iter().enumerate() {
        if f.is_published() {
            let level = tree.level[f.area];
            let region = if level == Level::Region {
                None
            } else {
                tree.region[f.area]
            };
            groups
                .entry((
                    f.mode,
                    f.indicator,
                    f.year,
                    level,
                    tree.kind[f.area],
                    region,
                ))
                .or_default()
                .push(i);
        }
    }
    for ((_, ind, ..), members) in groups {
        let polarity = catalogue.indicators()[ind].polarity;
        let order = match polarity {
            Polarity::LowerBetter => Order::LowestFirst,
            _ => Order::HighestFirst,
        };
        let values: Vec<f64> = members
            .iter()
            .filter_map(|&i| figures[i].published().map(|v| v.value))
            .collect();
        let (Ok(r), Ok(q)) = (ranks(&values, order), quantile_groups(&values, 5, order)) else {
            continue;
        };
        let chart = spine(&values, polarity)
            .ok()
            .zip(percentiles(&values, &[0.5]).ok())
            .map(|(c, m)| [c.worst, c.q25, m[0], c.q75, c.best]);
        for (k, &i) in members.iter().enumerate() {
            let s = &mut figures[i].standing;
            s.rank = Some(r[k]);
            s.peers = members.len();
            s.quintile = q.as_ref().map(|q| q[k]);
            s.spine = chart;
        }
    }
}

/// The recent trend of each series (mode, area, indicator), set on its latest figure.
fn trends(figures: &mut [Figure], catalogue: &Catalogue, inner: Confidence) {
    let mut series: BTreeMap<(Mode, usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, f) in figures.iter().enumerate() {
        series
            .entry((f.mode, f.area, f.indicator))
            .or_default()
            .push(i);
    }
    for ((_, _, ind), mut members) in series {
        members.sort_by_key(|&i| figures[i].year);
        let Some(&latest) = members.last() else {
            continue;
        };
        if !figures[latest].is_published() {
            continue;
        }
        let points: Vec<(f64, f64, f64)> = members
            .iter()
            .map(|&i| {
                let f = &figures[i];
                match f.published() {
                    Some(v) => (f64::from(f.year), v.value, v.standard_error(inner)),
                    None => (f64::from(f.year), f64::NAN, f64::NAN),
                }
            })
            .collect();
        let t = weighted(&points, Confidence::C998);
        let polarity = catalogue.indicators()[ind].polarity;
        figures[latest].standing.trend = Some(TrendFigure {
            direction: t.direction.label(),
            label: t.label(polarity),
            slope: t.slope.is_finite().then_some(t.slope),
            points: points.len().min(trend::POINTS),
        });
    }
}
