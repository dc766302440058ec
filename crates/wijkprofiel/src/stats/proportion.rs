//! Proportions: the Wilson score interval.

use super::{Confidence, Estimate, StatsError};

/// The proportion `x / n` with its Wilson score interval (Wilson 1927), as in the UK
/// public-health methods (`phe_proportion`). `x = 0` and `x = n` are valid and give intervals
/// that touch 0 and 1.
///
/// # Errors
///
/// [`StatsError::Counts`] when `x < 0`, `n <= 0`, `x > n` or a count is not finite.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, proportion::wilson};
/// let e = wilson(65.0, 100.0, Confidence::C95).unwrap().scaled(100.0);
/// assert!((e.lower - 55.254_443_296_887_96).abs() < 1e-9);
/// assert!(wilson(5.0, 4.0, Confidence::C95).is_err());
/// ```
pub fn wilson(x: f64, n: f64, confidence: Confidence) -> Result<Estimate, StatsError> {
    let rule = if !(x.is_finite() && n.is_finite()) {
        Some("counts must be finite")
    } else if n <= 0.0 {
        Some("the denominator must be positive")
    } else if x < 0.0 {
        Some("the numerator must not be negative")
    } else if x > n {
        Some("the numerator must not exceed the denominator")
    } else {
        None
    };
    if let Some(rule) = rule {
        return Err(StatsError::Counts { x, n, rule });
    }
    let z = confidence.z();
    let z2 = z * z;
    let centre = 2.0 * x + z2;
    let spread = z * (z2 + 4.0 * x * (1.0 - x / n)).sqrt();
    let denominator = 2.0 * (n + z2);
    Ok(Estimate {
        value: x / n,
        lower: ((centre - spread) / denominator).clamp(0.0, 1.0),
        upper: ((centre + spread) / denominator).clamp(0.0, 1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values: statsmodels `proportion_confint(method="wilson")`.
    const CASES: [(f64, f64, f64, f64, f64); 5] = [
        (0.0, 50.0, 0.95, 0.0, 0.071_347_599_133_358_74),
        (
            65.0,
            100.0,
            0.95,
            0.552_544_432_968_879_6,
            0.736_357_517_569_024_7,
        ),
        (
            65.0,
            100.0,
            0.998,
            0.495_494_657_407_044_8,
            0.778_354_061_408_968_7,
        ),
        (100.0, 100.0, 0.95, 0.963_006_501_793_014_3, 1.0),
        (
            3.0,
            7.0,
            0.95,
            0.158_219_855_251_469_64,
            0.749_541_635_472_342_8,
        ),
    ];

    #[test]
    fn matches_statsmodels() {
        for (x, n, level, lower, upper) in CASES {
            let e = wilson(x, n, Confidence::new(level).unwrap()).unwrap();
            assert!(
                (e.lower - lower).abs() <= 1e-12,
                "{x}/{n} {level}: {}",
                e.lower
            );
            assert!(
                (e.upper - upper).abs() <= 1e-12,
                "{x}/{n} {level}: {}",
                e.upper
            );
            assert!((e.value - x / n).abs() < 1e-15);
        }
    }

    #[test]
    fn invalid_counts_are_errors() {
        let c = Confidence::C95;
        for (x, n) in [
            (5.0, 4.0),
            (1.0, 0.0),
            (-1.0, 10.0),
            (f64::NAN, 10.0),
            (1.0, f64::INFINITY),
        ] {
            assert!(
                matches!(wilson(x, n, c), Err(StatsError::Counts { .. })),
                "{x}/{n}"
            );
        }
        assert_eq!(
            wilson(5.0, 4.0, c).unwrap_err().to_string(),
            "x = 5, n = 4: the numerator must not exceed the denominator"
        );
    }

    #[test]
    fn intervals_contain_the_value_widen_with_confidence_and_grow_with_x() {
        let n = 40.0;
        let mut previous = wilson(0.0, n, Confidence::C95).unwrap();
        for x in 0..=40 {
            let x = f64::from(x);
            let e95 = wilson(x, n, Confidence::C95).unwrap();
            let e998 = wilson(x, n, Confidence::C998).unwrap();
            assert!(e95.lower <= e95.value && e95.value <= e95.upper);
            assert!(e998.lower <= e95.lower && e95.upper <= e998.upper);
            assert!(e95.lower >= previous.lower && e95.upper >= previous.upper);
            previous = e95;
        }
    }
}
