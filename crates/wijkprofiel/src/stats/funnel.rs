//! Funnel plots: control limits around a benchmark as a function of an area's size, and each
//! area's significance against them.

use statrs::function::gamma::gamma_lr;

use super::compare::{Significance, significance};
use super::indirect::Indirect;
use super::{Confidence, StatsError, proportion::wilson};

/// Control limits for a proportion with denominator `n` around the benchmark proportion `p`:
/// the proportions whose Wilson interval just touches `p`, which is p ± z·√(p(1−p)/n),
/// clipped to [0, 1] (as `calculate_funnel_limits(statistic = "proportion")`).
///
/// # Errors
///
/// [`StatsError::Value`] when `p` is outside [0, 1] or `n <= 0`.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, funnel::proportion_limits};
/// let (low, high) = proportion_limits(0.3, 100.0, Confidence::C95).unwrap();
/// assert!((low - 0.210_183_166_814_579_44).abs() < 1e-12);
/// assert!((high - 0.389_816_833_185_420_5).abs() < 1e-12);
/// ```
pub fn proportion_limits(p: f64, n: f64, confidence: Confidence) -> Result<(f64, f64), StatsError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(StatsError::Value {
            name: "benchmark proportion",
            value: p,
            rule: "must be between 0 and 1",
        });
    }
    super::positive("denominator", n)?;
    let half = confidence.z() * (p * (1.0 - p) / n).sqrt();
    Ok(((p - half).max(0.0), (p + half).min(1.0)))
}

/// Control limits for a ratio O/E (an indirectly standardised ratio) at `expected` events
/// around 1, by the exact Poisson distribution: the ratios O/E whose exact interval just
/// touches E. O is found as a real number (the funnel is a smooth curve), solving
/// P(O + 1, E) = 1 − tail for the lower limit and P(O, E) = tail for the upper, with P the
/// regularised lower incomplete gamma function. The lower limit is 0 where no O ≥ 0 qualifies.
///
/// # Errors
///
/// [`StatsError::Value`] when `expected <= 0`.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, funnel::ratio_limits};
/// let (low, high) = ratio_limits(100.0, Confidence::C95).unwrap();
/// assert!(low < 1.0 && 1.0 < high && high - 1.0 > 1.0 - low);
/// ```
pub fn ratio_limits(expected: f64, confidence: Confidence) -> Result<(f64, f64), StatsError> {
    super::positive("expected events", expected)?;
    let tail = confidence.tail();
    // Lower: largest O with P(O + 1, E) >= 1 - tail; P falls as O grows.
    let lower = if gamma_lr(1.0, expected) < 1.0 - tail {
        0.0
    } else {
        solve(0.0, expected, |o| {
            gamma_lr(o + 1.0, expected) - (1.0 - tail)
        })
    };
    let mut top = expected + 10.0 * expected.sqrt() + 20.0;
    while gamma_lr(top, expected) > tail {
        top *= 2.0;
    }
    let upper = solve(expected.max(f64::MIN_POSITIVE), top, |o| {
        gamma_lr(o, expected) - tail
    });
    Ok((lower / expected, upper / expected))
}

/// Control limits for a crude rate per person at population `population` around the
/// benchmark rate `rate`: the ratio limits at E = rate × population, times the rate.
///
/// # Errors
///
/// [`StatsError::Value`] when `rate` or `population` is not above 0.
pub fn rate_limits(
    rate: f64,
    population: f64,
    confidence: Confidence,
) -> Result<(f64, f64), StatsError> {
    super::positive("benchmark rate", rate)?;
    super::positive("population", population)?;
    let (low, high) = ratio_limits(rate * population, confidence)?;
    Ok((low * rate, high * rate))
}

/// Bisection on a decreasing function `f` with a root in `[low, high]`.
fn solve(mut low: f64, mut high: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            break;
        }
        if f(mid) > 0.0 {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// A proportion `x / n` against the funnel around `p` at 95% and 99.8%: higher or lower when
/// outside the limits (the same as the benchmark outside the area's Wilson intervals).
///
/// # Errors
///
/// As [`wilson`].
pub fn proportion_significance(x: f64, n: f64, p: f64) -> Result<Significance, StatsError> {
    let e95 = wilson(x, n, Confidence::C95)?;
    let e998 = wilson(x, n, Confidence::C998)?;
    Ok(significance(&e95, Some(&e998), p))
}

/// Observed against expected events at 95% and 99.8%: the ratio 1 against the exact (below
/// 10) or Byar (from 10) interval of O/E, as `assign_funnel_significance(statistic = "ratio")`.
///
/// # Errors
///
/// [`StatsError::Value`] when `observed < 0` or `expected <= 0`.
pub fn ratio_significance(observed: f64, expected: f64) -> Result<Significance, StatsError> {
    let ratio = Indirect::from_expected(observed, expected, 1.0)?;
    Ok(significance(
        &ratio.ratio(Confidence::C95),
        Some(&ratio.ratio(Confidence::C998)),
        1.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_limits_invert_the_exact_interval() {
        // At E equal to the exact upper limit of O, the lower ratio limit is O / E.
        for o in [1.0, 4.0, 25.0, 300.0] {
            for c in Confidence::PAIR {
                let (_, upper_o) = exact(o, c);
                let (low, _) = ratio_limits(upper_o, c).unwrap();
                assert!((low * upper_o - o).abs() < 1e-8 * o, "{o} {c:?}");
                let (lower_o, _) = exact(o, c);
                let (_, high) = ratio_limits(lower_o, c).unwrap();
                assert!((high * lower_o - o).abs() < 1e-8 * o, "{o} {c:?}");
            }
        }
        let (low, _) = ratio_limits(1.0, Confidence::C95).unwrap();
        assert_eq!(low, 0.0);
        assert!(ratio_limits(0.0, Confidence::C95).is_err());
    }

    fn exact(o: f64, c: Confidence) -> (f64, f64) {
        use statrs::distribution::ChiSquared;
        let q = |k: f64, p: f64| {
            crate::stats::quantile(&ChiSquared::new(k).unwrap(), p, 0.0, f64::INFINITY)
        };
        (
            q(2.0 * o, c.tail()) / 2.0,
            q(2.0 * o + 2.0, 1.0 - c.tail()) / 2.0,
        )
    }

    #[test]
    fn limits_narrow_with_size_and_widen_with_confidence() {
        let mut previous = (0.0, f64::INFINITY);
        for n in [10.0, 100.0, 1000.0, 10_000.0] {
            let l95 = proportion_limits(0.2, n, Confidence::C95).unwrap();
            let l998 = proportion_limits(0.2, n, Confidence::C998).unwrap();
            assert!(l998.0 <= l95.0 && l95.1 <= l998.1);
            assert!(l95.0 >= previous.0 && l95.1 <= previous.1);
            previous = l95;
            let r = rate_limits(0.01, n * 10.0, Confidence::C95).unwrap();
            assert!(r.0 < 0.01 && 0.01 < r.1);
        }
    }

    #[test]
    fn significance_levels() {
        assert_eq!(
            proportion_significance(30.0, 100.0, 0.3).unwrap(),
            Significance::Similar
        );
        assert_eq!(
            proportion_significance(60.0, 100.0, 0.3).unwrap(),
            Significance::Higher { at_998: true }
        );
        assert_eq!(
            ratio_significance(20.0, 12.0).unwrap(),
            Significance::Higher { at_998: false }
        );
        assert_eq!(
            ratio_significance(0.0, 5.0).unwrap(),
            Significance::Lower { at_998: false }
        );
    }
}
