//! Crude rates: exact Poisson interval below 10 events, Byar's approximation from 10.

use statrs::distribution::ChiSquared;

use super::{Confidence, Estimate, StatsError};

/// Below this many events the exact (chi-square) interval is used, from it Byar's.
pub const EXACT_BELOW: f64 = 10.0;

/// Confidence limits for a Poisson count `x`: exact below [`EXACT_BELOW`] events, Byar's
/// approximation (Breslow & Day 1987) from there, as in the UK public-health methods.
///
/// # Errors
///
/// [`StatsError::Counts`] when `x < 0` or `x` is not finite.
pub fn poisson_limits(x: f64, confidence: Confidence) -> Result<(f64, f64), StatsError> {
    if !x.is_finite() || x < 0.0 {
        return Err(StatsError::Counts {
            x,
            n: f64::NAN,
            rule: "the count must be a finite number of at least 0",
        });
    }
    if x < EXACT_BELOW {
        return Ok(exact_limits(x, confidence));
    }
    let z = confidence.z();
    let lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * x.sqrt())).powi(3);
    let x1 = x + 1.0;
    let upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * x1.sqrt())).powi(3);
    Ok((lower, upper))
}

/// The exact limits (chi-square quantiles); for whole counts at the usual pair of levels
/// computed once.
fn exact_limits(x: f64, confidence: Confidence) -> (f64, f64) {
    static WHOLE: std::sync::LazyLock<Vec<[(f64, f64); 2]>> = std::sync::LazyLock::new(|| {
        (0_i32..)
            .map(f64::from)
            .take_while(|&x| x < EXACT_BELOW)
            .map(|x| Confidence::PAIR.map(|c| chi_square_limits(x, c)))
            .collect()
    });
    let whole = WHOLE.iter().zip(0_i32..).find(|&(_, k)| f64::from(k) == x);
    match (confidence.in_pair(), whole) {
        (Some(c), Some((limits, _))) => limits[c],
        _ => chi_square_limits(x, confidence),
    }
}

fn chi_square_limits(x: f64, confidence: Confidence) -> (f64, f64) {
    let lower = if x == 0.0 {
        0.0
    } else {
        chi_square_quantile(2.0 * x, confidence.tail()) / 2.0
    };
    let upper = chi_square_quantile(2.0 * x + 2.0, 1.0 - confidence.tail()) / 2.0;
    (lower, upper)
}

fn chi_square_quantile(freedom: f64, p: f64) -> f64 {
    // `freedom` is positive here, so the distribution exists.
    ChiSquared::new(freedom).map_or(f64::NAN, |d| super::quantile(&d, p, 0.0, f64::INFINITY))
}

/// The crude rate `x / n` per person with its Poisson interval ([`poisson_limits`]). `x > n`
/// is allowed (events, not persons); `x = 0` is valid.
///
/// # Errors
///
/// [`StatsError::Counts`] when `x < 0`, `n <= 0` or a count is not finite.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, rate::poisson};
/// let e = poisson(57.0, 10_000.0, Confidence::C95).unwrap().scaled(1000.0);
/// assert!((e.value - 5.7).abs() < 1e-12);
/// assert!(e.lower < 5.7 && 5.7 < e.upper);
/// ```
pub fn poisson(x: f64, n: f64, confidence: Confidence) -> Result<Estimate, StatsError> {
    if !(n.is_finite() && n > 0.0) {
        return Err(StatsError::Counts {
            x,
            n,
            rule: "the denominator must be a positive number",
        });
    }
    let (lower, upper) = poisson_limits(x, confidence).map_err(|_| StatsError::Counts {
        x,
        n,
        rule: "the numerator must be a finite number of at least 0",
    })?;
    Ok(Estimate {
        value: x / n,
        lower: lower / n,
        upper: upper / n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact limits: scipy `chi2.ppf(tail, 2x) / 2` and `chi2.ppf(1 - tail, 2x + 2) / 2`;
    /// Byar: the closed formula evaluated in Python with scipy's normal quantile.
    const CASES: [(f64, f64, f64, f64); 8] = [
        (0.0, 0.95, 0.0, 3.688_879_454_113_935_4),
        (0.0, 0.998, 0.0, 6.907_755_278_982_137),
        (1.0, 0.95, 0.025_317_807_984_289_876, 5.571_643_390_938_898),
        (5.0, 0.95, 1.623_486_390_118_420_7, 11.668_332_079_322_67),
        (9.0, 0.95, 4.115_373_097_378_334, 17.084_803_451_419_166),
        (10.0, 0.95, 4.787_449_913_967_563, 18.391_458_605_756_473),
        (57.0, 0.95, 43.168_600_665_113_29, 73.851_459_279_721_35),
        (57.0, 0.998, 36.459_648_814_752_27, 84.432_323_731_146),
    ];

    #[test]
    fn limits_match_scipy_and_byar() {
        for (x, level, lower, upper) in CASES {
            let (l, u) = poisson_limits(x, Confidence::new(level).unwrap()).unwrap();
            assert!(
                (l - lower).abs() <= 1e-13 * lower.max(1.0),
                "{x} {level}: lower {l}"
            );
            assert!((u - upper).abs() <= 1e-13 * upper, "{x} {level}: upper {u}");
        }
    }

    #[test]
    fn exact_limits_kept_for_whole_counts_are_the_limits_computed() {
        for x in (0..10).map(f64::from) {
            for c in Confidence::PAIR {
                assert_eq!(exact_limits(x, c), chi_square_limits(x, c), "{x}");
            }
        }
        // Other counts and levels are computed each time.
        let (between, c90) = (
            exact_limits(2.5, Confidence::C95),
            Confidence::new(0.9).unwrap(),
        );
        assert!(between.0 > exact_limits(2.0, Confidence::C95).0);
        assert!(between.0 < exact_limits(3.0, Confidence::C95).0);
        assert!(exact_limits(2.0, c90).1 < exact_limits(2.0, Confidence::C95).1);
    }

    #[test]
    fn rates_allow_more_events_than_persons_but_not_bad_counts() {
        let e = poisson(30.0, 20.0, Confidence::C95).unwrap();
        assert!((e.value - 1.5).abs() < 1e-15 && e.lower < 1.5 && e.upper > 1.5);
        assert!(poisson(-1.0, 20.0, Confidence::C95).is_err());
        assert!(poisson(1.0, 0.0, Confidence::C95).is_err());
        assert_eq!(
            poisson(1.0, 0.0, Confidence::C95).unwrap_err().to_string(),
            "x = 1, n = 0: the denominator must be a positive number"
        );
    }

    #[test]
    fn limits_are_ordered_monotone_and_widen_with_confidence() {
        let mut previous = (0.0, 0.0);
        for x in 0..200 {
            let x = f64::from(x);
            let (l95, u95) = poisson_limits(x, Confidence::C95).unwrap();
            let (l998, u998) = poisson_limits(x, Confidence::C998).unwrap();
            assert!(l95 <= x && x <= u95, "{x}");
            assert!(l998 <= l95 && u95 <= u998, "{x}");
            assert!(l95 >= previous.0 && u95 >= previous.1, "{x}");
            previous = (l95, u95);
        }
    }
}
