//! An area among its peers: percentiles, quantile groups (deciles, quintiles), ranks and the
//! spine-chart summary.

use super::StatsError;
use super::compare::Polarity;

/// Which values come first in ranks and quantile groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    /// Rank 1 and group 1 hold the lowest values.
    LowestFirst,
    /// Rank 1 and group 1 hold the highest values (deprivation scores: group 1 is the most
    /// deprived).
    HighestFirst,
}

fn finite(values: &[f64]) -> Result<(), StatsError> {
    match values.iter().find(|v| !v.is_finite()) {
        Some(&bad) => Err(StatsError::Value {
            name: "value",
            value: bad,
            rule: "must be a finite number (drop missing values first)",
        }),
        None => Ok(()),
    }
}

/// Percentiles by linear interpolation between order statistics: R's type 7, Excel's
/// `PERCENTILE.INC`, numpy's default. `probabilities` are in [0, 1].
///
/// # Errors
///
/// [`StatsError::Shape`] for no values; [`StatsError::Value`] for a non-finite value or a
/// probability outside [0, 1].
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::distribution::percentiles;
/// let p = percentiles(&[15.0, 20.0, 35.0, 40.0, 50.0], &[0.25, 0.4, 1.0]).unwrap();
/// assert_eq!(p, vec![20.0, 29.0, 50.0]);
/// ```
pub fn percentiles(values: &[f64], probabilities: &[f64]) -> Result<Vec<f64>, StatsError> {
    finite(values)?;
    if values.is_empty() {
        return Err(StatsError::Shape {
            what: "percentiles",
            rule: "no values".to_owned(),
        });
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    probabilities
        .iter()
        .map(|&p| {
            if !(0.0..=1.0).contains(&p) {
                return Err(StatsError::Value {
                    name: "probability",
                    value: p,
                    rule: "must be between 0 and 1",
                });
            }
            let h = (sorted.len() - 1) as f64 * p;
            let low = h.floor() as usize;
            let high = (low + 1).min(sorted.len() - 1);
            Ok(sorted[low] + (h - h.floor()) * (sorted[high] - sorted[low]))
        })
        .collect()
}

/// Ranks from 1; ties share the lowest rank of their run ("min", as `rank(method = "min")`).
///
/// # Errors
///
/// [`StatsError::Value`] for a non-finite value.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::distribution::{Order, ranks};
/// assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0], Order::LowestFirst).unwrap(), vec![3, 1, 3, 2]);
/// assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0], Order::HighestFirst).unwrap(), vec![1, 4, 1, 3]);
/// ```
pub fn ranks(values: &[f64], order: Order) -> Result<Vec<usize>, StatsError> {
    finite(values)?;
    let mut index: Vec<usize> = (0..values.len()).collect();
    let key = |i: usize| match order {
        Order::LowestFirst => values[i],
        Order::HighestFirst => -values[i],
    };
    index.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    let mut out = vec![0; values.len()];
    let mut rank = 1;
    for (position, &i) in index.iter().enumerate() {
        if position > 0 && key(i) != key(index[position - 1]) {
            rank = position + 1;
        }
        out[i] = rank;
    }
    Ok(out)
}

/// Quantile groups 1..=`groups` (10 for deciles, 5 for quintiles) as `phe_quantile`: from the
/// min-rank r among n values, group = ⌊(q + 1) − ⌈(n + 1 − r) / (n / q)⌉⌋, at least 1. Ties
/// share a group. Fewer values than groups gives no groups (`None`).
///
/// # Errors
///
/// [`StatsError::Value`] for a non-finite value; [`StatsError::Shape`] for 0 groups.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::distribution::{Order, quantile_groups};
/// let values: Vec<f64> = (1..=10).map(f64::from).collect();
/// let q = quantile_groups(&values, 5, Order::LowestFirst).unwrap().unwrap();
/// assert_eq!(q, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
/// ```
pub fn quantile_groups(
    values: &[f64],
    groups: usize,
    order: Order,
) -> Result<Option<Vec<usize>>, StatsError> {
    if groups == 0 {
        return Err(StatsError::Shape {
            what: "quantile groups",
            rule: "at least one group is needed".to_owned(),
        });
    }
    let ranks = ranks(values, order)?;
    if values.len() < groups {
        return Ok(None);
    }
    let (n, q) = (values.len() as f64, groups as f64);
    Ok(Some(
        ranks
            .into_iter()
            .map(|r| {
                let r = r as f64;
                let group = ((q + 1.0) - ((n + 1.0 - r) / (n / q)).ceil()).floor();
                group.max(1.0) as usize
            })
            .collect(),
    ))
}

/// The spine chart's scale for one indicator among peers: worst, 25th percentile, 75th
/// percentile and best, with worst and best by polarity (for no-judgement indicators: lowest
/// and highest; the 25th percentile is always on the worst side).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spine {
    pub worst: f64,
    pub q25: f64,
    pub q75: f64,
    pub best: f64,
}

/// The [`Spine`] of `values`.
///
/// # Errors
///
/// As [`percentiles`].
pub fn spine(values: &[f64], polarity: Polarity) -> Result<Spine, StatsError> {
    let p = percentiles(values, &[0.0, 0.25, 0.75, 1.0])?;
    Ok(match polarity {
        Polarity::HigherBetter | Polarity::NoJudgement | Polarity::NotCompared => Spine {
            worst: p[0],
            q25: p[1],
            q75: p[2],
            best: p[3],
        },
        Polarity::LowerBetter => Spine {
            worst: p[3],
            q25: p[2],
            q75: p[1],
            best: p[0],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([3, 1, 4, 1, 5, 9, 2, 6], [10, 33, 50, 90]) (type 7).
        let p = percentiles(
            &[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0],
            &[0.1, 0.33, 0.5, 0.9],
        )
        .unwrap();
        let expected = [1.0, 2.31, 3.5, 6.899_999_999_999_999];
        for (a, b) in p.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{a} {b}");
        }
        assert_eq!(percentiles(&[7.0], &[0.5]).unwrap(), vec![7.0]);
        assert!(percentiles(&[], &[0.5]).is_err());
        assert!(percentiles(&[1.0], &[1.5]).is_err());
        assert!(percentiles(&[f64::NAN], &[0.5]).is_err());
    }

    #[test]
    fn deprivation_ordering_puts_the_highest_scores_in_group_one() {
        let scores = [0.9, 0.1, 0.5, 0.7, 0.3];
        let q = quantile_groups(&scores, 5, Order::HighestFirst)
            .unwrap()
            .unwrap();
        assert_eq!(q, vec![1, 5, 3, 2, 4]);
        assert_eq!(
            quantile_groups(&scores[..3], 5, Order::HighestFirst).unwrap(),
            None
        );
        let ties = quantile_groups(&[1.0, 1.0, 1.0, 1.0, 2.0], 5, Order::LowestFirst)
            .unwrap()
            .unwrap();
        assert!(ties[..4].iter().all(|&g| g == ties[0]));
    }

    #[test]
    fn spine_follows_polarity() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0];
        let up = spine(&values, Polarity::HigherBetter).unwrap();
        assert_eq!((up.worst, up.q25, up.q75, up.best), (1.0, 2.0, 4.0, 5.0));
        let down = spine(&values, Polarity::LowerBetter).unwrap();
        assert_eq!(
            (down.worst, down.q25, down.q75, down.best),
            (5.0, 4.0, 2.0, 1.0)
        );
    }
}
