//! Where each figure stands: against its parent, the region and the national reference;
//! rank, quintile and spine chart among the areas of its level in its region; recent trend.

use std::collections::HashMap;

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
                // A design-based estimate is judged against the rest of the reference.
                let contrasted = |c: Comparison, k: usize| match (f.contrasts[k], c.value) {
                    (Some(sig), Some(_)) => Comparison {
                        judgement: sig.judge(polarity),
                        ..c
                    },
                    _ => c,
                };
                let parent = tree.parent[f.area].filter(|p| tree.level[*p] != Level::Country);
                s.parent = contrasted(
                    against(parent.and_then(|p| value_of(figures, f.mode, p, f.indicator, f.year))),
                    0,
                );
                let region = tree.region[f.area].filter(|r| *r != f.area);
                s.region = contrasted(
                    against(region.and_then(|r| value_of(figures, f.mode, r, f.indicator, f.year))),
                    1,
                );
                // A design-based estimate against its previous round, both published.
                if let Some((year, sig)) = f.change
                    && let Some(then) = value_of(figures, f.mode, f.area, f.indicator, year)
                {
                    s.previous = Comparison {
                        value: Some(then.value),
                        judgement: sig.judge(polarity),
                    };
                    s.previous_year = Some(year);
                }
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
    figures
        .par_iter_mut()
        .zip(standings)
        .for_each(|(f, (standing, excess))| {
            f.standing = standing;
            f.excess = excess;
        });
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
    // Areas are peers when they share level, custom kind and region: number those classes.
    let mut classes: HashMap<(Level, Option<CustomKind>, Option<usize>), u32, FixedState> =
        HashMap::default();
    let class: Vec<u128> = (0..tree.len())
        .map(|a| {
            let level = tree.level[a];
            let region = if level == Level::Region {
                None
            } else {
                tree.region[a]
            };
            let n = u32::try_from(classes.len()).unwrap_or(u32::MAX);
            u128::from(*classes.entry((level, tree.kind[a], region)).or_insert(n))
        })
        .collect();
    // Figures are peers when they also share mode, indicator and year. Sorting by (peers,
    // position) puts each group together, its members in figure order.
    let mut members: Vec<(u128, usize)> = figures
        .par_iter()
        .enumerate()
        .filter(|(_, f)| f.is_published())
        .map(|(i, f)| {
            let year = u128::from(f.year as u32);
            let mode = u128::from(f.mode == Mode::Practice);
            // Class, indicator and year take 32 bits each above the mode's 8.
            let key = class[f.area] << 72 | (f.indicator as u128) << 40 | year << 8 | mode;
            (key, i)
        })
        .collect();
    members.par_sort_unstable();
    let groups: Vec<&[(u128, usize)]> = members.chunk_by(|a, b| a.0 == b.0).collect();
    let placed: Vec<_> = groups
        .par_iter()
        .map(|group| {
            let polarity = catalogue.indicators()[figures[group[0].1].indicator].polarity;
            let order = match polarity {
                Polarity::LowerBetter => Order::LowestFirst,
                _ => Order::HighestFirst,
            };
            let values: Vec<f64> = group
                .iter()
                .filter_map(|&(_, i)| figures[i].published().map(|v| v.value))
                .collect();
            let chart = spine(&values, polarity)
                .ok()
                .zip(percentiles(&values, &[0.5]).ok())
                .map(|(c, m)| [c.worst, c.q25, m[0], c.q75, c.best]);
            let ranked = ranks(&values, order).ok();
            ranked.zip(quantile_groups(&values, 5, order).ok().map(|q| (q, chart)))
        })
        .collect();
    for (group, placed) in groups.iter().zip(placed) {
        let Some((r, (q, chart))) = placed else {
            continue;
        };
        for (k, &(_, i)) in group.iter().enumerate() {
            let s = &mut figures[i].standing;
            s.rank = Some(r[k]);
            s.peers = group.len();
            s.quintile = q.as_ref().map(|q| q[k]);
            s.spine = chart;
        }
    }
}

/// The recent trend of each series (mode, area, indicator), set on its latest figure. The
/// figures are in canonical order: those of one area and indicator together, by year.
fn trends(figures: &mut [Figure], catalogue: &Catalogue, inner: Confidence) {
    figures
        .par_chunk_by_mut(|a, b| a.area == b.area && a.indicator == b.indicator)
        .for_each(|block| {
            for mode in Mode::ALL {
                let members: Vec<usize> = (0..block.len())
                    .filter(|&i| block[i].mode == mode)
                    .collect();
                trend_of(block, &members, catalogue, inner);
            }
        });
}

/// The trend of one series: `members` (by year) of `figures`.
fn trend_of(figures: &mut [Figure], members: &[usize], catalogue: &Catalogue, inner: Confidence) {
    let Some(&latest) = members.last() else {
        return;
    };
    if !figures[latest].is_published() {
        return;
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
    let polarity = catalogue.indicators()[figures[latest].indicator].polarity;
    figures[latest].standing.trend = Some(TrendFigure {
        direction: t.direction.label(),
        label: t.label(polarity),
        slope: t.slope.is_finite().then_some(t.slope),
        points: points.len().min(trend::POINTS),
    });
}
